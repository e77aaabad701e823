package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

func TestAllianceCRUD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		a := catalog.Alliance{Code: " lm-tn ", Name: "Liên minh HTX Thái Nguyên", Province: "Thái Nguyên"}
		require.NoError(t, s.CreateAlliance(ctx, &a))
		require.Positive(t, a.ID)
		require.Equal(t, "LM-TN", a.Code, "code is trimmed and upper-cased")
		require.Equal(t, int64(1), a.Version)
		require.False(t, a.CreatedAt.IsZero())

		got, err := s.Alliance(ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, a.Code, got.Code)
		require.Equal(t, a.Name, got.Name)
		require.Equal(t, a.Province, got.Province)
		require.Equal(t, int64(1), got.Version)

		dup := catalog.Alliance{Code: "LM-TN", Name: "Khác", Province: "Hà Nội"}
		requireCode(t, catalog.CodeConflict, s.CreateAlliance(ctx, &dup), "duplicate code")

		other := catalog.Alliance{Code: "LM-HN", Name: "Liên minh HTX Hà Nội", Province: "Hà Nội"}
		require.NoError(t, s.CreateAlliance(ctx, &other))
		list, next, err := s.ListAlliances(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Empty(t, next)
		require.Len(t, list, 2)
		require.Equal(t, []int64{a.ID, other.ID}, []int64{list[0].ID, list[1].ID}, "ordered by id")

		// Update with the current version.
		stale := got
		got.Name = "Liên minh Hợp tác xã tỉnh Thái Nguyên"
		require.NoError(t, s.UpdateAlliance(ctx, &got))
		require.Equal(t, int64(2), got.Version)
		require.Equal(t, "Liên minh Hợp tác xã tỉnh Thái Nguyên", got.Name)

		// A stale version conflicts and changes nothing.
		stale.Name = "Lost update"
		requireCode(t, catalog.CodeConflict, s.UpdateAlliance(ctx, &stale), "stale update")
		after, err := s.Alliance(ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, "Liên minh Hợp tác xã tỉnh Thái Nguyên", after.Name)
		require.Equal(t, int64(2), after.Version)

		requireCode(t, catalog.CodeConflict, s.DeleteAlliance(ctx, a.ID, 1), "stale delete")
		require.NoError(t, s.DeleteAlliance(ctx, a.ID, 2))
		_, err = s.Alliance(ctx, a.ID)
		requireCode(t, catalog.CodeNotFound, err, "deleted alliance")
		requireCode(t, catalog.CodeNotFound, s.DeleteAlliance(ctx, a.ID, 2), "delete twice")
		after.Version = 2
		requireCode(t, catalog.CodeNotFound, s.UpdateAlliance(ctx, &after), "update deleted")
		_, err = s.Alliance(ctx, 987654)
		requireCode(t, catalog.CodeNotFound, err, "never existed")
	})
}

func TestAllianceValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		a := catalog.Alliance{Code: "LM TN!", Name: " ", Province: ""}
		err := s.CreateAlliance(ctx, &a)
		requireFieldError(t, catalog.CodeInvalidArgument, err, "code", "name", "province")
		require.Zero(t, count(t, s, "alliances"))

		f := storetest.NewFixture(t, s, "VAL")
		f.Alliance.Code = ""
		requireFieldError(t, catalog.CodeInvalidArgument, s.UpdateAlliance(ctx, &f.Alliance), "code")
		got, err := s.Alliance(ctx, f.Alliance.ID)
		require.NoError(t, err)
		require.Equal(t, "LM-VAL", got.Code)
		require.Equal(t, int64(1), got.Version)
	})
}

