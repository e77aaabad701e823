package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	"ocophub/connectors/driver"
	"ocophub/connectors/lazada"
	lazadasb "ocophub/connectors/sandbox/lazada"
	"ocophub/connectors/zalo"
	"ocophub/worker"
)

// fakeTasks records what the API enqueues instead of talking to Redis.
type fakeTasks struct {
	mu    sync.Mutex
	tasks []*asynq.Task
	// conflict answers like asynq for a task whose id is already taken;
	// err like asynq with Redis down.
	conflict bool
	err      error
}

func (f *fakeTasks) EnqueueContext(_ context.Context, t *asynq.Task, _ ...asynq.Option) (*asynq.TaskInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.err != nil:
		return nil, f.err
	case f.conflict:
		return nil, asynq.ErrTaskIDConflict
	}
	f.tasks = append(f.tasks, t)
	return &asynq.TaskInfo{Type: t.Type(), Payload: t.Payload()}, nil
}

// take returns the tasks enqueued since the last take.
func (f *fakeTasks) take() []*asynq.Task {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.tasks
	f.tasks = nil
	return out
}

func (f *fakeTasks) set(conflict bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.conflict, f.err = conflict, err
}

// requireTasks checks the enqueued tasks, kind and payload, in order.
func requireTasks(t *testing.T, f *fakeTasks, want ...*asynq.Task) {
	t.Helper()
	got := f.take()
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i].Type(), got[i].Type())
		require.JSONEq(t, string(want[i].Payload()), string(got[i].Payload()))
	}
}

// newSyncServer is the router with the channel routes.
func newSyncServer(t *testing.T, st *store.Store, sd *api.SyncDeps) *testServer {
	t.Helper()
	return startServer(t, api.Deps{Store: st, Sync: sd})
}

// keyedStore is a store that can seal tokens.
func keyedStore(t *testing.T, d store.Dialect) *store.Store {
	t.Helper()
	keys, err := store.ParseKeys(store.NewKey("k1"))
	require.NoError(t, err)
	return storetest.OpenWith(t, d, store.Options{Keys: keys})
}

func eachKeyed(t *testing.T, body func(t *testing.T, st *store.Store)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { body(t, keyedStore(t, d)) })
	}
}

