package shopee_test

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/sandbox/shopee"
)

// BenchmarkUpdateStock measures signed update_stock calls over loopback,
// client and server in one process (go test -bench UpdateStock -cpu 2
// ./connectors/sandbox/shopee/ reports req/s).
func BenchmarkUpdateStock(b *testing.B) {
	srv, err := shopee.Start("127.0.0.1:0", shopee.Options{})
	require.NoError(b, err)
	defer srv.Close()
	clock := &fakeClock{t: time.Now()}
	s := &sb{t: b, base: srv.URL, clock: clock, pid: shopee.DefaultApp.Key, key: shopee.DefaultApp.Secret}
	sh := s.connect("HTX bench")
	itemID := sh.addItem(b, "Chè", "CHE", 100000, 10)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	body := []byte(`{"item_id":` + strconv.FormatInt(itemID, 10) + `,"stock_list":[{"model_id":0,"seller_stock":[{"stock":7}]}]}`)
	b.ReportAllocs()
	b.ResetTimer()
	began := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			clock.mu.Lock()
			clock.t = time.Now()
			clock.mu.Unlock()
			req, _ := http.NewRequest(http.MethodPost, sh.shopURL("/api/v2/product/update_stock", nil), bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "req/s")
}
