package shopee_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors"
	"ocophub/connectors/driver"
	"ocophub/connectors/sandbox"
	shopeesb "ocophub/connectors/sandbox/shopee"
	"ocophub/connectors/shopee"
)

// lostAnswers stands between the driver and the sandbox: the first call
// to path reaches the sandbox, but its answer is replaced by a 504, as
// when a gateway times out after the platform did the work.
func lostAnswers(t *testing.T, sandboxURL, path string) (*httptest.Server, *atomic.Int32) {
	target, err := url.Parse(sandboxURL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var lost atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path || !lost.CompareAndSwap(0, 1) {
			proxy.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		req, err := http.NewRequestWithContext(r.Context(), r.Method, sandboxURL+r.URL.RequestURI(), bytes.NewReader(body))
		require.NoError(t, err)
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "the sandbox did the work")
		w.WriteHeader(http.StatusGatewayTimeout)
		_, _ = io.WriteString(w, "<html>504 Gateway Time-out</html>")
	}))
	t.Cleanup(srv.Close)
	return srv, &lost
}

// sharedTokens is a Channel token store over a held pair, for tests that
// never need a refresh.
type sharedTokens struct{ *heldToken }

func (s sharedTokens) Refresh(context.Context, driver.Token) (driver.Token, error) {
	return driver.Token{}, driver.Errorf(driver.CodeUnauthenticated, "", "no refresh in this test")
}

