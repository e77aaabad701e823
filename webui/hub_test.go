package webui_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/csvimport"
	"ocophub/catalog/demo"
	"ocophub/catalog/photo"
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
	"ocophub/webui"
	"ocophub/worker"
	"ocophub/worker/ops"
)

// redisAddr is the test Redis (TEST_REDIS_ADDR, default the local one):
// engineers running suites side by side give each its own server.
var redisAddr = cmp.Or(os.Getenv("TEST_REDIS_ADDR"), "127.0.0.1:6379")

// hub is the whole system behind the browser: PostgreSQL, Redis, the three
// marketplace sandboxes (one seller shop each), the real worker, and the
// API with the web UI on one gin engine, as `ocophub dev` serves them.
type hub struct {
	ctx       context.Context
	st        *store.Store
	url       string
	platforms map[catalog.Platform]*platform
	// cmds are the sync operations the pages start (connect, publish).
	cmds *ops.Commands
	// photos holds the photos' files; every demo product has one.
	photos *photo.Library
}

// platform is a sandbox and the engine shop a seller authorizes there.
type platform struct {
	srv    *sandbox.Server
	shopID int64
}

// hubOnce serializes hubs: they share Redis DB 9.
var hubOnce sync.Mutex

// startHub starts the hub, with the demo catalog when seed is true.
func startHub(t *testing.T, seed bool) *hub {
	t.Helper()
	hubOnce.Lock()
	t.Cleanup(hubOnce.Unlock)
	ctx, cancel := context.WithTimeout(storetest.Operator(), 3*time.Minute)
	t.Cleanup(cancel)
	keys, err := store.ParseKeys(store.NewKey("k1"))
	require.NoError(t, err)
	h := &hub{ctx: ctx, platforms: map[catalog.Platform]*platform{}}
	h.st = storetest.OpenWith(t, store.Postgres, store.Options{Keys: keys})
	h.photos = phototest.Library(t)
	if seed {
		_, err := csvimport.ImportFile(ctx, h.st, demo.CSV, "demo.csv", catalog.ImportOptions{Actor: "test"})
		require.NoError(t, err)
		phototest.AddToAll(t, ctx, h.st, h.photos)
	}
	rdb := testRedis(t)
	factories := startPlatforms(t, h)
	drivers := map[catalog.Platform]func(catalog.Shop) driver.Driver{}
	for p, f := range factories {
		drivers[p] = func(s catalog.Shop) driver.Driver { return f(s, nil) }
	}
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	channels := &worker.Channels{Store: h.st, Locker: redislock.New(rdb), Factories: factories,
		Options: connectors.Options{Categories: &connectors.CategoryCache{}}, Limiter: worker.NewRateLimiter(rdb)}
	w := worker.New(worker.Config{Store: h.st, Redis: rdb, Logger: quiet, Channels: channels,
		SweepInterval: 500 * time.Millisecond, PollInterval: time.Hour, Photos: h.photos})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })

	stateKey := make([]byte, 32)
	_, _ = rand.Read(stateKey)
	syncDeps := &api.SyncDeps{Store: h.st, Tasks: asynq.NewClientFromRedisClient(rdb), Drivers: drivers,
		Wake: w.Wake, StateKey: stateKey, Channels: channels}
	auth, err := api.NewAuth(api.AuthConfig{Accounts: h.st, Limiter: api.NewLoginLimiter(rdb, api.LoginLimits{}), Logger: quiet})
	require.NoError(t, err)
	router, err := api.New(api.Deps{Store: h.st, Sync: syncDeps, Auth: auth, Logger: quiet,
		Photos: &api.PhotoDeps{Store: h.st, Library: h.photos}})
	require.NoError(t, err)
	jobs := asynq.NewInspectorFromRedisClient(rdb)
	cmds := syncDeps.Commands()
	cmds.Runner = jobs
	h.cmds = cmds
	mount, err := webui.New(webui.Deps{Store: h.st, Commands: cmds, Jobs: jobs, Wake: w.Wake, Logger: quiet, Photos: h.photos,
		Authenticate: auth.Authenticate, Login: auth.LoginForm(), CSRFToken: auth.CSRFToken})
	require.NoError(t, err)
	mount(router)
	srv := httptest.NewServer(router)
	t.Cleanup(srv.Close)
	h.url = srv.URL
	for name, p := range h.platforms {
		require.Equal(t, http.StatusOK, h.control(t, p, "/_sandbox/push",
			map[string]any{"url": srv.URL + "/webhooks/" + string(name), "enabled": true}, nil))
	}
	return h
}

// testRedis is Redis DB 9 (TEST_WEBUI_REDIS_URL), this package's own,
// flushed before each hub.
func testRedis(t *testing.T) *redis.Client {
	url := os.Getenv("TEST_WEBUI_REDIS_URL")
	if url == "" {
		url = "redis://" + redisAddr + "/9"
	}
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	c := redis.NewClient(opt)
	require.NoError(t, c.Ping(context.Background()).Err(), "Redis at %s (run `make test`, which starts it)", url)
	require.NoError(t, c.FlushDB(context.Background()).Err())
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// startPlatforms starts the three sandboxes, each with a seller shop to
// authorize, and returns the hub's driver factories for them.
func startPlatforms(t *testing.T, h *hub) map[catalog.Platform]worker.DriverFactory {
	t.Helper()
	sp, err := shopeesb.Start("127.0.0.1:0", shopeesb.Options{PushTimeScale: 0.001})
	require.NoError(t, err)
	lz, err := lazadasb.Start("127.0.0.1:0", lazadasb.Options{PushTimeScale: 0.001})
	require.NoError(t, err)
	za, err := zalosb.Start("127.0.0.1:0", zalosb.Options{PushTimeScale: 0.001})
	require.NoError(t, err)
	for name, srv := range map[catalog.Platform]*sandbox.Server{catalog.PlatformShopee: sp, catalog.PlatformLazada: lz, catalog.PlatformZalo: za} {
		t.Cleanup(func() { _ = srv.Close() })
		shop := srv.Engine.CreateShop("HTX chè Hảo Đạt", "VN")
		h.platforms[name] = &platform{srv: srv, shopID: shop.ID}
	}
	partner, _ := strconv.ParseInt(shopeesb.DefaultApp.Key, 10, 64)
	return map[catalog.Platform]worker.DriverFactory{
		catalog.PlatformShopee: func(s catalog.Shop, ts driver.TokenSource) driver.Driver {
			id, _ := strconv.ParseInt(s.ExternalID, 10, 64)
			return shopee.New(shopee.Config{BaseURL: sp.URL, PartnerID: partner, PartnerKey: shopeesb.DefaultApp.Secret, ShopID: id}, ts)
		},
		catalog.PlatformLazada: func(s catalog.Shop, ts driver.TokenSource) driver.Driver {
			return lazada.New(lazada.Config{BaseURL: lz.URL + "/rest", AuthURL: lz.URL, AppKey: lazadasb.DefaultApp.Key,
				AppSecret: lazadasb.DefaultApp.Secret, ShopID: s.ExternalID}, ts)
		},
		catalog.PlatformZalo: func(s catalog.Shop, ts driver.TokenSource) driver.Driver {
			return zalo.New(zalo.Config{BaseURL: za.URL, AppID: zalosb.DefaultApp.Key, AppSecret: zalosb.DefaultApp.Secret,
				OASecretKey: zalosb.DefaultOASecretKey, ShopID: s.ExternalID}, ts)
		},
	}
}

// control calls a sandbox's control API.
func (h *hub) control(t *testing.T, p *platform, path string, body, out any) int {
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

// channelStock is a seller SKU's stock on a sandbox.
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

// productByCode reads a product of the catalog by its code.
func (h *hub) productByCode(code string) (catalog.Product, error) {
	ps, _, err := h.st.ListProducts(h.ctx, catalog.ListQuery{Q: code, Limit: catalog.MaxLimit})
	if err != nil {
		return catalog.Product{}, err
	}
	for _, p := range ps {
		if p.Code == code {
			return p, nil
		}
	}
	return catalog.Product{}, fmt.Errorf("no product %s", code)
}

// password is every test account's.
const password = "chè-xanh-Tân-Cương-2026"

// addUser creates an account: the operator, or a manager of co-op code.
func (h *hub) addUser(t *testing.T, username string, role catalog.Role, coopCode string) {
	t.Helper()
	u := catalog.User{Username: username, Name: username, Role: role}
	if coopCode != "" {
		coops, _, err := h.st.ListCoops(h.ctx, catalog.ListQuery{Limit: catalog.MaxLimit})
		require.NoError(t, err)
		for _, c := range coops {
			if c.Code == coopCode {
				u.CoopID = c.ID
			}
		}
		require.NotZero(t, u.CoopID, "co-op %s", coopCode)
	}
	require.NoError(t, h.st.CreateUser(h.ctx, &u, password))
}
