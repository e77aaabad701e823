package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"ocophub/catalog"
	"ocophub/catalog/csvimport"
	"ocophub/catalog/demo"
)

// runDev is `make run`: the whole system in one process on the embedded
// defaults, with the demo catalog imported into an empty database and, at
// that first start, the demo co-op's shops connected and its products
// live on them. The sandboxes push to the hub's webhooks, as the platforms
// do in production, so a sale on one shop reaches the others at once.
func runDev(ctx context.Context, cfg Config, _ []string, out io.Writer) error {
	slog.Info("starting ocophub dev", "config", cfg)
	keys, err := devSecretKeys(cfg)
	if err != nil {
		return err
	}
	cfg.SecretKeys = keys
	sb, err := startSandboxes(cfg, haoDat, riti)
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
	imported, err := seedDemo(ctx, st)
	if err != nil {
		return err
	}
	logins, err := demoLogins(ctx, st, cfg.DataDir)
	if err != nil {
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
	cmds := syncDeps(cfg, st, w.Wake).Commands()
	return serveHTTP(ctx, cfg, st, w.Wake, func(addr string) {
		base := "http://" + addr
		hub := cmp.Or(cfg.PublicURL, base)
		sb.pushTo(hub)
		sale := ""
		if imported {
			var err error
			if sale, err = connectDemoShops(ctx, st, cmds, sb, hub); err != nil {
				slog.Error("the demo shops could not be connected", "err", err)
				sale = ""
			}
		}
		fmt.Fprintf(out, `
OCOP Hub is running (embedded: %s, in-process Redis). Ctrl-C stops it.

  Web UI         %[2]s/   (sign in with a demo account below)
  Products API   %[2]s/api/v1/products?q=tra
  OpenAPI        %[2]s/api/v1/openapi.json
  Health         %[2]s/healthz   %[2]s/readyz
  Metrics        %[2]s/metrics

`, cfg.DatabaseURL, base)
		printLogins(out, base, logins)
		for _, l := range sb.lines {
			fmt.Fprintln(out, l)
		}
		fmt.Fprintln(out)
		printSale(out, base, sale, imported)
	})
}

// printSale shows the promise: one command sells on Lazada, and the other
// shops and the inbox follow. The sandboxes keep nothing between runs, so
// only the first start, which set the demo shops up, can show it.
func printSale(out io.Writer, base, sale string, imported bool) {
	switch {
	case sale != "":
		fmt.Fprintf(out, `  A sale         %s's products are live on its Shopee, Lazada and Zalo demo shops. A buyer orders one on Lazada:

  %s

                 Within a second Shopee's and Zalo's stock of it is one less (their /_sandbox/state above) and the
                 order is in the inbox, %s/orders

`, haoDat, sale, base)
	case imported:
		fmt.Fprint(out, "  A sale         the demo shops could not be set up: see the log.\n\n")
	default:
		fmt.Fprint(out, `  A sale         the sandboxes start empty at every run; the demo shops are connected and stocked at the first
                 start only, on an empty database. To sell on them: stop, remove the data dir (make clean), start again.

`)
	}
}

// seedDemo imports the demo catalog once: only into a database with no
// alliance yet, so a restart keeps what the user changed. It reports
// whether it imported.
func seedDemo(ctx context.Context, st *stack) (bool, error) {
	ctx = catalog.WithScope(ctx, catalog.OperatorScope())
	existing, _, err := st.store.ListAlliances(ctx, catalog.ListQuery{Limit: 1})
	if err != nil {
		return false, err
	}
	if len(existing) > 0 {
		slog.Info("demo data already present; not importing again")
		return false, nil
	}
	rep, err := csvimport.ImportFile(ctx, st.store, demo.CSV, "ocop-demo.csv", catalog.ImportOptions{Actor: "demo"})
	if err != nil {
		return false, fmt.Errorf("import demo catalog: %w", err)
	}
	slog.Info("demo catalog imported", "products", rep.Products.Created, "variants", rep.Variants.Created)
	for code, cert := range demo.Certificates(catalog.Today(time.Now())) {
		found, _, err := st.store.ListProducts(ctx, catalog.ListQuery{Q: code})
		i := slices.IndexFunc(found, func(p catalog.Product) bool { return p.Code == code })
		if err != nil {
			return false, fmt.Errorf("demo certificate of %s: %w", code, err)
		}
		if i < 0 {
			return false, fmt.Errorf("demo certificate of %s: no such product in the demo catalog", code)
		}
		p := found[i]
		p.Certificate = cert
		if err := st.store.UpdateProduct(ctx, &p); err != nil {
			return false, fmt.Errorf("demo certificate of %s: %w", code, err)
		}
	}
	return true, nil
}
