package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bsm/redislock"
	"github.com/redis/go-redis/v9"
	"gocloud.dev/blob/memblob"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/photo"
	"ocophub/catalog/store"
	"ocophub/connectors"
	"ocophub/connectors/driver"
	"ocophub/connectors/sandbox"
	"ocophub/worker"
)

type syncBenchConfig struct {
	databaseURL string
	redisURL    string
	products    int
	variants    int
	stock       int64
	rate        int
	duration    time.Duration
	ingest      string // poll | task | webhook
	seed        int64
	concurrency int
	lostAfter   time.Duration
	hubLimits   bool
	verbose     bool
}

// Ingest modes of bench-sync: how an order placed on a sandbox reaches the
// hub.
const (
	ingestPoll    = "poll"    // worker.Poll of the order's shop right after the order (single-flight per shop)
	ingestTask    = "task"    // enqueue worker.IngestTask(shop, order id), what a webhook handler does once it has verified a push
	ingestWebhook = "webhook" // the sandboxes push to the hub's /webhooks/{platform}
)

// runSyncBench measures stock propagation across channels: an order taken
// on one sandbox shop, brought into the hub, and pushed as new stock to the
// two other shops. PostgreSQL (schema bench_sync, recreated), Redis DB 15
// (flushed), the three sandboxes and the real worker, all in this process.
func runSyncBench(ctx context.Context, cfg syncBenchConfig, out io.Writer) error {
	if cfg.ingest != ingestPoll && cfg.ingest != ingestTask && cfg.ingest != ingestWebhook {
		return fmt.Errorf("-ingest must be poll, task or webhook, not %q", cfg.ingest)
	}
	if cfg.rate < 1 || cfg.products < 1 || cfg.variants < 1 {
		return fmt.Errorf("-rate, -products and -variants must be at least 1")
	}
	logger := benchLogger(cfg.verbose)
	setupStart := time.Now()
	hub, err := startBenchHub(ctx, cfg.databaseURL, "bench_sync", cfg.redisURL, logger)
	if err != nil {
		return err
	}
	defer hub.close()
	hub.limits = cfg.hubLimits
	coopID, products, err := seedCatalog(hub.opCtx, hub.st, "S", cfg.products, cfg.variants, cfg.stock)
	if err != nil {
		return err
	}
	var skus []string
	for _, p := range products {
		for _, v := range p.Variants {
			skus = append(skus, string(v.SKU))
		}
	}

	shops := make([]*benchShop, 0, len(platforms))
	for _, p := range platforms {
		s, err := hub.connect(ctx, p, coopID)
		if err != nil {
			return fmt.Errorf("connect %s: %w", p.name, err)
		}
		shops = append(shops, s)
	}
	if err := hub.startWorker(ctx, worker.Config{Concurrency: cfg.concurrency,
		// The benchmark brings orders in itself; the scheduled backstop
		// (every 60 s in production) would re-ingest a week of orders mid-run.
		PollInterval: time.Hour}); err != nil {
		return err
	}
	for _, s := range shops {
		if err := hub.list(ctx, s, products); err != nil {
			return err
		}
	}
	// Pushes go to the hub's webhook endpoint, or nowhere (the sandbox
	// keeps them as lost pushes) when the benchmark brings orders in.
	pushTo := func(*benchShop) string { return "" }
	if cfg.ingest == ingestWebhook {
		base, err := hub.serveAPI()
		if err != nil {
			return err
		}
		pushTo = func(s *benchShop) string { return base + "/webhooks/" + s.name }
	}
	for _, s := range shops {
		target := pushTo(s)
		if _, err := postJSON(ctx, http.DefaultClient, s.srv.URL+"/_sandbox/push",
			map[string]any{"url": target, "enabled": target != ""}, nil); err != nil {
			return fmt.Errorf("set the push target of %s: %w", s.name, err)
		}
	}
	if err := hub.waitPublished(ctx, shops, skus, cfg.stock, 10*time.Minute); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench-sync: %d SKUs published to %d shops with stock %d in %s\n",
		len(skus), len(shops), cfg.stock, time.Since(setupStart).Round(100*time.Millisecond))

	// Load.
	callsBefore := make([]map[string]int, len(shops))
	for i, s := range shops {
		callsBefore[i] = s.srv.Engine.State().Calls
	}
	loadCtx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	tr := newPropagation(shops, cfg.stock, cfg.lostAfter)
	samplerDone := make(chan struct{})
	go func() { tr.sample(ctx); close(samplerDone) }()

	var pollErrors atomic.Int64
	var pollWG sync.WaitGroup
	pollers := make([]chan struct{}, len(shops))
	if cfg.ingest == ingestPoll {
		for i, s := range shops {
			pollers[i] = make(chan struct{}, 1)
			pollWG.Add(1)
			go func(kick chan struct{}, shopID int64) {
				defer pollWG.Done()
				for {
					select {
					case <-loadCtx.Done():
						return
					case <-kick:
					}
					if err := hub.w.Poll(loadCtx, shopID); err != nil && loadCtx.Err() == nil {
						pollErrors.Add(1)
						logger.Warn("poll", "shop", shopID, "err", err)
					}
				}
			}(pollers[i], s.shop.ID)
		}
	}

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	rng := rand.New(rand.NewPCG(uint64(cfg.seed), 3))
	var (
		orderWG             sync.WaitGroup
		rejected, ingestErr atomic.Int64
	)
	interval := time.Second / time.Duration(cfg.rate)
	loadStart := time.Now()
	for i := 0; ; i++ {
		at := loadStart.Add(time.Duration(i) * interval)
		if at.Sub(loadStart) >= cfg.duration || ctx.Err() != nil {
			break
		}
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		shop := rng.IntN(len(shops))
		sku := skus[rng.IntN(len(skus))]
		orderWG.Add(1)
		go func() {
			defer orderWG.Done()
			o, err := placeOrder(ctx, client, shops[shop], sku)
			if err != nil {
				rejected.Add(1)
				logger.Warn("order refused", "shop", shops[shop].name, "sku", sku, "err", err)
				return
			}
			tr.accepted(shop, sku, o.CreatedAt)
			switch cfg.ingest {
			case ingestPoll:
				select {
				case pollers[shop] <- struct{}{}:
				default: // a poll is already due: it will see this order
				}
			case ingestTask:
				if _, err := hub.w.Client().EnqueueContext(ctx, worker.IngestTask(shops[shop].shop.ID, orderExternalID(shops[shop].name, o), 0)); err != nil {
					ingestErr.Add(1)
					logger.Warn("enqueue ingest", "err", err)
				}
			}
		}()
	}
	orderWG.Wait()
	tr.loadDone()
	<-samplerDone
	stopLoad()
	pollWG.Wait()

	drift := settle(ctx, shops, tr, 10*time.Second)
	if cfg.verbose {
		hub.diagnose(shops, tr)
		tr.printLost(os.Stderr)
	}
	oversold := int64(0)
	soldBySKU := map[string]int64{}
	for _, s := range shops {
		for _, sh := range s.srv.Engine.State().Shops {
			if sh.ID != s.engineID {
				continue
			}
			for _, item := range sh.Items {
				for _, k := range item.SKUs {
					soldBySKU[k.SellerSKU] += k.Sold
				}
			}
		}
	}
	for _, sold := range soldBySKU {
		oversold += max(0, sold-cfg.stock)
	}

	// Pushes the sandboxes gave up on (webhook mode: the hub refused or
	// never answered them) count as errors.
	var lostPushes int
	if cfg.ingest == ingestWebhook {
		for _, s := range shops {
			lostPushes += s.srv.Engine.State().Push.Lost
		}
	}
	lat, lost := tr.results()
	p50, p99, worst := percentile(lat, 0.50), percentile(lat, 0.99), percentile(lat, 1)
	if cfg.verbose {
		fmt.Fprintf(os.Stderr, "sandbox calls from the first order to the end of the settle (%d orders):\n", len(lat)+lost)
		for i, s := range shops {
			printCalls(os.Stderr, s.name, callsSince(callsBefore[i], s.srv.Engine.State().Calls))
		}
	}
	fmt.Fprintf(out, "bench-sync orders=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f lost=%d oversold=%d ingest=%s rate=%d seconds=%.0f skus=%d hub_limits=%v refused=%d drift=%d errors=%d\n",
		len(lat)+lost, ms(p50), ms(p99), ms(worst), lost, oversold, cfg.ingest, cfg.rate, cfg.duration.Seconds(), len(skus),
		cfg.hubLimits, rejected.Load(), drift, pollErrors.Load()+ingestErr.Load()+int64(lostPushes))
	return nil
}

