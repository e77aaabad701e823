package zalo_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/driver"
	"ocophub/connectors/drivertest"
	"ocophub/connectors/sandbox"
	zalosandbox "ocophub/connectors/sandbox/zalo"
	"ocophub/connectors/zalo"
)

type harness struct {
	srv *sandbox.Server
}

func (h *harness) Sandbox() string { return h.srv.URL }
func (h *harness) Close()          { _ = h.srv.Close() }
func (h *harness) MakeDriver(shopID int64, ts driver.TokenSource, opt drivertest.DriverOptions) driver.Driver {
	return newDriver(h.srv.URL, strconv.FormatInt(shopID, 10), ts, opt.PageSize, opt.Timeout)
}

func newDriver(base, shopID string, ts driver.TokenSource, pageSize int, timeout time.Duration) *zalo.Driver {
	return zalo.New(zalo.Config{BaseURL: base, AppID: zalosandbox.DefaultApp.Key, AppSecret: zalosandbox.DefaultApp.Secret,
		OASecretKey: zalosandbox.DefaultOASecretKey, ShopID: shopID, PageSize: pageSize, Timeout: timeout}, ts)
}

func startSandbox(t testing.TB) *sandbox.Server {
	t.Helper()
	srv, err := zalosandbox.Start("127.0.0.1:0", zalosandbox.Options{PushTimeScale: 0.001})
	require.NoError(t, err)
	return srv
}

func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, func(t *testing.T) drivertest.Harness {
		return &harness{srv: startSandbox(t)}
	})
}

type staticTokens struct{ t driver.Token }

func (s staticTokens) Token(context.Context) (driver.Token, error) { return s.t, nil }

// connected is a sandbox with one OA whose token a driver holds.
type connected struct {
	srv   *sandbox.Server
	d     *zalo.Driver
	shop  int64
	token driver.Token
}

func connect(t *testing.T) connected {
	t.Helper()
	srv := startSandbox(t)
	t.Cleanup(func() { _ = srv.Close() })
	shop := srv.Engine.CreateShop("HTX "+t.Name(), "VN")
	code, err := srv.Engine.IssueCode(zalosandbox.DefaultApp.Key, shop.ID, "http://127.0.0.1/cb")
	require.NoError(t, err)
	oa := strconv.FormatInt(shop.ID, 10)
	tok, err := newDriver(srv.URL, oa, nil, 0, 0).ExchangeCode(context.Background(), driver.Callback{Code: code, ShopID: oa})
	require.NoError(t, err)
	return connected{srv: srv, d: newDriver(srv.URL, oa, staticTokens{tok}, 0, 0), shop: shop.ID, token: tok}
}

// liveSKUs are the seller SKUs of the OA's products that are not deleted.
func (c connected) liveSKUs() []string {
	var out []string
	for _, s := range c.srv.Engine.State().Shops {
		if s.ID != c.shop {
			continue
		}
		for _, it := range s.Items {
			if it.Status == sandbox.ItemDeleted {
				continue
			}
			for _, k := range it.SKUs {
				out = append(out, k.SellerSKU)
			}
		}
	}
	return out
}

// storeCall calls the Store API directly, as a seller's other tools would.
func (c connected) storeCall(t *testing.T, path string, body any) map[string]any {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, c.srv.URL+path, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("access_token", c.token.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var env map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&env))
	require.EqualValues(t, 0, env["error"], "%v", env)
	return env
}

func listing(prefix string, n int) driver.Listing {
	l := driver.Listing{Title: "Mật ong bạc hà " + prefix, Description: "Mật ong bạc hà Hà Giang.\nThu hoạch mùa đông.",
		CategoryID: "103", Active: true} // the OA's "Mật ong" store category
	for i := 0; i < n; i++ {
		l.Variants = append(l.Variants, driver.Variant{SellerSKU: fmt.Sprintf("%s-%d", prefix, i),
			Name: fmt.Sprintf("Chai %dml", 250*(i+1)), Price: int64(120000 + 10000*i), Stock: 8, WeightG: 300 * (i + 1)})
	}
	return l
}

