package worker_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/csvimport"
	"ocophub/catalog/demo"
	"ocophub/catalog/photo"
	"ocophub/catalog/photo/phototest"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	"ocophub/connectors"
	"ocophub/connectors/driver"
	"ocophub/worker"
)

// hub is the whole system of a test: PostgreSQL with the demo catalog,
// Redis, the three sandboxes, a worker, and the HTTP API with webhooks.
type hub struct {
	ctx       context.Context
	st        *store.Store
	rdb       *redis.Client
	platforms []*platform
	w         *worker.Worker
	api       *httptest.Server
	shops     map[catalog.Platform]catalog.Shop
	product   catalog.Product
	photos    *photo.Library // every demo product has a photo (phototest)
	stop      func()         // stops the worker
	// relayEvery is the relay's idle tick of the next worker started
	// (default 100 ms).
	relayEvery time.Duration
	// erasedSaleWindow is Config.ErasedSaleWindow of the next worker
	// started (default the worker's).
	erasedSaleWindow time.Duration
	// clock is the workers' Config.Now: real time until a test sets it.
	clock testClock
}

// testClock is real time until Set, then the time set.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		return time.Now()
	}
	return c.now
}

// startHub connects one shop per platform, lists product code on each,
// and runs a worker until the test ends (or stopWorker).
func startHub(t *testing.T, productQuery string) *hub {
	ctx, cancel := context.WithTimeout(storetest.Operator(), 120*time.Second)
	t.Cleanup(cancel)
	keys, err := store.ParseKeys(store.NewKey("k1"))
	require.NoError(t, err)
	h := &hub{ctx: ctx, shops: map[catalog.Platform]catalog.Shop{}}
	h.st = storetest.OpenWith(t, store.Postgres, store.Options{Keys: keys})
	_, err = csvimport.ImportFile(ctx, h.st, demo.CSV, "demo.csv", catalog.ImportOptions{Actor: "test"})
	require.NoError(t, err)
	h.photos = phototest.Library(t)
	phototest.AddToAll(t, ctx, h.st, h.photos)
	products, _, err := h.st.ListProducts(ctx, catalog.ListQuery{Q: productQuery})
	require.NoError(t, err)
	require.Len(t, products, 1)
	h.product = products[0]
	h.rdb = testRedis(t)
	h.platforms = startPlatforms(t)
	drivers := map[catalog.Platform]func(catalog.Shop) driver.Driver{}
	for _, p := range h.platforms {
		h.shops[p.name] = connect(t, ctx, h.st, p, h.product.CoopID)
		factory := p.factory
		drivers[p.name] = func(s catalog.Shop) driver.Driver { return factory(s, nil) }
	}
	h.startWorker(t)
	tasks := asynq.NewClientFromRedisClient(h.rdb)
	router, err := api.New(api.Deps{Store: h.st, Sync: &api.SyncDeps{Store: h.st, Tasks: tasks, Drivers: drivers, Wake: h.w.Wake}})
	require.NoError(t, err)
	h.api = httptest.NewServer(router)
	t.Cleanup(h.api.Close)
	for _, p := range h.platforms {
		require.Equal(t, 200, control(t, p, "/_sandbox/push", map[string]any{"url": h.api.URL + "/webhooks/" + string(p.name), "enabled": true}, nil))
	}
	return h
}

func (h *hub) startWorker(t *testing.T) {
	factories := map[catalog.Platform]worker.DriverFactory{}
	for _, p := range h.platforms {
		factories[p.name] = p.factory
	}
	h.w = worker.New(worker.Config{Store: h.st, Redis: h.rdb,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		Channels: &worker.Channels{Store: h.st, Locker: redislock.New(h.rdb), Factories: factories, Options: connectors.Options{},
			Limiter: worker.NewRateLimiter(h.rdb)},
		SweepInterval: sweepEvery(h.relayEvery), RelayInterval: h.relayEvery, PollInterval: time.Hour,
		ErasedSaleWindow: h.erasedSaleWindow, Now: h.clock.Now, CertificateInterval: 100 * time.Millisecond,
		Photos: h.photos})
	runCtx, stop := context.WithCancel(h.ctx)
	done := make(chan error, 1)
	w := h.w
	go func() { done <- w.Run(runCtx) }()
	var once sync.Once
	h.stop = func() { once.Do(func() { stop(); <-done }) }
	t.Cleanup(h.stop) // this worker's own stop, even after another started

}

// publish lists every variant of the product on every shop.
func (h *hub) publish(t *testing.T) {
	for _, p := range h.platforms {
		shop := h.shops[p.name]
		for _, v := range h.product.Variants {
			_, err := h.st.AddListing(h.ctx, shop.ID, v.ID)
			require.NoError(t, err)
		}
		_, err := h.w.Client().Enqueue(worker.PublishTask(shop.ID, h.product.ID))
		require.NoError(t, err)
	}
}

func (h *hub) platform(name catalog.Platform) *platform {
	for _, p := range h.platforms {
		if p.name == name {
			return p
		}
	}
	return nil
}

// sweepEvery keeps the sweep from doing the relay's work in tests that
// slow the relay down.
func sweepEvery(relay time.Duration) time.Duration {
	if relay > time.Second {
		return relay
	}
	return 300 * time.Millisecond
}
