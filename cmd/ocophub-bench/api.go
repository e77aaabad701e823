package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/store"
)

type apiBenchConfig struct {
	databaseURL string
	products    int
	rate        int
	duration    time.Duration
	seed        int64
	searchShare float64
	target      string // an already running API (base URL); empty starts one in-process
}

// benchSchema keeps the generated catalog apart from everything else in
// the database; it is reused by later runs when it already holds the
// requested number of products.
const benchSchema = "bench_api"

func runAPIBench(ctx context.Context, cfg apiBenchConfig, out io.Writer) error {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	admin, err := store.Open(ctx, cfg.databaseURL, store.Options{})
	if err != nil {
		return err
	}
	if err := admin.DB().Exec("CREATE SCHEMA IF NOT EXISTS " + benchSchema).Error; err != nil {
		return err
	}
	_ = admin.Close()
	u, err := url.Parse(cfg.databaseURL)
	if err != nil {
		return err
	}
	q := u.Query()
	q.Set("search_path", benchSchema+",public")
	u.RawQuery = q.Encode()
	st, err := store.Open(ctx, u.String(), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	opCtx := catalog.WithScope(ctx, catalog.OperatorScope())
	if err := ensureCatalog(opCtx, st, cfg, out); err != nil {
		return err
	}
	var maxID int64
	if err := st.DB().Raw("SELECT max(id) FROM products").Scan(&maxID).Error; err != nil { // an index lookup
		return err
	}

	// Requests carry an operator API token, as an integrator's would.
	token, err := st.CreateAPIToken(opCtx, &catalog.APIToken{Name: "bench-api", Role: catalog.RoleOperator})
	if err != nil {
		return err
	}
	auth := http.Header{"Authorization": {"Bearer " + token}}
	base := cfg.target
	if base == "" {
		// Sign-in is not measured; its attempt counter lives in an
		// in-process Redis so the benchmark needs none.
		mr, err := miniredis.Run()
		if err != nil {
			return err
		}
		defer mr.Close()
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		defer rdb.Close()
		a, err := api.NewAuth(api.AuthConfig{Accounts: st, Limiter: api.NewLoginLimiter(rdb, api.LoginLimits{})})
		if err != nil {
			return err
		}
		router, err := api.New(api.Deps{Store: st, Logger: slog.Default(), Auth: a})
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: router, ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		base = "http://" + ln.Addr().String()
	}

	rng := rand.New(rand.NewPCG(uint64(cfg.seed), 2))
	targeter := func(t *vegeta.Target) error {
		t.Method = http.MethodGet
		t.Header = auth
		if rng.Float64() < cfg.searchShare {
			t.URL = base + "/api/v1/products?limit=50&q=" + url.QueryEscape(searchTerms[rng.IntN(len(searchTerms))])
		} else {
			t.URL = base + "/api/v1/products/" + strconv.FormatInt(1+rng.Int64N(maxID), 10)
		}
		return nil
	}
	attacker := vegeta.NewAttacker(vegeta.Timeout(10*time.Second), vegeta.KeepAlive(true))
	var m vegeta.Metrics
	for res := range attacker.Attack(targeter, vegeta.Rate{Freq: cfg.rate, Per: time.Second}, cfg.duration, "bench-api") {
		m.Add(res)
	}
	m.Close()
	errors := int(float64(m.Requests) * (1 - m.Success))
	fmt.Fprintf(out, "bench-api rate=%d p50_ms=%.2f p99_ms=%.2f errors=%d requests=%d products=%d\n",
		cfg.rate, ms(m.Latencies.P50), ms(m.Latencies.P99), errors, m.Requests, cfg.products)
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// ensureCatalog generates the benchmark catalog through the real import
// path, in batches, unless the schema already has it.
func ensureCatalog(ctx context.Context, st *store.Store, cfg apiBenchConfig, out io.Writer) error {
	var have int64
	if err := st.DB().Raw("SELECT count(*) FROM (SELECT 1 FROM products LIMIT ?) enough", cfg.products).Scan(&have).Error; err != nil {
		return err
	}
	if have >= int64(cfg.products) {
		return nil
	}
	if have > 0 {
		return fmt.Errorf("schema %s has %d products, fewer than %d: drop it (DROP SCHEMA %s CASCADE) and run again", benchSchema, have, cfg.products, benchSchema)
	}
	start := time.Now()
	gen := newGenerator(cfg.seed)
	coops, err := gen.tenants(ctx, st)
	if err != nil {
		return err
	}
	const perBatch = 5_000
	for done := 0; done < cfg.products; done += perBatch {
		n := min(perBatch, cfg.products-done)
		if err := st.BulkCreateProducts(ctx, gen.products(coops, done, n)); err != nil {
			return fmt.Errorf("generate products %d..%d: %w", done, done+n, err)
		}
	}
	fmt.Fprintf(out, "generated %d products in %s\n", cfg.products, time.Since(start).Round(time.Second))
	return st.DB().Exec("ANALYZE").Error
}
