package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// tenant is a fixture with a product whose first variant has stock.
type tenant struct {
	storetest.Fixture
	Product catalog.Product
	Level   catalog.StockLevel
}

func newTenant(t *testing.T, s *store.Store, suffix string, seed int) tenant {
	t.Helper()
	ctx := storetest.Operator()
	tn := tenant{Fixture: storetest.NewFixture(t, s, suffix)}
	tn.Product = tn.Fixture.Product("P-"+suffix, seed, 2)
	require.NoError(t, s.CreateProduct(ctx, &tn.Product))
	tn.Level = adjust(t, s, ctx, tn.Product.Variants[0].ID, tn.Warehouse.ID, 7)
	return tn
}

// requireUntouched checks b's rows are exactly as created.
func requireUntouched(t *testing.T, s *store.Store, b tenant) {
	t.Helper()
	ctx := storetest.Operator()
	c, err := s.Coop(ctx, b.Coop.ID)
	require.NoError(t, err)
	require.Equal(t, b.Coop.Name, c.Name)
	require.Equal(t, b.Coop.Version, c.Version)
	a, err := s.Alliance(ctx, b.Alliance.ID)
	require.NoError(t, err)
	require.Equal(t, b.Alliance.Version, a.Version)
	require.Equal(t, b.Alliance.Name, a.Name)
	w, err := s.Warehouse(ctx, b.Warehouse.ID)
	require.NoError(t, err)
	require.Equal(t, b.Warehouse.Version, w.Version)
	p, err := s.Product(ctx, b.Product.ID)
	require.NoError(t, err)
	require.Equal(t, noTimes(b.Product), noTimes(p))
	levels, err := s.StockLevels(ctx, b.Product.Variants[0].ID)
	require.NoError(t, err)
	require.Len(t, levels, 1)
	require.Equal(t, b.Level.OnHand, levels[0].OnHand)
	require.Equal(t, b.Level.Reserved, levels[0].Reserved)
	require.Equal(t, b.Level.Version, levels[0].Version)
}