func TestMultiVariantListingRoundTrip(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := context.Background()
	created, err := c.d.CreateListing(ctx, listing("MV", 3))
	require.NoError(t, err)
	require.Len(t, created.Variants, 3)
	require.Equal(t, created.ItemID, created.Variants[0].ModelID, "the item is its first variant's product")

	found, err := c.d.FindBySellerSKU(ctx, "MV-2")
	require.NoError(t, err)
	require.Equal(t, created, found)
	require.Equal(t, "Mật ong bạc hà MV", found.Title)
	require.Equal(t, "Mật ong bạc hà Hà Giang.\nThu hoạch mùa đông.", found.Description)
	require.Equal(t, "Chai 750ml", found.Variants[2].Name)
	require.Equal(t, "103", found.CategoryID)
	require.Equal(t, 900, found.Variants[2].WeightG)

	found.Description = "Mô tả mới."
	found.Variants[1].Name = "Chai nửa lít"
	require.NoError(t, c.d.UpdateListing(ctx, found))
	again, err := c.d.FindBySellerSKU(ctx, "MV-0")
	require.NoError(t, err)
	require.Equal(t, "Mô tả mới.", again.Description)
	require.Equal(t, "Chai nửa lít", again.Variants[1].Name)
	require.Equal(t, int64(130000), again.Variants[1].Price, "content updates leave prices alone")

	require.NoError(t, c.d.SetActive(ctx, created.ItemID, false))
	for _, sku := range []string{"MV-0", "MV-1", "MV-2"} {
		l, err := c.d.FindBySellerSKU(ctx, sku)
		require.NoError(t, err)
		require.False(t, l.Active)
	}
}

func TestCreateAdoptsSiblingsOfAnEarlierAttempt(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := context.Background()
	first, err := c.d.CreateListing(ctx, listing("ADOPT", 2))
	require.NoError(t, err)
	// An attempt that made the sibling but not the anchor looks like this.
	c.storeCall(t, "/v2.0/store/product/remove", map[string]string{"id": first.ItemID})
	_, err = c.d.FindBySellerSKU(ctx, "ADOPT-1")
	require.Equal(t, driver.CodeNotFound, driver.CodeOf(err), "a group without its anchor is no listing: %v", err)

	second, err := c.d.CreateListing(ctx, listing("ADOPT", 2))
	require.NoError(t, err)
	require.Equal(t, first.Variants[1].ModelID, second.Variants[1].ModelID, "the sibling was adopted, not duplicated")
	require.ElementsMatch(t, []string{"ADOPT-0", "ADOPT-1"}, c.liveSKUs())
}

func TestCreateRemovesWhatItMadeWhenASKUIsTaken(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := context.Background()
	_, err := c.d.CreateListing(ctx, listing("TAKEN", 1)) // TAKEN-0, another listing
	require.NoError(t, err)
	l := listing("NEW", 3)
	l.Variants[2].SellerSKU = "TAKEN-0"
	_, err = c.d.CreateListing(ctx, l)
	require.Equal(t, driver.CodeAlreadyExists, driver.CodeOf(err), "%v", err)
	require.ElementsMatch(t, []string{"TAKEN-0"}, c.liveSKUs(), "NEW-1 was removed again")
}