// placeOrder is a buyer taking one unit through the sandbox's control API.
func placeOrder(ctx context.Context, client *http.Client, s *benchShop, sku string) (sandbox.Order, error) {
	var o sandbox.Order
	status, err := postJSON(ctx, client, s.srv.URL+"/_sandbox/shops/"+s.shop.ExternalID+"/orders",
		map[string]any{"lines": []map[string]any{{"seller_sku": sku, "quantity": 1}}}, &o)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("HTTP %d", status)
	}
	return o, err
}

// orderExternalID is the order id the platform's API (and so the driver)
// uses: Lazada's order_id is the engine's numeric id, Shopee's order_sn and
// Zalo's order id are the engine's SN.
func orderExternalID(platform string, o sandbox.Order) string {
	if platform == "lazada" {
		return strconv.FormatInt(o.ID, 10)
	}
	return o.SN
}

// propagation follows every accepted order until both other shops show it.
//
// What "shows it" means exactly: an order's own shop takes the unit at once,
// and an order on shop B lowers B's stock without the hub doing anything, so
// a shop's raw stock cannot tell which orders the hub has pushed. But a
// shop's stock PLUS the units sold on it (sandbox SKU.Sold) changes only
// when the hub sets the stock: after a correct push it is
// initial − (units ordered on the OTHER shops that the hub had ingested).
// So order k (on shop A) is reflected on shop S once
// stock_S + sold_S ≤ initial − (units of that SKU accepted on shops other
// than S up to and including k). The moment is the SKU's StockChangedAt
// (the stock call that made it true), never before the order nor after the
// sample that saw it.
type propagation struct {
	shops     []*benchShop
	initial   int64
	lostAfter time.Duration

	mu       sync.Mutex
	perSKU   map[string][]int64 // units accepted per shop index
	pending  []*trackedOrder
	finished []*trackedOrder
	done     bool
}

