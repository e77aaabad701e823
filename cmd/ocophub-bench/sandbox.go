package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"ocophub/connectors"
	"ocophub/connectors/driver"
	"ocophub/connectors/lazada"
	"ocophub/connectors/sandbox"
	lazadasb "ocophub/connectors/sandbox/lazada"
	shopeesb "ocophub/connectors/sandbox/shopee"
	zalosb "ocophub/connectors/sandbox/zalo"
	"ocophub/connectors/shopee"
	"ocophub/connectors/zalo"
)

type sandboxBenchConfig struct {
	duration time.Duration
	workers  int
	skus     int
}

// platformUnderLoad starts one sandbox and makes a driver for a shop on it.
type platformUnderLoad struct {
	name   string
	app    sandbox.App
	start  func() (*sandbox.Server, error)
	driver func(url string, shopID int64, ts driver.TokenSource) driver.Driver
}

var platforms = []platformUnderLoad{
	{"shopee", shopeesb.DefaultApp,
		func() (*sandbox.Server, error) { return shopeesb.Start("127.0.0.1:0", shopeesb.Options{}) },
		func(url string, shopID int64, ts driver.TokenSource) driver.Driver {
			partner, _ := strconv.ParseInt(shopeesb.DefaultApp.Key, 10, 64)
			return shopee.New(shopee.Config{BaseURL: url, PartnerID: partner, PartnerKey: shopeesb.DefaultApp.Secret, ShopID: shopID}, ts)
		}},
	{"lazada", lazadasb.DefaultApp,
		func() (*sandbox.Server, error) { return lazadasb.Start("127.0.0.1:0", lazadasb.Options{}) },
		func(url string, shopID int64, ts driver.TokenSource) driver.Driver {
			return lazada.New(lazada.Config{BaseURL: url + "/rest", AuthURL: url, AppKey: lazadasb.DefaultApp.Key,
				AppSecret: lazadasb.DefaultApp.Secret, ShopID: strconv.FormatInt(shopID, 10)}, ts)
		}},
	{"zalo", zalosb.DefaultApp,
		func() (*sandbox.Server, error) { return zalosb.Start("127.0.0.1:0", zalosb.Options{}) },
		func(url string, shopID int64, ts driver.TokenSource) driver.Driver {
			return zalo.New(zalo.Config{BaseURL: url, AppID: zalosb.DefaultApp.Key, AppSecret: zalosb.DefaultApp.Secret,
				OASecretKey: zalosb.DefaultOASecretKey, ShopID: strconv.FormatInt(shopID, 10)}, ts)
		}},
}

// fixedToken is a token source for a benchmark shop whose token never
// expires during the run.
type fixedToken struct{ t driver.Token }

func (f fixedToken) Token(context.Context) (driver.Token, error) { return f.t, nil }

// runSandboxBench measures signed single-SKU stock updates through each
// real driver against its sandbox on loopback: the calls per second one
// sandbox serves with client and server sharing the machine.
func runSandboxBench(ctx context.Context, cfg sandboxBenchConfig, out io.Writer) error {
	for _, p := range platforms {
		if err := benchPlatform(ctx, p, cfg, out); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
	}
	return nil
}

func benchPlatform(ctx context.Context, p platformUnderLoad, cfg sandboxBenchConfig, out io.Writer) error {
	srv, err := p.start()
	if err != nil {
		return err
	}
	defer srv.Close()
	shop := srv.Engine.CreateShop("HTX bench", "VN")
	code, err := srv.Engine.IssueCode(p.app.Key, shop.ID, "")
	if err != nil {
		return err
	}
	connect := p.driver(srv.URL, shop.ID, nil)
	tok, err := connect.ExchangeCode(ctx, driver.Callback{Code: code, ShopID: strconv.FormatInt(shop.ID, 10)})
	if err != nil {
		return err
	}
	d := p.driver(srv.URL, shop.ID, fixedToken{tok})
	ch := connectors.New(d, nil, connectors.Options{})
	updates, err := benchListings(ctx, ch, cfg.skus)
	if err != nil {
		return err
	}

	var (
		calls, failures atomic.Int64
		mu              sync.Mutex
		latencies       []time.Duration
		wg              sync.WaitGroup
	)
	deadline := time.Now().Add(cfg.duration)
	start := time.Now()
	for w := 0; w < cfg.workers; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 7))
			var mine []time.Duration
			for time.Now().Before(deadline) && ctx.Err() == nil {
				u := updates[rng.IntN(len(updates))]
				u.Quantity = int64(rng.IntN(1000))
				t0 := time.Now()
				res, err := d.SetStock(ctx, []driver.StockUpdate{u})
				mine = append(mine, time.Since(t0))
				calls.Add(1)
				if err != nil || len(res) != 1 || res[0].Err != nil {
					failures.Add(1)
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}(uint64(w))
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	p99 := latencies[int(float64(len(latencies)-1)*0.99)]
	fmt.Fprintf(out, "bench-sandbox platform=%s rps=%.0f p99_ms=%.2f calls=%d failures=%d workers=%d\n",
		p.name, float64(calls.Load())/elapsed.Seconds(), ms(p99), calls.Load(), failures.Load(), cfg.workers)
	return nil
}

// benchListings creates listings holding n SKUs and returns a stock update
// per SKU, with the platform's ids filled in.
func benchListings(ctx context.Context, ch *connectors.Channel, n int) ([]driver.StockUpdate, error) {
	img, err := ch.UploadImage(ctx, "bench.png", benchPNG)
	if err != nil {
		return nil, err
	}
	category, attrs, err := benchCategory(ctx, ch)
	if err != nil {
		return nil, err
	}
	per := min(ch.Capabilities().StockBatch, 10)
	var updates []driver.StockUpdate
	for i := 0; len(updates) < n; i++ {
		l := driver.Listing{Title: fmt.Sprintf("Chè bench %d", i), Description: "Chè Tân Cương dùng để đo tải.",
			CategoryID: category, Attributes: attrs, Images: []string{img}, Active: true}
		for v := 0; v < per && len(updates)+v < n; v++ {
			l.Variants = append(l.Variants, driver.Variant{SellerSKU: fmt.Sprintf("B%d-%d", i, v), Name: fmt.Sprintf("Hộp %d", v),
				Price: 95000, Stock: 100, WeightG: 100})
		}
		got, err := ch.CreateListing(ctx, l)
		if err != nil {
			return nil, err
		}
		for _, v := range got.Variants {
			updates = append(updates, driver.StockUpdate{ItemID: got.ItemID, ModelID: v.ModelID, SellerSKU: v.SellerSKU})
		}
	}
	return updates, nil
}

// benchPNG is a 1×1 PNG.
var benchPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

// benchCategory is the platform's tea leaf with a value for each of its
// mandatory attributes.
func benchCategory(ctx context.Context, ch *connectors.Channel) (string, map[string]string, error) {
	cats, err := ch.Categories(ctx)
	if err != nil {
		return "", nil, err
	}
	for _, c := range cats {
		if !c.Leaf || c.Name != "Trà" {
			continue
		}
		attrs, err := ch.CategoryAttributes(ctx, c.ID)
		if err != nil {
			return "", nil, err
		}
		values := map[string]string{}
		for _, a := range attrs {
			switch {
			case !a.Mandatory:
			case a.InputType == driver.InputNumber:
				values[a.ID] = "100"
			case len(a.Options) > 0:
				values[a.ID] = a.Options[0]
			default:
				values[a.ID] = "Thái Nguyên"
			}
		}
		return c.ID, values, nil
	}
	return "", nil, fmt.Errorf("%s has no tea category", ch.Capabilities().Platform)
}
