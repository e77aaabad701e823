package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestLiveViews on both engines: a variant's shared stock leaves out what
// orders reserve and lives hold; what a shop could hold is one feeding
// warehouse's available; a seller of another co-op sees neither.
func TestLiveViews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s = keyed(t, s)
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "VIEW")
		p := f.Product("CHE-VIEW", 9, 1)
		require.NoError(t, s.CreateProduct(ctx, &p))
		v := p.Variants[0]
		adjust(t, s, ctx, v.ID, f.Warehouse.ID, 40)
		sh := connectShop(t, s, ctx, f.Coop.ID, catalog.PlatformShopee, "901")
		_, err := s.StartLive(ctx, catalog.LiveStart{ShopID: sh.ID, Title: "Live", Holds: []catalog.LiveHoldInput{{VariantID: v.ID, Quantity: 15}}})
		require.NoError(t, err)

		got, err := s.LiveVariants(ctx, []int64{v.ID})
		require.NoError(t, err)
		require.Equal(t, int64(25), got[v.ID].Available, "40 − 15 held")
		require.Equal(t, v.SKU, catalog.SKU(got[v.ID].SKU))
		require.Equal(t, p.Name.VI, got[v.ID].Product.VI)
		require.Equal(t, v.Price, got[v.ID].Price)
		can, err := s.LiveHoldable(ctx, sh.ID, []int64{v.ID})
		require.NoError(t, err)
		require.Equal(t, int64(25), can[v.ID])

		other := catalog.WithScope(ctx, catalog.Principal{Role: catalog.RoleCoopSeller, CoopID: f.Coop.ID + 1000}.Scope())
		got, err = s.LiveVariants(other, []int64{v.ID})
		require.NoError(t, err)
		require.Empty(t, got, "another co-op's variant is not there")
		_, err = s.LiveHoldable(other, sh.ID, []int64{v.ID})
		requireCode(t, catalog.CodeNotFound, err, "another co-op's shop")
		staff := catalog.WithScope(ctx, catalog.Principal{Role: catalog.RoleAllianceStaff, AllianceID: 1}.Scope())
		_, err = s.LiveVariants(staff, []int64{v.ID})
		requireCode(t, catalog.CodePermissionDenied, err, "staff run no live")
	})
}