func TestPKCEThroughTheAuthorizationPage(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t)
	t.Cleanup(func() { _ = srv.Close() })
	shop := srv.Engine.CreateShop("HTX PKCE", "VN")
	d := newDriver(srv.URL, "", nil, 0, 0)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	approve := func(state string) url.Values {
		u, err := d.AuthorizeURL("http://127.0.0.1:8080/zalo/callback", state)
		require.NoError(t, err)
		q := mustQuery(t, u)
		verifierChallenge := q.Get("code_challenge")
		require.Len(t, verifierChallenge, 43, "S256 challenge, base64url without padding")
		resp, err := noRedirect.PostForm(u, url.Values{"shop_id": {strconv.FormatInt(shop.ID, 10)}})
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusFound, resp.StatusCode)
		back := mustQuery(t, resp.Header.Get("Location"))
		require.Equal(t, state, back.Get("state"))
		require.Equal(t, verifierChallenge, back.Get("code_challenge"))
		return back
	}

	back := approve("csrf-1")
	_, err := d.ExchangeCode(context.Background(), driver.Callback{Code: back.Get("code"), ShopID: back.Get("oa_id")})
	require.Equal(t, driver.CodeUnauthenticated, driver.CodeOf(err), "without the state the verifier cannot be remade: %v", err)
	_, err = d.ExchangeCode(context.Background(), driver.Callback{Code: back.Get("code"), ShopID: back.Get("oa_id"), State: "csrf-2"})
	require.Equal(t, driver.CodeUnauthenticated, driver.CodeOf(err), "another state's verifier: %v", err)
	tok, err := d.ExchangeCode(context.Background(), driver.Callback{Code: back.Get("code"), ShopID: back.Get("oa_id"), State: "csrf-1"})
	require.NoError(t, err, "the right verifier still finds the code unspent")
	require.Equal(t, strconv.FormatInt(shop.ID, 10), tok.ShopID)

	// Without oa_id in the redirect, the driver asks Zalo whose token it is.
	back = approve("csrf-3")
	tok, err = d.ExchangeCode(context.Background(), driver.Callback{Code: back.Get("code"), State: "csrf-3"})
	require.NoError(t, err)
	require.Equal(t, strconv.FormatInt(shop.ID, 10), tok.ShopID)
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.Query()
}

