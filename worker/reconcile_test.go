package worker_test

import (
	"fmt"
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
	// The channel shows the push before the hub records it: wait for the
	// record, or the reconciliation has nothing to compare with yet.
	eventually(t, "the pushes recorded", func() error {
		for _, shop := range h.shops {
			ls, _, err := h.st.ListListings(h.ctx, shop.ID, catalog.ListQuery{})
			if err != nil {
				return err
			}
			for _, l := range ls {
				if l.VariantID == h.product.Variants[0].ID && (l.PushedAt == nil || l.PushedQuantity != 60) {
					return fmt.Errorf("%s listing %d: pushed %d at %v", shop.Platform, l.ID, l.PushedQuantity, l.PushedAt)
				}
			}
		}
		return nil
	})

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
