package worker

import (
	"context"
	"errors"
	"time"

	"github.com/bsm/redislock"
	"github.com/prometheus/client_golang/prometheus"

	"ocophub/catalog"
	"ocophub/catalog/store"
)

var (
	deadLetters = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ocophub_inbox_dead_letters_total", Help: "Stored pushes given up after their last attempt, by platform.",
	}, []string{"platform"})
	rowsRemoved = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ocophub_retention_rows_removed_total", Help: "Rows removed past their retention, by table.",
	}, []string{"table"})
)

// DefaultRetention keeps what is only needed for a while a few weeks and
// the history people read back (pushes, the co-op audit log) 400 days: a
// full year and its season, for a co-op comparing Tết with last Tết.
var DefaultRetention = store.Retention{Outbox: 7 * 24 * time.Hour, Inbox: 30 * 24 * time.Hour,
	Sessions: 30 * 24 * time.Hour, PushAudit: 400 * 24 * time.Hour, AuditLog: 400 * 24 * time.Hour}

// eachShop calls fn with every shop, a page at a time: the schedulers
// reach shop 1,001 as surely as shop 1.
func (w *Worker) eachShop(ctx context.Context, fn func(catalog.Shop)) error {
	cursor := ""
	for {
		shops, next, err := w.cfg.Store.ListShops(system(ctx), catalog.ListQuery{Limit: catalog.MaxLimit, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, s := range shops {
			fn(s)
		}
		if next == "" || ctx.Err() != nil {
			return ctx.Err()
		}
		cursor = next
	}
}

// staleListingsPage is how many stale listings the sweep reads at a time.
const staleListingsPage = 1000

// redriveStale adds every stale listing of a connected shop back to its
// shop's pending pushes, a page at a time.
func (w *Worker) redriveStale(ctx context.Context) {
	var after int64
	for {
		stale, err := w.cfg.Store.StaleConnectedListings(system(ctx), after, staleListingsPage)
		if err != nil {
			if ctx.Err() == nil {
				w.cfg.Logger.Warn("sweep stale listings", "err", err)
			}
			return
		}
		if err := w.pushListings(ctx, stale); err != nil {
			if ctx.Err() == nil {
				w.cfg.Logger.Warn("re-drive pushes", "listings", len(stale), "err", err)
			}
			return
		}
		if len(stale) < staleListingsPage {
			return
		}
		after = stale[len(stale)-1].ID
	}
}

// inboxBackoff is the wait after an event's n-th attempt: the configured
// base, doubled per attempt, at most an hour.
func (w *Worker) inboxBackoff(n int) time.Duration {
	d := w.cfg.InboxBackoff
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// retryInbox queues again the stored pushes whose ingestion never finished
// (Redis emptied, a worker killed, the channel failing), each after its
// back-off, and gives up on those that used all their attempts: dead
// letters, counted and shown on the job monitor. The polling backstop
// still brings their orders if the channel lists them.
func (w *Worker) retryInbox(ctx context.Context) {
	const page = 200
	for {
		due, dead, err := w.cfg.Store.RetryInbox(system(ctx), store.InboxRetry{Grace: w.cfg.SweepInterval,
			MaxAttempts: w.cfg.InboxMaxAttempts, Backoff: w.inboxBackoff, Limit: page})
		if err != nil {
			if ctx.Err() == nil {
				w.cfg.Logger.Warn("retry stored pushes", "err", err)
			}
			return
		}
		for _, ev := range dead {
			deadLetters.WithLabelValues(string(ev.Platform)).Inc()
			w.cfg.Logger.Warn("stored push given up: a dead letter", "platform", ev.Platform, "event", ev.EventID,
				"order", ev.OrderExtID, "attempts", ev.Attempts, "err", ev.Error)
		}
		for _, ev := range due {
			// A shop gone or disconnected has no token to fetch the order
			// with until it is connected again (when the poll catches up):
			// retrying for hours would only fail each time.
			shop, err := w.cfg.Store.ShopByExternalID(system(ctx), ev.Platform, ev.ShopExtID)
			if catalog.ErrorCode(err) == catalog.CodeNotFound || (err == nil && !shop.Connected) {
				deadLetters.WithLabelValues(string(ev.Platform)).Inc()
				_ = w.cfg.Store.InboxDead(system(ctx), ev.ID, "no shop "+ev.ShopExtID+" is connected here")
				continue
			}
			if err == nil {
				_, err = w.client.EnqueueContext(ctx, IngestTask(shop.ID, ev.OrderExtID, ev.ID))
			}
			if err != nil && ctx.Err() == nil {
				w.cfg.Logger.Warn("queue a stored push again", "event", ev.EventID, "err", err)
			}
		}
		if len(due)+len(dead) < page || ctx.Err() != nil {
			return
		}
	}
}

// pruneLockKey is the Redis lock the replicas' retention rounds share.
const pruneLockKey = "ocophub:lock:prune"

// pruneLockTTL is how long the retention lock outlives a replica that died
// holding it; the holder refreshes it every third of that while it prunes.
const pruneLockTTL = time.Minute

// pruneLoop removes rows past their retention at start and every
// RetentionInterval. It runs beside the relay, never in it: a first prune
// of a year of push audit takes minutes, and stock pushes must not wait
// for it.
func (w *Worker) pruneLoop(ctx context.Context) {
	tick := time.NewTicker(w.cfg.RetentionInterval)
	defer tick.Stop()
	for {
		w.pruneOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// pruneOnce prunes under a Redis lock: every replica keeps the same
// schedule, and replicas deleting the same rows at once would only
// contend on them, so while one prunes the others skip their round. A
// holder that loses the lock (Redis emptied or unreachable) stops; the
// batches it removed stay removed and the next round goes on from there.
func (w *Worker) pruneOnce(ctx context.Context) {
	locker := w.cfg.Channels.Locker
	if locker == nil { // no Redis lock to share: a single worker
		w.prune(ctx)
		return
	}
	lock, err := locker.Obtain(ctx, pruneLockKey, pruneLockTTL, nil)
	if errors.Is(err, redislock.ErrNotObtained) {
		return
	}
	if err != nil {
		if ctx.Err() == nil {
			w.cfg.Logger.Warn("retention lock", "err", err)
		}
		return
	}
	pctx, cancel := context.WithCancel(ctx)
	kept := make(chan struct{})
	go func() {
		defer close(kept)
		tick := time.NewTicker(pruneLockTTL / 3)
		defer tick.Stop()
		for {
			select {
			case <-pctx.Done():
				return
			case <-tick.C:
				if err := lock.Refresh(pctx, pruneLockTTL, nil); err != nil {
					if pctx.Err() == nil {
						w.cfg.Logger.Warn("retention lock lost: pruning stopped until the next round", "err", err)
					}
					cancel()
					return
				}
			}
		}
	}()
	w.prune(pctx)
	cancel()
	<-kept
	_ = lock.Release(context.WithoutCancel(ctx))
}

// prune removes rows past their retention and counts them.
func (w *Worker) prune(ctx context.Context) {
	removed, err := w.cfg.Store.Prune(system(ctx), w.cfg.Retention)
	for table, n := range removed {
		rowsRemoved.WithLabelValues(table).Add(float64(n))
	}
	if err != nil && ctx.Err() == nil {
		w.cfg.Logger.Warn("remove rows past their retention", "removed", removed, "err", err)
	}
}