// TestErrorTable checks the one mapping from Zalo answers to driver codes
// against a fake Zalo that answers each case.
func TestErrorTable(t *testing.T) {
	t.Parallel()
	type answer struct {
		status int
		header map[string]string
		body   string
	}
	cases := map[string]struct {
		answer     answer
		want       driver.Code
		retryAfter time.Duration
		message    string
	}{
		"token -216":               {answer{200, nil, `{"error":-216,"message":"Access token is invalid"}`}, driver.CodeUnauthenticated, 0, ""},
		"param -201 keeps message": {answer{200, nil, `{"error":-201,"message":"Parameter is invalid: price must be positive"}`}, driver.CodeInvalidArgument, 0, "Parameter is invalid: price must be positive"},
		"limit -210":               {answer{200, nil, `{"error":-210,"message":"limit must be at most 50"}`}, driver.CodeInvalidArgument, 0, "limit must be at most 50"},
		"product -230":             {answer{200, nil, `{"error":-230,"message":"Product does not exist"}`}, driver.CodeNotFound, 0, ""},
		"order -231":               {answer{200, nil, `{"error":-231,"message":"Order does not exist"}`}, driver.CodeNotFound, 0, ""},
		"duplicate code -232":      {answer{200, nil, `{"error":-232,"message":"code exists"}`}, driver.CodeAlreadyExists, 0, ""},
		"below reserved -233":      {answer{200, nil, `{"error":-233,"message":"reserved"}`}, driver.CodeFailedPrecondition, 0, ""},
		"transition -234":          {answer{200, nil, `{"error":-234,"message":"status"}`}, driver.CodeFailedPrecondition, 0, ""},
		"error as a string":        {answer{200, nil, `{"error":"-216","message":"expired"}`}, driver.CodeUnauthenticated, 0, ""},
		"throttled 429 -32":        {answer{429, map[string]string{"Retry-After": "3"}, `{"error":-32,"message":"slow down"}`}, driver.CodeResourceExhausted, 3 * time.Second, ""},
		"throttled 429 bare":       {answer{429, nil, `Too Many Requests`}, driver.CodeResourceExhausted, time.Second, ""},
		"throttled -32 in a 200":   {answer{200, nil, `{"error":-32,"message":"slow down"}`}, driver.CodeResourceExhausted, time.Second, ""},
		"500 -1":                   {answer{500, nil, `{"error":-1,"message":"Internal server error"}`}, driver.CodeUnavailable, 0, ""},
		"502 html":                 {answer{502, nil, `<html>Bad Gateway</html>`}, driver.CodeUnavailable, 0, ""},
		"504":                      {answer{504, nil, `{"error":-1,"message":"Request timed out"}`}, driver.CodeUnavailable, 0, ""},
		"404 unknown API":          {answer{404, nil, `{"error":404,"message":"You are accessing an empty or invalid API"}`}, driver.CodeInternal, 0, ""},
		"unknown number":           {answer{200, nil, `{"error":-999,"message":"?"}`}, driver.CodeInternal, 0, ""},
		"not JSON":                 {answer{200, nil, `<html>`}, driver.CodeInternal, 0, ""},
	}
	const token = "tok-SECRET-123"
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := cases[r.URL.Query().Get("code")]
		if !ok || r.Header.Get("access_token") != token {
			http.Error(w, "unexpected request", http.StatusTeapot)
			return
		}
		for k, v := range c.answer.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(c.answer.status)
		_, _ = w.Write([]byte(c.answer.body))
	}))
	t.Cleanup(fake.Close)
	d := newDriver(fake.URL, "1", staticTokens{driver.Token{AccessToken: token}}, 0, 0)
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := d.FindBySellerSKU(context.Background(), name)
			require.Equal(t, c.want, driver.CodeOf(err), "%v", err)
			var de *driver.Error
			require.ErrorAs(t, err, &de)
			require.Equal(t, c.retryAfter, de.RetryAfter)
			if c.message != "" {
				require.Equal(t, c.message, de.Message)
			}
			require.NotContains(t, err.Error(), token)
		})
	}

	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		closed := httptest.NewServer(http.NotFoundHandler())
		closed.Close()
		_, err := newDriver(closed.URL, "1", staticTokens{driver.Token{AccessToken: token}}, 0, 0).FindBySellerSKU(context.Background(), "X")
		require.Equal(t, driver.CodeUnavailable, driver.CodeOf(err), "%v", err)
		require.NotContains(t, err.Error(), token)
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		}))
		t.Cleanup(slow.Close)
		_, err := newDriver(slow.URL, "1", staticTokens{driver.Token{AccessToken: token}}, 0, 100*time.Millisecond).
			FindBySellerSKU(context.Background(), "X")
		require.Equal(t, driver.CodeUnavailable, driver.CodeOf(err), "%v", err)
	})
}

// TestOAuthErrors checks the OAuth v4 numbers, which share the table.
func TestOAuthErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]driver.Code{
		"-14002": driver.CodePermissionDenied,
		"-14003": driver.CodeInvalidArgument,
		"-14004": driver.CodePermissionDenied,
		"-14005": driver.CodeUnauthenticated,
		"-14014": driver.CodeUnauthenticated,
		"-14018": driver.CodeInvalidArgument,
	}
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v4/oa/access_token" || r.Header.Get("secret_key") != zalosandbox.DefaultApp.Secret {
			http.Error(w, "unexpected request", http.StatusTeapot)
			return
		}
		fmt.Fprintf(w, `{"error":%s,"error_name":"Invalid","error_reason":"r","error_description":"Invalid: r"}`, r.PostFormValue("refresh_token"))
	}))
	t.Cleanup(fake.Close)
	d := newDriver(fake.URL, "1", nil, 0, 0)
	for vendor, want := range cases {
		t.Run(vendor, func(t *testing.T) {
			t.Parallel()
			_, err := d.RefreshToken(context.Background(), driver.Token{RefreshToken: vendor})
			require.Equal(t, want, driver.CodeOf(err), "%v", err)
			require.NotContains(t, err.Error(), zalosandbox.DefaultApp.Secret)
		})
	}
}

