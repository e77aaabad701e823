package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"ocophub/catalog"
)

var products = entity[productRow, productRow]{what: "product", table: "products",
	scope:    func(db *gorm.DB, s catalog.Scope) *gorm.DB { return ownedBy(db, s, "products") },
	asDomain: func(r productRow) productRow { return r }, id: func(r productRow) int64 { return r.ID }}

// CreateProduct stores p with its variants, and their opening stock, in
// one transaction: a refused count leaves no product behind.
func (s *Store) CreateProduct(ctx context.Context, p *catalog.Product, opening ...catalog.OpeningStock) error {
	sc, err := allowed(ctx, catalog.PermCatalogWrite)
	if err != nil {
		return err
	}
	if len(opening) > 0 {
		if _, err := allowed(ctx, catalog.PermStockAdjust); err != nil {
			return err
		}
	}
	p.ArchivedAt = nil
	if err := p.Validate(); err != nil {
		return err
	}
	coop, err := s.Coop(ctx, p.CoopID)
	if err != nil {
		return fieldNotFound(err, "coop_id", "co-op not found")
	}
	if p.Origin.Province == "" {
		p.Origin.Province = coop.Province
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row := toProductRow(p)
		row.ID, row.Version = 0, 1
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "product "+p.Code)
		}
		p.ID = row.ID
		if _, err := s.syncVariants(tx, p, false); err != nil {
			return err
		}
		if err := s.openStock(ctx, tx, p, opening); err != nil {
			return err
		}
		return s.auditOutsider(tx, sc, p.CoopID, "product.created", "product", p.ID, p.Code)
	})
	if err != nil {
		return err
	}
	*p, err = s.product(ctx, p.ID)
	return err
}

// openStock counts a new product's opening stock into its co-op's
// warehouses: one ledger movement (and outbox event) per count.
func (s *Store) openStock(ctx context.Context, tx *gorm.DB, p *catalog.Product, opening []catalog.OpeningStock) error {
	fe := catalog.FieldErrors{}
	for i, o := range opening {
		if o.Quantity == 0 {
			continue
		}
		field := fmt.Sprintf("opening_stock[%d]", i)
		v, ok := p.Variant(o.SKU)
		if !ok {
			fe.Add(field+".sku", "no variant of the product has this SKU")
			continue
		}
		if o.Quantity < 0 {
			fe.Add(field+".quantity", "opening stock must not be negative")
			continue
		}
		var wh warehouseRow
		if err := tx.Where("id = ? AND coop_id = ?", o.WarehouseID, p.CoopID).Take(&wh).Error; err != nil {
			fe.Add(field+".warehouse_id", "the warehouse is not one of the co-op's")
			continue
		}
		if _, err := s.changeStock(ctx, tx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: v.ID,
			WarehouseID: o.WarehouseID, Quantity: o.Quantity, Reason: catalog.ReasonCount, Note: "opening stock"}); err != nil {
			return err
		}
	}
	return fe.Err()
}

// Product reads a product with its variants. Alliance staff reading under
// a consent is recorded in the co-op's audit log.
func (s *Store) Product(ctx context.Context, id int64) (catalog.Product, error) {
	p, err := s.product(ctx, id)
	if err != nil {
		return p, err
	}
	return p, s.auditStaffRead(ctx, p.CoopID, "product.read", "product", p.ID, p.Code)
}

func (s *Store) product(ctx context.Context, id int64) (catalog.Product, error) {
	row, err := products.get(ctx, s.db, id)
	if err != nil {
		return catalog.Product{}, err
	}
	byProduct, err := s.variantsOf(ctx, s.db, []int64{row.ID})
	if err != nil {
		return catalog.Product{}, err
	}
	return row.asDomain(byProduct[row.ID]), nil
}

