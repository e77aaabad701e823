package worker_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/connectors/driver"
)

// oddQuantity marks the orders oddStatus reports in a status the driver
// cannot map.
const oddQuantity = 7

// oddStatus is a driver whose platform started using a status the driver
// does not know, for orders of oddQuantity units.
type oddStatus struct{ driver.Driver }

func (d oddStatus) GetOrders(ctx context.Context, ids []string) ([]driver.Order, error) {
	orders, err := d.Driver.GetOrders(ctx, ids)
	for i, o := range orders {
		if len(o.Lines) > 0 && o.Lines[0].Quantity == oddQuantity {
			orders[i].Status, orders[i].PlatformStatus = "", "in_dispute"
		}
	}
	return orders, err
}

// TestUnknownStatusNeverStopsIntake: Lazada reports an order in a status
// the driver cannot map. By push and by the polling backstop alike, that
// order is stored as unknown and flagged for review, holding its units,
// and the shop's other orders still come in, its inbox is processed and
// its polling cursor moves on.
func TestUnknownStatusNeverStopsIntake(t *testing.T) {
	h := startHub(t, "riti")
	h.stop()
	lz := h.platform(catalog.PlatformLazada)
	plain := lz.factory
	lz.factory = func(s catalog.Shop, ts driver.TokenSource) driver.Driver { return oddStatus{plain(s, ts)} }
	h.startWorker(t)
	h.publish(t)
	sku := string(h.product.Variants[0].SKU)
	start := int64(100)
	waitAll(t, h, sku, start, "published")
	shop := h.shops[catalog.PlatformLazada]
	buy := func(quantity int64) {
		t.Helper()
		require.Equal(t, http.StatusOK, control(t, lz, fmt.Sprintf("/_sandbox/shops/%s/orders", shop.ExternalID),
			map[string]any{"lines": []map[string]any{{"seller_sku": sku, "quantity": quantity}}}, nil))
	}
	unknownOrders := func() []catalog.Order {
		os, _, err := h.st.ListOrders(h.ctx, catalog.ListQuery{})
		require.NoError(t, err)
		var out []catalog.Order
		for _, o := range os {
			if o.Status == catalog.OrderUnknown {
				out = append(out, o)
			}
		}
		return out
	}

	// By push.
	buy(oddQuantity)
	buy(2)
	waitAll(t, h, sku, start-oddQuantity-2, "both orders came in and moved the other shops")
	eventually(t, "the odd order stored as unknown and every push processed", func() error {
		var pending int64
		h.st.DB().Raw("SELECT count(*) FROM webhook_inbox WHERE processed_at IS NULL").Scan(&pending)
		if n := len(unknownOrders()); n != 1 || pending != 0 {
			return fmt.Errorf("%d unknown orders, %d pushes unprocessed", n, pending)
		}
		return nil
	})
	odd := unknownOrders()[0]
	require.Contains(t, odd.Flagged, "in_dispute", "flagged for a person")
	require.Equal(t, catalog.StockReserved, odd.StockState, "its units are held")
	levels, err := h.st.StockLevels(h.ctx, h.product.Variants[0].ID)
	require.NoError(t, err)
	require.Equal(t, int64(oddQuantity+2), levels[0].Reserved)

	// By the polling backstop, pushes off.
	require.Equal(t, http.StatusOK, control(t, lz, fmt.Sprintf("/_sandbox/shops/%s/push", shop.ExternalID),
		map[string]any{"enabled": false}, nil))
	before, err := h.st.Shop(h.ctx, shop.ID)
	require.NoError(t, err)
	buy(oddQuantity)
	buy(1)
	require.NoError(t, h.w.Poll(h.ctx, shop.ID), "one odd order never fails the poll")
	require.Len(t, unknownOrders(), 2)
	levels, err = h.st.StockLevels(h.ctx, h.product.Variants[0].ID)
	require.NoError(t, err)
	require.Equal(t, int64(2*oddQuantity+3), levels[0].Reserved, "both orders came in")
	after, err := h.st.Shop(h.ctx, shop.ID)
	require.NoError(t, err)
	require.True(t, after.OrdersCursor.After(before.OrdersCursor), "the cursor moved on")
}
