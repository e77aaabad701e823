package worker

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ocophub/catalog"
)

// saleLag is, per shop, how long a sale takes from the buyer to a stock
// write that accounts for it: the ingest lag (placed on the platform → in
// the hub) plus the push's round trip (channel read → written), each a
// moving average kept by this worker. It is the window in which a shop
// can sell what another shop has sold: the figure to watch in a live
// (metric ocophub_sale_lag_seconds, bench-livestream's lag).
type saleLag struct {
	mu     sync.Mutex
	ingest map[int64]time.Duration
	push   map[int64]time.Duration
}

func newSaleLag() *saleLag {
	return &saleLag{ingest: map[int64]time.Duration{}, push: map[int64]time.Duration{}}
}

// maxIngestLag leaves out orders the poll brings in long after they were
// placed, and later changes of an order's status: their lag is not that
// of a burst's webhooks.
const maxIngestLag = 2 * time.Minute

// observe folds d into an average with weight 1/8 (a few sales move it,
// one slow sale does not) and publishes the shop's lag.
func (s *saleLag) observe(m map[int64]time.Duration, shop catalog.Shop, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := m[shop.ID]; ok {
		d = old + (d-old)/8
	}
	m[shop.ID] = d
	saleLagSeconds.WithLabelValues(string(shop.Platform)).Set((s.ingest[shop.ID] + s.push[shop.ID]).Seconds())
}

// ingested records an order brought in now that was placed at placedAt
// (the platform's clock, often whole seconds).
func (s *saleLag) ingested(shop catalog.Shop, placedAt, now time.Time) {
	if placedAt.IsZero() {
		return
	}
	if d := now.Sub(placedAt); d >= 0 && d <= maxIngestLag {
		s.observe(s.ingest, shop, d)
	}
}

// pushed records a push's round trip, from reading the channel to the
// end of the write.
func (s *saleLag) pushed(shop catalog.Shop, d time.Duration) { s.observe(s.push, shop, d) }

var saleLagSeconds = prometheus.NewGaugeVec(prometheus.GaugeOpts{
	Name: "ocophub_sale_lag_seconds",
	Help: "Time a sale takes from the buyer to a stock write accounting for it (ingest lag + push round trip, moving averages), last shop observed, by platform.",
}, []string{"platform"})

// SaleLag is the shop's sale lag as this worker observed it (0 before
// any): what bench-livestream prints.
func (w *Worker) SaleLag(shopID int64) time.Duration {
	w.lag.mu.Lock()
	defer w.lag.mu.Unlock()
	return w.lag.ingest[shopID] + w.lag.push[shopID]
}
