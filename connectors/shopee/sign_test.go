package shopee_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/driver"
	"ocophub/connectors/shopee"
)

// TestSignature checks the wire form of each kind of call: the common
// parameters in the query and the base string of the signature — public
// APIs partner_id+path+timestamp, shop APIs + access_token + shop_id.
func TestSignature(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		call     func(d *shopee.Driver) error
		method   string
		path     string
		base     string // what is signed
		shopCall bool
	}{
		{"upload image is public", func(d *shopee.Driver) error {
			_, err := d.UploadImage(context.Background(), "a.png", []byte("\x89PNG\r\n\x1a\n"))
			return err
		}, http.MethodPost, "/api/v2/media_space/upload_image", "2001887/api/v2/media_space/upload_image1763798400", false},
		{"token exchange is public", func(d *shopee.Driver) error {
			_, err := d.ExchangeCode(context.Background(), driver.Callback{Code: "code-1", ShopID: "14701711"})
			return err
		}, http.MethodPost, "/api/v2/auth/token/get", "2001887/api/v2/auth/token/get1763798400", false},
		{"refresh is public", func(d *shopee.Driver) error {
			_, err := d.RefreshToken(context.Background(), driver.Token{ShopID: "14701711", RefreshToken: "r"})
			return err
		}, http.MethodPost, "/api/v2/auth/access_token/get", "2001887/api/v2/auth/access_token/get1763798400", false},
		{"update stock is a shop call", func(d *shopee.Driver) error {
			_, err := d.SetStock(context.Background(), []driver.StockUpdate{{ItemID: "800", ModelID: "0", SellerSKU: "A", Quantity: 5}})
			return err
		}, http.MethodPost, "/api/v2/product/update_stock", "2001887/api/v2/product/update_stock1763798400access-7a1b14701711", true},
		{"order list is a shop call", func(d *shopee.Driver) error {
			_, err := d.ListOrders(context.Background(), testNow.Add(-time.Hour), testNow, "")
			return err
		}, http.MethodGet, "/api/v2/order/get_order_list", "2001887/api/v2/order/get_order_list1763798400access-7a1b14701711", true},
		{"search is a shop call", func(d *shopee.Driver) error {
			_, err := d.FindBySellerSKU(context.Background(), "A")
			return err
		}, http.MethodGet, "/api/v2/product/search_item", "2001887/api/v2/product/search_item1763798400access-7a1b14701711", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, answer(http.StatusOK, `{"error":"","message":"","request_id":"r","access_token":"a","refresh_token":"b","expire_in":14400,"response":{}}`))
			_ = tc.call(f.driver())
			got := f.first()
			require.Equal(t, tc.method, got.method)
			require.Equal(t, tc.path, got.path)
			require.Equal(t, "2001887", got.query.Get("partner_id"))
			require.Equal(t, "1763798400", got.query.Get("timestamp"))
			require.Equal(t, hmacHex(testPartnerKey, tc.base), got.query.Get("sign"), "sign over %q", tc.base)
			if tc.shopCall {
				require.Equal(t, testToken, got.query.Get("access_token"))
				require.Equal(t, "14701711", got.query.Get("shop_id"))
			} else {
				require.False(t, got.query.Has("access_token"), "a public call carries no token")
			}
		})
	}
}

func TestAuthorizeURLIsSignedAndKeepsState(t *testing.T) {
	t.Parallel()
	d := shopee.New(shopee.Config{BaseURL: "https://partner.example", PartnerID: testPartnerID, PartnerKey: testPartnerKey,
		ShopID: testShopID, Now: func() time.Time { return testNow }}, fixedToken{})
	raw, err := d.AuthorizeURL("https://hub.example/shops/callback?ch=shopee", "st4te")
	require.NoError(t, err)
	u, err := url.Parse(raw)
	require.NoError(t, err)
	require.Equal(t, "partner.example", u.Host)
	require.Equal(t, "/api/v2/shop/auth_partner", u.Path)
	q := u.Query()
	require.Equal(t, hmacHex(testPartnerKey, "2001887/api/v2/shop/auth_partner1763798400"), q.Get("sign"))
	redirect, err := url.Parse(q.Get("redirect"))
	require.NoError(t, err)
	require.Equal(t, "shopee", redirect.Query().Get("ch"), "the app's own query is kept")
	require.Equal(t, "st4te", redirect.Query().Get("state"), "Shopee has no state: it rides in the redirect")
}

func TestPostBodiesAreJSON(t *testing.T) {
	t.Parallel()
	f := newFake(t, answer(http.StatusOK, `{"error":"","request_id":"r","response":{"failure_list":[],"success_list":[]}}`))
	_, err := f.driver().SetStock(context.Background(), []driver.StockUpdate{
		{ItemID: "800", ModelID: "11", SellerSKU: "A", Quantity: 5},
		{ItemID: "800", ModelID: "12", SellerSKU: "B", Quantity: 0},
	})
	require.NoError(t, err)
	got := f.first()
	require.Equal(t, "application/json", got.header.Get("Content-Type"))
	require.JSONEq(t, `{"item_id":800,"stock_list":[{"model_id":11,"seller_stock":[{"stock":5}]},{"model_id":12,"seller_stock":[{"stock":0}]}]}`, string(got.body))
	require.False(t, got.query.Has("item_id"), "business parameters of a POST are not in the query")
}

func TestListOrdersWindowAndPage(t *testing.T) {
	t.Parallel()
	f := newFake(t, answer(http.StatusOK, `{"error":"","request_id":"r","response":{"more":true,"next_cursor":"2","order_list":[{"order_sn":"A1","order_status":"PROCESSED"}]}}`))
	from := time.Unix(1763700000, 0)
	page, err := f.driver().ListOrders(context.Background(), from, from.Add(15*24*time.Hour), "")
	require.NoError(t, err)
	q := f.first().query
	require.Equal(t, "update_time", q.Get("time_range_field"))
	require.Equal(t, "1763700000", q.Get("time_from"))
	require.Equal(t, "1764995999", q.Get("time_to"), "[from, to) is sent as inclusive seconds")
	require.Equal(t, "100", q.Get("page_size"), "the default page")
	require.Equal(t, "order_status", q.Get("response_optional_fields"))
	require.Equal(t, driver.OrderPage{Orders: []driver.OrderSummary{{ID: "A1", Status: driver.OrderShipped}}, Next: "2"}, page)
}

func TestTokenExpiryComesFromExpireIn(t *testing.T) {
	t.Parallel()
	f := newFake(t, answer(http.StatusOK, `{"access_token":"a2","refresh_token":"r2","expire_in":14400,"request_id":"x","error":"","message":"","shop_id":14701711,"partner_id":2001887}`))
	tok, err := f.driver().RefreshToken(context.Background(), driver.Token{ShopID: "14701711", RefreshToken: "r1"})
	require.NoError(t, err)
	require.Equal(t, "a2", tok.AccessToken)
	require.Equal(t, "r2", tok.RefreshToken)
	require.Equal(t, "14701711", tok.ShopID)
	require.Equal(t, testNow.Add(4*time.Hour), tok.AccessExpiresAt)
	var body map[string]any
	require.NoError(t, json.Unmarshal(f.first().body, &body))
	require.Equal(t, map[string]any{"refresh_token": "r1", "partner_id": float64(testPartnerID), "shop_id": float64(testShopID)}, body)
}
