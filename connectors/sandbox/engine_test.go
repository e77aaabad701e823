package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/sandbox"
)

// fakeClock is a settable clock for token and rate-limit tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var app = sandbox.App{Key: "app-1", Secret: "secret-1"}

func newEngine(t *testing.T, clock *fakeClock) *sandbox.Engine {
	t.Helper()
	e := sandbox.NewEngine(sandbox.Config{Platform: "test", Apps: []sandbox.App{app}, Now: clock.Now,
		CodeTTL: 10 * time.Minute, AccessTTL: 4 * time.Hour, RefreshTTL: 30 * 24 * time.Hour,
		OldAccessGrace: 5 * time.Minute, PushSchedule: []time.Duration{time.Second, time.Second}, PushTimeScale: 0.001})
	t.Cleanup(e.Close)
	return e
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)} }

func TestOAuthCodesAndRotation(t *testing.T) {
	clock := newClock()
	e := newEngine(t, clock)
	shop := e.CreateShop("HTX chè", "VN")

	code, err := e.IssueCode(app.Key, shop.ID, "http://app/cb")
	require.NoError(t, err)
	_, err = e.ExchangeCode("other-app", code, 0)
	require.ErrorIs(t, err, sandbox.ErrInvalidCode, "a code belongs to its app")
	pair, err := e.ExchangeCode(app.Key, code, shop.ID)
	require.NoError(t, err)
	_, err = e.ExchangeCode(app.Key, code, shop.ID)
	require.ErrorIs(t, err, sandbox.ErrInvalidCode, "single use")

	late, _ := e.IssueCode(app.Key, shop.ID, "")
	clock.Add(11 * time.Minute)
	_, err = e.ExchangeCode(app.Key, late, 0)
	require.ErrorIs(t, err, sandbox.ErrInvalidCode, "expired")

	got, err := e.Authenticate(app.Key, pair.AccessToken)
	require.NoError(t, err)
	require.Equal(t, shop.ID, got)

	next, err := e.Refresh(app.Key, pair.RefreshToken)
	require.NoError(t, err)
	require.NotEqual(t, pair.RefreshToken, next.RefreshToken)
	_, err = e.Refresh(app.Key, pair.RefreshToken)
	require.ErrorIs(t, err, sandbox.ErrInvalidRefresh, "refresh tokens are single use")

	_, err = e.Authenticate(app.Key, pair.AccessToken)
	require.NoError(t, err, "the old access token has a grace period")
	clock.Add(5 * time.Minute)
	_, err = e.Authenticate(app.Key, pair.AccessToken)
	require.ErrorIs(t, err, sandbox.ErrTokenExpired)

	require.Equal(t, 1, e.ExpireTokens(shop.ID))
	_, err = e.Authenticate(app.Key, next.AccessToken)
	require.ErrorIs(t, err, sandbox.ErrTokenExpired)
	_, err = e.Authenticate(app.Key, "nonsense")
	require.ErrorIs(t, err, sandbox.ErrTokenInvalid)
}

func newListing(t *testing.T, e *sandbox.Engine, shopID int64, stock int64) sandbox.Item {
	t.Helper()
	img, err := e.UploadImage([]byte("png"))
	require.NoError(t, err)
	it, err := e.CreateItem(shopID, sandbox.NewItem{Name: "Chè Tân Cương", Images: []string{img},
		SKUs: []sandbox.NewSKU{{SellerSKU: "CHE-100G", Price: 95000, Stock: stock}, {SellerSKU: "CHE-200G", Price: 180000, Stock: stock}}})
	require.NoError(t, err)
	return it
}

func TestCatalogStockRules(t *testing.T) {
	e := newEngine(t, newClock())
	shop := e.CreateShop("HTX", "")
	it := newListing(t, e, shop.ID, 10)

	_, err := e.CreateItem(shop.ID, sandbox.NewItem{Name: "dup", SKUs: []sandbox.NewSKU{{SellerSKU: "CHE-100G", Price: 1}}})
	require.ErrorIs(t, err, sandbox.ErrDuplicateSKU)
	_, err = e.CreateItem(shop.ID, sandbox.NewItem{Name: "x", Images: []string{"not-uploaded"}})
	require.ErrorIs(t, err, sandbox.ErrImageUnknown)

	ref := sandbox.SKURef{SellerSKU: "CHE-100G"}
	_, err = e.SetReserved(shop.ID, ref, 4)
	require.NoError(t, err)
	_, err = e.SetStock(shop.ID, ref, 3)
	require.ErrorIs(t, err, sandbox.ErrBelowReserved)
	k, err := e.SetStock(shop.ID, sandbox.SKURef{ID: it.SKUs[0].ID}, 7)
	require.NoError(t, err)
	require.Equal(t, int64(7), k.Stock)
	_, err = e.AdjustStock(shop.ID, ref, -4)
	require.ErrorIs(t, err, sandbox.ErrBelowReserved)
	k, err = e.AdjustStock(shop.ID, ref, -3)
	require.NoError(t, err)
	require.Equal(t, int64(4), k.Stock)

	found, sku, err := e.ItemBySellerSKU(shop.ID, "CHE-200G")
	require.NoError(t, err)
	require.Equal(t, it.ID, found.ID)
	require.Equal(t, int64(180000), sku.Price)

	require.NoError(t, e.DeleteItem(shop.ID, it.ID))
	_, _, err = e.ItemBySellerSKU(shop.ID, "CHE-200G")
	require.ErrorIs(t, err, sandbox.ErrNotFound)
	items, total, err := e.Items(shop.ID, sandbox.ItemQuery{})
	require.NoError(t, err)
	require.Zero(t, total)
	require.Empty(t, items)
}

