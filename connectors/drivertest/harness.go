// Package drivertest is the conformance suite every marketplace driver
// passes: the HTTP drivers against their sandboxes, the in-memory driver
// against the sandbox engine. When the driver contract changes, the suite
// changes first.
package drivertest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/connectors"
	"ocophub/connectors/driver"
	"ocophub/connectors/sandbox"
)

// redisAddr is the test Redis (TEST_REDIS_ADDR, default the local one):
// engineers running suites side by side give each its own server.
var redisAddr = cmp.Or(os.Getenv("TEST_REDIS_ADDR"), "127.0.0.1:6379")

// Harness makes drivers for the suite. One Harness serves one test run.
type Harness interface {
	// Sandbox is the base URL of the platform's sandbox: its control API
	// under /_sandbox/ is what the suite uses to play buyer and saboteur.
	Sandbox() string
	// MakeDriver returns a driver for the shop, reading its token from ts.
	// pageSize, when > 0, asks the driver to use small pages so the suite
	// can walk pagination; timeout bounds one HTTP call.
	MakeDriver(shopID int64, ts driver.TokenSource, opt DriverOptions) driver.Driver
	// Close stops what the harness started.
	Close()
}

// DriverOptions tune a driver for a test.
type DriverOptions struct {
	PageSize int
	Timeout  time.Duration
}

// Shop is a connected test shop: a Channel over the driver under test
// with real token refresh (SharedTokens over a Redis lock).
type Shop struct {
	ID      int64
	Driver  driver.Driver
	Channel *connectors.Channel
	Tokens  *connectors.SharedTokens
	Control *Control
	// Refreshes counts token refreshes that reached the platform.
	Refreshes *atomic.Int32
	// rebuild makes the same shop's driver over another token source.
	rebuild func(ts driver.TokenSource) driver.Driver
}

// Control drives a sandbox through its control API.
type Control struct {
	Base   string
	ShopID int64
	t      testing.TB
}

func (c *Control) post(path string, in, out any) int {
	c.t.Helper()
	body, err := json.Marshal(in)
	require.NoError(c.t, err)
	resp, err := http.Post(c.Base+path, "application/json", bytes.NewReader(body))
	require.NoError(c.t, err)
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

func (c *Control) shopPath(p string) string {
	return "/_sandbox/shops/" + strconv.FormatInt(c.ShopID, 10) + p
}

// SetFaults replaces the shop's faults.
func (c *Control) SetFaults(f sandbox.Faults) {
	require.Equal(c.t, http.StatusOK, c.post(c.shopPath("/faults"), f, nil))
}

// ExpireTokens makes the shop's access tokens expire now.
func (c *Control) ExpireTokens() {
	require.Equal(c.t, http.StatusOK, c.post(c.shopPath("/expire_tokens"), struct{}{}, nil))
}

// SetReserved locks units of a SKU as a platform promotion would.
func (c *Control) SetReserved(sellerSKU string, n int64) {
	require.Equal(c.t, http.StatusOK, c.post(c.shopPath("/reserved"), map[string]any{"seller_sku": sellerSKU, "reserved": n}, nil))
}

// PlaceOrder buys qty units of a SKU as a buyer; it reports the order's
// platform id, or "" when the channel's own stock was too low.
func (c *Control) PlaceOrder(sellerSKU string, qty int64) string {
	var o sandbox.Order
	status := c.post(c.shopPath("/orders"), map[string]any{"lines": []map[string]any{{"seller_sku": sellerSKU, "quantity": qty}}}, &o)
	if status == http.StatusConflict {
		return ""
	}
	require.Equal(c.t, http.StatusOK, status)
	return o.SN
}

// OrderIDs are the sandbox's ids of o as each platform shows them: the
// suite accepts either the order SN or the numeric id.
func orderMatches(id string, o sandbox.Order) bool {
	return id == o.SN || id == strconv.FormatInt(o.ID, 10)
}

// State reads the sandbox state.
func (c *Control) State() sandbox.State {
	c.t.Helper()
	resp, err := http.Get(c.Base + "/_sandbox/state")
	require.NoError(c.t, err)
	defer resp.Body.Close()
	var st sandbox.State
	require.NoError(c.t, json.NewDecoder(resp.Body).Decode(&st))
	return st
}

// ShopState is this shop's part of State.
func (c *Control) ShopState() sandbox.ShopState {
	for _, s := range c.State().Shops {
		if s.ID == c.ShopID {
			return s
		}
	}
	c.t.Fatalf("shop %d not in sandbox state", c.ShopID)
	return sandbox.ShopState{}
}

// Stock is the channel's own stock of a seller SKU.
func (c *Control) Stock(sellerSKU string) int64 {
	for _, it := range c.ShopState().Items {
		if it.Status == sandbox.ItemDeleted {
			continue
		}
		for _, k := range it.SKUs {
			if k.SellerSKU == sellerSKU {
				return k.Stock
			}
		}
	}
	c.t.Fatalf("seller SKU %s not in the sandbox", sellerSKU)
	return 0
}

// PlatformCalls is how many platform API calls the sandbox has answered
// so far, for every shop (the control API is not counted). Drivers that
// call the engine directly (mem) make none.
func (c *Control) PlatformCalls() int {
	n := 0
	for _, v := range c.State().Calls {
		n += v
	}
	return n
}

// pushes captures the webhooks the sandbox sends.
type pushes struct {
	srv *httptest.Server
	ch  chan capturedPush
}

type capturedPush struct {
	url    string
	header http.Header
	body   []byte
}

func newPushes() *pushes {
	p := &pushes{ch: make(chan capturedPush, 1024)}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		p.ch <- capturedPush{url: "http://" + r.Host + r.URL.RequestURI(), header: r.Header.Clone(), body: body}
	}))
	return p
}

