package worker_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/worker"
)

// TestSignalFromAnotherProcessWakesTheRelay: an API process adjusts stock
// and signals through Redis; the worker relays at once instead of at its
// next tick (set to an hour here), and every shop shows the new stock.
func TestSignalFromAnotherProcessWakesTheRelay(t *testing.T) {
	h := startHub(t, "riti")
	h.publish(t)
	v := h.product.Variants[1] // TRA-CUCCHI-100G: 60
	waitAll(t, h, string(v.SKU), 60, "published")
	h.stop()
	h.relayEvery = time.Hour
	h.startWorker(t)

	warehouses, _, err := h.st.ListWarehouses(h.ctx, catalog.ListQuery{CoopID: h.product.CoopID})
	require.NoError(t, err)
	_, err = h.st.ChangeStock(h.ctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: v.ID, WarehouseID: warehouses[0].ID,
		Quantity: 15, Reason: catalog.ReasonReceived, Actor: "test"})
	require.NoError(t, err)
	worker.Signal(h.rdb)()
	waitAll(t, h, string(v.SKU), 75, "the signal woke the relay")
}