// ListProducts lists products in scope with their variants, filtered by
// co-op, stars, group and a diacritics-insensitive search.
func (s *Store) ListProducts(ctx context.Context, q catalog.ListQuery) ([]catalog.Product, string, error) {
	rows, next, err := products.list(ctx, s.db, q, func(db *gorm.DB) *gorm.DB {
		db = coopFilter("products", q.CoopID)(db)
		if q.Archived {
			db = db.Where("products.archived_at IS NOT NULL")
		} else {
			db = db.Where("products.archived_at IS NULL")
		}
		if q.Stars != 0 {
			db = db.Where("products.ocop_stars = ?", int(q.Stars))
		}
		if q.Group != "" {
			db = db.Where("products.ocop_group = ?", string(q.Group))
		}
		for _, word := range catalog.SearchTerms(catalog.Fold(q.Q)) {
			db = db.Where(`products.search_text LIKE ? ESCAPE '\'`, "%"+escapeLike(word)+"%")
		}
		return db
	})
	if err != nil || len(rows) == 0 {
		return []catalog.Product{}, next, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	byProduct, err := s.variantsOf(ctx, s.db, ids)
	if err != nil {
		return nil, "", err
	}
	out := make([]catalog.Product, len(rows))
	listed := map[int64]int{}
	for i, r := range rows {
		out[i] = r.asDomain(byProduct[r.ID])
		listed[r.CoopID]++
	}
	for coopID, n := range listed {
		if err := s.auditStaffRead(ctx, coopID, "products.listed", "", 0, fmt.Sprintf("%d products", n)); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UpdateProduct replaces the product and its variant list if p.Version is
// current, in one transaction. A caller who may change prices but not the
// catalog (alliance staff holding the co-op's change_prices right) may
// change nothing else.
func (s *Store) UpdateProduct(ctx context.Context, p *catalog.Product) error {
	sc, err := allowed(ctx, catalog.PermPriceWrite)
	if err != nil {
		return err
	}
	current, err := s.product(ctx, p.ID)
	if err != nil {
		return err
	}
	p.CoopID = current.CoopID         // a product never changes co-op
	p.ArchivedAt = current.ArchivedAt // nor is archived by an edit
	if p.Origin == (catalog.Origin{}) {
		p.Origin = current.Origin // a client that sends no origin keeps it
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if !sc.Can(catalog.PermCatalogWrite) {
		if sc.IsStaff() && !sc.RightsOn(current.CoopID).Has(catalog.RightChangePrices) {
			return &catalog.Error{Code: catalog.CodePermissionDenied, Message: "the co-op has not granted you change_prices"}
		}
		if !onlyPricesDiffer(current, *p) {
			return &catalog.Error{Code: catalog.CodePermissionDenied, Message: "you may change the prices of this product's variants, nothing else"}
		}
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row := toProductRow(p)
		row.Version = p.Version + 1
		row.UpdatedAt = s.now().UTC()
		if err := products.update(ctx, tx, p.ID, p.Version, &row, "coop_id"); err != nil {
			return err
		}
		if _, err := s.syncVariants(tx, p, false); err != nil {
			return err
		}
		if err := s.auditOutsider(tx, sc, p.CoopID, "product.changed", "product", p.ID, priceChanges(current, *p)); err != nil {
			return err
		}
		return writeOutbox(tx, catalog.TopicProductChanged, catalog.ProductChanged{ProductID: p.ID, Version: row.Version})
	})
	if err != nil {
		return err
	}
	*p, err = s.product(ctx, p.ID)
	return err
}

// onlyPricesDiffer reports whether next is current with some variant
// prices changed and nothing else: the same variants (by SKU, in order)
// and the same product fields.
func onlyPricesDiffer(current, next catalog.Product) bool {
	if len(current.Variants) != len(next.Variants) {
		return false
	}
	next.Variants = slices.Clone(next.Variants)
	for i, v := range next.Variants {
		cur := current.Variants[i]
		if v.SKU != cur.SKU {
			return false
		}
		v.ID, v.ProductID, v.Price = cur.ID, cur.ProductID, cur.Price
		next.Variants[i] = v
	}
	next.ID, next.Version, next.CreatedAt, next.UpdatedAt = current.ID, current.Version, current.CreatedAt, current.UpdatedAt
	return reflect.DeepEqual(current, next)
}

// priceChanges describes a product change for the audit log by its price
// changes ("CHE-1 95000 → 90000").
func priceChanges(current, next catalog.Product) string {
	was := map[catalog.SKU]catalog.VND{}
	for _, v := range current.Variants {
		was[v.SKU] = v.Price
	}
	var parts []string
	for _, v := range next.Variants {
		if old, ok := was[v.SKU]; ok && old != v.Price {
			parts = append(parts, fmt.Sprintf("%s %d → %d", v.SKU, old, v.Price))
		}
	}
	if len(parts) == 0 {
		return next.Code + ": no price changed"
	}
	return next.Code + ": " + strings.Join(parts, "; ")
}

// ArchiveProduct archives (archived) or restores a product at version:
// archiving delists its items from every shop (the worker acts on the
// product.changed event) and leaves it out of lists, keeping its variants,
// stock and orders; a restored product is published again by hand.
func (s *Store) ArchiveProduct(ctx context.Context, id, version int64, archived bool) (catalog.Product, error) {
	sc, err := allowed(ctx, catalog.PermCatalogWrite)
	if err != nil {
		return catalog.Product{}, err
	}
	current, err := s.product(ctx, id)
	if err != nil {
		return catalog.Product{}, err
	}
	if current.Archived() == archived {
		return current, nil
	}
	now := s.now().UTC()
	var at *time.Time
	action := "product.restored"
	if archived {
		at, action = &now, "product.archived"
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&productRow{}).Where("id = ? AND version = ?", id, version).
			Updates(map[string]any{"archived_at": at, "version": version + 1, "updated_at": now})
		if err := res.Error; err != nil {
			return translate(err, "product "+current.Code)
		}
		if res.RowsAffected == 0 {
			return catalog.Errorf(catalog.CodeConflict, "product %d was changed since version %d", id, version)
		}
		if err := s.auditOutsider(tx, sc, current.CoopID, action, "product", id, current.Code); err != nil {
			return err
		}
		return writeOutbox(tx, catalog.TopicProductChanged, catalog.ProductChanged{ProductID: id, Version: version + 1})
	})
	if err != nil {
		return catalog.Product{}, err
	}
	return s.product(ctx, id)
}

// DeleteProduct removes a product whose variants hold no stock.
func (s *Store) DeleteProduct(ctx context.Context, id, version int64) error {
	sc, err := allowed(ctx, catalog.PermCatalogWrite)
	if err != nil {
		return err
	}
	current, err := products.get(ctx, s.db, id)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := refuseIfStocked(tx, "variants.product_id = ?", id); err != nil {
			return err
		}
		if err := products.delete(ctx, tx, id, version); err != nil {
			return err
		}
		return s.auditOutsider(tx, sc, current.CoopID, "product.removed", "product", id, current.Code)
	})
}