// TestCoopScopeSeesOnlyItsCoop: a co-op scope reads, lists and writes its own
// rows and gets not_found for every row of another co-op: never its data and
// never permission_denied, which would confirm the row exists.
func TestCoopScopeSeesOnlyItsCoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		A := newTenant(t, s, "A", 101)
		B := newTenant(t, s, "B", 202)
		ctx := coopCtx(A.Coop.ID)
		bVariant := B.Product.Variants[0].ID

		// Own rows are visible.
		_, err := s.Coop(ctx, A.Coop.ID)
		require.NoError(t, err)
		_, err = s.Warehouse(ctx, A.Warehouse.ID)
		require.NoError(t, err)
		_, err = s.Product(ctx, A.Product.ID)
		require.NoError(t, err)
		_, err = s.Alliance(ctx, A.Alliance.ID)
		require.NoError(t, err, "a co-op sees its alliance")
		_, err = s.StockLevels(ctx, A.Product.Variants[0].ID)
		require.NoError(t, err)

		// Reads of B.
		_, err = s.Alliance(ctx, B.Alliance.ID)
		requireCode(t, catalog.CodeNotFound, err, "B's alliance")
		_, err = s.Coop(ctx, B.Coop.ID)
		requireCode(t, catalog.CodeNotFound, err, "B's co-op")
		_, err = s.Warehouse(ctx, B.Warehouse.ID)
		requireCode(t, catalog.CodeNotFound, err, "B's warehouse")
		_, err = s.Product(ctx, B.Product.ID)
		requireCode(t, catalog.CodeNotFound, err, "B's product")
		levels, err := s.StockLevels(ctx, bVariant)
		requireCode(t, catalog.CodeNotFound, err, "B's stock levels")
		require.Empty(t, levels)
		moves, next, err := s.Movements(ctx, bVariant, catalog.ListQuery{})
		requireCode(t, catalog.CodeNotFound, err, "B's movements")
		require.Empty(t, moves)
		require.Empty(t, next)

		// Lists hold A's rows only, whatever the filter asks for.
		alliances, _, err := s.ListAlliances(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, alliances, 1)
		require.Equal(t, A.Alliance.ID, alliances[0].ID)
		coops, _, err := s.ListCoops(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, coops, 1)
		require.Equal(t, A.Coop.ID, coops[0].ID)
		coops, _, err = s.ListCoops(ctx, catalog.ListQuery{Alliance: B.Alliance.ID})
		require.NoError(t, err)
		require.Empty(t, coops)
		whs, _, err := s.ListWarehouses(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, whs, 1)
		require.Equal(t, A.Warehouse.ID, whs[0].ID)
		whs, _, err = s.ListWarehouses(ctx, catalog.ListQuery{CoopID: B.Coop.ID})
		require.NoError(t, err)
		require.Empty(t, whs)
		prods, _, err := s.ListProducts(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Equal(t, []int64{A.Product.ID}, productIDs(prods))
		prods, _, err = s.ListProducts(ctx, catalog.ListQuery{CoopID: B.Coop.ID})
		require.NoError(t, err)
		require.Empty(t, prods)
		prods, _, err = s.ListProducts(ctx, catalog.ListQuery{Q: "P-B"})
		require.NoError(t, err)
		require.Empty(t, prods, "search does not reach into B")

		// Writes to B.
		bc := B.Coop
		bc.Name = "Hijacked"
		requireCode(t, catalog.CodeNotFound, s.UpdateCoop(ctx, &bc), "update B's co-op")
		requireCode(t, catalog.CodeNotFound, s.DeleteCoop(ctx, B.Coop.ID, B.Coop.Version), "delete B's co-op")
		ba := B.Alliance
		ba.Name = "Hijacked"
		requireCode(t, catalog.CodeNotFound, s.UpdateAlliance(ctx, &ba), "update B's alliance")
		bw := B.Warehouse
		bw.Name = "Hijacked"
		requireCode(t, catalog.CodeNotFound, s.UpdateWarehouse(ctx, &bw), "update B's warehouse")
		requireCode(t, catalog.CodeNotFound, s.DeleteWarehouse(ctx, B.Warehouse.ID, B.Warehouse.Version), "delete B's warehouse")
		bp := B.Product
		bp.Name.VI = "Hijacked"
		requireCode(t, catalog.CodeNotFound, s.UpdateProduct(ctx, &bp), "update B's product")
		requireCode(t, catalog.CodeNotFound, s.DeleteProduct(ctx, B.Product.ID, B.Product.Version), "delete B's product")

		// B's variant must be exactly as unknown as one that never existed.
		for _, op := range []catalog.StockOp{catalog.OpAdjust, catalog.OpReserve, catalog.OpRelease, catalog.OpDeduct} {
			c := catalog.StockChange{Op: op, VariantID: bVariant, WarehouseID: B.Warehouse.ID, Quantity: 1, Actor: "thief"}
			if op == catalog.OpAdjust {
				c.Reason = catalog.ReasonReceived
			}
			_, errB := s.ChangeStock(ctx, c)
			c.VariantID = 987654
			_, errNone := s.ChangeStock(ctx, c)
			requireCode(t, catalog.ErrorCode(errNone), errB, "ChangeStock %s on B's variant is answered like a missing variant", op)
			require.Equal(t, fieldsOf(t, errNone), fieldsOf(t, errB))
			require.Equal(t, catalog.CodeNotFound, catalog.ErrorCode(errB))
		}
		// A's variant into B's warehouse is refused too.
		_, err = s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: A.Product.Variants[0].ID,
			WarehouseID: B.Warehouse.ID, Quantity: 1, Reason: catalog.ReasonReceived, Actor: "thief"})
		requireFieldError(t, catalog.CodeInvalidArgument, err, "warehouse_id")

		// Creating into B is refused without a trace.
		w := catalog.Warehouse{CoopID: B.Coop.ID, Code: "SPY", Name: "Spy"}
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateWarehouse(ctx, &w), "coop_id")
		p := newProduct(B.Coop.ID, "SPY", "Spy", 4, catalog.GroupFood, 909)
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateProduct(ctx, &p), "coop_id")
		require.Equal(t, int64(2), count(t, s, "warehouses"))
		require.Equal(t, int64(2), count(t, s, "products"))

		requireUntouched(t, s, B)

		// Own writes work.
		ap := A.Product
		ap.Name.VI = "Chè A mới"
		ap.CoopID = B.Coop.ID // ignored: a product never changes co-op
		require.NoError(t, s.UpdateProduct(ctx, &ap))
		require.Equal(t, int64(2), ap.Version)
		require.Equal(t, A.Coop.ID, ap.CoopID)
		requireUntouched(t, s, B)
	})
}

