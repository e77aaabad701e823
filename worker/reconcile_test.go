package worker_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/connectors/sandbox"
)

// TestReconcileRepairsDrift: someone raises the stock by hand on Zalo; the
// reconciliation counts the drift and the shop goes back to the hub's
// number. A shop showing less (sales on their way) is not touched.
func TestReconcileRepairsDrift(t *testing.T) {
	h := startHub(t, "la bang") // CHE-LABANG-200G: 60
	h.publish(t)
	sku := string(h.product.Variants[0].SKU)
	waitAll(t, h, sku, 60, "published")

	zl := h.platform(catalog.PlatformZalo)
	zaloShop, err := strconv.ParseInt(h.shops[catalog.PlatformZalo].ExternalID, 10, 64)
	require.NoError(t, err)
	_, err = zl.srv.Engine.SetStock(zaloShop, sandbox.SKURef{SellerSKU: sku}, 75)
	require.NoError(t, err)

	drift, err := h.w.Reconcile(h.ctx, h.shops[catalog.PlatformZalo].ID)
	require.NoError(t, err)
	require.Equal(t, int64(15), drift)
	waitAll(t, h, sku, 60, "drift repaired")

	drift, err = h.w.Reconcile(h.ctx, h.shops[catalog.PlatformLazada].ID)
	require.NoError(t, err)
	require.Zero(t, drift, "a shop in line has no drift")
}
