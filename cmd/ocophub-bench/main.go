// Command ocophub-bench runs the project's load benchmarks and prints one
// line of figures per run, for docs/benchmarks.md:
//
//	ocophub-bench api      100,000 generated products on PostgreSQL; a fixed
//	                       500 req/s for 30 s on search and product reads
//	ocophub-bench sandbox  signed single-SKU stock updates through each driver
//	                       against its sandbox, as fast as they go
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
	if len(os.Args) < 2 || os.Args[1] != "api" {
		fmt.Fprintln(os.Stderr, "usage: ocophub-bench api|sandbox [flags]")
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

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