func TestCoopScopeCannotWriteAboveItself(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		A := newTenant(t, s, "A", 111)
		ctx := coopCtx(A.Coop.ID)

		a := catalog.Alliance{Code: "LM-NEW", Name: "Liên minh mới", Province: "Hà Nội"}
		requireCode(t, catalog.CodePermissionDenied, s.CreateAlliance(ctx, &a), "co-op creates an alliance")
		c := catalog.Coop{AllianceID: A.Alliance.ID, Code: "HTX-NEW", Name: "HTX mới", Province: "Thái Nguyên"}
		requireCode(t, catalog.CodePermissionDenied, s.CreateCoop(ctx, &c), "co-op creates a co-op in its alliance")
		requireCode(t, catalog.CodePermissionDenied, s.DeleteAlliance(ctx, A.Alliance.ID, A.Alliance.Version), "co-op deletes its alliance")
		own := A.Alliance
		own.Name = "Renamed by a co-op"
		requireCode(t, catalog.CodePermissionDenied, s.UpdateAlliance(ctx, &own), "co-op renames its alliance")
		other := catalog.Alliance{Code: "LM-OTHER", Name: "Khác", Province: "Hà Nội"}
		require.NoError(t, s.CreateAlliance(storetest.Operator(), &other))
		moved := A.Coop
		moved.AllianceID = other.ID
		requireCode(t, catalog.CodePermissionDenied, s.UpdateCoop(ctx, &moved), "co-op moves itself")

		require.Equal(t, int64(2), count(t, s, "alliances"))
		require.Equal(t, int64(1), count(t, s, "coops"))
		got, err := s.Alliance(storetest.Operator(), A.Alliance.ID)
		require.NoError(t, err)
		require.Equal(t, A.Alliance.Name, got.Name)
		require.Equal(t, int64(1), got.Version)

		// Its own co-op it may edit.
		mine := A.Coop
		mine.Commune = "Phúc Xuân"
		require.NoError(t, s.UpdateCoop(ctx, &mine))
		require.Equal(t, int64(2), mine.Version)
	})
}

func TestAllianceScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		op := storetest.Operator()
		A := newTenant(t, s, "A", 121)
		B := newTenant(t, s, "B", 232)
		ctx := allianceCtx(A.Alliance.ID)

		// The alliance adds a second co-op of its own, not one elsewhere.
		c2 := catalog.Coop{AllianceID: A.Alliance.ID, Code: "HTX-A2", Name: "HTX A2", Province: "Thái Nguyên"}
		require.NoError(t, s.CreateCoop(ctx, &c2))
		cB := catalog.Coop{AllianceID: B.Alliance.ID, Code: "HTX-B2", Name: "HTX B2", Province: "Thái Nguyên"}
		requireFieldError(t, catalog.CodeInvalidArgument, s.CreateCoop(ctx, &cB), "alliance_id") // B's alliance does not exist for A
		a := catalog.Alliance{Code: "LM-X", Name: "X", Province: "X"}
		requireCode(t, catalog.CodePermissionDenied, s.CreateAlliance(ctx, &a), "alliance creates an alliance")

		coops, _, err := s.ListCoops(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, coops, 2)
		require.Equal(t, []int64{A.Coop.ID, c2.ID}, []int64{coops[0].ID, coops[1].ID})
		_, err = s.Coop(ctx, c2.ID)
		require.NoError(t, err)
		_, err = s.Coop(ctx, B.Coop.ID)
		requireCode(t, catalog.CodeNotFound, err, "B's co-op")
		_, err = s.Alliance(ctx, B.Alliance.ID)
		requireCode(t, catalog.CodeNotFound, err, "B's alliance")
		alliances, _, err := s.ListAlliances(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, alliances, 1)
		require.Equal(t, A.Alliance.ID, alliances[0].ID)

		_, err = s.Product(ctx, A.Product.ID)
		require.NoError(t, err)
		_, err = s.Product(ctx, B.Product.ID)
		requireCode(t, catalog.CodeNotFound, err, "B's product")
		prods, _, err := s.ListProducts(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Equal(t, []int64{A.Product.ID}, productIDs(prods))
		whs, _, err := s.ListWarehouses(ctx, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, whs, 1)
		require.Equal(t, A.Warehouse.ID, whs[0].ID)
		_, err = s.Warehouse(ctx, B.Warehouse.ID)
		requireCode(t, catalog.CodeNotFound, err, "B's warehouse")
		_, err = s.StockLevels(ctx, B.Product.Variants[0].ID)
		requireCode(t, catalog.CodeNotFound, err, "B's stock")
		_, _, err = s.Movements(ctx, B.Product.Variants[0].ID, catalog.ListQuery{})
		requireCode(t, catalog.CodeNotFound, err, "B's movements")
		bc := B.Coop
		bc.Name = "Hijacked"
		requireCode(t, catalog.CodeNotFound, s.UpdateCoop(ctx, &bc), "update B's co-op")
		requireCode(t, catalog.CodeNotFound, s.DeleteProduct(ctx, B.Product.ID, B.Product.Version), "delete B's product")
		ba := B.Alliance
		ba.Name = "Hijacked"
		requireCode(t, catalog.CodeNotFound, s.UpdateAlliance(ctx, &ba), "update B's alliance")

		// Its own alliance it may edit, but not move a co-op out.
		own := A.Alliance
		own.Name = "Liên minh HTX A (mới)"
		require.NoError(t, s.UpdateAlliance(ctx, &own))
		require.Equal(t, int64(2), own.Version)
		out := A.Coop
		out.AllianceID = B.Alliance.ID
		requireCode(t, catalog.CodePermissionDenied, s.UpdateCoop(ctx, &out), "move a co-op to B")

		requireUntouched(t, s, B)
		n, _, err := s.ListCoops(op, catalog.ListQuery{})
		require.NoError(t, err)
		require.Len(t, n, 3)
	})
}

