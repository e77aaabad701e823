// Command ocophub-bench runs the project's load benchmarks and prints one
// line of figures per run, for docs/benchmarks.md:
//
//	ocophub-bench api      100,000 generated products on PostgreSQL; a fixed
//	                       500 req/s for 30 s on search and product reads
//	ocophub-bench sandbox  signed single-SKU stock updates through each driver
//	                       against its sandbox, as fast as they go
//	ocophub-bench sync     stock propagation: orders on three sandbox shops,
//	                       brought in by the real worker, pushed to the others
//	ocophub-bench publish  2,000 listings through the worker to one Shopee
//	                       sandbox shop limited to 50 calls/s
//	ocophub-bench livestream  one SKU, 500 units on three shops, a burst of
//	                       buyers on the live shop: hold and plain modes
//
// It talks only to loopback: the database, and an API server it starts
// in-process on 127.0.0.1.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"time"

	"ocophub/catalog"
	"ocophub/worker"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) >= 2 && os.Args[1] == "sandbox" {
		fs := flag.NewFlagSet("sandbox", flag.ExitOnError)
		cfg := sandboxBenchConfig{}
		fs.DurationVar(&cfg.duration, "duration", 10e9, "load time per platform")
		fs.IntVar(&cfg.workers, "workers", 16, "concurrent clients")
		fs.IntVar(&cfg.skus, "skus", 200, "SKUs listed per platform")
		_ = fs.Parse(os.Args[2:])
		if err := runSandboxBench(ctx, cfg, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "ocophub-bench:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) >= 2 && os.Args[1] == "livestream" {
		fs := flag.NewFlagSet("livestream", flag.ExitOnError)
		cfg := livestreamBenchConfig{}
		fs.StringVar(&cfg.databaseURL, "database-url", envOr("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocophub_test?sslmode=disable"), "PostgreSQL database; the schema bench_live is dropped and recreated")
		fs.StringVar(&cfg.redisURL, "redis-url", envOr("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"), "Redis DB for the queues (FLUSHED)")
		fs.IntVar(&cfg.concurrency, "concurrency", 0, "worker task handlers (0: the worker's default)")
		fs.BoolVar(&cfg.verbose, "v", false, "log warnings to stderr")
		fs.Int64Var(&cfg.stock, "stock", 500, "units of the one SKU")
		fs.Int64Var(&cfg.hold, "hold", 300, "the live session's hold (mode hold)")
		fs.IntVar(&cfg.burst, "burst", 2000, "buyers on the live shop")
		fs.DurationVar(&cfg.burstFor, "burst-for", 10*time.Second, "spread over this long")
		fs.IntVar(&cfg.otherRate, "others", 50, "buyers per second on each other shop")
		fs.Int64Var(&cfg.splitBelow, "split-below", 0, "every shop's stock rule: split the last units between sharing shops (0: the default rule, no split)")
		modes := fs.String("modes", "hold,plain", "modes to run, in order")
		_ = fs.Parse(os.Args[2:])
		cfg.modes = strings.Split(*modes, ",")
		if err := runLivestreamBench(ctx, cfg, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "ocophub-bench:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) >= 2 && (os.Args[1] == "sync" || os.Args[1] == "publish") {
		if err := runHubBench(ctx, os.Args[1], os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "ocophub-bench:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) < 2 || os.Args[1] != "api" {
		fmt.Fprintln(os.Stderr, "usage: ocophub-bench api|sandbox|sync|publish|livestream [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("api", flag.ExitOnError)
	cfg := apiBenchConfig{}
	fs.StringVar(&cfg.databaseURL, "database-url", envOr("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocophub_test?sslmode=disable"), "PostgreSQL database for the bench schema")
	fs.IntVar(&cfg.products, "products", 100_000, "products to generate")
	fs.IntVar(&cfg.rate, "rate", 500, "requests per second")
	fs.DurationVar(&cfg.duration, "duration", 30e9, "how long to send load")
	fs.Int64Var(&cfg.seed, "seed", 1, "generator seed")
	fs.StringVar(&cfg.target, "target", "", "base URL of a running `ocophub serve` on the bench schema (default: start the API in-process)")
	fs.Float64Var(&cfg.searchShare, "search-share", 0.5, "fraction of requests that search (the rest read one product)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the load phase to this file")
	_ = fs.Parse(os.Args[2:])
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "ocophub-bench:", err)
			os.Exit(1)
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := runAPIBench(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ocophub-bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// runHubBench parses the flags of the benchmarks that run the worker
// (sync, publish) and runs one.
func runHubBench(ctx context.Context, name string, args []string) error {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	databaseURL := fs.String("database-url", envOr("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocophub_test?sslmode=disable"),
		"PostgreSQL database; the schema bench_"+name+" is dropped and recreated")
	redisURL := fs.String("redis-url", envOr("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"), "Redis DB for the queues (FLUSHED)")
	concurrency := fs.Int("concurrency", 0, "worker task handlers (0: the worker's default, 20)")
	verbose := fs.Bool("v", false, "log warnings and print the sandboxes' calls by endpoint to stderr")
	hubLimits := fs.Bool("hub-limits", true, "wire the worker's per-shop rate limiter (worker.RateLimits) as production does")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	defer func() {
		if *cpuProfile != "" {
			pprof.StopCPUProfile()
		}
	}()
	startProfile := func() error {
		if *cpuProfile == "" {
			return nil
		}
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		return pprof.StartCPUProfile(f)
	}
	if name == "sync" {
		cfg := syncBenchConfig{}
		fs.IntVar(&cfg.products, "products", 100, "products of the co-op")
		fs.IntVar(&cfg.variants, "variants", 10, "variants (SKUs) per product")
		fs.Int64Var(&cfg.stock, "stock", 1_000_000, "units on hand per SKU")
		fs.IntVar(&cfg.rate, "rate", 100, "orders per second")
		fs.DurationVar(&cfg.duration, "duration", time.Minute, "how long to place orders")
		fs.StringVar(&cfg.ingest, "ingest", ingestWebhook, "how orders reach the hub: webhook (the sandboxes push to the hub's API, as in production), poll (worker.Poll of the shop after each order), task (enqueue worker.IngestTask, as a webhook handler does)")
		fs.Int64Var(&cfg.seed, "seed", 1, "seed of the shop and SKU choices")
		fs.DurationVar(&cfg.lostAfter, "lost-after", 10*time.Second, "an order not reflected on both other shops by then is lost")
		zaloQPS := fs.Int("zalo-qps", 0, "experiment: the hub's calls/s per kind for Zalo shops instead of worker.RateLimits (Zalo publishes no limit; 100 is our choice)")
		_ = fs.Parse(args)
		if *zaloQPS > 0 {
			worker.RateLimits[catalog.PlatformZalo] = *zaloQPS
		}
		cfg.databaseURL, cfg.redisURL, cfg.concurrency, cfg.verbose = *databaseURL, *redisURL, *concurrency, *verbose
		cfg.hubLimits = *hubLimits
		if err := startProfile(); err != nil {
			return err
		}
		return runSyncBench(ctx, cfg, os.Stdout)
	}
	cfg := publishBenchConfig{}
	fs.IntVar(&cfg.listings, "listings", 2_000, "listings (SKUs) to publish (10,000 takes about 9 minutes at 50 calls/s)")
	fs.IntVar(&cfg.variants, "variants", 10, "variants per product (the worker publishes per product)")
	fs.Int64Var(&cfg.stock, "stock", 100, "units on hand per SKU")
	fs.IntVar(&cfg.qps, "qps", 50, "the shop's rate limit (calls per second, burst the same)")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Minute, "stop waiting and print what was done by then")
	fs.IntVar(&cfg.hubQPS, "hub-qps", 0, "the hub's own calls/s limit for Shopee shops (0: worker.RateLimits)")
	_ = fs.Parse(args)
	cfg.databaseURL, cfg.redisURL, cfg.concurrency, cfg.verbose = *databaseURL, *redisURL, *concurrency, *verbose
	cfg.hubLimits = *hubLimits
	if err := startProfile(); err != nil {
		return err
	}
	return runPublishBench(ctx, cfg, os.Stdout)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