// syncVariants makes the stored variants of p equal p.Variants, matching by
// SKU: new ones are inserted, changed ones updated, dropped ones deleted
// (refused while they hold stock) unless keepMissing, as an import does.
// Unchanged rows are not touched. It fills in the variant IDs.
//
// Positions: without keepMissing p.Variants is the whole list and its order
// is the variants' order. With keepMissing (an import naming some of the
// variants) an existing variant keeps its position and new ones go after
// the last, so the order never depends on which rows a file names.
func (s *Store) syncVariants(tx *gorm.DB, p *catalog.Product, keepMissing bool) (catalog.Counts, error) {
	var counts catalog.Counts
	if err := checkVariantKeys(tx, p); err != nil {
		return counts, err
	}
	var existing []variantRow
	if err := tx.Where("product_id = ?", p.ID).Find(&existing).Error; err != nil {
		return counts, translate(err, "variant")
	}
	bySKU := map[string]variantRow{}
	nextPosition := 0
	for _, r := range existing {
		bySKU[r.SKU] = r
		nextPosition = max(nextPosition, r.Position+1)
	}
	// Dropped variants go first, so a replacement may take over a dropped
	// variant's GTIN in the same update.
	if !keepMissing {
		kept := map[string]bool{}
		for _, v := range p.Variants {
			kept[string(v.SKU)] = true
		}
		for sku, gone := range bySKU {
			if kept[sku] {
				continue
			}
			if err := refuseIfStocked(tx, "variants.id = ?", gone.ID); err != nil {
				return counts, fmt.Errorf("remove variant %s: %w", sku, err)
			}
			if err := tx.Delete(&variantRow{}, gone.ID).Error; err != nil {
				return counts, translate(err, "variant "+sku)
			}
		}
	}
	type planned struct {
		row   variantRow
		old   variantRow
		found bool
	}
	plan := make([]planned, len(p.Variants))
	var freed []int64 // changed variants giving up their GTIN
	for i := range p.Variants {
		row := toVariantRow(&p.Variants[i], p.ID, p.CoopID, i)
		old, found := bySKU[row.SKU]
		if keepMissing {
			if found {
				row.Position = old.Position
			} else {
				row.Position = nextPosition
				nextPosition++
			}
		}
		if found && old.GTIN13 != nil && (row.GTIN13 == nil || *row.GTIN13 != *old.GTIN13) {
			freed = append(freed, old.ID)
		}
		plan[i] = planned{row: row, old: old, found: found}
	}
	// GTINs move between variants that stay (a swap): free every GTIN that
	// changes before writing any, or the unique index refuses the first
	// write although the end state is valid.
	if len(freed) > 0 {
		if err := tx.Table("variants").Where("id IN ?", freed).Update("gtin13", nil).Error; err != nil {
			return counts, translate(err, "variant")
		}
	}
	now := s.now().UTC()
	for i := range plan {
		row, old := plan[i].row, plan[i].old
		switch {
		case !plan[i].found:
			row.ID = 0
			if err := tx.Create(&row).Error; err != nil {
				return counts, translate(err, "variant "+row.SKU)
			}
			counts.Created++
		case !row.sameAs(old):
			row.ID, row.CreatedAt, row.UpdatedAt = old.ID, old.CreatedAt, now
			if err := tx.Select("*").Omit("created_at").Updates(&row).Error; err != nil {
				return counts, translate(err, "variant "+row.SKU)
			}
			counts.Updated++
		default:
			row.ID = old.ID
			counts.Unchanged++
		}
		v := &p.Variants[i]
		v.ID, v.ProductID = row.ID, p.ID
	}
	return counts, nil
}