func TestWebhookSignature(t *testing.T) {
	t.Parallel()
	const appID, secret = "3106478529153827461", "the-OA-secret"
	d := zalo.New(zalo.Config{BaseURL: "http://127.0.0.1:1", AppID: appID, AppSecret: "app-secret", OASecretKey: secret}, nil)
	body := []byte(`{"app_id":"3106478529153827461","oa_id":"100004","event_name":"shop_order_status_changed",` +
		`"timestamp":"1795338000000","data":{"order_id":"261122000186A6","status":3,"update_time":1795338000000}}`)
	sign := func(app string, b []byte, ts, key string) string {
		sum := sha256.Sum256([]byte(app + string(b) + ts + key))
		return hex.EncodeToString(sum[:])
	}
	good := sign(appID, body, "1795338000000", secret)
	header := func(sig string) http.Header {
		h := http.Header{}
		if sig != "" {
			h.Set("X-ZEvent-Signature", sig)
		}
		return h
	}
	bodySum := sha256.Sum256(body)

	events, err := d.ParseWebhook("https://hub.example/webhooks/zalo", header(good), body)
	require.NoError(t, err)
	require.Equal(t, []driver.Event{{Kind: driver.EventOrderStatus, ShopID: "100004", OrderID: "261122000186A6",
		Status: driver.OrderShipped, At: time.UnixMilli(1795338000000), ID: hex.EncodeToString(bodySum[:]),
		SentAt: time.UnixMilli(1795338000000)}}, events)

	accepted := map[string]string{
		"mac= prefix":     "mac=" + good,
		"upper-case hex":  strings.ToUpper(good),
		"surrounding gap": " " + good + " ",
	}
	for name, sig := range accepted {
		t.Run("accepts "+name, func(t *testing.T) {
			_, err := d.ParseWebhook("", header(sig), body)
			require.NoError(t, err)
		})
	}

	tampered := bytes.Replace(body, []byte(`"status":3`), []byte(`"status":5`), 1)
	refused := map[string]struct {
		sig  string
		body []byte
	}{
		"missing signature":      {"", body},
		"tampered body":          {good, tampered},
		"app secret, not OA key": {sign(appID, body, "1795338000000", "app-secret"), body},
		"another app":            {sign("999", body, "1795338000000", secret), body},
		"HMAC instead of SHA256": {hex.EncodeToString(hmacSHA256(secret, body)), body},
		"timestamp left out":     {sign(appID, body, "", secret), body},
		"not JSON":               {sign(appID, []byte("{"), "", secret), []byte("{")},
		"truncated signature":    {good[:32], body},
	}
	for name, c := range refused {
		t.Run("refuses "+name, func(t *testing.T) {
			_, err := d.ParseWebhook("", header(c.sig), c.body)
			require.Equal(t, driver.CodePermissionDenied, driver.CodeOf(err), "%v", err)
		})
	}

	t.Run("event id wins over the body hash", func(t *testing.T) {
		b := []byte(`{"event_id":"ev-42","oa_id":"7","event_name":"user_send_text","timestamp":1795338000000}`)
		events, err := d.ParseWebhook("", header(sign(appID, b, "1795338000000", secret)), b)
		require.NoError(t, err)
		require.Equal(t, []driver.Event{{Kind: driver.EventOther, ShopID: "7", ID: "ev-42", At: time.UnixMilli(1795338000000),
			SentAt: time.UnixMilli(1795338000000)}}, events)
	})
	t.Run("a signed body it cannot read is not taken for a forgery", func(t *testing.T) {
		b := []byte(`{"oa_id":{"not":"an id"},"timestamp":"1795338000000","data":{"order_id":"Z-1","status":"shipped"}}`)
		_, err := d.ParseWebhook("", header(sign(appID, b, "1795338000000", secret)), b)
		require.Equal(t, driver.CodeInvalidArgument, driver.CodeOf(err), "%v", err)
	})
	t.Run("no OA secret configured refuses everything", func(t *testing.T) {
		bare := zalo.New(zalo.Config{AppID: appID}, nil)
		_, err := bare.ParseWebhook("", header(good), body)
		require.Equal(t, driver.CodePermissionDenied, driver.CodeOf(err))
	})
}

func hmacSHA256(key string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return m.Sum(nil)
}

