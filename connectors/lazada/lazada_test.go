package lazada_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/driver"
	"ocophub/connectors/drivertest"
	"ocophub/connectors/lazada"
	"ocophub/connectors/sandbox"
	lazadasandbox "ocophub/connectors/sandbox/lazada"
)

type harness struct {
	srv *sandbox.Server
}

func (h *harness) Sandbox() string { return h.srv.URL }
func (h *harness) Close()          { _ = h.srv.Close() }

func (h *harness) MakeDriver(shopID int64, ts driver.TokenSource, opt drivertest.DriverOptions) driver.Driver {
	return lazada.New(lazada.Config{BaseURL: h.srv.URL + "/rest", AuthURL: h.srv.URL,
		AppKey: lazadasandbox.DefaultApp.Key, AppSecret: lazadasandbox.DefaultApp.Secret,
		ShopID: strconv.FormatInt(shopID, 10), PageSize: opt.PageSize, Timeout: opt.Timeout}, ts)
}

func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, func(t *testing.T) drivertest.Harness {
		srv, err := lazadasandbox.Start("127.0.0.1:0", lazadasandbox.Options{})
		require.NoError(t, err)
		return &harness{srv: srv}
	})
}

func TestSignPublishedVector(t *testing.T) {
	t.Parallel()
	got := lazada.Sign("1234", "/test/api", map[string]string{"foo": "1", "bar": "2", "foo_bar": "3", "foobar": "4"})
	require.Equal(t, "988085883BF9D32D251478D23122C7ECC91518CDF63BA22F792000A378F52409", got)
}

func TestSignIgnoresSignParameter(t *testing.T) {
	t.Parallel()
	params := map[string]string{"foo": "1", "bar": "2", "foo_bar": "3", "foobar": "4"}
	want := lazada.Sign("1234", "/test/api", params)
	params["sign"] = "anything"
	require.Equal(t, want, lazada.Sign("1234", "/test/api", params))
}

// pushFor signs a push the way Lazada does, independently of the driver.
func pushFor(appKey, secret string, body []byte) http.Header {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(appKey + string(body)))
	h := http.Header{}
	h.Set("Authorization", hex.EncodeToString(mac.Sum(nil)))
	return h
}

