package main

import (
	"cmp"
	"context"
	"fmt"
	"image/color"
	"io"
	"log/slog"
	"slices"
	"time"

	"ocophub/catalog"
	"ocophub/catalog/csvimport"
	"ocophub/catalog/demo"
	"ocophub/catalog/photo"
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
	if err := seedDemoPhotos(ctx, st); err != nil {
		return false, fmt.Errorf("demo photos: %w", err)
	}
	return true, nil
}

// groupColours are the two colours of a demo product's illustration, by
// OCOP group.
var groupColours = map[catalog.Group][2]color.RGBA{
	catalog.GroupFood:       {{0xc8, 0x6b, 0x1e, 0xff}, {0xf2, 0xc1, 0x4e, 0xff}},
	catalog.GroupBeverage:   {{0x2e, 0x7d, 0x32, 0xff}, {0xa5, 0xd6, 0xa7, 0xff}},
	catalog.GroupHerbal:     {{0x55, 0x8b, 0x2f, 0xff}, {0xdc, 0xe7, 0x75, 0xff}},
	catalog.GroupHandicraft: {{0x6d, 0x4c, 0x41, 0xff}, {0xd7, 0xcc, 0xc8, 0xff}},
	catalog.GroupOrnamental: {{0xad, 0x14, 0x57, 0xff}, {0xf8, 0xbb, 0xd0, 0xff}},
	catalog.GroupTourism:    {{0x15, 0x65, 0xc0, 0xff}, {0x90, 0xca, 0xf9, 0xff}},
}

// seedDemoPhotos gives every demo product a cover photo so `make run`
// shows photos in the lists and publishes to the sandboxes: simple
// illustrations drawn here in the colours of the product's OCOP group
// (nothing is downloaded; they are not photos of the real products).
func seedDemoPhotos(ctx context.Context, st *stack) error {
	products, _, err := st.store.ListProducts(ctx, catalog.ListQuery{Limit: 200})
	if err != nil {
		return err
	}
	drawn := map[catalog.Group]photo.Photo{} // one illustration per OCOP group, processed once
	for _, p := range products {
		pic, ok := drawn[p.Group]
		if !ok {
			c := groupColours[p.Group]
			if pic, err = photo.Process(photo.Illustration(800, 800, "jpeg", c[0], c[1])); err != nil {
				return err
			}
			if err := st.photos.Save(ctx, pic); err != nil {
				return err
			}
			drawn[p.Group] = pic
		}
		if _, err := st.store.AddProductImages(ctx, p.ID, []catalog.ProductImage{pic.Image(p.ID, nil)}); err != nil {
			return fmt.Errorf("%s: %w", p.Code, err)
		}
	}
	slog.Info("demo photos drawn", "products", len(products))
	return nil
}