// TestNoScopeFailsClosed: a context that reached the store without a tenant
// gets permission_denied from every method, with valid input, and nothing
// changes.
func TestNoScopeFailsClosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		A := newTenant(t, s, "A", 131)
		v := A.Product.Variants[0].ID
		for name, ctx := range map[string]context.Context{
			"background":        context.Background(),
			"empty coop scope":  coopCtx(),
			"zero alliance":     allianceCtx(0),
			"explicitly zeroed": catalog.WithScope(context.Background(), catalog.Scope{}),
		} {
			deny := func(what string, err error) {
				t.Helper()
				requireCode(t, catalog.CodePermissionDenied, err, "%s: %s", name, what)
			}
			newA := catalog.Alliance{Code: "LM-NEW", Name: "Mới", Province: "Hà Nội"}
			deny("CreateAlliance", s.CreateAlliance(ctx, &newA))
			_, err := s.Alliance(ctx, A.Alliance.ID)
			deny("Alliance", err)
			_, _, err = s.ListAlliances(ctx, catalog.ListQuery{})
			deny("ListAlliances", err)
			al := A.Alliance
			al.Name = "Changed"
			deny("UpdateAlliance", s.UpdateAlliance(ctx, &al))
			deny("DeleteAlliance", s.DeleteAlliance(ctx, A.Alliance.ID, A.Alliance.Version))

			newC := catalog.Coop{AllianceID: A.Alliance.ID, Code: "HTX-NEW", Name: "Mới", Province: "Hà Nội"}
			deny("CreateCoop", s.CreateCoop(ctx, &newC))
			_, err = s.Coop(ctx, A.Coop.ID)
			deny("Coop", err)
			_, _, err = s.ListCoops(ctx, catalog.ListQuery{})
			deny("ListCoops", err)
			c := A.Coop
			c.Name = "Changed"
			deny("UpdateCoop", s.UpdateCoop(ctx, &c))
			deny("DeleteCoop", s.DeleteCoop(ctx, A.Coop.ID, A.Coop.Version))

			newW := catalog.Warehouse{CoopID: A.Coop.ID, Code: "NEW", Name: "Mới"}
			deny("CreateWarehouse", s.CreateWarehouse(ctx, &newW))
			_, err = s.Warehouse(ctx, A.Warehouse.ID)
			deny("Warehouse", err)
			_, _, err = s.ListWarehouses(ctx, catalog.ListQuery{})
			deny("ListWarehouses", err)
			w := A.Warehouse
			w.Name = "Changed"
			deny("UpdateWarehouse", s.UpdateWarehouse(ctx, &w))
			deny("DeleteWarehouse", s.DeleteWarehouse(ctx, A.Warehouse.ID, A.Warehouse.Version))

			newP := newProduct(A.Coop.ID, "NEW", "Mới", 4, catalog.GroupFood, 939)
			deny("CreateProduct", s.CreateProduct(ctx, &newP))
			_, err = s.Product(ctx, A.Product.ID)
			deny("Product", err)
			_, _, err = s.ListProducts(ctx, catalog.ListQuery{})
			deny("ListProducts", err)
			p := A.Product
			p.Name.VI = "Changed"
			deny("UpdateProduct", s.UpdateProduct(ctx, &p))
			deny("DeleteProduct", s.DeleteProduct(ctx, A.Product.ID, A.Product.Version))

			_, err = s.StockLevels(ctx, v)
			deny("StockLevels", err)
			_, err = s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: v, WarehouseID: A.Warehouse.ID,
				Quantity: 5, Reason: catalog.ReasonReceived, Actor: "ghost"})
			deny("ChangeStock", err)
			_, _, err = s.Movements(ctx, v, catalog.ListQuery{})
			deny("Movements", err)
			_, err = s.Import(ctx, newBatch("NS", 1), catalog.ImportOptions{})
			deny("Import", err)
		}
		require.Equal(t, int64(1), count(t, s, "alliances"))
		require.Equal(t, int64(1), count(t, s, "coops"))
		require.Equal(t, int64(1), count(t, s, "warehouses"))
		require.Equal(t, int64(1), count(t, s, "products"))
		require.Equal(t, int64(1), count(t, s, "stock_movements"))
		requireUntouched(t, s, A)
	})
}
