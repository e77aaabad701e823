package connectors

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ocophub/connectors/driver"
)

// Metrics count channel calls by platform, operation and result code. A nil
// *Metrics records nothing.
type Metrics struct {
	calls   *prometheus.CounterVec
	retries *prometheus.CounterVec
	latency *prometheus.HistogramVec
}

// NewMetrics registers the channel metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ocophub_channel_calls_total", Help: "Marketplace calls by platform, operation and result code.",
		}, []string{"platform", "op", "code"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ocophub_channel_retries_total", Help: "Retries of transient marketplace failures.",
		}, []string{"platform", "op", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ocophub_channel_call_seconds", Help: "Marketplace call latency including retries.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"platform", "op"}),
	}
	reg.MustRegister(m.calls, m.retries, m.latency)
	return m
}

func (m *Metrics) observe(platform, op string, code driver.Code, d time.Duration) {
	if m == nil {
		return
	}
	if code == "" {
		code = "ok"
	}
	m.calls.WithLabelValues(platform, op, string(code)).Inc()
	m.latency.WithLabelValues(platform, op).Observe(d.Seconds())
}

func (m *Metrics) retried(platform, op string, code driver.Code) {
	if m == nil {
		return
	}
	m.retries.WithLabelValues(platform, op, string(code)).Inc()
}
