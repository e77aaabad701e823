package worker_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"ocophub/catalog/store"
	"ocophub/worker"
)

// TestRetentionRunsOnASchedule: rows past their retention that appear
// while the worker runs are removed at its next round and counted in
// ocophub_retention_rows_removed_total by table; recent ones stay.
func TestRetentionRunsOnASchedule(t *testing.T) {
	h := startMemHub(t)
	reg := prometheus.NewRegistry()
	reg.MustRegister(worker.Collectors()...)
	before := counterSum(t, reg, "ocophub_retention_rows_removed_total", "outbox")
	h.run(t, func(c *worker.Config) {
		c.Retention = store.Retention{Outbox: 24 * time.Hour}
		c.RetentionInterval = 200 * time.Millisecond
	})
	time.Sleep(300 * time.Millisecond) // past the round at start
	db := h.st.DB().WithContext(h.ctx)
	old, recent := time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour)
	for _, at := range []time.Time{old, old, recent} {
		require.NoError(t, db.Exec(`INSERT INTO outbox (topic, payload, created_at, sent_at) VALUES ('test', '{}', ?, ?)`, at, at).Error)
	}
	waitFor(t, "the old rows removed", 10*time.Second, func() error {
		if n := h.count(t, "SELECT count(*) FROM outbox WHERE topic = 'test'"); n != 1 {
			return fmt.Errorf("%d rows left, want the recent one", n)
		}
		return nil
	})
	require.GreaterOrEqual(t, counterSum(t, reg, "ocophub_retention_rows_removed_total", "outbox")-before, float64(2))
}

// counterSum adds up a counter's series whose first label is value.
func counterSum(t *testing.T, reg *prometheus.Registry, name, value string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if value == "" || m.GetLabel()[0].GetValue() == value {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}
