package worker_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/connectors/sandbox"
)

// TestWebhooksBringOrdersIn: no polling at all. A buyer on Shopee takes 3
// units; the sandbox's signed push reaches /webhooks/shopee, the order is
// ingested and Lazada and Zalo drop by 3. The same push delivered again is
// one order; a tampered push is refused with 401; with pushes off the
// polling backstop still brings the order.
func TestWebhooksBringOrdersIn(t *testing.T) {
	h := startHub(t, "riti")
	h.publish(t)
	sku := string(h.product.Variants[0].SKU)
	start := int64(100) // demo stock of TRA-CUCCHI-50G
	waitAll(t, h, sku, start, "published")

	// Capture what the sandbox pushes, then forward it to the hub.
	var (
		mu     sync.Mutex
		pushes []capturedPush
	)
	capture := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		pushes = append(pushes, capturedPush{header: r.Header.Clone(), body: body})
		mu.Unlock()
		req, _ := http.NewRequest(http.MethodPost, h.api.URL+"/webhooks/lazada", bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			w.WriteHeader(resp.StatusCode)
			resp.Body.Close()
		}
	}))
	defer capture.Close()
	lz := h.platform(catalog.PlatformLazada)
	require.Equal(t, 200, control(t, lz, "/_sandbox/push", map[string]any{"url": capture.URL + "/webhooks/lazada", "enabled": true}, nil))

	var o sandbox.Order
	require.Equal(t, http.StatusOK, control(t, lz, fmt.Sprintf("/_sandbox/shops/%s/orders", h.shops[catalog.PlatformLazada].ExternalID),
		map[string]any{"lines": []map[string]any{{"seller_sku": sku, "quantity": 3}}}, &o))
	waitAll(t, h, sku, start-3, "the push brought the order in")
	mu.Lock()
	first := pushes[0]
	mu.Unlock()

	// The same push again: still one order, still 3 reserved.
	req, _ := http.NewRequest(http.MethodPost, h.api.URL+"/webhooks/lazada", bytes.NewReader(first.body))
	req.Header = first.header
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	time.Sleep(300 * time.Millisecond)
	orders, _, err := h.st.ListOrders(h.ctx, catalog.ListQuery{})
	require.NoError(t, err)
	require.Len(t, orders, 1, "a push delivered twice is one order")
	levels, _ := h.st.StockLevels(h.ctx, h.product.Variants[0].ID)
	require.Equal(t, int64(3), levels[0].Reserved)

	// A tampered push is refused and changes nothing.
	bad := append([]byte(nil), first.body...)
	bad[len(bad)/2] ^= 1
	req, _ = http.NewRequest(http.MethodPost, h.api.URL+"/webhooks/lazada", bytes.NewReader(bad))
	req.Header = first.header
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// Pushes off: the order never arrives by push; the backstop brings it.
	require.Equal(t, http.StatusOK, control(t, lz, fmt.Sprintf("/_sandbox/shops/%s/push", h.shops[catalog.PlatformLazada].ExternalID),
		map[string]any{"enabled": false}, nil))
	require.Equal(t, http.StatusOK, control(t, lz, fmt.Sprintf("/_sandbox/shops/%s/orders", h.shops[catalog.PlatformLazada].ExternalID),
		map[string]any{"lines": []map[string]any{{"seller_sku": sku, "quantity": 1}}}, nil))
	time.Sleep(300 * time.Millisecond)
	levels, _ = h.st.StockLevels(h.ctx, h.product.Variants[0].ID)
	require.Equal(t, int64(3), levels[0].Reserved, "no push, no order yet")
	require.NoError(t, h.w.Poll(h.ctx, h.shops[catalog.PlatformLazada].ID))
	waitAll(t, h, sku, start-4, "the polling backstop brought the lost order")
}

type capturedPush struct {
	header http.Header
	body   []byte
}

// waitAll waits until every shop shows want units of sku.
func waitAll(t *testing.T, h *hub, sku string, want int64, what string) {
	t.Helper()
	eventually(t, what, func() error {
		for _, p := range h.platforms {
			if got, ok := channelStock(p, sku); !ok || got != want {
				return fmt.Errorf("%s shows %d of %s (listed %v), want %d", p.name, got, sku, ok, want)
			}
		}
		return nil
	})
}
