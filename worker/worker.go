package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"ocophub/catalog"
	"ocophub/catalog/photo"
	"ocophub/catalog/store"
)

// Config wires a Worker.
type Config struct {
	Store    *store.Store
	Redis    *redis.Client
	Channels *Channels
	Logger   *slog.Logger
	// Concurrency is the number of task handlers (default 20).
	Concurrency int
	// RelayInterval is how often the relay looks at the outbox when
	// nobody wakes it (default 100 ms); SweepInterval how often it re-drives
	// listings whose pushed stock is behind (default 2 s); PollInterval how
	// often each shop's orders are polled (default 60 s).
	RelayInterval, SweepInterval, PollInterval time.Duration
	// ErasedSaleWindow is how long after a write to a shop its own sales
	// are checked against the channel (default 5 s): a sale made while
	// the write was on its way is erased by it and reaches the hub within
	// this time (webhook, or the ingestion backlog of a burst).
	ErasedSaleWindow time.Duration
	// InboxMaxAttempts is how many times a stored push's order is queued
	// before it is a dead letter (default 12); InboxBackoff is the wait
	// after its first attempt, doubled after each, at most an hour
	// (default 10 s).
	InboxMaxAttempts int
	InboxBackoff     time.Duration
	// Retention is how long old rows are kept, removed at start and every
	// RetentionInterval (default an hour) apart from the relay, by one
	// replica at a time; a zero field keeps its rows for ever. `ocophub
	// worker` starts from DefaultRetention.
	Retention         store.Retention
	RetentionInterval time.Duration
	// Now is the clock OCOP certificates are judged by (default
	// time.Now); CertificateInterval how often the worker looks for a
	// certificate that came into force or expired (default a minute).
	Now                 func() time.Time
	CertificateInterval time.Duration
	// Photos holds the product photos' files; publish and update upload
	// their platform-sized squares.
	Photos *photo.Library
}

// Worker runs the asynq server, the outbox relay and the scheduler.
type Worker struct {
	cfg    Config
	client *asynq.Client
	wake   chan struct{}
	lag    *saleLag
}

// New makes a Worker; Run starts it.
func New(cfg Config) *Worker {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 20
	}
	if cfg.RelayInterval <= 0 {
		cfg.RelayInterval = 100 * time.Millisecond
	}
	if cfg.SweepInterval <= 0 {
		cfg.SweepInterval = 2 * time.Second
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Minute
	}
	if cfg.ErasedSaleWindow <= 0 {
		cfg.ErasedSaleWindow = 5 * time.Second
	}
	if cfg.InboxMaxAttempts <= 0 {
		cfg.InboxMaxAttempts = 12
	}
	if cfg.InboxBackoff <= 0 {
		cfg.InboxBackoff = 10 * time.Second
	}
	if cfg.RetentionInterval <= 0 {
		cfg.RetentionInterval = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CertificateInterval <= 0 {
		cfg.CertificateInterval = time.Minute
	}
	return &Worker{cfg: cfg, client: asynq.NewClientFromRedisClient(cfg.Redis), wake: make(chan struct{}, 1), lag: newSaleLag()}
}

// Client enqueues tasks (the API uses it to publish and to ingest).
func (w *Worker) Client() *asynq.Client { return w.client }

