package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestIngestOrderLifecycle runs an order through its statuses on both
// engines: reserve, re-ingest (no change), ship (deduct), a stale status
// that must not move it back; an unknown SKU keeps the order and flags it;
// an order beyond the stock is kept and flagged as oversold.
func TestIngestOrderLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s = keyed(t, s)
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, s, "ORD")
		p := f.Product("CHE-ORD", 7, 1)
		require.NoError(t, s.CreateProduct(ctx, &p))
		v := p.Variants[0]
		_, err := s.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: v.ID, WarehouseID: f.Warehouse.ID,
			Quantity: 10, Reason: catalog.ReasonReceived, Actor: "test"})
		require.NoError(t, err)
		shop := connectShop(t, s, ctx, f.Coop.ID, catalog.PlatformLazada, "555")
		level := func() catalog.StockLevel {
			ls, err := s.StockLevels(ctx, v.ID)
			require.NoError(t, err)
			return ls[0]
		}
		in := store.OrderIn{ShopID: shop.ID, ExternalID: "LZ-1", Status: catalog.OrderReadyToShip,
			Lines: []catalog.OrderLine{{SellerSKU: string(v.SKU), Quantity: 3, Price: 95000}}}

		o, changed, err := s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.True(t, changed)
		require.Equal(t, catalog.StockReserved, o.StockState)
		require.Equal(t, int64(3), level().Reserved)

		_, changed, err = s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.False(t, changed, "the same order again changes nothing")
		require.Equal(t, int64(3), level().Reserved)

		in.Status, in.Tracking = catalog.OrderShipped, "LZ123"
		o, _, err = s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.Equal(t, catalog.StockDeducted, o.StockState)
		require.Equal(t, "LZ123", o.Tracking)
		require.Equal(t, int64(7), level().OnHand)
		require.Equal(t, int64(0), level().Reserved)

		in.Status = catalog.OrderReadyToShip // a late, older push
		o, _, err = s.IngestOrder(ctx, in)
		require.NoError(t, err)
		require.Equal(t, catalog.OrderShipped, o.Status, "an older status never moves an order back")

		unknown, _, err := s.IngestOrder(ctx, store.OrderIn{ShopID: shop.ID, ExternalID: "LZ-2", Status: catalog.OrderReadyToShip,
			Lines: []catalog.OrderLine{{SellerSKU: "NOT-IN-CATALOG", Quantity: 1}}})
		require.NoError(t, err)
		require.Contains(t, unknown.Flagged, "NOT-IN-CATALOG", "kept and flagged, never dropped")

		oversold, _, err := s.IngestOrder(ctx, store.OrderIn{ShopID: shop.ID, ExternalID: "LZ-3", Status: catalog.OrderReadyToShip,
			Lines: []catalog.OrderLine{{SellerSKU: string(v.SKU), Quantity: 50}}})
		require.NoError(t, err)
		require.Contains(t, oversold.Flagged, "oversold")
		require.Equal(t, int64(0), level().Reserved, "nothing reserved beyond the stock")

		events, err := s.OrderHistory(ctx, o.ID)
		require.NoError(t, err)
		require.Len(t, events, 2, "reserved, then shipped")
	})
}
