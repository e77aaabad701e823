package store

import (
	"context"

	"ocophub/catalog"
)

// ShopPrices is the price every shop of a product's co-op shows for each
// of its variants, and where it comes from (catalog.PriceOnShop: a running
// campaign, else the listing's own price, else the catalog price under the
// shop's rule), ordered by variant then shop. A shop where a variant is
// not listed gets the price it would be published at. The same rules feed
// the worker's pushes (basePrices, PriceTargets), so the page and the
// channel agree. Shops outside the reader's scope are left out.
func (s *Store) ShopPrices(ctx context.Context, productID int64) ([]catalog.ShopPrice, error) {
	p, err := s.Product(ctx, productID)
	if err != nil {
		return nil, err
	}
	sc, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	var shopRows []shopRow
	if err := ownedBy(db.Model(&shopRow{}), sc, "shops").Where("shops.coop_id = ?", p.CoopID).Order("shops.id").
		Find(&shopRows).Error; err != nil {
		return nil, translate(err, "shop")
	}
	if len(shopRows) == 0 || len(p.Variants) == 0 {
		return nil, nil
	}
	variantIDs := make([]int64, len(p.Variants))
	for i, v := range p.Variants {
		variantIDs[i] = v.ID
	}
	var listingRows []listingRow
	if err := ownedBy(db.Table("listings"), sc, "listings").Where("listings.variant_id IN ?", variantIDs).
		Find(&listingRows).Error; err != nil {
		return nil, translate(err, "listing")
	}
	type key struct{ shop, variant int64 }
	listed := map[key]listingRow{}
	listingIDs := make([]int64, 0, len(listingRows))
	for _, l := range listingRows {
		listed[key{l.ShopID, l.VariantID}] = l
		listingIDs = append(listingIDs, l.ID)
	}
	campaign := map[int64]int64{} // listing → the running campaign's price
	if len(listingIDs) > 0 {
		var rows []campaignListingRow
		if err := db.Where("listing_id IN ? AND state = ?", listingIDs, string(catalog.CampaignListingApplied)).
			Find(&rows).Error; err != nil {
			return nil, translate(err, "campaign listing")
		}
		for _, r := range rows {
			campaign[r.ListingID] = r.CampaignPriceVND
		}
	}
	out := make([]catalog.ShopPrice, 0, len(p.Variants)*len(shopRows))
	for _, v := range p.Variants {
		for _, sh := range shopRows {
			sp := catalog.ShopPrice{ShopID: sh.ID, ShopName: sh.Name, Platform: catalog.Platform(sh.Platform), VariantID: v.ID,
				Rule: sh.priceRule()}
			var override, promo catalog.VND
			if l, ok := listed[key{sh.ID, v.ID}]; ok {
				sp.ListingID, sp.Status = l.ID, catalog.ListingStatus(l.Status)
				override, promo = catalog.VND(l.PriceVND), catalog.VND(campaign[l.ID])
			}
			sp.Price, sp.Base, sp.Source = catalog.PriceOnShop(v.Price, override, sp.Rule, promo)
			out = append(out, sp)
		}
	}
	return out, nil
}