// Wake makes the relay look at the outbox now instead of at its next tick.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run serves tasks and runs the relay until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	srv := asynq.NewServerFromRedisClient(w.cfg.Redis, asynq.Config{
		Concurrency: w.cfg.Concurrency,
		// Strict priority: a stock push never waits behind a poll.
		Queues:         map[string]int{QueueCritical: 6, QueueDefault: 3, QueueLow: 1},
		StrictPriority: true,
		// Latency matters more than Redis load here: look for new tasks
		// every 20 ms instead of asynq's 1 s default.
		TaskCheckInterval:        20 * time.Millisecond,
		DelayedTaskCheckInterval: 200 * time.Millisecond,
		IsFailure:                isFailure,
		RetryDelayFunc:           retryDelay,
		Logger:                   asynqLogger{w.cfg.Logger},
		LogLevel:                 asynq.WarnLevel,
		ShutdownTimeout:          5 * time.Second,
	})
	mux := asynq.NewServeMux()
	mux.HandleFunc(KindStockPush, w.handleStockPush)
	mux.HandleFunc(KindShopPush, w.handleShopPush)
	mux.HandleFunc(KindListingPublish, w.handlePublish)
	mux.HandleFunc(KindOrderIngest, w.handleIngest)
	mux.HandleFunc(KindOrdersPoll, w.handlePoll)
	mux.HandleFunc(KindTokenRefresh, w.handleTokenRefresh)
	mux.HandleFunc(KindStockReconcile, w.handleReconcile)
	mux.HandleFunc(KindListingUpdate, w.handleUpdate)
	mux.HandleFunc(KindListingDelist, w.handleDelist)
	mux.HandleFunc(KindOrderShip, w.handleShip)
	mux.HandleFunc(KindCampaignStart, w.handleCampaignStart)
	mux.HandleFunc(KindCampaignEnd, w.handleCampaignEnd)
	mux.HandleFunc(KindCampaignSync, w.handleCampaignSync)
	if err := srv.Start(mux); err != nil {
		return fmt.Errorf("start asynq server: %w", err)
	}
	var loops sync.WaitGroup
	loops.Add(3)
	go func() { defer loops.Done(); w.relay(ctx) }()
	// Retention on its own: a long first prune never holds up the relay.
	go func() { defer loops.Done(); w.pruneLoop(ctx) }()
	go func() { defer loops.Done(); w.certificateLoop(ctx) }()
	go w.listenWake(ctx)
	<-ctx.Done()
	srv.Shutdown()
	loops.Wait()
	return nil
}

// relay moves outbox events into stock pushes: woken by Wake or every
// RelayInterval, and every SweepInterval it re-drives listings whose pushed
// version is behind (Redis emptied, a worker killed mid-push, a coalesced
// enqueue that raced with a running push).
func (w *Worker) relay(ctx context.Context) {
	tick := time.NewTicker(w.cfg.RelayInterval)
	defer tick.Stop()
	sweep := time.NewTicker(w.cfg.SweepInterval)
	defer sweep.Stop()
	poll := time.NewTicker(w.cfg.PollInterval)
	defer poll.Stop()
	w.sweep(ctx)
	w.schedulePolls(ctx) // a worker that was down polls at once
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-tick.C:
		case <-sweep.C:
			w.sweep(ctx)
			w.scheduleRefreshes(ctx)
			w.sweepCampaigns(ctx)
			continue
		case <-poll.C:
			w.schedulePolls(ctx)
			continue
		}
		for {
			n, err := w.cfg.Store.ClaimOutbox(system(ctx), 200, func(events []catalog.OutboxEvent) error {
				return w.fanOut(ctx, events)
			})
			if err != nil && ctx.Err() == nil {
				w.cfg.Logger.Warn("outbox relay", "err", err)
			}
			if n < 200 || err != nil {
				break
			}
		}
	}
}

// fanOut adds every live listing of every changed variant to its shop's
// pending pushes: one query for all the variants of the batch, one
// enqueue per shop.
func (w *Worker) fanOut(ctx context.Context, events []catalog.OutboxEvent) error {
	var variants []int64
	seen := map[int64]bool{}
	for _, e := range events {
		if e.Topic == catalog.TopicProductChanged {
			if err := w.productChanged(ctx, e.Payload); err != nil {
				return err
			}
			continue
		}
		if e.Topic != catalog.TopicStockChanged {
			continue
		}
		var p catalog.StockChanged
		if err := json.Unmarshal(e.Payload, &p); err != nil || seen[p.VariantID] {
			continue
		}
		seen[p.VariantID] = true
		variants = append(variants, p.VariantID)
	}
	if len(variants) == 0 {
		return nil
	}
	ls, err := w.cfg.Store.ListingsOfVariants(system(ctx), variants)
	if err != nil {
		return err
	}
	return w.pushListings(ctx, ls)
}

