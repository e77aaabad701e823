package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestUnknownStatusIsKeptAndFlagged: an order in a status no driver maps
// is stored as unknown and flagged for a person, and reserves its units
// (the channel took them at checkout), once however often it comes again;
// the inbox's filters find it. Once the channel reports a known status the
// order goes on as any other and the flag goes.
func TestUnknownStatusIsKeptAndFlagged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s = keyed(t, s)
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "UNK")
		p := f.Product("CHE-UNK", 8, 1)
		require.NoError(t, s.CreateProduct(ctx, &p))
		v := p.Variants[0]
		_, err := s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: v.ID, WarehouseID: f.Warehouse.ID,
			Quantity: 10, Reason: catalog.ReasonReceived, Actor: "test"})
		require.NoError(t, err)
		shop := connectShop(t, s, ctx, f.Coop.ID, catalog.PlatformShopee, "777")
		in := store.OrderIn{ShopID: shop.ID, ExternalID: "SP-1", Status: catalog.OrderUnknown, PlatformStatus: "IN_DISPUTE",
			Lines: []catalog.OrderLine{{SellerSKU: string(v.SKU), Quantity: 3}}}

		o, changed, err := s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.True(t, changed)
		require.Equal(t, catalog.OrderUnknown, o.Status)
		require.Contains(t, o.Flagged, "IN_DISPUTE")
		require.Equal(t, catalog.StockReserved, o.StockState)
		_, changed, err = s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.False(t, changed, "the same order again changes nothing")
		levels, err := s.StockLevels(ctx, v.ID)
		require.NoError(t, err)
		require.Equal(t, int64(3), levels[0].Reserved, "its units are held, never sold twice")
		flagged, err := s.OrderInbox(ctx, store.OrderQuery{Flagged: true, Limit: 10})
		require.NoError(t, err)
		require.Len(t, flagged, 1, "for review in the inbox")
		byStatus, err := s.OrderInbox(ctx, store.OrderQuery{Status: catalog.OrderUnknown, Limit: 10})
		require.NoError(t, err)
		require.Len(t, byStatus, 1)

		in.Status, in.PlatformStatus = catalog.OrderReadyToShip, "READY_TO_SHIP"
		o, _, err = s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.Equal(t, catalog.OrderReadyToShip, o.Status)
		require.Equal(t, catalog.StockReserved, o.StockState)
		require.Empty(t, o.Flagged, "known now: nothing left to review")
		levels, err = s.StockLevels(ctx, v.ID)
		require.NoError(t, err)
		require.Equal(t, int64(3), levels[0].Reserved)

		in.Status = catalog.OrderUnknown
		o, _, err = s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.Equal(t, catalog.OrderReadyToShip, o.Status, "an unknown status never replaces a known one")

		in.Status = catalog.OrderCancelled
		o, _, err = s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.Equal(t, catalog.StockReleased, o.StockState)
		levels, err = s.StockLevels(ctx, v.ID)
		require.NoError(t, err)
		require.Equal(t, int64(0), levels[0].Reserved)
	})
}

// TestKnownOrderMovingToAnUnknownStatusIsFlagged: an order the hub knows
// that the channel moves to a status no driver maps (a return, a dispute)
// keeps its status and its stock, for the hub cannot tell what the units
// did, but is flagged for a person with the channel's word, once however
// often it comes; a later known status ends the review.
func TestKnownOrderMovingToAnUnknownStatusIsFlagged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s = keyed(t, s)
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "RET")
		p := f.Product("CHE-RET", 8, 1)
		require.NoError(t, s.CreateProduct(ctx, &p))
		v := p.Variants[0]
		adjust(t, s, ctx, v.ID, f.Warehouse.ID, 10)
		shop := connectShop(t, s, ctx, f.Coop.ID, catalog.PlatformShopee, "778")
		in := store.OrderIn{ShopID: shop.ID, ExternalID: "SP-RET", Status: catalog.OrderShipped, PlatformStatus: "SHIPPED",
			Lines: []catalog.OrderLine{{SellerSKU: string(v.SKU), Quantity: 3}}}
		shipped, _, err := s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.Empty(t, shipped.Flagged)
		before, err := s.StockLevels(ctx, v.ID)
		require.NoError(t, err)

		in.Status, in.PlatformStatus = catalog.OrderUnknown, "TO_RETURN"
		o, changed, err := s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.True(t, changed, "the move is recorded")
		require.Equal(t, catalog.OrderShipped, o.Status, "its known status stays")
		require.Equal(t, shipped.StockState, o.StockState, "and its stock")
		require.Equal(t, "TO_RETURN", o.PlatformStatus)
		require.Contains(t, o.Flagged, `"TO_RETURN"`, "flagged with the channel's word")
		after, err := s.StockLevels(ctx, v.ID)
		require.NoError(t, err)
		require.Equal(t, before, after, "no unit moved")
		flagged, err := s.OrderInbox(ctx, store.OrderQuery{Flagged: true, Limit: 10})
		require.NoError(t, err)
		require.Len(t, flagged, 1, "for review in the inbox")

		_, changed, err = s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.False(t, changed, "the same word again changes nothing")
		in.Status, in.PlatformStatus = catalog.OrderShipped, "SHIPPED"
		o, _, err = s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.Contains(t, o.Flagged, `"TO_RETURN"`, "an older known status does not end the review")

		in.Status, in.PlatformStatus = catalog.OrderDelivered, "COMPLETED"
		o, _, err = s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.Equal(t, catalog.OrderDelivered, o.Status)
		require.Empty(t, o.Flagged, "a later known status ends the review")
	})
}
