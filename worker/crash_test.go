package worker_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// TestWorkerDownAndRedisEmptiedConverges: the worker is stopped, buyers
// order on Lazada and Zalo while it is down (their pushes are acknowledged
// and stored), then Redis loses everything. A new worker re-drives the
// stored pushes and the stale listings: every shop converges to the
// catalog, nothing lost, nothing doubled.
func TestWorkerDownAndRedisEmptiedConverges(t *testing.T) {
	h := startHub(t, "cuc phuong") // MATONG-CUCPHUONG-500ML: 40
	h.publish(t)
	sku := string(h.product.Variants[0].SKU)
	waitAll(t, h, sku, 40, "published")

	h.stop()
	for _, name := range []catalog.Platform{catalog.PlatformLazada, catalog.PlatformZalo} {
		p := h.platform(name)
		require.Equal(t, http.StatusOK, control(t, p, fmt.Sprintf("/_sandbox/shops/%s/orders", h.shops[name].ExternalID),
			map[string]any{"lines": []map[string]any{{"seller_sku": sku, "quantity": 2}}}, nil))
	}
	eventually(t, "both pushes stored", func() error {
		var n int64
		h.st.DB().Raw("SELECT count(*) FROM webhook_inbox").Scan(&n)
		if n < 2 {
			return fmt.Errorf("%d pushes stored", n)
		}
		return nil
	})
	require.NoError(t, h.rdb.FlushDB(h.ctx).Err(), "Redis loses its queues")

	h.startWorker(t)
	eventually(t, "every shop converges", func() error {
		for _, p := range h.platforms {
			if got, _ := channelStock(p, sku); got != 36 {
				return fmt.Errorf("%s shows %d, want 36", p.name, got)
			}
		}
		return nil
	})
	levels, err := h.st.StockLevels(h.ctx, h.product.Variants[0].ID)
	require.NoError(t, err)
	require.Equal(t, int64(4), levels[0].Reserved, "each order reserved once")
	orders, _, err := h.st.ListOrders(h.ctx, catalog.ListQuery{})
	require.NoError(t, err)
	require.Len(t, orders, 2)
	time.Sleep(50 * time.Millisecond)
}
