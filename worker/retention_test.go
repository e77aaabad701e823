package worker_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors"
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

// TestPruningNeverStallsTheRelay: a prune that takes as long as it takes
// (here its table is locked by someone else) holds up neither worker's
// relay, and of two workers on one Redis only one prunes at a time: the
// other skips its rounds instead of queueing on the same rows.
func TestPruningNeverStallsTheRelay(t *testing.T) {
	h := startMemHub(t)
	blocker := h.st.DB().WithContext(h.ctx).Begin()
	require.NoError(t, blocker.Error)
	t.Cleanup(func() { blocker.Rollback() })
	require.NoError(t, blocker.Exec("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE").Error)
	var holder int64
	require.NoError(t, blocker.Raw("SELECT pg_backend_pid()").Scan(&holder).Error)

	rdb := testRedis(t)
	for range 2 {
		runOn(t, h, rdb, func(c *worker.Config) {
			c.Retention = store.Retention{Sessions: 24 * time.Hour}
			c.RetentionInterval = 50 * time.Millisecond
		})
	}
	waiting := func() int64 {
		return h.count(t, "SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))", holder)
	}
	waitFor(t, "a prune waiting on the locked table", 10*time.Second, func() error {
		if n := waiting(); n == 0 {
			return fmt.Errorf("no prune waiting yet")
		}
		return nil
	})
	require.NoError(t, h.st.DB().WithContext(h.ctx).Exec(`INSERT INTO outbox (topic, payload, created_at) VALUES ('test', '{}', ?)`,
		time.Now()).Error)
	waitFor(t, "the relay moving the outbox while a prune waits", 10*time.Second, func() error {
		if n := h.count(t, "SELECT count(*) FROM outbox WHERE topic = 'test' AND sent_at IS NULL"); n != 0 {
			return fmt.Errorf("%d outbox events not relayed", n)
		}
		return nil
	})
	for range 10 { // many rounds of both workers
		require.Equal(t, int64(1), waiting(), "one replica prunes, the other skips its round")
		time.Sleep(100 * time.Millisecond)
	}
	require.NoError(t, blocker.Rollback().Error)
}

// runOn is memHub.run on a Redis the caller shares between workers (run
// flushes a fresh one per worker).
func runOn(t *testing.T, h *memHub, rdb *redis.Client, tune ...func(*worker.Config)) *worker.Worker {
	cfg := worker.Config{Store: h.st, Redis: rdb, Concurrency: 4,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		Channels: &worker.Channels{Store: h.st, Locker: redislock.New(rdb), Options: connectors.Options{},
			Factories: map[catalog.Platform]worker.DriverFactory{catalog.PlatformMem: h.driver}},
		SweepInterval: 300 * time.Millisecond, PollInterval: time.Hour}
	for _, f := range tune {
		f(&cfg)
	}
	w := worker.New(cfg)
	ctx, stop := context.WithCancel(h.ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done })
	return w
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
