package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestReceiveLot: a lot adds its quantity through the locked stock path in
// the same transaction, the ledger row names it, a second lot of the same
// code is conflict, bad input changes nothing, and other co-ops cannot see
// or receive it.
func TestReceiveLot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "LOT")
		p := f.Product("CHE-LOT", 4101, 1)
		require.NoError(t, s.CreateProduct(ctx, &p))
		v := p.Variants[0]
		adjust(t, s, ctx, v.ID, f.Warehouse.ID, 5)
		today := catalog.Today(time.Now())
		lot := catalog.Lot{VariantID: v.ID, WarehouseID: f.Warehouse.ID, Code: "2612A", ProducedOn: today.AddDays(-3),
			ShelfLifeDays: 365, Quantity: 100, Notes: "Chè búp tươi đồi số 3, hái ngày 30/11"}
		mine := coopCtx(f.Coop.ID)
		require.NoError(t, s.ReceiveLot(mine, &lot))
		require.NotZero(t, lot.ID)
		require.Equal(t, f.Coop.ID, lot.CoopID)
		require.Equal(t, today.AddDays(362), lot.ExpiresOn)

		levels, err := s.StockLevels(ctx, v.ID)
		require.NoError(t, err)
		require.Equal(t, int64(105), levels[0].OnHand)
		moves, _, err := s.Movements(ctx, v.ID, catalog.ListQuery{})
		require.NoError(t, err)
		require.Equal(t, lot.ID, moves[0].LotID)
		require.Equal(t, int64(100), moves[0].OnHandDelta)
		require.Equal(t, catalog.ReasonReceived, moves[0].Reason)
		require.Zero(t, moves[1].LotID)
		outbox := count(t, s, "outbox")

		dup := lot
		dup.ID, dup.Quantity = 0, 7
		requireFieldError(t, catalog.CodeConflict, s.ReceiveLot(mine, &dup), "code")
		bad := catalog.Lot{VariantID: v.ID, WarehouseID: f.Warehouse.ID, Code: "Lô 1", ProducedOn: today, Quantity: 0}
		requireFieldError(t, catalog.CodeInvalidArgument, s.ReceiveLot(mine, &bad), "code", "expires_on", "quantity")
		other := storetest.NewFixture(t, s, "LOT2")
		wrongWarehouse := catalog.Lot{VariantID: v.ID, WarehouseID: other.Warehouse.ID, Code: "2612B", ProducedOn: today, ShelfLifeDays: 30, Quantity: 3}
		requireFieldError(t, catalog.CodeInvalidArgument, s.ReceiveLot(mine, &wrongWarehouse), "warehouse_id")
		levels, _ = s.StockLevels(ctx, v.ID)
		require.Equal(t, int64(105), levels[0].OnHand, "a refused lot moves no stock")
		require.Equal(t, outbox, count(t, s, "outbox"))
		require.Equal(t, int64(1), count(t, s, "lots"))

		stranger := coopCtx(other.Coop.ID)
		_, err = s.Lot(stranger, lot.ID)
		requireCode(t, catalog.CodeNotFound, err, "another co-op's lot")
		none, err := s.Lots(stranger, v.ID)
		require.NoError(t, err)
		require.Empty(t, none, "another co-op's lots are not listed")
		steal := catalog.Lot{VariantID: v.ID, WarehouseID: f.Warehouse.ID, Code: "2612C", ProducedOn: today, ShelfLifeDays: 30, Quantity: 3}
		requireFieldError(t, catalog.CodeInvalidArgument, s.ReceiveLot(stranger, &steal), "variant_id")

		got, err := s.Lots(mine, v.ID)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, lot.Notes, got[0].Notes)
		one, err := s.Lot(mine, lot.ID)
		require.NoError(t, err)
		require.Equal(t, "2612A", one.Code)

		tr, err := s.Trace(ctx, v.GTIN, "2612A")
		require.NoError(t, err)
		require.Equal(t, lot.ID, tr.Lot.ID)
		require.Equal(t, v.ID, tr.Variant.ID)
		require.Equal(t, f.Coop.Name, tr.Coop.Name)
		_, err = s.Trace(ctx, v.GTIN, "2612Z")
		requireCode(t, catalog.CodeNotFound, err, "unknown lot")
	})
}

// TestConcurrentLotsOfOneCode: two receipts of the same code race; one
// wins, the other is conflict and adds no stock.
func TestConcurrentLotsOfOneCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "LOTRACE")
		p := f.Product("CHE-LOTRACE", 4102, 1)
		require.NoError(t, s.CreateProduct(ctx, &p))
		today := catalog.Today(time.Now())
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.ReceiveLot(ctx, &catalog.Lot{VariantID: p.Variants[0].ID, WarehouseID: f.Warehouse.ID,
					Code: "2612A", ProducedOn: today, ShelfLifeDays: 30, Quantity: 10})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			requireCode(t, catalog.CodeConflict, err, "the loser")
		}
		require.Equal(t, 1, won)
		levels, err := s.StockLevels(ctx, p.Variants[0].ID)
		require.NoError(t, err)
		require.Equal(t, int64(10), levels[0].OnHand)
	})
}
