package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"ocophub/catalog"
)

type lotRow struct {
	ID            int64 `gorm:"primaryKey"`
	VariantID     int64
	CoopID        int64
	WarehouseID   int64
	Code          string
	ProducedOn    string
	ExpiresOn     string
	ShelfLifeDays int
	Quantity      int64
	Notes         string
	ReceivedBy    string
	CreatedAt     time.Time
}

func (lotRow) TableName() string { return "lots" }

func (r lotRow) asDomain() catalog.Lot {
	produced, _ := catalog.ParseDate(r.ProducedOn)
	expires, _ := catalog.ParseDate(r.ExpiresOn)
	return catalog.Lot{ID: r.ID, VariantID: r.VariantID, CoopID: r.CoopID, WarehouseID: r.WarehouseID, Code: r.Code,
		ProducedOn: produced, ExpiresOn: expires, ShelfLifeDays: r.ShelfLifeDays, Quantity: r.Quantity,
		Notes: r.Notes, ReceivedBy: r.ReceivedBy, CreatedAt: r.CreatedAt}
}

// ReceiveLot stores a lot of a variant and adds its quantity to the
// warehouse's stock in ONE transaction, through the same locked stock path
// as every change (changeStock): the ledger row (adjust, reason received)
// names the lot. A code the variant already has is conflict on "code".
// It needs stock.adjust; l gets its id, co-op and creation time.
func (s *Store) ReceiveLot(ctx context.Context, l *catalog.Lot) error {
	sc, err := allowed(ctx, catalog.PermStockAdjust)
	if err != nil {
		return err
	}
	if err := l.Validate(catalog.Today(s.now())); err != nil {
		return err
	}
	l.ReceivedBy = sc.Actor()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := s.variant(ctx, tx, l.VariantID)
		if err != nil {
			return fieldNotFound(err, "variant_id", "variant not found")
		}
		var w warehouseRow
		if err := tx.Where("id = ? AND coop_id = ?", l.WarehouseID, v.CoopID).Take(&w).Error; err != nil {
			return fieldNotFound(translate(err, "warehouse"), "warehouse_id", "warehouse not found in the variant's co-op")
		}
		var taken int64
		if err := tx.Model(&lotRow{}).Where("variant_id = ? AND code = ?", v.ID, l.Code).Count(&taken).Error; err != nil {
			return translate(err, "lot")
		}
		if taken > 0 {
			return lotCodeTaken(l.Code, nil)
		}
		row := lotRow{VariantID: v.ID, CoopID: v.CoopID, WarehouseID: w.ID, Code: l.Code,
			ProducedOn: l.ProducedOn.String(), ExpiresOn: l.ExpiresOn.String(), ShelfLifeDays: l.ShelfLifeDays,
			Quantity: l.Quantity, Notes: l.Notes, ReceivedBy: l.ReceivedBy, CreatedAt: s.now().UTC()}
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) { // a concurrent receipt of the same code
				return lotCodeTaken(l.Code, err)
			}
			return translate(err, "lot")
		}
		if _, err := s.changeStock(ctx, tx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: v.ID, WarehouseID: w.ID,
			Quantity: l.Quantity, Reason: catalog.ReasonReceived, Actor: l.ReceivedBy, LotID: row.ID,
			Note: "lot " + l.Code}); err != nil {
			return err
		}
		*l = row.asDomain()
		l.GTIN = gtinOf(v)
		return s.auditOutsider(tx, sc, v.CoopID, "lot.received", "lot", row.ID,
			fmt.Sprintf("lot %s of %s: %d into warehouse %d", l.Code, v.SKU, l.Quantity, w.ID))
	})
}

func lotCodeTaken(code string, cause error) error {
	msg := fmt.Sprintf("the variant already has a lot %q", code)
	return &catalog.Error{Code: catalog.CodeConflict, Message: msg, Fields: map[string]string{"code": msg}, Err: cause}
}

// Lots lists a variant's lots, newest first: none for a variant outside
// the scope, as a list filter does.
func (s *Store) Lots(ctx context.Context, variantID int64) ([]catalog.Lot, error) {
	if _, err := allowed(ctx, catalog.PermCatalogRead); err != nil {
		return nil, err
	}
	v, err := s.stockReader(ctx, variantID, "lots.read")
	if catalog.ErrorCode(err) == catalog.CodeNotFound {
		return []catalog.Lot{}, nil
	}
	if err != nil {
		return nil, err
	}
	var rows []lotRow
	if err := s.db.WithContext(ctx).Where("variant_id = ?", variantID).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, translate(err, "lot")
	}
	out := make([]catalog.Lot, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain()
		out[i].GTIN = gtinOf(v)
	}
	return out, nil
}

func gtinOf(v variantRow) catalog.GTIN {
	if v.GTIN13 == nil {
		return ""
	}
	return catalog.GTIN(*v.GTIN13)
}

// Lot reads one lot in the caller's scope.
func (s *Store) Lot(ctx context.Context, id int64) (catalog.Lot, error) {
	var r lotRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return catalog.Lot{}, translate(err, "lot")
	}
	v, err := s.stockReader(ctx, r.VariantID, "lot.read")
	if err != nil {
		if catalog.ErrorCode(err) == catalog.CodeNotFound {
			return catalog.Lot{}, catalog.Errorf(catalog.CodeNotFound, "lot not found")
		}
		return catalog.Lot{}, err
	}
	l := r.asDomain()
	l.GTIN = gtinOf(v)
	return l, nil
}

// Trace reads what the trace page shows of the lot code of the variant
// whose GTIN is gtin: not_found when either is unknown. The public pages
// call it as the operator; it returns nothing private (catalog.Trace).
func (s *Store) Trace(ctx context.Context, gtin catalog.GTIN, code string) (catalog.Trace, error) {
	var t catalog.Trace
	p, err := s.ProductByGTIN(ctx, gtin)
	if err != nil {
		return t, err
	}
	t.Product = p
	for _, v := range p.Variants {
		if v.GTIN == gtin {
			t.Variant = v
		}
	}
	var r lotRow
	if err := s.db.WithContext(ctx).Where("variant_id = ? AND code = ?", t.Variant.ID, code).Take(&r).Error; err != nil {
		return t, translate(err, "lot")
	}
	t.Lot = r.asDomain()
	t.Lot.GTIN = gtin
	if t.Coop, err = s.Coop(ctx, p.CoopID); err != nil {
		return t, err
	}
	t.WhereToBuy, err = s.whereToBuy(ctx, t.Variant.ID)
	return t, err
}

// whereToBuy lists the live listings of a variant in connected shops.
func (s *Store) whereToBuy(ctx context.Context, variantID int64) ([]catalog.ShopLink, error) {
	var rows []struct {
		Platform, ExternalID, Name, ExternalItemID string
	}
	err := s.db.WithContext(ctx).Table("listings").
		Select("shops.platform, shops.external_id, shops.name, listings.external_item_id").
		Joins("JOIN shops ON shops.id = listings.shop_id").
		Where("listings.variant_id = ? AND listings.status = ? AND shops.connected", variantID, string(catalog.ListingLive)).
		Order("shops.platform, shops.id").Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "listing")
	}
	var out []catalog.ShopLink
	for _, r := range rows {
		p := catalog.Platform(r.Platform)
		if u := catalog.ListingURL(p, r.ExternalID, r.ExternalItemID); u != "" {
			out = append(out, catalog.ShopLink{Platform: p, ShopName: r.Name, URL: u})
		}
	}
	return out, nil
}