type trackedOrder struct {
	sku       string
	shop      int
	accepted  time.Time
	threshold []int64 // per shop: the stock+sold that shows this order
	seenAt    []time.Time
	latency   time.Duration
	lost      bool
}

func newPropagation(shops []*benchShop, initial int64, lostAfter time.Duration) *propagation {
	return &propagation{shops: shops, initial: initial, lostAfter: lostAfter, perSKU: map[string][]int64{}}
}

func (p *propagation) accepted(shop int, sku string, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	counts := p.perSKU[sku]
	if counts == nil {
		counts = make([]int64, len(p.shops))
		p.perSKU[sku] = counts
	}
	counts[shop]++
	o := &trackedOrder{sku: sku, shop: shop, accepted: at, threshold: make([]int64, len(p.shops)),
		seenAt: make([]time.Time, len(p.shops))}
	for s := range p.shops {
		var others int64
		for t, n := range counts {
			if t != s {
				others += n
			}
		}
		o.threshold[s] = p.initial - others
	}
	p.pending = append(p.pending, o)
}

func (p *propagation) loadDone() {
	p.mu.Lock()
	p.done = true
	p.mu.Unlock()
}

// sample checks every pending order against the sandboxes' engines every
// 2 ms (longer when a pass itself takes longer, so the sampler never takes
// more than a quarter of a core from the system it measures; the time it
// records comes from the SKU's StockChangedAt, not from the sample).
func (p *propagation) sample(ctx context.Context) {
	type key struct {
		shop int
		sku  string
	}
	type seen struct {
		k  sandbox.SKU
		at time.Time
	}
	for ctx.Err() == nil {
		start := time.Now()
		p.mu.Lock()
		pending := slices.Clone(p.pending)
		done := p.done
		p.mu.Unlock()
		if done && len(pending) == 0 {
			return
		}
		cache := map[key]seen{}
		var finished []*trackedOrder
		for _, o := range pending {
			complete := true
			for s, shop := range p.shops {
				if s == o.shop || !o.seenAt[s].IsZero() {
					continue
				}
				c, ok := cache[key{s, o.sku}]
				if !ok {
					k, err := shop.srv.Engine.SKUBySellerSKU(shop.engineID, o.sku)
					if err != nil {
						complete = false
						continue
					}
					c = seen{k, time.Now()}
					cache[key{s, o.sku}] = c
				}
				if c.k.Stock+c.k.Sold > o.threshold[s] {
					complete = false
					continue
				}
				at := c.k.StockChangedAt
				if at.Before(o.accepted) {
					at = o.accepted
				}
				if at.After(c.at) {
					at = c.at
				}
				o.seenAt[s] = at
			}
			switch {
			case complete:
				for s, at := range o.seenAt {
					if s != o.shop {
						o.latency = max(o.latency, at.Sub(o.accepted))
					}
				}
				finished = append(finished, o)
			case time.Since(o.accepted) > p.lostAfter:
				o.lost = true
				finished = append(finished, o)
			}
		}
		if len(finished) > 0 {
			gone := map[*trackedOrder]bool{}
			for _, o := range finished {
				gone[o] = true
			}
			p.mu.Lock()
			p.pending = slices.DeleteFunc(p.pending, func(o *trackedOrder) bool { return gone[o] })
			p.finished = append(p.finished, finished...)
			p.mu.Unlock()
		}
		time.Sleep(max(2*time.Millisecond, 3*time.Since(start)))
	}
}

