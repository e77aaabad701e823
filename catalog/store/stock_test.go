package store_test

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestConcurrentReservations is the oversell test of the spine: 50 buyers
// race for 20 units; exactly 20 win, stock never goes negative and the
// ledger adds up, on both engines.
func TestConcurrentReservations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "RACE")
		p := f.Product("CHE-RACE", 1, 1)
		require.NoError(t, s.CreateProduct(ctx, &p))
		v := p.Variants[0]
		_, err := s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: v.ID, WarehouseID: f.Warehouse.ID,
			Quantity: 20, Reason: catalog.ReasonReceived, Actor: "test"})
		require.NoError(t, err)

		const buyers = 50
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			succeeded int
			failures  = map[catalog.Code]int{}
		)
		start := make(chan struct{})
		for i := 0; i < buyers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				level, err := s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpReserve, VariantID: v.ID,
					WarehouseID: f.Warehouse.ID, Quantity: 1, Actor: "buyer", OrderRef: "order-" + string(rune('A'+i))})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failures[catalog.ErrorCode(err)]++
					return
				}
				succeeded++
				if level.Available() < 0 {
					t.Errorf("available went negative: %+v", level)
				}
			}(i)
		}
		close(start)
		wg.Wait()

		require.Equal(t, 20, succeeded)
		require.Equal(t, map[catalog.Code]int{catalog.CodeInsufficientStock: 30}, failures)
		levels, err := s.StockLevels(ctx, v.ID)
		require.NoError(t, err)
		require.Len(t, levels, 1)
		require.Equal(t, int64(20), levels[0].OnHand)
		require.Equal(t, int64(20), levels[0].Reserved)
		require.Equal(t, int64(21), levels[0].Version, "one adjust + 20 reservations")

		moves, _, err := s.Movements(ctx, v.ID, catalog.ListQuery{Limit: 200})
		require.NoError(t, err)
		require.Len(t, moves, 21)
		var onHand, reserved int64
		for _, m := range moves {
			onHand += m.OnHandDelta
			reserved += m.ReservedDelta
		}
		require.Equal(t, levels[0].OnHand, onHand, "ledger on_hand sum")
		require.Equal(t, levels[0].Reserved, reserved, "ledger reserved sum")

		events, err := s.PendingOutbox(ctx, 100)
		require.NoError(t, err)
		require.Len(t, events, 21, "one stock.changed per change")
		versions := map[int64]bool{}
		for _, e := range events {
			require.Equal(t, catalog.TopicStockChanged, e.Topic)
			var payload catalog.StockChanged
			require.NoError(t, json.Unmarshal(e.Payload, &payload))
			require.Equal(t, v.ID, payload.VariantID)
			require.Equal(t, f.Warehouse.ID, payload.WarehouseID)
			versions[payload.Version] = true
		}
		require.Len(t, versions, 21, "every event carries a distinct version")
	})
}

func TestStockOperations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "OPS")
		p := f.Product("CHE-OPS", 2, 1)
		require.NoError(t, s.CreateProduct(ctx, &p))
		change := func(op catalog.StockOp, qty int64) (catalog.StockLevel, error) {
			c := catalog.StockChange{Op: op, VariantID: p.Variants[0].ID, WarehouseID: f.Warehouse.ID, Quantity: qty,
				Actor: "test", OrderRef: "SP-1"}
			if op == catalog.OpAdjust {
				c.Reason = catalog.ReasonCount
			}
			return s.ChangeStock(ctx, c)
		}
		steps := []struct {
			op               catalog.StockOp
			qty              int64
			onHand, reserved int64
			code             catalog.Code
		}{
			{catalog.OpReserve, 1, 0, 0, catalog.CodeInsufficientStock},
			{catalog.OpAdjust, 10, 10, 0, ""},
			{catalog.OpReserve, 4, 10, 4, ""},
			{catalog.OpAdjust, -7, 10, 4, catalog.CodeInsufficientStock}, // would leave 3 on hand for 4 reserved
			{catalog.OpDeduct, 3, 7, 1, ""},
			{catalog.OpRelease, 2, 7, 1, catalog.CodeInsufficientStock},
			{catalog.OpRelease, 1, 7, 0, ""},
			{catalog.OpAdjust, -7, 0, 0, ""},
			{catalog.OpDeduct, 1, 0, 0, catalog.CodeInsufficientStock},
		}
		for i, st := range steps {
			level, err := change(st.op, st.qty)
			if st.code != "" {
				require.Equal(t, st.code, catalog.ErrorCode(err), "step %d %s %d", i, st.op, st.qty)
				continue
			}
			require.NoError(t, err, "step %d", i)
			require.Equal(t, st.onHand, level.OnHand, "step %d on_hand", i)
			require.Equal(t, st.reserved, level.Reserved, "step %d reserved", i)
		}

		other := storetest.NewFixture(t, s, "OTHER")
		_, err := s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: p.Variants[0].ID,
			WarehouseID: other.Warehouse.ID, Quantity: 1, Reason: catalog.ReasonReceived, Actor: "test"})
		require.Equal(t, catalog.CodeInvalidArgument, catalog.ErrorCode(err), "warehouse of another co-op")

		_, err = s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: p.Variants[0].ID,
			WarehouseID: f.Warehouse.ID, Quantity: 1, Reason: "stolen", Actor: "test"})
		require.Equal(t, catalog.CodeInvalidArgument, catalog.ErrorCode(err), "unknown reason")
	})
}