func TestDeleteAllianceWithCoopsIsFailedPrecondition(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "FK")
		err := s.DeleteAlliance(ctx, f.Alliance.ID, f.Alliance.Version)
		requireCode(t, catalog.CodeFailedPrecondition, err, "alliance with co-ops")
		require.Contains(t, err.Error(), "alliance")
		_, err = s.Alliance(ctx, f.Alliance.ID)
		require.NoError(t, err, "still there")

		// A co-op with a warehouse, a warehouse with a stock row: same.
		err = s.DeleteCoop(ctx, f.Coop.ID, f.Coop.Version)
		requireCode(t, catalog.CodeFailedPrecondition, err, "co-op with a warehouse")
		p := f.Product("FK-P", 11, 1)
		require.NoError(t, s.CreateProduct(ctx, &p))
		adjust(t, s, ctx, p.Variants[0].ID, f.Warehouse.ID, 1)
		err = s.DeleteWarehouse(ctx, f.Warehouse.ID, f.Warehouse.Version)
		requireCode(t, catalog.CodeFailedPrecondition, err, "warehouse with stock")
		_, err = s.Warehouse(ctx, f.Warehouse.ID)
		require.NoError(t, err, "still there")

		// Emptied bottom-up, everything goes.
		_, err = s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: p.Variants[0].ID,
			WarehouseID: f.Warehouse.ID, Quantity: -1, Reason: catalog.ReasonCount, Actor: "test"})
		require.NoError(t, err)
		require.NoError(t, s.DeleteProduct(ctx, p.ID, p.Version))
		require.NoError(t, s.DeleteWarehouse(ctx, f.Warehouse.ID, f.Warehouse.Version))
		require.NoError(t, s.DeleteCoop(ctx, f.Coop.ID, f.Coop.Version))
		require.NoError(t, s.DeleteAlliance(ctx, f.Alliance.ID, f.Alliance.Version))
		require.Zero(t, count(t, s, "alliances"))
	})
}

func TestCoopCRUD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		a := catalog.Alliance{Code: "LM-1", Name: "Liên minh 1", Province: "Thái Nguyên"}
		require.NoError(t, s.CreateAlliance(ctx, &a))
		a2 := catalog.Alliance{Code: "LM-2", Name: "Liên minh 2", Province: "Hà Giang"}
		require.NoError(t, s.CreateAlliance(ctx, &a2))

		c := catalog.Coop{AllianceID: a.ID, Code: "htx-hoa-cuc", Name: "HTX Hoa cúc", Province: "Thái Nguyên",
			Commune: "Tân Cương", TaxCode: "4600123456"}
		require.NoError(t, s.CreateCoop(ctx, &c))
		require.Equal(t, "HTX-HOA-CUC", c.Code)
		require.Equal(t, int64(1), c.Version)

		got, err := s.Coop(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, c.AllianceID, got.AllianceID)
		require.Equal(t, "4600123456", got.TaxCode)
		require.Equal(t, "Tân Cương", got.Commune)

		dup := catalog.Coop{AllianceID: a2.ID, Code: "HTX-HOA-CUC", Name: "X", Province: "Y"}
		requireCode(t, catalog.CodeConflict, s.CreateCoop(ctx, &dup), "co-op codes are unique across alliances")

		c2 := catalog.Coop{AllianceID: a2.ID, Code: "HTX-2", Name: "HTX 2", Province: "Hà Giang"}
		require.NoError(t, s.CreateCoop(ctx, &c2))
		list, _, err := s.ListCoops(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, list, 2)
		list, _, err = s.ListCoops(ctx, catalog.ListQuery{Alliance: a2.ID})
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, c2.ID, list[0].ID)

		stale := got
		got.Name = "HTX Hoa cúc Tân Cương"
		got.AllianceID = a2.ID // the operator may move a co-op
		require.NoError(t, s.UpdateCoop(ctx, &got))
		require.Equal(t, int64(2), got.Version)
		require.Equal(t, a2.ID, got.AllianceID)

		stale.Name = "Lost"
		requireCode(t, catalog.CodeConflict, s.UpdateCoop(ctx, &stale), "stale update")
		after, err := s.Coop(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, "HTX Hoa cúc Tân Cương", after.Name)
		require.Equal(t, int64(2), after.Version)

		requireCode(t, catalog.CodeConflict, s.DeleteCoop(ctx, c.ID, 1), "stale delete")
		require.NoError(t, s.DeleteCoop(ctx, c.ID, 2))
		_, err = s.Coop(ctx, c.ID)
		requireCode(t, catalog.CodeNotFound, err, "deleted co-op")
		requireCode(t, catalog.CodeNotFound, s.UpdateCoop(ctx, &after), "update deleted")
		requireCode(t, catalog.CodeNotFound, s.DeleteCoop(ctx, c.ID, 2), "delete deleted")
	})
}

func TestCoopValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "CV")
		c := catalog.Coop{AllianceID: f.Alliance.ID, Code: "HTX Ö", Name: "", Province: "X", TaxCode: "12345"}
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateCoop(ctx, &c), "code", "name", "tax_code")

		c = catalog.Coop{AllianceID: 987654, Code: "HTX-NOPE", Name: "HTX", Province: "X"}
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateCoop(ctx, &c), "alliance_id")

		c = catalog.Coop{Code: "HTX-NOPE", Name: "HTX", Province: "X"}
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateCoop(ctx, &c), "alliance_id")

		c = catalog.Coop{AllianceID: f.Alliance.ID, Code: "HTX-BR", Name: "HTX", Province: "X", TaxCode: "4600123456-001"}
		require.NoError(t, s.CreateCoop(ctx, &c), "branch tax code")
		require.Equal(t, int64(2), count(t, s, "coops"))
	})
}