// pushListings queues pushes of the live listings among ls, per shop.
func (w *Worker) pushListings(ctx context.Context, ls []catalog.Listing) error {
	byShop := map[int64][]int64{}
	var shops []int64
	for _, l := range ls {
		if l.Status != catalog.ListingLive {
			continue
		}
		if _, ok := byShop[l.ShopID]; !ok {
			shops = append(shops, l.ShopID)
		}
		byShop[l.ShopID] = append(byShop[l.ShopID], l.ID)
	}
	for _, shop := range shops {
		if err := w.enqueuePush(ctx, shop, byShop[shop]...); err != nil {
			return err
		}
	}
	return nil
}

// WakeChannel is the Redis channel on which API processes tell workers the
// outbox has news.
const WakeChannel = "ocophub:outbox:wake"

// Signal returns a Wake function for another process: it publishes on
// WakeChannel, and every worker's relay looks at the outbox at once.
func Signal(rdb *redis.Client) func() {
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = rdb.Publish(ctx, WakeChannel, "1").Err()
	}
}

// listenWake wakes the relay on every signal from another process.
func (w *Worker) listenWake(ctx context.Context) {
	sub := w.cfg.Redis.Subscribe(ctx, WakeChannel)
	defer sub.Close()
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ch:
			if !ok {
				return
			}
			w.Wake()
		}
	}
}

func (w *Worker) sweep(ctx context.Context) {
	w.redriveStale(ctx)
	// Lives past their planned end: end them (leftovers back, every shop
	// pushed). Ending is one transaction and idempotent, so two workers
	// racing here do no harm.
	if due, err := w.cfg.Store.DueLiveSessions(system(ctx), time.Now()); err == nil {
		for _, id := range due {
			if _, err := w.cfg.Store.EndLive(system(ctx), id); err != nil && ctx.Err() == nil {
				w.cfg.Logger.Warn("end live at its planned end", "session", id, "err", err)
			}
		}
		if len(due) > 0 {
			w.Wake()
		}
	}
	// Pushes acknowledged but never processed: queue their orders again.
	w.retryInbox(ctx)
}

// schedulePolls queues the polling backstop and the reconcile of every
// connected shop.
func (w *Worker) schedulePolls(ctx context.Context) {
	err := w.eachShop(ctx, func(s catalog.Shop) {
		if s.Connected {
			_, _ = w.client.EnqueueContext(ctx, PollTask(s.ID))
			_, _ = w.client.EnqueueContext(ctx, ReconcileTask(s.ID))
		}
	})
	if err != nil && ctx.Err() == nil {
		w.cfg.Logger.Warn("schedule polls", "err", err)
	}
}

// RefreshAhead is how long before its access token expires a shop's token
// is renewed, so no call ever meets an expired token in normal operation.
const RefreshAhead = 30 * time.Minute

// scheduleRefreshes queues a token refresh for every connected shop whose
// access token expires within RefreshAhead.
func (w *Worker) scheduleRefreshes(ctx context.Context) {
	soon := time.Now().Add(RefreshAhead)
	err := w.eachShop(ctx, func(s catalog.Shop) {
		if s.Connected && !s.AccessExpiresAt.IsZero() && s.AccessExpiresAt.Before(soon) {
			_, _ = w.client.EnqueueContext(ctx, TokenRefreshTask(s.ID))
		}
	})
	if err != nil && ctx.Err() == nil {
		w.cfg.Logger.Warn("schedule token refreshes", "err", err)
	}
}

type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }
func (a asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }
