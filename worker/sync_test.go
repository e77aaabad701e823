package worker_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/csvimport"
	"ocophub/catalog/demo"
	"ocophub/catalog/photo/phototest"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	"ocophub/connectors"
	"ocophub/connectors/driver"
	"ocophub/connectors/lazada"
	"ocophub/connectors/sandbox"
	lazadasb "ocophub/connectors/sandbox/lazada"
	shopeesb "ocophub/connectors/sandbox/shopee"
	zalosb "ocophub/connectors/sandbox/zalo"
	"ocophub/connectors/shopee"
	"ocophub/connectors/zalo"
	"ocophub/worker"
)

// redisAddr is the test Redis (TEST_REDIS_ADDR, default the local one):
// engineers running suites side by side give each its own server.
var redisAddr = cmp.Or(os.Getenv("TEST_REDIS_ADDR"), "127.0.0.1:6379")

// testRedis is a Redis DB of this package's own (TEST_WORKER_REDIS_URL or
// DB 14), flushed before each test: asynq queues live there.
func testRedis(t *testing.T) *redis.Client { return redisDB(t, "TEST_WORKER_REDIS_URL", 14) }

// redisDB is the Redis DB that env names (default: DB db on the local
// Redis), flushed before the test: a DB this package's tests own.
func redisDB(t *testing.T, env string, db int) *redis.Client {
	url := os.Getenv(env)
	if url == "" {
		url = fmt.Sprintf("redis://%s/%d", redisAddr, db)
	}
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	c := redis.NewClient(opt)
	require.NoError(t, c.Ping(context.Background()).Err(), "Redis at %s (run `make test`, which starts it)", url)
	require.NoError(t, c.FlushDB(context.Background()).Err())
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// platform is one marketplace of the end-to-end test: its sandbox and how
// to make the hub's driver for it.
type platform struct {
	name    catalog.Platform
	srv     *sandbox.Server
	factory worker.DriverFactory
}

func startPlatforms(t *testing.T) []*platform {
	t.Helper()
	var out []*platform
	sp, err := shopeesb.Start("127.0.0.1:0", shopeesb.Options{PushTimeScale: 0.001})
	require.NoError(t, err)
	partner, _ := strconv.ParseInt(shopeesb.DefaultApp.Key, 10, 64)
	out = append(out, &platform{name: catalog.PlatformShopee, srv: sp, factory: func(s catalog.Shop, ts driver.TokenSource) driver.Driver {
		id, _ := strconv.ParseInt(s.ExternalID, 10, 64)
		return shopee.New(shopee.Config{BaseURL: sp.URL, PartnerID: partner, PartnerKey: shopeesb.DefaultApp.Secret, ShopID: id}, ts)
	}})
	lz, err := lazadasb.Start("127.0.0.1:0", lazadasb.Options{PushTimeScale: 0.001})
	require.NoError(t, err)
	out = append(out, &platform{name: catalog.PlatformLazada, srv: lz, factory: func(s catalog.Shop, ts driver.TokenSource) driver.Driver {
		return lazada.New(lazada.Config{BaseURL: lz.URL + "/rest", AuthURL: lz.URL, AppKey: lazadasb.DefaultApp.Key,
			AppSecret: lazadasb.DefaultApp.Secret, ShopID: s.ExternalID}, ts)
	}})
	za, err := zalosb.Start("127.0.0.1:0", zalosb.Options{PushTimeScale: 0.001})
	require.NoError(t, err)
	out = append(out, &platform{name: catalog.PlatformZalo, srv: za, factory: func(s catalog.Shop, ts driver.TokenSource) driver.Driver {
		return zalo.New(zalo.Config{BaseURL: za.URL, AppID: zalosb.DefaultApp.Key, AppSecret: zalosb.DefaultApp.Secret,
			OASecretKey: zalosb.DefaultOASecretKey, ShopID: s.ExternalID}, ts)
	}})
	t.Cleanup(func() {
		for _, p := range out {
			_ = p.srv.Close()
		}
	})
	return out
}

// connect authorizes a new sandbox shop for the co-op, as the shops page
// will: code from the authorization page, exchange by the driver, token
// sealed in the store.
func connect(t *testing.T, ctx context.Context, st *store.Store, p *platform, coopID int64) catalog.Shop {
	t.Helper()
	view := p.srv.Engine.CreateShop("HTX chè Hảo Đạt", "VN")
	app := p.srv.Engine.DefaultApp()
	code, err := p.srv.Engine.IssueCode(app.Key, view.ID, "")
	require.NoError(t, err)
	ext := strconv.FormatInt(view.ID, 10)
	d := p.factory(catalog.Shop{ExternalID: ext}, nil)
	tok, err := d.ExchangeCode(ctx, driver.Callback{Code: code, ShopID: ext})
	require.NoError(t, err)
	sealed, err := worker.SealToken(tok)
	require.NoError(t, err)
	shop := catalog.Shop{CoopID: coopID, Platform: p.name, ExternalID: ext, Name: string(p.name)}
	require.NoError(t, st.ConnectShop(ctx, &shop, sealed, tok.AccessExpiresAt, tok.RefreshExpiresAt, time.Time{}))
	return shop
}

// channelStock reads a seller SKU's stock from a sandbox's state.
func channelStock(p *platform, sku string) (int64, bool) {
	for _, s := range p.srv.Engine.State().Shops {
		for _, it := range s.Items {
			if it.Status == sandbox.ItemDeleted {
				continue
			}
			for _, k := range it.SKUs {
				if k.SellerSKU == sku {
					return k.Stock, true
				}
			}
		}
	}
	return 0, false
}

func control(t *testing.T, p *platform, path string, body any, out any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(p.srv.URL+path, "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// TestSyncEndToEnd: the demo co-op publishes a product to Shopee, Lazada
// and Zalo; a buyer on Lazada takes 2 units and the other two shops drop by
// 2; the order is cancelled on the channel and the units come back
// everywhere. PostgreSQL, Redis, the three sandboxes and the real worker.
func TestSyncEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(storetest.Operator(), 90*time.Second)
	defer cancel()
	keys, err := store.ParseKeys(store.NewKey("k1"))
	require.NoError(t, err)
	st := storetest.OpenWith(t, store.Postgres, store.Options{Keys: keys})
	rep, err := csvimport.ImportFile(ctx, st, demo.CSV, "demo.csv", catalog.ImportOptions{Actor: "test"})
	require.NoError(t, err)
	photos := phototest.Library(t)
	phototest.AddToAll(t, ctx, st, photos)
	require.True(t, rep.Written)
	products, _, err := st.ListProducts(ctx, catalog.ListQuery{Q: "hao dat"})
	require.NoError(t, err)
	require.Len(t, products, 1)
	product := products[0]

	rdb := testRedis(t)
	platforms := startPlatforms(t)
	factories := map[catalog.Platform]worker.DriverFactory{}
	for _, p := range platforms {
		factories[p.name] = p.factory
	}
	w := worker.New(worker.Config{Store: st, Redis: rdb, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Channels:      &worker.Channels{Store: st, Locker: redislock.New(rdb), Factories: factories, Options: connectors.Options{}},
		SweepInterval: 500 * time.Millisecond, PollInterval: time.Hour, Photos: photos})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	defer func() { stop(); <-done }()

	shops := map[catalog.Platform]catalog.Shop{}
	for _, p := range platforms {
		shop := connect(t, ctx, st, p, product.CoopID)
		shops[p.name] = shop
		for _, v := range product.Variants {
			_, err := st.AddListing(ctx, shop.ID, v.ID)
			require.NoError(t, err)
		}
		_, err := w.Client().Enqueue(worker.PublishTask(shop.ID, product.ID))
		require.NoError(t, err)
	}

	want := map[string]int64{"CHE-HAODAT-100G": 120, "CHE-HAODAT-200G": 80, "CHE-HAODAT-500G": 30}
	eventually(t, "published with the catalog stock on every shop", func() error {
		for _, p := range platforms {
			for sku, q := range want {
				got, ok := channelStock(p, sku)
				if !ok || got != q {
					ls, _, _ := st.ListListings(ctx, shops[p.name].ID, catalog.ListQuery{})
					var states []string
					for _, l := range ls {
						states = append(states, string(l.Status)+" "+l.Error)
					}
					return fmt.Errorf("%s %s: stock %d (listed %v), want %d; listings %q", p.name, sku, got, ok, q, states)
				}
			}
		}
		return nil
	})

	// A buyer on Lazada takes 2 boxes of 100 g.
	lz := platforms[1]
	var o sandbox.Order
	require.Equal(t, http.StatusOK, control(t, lz, fmt.Sprintf("/_sandbox/shops/%s/orders", shops[catalog.PlatformLazada].ExternalID),
		map[string]any{"lines": []map[string]any{{"seller_sku": "CHE-HAODAT-100G", "quantity": 2}}}, &o))
	require.NoError(t, w.Poll(ctx, shops[catalog.PlatformLazada].ID))
	eventually(t, "the other shops drop by 2", func() error {
		for _, p := range platforms {
			if got, _ := channelStock(p, "CHE-HAODAT-100G"); got != 118 {
				return fmt.Errorf("%s shows %d, want 118", p.name, got)
			}
		}
		return nil
	})
	levels, err := st.StockLevels(ctx, product.Variants[0].ID)
	require.NoError(t, err)
	require.Equal(t, int64(120), levels[0].OnHand)
	require.Equal(t, int64(2), levels[0].Reserved, "the order reserved 2")

	// Ingesting the same order again changes nothing.
	require.NoError(t, w.Poll(ctx, shops[catalog.PlatformLazada].ID))
	levels, _ = st.StockLevels(ctx, product.Variants[0].ID)
	require.Equal(t, int64(2), levels[0].Reserved)

	// The buyer cancels on Lazada: the units come back everywhere.
	require.Equal(t, http.StatusOK, control(t, lz, fmt.Sprintf("/_sandbox/shops/%s/orders/%s/status", shops[catalog.PlatformLazada].ExternalID, o.SN),
		map[string]any{"status": "cancelled", "reason": "buyer"}, nil))
	require.NoError(t, w.Poll(ctx, shops[catalog.PlatformLazada].ID))
	eventually(t, "cancelled units return to every shop", func() error {
		for _, p := range platforms {
			if got, _ := channelStock(p, "CHE-HAODAT-100G"); got != 120 {
				return fmt.Errorf("%s shows %d, want 120", p.name, got)
			}
		}
		return nil
	})
	levels, _ = st.StockLevels(ctx, product.Variants[0].ID)
	require.Equal(t, int64(0), levels[0].Reserved)

	// The order's life is in its audit trail.
	hubOrder, err := st.OrderByExternalID(ctx, shops[catalog.PlatformLazada].ID, strconv.FormatInt(o.ID, 10))
	require.NoError(t, err)
	events, err := st.OrderHistory(ctx, hubOrder.ID)
	require.NoError(t, err)
	require.Len(t, events, 2)
	require.Equal(t, catalog.OrderReadyToShip, events[0].Status)
	require.Equal(t, catalog.StockReserved, events[0].StockState)
	require.Equal(t, catalog.OrderCancelled, events[1].Status)
	require.Equal(t, catalog.StockReleased, events[1].StockState)
}

func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		if err = check(); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: %v", what, err)
}