// checkVariantKeys fails with conflict, per field, when a SKU of p is taken
// by another product of the co-op or a GTIN by any other product, before
// the unique indexes would fail with a less helpful message.
func checkVariantKeys(tx *gorm.DB, p *catalog.Product) error {
	clashes, err := variantKeyClashes(tx, p)
	if err != nil || len(clashes) == 0 {
		return err
	}
	fe := catalog.FieldErrors{}
	for _, c := range clashes {
		fe.Add(fmt.Sprintf("variants[%d].%s", c.index, c.field), c.reason)
	}
	return &catalog.Error{Code: catalog.CodeConflict, Message: "SKU or GTIN already in use", Fields: fe}
}

// keyClash is a variant of p (by index) whose sku or gtin13 is taken.
type keyClash struct {
	index  int
	field  string
	reason string
}

func variantKeyClashes(tx *gorm.DB, p *catalog.Product) ([]keyClash, error) {
	skus := make([]string, 0, len(p.Variants))
	var gtins []string
	for _, v := range p.Variants {
		skus = append(skus, string(v.SKU))
		if v.GTIN != "" {
			gtins = append(gtins, string(v.GTIN))
		}
	}
	var taken []variantRow
	clash := tx.Where("coop_id = ? AND sku IN ?", p.CoopID, skus)
	if len(gtins) > 0 {
		clash = clash.Or("gtin13 IN ?", gtins)
	}
	if err := tx.Where("product_id <> ?", p.ID).Where(clash).Find(&taken).Error; err != nil {
		return nil, translate(err, "variant")
	}
	var out []keyClash
	for i, v := range p.Variants {
		for _, t := range taken {
			if t.CoopID == p.CoopID && t.SKU == string(v.SKU) {
				out = append(out, keyClash{i, "sku", fmt.Sprintf("SKU %s is already used by another product of this co-op", v.SKU)})
			}
			if t.GTIN13 != nil && v.GTIN != "" && *t.GTIN13 == string(v.GTIN) {
				out = append(out, keyClash{i, "gtin13", fmt.Sprintf("GTIN %s is already used by another product", v.GTIN)})
			}
		}
	}
	return out, nil
}

// refuseIfStocked fails with failed_precondition when a matching variant
// still has units on hand or reserved: deleting it would lose stock.
func refuseIfStocked(tx *gorm.DB, where string, arg any) error {
	var n int64
	err := tx.Table("stock_levels").Joins("JOIN variants ON variants.id = stock_levels.variant_id").
		Where(where, arg).Where("stock_levels.on_hand <> 0 OR stock_levels.reserved <> 0").Count(&n).Error
	if err != nil {
		return translate(err, "stock")
	}
	if n > 0 {
		return &catalog.Error{Code: catalog.CodeFailedPrecondition,
			Message: "still has stock; adjust it to zero before removing"}
	}
	return nil
}

// variantsOf loads the variants of the given products, in position order.
func (s *Store) variantsOf(ctx context.Context, db *gorm.DB, productIDs []int64) (map[int64][]catalog.Variant, error) {
	var rows []variantRow
	q := db.WithContext(ctx)
	if s.dialect == Postgres {
		// One statement text for any number of ids: PostgreSQL plans it
		// once per connection instead of once per page.
		q = q.Where("product_id = ANY(?::bigint[])", pgBigintArray(productIDs))
	} else {
		q = q.Where("product_id IN ?", productIDs)
	}
	// id breaks ties between positions written before imports kept them.
	if err := q.Order("product_id, position, id").Find(&rows).Error; err != nil {
		return nil, translate(err, "variant")
	}
	out := make(map[int64][]catalog.Variant, len(productIDs))
	for _, r := range rows {
		out[r.ProductID] = append(out[r.ProductID], r.asDomain())
	}
	return out, nil
}

// pgBigintArray passes ids as ONE PostgreSQL array parameter ("{1,2,3}");
// as a driver.Valuer it is not expanded into a list by gorm.
type pgBigintArray []int64

func (a pgBigintArray) Value() (driver.Value, error) {
	b := make([]byte, 0, 2+len(a)*8)
	b = append(b, '{')
	for i, id := range a {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, '}')), nil
}
