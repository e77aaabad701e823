package worker

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ocophub/catalog"
)

// saleLag is, per shop, how long a sale takes from the buyer to a write
// that accounts for it: the ingest lag (placed on the platform → in the
// hub) plus the push's round trip (channel read → written), each a moving
// average kept by this worker. It sizes the shop's catalog.BurstBuffer:
// the units a selling shop may sell in that time are kept back.
type saleLag struct {
	mu     sync.Mutex
	ingest map[int64]time.Duration
	push   map[int64]time.Duration
	buffer map[int64]int64 // the largest buffer kept back, per shop
}

func newSaleLag() *saleLag {
	return &saleLag{ingest: map[int64]time.Duration{}, push: map[int64]time.Duration{}, buffer: map[int64]int64{}}
}

// maxIngestLag leaves out orders the poll brings in long after they were
// placed: their lag is the backstop's, not that of a burst's webhooks.
const maxIngestLag = 2 * time.Minute

// observe folds d into an average with weight 1/8: a few sales move it,
// one slow sale does not.
func (s *saleLag) observe(m map[int64]time.Duration, shopID int64, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := m[shopID]; ok {
		d = old + (d-old)/8
	}
	m[shopID] = d
}

// ingested records an order brought in now that was placed at placedAt
// (the platform's clock, often whole seconds).
func (s *saleLag) ingested(shopID int64, placedAt, now time.Time) {
	if placedAt.IsZero() {
		return
	}
	if d := now.Sub(placedAt); d >= 0 && d <= maxIngestLag {
		s.observe(s.ingest, shopID, d)
	}
}

// pushed records a push's round trip, from reading the channel to the
// end of the write.
func (s *saleLag) pushed(shopID int64, d time.Duration) { s.observe(s.push, shopID, d) }

// of is the shop's lag now (0 until something was observed).
func (s *saleLag) of(shopID int64) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ingest[shopID] + s.push[shopID]
}

// bufferFor is the shop's catalog.BurstBuffer for recentOwnSales; the
// largest is kept for Worker.BurstBuffer and the metrics.
func (s *saleLag) bufferFor(shop catalog.Shop, recentOwnSales int64) int64 {
	lag := s.of(shop.ID)
	b := catalog.BurstBuffer(recentOwnSales, lag)
	saleLagSeconds.WithLabelValues(string(shop.Platform)).Set(lag.Seconds())
	if b > 0 {
		burstBufferUnits.WithLabelValues(string(shop.Platform)).Observe(float64(b))
		s.mu.Lock()
		s.buffer[shop.ID] = max(s.buffer[shop.ID], b)
		s.mu.Unlock()
	}
	return b
}

var (
	saleLagSeconds = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "ocophub_sale_lag_seconds",
		Help: "Time a sale takes from the buyer to a stock write accounting for it (ingest lag + push round trip), last shop pushed, by platform.",
	}, []string{"platform"})
	burstBufferUnits = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "ocophub_burst_buffer_units",
		Help:    "Units a selling shop kept back for the sales it makes before the hub hears of them (sell rate × sale lag), by platform.",
		Buckets: []float64{1, 2, 5, 10, 20, 50, 100},
	}, []string{"platform"})
)

// BurstBuffer reports a shop's observed sale lag and the largest burst
// buffer this worker kept back on it: the figures bench-livestream prints.
func (w *Worker) BurstBuffer(shopID int64) (lag time.Duration, largest int64) {
	lag = w.lag.of(shopID)
	w.lag.mu.Lock()
	defer w.lag.mu.Unlock()
	return lag, w.lag.buffer[shopID]
}