func TestOrdersTakeChannelStockAndCancelReturnsIt(t *testing.T) {
	e := newEngine(t, newClock())
	shop := e.CreateShop("HTX", "")
	newListing(t, e, shop.ID, 2)
	buy := []sandbox.Buy{{SKU: sandbox.SKURef{SellerSKU: "CHE-100G"}, Quantity: 2}}

	o, err := e.PlaceOrder(shop.ID, "an", buy, "")
	require.NoError(t, err)
	require.Equal(t, sandbox.OrderReadyToShip, o.Status)
	require.Equal(t, int64(190000), o.Total)
	_, err = e.PlaceOrder(shop.ID, "binh", buy, "")
	require.ErrorIs(t, err, sandbox.ErrOutOfStock, "the channel's own stock is spent")

	_, err = e.SetOrderStatus(shop.ID, o.SN, sandbox.OrderDelivered, "")
	require.ErrorIs(t, err, sandbox.ErrBadTransition)
	_, err = e.SetOrderStatus(shop.ID, o.SN, sandbox.OrderCancelled, "buyer changed mind")
	require.NoError(t, err)
	_, err = e.PlaceOrder(shop.ID, "binh", buy, "")
	require.NoError(t, err, "cancel put the units back")

	shipped, err := e.Ship(shop.ID, mustLastOrder(t, e, shop.ID).SN, "")
	require.NoError(t, err)
	require.Equal(t, sandbox.OrderShipped, shipped.Status)
	require.NotEmpty(t, shipped.Tracking)

	orders, total, err := e.Orders(shop.ID, sandbox.OrderQuery{Limit: 1})
	require.NoError(t, err)
	require.Equal(t, 2, total)
	require.Len(t, orders, 1)
}

func mustLastOrder(t *testing.T, e *sandbox.Engine, shopID int64) sandbox.Order {
	orders, _, err := e.Orders(shopID, sandbox.OrderQuery{})
	require.NoError(t, err)
	return orders[len(orders)-1]
}

func TestBuyersNeverOversellTheChannel(t *testing.T) {
	e := newEngine(t, newClock())
	shop := e.CreateShop("HTX", "")
	newListing(t, e, shop.ID, 25)
	res, err := e.SimulateBuyers(context.Background(), shop.ID, sandbox.BuyerSpec{
		SellerSKUs: []string{"CHE-100G", "CHE-200G"}, Buyers: 200})
	require.NoError(t, err)
	require.Equal(t, 200, res.Attempts)
	require.Equal(t, 50, res.Succeeded)
	require.Equal(t, 150, res.OutOfStock)
	require.Equal(t, map[string]int64{"CHE-100G": 25, "CHE-200G": 25}, res.SoldBySKU)
}

func TestFaultsThrottleWithTheEngineClock(t *testing.T) {
	clock := newClock()
	e := newEngine(t, clock)
	shop := e.CreateShop("HTX", "")
	require.NoError(t, e.SetFaults(shop.ID, sandbox.Faults{QPS: 1}))
	ctx := context.Background()
	require.Equal(t, sandbox.Pass, e.Admit(ctx, shop.ID))
	require.Equal(t, sandbox.Throttled, e.Admit(ctx, shop.ID))
	clock.Add(time.Second)
	require.Equal(t, sandbox.Pass, e.Admit(ctx, shop.ID))

	require.NoError(t, e.SetFaults(shop.ID, sandbox.Faults{ErrorRate: 1}))
	require.Equal(t, sandbox.ServerError, e.Admit(ctx, shop.ID))
	require.NoError(t, e.SetFaults(shop.ID, sandbox.Faults{TimeoutRate: 1, TimeoutAfterMS: 10}))
	start := time.Now()
	require.Equal(t, sandbox.Timeout, e.Admit(ctx, shop.ID))
	require.GreaterOrEqual(t, time.Since(start), 10*time.Millisecond)
}

