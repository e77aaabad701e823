package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"ocophub/catalog"
)

var errRollback = errors.New("roll back the import")

// Import upserts a whole catalog batch in ONE transaction: alliances and
// co-ops by code, products by (co-op, code), variants by (co-op, SKU), a
// default warehouse per co-op, and opening stock for variants that have no
// stock yet. Variants missing from the file are kept: an import adds and
// updates, it never deletes. Unchanged rows are not written, so importing the
// same file twice changes nothing.
//
// Problems the database reveals (a SKU of another product, a co-op of
// another alliance) are reported per row like parse errors. With any row
// error and without opts.SkipInvalid the transaction rolls back and the
// error is invalid_argument: nothing is half-imported.
//
// Rows are updated "WHERE version = <the version read>", like API updates:
// an alliance, co-op or product that someone changed between the import's
// read and its write fails the whole import with conflict instead of being
// overwritten.
func (s *Store) Import(ctx context.Context, b *catalog.ImportBatch, opts catalog.ImportOptions) (catalog.ImportReport, error) {
	sc, err := allowed(ctx, catalog.PermCatalogWrite)
	if err != nil {
		return catalog.ImportReport{}, err
	}
	if opts.Actor == "" {
		opts.Actor = "import"
	}
	var rep catalog.ImportReport
	for _, p := range b.Products {
		rep.Rows += len(p.Lines)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		im := &importer{Store: s, ctx: ctx, tx: tx, scope: sc, rep: &rep, actor: opts.Actor}
		if err := im.run(b); err != nil {
			return err
		}
		if len(rep.Errors) > 0 && !opts.SkipInvalid || opts.DryRun {
			return errRollback
		}
		return nil
	})
	rep.SortErrors()
	switch {
	case errors.Is(err, errRollback) && len(rep.Errors) > 0 && !opts.SkipInvalid:
		return rep, catalog.ImportRejected(rep)
	case errors.Is(err, errRollback): // dry run
		return rep, nil
	case err != nil:
		return rep, err
	}
	rep.Written = true
	return rep, nil
}

// importer carries one import's transaction and report.
type importer struct {
	*Store
	ctx   context.Context
	tx    *gorm.DB
	scope catalog.Scope
	rep   *catalog.ImportReport
	actor string
	// warehouses caches each co-op's warehouse ids by code.
	warehouses map[int64]map[string]int64
}

// notYours is the one reason for an alliance or co-op the importer may not
// write, whether it exists elsewhere or not at all: an import must not tell
// which codes other tenants use.
func notYours(what, code string) string {
	return fmt.Sprintf("%s %s is not yours to import into: only the operator adds alliances, and only an alliance adds its co-ops", what, code)
}

func (im *importer) fail(line int, column, code, reason string) {
	im.rep.Errors = append(im.rep.Errors, catalog.RowError{Line: line, Column: column, Code: code, Reason: reason})
}

func (im *importer) run(b *catalog.ImportBatch) error {
	allianceIDs := map[string]int64{}
	for _, a := range b.Alliances {
		id, err := im.alliance(a)
		if err != nil {
			return err
		}
		if id != 0 {
			allianceIDs[a.Alliance.Code] = id
		}
	}
	coopIDs := map[string]int64{}
	for _, c := range b.Coops {
		allianceID, ok := allianceIDs[c.AllianceCode]
		if !ok {
			continue // its alliance row already carries the error
		}
		id, err := im.coop(c, allianceID)
		if err != nil {
			return err
		}
		if id != 0 {
			coopIDs[c.Coop.Code] = id
		}
	}
	warehouseIDs := map[int64]int64{}
	for _, p := range b.Products {
		coopID, ok := coopIDs[p.CoopCode]
		if !ok {
			im.rep.SkippedRows += len(p.Lines)
			continue
		}
		if _, ok := warehouseIDs[coopID]; !ok {
			id, err := im.defaultWarehouse(coopID)
			if err != nil {
				return err
			}
			warehouseIDs[coopID] = id
		}
		if err := im.product(p, coopID, warehouseIDs[coopID]); err != nil {
			return err
		}
	}
	for _, id := range coopIDs {
		detail := fmt.Sprintf("catalog file of %d rows (%s)", im.rep.Rows, im.actor)
		if err := im.auditOutsider(im.tx, im.scope, id, "catalog.imported", "coop", id, detail); err != nil {
			return err
		}
	}
	return nil
}