// redisLocker is the real Redis the token locks live in: TEST_REDIS_URL or
// DB 12 of the local server (the suite only sets lock keys, which expire).
var (
	lockerOnce sync.Once
	locker     *redislock.Client
	lockerErr  error
)

func redisLocker(t testing.TB) *redislock.Client {
	lockerOnce.Do(func() {
		url := os.Getenv("TEST_REDIS_URL")
		if url == "" {
			url = "redis://" + redisAddr + "/12"
		}
		opt, err := redis.ParseURL(url)
		if err != nil {
			lockerErr = err
			return
		}
		client := redis.NewClient(opt)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := client.Ping(ctx).Err(); err != nil {
			lockerErr = fmt.Errorf("redis at %s: %w (run `make test`, which starts it)", url, err)
			return
		}
		locker = redislock.New(client)
	})
	require.NoError(t, lockerErr)
	return locker
}

// connectShop creates a sandbox shop, authorizes the app through the
// control API (the page without a browser), exchanges the code with the
// driver under test and wires a Channel with shared tokens.
func connectShop(t *testing.T, h Harness, opt DriverOptions) *Shop {
	t.Helper()
	ctrl := &Control{Base: h.Sandbox(), t: t}
	var shop sandbox.ShopView
	require.Equal(t, http.StatusCreated, ctrl.post("/_sandbox/shops", map[string]string{"name": "HTX " + t.Name()}, &shop))
	ctrl.ShopID = shop.ID
	var code struct{ Code string }
	require.Equal(t, http.StatusOK, ctrl.post("/_sandbox/authorize", map[string]any{"shop_id": shop.ID, "redirect": "http://127.0.0.1/cb"}, &code))

	store := &connectors.MemoryTokens{}
	key := fmt.Sprintf("%s:%d:%d", t.Name(), shop.ID, time.Now().UnixNano())
	tokens := &connectors.SharedTokens{Key: key, Store: store, Locker: redisLocker(t)}
	d := h.MakeDriver(shop.ID, tokens, opt)
	tok, err := d.ExchangeCode(context.Background(), driver.Callback{Code: code.Code, ShopID: strconv.FormatInt(shop.ID, 10)})
	require.NoError(t, err, "exchange the authorization code")
	require.NotEmpty(t, tok.AccessToken)
	require.NotEmpty(t, tok.RefreshToken)
	require.NoError(t, store.SaveToken(context.Background(), key, tok))
	refreshes := &atomic.Int32{}
	tokens.Refresher = func(ctx context.Context, t driver.Token) (driver.Token, error) {
		refreshes.Add(1)
		return d.RefreshToken(ctx, t)
	}
	ch := connectors.New(d, tokens, connectors.Options{BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond})
	return &Shop{ID: shop.ID, Driver: d, Channel: ch, Tokens: tokens, Control: ctrl, Refreshes: refreshes,
		rebuild: func(ts driver.TokenSource) driver.Driver { return h.MakeDriver(shop.ID, ts, opt) }}
}