// noRedirects is a browser that shows each redirect instead of following.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// fetch sends req as a browser that does not follow redirects; requests
// to the hub carry the test's operator token (other sites never see it).
func (s *testServer) fetch(req *http.Request) response {
	s.t.Helper()
	if strings.HasPrefix(req.URL.String(), s.URL+"/") && req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	res, err := noRedirects.Do(req)
	require.NoError(s.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(s.t, err)
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func (s *testServer) browse(rawURL string) response {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	require.NoError(s.t, err)
	return s.fetch(req)
}

// TestConnectLazadaShop connects a Lazada sandbox shop the way a seller
// does: the hub redirects to the authorization page, the seller approves,
// Lazada redirects back to the hub's callback with a code and the state.
func TestConnectLazadaShop(t *testing.T) {
	eachKeyed(t, func(t *testing.T, st *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, st, "LZ")
		other := storetest.NewFixture(t, st, "OTHER")
		sb, err := lazadasb.Start("127.0.0.1:0", lazadasb.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = sb.Close() })
		seller := sb.Engine.CreateShop("HTX chè Hảo Đạt", "VN")
		ext := strconv.FormatInt(seller.ID, 10)

		tasks := &fakeTasks{}
		srv := newSyncServer(t, st, &api.SyncDeps{Store: st, Tasks: tasks, StateKey: []byte("test state key"),
			Drivers: map[catalog.Platform]func(catalog.Shop) driver.Driver{
				catalog.PlatformLazada: func(s catalog.Shop) driver.Driver {
					return lazada.New(lazada.Config{BaseURL: sb.URL + "/rest", AuthURL: sb.URL, AppKey: lazadasb.DefaultApp.Key,
						AppSecret: lazadasb.DefaultApp.Secret, ShopID: s.ExternalID}, nil)
				},
				// Never called: the state is refused first.
				catalog.PlatformZalo: func(s catalog.Shop) driver.Driver {
					return zalo.New(zalo.Config{BaseURL: "http://127.0.0.1:1", AppID: "1", AppSecret: "x"}, nil)
				},
			}})

		// The hub sends the seller to Lazada's authorization page.
		r := srv.browse(srv.URL + "/api/v1/shops/connect/lazada?coop_id=" + itoa(f.Coop.ID))
		require.Equal(t, http.StatusFound, r.Status, "body: %s", r.Body)
		authorize := r.Header.Get("Location")
		require.True(t, strings.HasPrefix(authorize, sb.URL+"/oauth/authorize?"), authorize)
		au, err := url.Parse(authorize)
		require.NoError(t, err)
		require.Equal(t, srv.URL+"/api/v1/shops/callback/lazada", au.Query().Get("redirect_uri"))
		require.Equal(t, lazadasb.DefaultApp.Key, au.Query().Get("client_id"))
		state := au.Query().Get("state")
		require.NotEmpty(t, state)

		page := srv.browse(authorize)
		require.Equal(t, http.StatusOK, page.Status)
		require.Contains(t, string(page.Body), "HTX chè Hảo Đạt")

		// The seller approves; Lazada redirects to the hub with a code.
		req, err := http.NewRequest(http.MethodPost, authorize, strings.NewReader(url.Values{"shop_id": {ext}, "approve": {"1"}}.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r = srv.fetch(req)
		require.Equal(t, http.StatusFound, r.Status, "body: %s", r.Body)
		callback := r.Header.Get("Location")
		require.True(t, strings.HasPrefix(callback, srv.URL+"/api/v1/shops/callback/lazada?"), callback)
		cu, err := url.Parse(callback)
		require.NoError(t, err)
		require.Equal(t, state, cu.Query().Get("state"))

		// A state that is not exactly the hub's is refused before the code
		// is spent: another co-op, a forged signature, none, another
		// platform's callback.
		withState := func(path, s string) string {
			q := cu.Query()
			q.Set("state", s)
			return srv.URL + path + "?" + q.Encode()
		}
		coopPart, rest, _ := strings.Cut(state, ".")
		sig := state[strings.LastIndex(state, ".")+1:]
		flipped := "A"
		if sig[0] == 'A' {
			flipped = "B"
		}
		for _, bad := range []string{
			withState(cu.Path, itoa(other.Coop.ID)+"."+rest),
			withState(cu.Path, state[:len(state)-len(sig)]+flipped+sig[1:]),
			withState(cu.Path, ""),
			withState(cu.Path, coopPart),
			withState("/api/v1/shops/callback/zalo", state),
		} {
			fields := requireError(t, srv.browse(bad), http.StatusBadRequest, catalog.CodeInvalidArgument)
			require.Contains(t, fields, "state", bad)
		}
		_, err = st.ShopByExternalID(ctx, catalog.PlatformLazada, ext)
		require.Equal(t, catalog.CodeNotFound, catalog.ErrorCode(err), "nothing connected yet")

		// The real callback connects the shop.
		r = srv.browse(callback)
		requireSchema(t, "Shop", r.Body)
		shop := decode[catalog.Shop](t, r, http.StatusOK)
		require.Equal(t, f.Coop.ID, shop.CoopID)
		require.Equal(t, catalog.PlatformLazada, shop.Platform)
		require.Equal(t, ext, shop.ExternalID)
		require.Equal(t, "Lazada "+ext, shop.Name)
		require.True(t, shop.Connected)
		require.False(t, shop.AccessExpiresAt.IsZero())
		require.Equal(t, `"`+itoa(shop.Version)+`"`, r.Header.Get("ETag"))
		require.NotContains(t, string(r.Body), "token", "tokens never leave the store")

		stored, err := st.ShopByExternalID(ctx, catalog.PlatformLazada, ext)
		require.NoError(t, err)
		require.Equal(t, shop.ID, stored.ID)
		raw, err := st.ShopToken(ctx, shop.ID)
		require.NoError(t, err)
		var tok driver.Token
		require.NoError(t, json.Unmarshal(raw, &tok))
		require.NotEmpty(t, tok.AccessToken)
		require.NotEmpty(t, tok.RefreshToken)
		require.Equal(t, ext, tok.ShopID)
		var sealed []byte
		require.NoError(t, st.DB().Raw("SELECT token_ciphertext FROM shops WHERE id = ?", shop.ID).Row().Scan(&sealed))
		require.NotEmpty(t, sealed)
		require.False(t, bytes.Contains(sealed, []byte(tok.AccessToken)), "the token is sealed at rest")
		require.False(t, bytes.Contains(sealed, []byte(tok.RefreshToken)), "the token is sealed at rest")

		r = srv.get("/api/v1/shops/" + itoa(shop.ID))
		require.Equal(t, shop, decode[catalog.Shop](t, r, http.StatusOK))

		// The code is single-use: replaying the callback is Lazada's refusal.
		requireError(t, srv.browse(callback), http.StatusUnauthorized, catalog.CodeUnauthenticated)

		// Bad connect requests.
		requireError(t, srv.browse(srv.URL+"/api/v1/shops/connect/lazada"), http.StatusBadRequest, catalog.CodeInvalidArgument)
		fields := requireError(t, srv.browse(srv.URL+"/api/v1/shops/connect/lazada?coop_id=999999"), http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, fields, "coop_id")
		requireError(t, srv.browse(srv.URL+"/api/v1/shops/connect/ebay?coop_id="+itoa(f.Coop.ID)), http.StatusNotFound, catalog.CodeNotFound)
		requireError(t, srv.browse(srv.URL+"/api/v1/shops/connect/shopee?coop_id="+itoa(f.Coop.ID)), http.StatusNotFound, catalog.CodeNotFound)
		require.Empty(t, tasks.take(), "connecting queues nothing")
	})
}

// TestConnectNeedsAStateKey: without a key nothing is signed, so nothing
// can be connected.
func TestConnectNeedsAStateKey(t *testing.T) {
	st := keyedStore(t, store.SQLite)
	f := storetest.NewFixture(t, st, "NK")
	srv := newSyncServer(t, st, &api.SyncDeps{Store: st, Tasks: &fakeTasks{},
		Drivers: map[catalog.Platform]func(catalog.Shop) driver.Driver{
			catalog.PlatformLazada: func(s catalog.Shop) driver.Driver { return lazada.New(lazada.Config{AppKey: "1"}, nil) },
		}})
	requireError(t, srv.browse(srv.URL+"/api/v1/shops/connect/lazada?coop_id="+itoa(f.Coop.ID)), http.StatusInternalServerError, catalog.CodeInternal)
	requireError(t, srv.browse(srv.URL+"/api/v1/shops/callback/lazada?code=x&state=1.lazada.9999999999.00.AA"), http.StatusInternalServerError, catalog.CodeInternal)
}

// connectedShop records a Lazada shop for the co-op without OAuth.
func connectedShop(t *testing.T, st *store.Store, coopID int64, ext string) catalog.Shop {
	t.Helper()
	shop := catalog.Shop{CoopID: coopID, Platform: catalog.PlatformLazada, ExternalID: ext, Name: "Lazada " + ext}
	require.NoError(t, st.ConnectShop(storetest.Operator(), &shop, []byte(`{"access_token":"a"}`), time.Now().Add(time.Hour), time.Time{}, time.Time{}))
	return shop
}

// TestShopAndListingRoutes: stock rule with versions, listing a product
// queues its publication, "Đẩy lại" queues a push, the push history.
func TestShopAndListingRoutes(t *testing.T) {
	eachKeyed(t, func(t *testing.T, st *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, st, "A")
		g := storetest.NewFixture(t, st, "B")
		p := f.Product("CHE-A", 1, 2)
		require.NoError(t, st.CreateProduct(ctx, &p))
		foreign := g.Product("CHE-B", 2, 1)
		require.NoError(t, st.CreateProduct(ctx, &foreign))
		shop := connectedShop(t, st, f.Coop.ID, "5001")
		connectedShop(t, st, g.Coop.ID, "5002")
		tasks := &fakeTasks{}
		srv := newSyncServer(t, st, &api.SyncDeps{Store: st, Tasks: tasks, StateKey: []byte("k")})
		base := "/api/v1/shops/" + itoa(shop.ID)

		// Shops.
		r := srv.get("/api/v1/shops?coop_id=" + itoa(f.Coop.ID))
		requireSchema(t, "ShopList", r.Body)
		requireListShape(t, r.Body)
		shops := decode[list[catalog.Shop]](t, r, http.StatusOK)
		require.Len(t, shops.Items, 1)
		require.Equal(t, shop.ID, shops.Items[0].ID)
		require.Len(t, decode[list[catalog.Shop]](t, srv.get("/api/v1/shops"), http.StatusOK).Items, 2)
		r = srv.get(base)
		requireSchema(t, "Shop", r.Body)
		require.Equal(t, `"1"`, r.Header.Get("ETag"))
		requireError(t, srv.get("/api/v1/shops/999999"), http.StatusNotFound, catalog.CodeNotFound)
		requireError(t, srv.get("/api/v1/shops/abc"), http.StatusBadRequest, catalog.CodeInvalidArgument)

		// Stock rule: version required, stale refused, every bad field named.
		rule := map[string]any{"buffer_units": 2, "ratio_percent": 50, "max_shown": 0, "warehouse_ids": []int64{f.Warehouse.ID}}
		fields := requireError(t, srv.send("PUT", base+"/stock-rule", rule), http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, fields, "version")
		r = srv.send("PUT", base+"/stock-rule", rule, "If-Match", `"1"`)
		requireSchema(t, "Shop", r.Body)
		updated := decode[catalog.Shop](t, r, http.StatusOK)
		require.Equal(t, `"2"`, r.Header.Get("ETag"))
		require.Equal(t, catalog.StockRule{BufferUnits: 2, RatioPercent: 50, WarehouseIDs: []int64{f.Warehouse.ID}}, updated.Rule)
		requireError(t, srv.send("PUT", base+"/stock-rule", rule, "If-Match", `"1"`), http.StatusConflict, catalog.CodeConflict)
		fields = requireError(t, srv.send("PUT", base+"/stock-rule", map[string]any{"ratio_percent": 150, "buffer_units": -1,
			"warehouse_ids": []int64{f.Warehouse.ID, g.Warehouse.ID}, "version": 2}), http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Equal(t, []string{"buffer_units", "ratio_percent", "warehouse_ids[1]"}, keysOf(fields))
		requireError(t, srv.send("PUT", base+"/stock-rule", map[string]any{"ratio": 1, "version": 2}), http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Empty(t, tasks.take(), "no live listing: nothing to push")

		// Listing a product: its variants as drafts, one publish queued.
		r = srv.send("POST", base+"/listings", map[string]any{"product_id": p.ID})
		requireSchema(t, "ListingList", r.Body)
		added := decode[list[catalog.Listing]](t, r, http.StatusAccepted)
		require.Len(t, added.Items, 2)
		for i, l := range added.Items {
			require.Equal(t, p.Variants[i].ID, l.VariantID)
			require.Equal(t, catalog.ListingDraft, l.Status)
			require.Equal(t, shop.ID, l.ShopID)
		}
		requireTasks(t, tasks, worker.PublishTask(shop.ID, p.ID))

		// By variant: the existing listing comes back, publish queued again.
		r = srv.send("POST", base+"/listings", map[string]any{"variant_ids": []int64{p.Variants[0].ID, p.Variants[0].ID}})
		again := decode[list[catalog.Listing]](t, r, http.StatusAccepted)
		require.Len(t, again.Items, 1)
		require.Equal(t, added.Items[0].ID, again.Items[0].ID)
		requireTasks(t, tasks, worker.PublishTask(shop.ID, p.ID))

		// A publish already queued is not an error.
		tasks.set(true, nil)
		decode[list[catalog.Listing]](t, srv.send("POST", base+"/listings", map[string]any{"product_id": p.ID}), http.StatusAccepted)
		tasks.set(false, errors.New("redis: connection refused"))
		requireError(t, srv.send("POST", base+"/listings", map[string]any{"product_id": p.ID}), http.StatusServiceUnavailable, catalog.CodeUnavailable)
		tasks.set(false, nil)

		for body, field := range map[string]string{
			`{}`: "body",
			`{"product_id":` + itoa(p.ID) + `,"variant_ids":[` + itoa(p.Variants[0].ID) + `]}`: "body",
			`{"product_id":` + itoa(foreign.ID) + `}`:                                          "product_id",
			`{"product_id":999999}`:                                   "product_id",
			`{"variant_ids":[` + itoa(p.Variants[1].ID) + `,999999]}`: "variant_ids[1]",
			`{"variant_ids":[` + itoa(foreign.Variants[0].ID) + `]}`:  "variant_ids[0]",
		} {
			fields := requireError(t, srv.send("POST", base+"/listings", body), http.StatusBadRequest, catalog.CodeInvalidArgument)
			require.Contains(t, fields, field, body)
		}
		requireError(t, srv.send("POST", "/api/v1/shops/999999/listings", map[string]any{"product_id": p.ID}), http.StatusNotFound, catalog.CodeNotFound)
		require.Empty(t, tasks.take())

		r = srv.get(base + "/listings")
		requireSchema(t, "ListingList", r.Body)
		requireListShape(t, r.Body)
		require.Len(t, decode[list[catalog.Listing]](t, r, http.StatusOK).Items, 2)
		requireError(t, srv.get("/api/v1/shops/999999/listings"), http.StatusNotFound, catalog.CodeNotFound)

		l := added.Items[0]
		r = srv.get("/api/v1/listings/" + itoa(l.ID))
		requireSchema(t, "Listing", r.Body)
		require.Equal(t, l.ID, decode[catalog.Listing](t, r, http.StatusOK).ID)
		require.Equal(t, `"1"`, r.Header.Get("ETag"))
		requireError(t, srv.get("/api/v1/listings/999999"), http.StatusNotFound, catalog.CodeNotFound)

		// "Đẩy lại": only a live listing has stock to push.
		push := "/api/v1/listings/" + itoa(l.ID) + "/push"
		requireError(t, srv.send("POST", push, ""), http.StatusConflict, catalog.CodeFailedPrecondition)
		require.NoError(t, st.SetListingState(ctx, l.ID, catalog.ListingLive, "", "ITEM-1", "SKU-1"))
		r = srv.do("POST", push, nil)
		requireSchema(t, "TaskAccepted", r.Body)
		require.JSONEq(t, `{"task":"queued"}`, string(r.Body))
		require.Equal(t, http.StatusAccepted, r.Status)
		requireTasks(t, tasks, worker.StockPushTask(l.ID))
		tasks.set(true, nil)
		r = srv.do("POST", push, nil)
		require.Equal(t, http.StatusAccepted, r.Status, "a coalesced push is still accepted")
		require.JSONEq(t, `{"task":"already_queued"}`, string(r.Body))
		tasks.set(false, errors.New("redis: connection refused"))
		requireError(t, srv.do("POST", push, nil), http.StatusServiceUnavailable, catalog.CodeUnavailable)
		tasks.set(false, nil)
		requireError(t, srv.do("POST", "/api/v1/listings/999999/push", nil), http.StatusNotFound, catalog.CodeNotFound)

		// A new rule changes what the shop shows: its live listings are pushed.
		r = srv.send("PUT", base+"/stock-rule", map[string]any{"buffer_units": 0, "ratio_percent": 100}, "If-Match", `"2"`)
		require.Equal(t, int64(3), decode[catalog.Shop](t, r, http.StatusOK).Version)
		requireTasks(t, tasks, worker.StockPushTask(l.ID))

		// Price rule: read with the shop's ETag, versioned write, every bad
		// field named; each product live on the shop gets a price update.
		r = srv.get(base + "/price-rule")
		requireSchema(t, "PriceRule", r.Body)
		require.Equal(t, catalog.PriceRule{}, decode[catalog.PriceRule](t, r, http.StatusOK))
		require.Equal(t, `"3"`, r.Header.Get("ETag"))
		plus10 := map[string]any{"kind": "percent", "value": 10, "round_to": 1000}
		fields = requireError(t, srv.send("PUT", base+"/price-rule", plus10), http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, fields, "version")
		fields = requireError(t, srv.send("PUT", base+"/price-rule", map[string]any{"kind": "percent", "value": -100, "round_to": 250, "version": 3}),
			http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Equal(t, []string{"round_to", "value"}, keysOf(fields))
		requireError(t, srv.send("PUT", base+"/price-rule", map[string]any{"percent": 10, "version": 3}), http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Empty(t, tasks.take(), "a refused rule queues nothing")
		r = srv.send("PUT", base+"/price-rule", plus10, "If-Match", `"3"`)
		requireSchema(t, "Shop", r.Body)
		require.Equal(t, catalog.PriceRule{Kind: catalog.PriceRulePercent, Value: 10, RoundTo: 1000}, decode[catalog.Shop](t, r, http.StatusOK).PriceRule)
		require.Equal(t, `"4"`, r.Header.Get("ETag"))
		requireTasks(t, tasks, worker.UpdateTask(shop.ID, p.ID))
		requireError(t, srv.send("PUT", base+"/price-rule", plus10, "If-Match", `"3"`), http.StatusConflict, catalog.CodeConflict)

		// The price each shop gets: 95.000 + 10 % = 104.500 → 105.000.
		r = srv.get("/api/v1/products/" + itoa(p.ID) + "/shop-prices")
		requireSchema(t, "ShopPriceList", r.Body)
		prices := decode[list[catalog.ShopPrice]](t, r, http.StatusOK).Items
		require.Len(t, prices, 2, "two variants, one shop of the co-op")
		require.Equal(t, l.ID, prices[0].ListingID)
		require.Equal(t, catalog.VND(105000), prices[0].Price)
		require.Equal(t, catalog.PriceFromRule, prices[0].Source)
		require.Equal(t, catalog.VND(209000), prices[1].Price, "190.000 + 10 %")
		requireError(t, srv.get("/api/v1/products/"+itoa(foreign.ID+1000)+"/shop-prices"), http.StatusNotFound, catalog.CodeNotFound)

		// Push history, newest first, limit ≤ 200.
		for i, q := range []int64{7, 5} {
			before := q + 1
			require.NoError(t, st.RecordPush(ctx, store.PushRecord{ListingID: l.ID, Kind: "stock", Before: &before, After: &q,
				Version: int64(i + 1), Result: "ok", RequestID: "req-" + itoa(int64(i)), Latency: 12 * time.Millisecond}))
		}
		r = srv.get("/api/v1/listings/" + itoa(l.ID) + "/pushes?limit=1")
		requireSchema(t, "PushAuditList", r.Body)
		requireListShape(t, r.Body)
		pushes := decode[list[store.PushAudit]](t, r, http.StatusOK)
		require.Len(t, pushes.Items, 1)
		require.Equal(t, int64(5), *pushes.Items[0].After)
		require.Equal(t, "req-1", pushes.Items[0].RequestID)
		require.Len(t, decode[list[store.PushAudit]](t, srv.get("/api/v1/listings/"+itoa(l.ID)+"/pushes"), http.StatusOK).Items, 2)
		r = srv.get("/api/v1/listings/" + itoa(added.Items[1].ID) + "/pushes")
		requireListShape(t, r.Body)
		require.Empty(t, decode[list[store.PushAudit]](t, r, http.StatusOK).Items)
		fields = requireError(t, srv.get("/api/v1/listings/"+itoa(l.ID)+"/pushes?limit=500"), http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, fields, "limit")
		requireError(t, srv.get("/api/v1/listings/999999/pushes"), http.StatusNotFound, catalog.CodeNotFound)
	})
}

// TestOrderRoutes: orders brought in are listed, and shipping a ready
// order queues order:ship.
func TestOrderRoutes(t *testing.T) {
	eachKeyed(t, func(t *testing.T, st *store.Store) {
		ctx := storetest.Operator()
		f := storetest.NewFixture(t, st, "O")
		p := f.Product("CHE-O", 3, 1)
		require.NoError(t, st.CreateProduct(ctx, &p))
		_, err := st.ChangeStock(ctx, catalog.StockChange{Op: catalog.OpAdjust, VariantID: p.Variants[0].ID, WarehouseID: f.Warehouse.ID,
			Quantity: 10, Reason: catalog.ReasonReceived, Actor: "test"})
		require.NoError(t, err)
		shop := connectedShop(t, st, f.Coop.ID, "6001")
		ingest := func(ext string, status catalog.OrderStatus) catalog.Order {
			o, _, err := st.IngestOrder(ctx, store.OrderIn{ShopID: shop.ID, ExternalID: ext, Status: status, PlatformStatus: string(status),
				Total: 190000, Lines: []catalog.OrderLine{{SellerSKU: string(p.Variants[0].SKU), Quantity: 2, Price: 95000}}})
			require.NoError(t, err)
			return o
		}
		ready := ingest("LZ-1", catalog.OrderReadyToShip)
		cancelled := ingest("LZ-2", catalog.OrderCancelled)
		shipped := ingest("LZ-3", catalog.OrderShipped)
		unpaid := ingest("LZ-4", catalog.OrderUnpaid)
		tasks := &fakeTasks{}
		srv := newSyncServer(t, st, &api.SyncDeps{Store: st, Tasks: tasks})

		r := srv.get("/api/v1/orders?coop_id=" + itoa(f.Coop.ID) + "&limit=3")
		requireSchema(t, "OrderList", r.Body)
		page := decode[list[catalog.Order]](t, r, http.StatusOK)
		require.Len(t, page.Items, 3)
		require.NotEmpty(t, page.NextCursor)
		page2 := decode[list[catalog.Order]](t, srv.get("/api/v1/orders?limit=3&cursor="+url.QueryEscape(page.NextCursor)), http.StatusOK)
		require.Len(t, page2.Items, 1)
		require.Empty(t, page2.NextCursor)
		requireError(t, srv.get("/api/v1/orders?limit=0x"), http.StatusBadRequest, catalog.CodeInvalidArgument)

		r = srv.get("/api/v1/orders/" + itoa(ready.ID))
		requireSchema(t, "Order", r.Body)
		got := decode[catalog.Order](t, r, http.StatusOK)
		require.Equal(t, ready.ExternalID, got.ExternalID)
		require.Equal(t, catalog.StockReserved, got.StockState)
		require.Len(t, got.Lines, 1)
		require.Equal(t, p.Variants[0].ID, got.Lines[0].VariantID)
		require.Equal(t, `"`+itoa(got.Version)+`"`, r.Header.Get("ETag"))
		requireError(t, srv.get("/api/v1/orders/999999"), http.StatusNotFound, catalog.CodeNotFound)

		// Ship: no body, or a tracking number.
		ship := "/api/v1/orders/" + itoa(ready.ID) + "/ship"
		r = srv.do("POST", ship, nil)
		require.Equal(t, http.StatusAccepted, r.Status, "body: %s", r.Body)
		requireSchema(t, "TaskAccepted", r.Body)
		requireTasks(t, tasks, worker.ShipTask(ready.ID, ""))
		r = srv.send("POST", ship, map[string]any{"tracking_number": " VN123456789 "})
		require.Equal(t, http.StatusAccepted, r.Status, "body: %s", r.Body)
		requireTasks(t, tasks, worker.ShipTask(ready.ID, "VN123456789"))
		tasks.set(true, nil)
		r = srv.send("POST", ship, map[string]any{})
		require.Equal(t, http.StatusAccepted, r.Status)
		require.JSONEq(t, `{"task":"already_queued"}`, string(r.Body))
		tasks.set(false, nil)

		fields := requireError(t, srv.send("POST", ship, map[string]any{"tracking_number": strings.Repeat("9", 65)}), http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, fields, "tracking_number")
		requireError(t, srv.send("POST", ship, map[string]any{"carrier": "x"}), http.StatusBadRequest, catalog.CodeInvalidArgument)
		requireError(t, srv.do("POST", ship, strings.NewReader("tracking"), "Content-Type", "text/plain"), http.StatusUnsupportedMediaType, codeUnsupported)
		for _, o := range []catalog.Order{cancelled, shipped, unpaid} {
			requireError(t, srv.do("POST", "/api/v1/orders/"+itoa(o.ID)+"/ship", nil), http.StatusConflict, catalog.CodeFailedPrecondition)
		}
		requireError(t, srv.do("POST", "/api/v1/orders/999999/ship", nil), http.StatusNotFound, catalog.CodeNotFound)
		require.Empty(t, tasks.take())
	})
}

const codeUnsupported catalog.Code = "unsupported_media_type"

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
