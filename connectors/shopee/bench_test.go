package shopee_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/driver"
)

// BenchmarkSetStock measures signed update_stock calls through the driver
// (token read, signing, resty, envelope decoding) against the in-process
// sandbox: go test -run X -bench SetStock -cpu 2 ./connectors/shopee/
// reports req/s; compare with BenchmarkUpdateStock of the sandbox, which
// is the same call with a bare net/http client.
func BenchmarkSetStock(b *testing.B) {
	s := connect(b)
	ctx := context.Background()
	l, err := s.d.CreateListing(ctx, s.listing("BENCH", 1))
	require.NoError(b, err)
	updates := []driver.StockUpdate{{ItemID: l.ItemID, ModelID: l.Variants[0].ModelID, SellerSKU: "BENCH-0", Quantity: 7}}
	b.ReportAllocs()
	b.ResetTimer()
	began := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			results, err := s.d.SetStock(ctx, updates)
			if err != nil || results[0].Err != nil {
				b.Errorf("set stock: %v %v", err, results)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "req/s")
}