// alliance upserts one alliance and returns its id, or 0 after recording a
// row error.
func (im *importer) alliance(in catalog.ImportAlliance) (int64, error) {
	a := in.Alliance
	if err := a.Validate(); err != nil {
		im.fail(in.Line, "alliance_code", "invalid_value", err.Error())
		return 0, nil
	}
	var row allianceRow
	err := im.tx.Where("code = ?", a.Code).Take(&row).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		if !im.scope.IsOperator() {
			im.fail(in.Line, "alliance_code", "permission_denied", notYours("alliance", a.Code))
			return 0, nil
		}
		row = toAllianceRow(&a)
		row.ID, row.Version = 0, 1
		if err := im.tx.Create(&row).Error; err != nil {
			return 0, translate(err, "alliance "+a.Code)
		}
		im.rep.Alliances.Created++
		return row.ID, nil
	case err != nil:
		return 0, translate(err, "alliance")
	}
	if n, err := countIn(alliancesIn(im.tx.Table("alliances"), im.scope).Where("alliances.id = ?", row.ID)); err != nil || n == 0 {
		im.fail(in.Line, "alliance_code", "permission_denied", notYours("alliance", a.Code))
		return 0, err
	}
	if row.Name == a.Name && row.Province == a.Province {
		im.rep.Alliances.Unchanged++
		return row.ID, nil
	}
	if !im.scope.IsOperator() && im.scope.AllianceID() != row.ID {
		im.fail(in.Line, "alliance_code", "permission_denied", fmt.Sprintf("alliance %s can only be changed by the operator or the alliance itself", a.Code))
		return 0, nil
	}
	res := im.tx.Model(&row).Where("version = ?", row.Version).Updates(map[string]any{"name": a.Name,
		"province": a.Province, "version": row.Version + 1, "updated_at": im.now().UTC()})
	if err := changedSinceRead(res, "alliance "+a.Code); err != nil {
		return 0, err
	}
	im.rep.Alliances.Updated++
	return row.ID, nil
}

// coop upserts one co-op of allianceID and returns its id, or 0 after
// recording a row error.
func (im *importer) coop(in catalog.ImportCoop, allianceID int64) (int64, error) {
	c := in.Coop
	c.AllianceID = allianceID
	if err := c.Validate(); err != nil {
		im.fail(in.Line, "coop_code", "invalid_value", err.Error())
		return 0, nil
	}
	var row coopRow
	err := im.tx.Where("code = ?", c.Code).Take(&row).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		if !im.scope.IsOperator() && im.scope.AllianceID() != allianceID {
			im.fail(in.Line, "coop_code", "permission_denied", notYours("co-op", c.Code))
			return 0, nil
		}
		row = toCoopRow(&c)
		row.ID, row.Version = 0, 1
		if err := im.tx.Create(&row).Error; err != nil {
			return 0, translate(err, "co-op "+c.Code)
		}
		im.rep.Coops.Created++
		return row.ID, nil
	case err != nil:
		return 0, translate(err, "co-op")
	}
	if n, err := countIn(coopsIn(im.tx.Table("coops"), im.scope).Where("coops.id = ?", row.ID)); err != nil || n == 0 {
		im.fail(in.Line, "coop_code", "permission_denied", notYours("co-op", c.Code))
		return 0, err
	}
	if row.AllianceID != allianceID {
		im.fail(in.Line, "alliance_code", "conflict", fmt.Sprintf("co-op %s already belongs to another alliance", c.Code))
		return 0, nil
	}
	want := toCoopRow(&c)
	want.ID, want.Version, want.CreatedAt, want.UpdatedAt = row.ID, row.Version, row.CreatedAt, row.UpdatedAt
	if want == row {
		im.rep.Coops.Unchanged++
		return row.ID, nil
	}
	want.Version, want.UpdatedAt = row.Version+1, im.now().UTC()
	res := im.tx.Where("version = ?", row.Version).Select("*").Omit("created_at").Updates(&want)
	if err := changedSinceRead(res, "co-op "+c.Code); err != nil {
		return 0, err
	}
	im.rep.Coops.Updated++
	return row.ID, nil
}

