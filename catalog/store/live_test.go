package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestLiveHoldLifecycle on both engines: a start bigger than the stock
// holds nothing; a start holds units out of shared stock; a second live
// cannot hold the same variant; the live shop's orders draw from the hold,
// another shop's from shared stock; a top-up and a give-back move units;
// ending returns the leftovers; the ledger still sums to the level.
func TestLiveHoldLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s = keyed(t, s)
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "LIVE")
		p := f.Product("CHE-LIVE", 9, 1)
		require.NoError(t, s.CreateProduct(ctx, &p))
		v := p.Variants[0]
		adjust(t, s, ctx, v.ID, f.Warehouse.ID, 50)
		liveShop := connectShop(t, s, ctx, f.Coop.ID, catalog.PlatformShopee, "801")
		other := connectShop(t, s, ctx, f.Coop.ID, catalog.PlatformZalo, "802")
		level := func() catalog.StockLevel {
			ls, err := s.StockLevels(ctx, v.ID)
			require.NoError(t, err)
			return ls[0]
		}
		start := func(qty int64) (catalog.LiveSession, error) {
			return s.StartLive(ctx, catalog.LiveStart{ShopID: liveShop.ID, Title: "Live chè",
				Holds: []catalog.LiveHoldInput{{VariantID: v.ID, Quantity: qty}}})
		}

		_, err := start(51)
		requireCode(t, catalog.CodeInsufficientStock, err, "a hold beyond the stock")
		require.Equal(t, int64(0), level().Held, "a refused start holds nothing")
		require.Zero(t, count(t, s, "live_sessions"), "and leaves no session")

		live, err := start(30)
		require.NoError(t, err)
		require.Equal(t, catalog.LiveOn, live.Status)
		require.Equal(t, int64(30), level().Held)
		require.Equal(t, int64(20), level().Available())
		_, err = start(5)
		requireCode(t, catalog.CodeConflict, err, "a variant in two lives")

		ingest := func(sh catalog.Shop, id string, qty int64) catalog.Order {
			o, _, err := s.IngestOrder(ctx, store.OrderIn{ShopID: sh.ID, ExternalID: id, Status: catalog.OrderReadyToShip,
				Lines: []catalog.OrderLine{{SellerSKU: string(v.SKU), Quantity: qty, Price: 95000}}})
			require.NoError(t, err)
			return o
		}
		ingest(liveShop, "SP-1", 4)
		require.Equal(t, int64(26), level().Held, "the live shop's order drew from the hold")
		require.Equal(t, int64(4), level().Reserved)
		ingest(other, "ZL-1", 3)
		require.Equal(t, int64(26), level().Held, "another shop's order leaves the hold alone")
		require.Equal(t, int64(17), level().Available())

		live, err = s.AdjustLiveHold(ctx, live.ID, v.ID, 10)
		require.NoError(t, err)
		require.Equal(t, int64(36), live.Holds[0].Held)
		_, err = s.AdjustLiveHold(ctx, live.ID, v.ID, 8)
		requireCode(t, catalog.CodeInsufficientStock, err, "a top-up beyond what is available")
		_, err = s.AdjustLiveHold(ctx, live.ID, v.ID, -37)
		requireCode(t, catalog.CodeInsufficientStock, err, "giving back more than is left")
		live, err = s.AdjustLiveHold(ctx, live.ID, v.ID, -6)
		require.NoError(t, err)
		require.Equal(t, int64(30), live.Holds[0].Held)

		// An order bigger than what is left in the hold takes the rest
		// from shared stock.
		ingest(liveShop, "SP-2", 33)
		require.Equal(t, int64(0), level().Held)
		require.Equal(t, int64(40), level().Reserved)
		got, err := s.LiveSession(ctx, live.ID)
		require.NoError(t, err)
		require.Equal(t, int64(37), got.Holds[0].Sold)

		ingest(liveShop, "SP-3", 2)
		ended, err := s.EndLive(ctx, live.ID)
		require.NoError(t, err)
		require.Equal(t, catalog.LiveEnded, ended.Status)
		require.Equal(t, int64(0), level().Held)
		again, err := s.EndLive(ctx, live.ID)
		require.NoError(t, err, "ending twice changes nothing")
		require.Equal(t, ended.Version, again.Version)
		_, err = s.AdjustLiveHold(ctx, live.ID, v.ID, 1)
		requireCode(t, catalog.CodeFailedPrecondition, err, "no top-up after the end")

		// The ledger still explains the level, holds included.
		moves, _, err := s.Movements(ctx, v.ID, catalog.ListQuery{Limit: catalog.MaxLimit})
		require.NoError(t, err)
		var onHand, reserved, held int64
		for _, m := range moves {
			onHand, reserved, held = onHand+m.OnHandDelta, reserved+m.ReservedDelta, held+m.HeldDelta
		}
		l := level()
		require.Equal(t, []int64{l.OnHand, l.Reserved, l.Held}, []int64{onHand, reserved, held})

		// A co-op seller of another co-op sees nothing of it.
		_, err = s.LiveSession(coopCtx(f.Coop.ID+1000), live.ID)
		requireCode(t, catalog.CodeNotFound, err, "another co-op's live")
	})
}