// TestPushRetriesThenLoses: a callback that fails twice then succeeds gets
// the push on the third attempt; with pushes off the event is kept as lost.
func TestPushRetriesThenLoses(t *testing.T) {
	e := newEngine(t, newClock())
	var attempts atomic.Int32
	var got atomic.Value
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if attempts.Add(1) < 3 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		got.Store(string(body) + "|" + r.Header.Get("X-Test-Sign"))
	}))
	defer cb.Close()
	e.SetPushFormatter(func(url string, ev sandbox.PushEvent) ([]byte, http.Header) {
		body, _ := json.Marshal(map[string]any{"order": ev.Order.SN, "status": ev.Order.Status})
		return body, http.Header{"X-Test-Sign": {"signed:" + url}}
	})
	e.SetPushTarget(cb.URL, true)
	shop := e.CreateShop("HTX", "")
	newListing(t, e, shop.ID, 5)
	o, err := e.PlaceOrder(shop.ID, "an", []sandbox.Buy{{SKU: sandbox.SKURef{SellerSKU: "CHE-100G"}, Quantity: 1}}, "")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return got.Load() != nil }, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, `{"order":"`+o.SN+`","status":"ready_to_ship"}|signed:`+cb.URL, got.Load())
	require.Equal(t, int32(3), attempts.Load())

	require.NoError(t, e.SetShopPush(shop.ID, false))
	_, err = e.SetOrderStatus(shop.ID, o.SN, sandbox.OrderCancelled, "")
	require.NoError(t, err)
	require.Eventually(t, func() bool { msgs, _ := e.LostPushes(10); return len(msgs) == 1 }, 5*time.Second, 5*time.Millisecond)
	msgs, more := e.LostPushes(10)
	require.False(t, more)
	require.True(t, strings.Contains(string(msgs[0].Body), `"status":"cancelled"`))
	e.ConfirmLostPushes(msgs[0].ID)
	msgs, _ = e.LostPushes(10)
	require.Empty(t, msgs)
}

func TestControlAPI(t *testing.T) {
	e := newEngine(t, newClock())
	srv, err := sandbox.Serve("127.0.0.1:0", e, http.NotFoundHandler())
	require.NoError(t, err)
	defer srv.Close()
	post := func(path, body string) (int, map[string]any) {
		resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	status, shop := post("/_sandbox/shops", `{"name":"HTX Riti"}`)
	require.Equal(t, http.StatusCreated, status)
	id := int64(shop["shop_id"].(float64))
	newListing(t, e, id, 1)
	path := "/_sandbox/shops/" + jsonNumber(id)
	status, _ = post(path+"/orders", `{"lines":[{"seller_sku":"CHE-100G","quantity":1}]}`)
	require.Equal(t, http.StatusOK, status)
	status, out := post(path+"/orders", `{"lines":[{"seller_sku":"CHE-100G","quantity":1}]}`)
	require.Equal(t, http.StatusConflict, status, "out of channel stock: %v", out)
	status, _ = post(path+"/faults", `{"qps":5}`)
	require.Equal(t, http.StatusOK, status)
	status, _ = post("/_sandbox/shops/999/faults", `{}`)
	require.Equal(t, http.StatusNotFound, status)

	resp, err := http.Get(srv.URL + "/_sandbox/state")
	require.NoError(t, err)
	defer resp.Body.Close()
	var st sandbox.State
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	require.Len(t, st.Shops, 1)
	require.Len(t, st.Shops[0].Orders, 1)
	require.Equal(t, 5.0, st.Shops[0].Faults.QPS)
	require.Equal(t, int64(0), st.Shops[0].Items[0].SKUs[0].Stock)
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestStateShowsImageSizes: the control state lists each item's images,
// decoded from the uploaded bytes, which the control API serves back.
func TestStateShowsImageSizes(t *testing.T) {
	e := newEngine(t, &fakeClock{t: time.Unix(1_700_000_000, 0)})
	srv := httptest.NewServer(sandbox.ControlHandler(e))
	t.Cleanup(srv.Close)
	shopID := e.CreateShop("Cửa hàng ảnh", "VN").ID
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 640, 480))))
	img, err := e.UploadImage(buf.Bytes())
	require.NoError(t, err)
	_, err = e.CreateItem(shopID, sandbox.NewItem{Name: "Mật ong", Images: []string{img},
		SKUs: []sandbox.NewSKU{{SellerSKU: "MO-1", Price: 1000, Stock: 1}}})
	require.NoError(t, err)

	resp, err := http.Get(srv.URL + "/_sandbox/state")
	require.NoError(t, err)
	defer resp.Body.Close()
	var st struct {
		Shops []struct {
			Items []struct {
				Images []struct {
					ID     string `json:"id"`
					Width  int    `json:"width"`
					Height int    `json:"height"`
				} `json:"images"`
			} `json:"items"`
		} `json:"shops"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	require.Len(t, st.Shops[0].Items[0].Images, 1)
	got := st.Shops[0].Items[0].Images[0]
	require.Equal(t, img, got.ID)
	require.Equal(t, [2]int{640, 480}, [2]int{got.Width, got.Height})

	raw, err := http.Get(srv.URL + "/_sandbox/images/" + img)
	require.NoError(t, err)
	defer raw.Body.Close()
	body, err := io.ReadAll(raw.Body)
	require.NoError(t, err)
	require.Equal(t, buf.Bytes(), body)
	require.Equal(t, "image/png", raw.Header.Get("Content-Type"))
}