// defaultWarehouse returns the co-op's first warehouse, creating the main
// warehouse when it has none: opening stock has to live somewhere.
func (im *importer) defaultWarehouse(coopID int64) (int64, error) {
	var w warehouseRow
	err := im.tx.Where("coop_id = ?", coopID).Order("id").Take(&w).Error
	if err == nil {
		return w.ID, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, translate(err, "warehouse")
	}
	w = warehouseRow{CoopID: coopID, Code: catalog.DefaultWarehouseCode, Name: "Kho chính", Version: 1}
	if err := im.tx.Create(&w).Error; err != nil {
		return 0, translate(err, "warehouse")
	}
	return w.ID, nil
}

// product upserts one product and its file variants, then sets opening
// stock of variants that have none.
func (im *importer) product(in catalog.ImportProduct, coopID, warehouseID int64) error {
	p := in.Product
	p.CoopID = coopID
	p.Variants = append([]catalog.Variant(nil), in.Product.Variants...)
	lines, opening := append([]int(nil), in.Lines...), append([]int64(nil), in.OpeningStock...)
	cells := make([][]catalog.StockCell, len(lines))
	copy(cells, in.Stock)

	var existing productRow
	err := im.tx.Where("coop_id = ? AND code = ?", coopID, p.Code).Take(&existing).Error
	found := err == nil
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return translate(err, "product")
	}
	p.ID = existing.ID

	clashes, err := variantKeyClashes(im.tx, &p)
	if err != nil {
		return err
	}
	bad := map[int]bool{}
	for _, c := range clashes {
		im.fail(lines[c.index], c.field, "conflict", c.reason)
		bad[c.index] = true
	}
	if len(bad) > 0 {
		var keepV []catalog.Variant
		var keepL []int
		var keepO []int64
		var keepC [][]catalog.StockCell
		for i := range p.Variants {
			if bad[i] {
				im.rep.SkippedRows++
				continue
			}
			keepV, keepL, keepO = append(keepV, p.Variants[i]), append(keepL, lines[i]), append(keepO, opening[i])
			keepC = append(keepC, cells[i])
		}
		p.Variants, lines, opening, cells = keepV, keepL, keepO, keepC
		if len(p.Variants) == 0 {
			return nil
		}
	}
	if err := p.Validate(); err != nil {
		im.fail(lines[0], "product_code", "invalid_value", err.Error())
		im.rep.SkippedRows += len(lines)
		return nil
	}

	if !found {
		var coop coopRow
		if err := im.tx.Select("province").Where("id = ?", coopID).Take(&coop).Error; err != nil {
			return translate(err, "co-op")
		}
		p.Origin.Province = coop.Province // the file names no origin: the co-op's province
		row := toProductRow(&p)
		row.ID, row.Version = 0, 1
		if err := im.tx.Create(&row).Error; err != nil {
			return translate(err, "product "+p.Code)
		}
		p.ID = row.ID
		counts, err := im.syncVariants(im.tx, &p, true)
		if err != nil {
			return err
		}
		addCounts(&im.rep.Variants, counts)
		im.rep.Products.Created++
	} else {
		counts, err := im.syncVariants(im.tx, &p, true)
		if err != nil {
			return err
		}
		addCounts(&im.rep.Variants, counts)
		all, err := im.variantsOf(im.ctx, im.tx, []int64{p.ID})
		if err != nil {
			return err
		}
		merged := p
		merged.Variants = all[p.ID]
		want := toProductRow(&merged)
		want.ID, want.Version, want.CreatedAt, want.UpdatedAt = existing.ID, existing.Version, existing.CreatedAt, existing.UpdatedAt
		// The file says nothing of archiving or origin: an archived product
		// stays archived, an origin set in the editor stays.
		want.ArchivedAt, want.OriginProvince, want.OriginCommune = existing.ArchivedAt, existing.OriginProvince, existing.OriginCommune
		if want == existing && counts.Created+counts.Updated == 0 {
			im.rep.Products.Unchanged++
		} else {
			want.Version, want.UpdatedAt = existing.Version+1, im.now().UTC()
			res := im.tx.Where("version = ?", existing.Version).Select("*").Omit("created_at").Updates(&want)
			if err := changedSinceRead(res, "product "+p.Code); err != nil {
				return err
			}
			im.rep.Products.Updated++
		}
	}
	for i, v := range p.Variants {
		if len(cells[i]) > 0 {
			if err := im.stockCells(v.ID, coopID, lines[i], cells[i]); err != nil {
				return err
			}
			continue // the file's stock@ columns say the stock; no opening stock
		}
		if opening[i] <= 0 {
			continue
		}
		var levels int64
		if err := im.tx.Model(&stockLevelRow{}).Where("variant_id = ?", v.ID).Count(&levels).Error; err != nil {
			return translate(err, "stock")
		}
		if levels > 0 {
			im.rep.OpeningStockKept++
			continue
		}
		_, err := im.changeStock(im.ctx, im.tx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: v.ID,
			WarehouseID: warehouseID, Quantity: opening[i], Reason: catalog.ReasonImport, Actor: im.actor,
			Note: fmt.Sprintf("opening stock, import line %d", lines[i])})
		if err != nil {
			return err
		}
		im.rep.OpeningStockSet++
	}
	return nil
}

