package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestProductCategories: a manager's category per platform is created,
// changed with its version (a stale version is a conflict), kept apart per
// platform, hidden from other co-ops, and each change queues the product's
// update.
func TestProductCategories(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "CAT")
		p := f.Product("TRA-CAT", 71, 2)
		require.NoError(t, s.CreateProduct(ctx, &p))
		other := storetest.NewFixture(t, s, "CAT2")

		got, err := s.ProductCategories(coopCtx(f.Coop.ID), p.ID)
		require.NoError(t, err)
		require.Empty(t, got)

		outbox := count(t, s, "outbox")
		shopee := catalog.CategoryChoice{ProductID: p.ID, Platform: catalog.PlatformShopee, CategoryID: "100861",
			Attributes: map[string]string{"100037": " Thái Nguyên ", "100095": ""}}
		require.NoError(t, s.SetProductCategory(coopCtx(f.Coop.ID), &shopee))
		require.EqualValues(t, 1, shopee.Version)
		require.Equal(t, outbox+1, count(t, s, "outbox"), "the change queues product.changed")

		lazada := catalog.CategoryChoice{ProductID: p.ID, Platform: catalog.PlatformLazada, CategoryID: "10002019"}
		require.NoError(t, s.SetProductCategory(coopCtx(f.Coop.ID), &lazada))

		again := catalog.CategoryChoice{ProductID: p.ID, Platform: catalog.PlatformShopee, CategoryID: "100862"}
		requireCode(t, catalog.CodeConflict, s.SetProductCategory(coopCtx(f.Coop.ID), &again), "a second create")
		again.Version = 1
		require.NoError(t, s.SetProductCategory(coopCtx(f.Coop.ID), &again))
		require.EqualValues(t, 2, again.Version)
		stale := catalog.CategoryChoice{ProductID: p.ID, Platform: catalog.PlatformShopee, CategoryID: "100861", Version: 1}
		requireCode(t, catalog.CodeConflict, s.SetProductCategory(coopCtx(f.Coop.ID), &stale), "a stale version")

		got, err = s.ProductCategories(coopCtx(f.Coop.ID), p.ID)
		require.NoError(t, err)
		require.Len(t, got, 2)
		require.Equal(t, catalog.CategoryChoice{ProductID: p.ID, Platform: catalog.PlatformLazada, CategoryID: "10002019",
			Attributes: map[string]string{}, Version: 1}, got[0])
		require.Equal(t, catalog.CategoryChoice{ProductID: p.ID, Platform: catalog.PlatformShopee, CategoryID: "100862",
			Attributes: map[string]string{}, Version: 2}, got[1])

		first := catalog.CategoryChoice{ProductID: p.ID, Platform: catalog.PlatformZalo, CategoryID: "101",
			Attributes: map[string]string{"100037": " Thái Nguyên ", "x": "  "}}
		require.NoError(t, s.SetProductCategory(ctx, &first))
		got, _ = s.ProductCategories(ctx, p.ID)
		require.Equal(t, map[string]string{"100037": "Thái Nguyên"}, got[2].Attributes, "trimmed, empty values dropped")

		_, err = s.ProductCategories(coopCtx(other.Coop.ID), p.ID)
		requireCode(t, catalog.CodeNotFound, err, "another co-op's product")
		bad := catalog.CategoryChoice{ProductID: p.ID, Platform: catalog.PlatformZalo, CategoryID: "102", Version: 1}
		requireCode(t, catalog.CodeNotFound, s.SetProductCategory(coopCtx(other.Coop.ID), &bad), "another co-op's product")
		requireFieldError(t, catalog.CodeInvalidArgument, s.SetProductCategory(ctx, &catalog.CategoryChoice{ProductID: p.ID, Platform: "ebay"}),
			"platform", "category_id")
	})
}