// results are the latencies of reflected orders, sorted, and the number of
// orders never reflected within lostAfter.
func (p *propagation) results() ([]time.Duration, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var lat []time.Duration
	lost := len(p.pending) // still pending when the run was cut short
	for _, o := range p.finished {
		if o.lost {
			lost++
		} else {
			lat = append(lat, o.latency)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat, lost
}

// printLost names the orders not reflected in time, and the shops that
// did not show them.
func (p *propagation) printLost(w io.Writer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, o := range p.finished {
		if !o.lost {
			continue
		}
		var missing []string
		for s, at := range o.seenAt {
			if s != o.shop && at.IsZero() {
				missing = append(missing, fmt.Sprintf("%s (wanted stock+sold ≤ %d)", p.shops[s].name, o.threshold[s]))
			}
		}
		fmt.Fprintf(w, "lost: %s on %s accepted %s; not shown on %s\n", o.sku, p.shops[o.shop].name,
			o.accepted.Format("15:04:05.000"), strings.Join(missing, ", "))
	}
}

// expected is the stock every shop should show once everything is in.
func (p *propagation) expected() map[string]int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int64{}
	for sku, counts := range p.perSKU {
		var n int64
		for _, c := range counts {
			n += c
		}
		out[sku] = p.initial - n
	}
	return out
}

// diagnose prints, to stderr, what the hub holds against what the
// sandboxes show: orders per shop, and a few (shop, SKU) pairs that differ
// from the expected stock.
func (h *benchHub) diagnose(shops []*benchShop, tr *propagation) {
	var orders []struct {
		ShopID int64
		N      int
	}
	_ = h.st.DB().Raw("SELECT shop_id, count(*) AS n FROM orders GROUP BY shop_id ORDER BY shop_id").Scan(&orders).Error
	var reserved int64
	_ = h.st.DB().Raw("SELECT coalesce(sum(reserved), 0) FROM stock_levels").Scan(&reserved).Error
	accepted := 0
	for _, c := range tr.perSKU {
		for _, n := range c {
			accepted += int(n)
		}
	}
	fmt.Fprintf(os.Stderr, "diagnose: accepted %d orders; hub orders by shop %v; hub reserved units %d\n", accepted, orders, reserved)
	shown := 0
	for sku, want := range tr.expected() {
		for _, s := range shops {
			k, err := s.srv.Engine.SKUBySellerSKU(s.engineID, sku)
			if err == nil && k.Stock == want || shown >= 12 {
				continue
			}
			shown++
			var hub struct{ OnHand, Reserved int64 }
			_ = h.st.DB().Raw("SELECT sum(on_hand) AS on_hand, sum(reserved) AS reserved FROM stock_levels sl JOIN variants v ON v.id = sl.variant_id WHERE v.sku = ?", sku).Scan(&hub).Error
			var l struct {
				PushedQuantity, SoldSincePush int64
				Status                        string
			}
			_ = h.st.DB().Raw("SELECT l.pushed_quantity, l.sold_since_push, l.status FROM listings l JOIN variants v ON v.id = l.variant_id WHERE v.sku = ? AND l.shop_id = ?", sku, s.shop.ID).Scan(&l).Error
			fmt.Fprintf(os.Stderr, "diagnose: %s %s shows %d (sold there %d), want %d; hub on_hand %d reserved %d; listing %s pushed %d sold_since_push %d; accepted per shop %v\n",
				s.name, sku, k.Stock, k.Sold, want, hub.OnHand, hub.Reserved, l.Status, l.PushedQuantity, l.SoldSincePush, tr.perSKU[sku])
		}
	}
}

// settle waits up to limit for every shop to show initial − (all units
// accepted) for every ordered SKU and returns how many (shop, SKU) pairs
// still differ: 0 unless a push went missing or over-counted.
func settle(ctx context.Context, shops []*benchShop, tr *propagation, limit time.Duration) int {
	want := tr.expected()
	deadline := time.Now().Add(limit)
	for {
		off := 0
		for _, s := range shops {
			for sku, q := range want {
				k, err := s.srv.Engine.SKUBySellerSKU(s.engineID, sku)
				if err != nil || k.Stock != q {
					off++
				}
			}
		}
		if off == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			return off
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(float64(len(sorted)-1)*q)]
}

// callsSince is after − before, per endpoint and status.
func callsSince(before, after map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range after {
		if d := n - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// printCalls writes a sandbox's calls by endpoint and status.
func printCalls(w io.Writer, name string, calls map[string]int) {
	keys := make([]string, 0, len(calls))
	for k := range calls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s %-55s %d\n", name, k, calls[k])
	}
}

// ---------------------------------------------------------------------------
// The hub side shared by bench-sync and bench-publish.

// benchHub is a fresh PostgreSQL schema, a flushed Redis DB and the real
// worker, in-process, with the drivers of the in-process sandboxes.
type benchHub struct {
	st        *store.Store
	rdb       *redis.Client
	opCtx     context.Context
	logger    *slog.Logger
	factories map[catalog.Platform]worker.DriverFactory
	w         *worker.Worker
	stopW     func()
	limits    bool // wire the worker's per-shop rate limiter
	closers   []func()
	// photos holds the products' photos (in memory): platforms refuse an
	// item without one, so every product published gets the same sample.
	photos *photo.Library
}

// photograph gives each product the sample photo (one file, shared by
// every gallery: it is content-addressed), as a co-op would before
// publishing.
func (h *benchHub) photograph(ctx context.Context, products []catalog.Product) error {
	if h.photos == nil {
		h.photos = photo.New(memblob.OpenBucket(nil))
	}
	p, err := photo.Process(photo.Sample(800, 800, "jpeg"))
	if err != nil {
		return err
	}
	if err := h.photos.Save(ctx, p); err != nil {
		return err
	}
	return parallel(ctx, 8, len(products), func(i int) error {
		id := products[i].ID
		_, err := h.st.AddProductImages(h.opCtx, id, []catalog.ProductImage{{ProductID: id, Width: p.Width, Height: p.Height,
			Bytes: int64(len(p.Original.Data)), SHA256: photo.SHA256(p.Original.Key),
			OriginalKey: p.Original.Key, ThumbKey: p.Thumb.Key, SquareKey: p.Square.Key}})
		return err
	})
}

// benchShop is a sandbox shop connected to the hub.
type benchShop struct {
	name     string
	srv      *sandbox.Server
	shop     catalog.Shop
	engineID int64
}

func benchLogger(verbose bool) *slog.Logger {
	if verbose {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// benchLockKey is the PostgreSQL advisory lock one bench-sync or
// bench-publish run holds.
const benchLockKey = 0x0c0b_be4c

func startBenchHub(ctx context.Context, databaseURL, schema, redisURL string, logger *slog.Logger) (*benchHub, error) {
	slog.SetDefault(logger)
	h := &benchHub{logger: logger, factories: map[catalog.Platform]worker.DriverFactory{},
		opCtx: catalog.WithScope(ctx, catalog.OperatorScope())}
	admin, err := store.Open(ctx, databaseURL, store.Options{Logger: logger})
	if err != nil {
		return nil, err
	}
	h.closers = append(h.closers, func() { _ = admin.Close() })
	// bench-sync and bench-publish share Redis DB 15: one run at a time,
	// held by a session advisory lock that ends with this process.
	sqlDB, err := admin.DB().DB()
	if err != nil {
		h.close()
		return nil, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		h.close()
		return nil, err
	}
	h.closers = append(h.closers, func() { _ = conn.Close() })
	var mine bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", benchLockKey).Scan(&mine); err != nil {
		h.close()
		return nil, err
	}
	if mine {
		// Released explicitly: the server ends a closed session's locks
		// only when it notices the disconnect, after the next run starts.
		h.closers = append(h.closers, func() {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", benchLockKey)
		})
	}
	if !mine {
		h.close()
		return nil, errors.New("another ocophub-bench sync or publish is running against this database (they share Redis DB 15 and would disturb each other); wait for it to finish")
	}
	_, err = conn.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
	if err == nil {
		_, err = conn.ExecContext(ctx, "CREATE SCHEMA "+schema)
	}
	if err != nil {
		h.close()
		return nil, fmt.Errorf("recreate schema %s: %w", schema, err)
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	keys, err := store.ParseKeys(store.NewKey("bench"))
	if err != nil {
		return nil, err
	}
	h.st, err = store.Open(ctx, u.String(), store.Options{Logger: logger, Keys: keys})
	if err != nil {
		h.close()
		return nil, err
	}
	h.closers = append(h.closers, func() { _ = h.st.Close() })
	if _, err := h.st.Migrate(ctx); err != nil {
		h.close()
		return nil, err
	}
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		h.close()
		return nil, err
	}
	h.rdb = redis.NewClient(opt)
	h.closers = append(h.closers, func() { _ = h.rdb.Close() })
	if err := h.rdb.FlushDB(ctx).Err(); err != nil {
		h.close()
		return nil, fmt.Errorf("flush Redis %s: %w", store.RedactURL(redisURL), err)
	}
	return h, nil
}

func (h *benchHub) close() {
	if h.stopW != nil {
		h.stopW()
	}
	for i := len(h.closers) - 1; i >= 0; i-- {
		h.closers[i]()
	}
}

// startWorker runs the real worker with cfg's tuning (Store, Redis,
// Channels and Logger are filled in).
func (h *benchHub) startWorker(ctx context.Context, cfg worker.Config) error {
	cfg.Store, cfg.Redis, cfg.Logger = h.st, h.rdb, h.logger
	if h.photos == nil {
		h.photos = photo.New(memblob.OpenBucket(nil))
	}
	cfg.Photos = h.photos
	cfg.Channels = &worker.Channels{Store: h.st, Locker: redislock.New(h.rdb), Factories: h.factories,
		Options: connectors.Options{Logger: h.logger}}
	if h.limits {
		// As production wires it (cmd/ocophub/worker.go): each shop's calls
		// stay under worker.RateLimits, shared through Redis.
		cfg.Channels.Limiter = worker.NewRateLimiter(h.rdb)
	}
	h.w = worker.New(cfg)
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- h.w.Run(runCtx) }()
	h.stopW = func() { cancel(); <-done; h.stopW = nil }
	return nil
}

// serveAPI serves the hub's API (webhooks included) on a loopback port
// and returns its base URL.
func (h *benchHub) serveAPI() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	base := "http://" + ln.Addr().String()
	drivers := map[catalog.Platform]func(catalog.Shop) driver.Driver{}
	for name, factory := range h.factories {
		drivers[name] = func(s catalog.Shop) driver.Driver { return factory(s, nil) }
	}
	router, err := api.New(api.Deps{Store: h.st, Logger: h.logger, Sync: &api.SyncDeps{Store: h.st, Tasks: h.w.Client(),
		Drivers: drivers, PublicURL: base, Wake: h.w.Wake}})
	if err != nil {
		_ = ln.Close()
		return "", err
	}
	srv := &http.Server{Handler: router, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	h.closers = append(h.closers, func() { _ = srv.Close() })
	return base, nil
}

// connect starts p's sandbox, creates a shop there and connects it to the
// co-op the way the shops page will: a code from the authorization page,
// exchanged by the driver, the token sealed in the store.
func (h *benchHub) connect(ctx context.Context, p platformUnderLoad, coopID int64) (*benchShop, error) {
	srv, err := p.start()
	if err != nil {
		return nil, err
	}
	h.closers = append(h.closers, func() { _ = srv.Close() })
	h.factories[catalog.Platform(p.name)] = func(s catalog.Shop, ts driver.TokenSource) driver.Driver {
		id, _ := strconv.ParseInt(s.ExternalID, 10, 64)
		return p.driver(srv.URL, id, ts)
	}
	view := srv.Engine.CreateShop("HTX bench "+p.name, "VN")
	code, err := srv.Engine.IssueCode(p.app.Key, view.ID, "")
	if err != nil {
		return nil, err
	}
	ext := strconv.FormatInt(view.ID, 10)
	tok, err := p.driver(srv.URL, view.ID, nil).ExchangeCode(ctx, driver.Callback{Code: code, ShopID: ext})
	if err != nil {
		return nil, err
	}
	sealed, err := worker.SealToken(tok)
	if err != nil {
		return nil, err
	}
	shop := catalog.Shop{CoopID: coopID, Platform: catalog.Platform(p.name), ExternalID: ext, Name: "bench " + p.name}
	if err := h.st.ConnectShop(h.opCtx, &shop, sealed, tok.AccessExpiresAt, tok.RefreshExpiresAt, time.Time{}); err != nil {
		return nil, err
	}
	return &benchShop{name: p.name, srv: srv, shop: shop, engineID: view.ID}, nil
}

// list offers every variant of products in the shop and enqueues one
// publish task per product, as the listings page will.
func (h *benchHub) list(ctx context.Context, s *benchShop, products []catalog.Product) error {
	var variants []int64
	for _, p := range products {
		for _, v := range p.Variants {
			variants = append(variants, v.ID)
		}
	}
	if err := h.photograph(ctx, products); err != nil {
		return fmt.Errorf("photos: %w", err)
	}
	if err := parallel(ctx, 8, len(variants), func(i int) error {
		_, err := h.st.AddListing(h.opCtx, s.shop.ID, variants[i])
		return err
	}); err != nil {
		return fmt.Errorf("list on %s: %w", s.name, err)
	}
	for _, p := range products {
		if _, err := h.w.Client().EnqueueContext(ctx, worker.PublishTask(s.shop.ID, p.ID)); err != nil {
			return err
		}
	}
	return nil
}

// parallel runs fn(0..n-1) on workers goroutines and returns the first error.
func parallel(ctx context.Context, workers, n int, fn func(i int) error) error {
	var (
		next     atomic.Int64
		firstErr error
		once     sync.Once
		wg       sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

// seedCatalog imports one co-op with products × variants through the real
// import path, every variant with stock units on hand, and returns the
// co-op and its products with their ids.
func seedCatalog(ctx context.Context, st *store.Store, prefix string, products, variants int, stock int64) (int64, []catalog.Product, error) {
	b := &catalog.ImportBatch{
		Alliances: []catalog.ImportAlliance{{Line: 2, Alliance: catalog.Alliance{Code: "LM-BENCH", Name: "Liên minh HTX bench", Province: "Thái Nguyên"}}},
		Coops: []catalog.ImportCoop{{Line: 2, AllianceCode: "LM-BENCH", Coop: catalog.Coop{Code: "HTX-BENCH",
			Name: "HTX chè Tân Cương bench", Province: "Thái Nguyên", Commune: "Tân Cương"}}},
	}
	line := 2
	for i := 0; i < products; i++ {
		code := fmt.Sprintf("%s%05d", prefix, i)
		p := catalog.ImportProduct{CoopCode: "HTX-BENCH", Product: catalog.Product{Code: code,
			Name:        catalog.Text{VI: "Chè Tân Cương " + code, EN: "Tan Cuong tea " + code},
			Description: catalog.Text{VI: "Chè búp sao sấy thủ công, dùng để đo tải."},
			Group:       catalog.GroupBeverage, Stars: 4,
			Certificate: catalog.Certificate{Number: "OCOP-" + code, CertifiedOn: catalog.NewDate(2024, 3, 1)}}}
		for j := 0; j < variants; j++ {
			body := fmt.Sprintf("893%05d%04d", i, j)
			p.Product.Variants = append(p.Product.Variants, catalog.Variant{
				SKU:  catalog.SKU(fmt.Sprintf("%s-%d", code, j)),
				Name: catalog.Text{VI: fmt.Sprintf("Hộp %dg", 100*(j+1))},
				GTIN: catalog.GTIN(body + string(catalog.GTINCheckDigit(body))), NetWeightG: 100 * (j + 1),
				Price: catalog.VND(95000 + 1000*j)})
			p.Lines = append(p.Lines, line)
			p.OpeningStock = append(p.OpeningStock, stock)
			line++
		}
		b.Products = append(b.Products, p)
	}
	if _, err := st.Import(ctx, b, catalog.ImportOptions{Actor: "bench"}); err != nil {
		return 0, nil, fmt.Errorf("import the bench catalog: %w", err)
	}
	coops, _, err := st.ListCoops(ctx, catalog.ListQuery{Limit: 1})
	if err != nil || len(coops) == 0 {
		return 0, nil, fmt.Errorf("bench co-op: %v", err)
	}
	var out []catalog.Product
	q := catalog.ListQuery{CoopID: coops[0].ID, Limit: catalog.MaxLimit}
	for {
		page, next, err := st.ListProducts(ctx, q)
		if err != nil {
			return 0, nil, err
		}
		out = append(out, page...)
		if next == "" {
			break
		}
		q.Cursor = next
	}
	return coops[0].ID, out, nil
}

// waitPublished waits until every shop shows every SKU, live, with stock.
// It gives up after limit, or after a minute without progress (publishing
// stalled: the error names the hub's listing states).
func (h *benchHub) waitPublished(ctx context.Context, shops []*benchShop, skus []string, stock int64, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	last, lastChange := -1, time.Now()
	for {
		missing := 0
		var example string
		for _, s := range shops {
			got := liveStock(s)
			for _, sku := range skus {
				if q, ok := got[sku]; !ok || q != stock {
					if missing == 0 {
						example = fmt.Sprintf("%s %s: stock %d (listed %v)", s.name, sku, q, ok)
					}
					missing++
				}
			}
		}
		if missing == 0 {
			return nil
		}
		if missing != last {
			last, lastChange = missing, time.Now()
		}
		if time.Now().After(deadline) || time.Since(lastChange) > time.Minute {
			var states []struct {
				Status string
				N      int
			}
			_ = h.st.DB().Raw("SELECT status, count(*) AS n FROM listings GROUP BY status ORDER BY status").Scan(&states).Error
			return fmt.Errorf("publishing stalled after %s: %d (shop, SKU) pairs not live with stock %d (e.g. %s); hub listings by status: %v (listings left in draft were never picked up by their publish task)",
				time.Since(deadline.Add(-limit)).Round(time.Second), missing, stock, example, states)
		}
		if err := sleepCtx(ctx, 500*time.Millisecond); err != nil {
			return err
		}
	}
}

// liveStock is a shop's stock by seller SKU, live items only.
func liveStock(s *benchShop) map[string]int64 {
	out := map[string]int64{}
	for _, sh := range s.srv.Engine.State().Shops {
		if sh.ID != s.engineID {
			continue
		}
		for _, it := range sh.Items {
			if it.Status != sandbox.ItemLive {
				continue
			}
			for _, k := range it.SKUs {
				out[k.SellerSKU] = k.Stock
			}
		}
	}
	return out
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// postJSON posts body to a sandbox's control API and decodes the answer.
func postJSON(ctx context.Context, client *http.Client, url string, body, out any) (int, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return resp.StatusCode, fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, err
		}
	}
	return resp.StatusCode, nil
}
