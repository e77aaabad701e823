package worker_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// TestTwoWorkers: two workers share the outbox, the queues and the locks;
// orders on two shops converge everywhere, each reserved exactly once.
func TestTwoWorkers(t *testing.T) {
	h := startHub(t, "dat phat") // CHE-DATPHAT-100G: 90
	first := h.w
	h.startWorker(t) // a second worker on the same database and Redis
	require.NotSame(t, first, h.w)
	h.publish(t)
	sku := string(h.product.Variants[0].SKU)
	waitAll(t, h, sku, 90, "published")
	for i, name := range []catalog.Platform{catalog.PlatformShopee, catalog.PlatformZalo, catalog.PlatformShopee} {
		require.Equal(t, http.StatusOK, control(t, h.platform(name), fmt.Sprintf("/_sandbox/shops/%s/orders", h.shops[name].ExternalID),
			map[string]any{"lines": []map[string]any{{"seller_sku": sku, "quantity": i + 1}}}, nil))
	}
	waitAll(t, h, sku, 84, "both workers' pushes converge")
	levels, err := h.st.StockLevels(h.ctx, h.product.Variants[0].ID)
	require.NoError(t, err)
	require.Equal(t, int64(6), levels[0].Reserved, "each order reserved once")
}