// TestCreateWhoseAddItemAnswerIsLostMakesOneItem: add_item goes through
// but its answer is lost. The driver must find the bare item by its
// item_sku and finish it, not make a second one.
func TestCreateWhoseAddItemAnswerIsLostMakesOneItem(t *testing.T) {
	t.Parallel()
	srv, err := shopeesb.Start("127.0.0.1:0", shopeesb.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	proxy, lost := lostAnswers(t, srv.URL, "/api/v2/product/add_item")
	shop := srv.Engine.CreateShop("HTX "+t.Name(), "")
	code, err := srv.Engine.IssueCode(shopeesb.DefaultApp.Key, shop.ID, "http://127.0.0.1/cb")
	require.NoError(t, err)
	ts := &heldToken{}
	d := shopee.New(shopee.Config{BaseURL: proxy.URL, PartnerID: defaultPartnerID(), PartnerKey: shopeesb.DefaultApp.Secret,
		ShopID: shop.ID}, ts)
	ctx := context.Background()
	ts.t, err = d.ExchangeCode(ctx, driver.Callback{Code: code, ShopID: fmt.Sprint(shop.ID)})
	require.NoError(t, err)
	img, err := d.UploadImage(ctx, "mat.png", onePixelPNG)
	require.NoError(t, err)
	s := &sandboxShop{d: d, e: srv.Engine, id: shop.ID, img: img}

	ch := connectors.New(d, sharedTokens{ts}, connectors.Options{Sleep: func(context.Context, time.Duration) error { return nil }})
	got, err := ch.CreateListing(ctx, s.listing("LOST", 3))
	require.NoError(t, err)
	require.Equal(t, int32(1), lost.Load(), "the add_item answer was lost")
	require.Equal(t, 1, s.items(), "one item, not two")
	require.Len(t, got.Variants, 3, "the item was finished with its models")
	for _, v := range got.Variants {
		require.NotEmpty(t, v.ModelID)
		require.NotEqual(t, "0", v.ModelID, "%s is a model", v.SellerSKU)
	}

	it := srv.Engine.State().Shops[0].Items[0]
	require.Equal(t, sandbox.ItemLive, it.Status, "listed once its models exist")
	require.Len(t, it.SKUs, 3)
	for _, k := range it.SKUs {
		require.Equal(t, int64(8), k.Stock, "%s has its stock", k.SellerSKU)
	}
	found, err := ch.FindBySellerSKU(ctx, "LOST-2")
	require.NoError(t, err)
	require.Equal(t, got.ItemID, found.ItemID)
	require.True(t, found.Active)
}

// TestMultiVariantItemIsBareUntilItHasModels: until init_tier_variation,
// the item add_item made is unlisted with stock 0 (nobody can buy it) and
// already holds the first seller SKU as item_sku (a lookup finds it).
func TestMultiVariantItemIsBareUntilItHasModels(t *testing.T) {
	t.Parallel()
	srv, err := shopeesb.Start("127.0.0.1:0", shopeesb.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	target, err := url.Parse(srv.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	shop := srv.Engine.CreateShop("HTX "+t.Name(), "")
	// bare is the item as it stood when init_tier_variation arrived.
	type bare struct {
		err      error
		sameItem bool
		status   string
		stock    int64
	}
	var mu sync.Mutex
	var seen []bare
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v2/product/init_tier_variation" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var in struct {
				ItemID int64 `json:"item_id"`
				Model  []struct {
					ModelSKU string `json:"model_sku"`
				} `json:"model"`
			}
			b := bare{err: json.Unmarshal(body, &in)}
			if b.err == nil && len(in.Model) > 0 {
				var it sandbox.Item
				var k sandbox.SKU
				it, k, b.err = srv.Engine.ItemBySellerSKU(shop.ID, in.Model[0].ModelSKU)
				b.sameItem, b.status, b.stock = it.ID == in.ItemID, it.Status, k.Stock
			}
			mu.Lock()
			seen = append(seen, b)
			mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	code, err := srv.Engine.IssueCode(shopeesb.DefaultApp.Key, shop.ID, "http://127.0.0.1/cb")
	require.NoError(t, err)
	ts := &heldToken{}
	d := shopee.New(shopee.Config{BaseURL: front.URL, PartnerID: defaultPartnerID(), PartnerKey: shopeesb.DefaultApp.Secret,
		ShopID: shop.ID}, ts)
	ctx := context.Background()
	ts.t, err = d.ExchangeCode(ctx, driver.Callback{Code: code, ShopID: fmt.Sprint(shop.ID)})
	require.NoError(t, err)
	img, err := d.UploadImage(ctx, "mat.png", onePixelPNG)
	require.NoError(t, err)
	s := &sandboxShop{d: d, e: srv.Engine, id: shop.ID, img: img}

	got, err := d.CreateListing(ctx, s.listing("BARE", 2))
	require.NoError(t, err)
	mu.Lock()
	require.Len(t, seen, 1)
	require.NoError(t, seen[0].err, "the bare item holds the first seller SKU as its item_sku")
	require.Equal(t, bare{sameItem: true, status: sandbox.ItemInactive, stock: 0}, seen[0],
		"unlisted, without stock, until it has models")
	mu.Unlock()
	found, err := d.FindBySellerSKU(ctx, "BARE-1")
	require.NoError(t, err)
	require.Equal(t, got.ItemID, found.ItemID)
	require.True(t, found.Active, "listed after init_tier_variation")
	require.Equal(t, int64(8), found.Variants[1].Stock)

	// An inactive listing stays unlisted.
	l := s.listing("OFF", 2)
	l.Active = false
	_, err = d.CreateListing(ctx, l)
	require.NoError(t, err)
	mu.Lock()
	require.Len(t, seen, 2)
	require.Equal(t, bare{sameItem: true, status: sandbox.ItemInactive, stock: 0}, seen[1])
	mu.Unlock()
	found, err = d.FindBySellerSKU(ctx, "OFF-0")
	require.NoError(t, err)
	require.False(t, found.Active)
}

// TestFindReadsEverySearchPage: search_item answers fifty loose hits on
// its first page; the exact SKU is on the second.
func TestFindReadsEverySearchPage(t *testing.T) {
	t.Parallel()
	const want = 9051
	var mu sync.Mutex
	var offsets []string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch r.URL.Path {
		case "/api/v2/product/search_item":
			mu.Lock()
			offsets = append(offsets, q.Get("offset"))
			mu.Unlock()
			var ids []string
			next := `""`
			if q.Get("offset") == "0" {
				for i := range 50 {
					ids = append(ids, strconv.Itoa(9000+i))
				}
				next = `"50"`
			} else {
				ids = []string{"9050", strconv.Itoa(want)}
			}
			answer(200, `{"error":"","message":"","response":{"item_id_list":[`+strings.Join(ids, ",")+
				`],"total_count":52,"next_offset":`+next+`}}`)(w, r)
		case "/api/v2/product/get_item_base_info":
			var items []string
			for _, id := range strings.Split(q.Get("item_id_list"), ",") {
				n, _ := strconv.Atoi(id)
				sku := fmt.Sprintf("MAT-%d", n) // loose hits: other SKUs
				if n == want {
					sku = "MAT"
				}
				items = append(items, fmt.Sprintf(`{"item_id":%d,"item_name":"Mật ong %d","item_sku":%q,"item_status":"NORMAL","has_model":false}`, n, n, sku))
			}
			answer(200, `{"error":"","message":"","response":{"item_list":[`+strings.Join(items, ",")+`]}}`)(w, r)
		default:
			answer(404, `{}`)(w, r)
		}
	})
	l, err := f.driver().FindBySellerSKU(context.Background(), "MAT")
	require.NoError(t, err)
	require.Equal(t, strconv.Itoa(want), l.ItemID)
	require.Equal(t, []string{"0", "50"}, offsets)

	_, err = f.driver().FindBySellerSKU(context.Background(), "NONE")
	require.Equal(t, driver.CodeNotFound, driver.CodeOf(err), "%v", err)
}
