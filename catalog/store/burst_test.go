package store_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestBurstGuardSplitsAFastSeller: three shops share 30 units under the
// default rule. While nothing sells every shop may show all 30; once the
// orders of the last seconds reach what is left, the shops are given
// disjoint shares that add up to what exists.
func TestBurstGuardSplitsAFastSeller(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s = keyed(t, s)
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "BURST")
		p := f.Product("MAT-BURST", 5, 1)
		require.NoError(t, s.CreateProduct(ctx, &p))
		v := p.Variants[0]
		adjust(t, s, ctx, v.ID, f.Warehouse.ID, 30)
		var shops []catalog.Shop
		var listings []int64
		for i, pl := range []catalog.Platform{catalog.PlatformShopee, catalog.PlatformLazada, catalog.PlatformZalo} {
			sh := connectShop(t, s, ctx, f.Coop.ID, pl, fmt.Sprint(900+i))
			l, err := s.AddListing(ctx, sh.ID, v.ID)
			require.NoError(t, err)
			require.NoError(t, s.SetListingState(ctx, l.ID, catalog.ListingLive, "", "item", "model"))
			shops = append(shops, sh)
			listings = append(listings, l.ID)
		}
		shown := func() (all []int64, sum int64) {
			for i, sh := range shops {
				snap, err := s.PushSnapshot(ctx, listings[i], sh.Rule)
				require.NoError(t, err)
				avail, _ := snap.Avail(sh.Rule)
				all = append(all, avail)
				sum += avail
			}
			return all, sum
		}
		all, _ := shown()
		require.Equal(t, []int64{30, 30, 30}, all, "a quiet variant: every shop shows all")

		order := 0
		sell := func(sh catalog.Shop, qty int64) {
			order++
			_, _, err := s.IngestOrder(ctx, store.OrderIn{ShopID: sh.ID, ExternalID: fmt.Sprint("B-", order), Status: catalog.OrderReadyToShip,
				Lines: []catalog.OrderLine{{SellerSKU: string(v.SKU), Quantity: qty, Price: 120000}}})
			require.NoError(t, err)
		}
		sell(shops[0], 4)
		all, _ = shown()
		require.Equal(t, []int64{26, 26, 26}, all, "4 sold in the window, 26 left: no split yet")

		sell(shops[1], 6)
		sell(shops[0], 5)
		sell(shops[2], 2)
		all, sum := shown()
		require.Equal(t, int64(13), sum, "17 sold in the window, 13 left: the shares add up to what exists: %v", all)
		for _, n := range all {
			require.LessOrEqual(t, n, int64(5))
		}
	})
}