func TestParseWebhook(t *testing.T) {
	t.Parallel()
	d := lazada.New(lazada.Config{AppKey: "100001", AppSecret: "s3cret"}, nil)
	order := []byte(`{"seller_id":"100004","message_type":0,"data":{"order_status":"pending","status_update_time":1795338000,` +
		`"trade_order_id":"100007","trade_order_line_id":"1000110000"},"timestamp":1795338000123,"site":"lazada_vn"}`)
	other := []byte(`{"seller_id":"100004","message_type":3,"data":{"item_id":5},"timestamp":1795338000123,"site":"lazada_vn"}`)
	tests := []struct {
		name     string
		header   http.Header
		body     []byte
		wantCode driver.Code
		want     driver.Event
	}{
		{name: "order status", header: pushFor("100001", "s3cret", order), body: order,
			want: driver.Event{Kind: driver.EventOrderStatus, ShopID: "100004", OrderID: "100007", Status: driver.OrderReadyToShip,
				At: time.UnixMilli(1795338000123), ID: "lazada:100007:pending:1795338000", SentAt: time.UnixMilli(1795338000123)}},
		{name: "other message", header: pushFor("100001", "s3cret", other), body: other,
			want: driver.Event{Kind: driver.EventOther, ShopID: "100004", At: time.UnixMilli(1795338000123), SentAt: time.UnixMilli(1795338000123)}},
		{name: "missing signature", header: http.Header{}, body: order, wantCode: driver.CodePermissionDenied},
		{name: "other app's secret", header: pushFor("100001", "other", order), body: order, wantCode: driver.CodePermissionDenied},
		{name: "signed without the app key", header: pushFor("", "s3cret", order), body: order, wantCode: driver.CodePermissionDenied},
		{name: "tampered body", header: pushFor("100001", "s3cret", order), body: append([]byte(nil), order[:len(order)-2]...),
			wantCode: driver.CodePermissionDenied},
		{name: "signed garbage", header: pushFor("100001", "s3cret", []byte("nope")), body: []byte("nope"), wantCode: driver.CodeInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, err := d.ParseWebhook("https://hub.example/webhooks/lazada", tt.header, tt.body)
			if tt.wantCode != "" {
				require.Equal(t, tt.wantCode, driver.CodeOf(err), "%v", err)
				return
			}
			require.NoError(t, err)
			require.Len(t, events, 1)
			got := events[0]
			if tt.want.ID == "" {
				require.NotEmpty(t, got.ID)
				got.ID = ""
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestAuthorizeURL(t *testing.T) {
	t.Parallel()
	d := lazada.New(lazada.Config{AppKey: "100001", AppSecret: "x"}, nil)
	raw, err := d.AuthorizeURL("https://hub.example/shops/callback?ch=lazada", "st4te")
	require.NoError(t, err)
	u, err := url.Parse(raw)
	require.NoError(t, err)
	require.Equal(t, "auth.lazada.com", u.Host)
	require.Equal(t, "/oauth/authorize", u.Path)
	require.Equal(t, url.Values{"response_type": {"code"}, "force_auth": {"true"}, "client_id": {"100001"},
		"redirect_uri": {"https://hub.example/shops/callback?ch=lazada"}, "state": {"st4te"}}, u.Query())
}

// TestErrorTable drives each kind of Lazada answer through the driver and
// checks the code it becomes.
func TestErrorTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		body       string
		want       driver.Code
		retryAfter time.Duration
	}{
		{"expired token", 200, `{"type":"ISV","code":"IllegalAccessToken","message":"The specified access token is invalid or expired","request_id":"r1"}`, driver.CodeUnauthenticated, 0},
		{"bad signature is our bug", 200, `{"type":"ISV","code":"IncompleteSignature","message":"The request signature does not conform to lazada standards","request_id":"r1"}`, driver.CodeInternal, 0},
		{"clock skew is our bug", 200, `{"type":"ISV","code":"InvalidTimestamp","message":"x","request_id":"r1"}`, driver.CodeInternal, 0},
		{"unknown app key", 200, `{"type":"ISV","code":"InvalidAppKey","message":"x","request_id":"r1"}`, driver.CodePermissionDenied, 0},
		{"missing parameter", 200, `{"type":"ISV","code":"MissingParameter","message":"x","request_id":"r1"}`, driver.CodeInvalidArgument, 0},
		{"invalid request format", 200, `{"type":"ISV","code":"5","message":"E005: Invalid Request Format","request_id":"r1"}`, driver.CodeInvalidArgument, 0},
		{"too many SKUs", 200, `{"type":"ISV","code":"204","message":"E204","request_id":"r1"}`, driver.CodeInvalidArgument, 0},
		{"item not found", 200, `{"type":"ISV","code":"208","message":"E208: Item not exist","request_id":"r1"}`, driver.CodeNotFound, 0},
		{"duplicate seller SKU", 200, `{"type":"ISV","code":"4105","message":"BIZ_CHECK_SELLER_SKU_DUPLICATE","request_id":"r1"}`, driver.CodeAlreadyExists, 0},
		{"order not cancellable", 200, `{"type":"ISV","code":"73","message":"E073","request_id":"r1"}`, driver.CodeFailedPrecondition, 0},
		{"update failed for a missing item", 200, `{"type":"ISV","code":"501","message":"E501: Update product failed","detail":[{"field":"ItemId","message":"ITEM_NOT_FOUND: item 5 does not exist"}],"request_id":"r1"}`, driver.CodeNotFound, 0},
		{"gateway throttle", 200, `{"type":"ISP","code":"ApiCallLimit","message":"Api access frequency exceeds the limit. this ban will last 3 seconds","request_id":"r1"}`, driver.CodeResourceExhausted, 3 * time.Second},
		{"API throttle", 200, `{"type":"ISV","code":"901","message":"Limit service request speed in server side temporarily.","request_id":"r1"}`, driver.CodeResourceExhausted, time.Second},
		{"service unavailable", 500, `{"type":"SYSTEM","code":"ServiceUnavailable","message":"x","request_id":"r1"}`, driver.CodeUnavailable, 0},
		{"service timeout", 504, `{"type":"SYSTEM","code":"ServiceTimeout","message":"x","request_id":"r1"}`, driver.CodeUnavailable, 0},
		{"bare 502", 502, `<html>bad gateway</html>`, driver.CodeUnavailable, 0},
		{"unknown code", 200, `{"type":"ISV","code":"SomethingNew","message":"x","request_id":"r1"}`, driver.CodeInternal, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			d := lazada.New(lazada.Config{BaseURL: srv.URL + "/rest", AppKey: "1", AppSecret: "s"}, staticToken("tok"))
			_, err := d.FindBySellerSKU(context.Background(), "SKU")
			require.Equal(t, tt.want, driver.CodeOf(err), "%v", err)
			var de *driver.Error
			require.ErrorAs(t, err, &de)
			require.Equal(t, tt.retryAfter, de.RetryAfter)
			if tt.status == 200 {
				require.Equal(t, "r1", de.RequestID, "the request id is kept for support")
			}
		})
	}
}

func TestStockPartialFailureFromDetail(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"type":"ISV","code":"501","message":"E501: Update product failed","request_id":"r9","detail":[` +
			`{"field":"SellableQuantity","seller_sku":"A","message":"negative sellable on channel inventory: SellableQuantity 3 is below the 4 units locked by a campaign"},` +
			`{"field":"SkuId","seller_sku":"B","message":"SELLER_SKU_NOT_FOUND: seller sku not found"},` +
			`{"field":"SellableQuantity","seller_sku":"C","message":"SellableQuantity must be a whole number"}]}`))
	}))
	defer srv.Close()
	d := lazada.New(lazada.Config{BaseURL: srv.URL + "/rest", AppKey: "1", AppSecret: "s"}, staticToken("tok"))
	results, err := d.SetStock(context.Background(), []driver.StockUpdate{
		{SellerSKU: "A", Quantity: 3}, {SellerSKU: "B", Quantity: 3}, {SellerSKU: "C", Quantity: 3}, {SellerSKU: "D", Quantity: 3}})
	require.NoError(t, err)
	require.Len(t, results, 4)
	want := []driver.Code{driver.CodeFailedPrecondition, driver.CodeNotFound, driver.CodeInvalidArgument, ""}
	for i, r := range results {
		require.Equal(t, want[i], driver.CodeOf(r.Err), "SKU %s: %v", r.SellerSKU, r.Err)
	}
}

func TestTransportErrorsHideSecrets(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
	}))
	defer srv.Close()
	d := lazada.New(lazada.Config{BaseURL: srv.URL + "/rest", AppKey: "1", AppSecret: "s", Timeout: 20 * time.Millisecond},
		staticToken("very-secret-token"))
	_, err := d.FindBySellerSKU(context.Background(), "SKU")
	require.Equal(t, driver.CodeUnavailable, driver.CodeOf(err))
	require.NotContains(t, err.Error(), "very-secret-token")
	require.NotContains(t, err.Error(), "sign=")
}

type staticToken string

func (s staticToken) Token(context.Context) (driver.Token, error) {
	return driver.Token{AccessToken: string(s)}, nil
}

func TestGetStockIsOneProductsGet(t *testing.T) {
	t.Parallel()
	var paths []string
	var queries []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths, queries = append(paths, r.URL.Path), append(queries, r.URL.Query())
		_, _ = w.Write([]byte(`{"code":"0","request_id":"r1","data":{"total_products":3,"products":[` +
			`{"item_id":1,"status":"Active","skus":[{"SkuId":11,"SellerSku":"A","quantity":9,"Available":7,` +
			`"multiWarehouseInventories":[{"warehouseCode":"dropshipping","quantity":9,"sellableQuantity":6}]},` +
			`{"SkuId":12,"SellerSku":"B","quantity":"4","Available":"4"}]},` +
			`{"item_id":2,"status":"Active","skus":[{"SkuId":"21","SellerSku":"C","quantity":0}]},` +
			`{"item_id":3,"status":"Deleted","skus":[{"SkuId":31,"SellerSku":"D","quantity":5}]}]}}`))
	}))
	defer srv.Close()
	d := lazada.New(lazada.Config{BaseURL: srv.URL + "/rest", AppKey: "1", AppSecret: "s"}, staticToken("tok"))
	levels, err := d.GetStock(context.Background(), []driver.StockRef{
		{ItemID: "1", ModelID: "11", SellerSKU: "A"}, {SellerSKU: "B"}, {ItemID: "2", SellerSKU: "C"},
		{SellerSKU: "D"}, {SellerSKU: "E"}, {ItemID: "1", ModelID: "12"}, {SellerSKU: "A"},
	})
	require.NoError(t, err)
	require.Equal(t, []string{"/rest/products/get"}, paths, "one call for the batch")
	require.Equal(t, `["A","B","C","D","E"]`, queries[0].Get("sku_seller_list"), "each seller SKU once")
	require.Equal(t, "all", queries[0].Get("filter"))
	require.Equal(t, "50", queries[0].Get("limit"))
	require.NotEmpty(t, queries[0].Get("sign"), "signed like every call")
	want := []struct {
		model string
		qty   int64
		code  driver.Code
	}{{"11", 6, ""}, {"12", 4, ""}, {"21", 0, ""}, {"", 0, driver.CodeNotFound}, {"", 0, driver.CodeNotFound},
		{"12", 0, driver.CodeInvalidArgument}, {"11", 6, ""}}
	for i, w := range want {
		require.Equal(t, w.code, driver.CodeOf(levels[i].Err), "ref %d: %v", i, levels[i].Err)
		require.Equal(t, w.qty, levels[i].Quantity, "ref %d", i)
		require.Equal(t, w.model, levels[i].ModelID, "ref %d", i)
	}
}
