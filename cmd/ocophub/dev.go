package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"ocophub/catalog"
	"ocophub/catalog/csvimport"
	"ocophub/catalog/demo"
)

// runDev is `make run`: the whole system in one process on the embedded
// defaults, with the demo catalog imported into an empty database.
func runDev(ctx context.Context, cfg Config, _ []string, out io.Writer) error {
	slog.Info("starting ocophub dev", "config", cfg)
	keys, err := devSecretKeys(cfg)
	if err != nil {
		return err
	}
	cfg.SecretKeys = keys
	sb, err := startSandboxes(cfg)
	if err != nil {
		return err
	}
	defer sb.Close()
	cfg.ShopeeURL, cfg.LazadaURL, cfg.ZaloURL = sb.servers[0].URL, sb.servers[1].URL, sb.servers[2].URL
	st, err := openStack(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := seedDemo(ctx, st); err != nil {
		return err
	}
	w, err := newWorker(cfg, st)
	if err != nil {
		return err
	}
	workerDone := make(chan error, 1)
	workerCtx, stopWorker := context.WithCancel(ctx)
	go func() { workerDone <- w.Run(workerCtx) }()
	defer func() { stopWorker(); <-workerDone }()
	return serveHTTP(ctx, cfg, st, w.Wake, true, func(addr string) {
		base := "http://" + addr
		fmt.Fprintf(out, `
OCOP Hub is running (embedded: %s, in-process Redis). Ctrl-C stops it.

  Web UI         %[2]s/   (trial mode: no accounts yet, you act as the operator)
  Products API   %[2]s/api/v1/products?q=tra
  OpenAPI        %[2]s/api/v1/openapi.json
  Health         %[2]s/healthz   %[2]s/readyz
  Metrics        %[2]s/metrics

`, cfg.DatabaseURL, base)
		for _, l := range sb.lines {
			fmt.Fprintln(out, l)
		}
		fmt.Fprintln(out)
	})
}

// seedDemo imports the demo catalog once: only into a database with no
// alliance yet, so a restart keeps what the user changed.
func seedDemo(ctx context.Context, st *stack) error {
	ctx = catalog.WithScope(ctx, catalog.OperatorScope())
	existing, _, err := st.store.ListAlliances(ctx, catalog.ListQuery{Limit: 1})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		slog.Info("demo data already present; not importing again")
		return nil
	}
	rep, err := csvimport.ImportFile(ctx, st.store, demo.CSV, "ocop-demo.csv", catalog.ImportOptions{Actor: "demo"})
	if err != nil {
		return fmt.Errorf("import demo catalog: %w", err)
	}
	slog.Info("demo catalog imported", "products", rep.Products.Created, "variants", rep.Variants.Created)
	return nil
}