func TestAuthorizeURL(t *testing.T) {
	t.Parallel()
	d := zalo.New(zalo.Config{AppID: "42", AppSecret: "s"}, nil)
	u, err := d.AuthorizeURL("https://hub.example/cb", "st4te")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(u, zalo.ProductionOAuthBaseURL+"/v4/oa/permission?"), u)
	q := mustQuery(t, u)
	require.Equal(t, "42", q.Get("app_id"))
	require.Equal(t, "https://hub.example/cb", q.Get("redirect_uri"))
	require.Equal(t, "st4te", q.Get("state"))
	_, err = base64.RawURLEncoding.DecodeString(q.Get("code_challenge"))
	require.NoError(t, err)
	other, err := d.AuthorizeURL("https://hub.example/cb", "other")
	require.NoError(t, err)
	require.NotEqual(t, q.Get("code_challenge"), mustQuery(t, other).Get("code_challenge"), "the challenge is bound to the state")
}

// storeCalls counts the sandbox's Store API answers by "METHOD path".
func (c connected) storeCalls() map[string]int {
	out := map[string]int{}
	for k, v := range c.srv.Engine.State().Calls {
		if strings.Contains(k, "/v2.0/store/") {
			out[k[:strings.LastIndexByte(k, ' ')]] += v
		}
	}
	return out
}

func TestGetStockReadsEachVariantsProduct(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := context.Background()
	l, err := c.d.CreateListing(ctx, listing("GS", 2))
	require.NoError(t, err)
	_, err = c.d.SetStock(ctx, []driver.StockUpdate{{ModelID: l.Variants[1].ModelID, SellerSKU: "GS-1", Quantity: 3}})
	require.NoError(t, err)

	before := c.storeCalls()
	levels, err := c.d.GetStock(ctx, []driver.StockRef{
		{ItemID: l.ItemID, ModelID: l.Variants[0].ModelID, SellerSKU: "GS-0"},
		{ItemID: l.ItemID, ModelID: l.Variants[1].ModelID, SellerSKU: "GS-1"},
	})
	require.NoError(t, err)
	require.Equal(t, []driver.StockLevel{{SellerSKU: "GS-0", ModelID: l.Variants[0].ModelID, Quantity: 8},
		{SellerSKU: "GS-1", ModelID: l.Variants[1].ModelID, Quantity: 3}}, levels)
	after := c.storeCalls()
	require.Equal(t, 2, after["GET /v2.0/store/product/getproduct"]-before["GET /v2.0/store/product/getproduct"], "one getproduct per variant")
	require.Equal(t, before["GET /v2.0/store/product/search"], after["GET /v2.0/store/product/search"], "no search")

	// The seller removes GS-1's product and makes it again by hand: a new
	// id under the same code, found by code as SetStock finds it.
	c.storeCall(t, "/v2.0/store/product/remove", map[string]string{"id": l.Variants[1].ModelID})
	made := c.storeCall(t, "/v2.0/store/product/create", map[string]any{"name": "GS-1 mới", "code": "GS-1", "price": 130000, "quantity": 6})
	newID := fmt.Sprint(made["data"].(map[string]any)["id"])
	levels, err = c.d.GetStock(ctx, []driver.StockRef{{ItemID: l.ItemID, ModelID: l.Variants[1].ModelID, SellerSKU: "GS-1"}})
	require.NoError(t, err)
	require.Equal(t, []driver.StockLevel{{SellerSKU: "GS-1", ModelID: newID, Quantity: 6}}, levels)

	levels, err = c.d.GetStock(ctx, []driver.StockRef{{ModelID: l.Variants[1].ModelID}, {SellerSKU: "GS-NONE"}})
	require.NoError(t, err)
	require.Equal(t, driver.CodeNotFound, driver.CodeOf(levels[0].Err), "a removed product named by id alone: %v", levels[0].Err)
	require.Equal(t, driver.CodeNotFound, driver.CodeOf(levels[1].Err), "%v", levels[1].Err)
}
