package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bsm/redislock"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors"
	"ocophub/connectors/driver"
	"ocophub/connectors/lazada"
	"ocophub/connectors/shopee"
	"ocophub/connectors/zalo"
	"ocophub/worker"
)

// runWorker runs the sync engine: asynq handlers, outbox relay, polling.
func runWorker(ctx context.Context, cfg Config, _ []string, out io.Writer) error {
	slog.Info("starting ocophub worker", "config", cfg)
	st, err := openStack(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	w, err := newWorker(cfg, st)
	if err != nil {
		return err
	}
	if cfg.WorkerMetricsAddr != "" {
		ln, err := net.Listen("tcp", cfg.WorkerMetricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s for /metrics: %w", cfg.WorkerMetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", promhttp.HandlerFor(st.metrics, promhttp.HandlerOpts{Registry: st.metrics}))
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer func() { _ = srv.Close() }()
		fmt.Fprintf(out, "Worker metrics on http://%s/metrics\n", ln.Addr())
	}
	fmt.Fprintln(out, "OCOP Hub worker running (queues critical, default, low). Ctrl-C stops it.")
	return w.Run(ctx)
}

// newWorker builds the worker; its metrics (drift, channel calls) go to
// the process's registry, served by the API under `dev` and `serve` and by
// `worker` itself on its metrics address.
func newWorker(cfg Config, st *stack) (*worker.Worker, error) {
	if workerFlags.err != nil {
		return nil, workerFlags.err
	}
	st.metrics.MustRegister(worker.Collectors()...)
	return worker.New(worker.Config{Store: st.store, Redis: st.redis, Logger: slog.Default(),
		InboxMaxAttempts: workerFlags.inboxAttempts, Retention: workerRetention(), Photos: st.photos,
		Channels: &worker.Channels{Store: st.store, Locker: redislock.New(st.redis), Factories: driverFactories(cfg),
			Limiter: worker.NewRateLimiter(st.redis),
			Options: connectors.Options{Logger: slog.Default(), Metrics: connectors.NewMetrics(st.metrics),
				Categories: &connectors.CategoryCache{}}}}), nil
}

// driverFactories builds the driver of each platform the hub connects
// (Config.connects); an empty base URL is the live platform's.
func driverFactories(cfg Config) map[catalog.Platform]worker.DriverFactory {
	all := map[catalog.Platform]worker.DriverFactory{
		catalog.PlatformShopee: func(s catalog.Shop, ts driver.TokenSource) driver.Driver {
			partner, _ := strconv.ParseInt(cfg.ShopeeAppKey, 10, 64)
			shopID, _ := strconv.ParseInt(s.ExternalID, 10, 64)
			return shopee.New(shopee.Config{BaseURL: cfg.ShopeeURL, PartnerID: partner, PartnerKey: cfg.ShopeeAppSecret, ShopID: shopID}, ts)
		},
		catalog.PlatformLazada: func(s catalog.Shop, ts driver.TokenSource) driver.Driver {
			c := lazada.Config{AppKey: cfg.LazadaAppKey, AppSecret: cfg.LazadaAppSecret, ShopID: s.ExternalID}
			if base := strings.TrimSuffix(cfg.LazadaURL, "/"); base != "" {
				c.BaseURL, c.AuthURL = base+"/rest", base
			}
			return lazada.New(c, ts)
		},
		catalog.PlatformZalo: func(s catalog.Shop, ts driver.TokenSource) driver.Driver {
			return zalo.New(zalo.Config{BaseURL: cfg.ZaloURL, AppID: cfg.ZaloAppKey, AppSecret: cfg.ZaloAppSecret,
				OASecretKey: cfg.ZaloOASecretKey, ShopID: s.ExternalID}, ts)
		},
	}
	out := map[catalog.Platform]worker.DriverFactory{}
	for p, f := range all {
		if cfg.connects(p) {
			out[p] = f
		}
	}
	return out
}

// appDrivers are the drivers of app-level calls (authorization URL, code
// exchange, webhook verification): the platform's factory with no token.
func appDrivers(cfg Config) map[catalog.Platform]func(catalog.Shop) driver.Driver {
	out := map[catalog.Platform]func(catalog.Shop) driver.Driver{}
	for p, factory := range driverFactories(cfg) {
		out[p] = func(s catalog.Shop) driver.Driver { return factory(s, nil) }
	}
	return out
}

// devSecretKeys returns the configured keys, or the dev key kept under the
// data folder (created on first start).
func devSecretKeys(cfg Config) (string, error) {
	if cfg.SecretKeys != "" {
		return cfg.SecretKeys, nil
	}
	path := filepath.Join(cfg.DataDir, "secret.keys")
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return "", err
	}
	key := store.NewKey("dev1")
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return "", err
	}
	slog.Info("generated a development secret key", "path", path)
	return key, nil
}

// workerFlags are the worker's own settings, under `worker` and `dev`: how
// often a stored push is retried, and how many days old rows are kept (0:
// for ever). Each has a flag and an OCOPHUB_ variable.
var workerFlags struct {
	inboxAttempts                                                   int
	outboxDays, inboxDays, sessionDays, pushAuditDays, auditLogDays int
	// err is a variable that is not a number, reported by newWorker.
	err error
}

func init() {
	commandFlags["worker"] = addWorkerFlags
	commandFlags["dev"] = addWorkerFlags
}

func addWorkerFlags(fs *flag.FlagSet) {
	workerFlags.err = nil
	days := func(d time.Duration) int { return int(d / (24 * time.Hour)) }
	r := worker.DefaultRetention
	for _, f := range []struct {
		p         *int
		name, env string
		def       int
		usage     string
	}{
		{&workerFlags.inboxAttempts, "inbox-max-attempts", "OCOPHUB_INBOX_MAX_ATTEMPTS", 12, "times a stored push's order is queued before it is a dead letter"},
		{&workerFlags.outboxDays, "retain-outbox-days", "OCOPHUB_RETAIN_OUTBOX_DAYS", days(r.Outbox), "days sent outbox events are kept (0: for ever)"},
		{&workerFlags.inboxDays, "retain-inbox-days", "OCOPHUB_RETAIN_INBOX_DAYS", days(r.Inbox), "days processed pushes and dead letters are kept (0: for ever)"},
		{&workerFlags.sessionDays, "retain-sessions-days", "OCOPHUB_RETAIN_SESSIONS_DAYS", days(r.Sessions), "days expired sessions are kept (0: for ever)"},
		{&workerFlags.pushAuditDays, "retain-push-audit-days", "OCOPHUB_RETAIN_PUSH_AUDIT_DAYS", days(r.PushAudit), "days the push audit is kept (0: for ever)"},
		{&workerFlags.auditLogDays, "retain-audit-log-days", "OCOPHUB_RETAIN_AUDIT_LOG_DAYS", days(r.AuditLog), "days the co-ops' audit log is kept (0: for ever)"},
	} {
		def := f.def
		if v := os.Getenv(f.env); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				workerFlags.err = fmt.Errorf("%s must be a whole number of 0 or more, got %q", f.env, v)
			}
			def = n
		}
		fs.IntVar(f.p, f.name, def, f.usage+" ["+f.env+"]")
	}
}

// workerRetention is the retention the flags ask for.
func workerRetention() store.Retention {
	days := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	return store.Retention{Outbox: days(workerFlags.outboxDays), Inbox: days(workerFlags.inboxDays),
		Sessions: days(workerFlags.sessionDays), PushAudit: days(workerFlags.pushAuditDays), AuditLog: days(workerFlags.auditLogDays)}
}