// stockCells applies the edited stock@ cells of one row (catalog.StockCell):
// each through the locked stock path at the version the export read, in a
// savepoint, so a level moved since (or set below what orders reserved) is
// a row error and nothing of it is written.
func (im *importer) stockCells(variantID, coopID int64, line int, cells []catalog.StockCell) error {
	for _, c := range cells {
		col := "stock@" + c.Warehouse
		warehouseID, err := im.warehouseByCode(coopID, c.Warehouse)
		if err != nil {
			return err
		}
		if warehouseID == 0 {
			im.fail(line, col, "invalid_value", fmt.Sprintf("the co-op has no warehouse %s", c.Warehouse))
			continue
		}
		change := c.Change(variantID, warehouseID, im.actor, fmt.Sprintf("stock@%s, import line %d", c.Warehouse, line))
		if change == nil {
			im.rep.StockUnchanged++
			continue
		}
		err = im.tx.Transaction(func(tx *gorm.DB) error {
			_, err := im.changeStock(im.ctx, tx, *change)
			return err
		})
		switch catalog.ErrorCode(err) {
		case "":
			im.rep.StockChanged++
		case catalog.CodeConflict:
			im.fail(line, col, "stock_changed", fmt.Sprintf(
				"stock in %s changed since the export (%v); export again and redo this cell", c.Warehouse, err))
		case catalog.CodeInsufficientStock:
			im.fail(line, col, "insufficient_stock", err.Error())
		default:
			return err
		}
	}
	return nil
}

// warehouseByCode returns the id of the co-op's warehouse code, 0 when it
// has none, reading each co-op's warehouses once per import.
func (im *importer) warehouseByCode(coopID int64, code string) (int64, error) {
	if im.warehouses == nil {
		im.warehouses = map[int64]map[string]int64{}
	}
	byCode, ok := im.warehouses[coopID]
	if !ok {
		var rows []warehouseRow
		if err := im.tx.Where("coop_id = ?", coopID).Find(&rows).Error; err != nil {
			return 0, translate(err, "warehouse")
		}
		byCode = map[string]int64{}
		for _, w := range rows {
			byCode[w.Code] = w.ID
		}
		im.warehouses[coopID] = byCode
	}
	return byCode[code], nil
}

// changedSinceRead checks an import's update of a row it read earlier in
// its transaction, made with "WHERE version = <the version read>": no row
// matched means someone (an API update) changed the row in between. The
// import then fails as a whole (its transaction rolls back) rather than
// overwrite that change.
func changedSinceRead(res *gorm.DB, what string) error {
	if res.Error != nil {
		return translate(res.Error, what)
	}
	if res.RowsAffected == 0 {
		return &catalog.Error{Code: catalog.CodeConflict, Message: what +
			" was changed by someone else during the import; nothing was imported, import the file again"}
	}
	return nil
}

func addCounts(dst *catalog.Counts, c catalog.Counts) {
	dst.Created += c.Created
	dst.Updated += c.Updated
	dst.Unchanged += c.Unchanged
}

func countIn(db *gorm.DB) (int64, error) {
	var n int64
	err := db.Count(&n).Error
	return n, translate(err, "row")
}
