package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"ocophub/catalog"
	"ocophub/worker"
)

type publishBenchConfig struct {
	databaseURL string
	redisURL    string
	listings    int
	variants    int
	stock       int64
	qps         int
	timeout     time.Duration
	concurrency int
	hubLimits   bool
	hubQPS      int // the hub's own Shopee limit; 0 keeps worker.RateLimits
	verbose     bool
}

// runPublishBench publishes a catalog to ONE Shopee sandbox shop that
// allows qps calls per second (burst qps), through the real worker, and
// measures the wall time until every listing is live with its stock, the
// calls the shop served and the calls it throttled (HTTP 429).
func runPublishBench(ctx context.Context, cfg publishBenchConfig, out io.Writer) error {
	if cfg.variants < 1 || cfg.listings < cfg.variants || cfg.qps < 1 {
		return fmt.Errorf("-listings (%d) must be at least -variants (%d) ≥ 1, and -qps at least 1", cfg.listings, cfg.variants)
	}
	logger := benchLogger(cfg.verbose)
	setupStart := time.Now()
	hub, err := startBenchHub(ctx, cfg.databaseURL, "bench_publish", cfg.redisURL, logger)
	if err != nil {
		return err
	}
	defer hub.close()
	hub.limits = cfg.hubLimits
	if cfg.hubQPS > 0 {
		worker.RateLimits[catalog.PlatformShopee] = cfg.hubQPS
	}
	hubQPS := 0
	if cfg.hubLimits {
		hubQPS = worker.RateLimits[catalog.PlatformShopee]
	}
	products := cfg.listings / cfg.variants
	coopID, catalogProducts, err := seedCatalog(hub.opCtx, hub.st, "P", products, cfg.variants, cfg.stock)
	if err != nil {
		return err
	}
	listings := products * cfg.variants
	var shopee platformUnderLoad
	for _, p := range platforms {
		if p.name == string(catalog.PlatformShopee) {
			shopee = p
		}
	}
	shop, err := hub.connect(ctx, shopee, coopID)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 10 * time.Second}
	if _, err := postJSON(ctx, client, shop.srv.URL+"/_sandbox/shops/"+shop.shop.ExternalID+"/faults",
		map[string]any{"qps": cfg.qps, "burst": cfg.qps}, nil); err != nil {
		return fmt.Errorf("set the shop's rate limit: %w", err)
	}
	if err := hub.startWorker(ctx, worker.Config{Concurrency: cfg.concurrency, PollInterval: time.Hour}); err != nil {
		return err
	}
	if err := hub.photograph(ctx, catalogProducts); err != nil {
		return err
	}
	var variants []int64
	for _, p := range catalogProducts {
		for _, v := range p.Variants {
			variants = append(variants, v.ID)
		}
	}
	if err := parallel(ctx, 8, len(variants), func(i int) error {
		_, err := hub.st.AddListing(hub.opCtx, shop.shop.ID, variants[i])
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench-publish: %d listings (%d products × %d variants) ready to publish in %s\n",
		listings, products, cfg.variants, time.Since(setupStart).Round(100*time.Millisecond))

	before := shop.srv.Engine.State().Calls
	start := time.Now()
	for _, p := range catalogProducts {
		if _, err := hub.w.Client().EnqueueContext(ctx, worker.PublishTask(shop.shop.ID, p.ID)); err != nil {
			return err
		}
	}
	// Done when every listing is live with its stock (or failed for good);
	// a run that makes no progress for stallAfter stops there, and its
	// seconds are those of its last progress.
	const stallAfter = 2 * time.Minute
	var live, failed int
	progress, lastProgress := -1, start
	for {
		live = 0
		for _, q := range liveStock(shop) {
			if q == cfg.stock {
				live++
			}
		}
		if err := hub.st.DB().Raw("SELECT count(*) FROM listings WHERE status = 'error'").Scan(&failed).Error; err != nil {
			return err
		}
		now := time.Now()
		if live+failed != progress {
			progress, lastProgress = live+failed, now
		}
		if live+failed >= listings || now.Sub(start) > cfg.timeout || now.Sub(lastProgress) > stallAfter || ctx.Err() != nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	elapsed := lastProgress.Sub(start)
	if live+failed < listings {
		fmt.Fprintf(os.Stderr, "bench-publish: only %d of %d listings live (%d failed) when the run stopped; see the listings' states in schema bench_publish\n",
			live, listings, failed)
	}
	calls := shop.srv.Engine.State().Calls
	var served, throttled int
	for k, n := range calls {
		n -= before[k]
		method, rest, _ := strings.Cut(k, " ")
		path, status, _ := strings.Cut(rest, " ")
		_ = method
		if !rateLimited(path) {
			continue
		}
		if code, _ := strconv.Atoi(status); code == http.StatusTooManyRequests {
			throttled += n
		} else {
			served += n
		}
	}
	if cfg.verbose {
		fmt.Fprintln(os.Stderr, "sandbox calls while publishing:")
		printCalls(os.Stderr, "shopee", callsSince(before, calls))
	}
	rate := float64(served) / elapsed.Seconds()
	fmt.Fprintf(out, "bench-publish listings=%d seconds=%.1f efficiency=%.2f throttled=%d calls=%d calls_per_s=%.1f qps=%d hub_qps=%d live=%d errors=%d variants=%d\n",
		listings, elapsed.Seconds(), rate/float64(cfg.qps), throttled, served, rate, cfg.qps, hubQPS, live, failed, cfg.variants)
	return nil
}

// rateLimited says whether a Shopee path is a shop API, the calls the
// shop's qps fault admits or throttles (public APIs such as upload_image
// and the token endpoints are not limited per shop).
func rateLimited(path string) bool {
	for _, prefix := range []string{"/api/v2/product/", "/api/v2/order/", "/api/v2/logistics/", "/api/v2/shop/"} {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}
