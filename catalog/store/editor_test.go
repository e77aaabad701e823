package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// The product editor's store calls: a product made with its opening stock
// in one transaction, its origin, and archiving.
func TestCreateWithOpeningStockThenArchive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s = keyed(t, s)
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "ED")
		second := catalog.Warehouse{CoopID: f.Coop.ID, Code: "CHO", Name: "Kho chợ"}
		require.NoError(t, s.CreateWarehouse(ctx, &second))

		p := f.Product("MAT-ONG", 7, 3)
		opening := []catalog.OpeningStock{{SKU: "MAT-ONG-0", WarehouseID: f.Warehouse.ID, Quantity: 12},
			{SKU: "MAT-ONG-0", WarehouseID: second.ID, Quantity: 5}, {SKU: "MAT-ONG-2", WarehouseID: f.Warehouse.ID, Quantity: 3}}
		require.NoError(t, s.CreateProduct(ctx, &p, opening...))
		require.Equal(t, "Thái Nguyên", p.Origin.Province, "the co-op's province when none is given")
		levels, err := s.StockLevels(ctx, p.Variants[0].ID)
		require.NoError(t, err)
		require.Len(t, levels, 2)
		require.Equal(t, int64(17), levels[0].OnHand+levels[1].OnHand)
		levels, err = s.StockLevels(ctx, p.Variants[1].ID)
		require.NoError(t, err)
		require.Empty(t, levels, "no count, no level")

		// A count into another co-op's warehouse refuses the whole product.
		other := storetest.NewFixture(t, s, "ED2")
		bad := f.Product("MIEN", 8, 1)
		bad.Origin = catalog.Origin{Province: "Bắc Kạn", Commune: "Xã Nông Thượng"}
		err = s.CreateProduct(ctx, &bad, catalog.OpeningStock{SKU: "MIEN-0", WarehouseID: other.Warehouse.ID, Quantity: 4})
		requireCode(t, catalog.CodeInvalidArgument, err, "a warehouse of another co-op")
		var ce *catalog.Error
		require.ErrorAs(t, err, &ce)
		require.Contains(t, ce.Fields, "opening_stock[0].warehouse_id")
		list, _, err := s.ListProducts(ctx, catalog.ListQuery{Q: "MIEN"})
		require.NoError(t, err)
		require.Empty(t, list, "nothing half-made")
		require.NoError(t, s.CreateProduct(ctx, &bad))
		require.Equal(t, catalog.Origin{Province: "Bắc Kạn", Commune: "Xã Nông Thượng"}, bad.Origin)

		// Archived: out of the lists (in the archived list), kept whole;
		// an edit does not restore it; restored, it is listed again.
		_, err = s.ArchiveProduct(ctx, p.ID, p.Version+1, true)
		requireCode(t, catalog.CodeConflict, err, "a version not read")
		archived, err := s.ArchiveProduct(ctx, p.ID, p.Version, true)
		require.NoError(t, err)
		require.True(t, archived.Archived())
		_, err = s.ArchiveProduct(ctx, p.ID, p.Version, true)
		require.NoError(t, err, "archiving an archived product changes nothing")
		list, _, err = s.ListProducts(ctx, catalog.ListQuery{CoopID: f.Coop.ID})
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, "MIEN", list[0].Code, "the archived product is left out")
		list, _, err = s.ListProducts(ctx, catalog.ListQuery{CoopID: f.Coop.ID, Archived: true})
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Len(t, list[0].Variants, 3, "kept whole")
		archived.Name.EN = "Honey"
		require.NoError(t, s.UpdateProduct(ctx, &archived))
		require.True(t, archived.Archived(), "an edit keeps it archived")
		shop := connectShop(t, s, ctx, f.Coop.ID, catalog.PlatformShopee, "ed-1")
		_, err = s.AddListing(ctx, shop.ID, archived.Variants[0].ID)
		requireCode(t, catalog.CodeFailedPrecondition, err, "an archived product is not published")
		restored, err := s.ArchiveProduct(ctx, p.ID, archived.Version, false)
		require.NoError(t, err)
		require.False(t, restored.Archived())
		_, err = s.AddListing(ctx, shop.ID, restored.Variants[0].ID)
		require.NoError(t, err)
	})
}

// A file says nothing of archiving or origin: re-importing it keeps a
// product archived and its origin as the editor set it, and changes
// nothing else (no version bump). A product the file creates takes its
// co-op's province.
func TestReimportKeepsArchiveAndOrigin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		_, err := s.Import(ctx, newBatch("RA", 41), catalog.ImportOptions{Actor: "test"})
		require.NoError(t, err)
		list, _, err := s.ListProducts(ctx, catalog.ListQuery{Q: "TRA-RA"})
		require.NoError(t, err)
		require.Len(t, list, 1)
		p := list[0]
		require.Equal(t, catalog.Origin{Province: "Thái Nguyên"}, p.Origin, "the co-op's province")
		p.Origin = catalog.Origin{Province: "Thái Nguyên", Commune: "Xã Phúc Xuân"}
		require.NoError(t, s.UpdateProduct(ctx, &p))
		archived, err := s.ArchiveProduct(ctx, p.ID, p.Version, true)
		require.NoError(t, err)

		rep, err := s.Import(ctx, newBatch("RA", 41), catalog.ImportOptions{Actor: "test"})
		require.NoError(t, err)
		require.Equal(t, 2, rep.Products.Unchanged, "%+v", rep.Products)
		after, err := s.Product(ctx, p.ID)
		require.NoError(t, err)
		require.True(t, after.Archived(), "still archived")
		require.Equal(t, p.Origin, after.Origin)
		require.Equal(t, archived.Version, after.Version)
	})
}