func TestWarehouseCRUD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "WH")
		g := storetest.NewFixture(t, s, "WH2")

		w := catalog.Warehouse{CoopID: f.Coop.ID, Code: "kho-2", Name: "Kho xã", Address: "Xóm 3, Tân Cương"}
		require.NoError(t, s.CreateWarehouse(ctx, &w))
		require.Equal(t, "KHO-2", w.Code)
		require.Equal(t, int64(1), w.Version)

		dup := catalog.Warehouse{CoopID: f.Coop.ID, Code: "KHO-2", Name: "Trùng"}
		requireCode(t, catalog.CodeConflict, s.CreateWarehouse(ctx, &dup), "same code in the co-op")
		same := catalog.Warehouse{CoopID: g.Coop.ID, Code: "KHO-2", Name: "Kho khác"}
		require.NoError(t, s.CreateWarehouse(ctx, &same), "the same code in another co-op is fine")

		bad := catalog.Warehouse{CoopID: f.Coop.ID, Code: "", Name: ""}
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateWarehouse(ctx, &bad), "code", "name")
		bad = catalog.Warehouse{CoopID: 987654, Code: "K", Name: "K"}
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateWarehouse(ctx, &bad), "coop_id")

		list, _, err := s.ListWarehouses(ctx, catalog.ListQuery{CoopID: f.Coop.ID})
		require.NoError(t, err)
		require.Equal(t, []int64{f.Warehouse.ID, w.ID}, []int64{list[0].ID, list[1].ID})
		require.Len(t, list, 2)
		list, _, err = s.ListWarehouses(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, list, 4)

		got, err := s.Warehouse(ctx, w.ID)
		require.NoError(t, err)
		require.Equal(t, "Xóm 3, Tân Cương", got.Address)
		stale := got
		got.Name = "Kho xã Tân Cương"
		got.CoopID = g.Coop.ID // ignored: a warehouse stays with its co-op
		require.NoError(t, s.UpdateWarehouse(ctx, &got))
		require.Equal(t, int64(2), got.Version)
		require.Equal(t, f.Coop.ID, got.CoopID)

		stale.Name = "Lost"
		requireCode(t, catalog.CodeConflict, s.UpdateWarehouse(ctx, &stale), "stale update")
		after, err := s.Warehouse(ctx, w.ID)
		require.NoError(t, err)
		require.Equal(t, "Kho xã Tân Cương", after.Name)
		require.Equal(t, int64(2), after.Version)

		requireCode(t, catalog.CodeConflict, s.DeleteWarehouse(ctx, w.ID, 1), "stale delete")
		require.NoError(t, s.DeleteWarehouse(ctx, w.ID, 2))
		_, err = s.Warehouse(ctx, w.ID)
		requireCode(t, catalog.CodeNotFound, err, "deleted warehouse")
		requireCode(t, catalog.CodeNotFound, s.UpdateWarehouse(ctx, &after), "update deleted")
		requireCode(t, catalog.CodeNotFound, s.DeleteWarehouse(ctx, w.ID, 2), "delete deleted")
	})
}

func TestListPagination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		var want []int64
		for _, code := range []string{"LM-A", "LM-B", "LM-C", "LM-D", "LM-E"} {
			a := catalog.Alliance{Code: code, Name: code, Province: "Thái Nguyên"}
			require.NoError(t, s.CreateAlliance(ctx, &a))
			want = append(want, a.ID)
		}
		var got []int64
		var pages []int
		cursor := ""
		for {
			items, next, err := s.ListAlliances(ctx, catalog.ListQuery{Limit: 2, Cursor: cursor})
			require.NoError(t, err)
			pages = append(pages, len(items))
			for _, a := range items {
				got = append(got, a.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		require.Equal(t, []int{2, 2, 1}, pages)
		require.Equal(t, want, got)

		_, _, err := s.ListAlliances(ctx, catalog.ListQuery{Cursor: "not a cursor!"})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "cursor")
		_, _, err = s.ListCoops(ctx, catalog.ListQuery{Limit: -1})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "limit")
		_, _, err = s.ListWarehouses(ctx, catalog.ListQuery{Limit: catalog.MaxLimit + 1})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "limit")
	})
}
