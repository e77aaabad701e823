package store

import (
	"context"

	"ocophub/catalog"
)

// Reads for the livestream screens (webui): a variant's names and shared
// stock, and how much a live on a shop could hold of it.

// LiveVariant is a variant as the live screens name it, with what every
// shop of its co-op can still sell: on_hand − reserved − held over the
// co-op's warehouses.
type LiveVariant struct {
	VariantID int64
	ProductID int64
	SKU       string
	Product   catalog.Text
	Variant   catalog.Text
	Price     catalog.VND
	Available int64
}

// LiveVariants reads variants by id with their shared stock, in one query
// (needs live.run; variants outside the scope are left out).
func (s *Store) LiveVariants(ctx context.Context, variantIDs []int64) (map[int64]LiveVariant, error) {
	sc, err := allowed(ctx, catalog.PermLiveRun)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]LiveVariant, len(variantIDs))
	if len(variantIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		VariantID, ProductID                      int64
		SKU, ProductVI, ProductEN, NameVI, NameEN string
		PriceVND, Available                       int64
	}
	err = ownedBy(s.db.WithContext(ctx).Table("variants"), sc, "variants").
		Select("variants.id AS variant_id, variants.product_id, variants.sku, products.name_vi AS product_vi, "+
			"products.name_en AS product_en, variants.name_vi, variants.name_en, variants.price_vnd, "+
			"COALESCE(SUM(stock_levels.on_hand - stock_levels.reserved - stock_levels.held), 0) AS available").
		Joins("JOIN products ON products.id = variants.product_id").
		Joins("LEFT JOIN stock_levels ON stock_levels.variant_id = variants.id AND stock_levels.coop_id = variants.coop_id").
		Where("variants.id IN ?", variantIDs).
		Group("variants.id, variants.product_id, variants.sku, products.name_vi, products.name_en, variants.name_vi, variants.name_en, variants.price_vnd").
		Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "variant")
	}
	for _, r := range rows {
		out[r.VariantID] = LiveVariant{VariantID: r.VariantID, ProductID: r.ProductID, SKU: r.SKU,
			Product: catalog.Text{VI: r.ProductVI, EN: r.ProductEN}, Variant: catalog.Text{VI: r.NameVI, EN: r.NameEN},
			Price: catalog.VND(r.PriceVND), Available: r.Available}
	}
	return out, nil
}

// LiveHoldable is, per variant, the most a live on the shop can hold: a
// hold comes out of ONE warehouse feeding the shop (the one with most
// available, as StartLive picks it), so this is that warehouse's available.
func (s *Store) LiveHoldable(ctx context.Context, shopID int64, variantIDs []int64) (map[int64]int64, error) {
	if _, err := allowed(ctx, catalog.PermLiveRun); err != nil {
		return nil, err
	}
	shop, err := s.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	var levels []stockLevelRow
	if err := s.db.WithContext(ctx).Where("coop_id = ? AND variant_id IN ?", shop.CoopID, variantIDs).Find(&levels).Error; err != nil {
		return nil, translate(err, "stock")
	}
	out := make(map[int64]int64, len(variantIDs))
	for _, l := range levels {
		if shop.Rule.Feeds(l.WarehouseID) {
			out[l.VariantID] = max(out[l.VariantID], l.asDomain().Available())
		}
	}
	return out, nil
}
