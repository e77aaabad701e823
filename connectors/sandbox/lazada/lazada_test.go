package lazada_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/sandbox"
	"ocophub/connectors/sandbox/lazada"
)

// testSign is an independent Lazada signer: sorted key+value pairs after
// the API path, HMAC-SHA256 with the app secret, upper-case hex.
func testSign(secret, apiPath string, params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "sign" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(apiPath)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(params[k])
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(b.String()))
	return strings.ToUpper(hex.EncodeToString(mac.Sum(nil)))
}

func TestSignPublishedVectors(t *testing.T) {
	tests := []struct {
		name, secret, path string
		params             map[string]string
		want               string
	}{
		{"signature-algorithm page", "1234", "/test/api", map[string]string{"foo": "1", "bar": "2", "foo_bar": "3", "foobar": "4"},
			"988085883BF9D32D251478D23122C7ECC91518CDF63BA22F792000A378F52409"},
		{"http-request-sample page", "helloworld", "/order/get", map[string]string{"app_key": "123456", "access_token": "test",
			"timestamp": "1517820392000", "sign_method": "sha256", "order_id": "1234"},
			"4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, lazada.Sign(tt.secret, tt.path, tt.params))
			require.Equal(t, tt.want, testSign(tt.secret, tt.path, tt.params), "the test's own signer agrees")
		})
	}
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// client is a tiny Lazada client for the tests.
type client struct {
	t      *testing.T
	srv    *sandbox.Server
	app    sandbox.App
	now    func() time.Time
	token  string
	shop   int64
	http   *http.Client
	method string // "POST" (form body) or "GET" (query)
}

// start runs a sandbox on a fake clock with one authorized shop.
func start(t *testing.T) (*client, *clock) {
	t.Helper()
	clk := &clock{t: time.Now().Truncate(time.Second)}
	srv, err := lazada.Start("127.0.0.1:0", lazada.Options{Now: clk.Now, PushTimeScale: 0.0001})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	c := &client{t: t, srv: srv, app: lazada.DefaultApp, now: clk.Now, http: &http.Client{Timeout: 10 * time.Second}, method: http.MethodPost}
	c.shop = c.createShop("HTX Chè Tân Cương")
	c.token = c.connect(c.shop)
	return c, clk
}

func (c *client) createShop(name string) int64 {
	var shop sandbox.ShopView
	require.Equal(c.t, http.StatusCreated, c.control("/_sandbox/shops", map[string]any{"name": name}, &shop))
	return shop.ID
}

// connect authorizes the shop without the browser and exchanges the code.
func (c *client) connect(shop int64) string {
	var code struct{ Code string }
	require.Equal(c.t, http.StatusOK, c.control("/_sandbox/authorize", map[string]any{"shop_id": shop}, &code))
	res := c.call("/auth/token/create", map[string]string{"code": code.Code})
	require.Equal(c.t, "0", res["code"], "%v", res)
	return res["access_token"].(string)
}

// control posts to the control API.
func (c *client) control(path string, in, out any) int {
	c.t.Helper()
	body, err := json.Marshal(in)
	require.NoError(c.t, err)
	resp, err := c.http.Post(c.srv.URL+path, "application/json", bytes.NewReader(body))
	require.NoError(c.t, err)
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// sysParams adds the system parameters (and the access token, when the
// client has one and the API is not an auth API) to params.
func (c *client) sysParams(api string, params map[string]string) map[string]string {
	p := map[string]string{"app_key": c.app.Key, "sign_method": "sha256", "timestamp": strconv.FormatInt(c.now().UnixMilli(), 10)}
	if c.token != "" && !strings.HasPrefix(api, "/auth/") {
		p["access_token"] = c.token
	}
	for k, v := range params {
		p[k] = v
	}
	return p
}

// call signs and sends an API call and decodes the answer.
func (c *client) call(api string, params map[string]string) map[string]any {
	c.t.Helper()
	p := c.sysParams(api, params)
	p["sign"] = testSign(c.app.Secret, api, p)
	status, res := c.send(api, p)
	require.Equal(c.t, http.StatusOK, status, "%v", res)
	return res
}

// send sends already signed parameters.
func (c *client) send(api string, p map[string]string) (int, map[string]any) {
	c.t.Helper()
	form := url.Values{}
	for k, v := range p {
		form.Set(k, v)
	}
	var req *http.Request
	var err error
	if c.method == http.MethodGet {
		req, err = http.NewRequest(http.MethodGet, c.srv.URL+"/rest"+api+"?"+form.Encode(), nil)
	} else {
		req, err = http.NewRequest(http.MethodPost, c.srv.URL+"/rest"+api, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	require.NoError(c.t, err)
	return c.do(req)
}

func (c *client) do(req *http.Request) (int, map[string]any) {
	c.t.Helper()
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var res map[string]any
	require.NoError(c.t, d.Decode(&res), "body %s", body)
	return resp.StatusCode, res
}

// get walks a decoded answer.
func get(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func num(t *testing.T, v any) int64 {
	t.Helper()
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		require.NoError(t, err)
		return i
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		require.NoError(t, err)
		return i
	}
	t.Fatalf("%v (%T) is not a number", v, v)
	return 0
}

func str(v any) string { s, _ := v.(string); return s }

// uploadImage uploads a tiny JPEG and returns its Lazada URL.
func (c *client) uploadImage() string {
	c.t.Helper()
	p := c.sysParams("/image/upload", nil)
	p["sign"] = testSign(c.app.Secret, "/image/upload", p)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("image", "che.jpg")
	require.NoError(c.t, err)
	_, _ = part.Write(append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{7}, 512)...))
	require.NoError(c.t, w.Close())
	q := url.Values{}
	for k, v := range p {
		q.Set(k, v)
	}
	req, err := http.NewRequest(http.MethodPost, c.srv.URL+"/rest/image/upload?"+q.Encode(), &body)
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	status, res := c.do(req)
	require.Equal(c.t, http.StatusOK, status)
	require.Equal(c.t, "0", res["code"], "%v", res)
	u := str(get(res, "data", "image", "url"))
	require.NotEmpty(c.t, u)
	require.Len(c.t, str(get(res, "data", "image", "hash_code")), 32)
	return u
}

// createProduct creates a product with the given SKUs (seller SKU → stock)
// at price 95000 and returns item id and SKU ids by seller SKU.
func (c *client) createProduct(name string, stock map[string]int64) (int64, map[string]int64) {
	c.t.Helper()
	img := c.uploadImage()
	var skus []map[string]any
	for sku, q := range stock {
		skus = append(skus, map[string]any{"SellerSku": sku, "quantity": strconv.FormatInt(q, 10), "price": "95000",
			"package_weight": "0.3", "package_length": "10", "package_width": "8", "package_height": "6"})
	}
	payload, _ := json.Marshal(map[string]any{"Request": map[string]any{"Product": map[string]any{
		"PrimaryCategory": "10002019", "Images": map[string]any{"Image": []string{img}},
		"Attributes": map[string]any{"name": name, "description": "Chè búp Thái Nguyên", "brand_id": "30768", "country_origin": "Việt Nam", "net_weight": "100"},
		"Skus":       map[string]any{"Sku": skus}}}})
	res := c.call("/product/create", map[string]string{"payload": string(payload)})
	require.Equal(c.t, "0", res["code"], "%v", res)
	ids := map[string]int64{}
	for _, x := range get(res, "data", "sku_list").([]any) {
		ids[str(get(x, "seller_sku"))] = num(c.t, get(x, "sku_id"))
	}
	return num(c.t, get(res, "data", "item_id")), ids
}

// sellable reads a SKU's engine stock.
func (c *client) sellable(sellerSKU string) sandbox.SKU {
	c.t.Helper()
	for _, s := range c.srv.Engine.State().Shops {
		if s.ID != c.shop {
			continue
		}
		for _, it := range s.Items {
			for _, k := range it.SKUs {
				if k.SellerSKU == sellerSKU && it.Status != sandbox.ItemDeleted {
					return *k
				}
			}
		}
	}
	c.t.Fatalf("no SKU %s", sellerSKU)
	return sandbox.SKU{}
}

// placeOrder buys through the control API; it returns the order and the
// HTTP status.
func (c *client) placeOrder(sellerSKU string, qty int64, status string) (sandbox.Order, int) {
	var o sandbox.Order
	code := c.control(fmt.Sprintf("/_sandbox/shops/%d/orders", c.shop),
		map[string]any{"lines": []map[string]any{{"seller_sku": sellerSKU, "quantity": qty}}, "status": status}, &o)
	return o, code
}

func TestSignatureChecks(t *testing.T) {
	c, clk := start(t)
	const api = "/product/price_quantity/update"
	_, skus := c.createProduct("Chè", map[string]int64{"SIG-1": 5})
	payload := fmt.Sprintf(`<Request><Product><Skus><Sku><SkuId>%d</SkuId><Quantity>7</Quantity></Sku></Skus></Product></Request>`, skus["SIG-1"])
	tests := []struct {
		name     string
		mutate   func(p map[string]string)
		wantCode string
	}{
		{"signed as documented", func(map[string]string) {}, "0"},
		{"ISO 8601 timestamp", func(p map[string]string) {
			p["timestamp"] = clk.Now().UTC().Format(time.RFC3339)
			p["sign"] = testSign(c.app.Secret, api, p)
		}, "0"},
		{"lower-case hex", func(p map[string]string) { p["sign"] = strings.ToLower(p["sign"]) }, "IncompleteSignature"},
		{"payload changed after signing", func(p map[string]string) { p["payload"] = strings.Replace(p["payload"], ">7<", ">9<", 1) }, "IncompleteSignature"},
		{"payload left out of the signature", func(p map[string]string) {
			q := map[string]string{}
			for k, v := range p {
				if k != "payload" {
					q[k] = v
				}
			}
			p["sign"] = testSign(c.app.Secret, api, q)
		}, "IncompleteSignature"},
		{"/rest in the signed path", func(p map[string]string) { p["sign"] = testSign(c.app.Secret, "/rest"+api, p) }, "IncompleteSignature"},
		{"timestamp 3 h old", func(p map[string]string) {
			p["timestamp"] = strconv.FormatInt(clk.Now().Add(-3*time.Hour).UnixMilli(), 10)
			p["sign"] = testSign(c.app.Secret, api, p)
		}, "InvalidTimestamp"},
		{"timestamp in seconds", func(p map[string]string) {
			p["timestamp"] = strconv.FormatInt(clk.Now().Unix(), 10)
			p["sign"] = testSign(c.app.Secret, api, p)
		}, "InvalidTimestamp"},
		{"no sign", func(p map[string]string) { delete(p, "sign") }, "MissingParameter"},
		{"unknown app", func(p map[string]string) {
			p["app_key"] = "999999"
			p["sign"] = testSign(c.app.Secret, api, p)
		}, "InvalidAppKey"},
		{"unknown access token", func(p map[string]string) {
			p["access_token"] = "not-a-token"
			p["sign"] = testSign(c.app.Secret, api, p)
		}, "IllegalAccessToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := c.sysParams(api, map[string]string{"payload": payload})
			p["sign"] = testSign(c.app.Secret, api, p)
			tt.mutate(p)
			status, res := c.send(api, p)
			require.Equal(t, http.StatusOK, status, "Lazada answers its errors with HTTP 200")
			require.Equal(t, tt.wantCode, res["code"], "%v", res)
			require.NotEmpty(t, res["request_id"])
			if tt.wantCode != "0" {
				require.Equal(t, "ISV", res["type"])
				require.NotEmpty(t, res["message"])
			}
		})
	}
	require.Equal(t, int64(7), c.sellable("SIG-1").Stock, "only the signed calls changed the stock")
}

// A client that posts a JSON object (system parameters in the query, the
// rest in the body, as EcomPHP/lazada-php does) or uses GET is accepted.
func TestParameterTransports(t *testing.T) {
	c, _ := start(t)
	t.Run("JSON body", func(t *testing.T) {
		p := c.sysParams("/seller/get", map[string]string{"extra": "x"})
		p["sign"] = testSign(c.app.Secret, "/seller/get", p)
		q := url.Values{}
		for _, k := range []string{"app_key", "sign_method", "timestamp", "access_token", "sign"} {
			q.Set(k, p[k])
		}
		req, err := http.NewRequest(http.MethodPost, c.srv.URL+"/rest/seller/get?"+q.Encode(), strings.NewReader(`{"extra":"x"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		_, res := c.do(req)
		require.Equal(t, "0", res["code"], "%v", res)
		require.Equal(t, c.shop, num(t, get(res, "data", "seller_id")))
	})
	t.Run("GET query", func(t *testing.T) {
		g := *c
		g.method = http.MethodGet
		g.t = t
		res := g.call("/seller/get", nil)
		require.Equal(t, "0", res["code"], "%v", res)
		require.Equal(t, "HTX Chè Tân Cương", get(res, "data", "name"))
	})
	t.Run("empty access_token on an auth API", func(t *testing.T) {
		var code struct{ Code string }
		require.Equal(t, http.StatusOK, c.control("/_sandbox/authorize", map[string]any{"shop_id": c.shop}, &code))
		p := c.sysParams("/auth/token/create", map[string]string{"code": code.Code, "access_token": ""})
		p["sign"] = testSign(c.app.Secret, "/auth/token/create", p)
		g := *c
		g.method = http.MethodGet
		g.t = t
		_, res := g.send("/auth/token/create", p)
		require.Equal(t, "0", res["code"], "an empty parameter is signed like any other: %v", res)
	})
	t.Run("unknown API", func(t *testing.T) {
		res := c.call("/no/such/api", nil)
		require.Equal(t, "InvalidApiPath", res["code"])
	})
}

func TestOAuthThroughThePage(t *testing.T) {
	c, clk := start(t)
	shop := c.createShop("HTX Mật ong Bắc Kạn")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := c.srv.URL + "/oauth/authorize?" + url.Values{"response_type": {"code"}, "force_auth": {"true"},
		"redirect_uri": {"https://hub.example/lazada/callback?x=1"}, "client_id": {c.app.Key}, "state": {"st-42"}}.Encode()

	resp, err := http.Get(page)
	require.NoError(t, err)
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(html), "HTX Mật ong Bắc Kạn", "the page lists the test shops")

	approve := func() string {
		resp, err := noRedirect.PostForm(page, url.Values{"shop_id": {strconv.FormatInt(shop, 10)}})
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusFound, resp.StatusCode)
		loc, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		require.Equal(t, "hub.example", loc.Host)
		require.Equal(t, "st-42", loc.Query().Get("state"))
		require.Equal(t, "1", loc.Query().Get("x"), "the callback's own query is kept")
		require.NotEmpty(t, loc.Query().Get("code"))
		return loc.Query().Get("code")
	}
	code := approve()

	c.token = ""
	res := c.call("/auth/token/create", map[string]string{"code": code})
	require.Equal(t, "0", res["code"], "%v", res)
	require.Nil(t, res["data"], "token fields sit at the top level")
	require.Equal(t, int64(7*24*3600), num(t, res["expires_in"]))
	require.Equal(t, int64(30*24*3600), num(t, res["refresh_expires_in"]))
	require.Equal(t, "vn", res["country"])
	require.Equal(t, "seller_center", res["account_platform"])
	require.Equal(t, strconv.FormatInt(shop, 10), get(res, "country_user_info", 0, "seller_id"))
	access, refresh := str(res["access_token"]), str(res["refresh_token"])

	again := c.call("/auth/token/create", map[string]string{"code": code})
	require.Equal(t, "InvalidCode", again["code"], "a code is single use")

	late := approve()
	clk.Add(31 * time.Minute)
	require.Equal(t, "InvalidCode", c.call("/auth/token/create", map[string]string{"code": late})["code"], "a code lives 30 minutes")

	c.token = access
	require.Equal(t, "0", c.call("/seller/get", nil)["code"])

	c.token = ""
	next := c.call("/auth/token/refresh", map[string]string{"refresh_token": refresh})
	require.Equal(t, "0", next["code"], "%v", next)
	require.NotEqual(t, refresh, next["refresh_token"], "refresh tokens rotate")
	require.NotEmpty(t, get(next, "country_user_info_list", 0, "seller_id"))
	spent := c.call("/auth/token/refresh", map[string]string{"refresh_token": refresh})
	require.Equal(t, "IllegalRefreshToken", spent["code"], "a refresh token is single use")

	c.token = access
	require.Equal(t, "IllegalAccessToken", c.call("/seller/get", nil)["code"], "no grace for the old access token")
	c.token = str(next["access_token"])
	require.Equal(t, "0", c.call("/seller/get", nil)["code"])
	var expired struct{ Expired int }
	require.Equal(t, http.StatusOK, c.control(fmt.Sprintf("/_sandbox/shops/%d/expire_tokens", shop), struct{}{}, &expired))
	require.Equal(t, 1, expired.Expired)
	require.Equal(t, "IllegalAccessToken", c.call("/seller/get", nil)["code"], "expired by the control API")
}

func TestCreateProduct(t *testing.T) {
	c, _ := start(t)
	img := c.uploadImage()
	tests := []struct {
		name    string
		payload string
	}{
		{"JSON", `{"Request":{"Product":{"PrimaryCategory":"10002019","Images":{"Image":["` + img + `"]},
			"Attributes":{"name":"Chè Tân Cương","description":"<p>Chè búp</p>","brand_id":"30768","country_origin":"Việt Nam","net_weight":"100"},
			"Skus":{"Sku":[{"SellerSku":"JSON-1","saleProp":{"size":"100g"},"quantity":"3","price":"95000","special_price":"90000","package_weight":"0.1"},
			               {"SellerSku":"JSON-2","saleProp":{"size":"200g"},"quantity":5,"price":180000.00}]}}}}`},
		{"XML", `<?xml version="1.0" encoding="UTF-8" ?><Request><Product><PrimaryCategory>10002019</PrimaryCategory>
			<Images><Image>` + img + `</Image></Images>
			<Attributes><name>Mật ong rừng</name><description><![CDATA[<p>Mật ong & sáp</p>]]></description><brand_id>30768</brand_id><country_origin>Việt Nam</country_origin><net_weight>100</net_weight></Attributes>
			<Skus><Sku><SellerSku>XML-1</SellerSku><quantity>3</quantity><price>95000</price><saleProp><size>100g</size></saleProp></Sku>
			<Sku><SellerSku>XML-2</SellerSku><quantity>5</quantity><price>180000</price><saleProp><size>200g</size></saleProp></Sku></Skus>
			</Product></Request>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.call("/product/create", map[string]string{"payload": tt.payload})
			require.Equal(t, "0", res["code"], "%v", res)
			require.Equal(t, "Active", get(res, "data", "item_status"))
			list := get(res, "data", "sku_list").([]any)
			require.Len(t, list, 2)
			itemID := num(t, get(res, "data", "item_id"))
			require.Equal(t, fmt.Sprintf("%d_VNAMZ-%d", itemID, num(t, get(list[0], "sku_id"))), get(list[0], "shop_sku"))

			got := c.call("/product/item/get", map[string]string{"item_id": strconv.FormatInt(itemID, 10)})
			require.Equal(t, "0", got["code"], "%v", got)
			require.Equal(t, []any{img}, get(got, "data", "images"))
			sku := get(got, "data", "skus", 1)
			require.Equal(t, int64(180000), num(t, get(sku, "price")))
			require.Equal(t, int64(5), num(t, get(sku, "quantity")))
			require.Equal(t, int64(5), num(t, get(sku, "Available")))
			require.Equal(t, "active", get(sku, "Status"))
			require.Equal(t, "200g", get(sku, "saleProp", "size"), "other SKU fields are kept")
		})
	}
	errs := []struct {
		name, payload, wantCode string
	}{
		{"external image", `{"Request":{"Product":{"PrimaryCategory":"1","Images":{"Image":["https://example.com/a.jpg"]},
			"Attributes":{"name":"X"},"Skus":{"Sku":[{"SellerSku":"EXT-1","quantity":"1","price":"1000"}]}}}}`, "4138"},
		{"no image at all", `{"Request":{"Product":{"PrimaryCategory":"1","Attributes":{"name":"X"},
			"Skus":{"Sku":[{"SellerSku":"NOIMG-1","quantity":"1","price":"1000"}]}}}}`, "4139"},
		{"seller SKU taken", `{"Request":{"Product":{"PrimaryCategory":"1","Images":{"Image":["` + img + `"]},
			"Attributes":{"name":"X"},"Skus":{"Sku":[{"SellerSku":"JSON-1","quantity":"1","price":"1000"}]}}}}`, "4105"},
		{"seller SKU twice", `{"Request":{"Product":{"PrimaryCategory":"1","Images":{"Image":["` + img + `"]},
			"Attributes":{"name":"X"},"Skus":{"Sku":[{"SellerSku":"TWICE","quantity":"1","price":"1000"},{"SellerSku":"TWICE","quantity":"1","price":"1000"}]}}}}`, "4105"},
		{"fraction of a đồng", `{"Request":{"Product":{"PrimaryCategory":"1","Images":{"Image":["` + img + `"]},
			"Attributes":{"name":"X"},"Skus":{"Sku":[{"SellerSku":"FRAC","quantity":"1","price":"1000.5"}]}}}}`, "4104"},
		{"no name", `{"Request":{"Product":{"PrimaryCategory":"1","Images":{"Image":["` + img + `"]},
			"Attributes":{},"Skus":{"Sku":[{"SellerSku":"NONAME","quantity":"1","price":"1000"}]}}}}`, "1"},
		{"broken XML", `<Request><Product>`, "5"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			res := c.call("/product/create", map[string]string{"payload": tt.payload})
			require.Equal(t, tt.wantCode, res["code"], "%v", res)
		})
	}
	dup := c.call("/product/create", map[string]string{"payload": errs[2].payload})
	require.Equal(t, "JSON-1", get(dup, "detail", 0, "seller_sku"))
}

func TestImages(t *testing.T) {
	c, _ := start(t)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 64)...)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok.png":
			_, _ = w.Write(png)
		case "/big.jpg":
			_, _ = w.Write(append([]byte{0xFF, 0xD8, 0xFF}, make([]byte, 1<<20)...))
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	migrate := func(u string) map[string]any {
		return c.call("/image/migrate", map[string]string{"payload": `<?xml version="1.0" encoding="UTF-8" ?><Request><Image><Url>` + u + `</Url></Image></Request>`})
	}
	res := migrate(site.URL + "/ok.png")
	require.Equal(t, "0", res["code"], "%v", res)
	migrated := str(get(res, "data", "image", "url"))
	require.True(t, strings.HasSuffix(migrated, ".png"), migrated)
	require.Equal(t, "303", migrate(site.URL + "/big.jpg")["code"], "over 1 MB")
	require.Equal(t, "304", migrate(site.URL + "/missing.jpg")["code"])
	require.Equal(t, "0", migrate(migrated)["code"], "a Lazada-hosted image migrates to itself")

	itemID, skus := c.createProduct("Chè", map[string]int64{"IMG-1": 1})
	res = c.call("/product/create", map[string]string{"payload": fmt.Sprintf(`{"Request":{"Product":{"AssociatedSku":"%d",
		"Skus":{"Sku":[{"SellerSku":"IMG-2","quantity":"2","price":"50000","Images":{"Image":["%s"]}}]}}}}`, skus["IMG-1"], migrated)})
	require.Equal(t, "0", res["code"], "%v", res)
	require.Equal(t, itemID, num(t, get(res, "data", "item_id")), "AssociatedSku adds SKUs to the existing product")
	require.Len(t, get(res, "data", "sku_list"), 1)
	got := c.call("/product/item/get", map[string]string{"item_id": strconv.FormatInt(itemID, 10)})
	require.Len(t, get(got, "data", "skus"), 2)
	require.Equal(t, []any{migrated}, get(got, "data", "skus", 1, "Images"))
}

func TestUpdateProduct(t *testing.T) {
	c, _ := start(t)
	itemID, skus := c.createProduct("Chè", map[string]int64{"UPD-1": 4})
	payload := fmt.Sprintf(`<Request><Product><ItemId>%d</ItemId><Attributes><name>Chè thượng hạng</name></Attributes>
		<Skus><Sku><SkuId>%d</SkuId><quantity>9</quantity><price>99000</price><package_weight>0.5</package_weight></Sku></Skus></Product></Request>`, itemID, skus["UPD-1"])
	res := c.call("/product/update", map[string]string{"payload": payload})
	require.Equal(t, "0", res["code"], "%v", res)
	got := c.call("/product/item/get", map[string]string{"item_id": strconv.FormatInt(itemID, 10)})
	require.Equal(t, "Chè thượng hạng", get(got, "data", "attributes", "name"))
	require.Equal(t, "Chè búp Thái Nguyên", get(got, "data", "attributes", "description"), "attributes merge")
	require.Equal(t, int64(99000), num(t, get(got, "data", "skus", 0, "price")))
	require.Equal(t, "0.5", get(got, "data", "skus", 0, "package_weight"))
	require.Equal(t, int64(9), c.sellable("UPD-1").Stock)

	res = c.call("/product/update", map[string]string{"payload": `{"Request":{"Product":{"ItemId":"1"}}}`})
	require.Equal(t, "501", res["code"])
}

func TestPriceQuantityUpdate(t *testing.T) {
	c, _ := start(t)
	itemID, skus := c.createProduct("Chè", map[string]int64{"PQ-1": 10, "PQ-2": 10})

	t.Run("more than 50 SKUs", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("<Request><Product><Skus>")
		for i := 0; i < 51; i++ {
			fmt.Fprintf(&b, "<Sku><SellerSku>PQ-1</SellerSku><Quantity>%d</Quantity></Sku>", i)
		}
		b.WriteString("</Skus></Product></Request>")
		res := c.call("/product/price_quantity/update", map[string]string{"payload": b.String()})
		require.Equal(t, "204", res["code"], "%v", res)
		require.Equal(t, int64(10), c.sellable("PQ-1").Stock, "nothing applied")
	})

	t.Run("partial failure", func(t *testing.T) {
		payload := fmt.Sprintf(`{"Request":{"Product":{"Skus":{"Sku":[
			{"ItemId":"%d","SkuId":"%d","Price":"120000","SalePrice":"110000","Quantity":"12"},
			{"SellerSku":"NO-SUCH-SKU","Quantity":"3"},
			{"SellerSku":"PQ-2","Price":"99.5"}]}}}}`, itemID, skus["PQ-1"])
		res := c.call("/product/price_quantity/update", map[string]string{"payload": payload})
		require.Equal(t, "501", res["code"], "%v", res)
		detail := res["detail"].([]any)
		require.Len(t, detail, 2)
		require.Equal(t, "NO-SUCH-SKU", get(detail[0], "seller_sku"))
		require.Equal(t, "PQ-2", get(detail[1], "seller_sku"))
		require.Equal(t, "Price", get(detail[1], "field"))
		k := c.sellable("PQ-1")
		require.Equal(t, int64(12), k.Stock, "the good SKU was applied")
		require.Equal(t, int64(120000), k.Price)
		require.NotNil(t, k.Promo)
		require.EqualValues(t, 110000, k.Promo.Price, "the special price, from now for a year without dates")
		require.Equal(t, int64(110000), k.PriceAt(time.Now()), "buyers pay it")
	})

	t.Run("quantity is the warehouse total", func(t *testing.T) {
		_, status := c.placeOrder("PQ-2", 3, "")
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, int64(7), c.sellable("PQ-2").Stock)
		res := c.call("/product/price_quantity/update", map[string]string{"payload": `<Request><Product><Skus><Sku>
			<SellerSku>PQ-2</SellerSku><MultiWarehouseInventories><MultiWarehouseInventory><WarehouseCode>dropshipping</WarehouseCode>
			<Quantity>20</Quantity></MultiWarehouseInventory></MultiWarehouseInventories></Sku></Skus></Product></Request>`})
		require.Equal(t, "0", res["code"], "%v", res)
		require.Equal(t, int64(17), c.sellable("PQ-2").Stock, "20 minus the 3 units of the unshipped order")
		got := c.call("/product/item/get", map[string]string{"seller_sku": "PQ-2"})
		var sku any
		for _, s := range get(got, "data", "skus").([]any) {
			if get(s, "SellerSku") == "PQ-2" {
				sku = s
			}
		}
		require.Equal(t, int64(20), num(t, get(sku, "quantity")))
		require.Equal(t, int64(17), num(t, get(sku, "Available")))
		require.Equal(t, int64(3), num(t, get(sku, "multiWarehouseInventories", 0, "occupyQuantity")))

		require.Equal(t, http.StatusOK, c.control(fmt.Sprintf("/_sandbox/shops/%d/reserved", c.shop), map[string]any{"seller_sku": "PQ-2", "reserved": 5}, nil))
		res = c.call("/product/price_quantity/update", map[string]string{"payload": `<Request><Product><Skus><Sku><SellerSku>PQ-2</SellerSku><Quantity>7</Quantity></Sku></Skus></Product></Request>`})
		require.Equal(t, "501", res["code"], "7 < 3 held + 5 locked: %v", res)
		require.Equal(t, int64(17), c.sellable("PQ-2").Stock)
	})
}

func TestSellableStock(t *testing.T) {
	c, _ := start(t)
	c.createProduct("Chè", map[string]int64{"SL-1": 10, "SL-2": 10})
	require.Equal(t, http.StatusOK, c.control(fmt.Sprintf("/_sandbox/shops/%d/reserved", c.shop), map[string]any{"seller_sku": "SL-1", "reserved": 4}, nil))
	update := func(api, sku string, n int64) map[string]any {
		return c.call(api, map[string]string{"payload": fmt.Sprintf(
			`<Request><Product><Skus><Sku><SellerSku>%s</SellerSku><SellableQuantity>%d</SellableQuantity></Sku></Skus></Product></Request>`, sku, n)})
	}
	tests := []struct {
		name, api, sku string
		n              int64
		wantCode       string
		wantStock      int64
	}{
		{"absolute", "/product/stock/sellable/update", "SL-2", 6, "0", 6},
		{"below the campaign lock", "/product/stock/sellable/update", "SL-1", 3, "501", 10},
		{"at the campaign lock", "/product/stock/sellable/update", "SL-1", 4, "0", 4},
		{"adjust up", "/product/stock/sellable/adjust", "SL-2", 5, "0", 11},
		{"adjust down", "/product/stock/sellable/adjust", "SL-2", -2, "0", 9},
		{"adjust below zero", "/product/stock/sellable/adjust", "SL-2", -10, "212", 9},
		{"adjust below the lock", "/product/stock/sellable/adjust", "SL-1", -1, "501", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := update(tt.api, tt.sku, tt.n)
			require.Equal(t, tt.wantCode, res["code"], "%v", res)
			if tt.wantCode != "0" {
				require.Equal(t, tt.sku, get(res, "detail", 0, "seller_sku"))
			}
			require.Equal(t, tt.wantStock, c.sellable(tt.sku).Stock)
		})
	}
}

func TestDeactivateAndRemove(t *testing.T) {
	c, _ := start(t)
	itemID, skus := c.createProduct("Chè", map[string]int64{"DR-1": 5, "DR-2": 5})
	body := func(inner string) map[string]string {
		return map[string]string{"apiRequestBody": fmt.Sprintf(`<Request><Product><ItemId>%d</ItemId>%s</Product></Request>`, itemID, inner)}
	}
	require.Equal(t, "4193", c.call("/product/deactivate", body("<Skus><SellerSku>DR-1</SellerSku></Skus>"))["code"])
	require.Equal(t, "E0006", c.call("/product/deactivate", body(fmt.Sprintf("<Skus><SkuId>%d</SkuId></Skus>", skus["DR-1"])))["code"])
	res := c.call("/product/deactivate", body(fmt.Sprintf("<Skus><SkuId>%d</SkuId><SkuId>%d</SkuId></Skus>", skus["DR-1"], skus["DR-2"])))
	require.Equal(t, "0", res["code"], "%v", res)
	got := c.call("/product/item/get", map[string]string{"item_id": strconv.FormatInt(itemID, 10)})
	require.Equal(t, "InActive", get(got, "data", "status"))
	_, status := c.placeOrder("DR-1", 1, "")
	require.Equal(t, http.StatusConflict, status, "an inactive product cannot be bought")
	require.Equal(t, "E0004", c.call("/product/deactivate", body(""))["code"], "already inactive")

	require.Equal(t, "503", c.call("/product/remove", map[string]string{"seller_sku_list": `["DR-1"]`})["code"], "only whole items")
	many, _ := json.Marshal(make([]string, 51))
	require.Equal(t, "204", c.call("/product/remove", map[string]string{"seller_sku_list": string(many)})["code"])
	res = c.call("/product/remove", map[string]string{"sku_id_list": fmt.Sprintf(`["SkuId_%d_%d","SkuId_%d_%d"]`, itemID, skus["DR-1"], itemID, skus["DR-2"])})
	require.Equal(t, "0", res["code"], "%v", res)
	require.Equal(t, "208", c.call("/product/item/get", map[string]string{"item_id": strconv.FormatInt(itemID, 10)})["code"])
	deleted := c.call("/products/get", map[string]string{"filter": "deleted"})
	require.Equal(t, int64(1), num(t, get(deleted, "data", "total_products")))
	require.Equal(t, "Deleted", get(deleted, "data", "products", 0, "status"))
	c.createProduct("Chè mới", map[string]int64{"DR-1": 1})
}

func TestProductsPaging(t *testing.T) {
	c, _ := start(t)
	var inactive int64
	for i := 0; i < 7; i++ {
		id, _ := c.createProduct(fmt.Sprintf("Sản phẩm %d", i), map[string]int64{fmt.Sprintf("PG-%d", i): 1})
		if i == 3 {
			inactive = id
		}
	}
	res := c.call("/product/deactivate", map[string]string{"apiRequestBody": fmt.Sprintf(`{"Request":{"Product":{"ItemId":"%d"}}}`, inactive)})
	require.Equal(t, "0", res["code"], "%v", res)

	seen := map[int64]bool{}
	for offset := 0; ; offset += 3 {
		res := c.call("/products/get", map[string]string{"filter": "all", "offset": strconv.Itoa(offset), "limit": "3"})
		require.Equal(t, "0", res["code"], "%v", res)
		require.Equal(t, int64(7), num(t, get(res, "data", "total_products")))
		page := get(res, "data", "products").([]any)
		for _, p := range page {
			id := num(t, get(p, "item_id"))
			require.False(t, seen[id], "item %d twice", id)
			seen[id] = true
		}
		if len(page) < 3 {
			break
		}
	}
	require.Len(t, seen, 7)

	tests := []struct {
		name   string
		params map[string]string
		want   int64
	}{
		{"live", map[string]string{"filter": "live"}, 6},
		{"inactive", map[string]string{"filter": "inactive"}, 1},
		{"sku_seller_list", map[string]string{"filter": "all", "sku_seller_list": `["PG-1","PG-5","NOPE"]`}, 2},
		{"updated after now", map[string]string{"filter": "all", "update_after": time.Now().Add(time.Hour).Format(time.RFC3339)}, 0},
		{"created after an hour ago", map[string]string{"filter": "all", "create_after": time.Now().Add(-time.Hour).Format(time.RFC3339)}, 7},
		{"sold-out", map[string]string{"filter": "sold-out"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.call("/products/get", tt.params)
			require.Equal(t, "0", res["code"], "%v", res)
			require.Equal(t, tt.want, num(t, get(res, "data", "total_products")))
		})
	}
	require.Equal(t, "19", c.call("/products/get", map[string]string{"filter": "all", "limit": "51"})["code"])
	require.Equal(t, "36", c.call("/products/get", map[string]string{"filter": "bogus"})["code"])
	require.Equal(t, "17", c.call("/products/get", map[string]string{"filter": "all", "update_after": "2026-01-01"})["code"])
	require.Equal(t, "70", c.call("/products/get", map[string]string{"filter": "all", "sku_seller_list": "PG-1"})["code"])
}

func TestOrders(t *testing.T) {
	c, _ := start(t)
	from := time.Now().Add(-time.Minute).Format(time.RFC3339)
	c.createProduct("Chè", map[string]int64{"OR-1": 20, "OR-2": 20})
	var placed []sandbox.Order
	for i := 0; i < 5; i++ {
		o, status := c.placeOrder(fmt.Sprintf("OR-%d", i%2+1), 2, "")
		require.Equal(t, http.StatusOK, status)
		placed = append(placed, o)
	}
	_, status := c.placeOrder("OR-1", 100, "")
	require.Equal(t, http.StatusConflict, status, "a buy beyond the stock fails")
	require.Equal(t, int64(14), c.sellable("OR-1").Stock)

	require.Equal(t, "MissingParameter", c.call("/orders/get", nil)["code"], "created_after or update_after is required")
	require.Equal(t, "17", c.call("/orders/get", map[string]string{"created_after": "yesterday"})["code"])
	require.Equal(t, "19", c.call("/orders/get", map[string]string{"created_after": from, "limit": "101"})["code"])

	seen := map[int64]bool{}
	for offset := 0; ; offset += 2 {
		res := c.call("/orders/get", map[string]string{"created_after": from, "offset": strconv.Itoa(offset), "limit": "2", "sort_direction": "ASC"})
		require.Equal(t, "0", res["code"], "%v", res)
		require.Equal(t, int64(5), num(t, get(res, "data", "countTotal")))
		orders := get(res, "data", "orders").([]any)
		require.Equal(t, int64(len(orders)), num(t, get(res, "data", "count")))
		for _, o := range orders {
			seen[num(t, get(o, "order_id"))] = true
			require.Equal(t, []any{"pending"}, get(o, "statuses"))
			require.Equal(t, "190000.00", get(o, "price"))
			require.Equal(t, int64(2), num(t, get(o, "items_count")))
		}
		if len(orders) < 2 {
			break
		}
	}
	require.Len(t, seen, 5)
	for _, o := range placed {
		require.True(t, seen[o.ID], "Lazada's order_id is the engine's numeric id")
	}

	first := strconv.FormatInt(placed[0].ID, 10)
	items := c.call("/order/items/get", map[string]string{"order_id": first})
	require.Equal(t, "0", items["code"], "%v", items)
	list := items["data"].([]any)
	require.Len(t, list, 2, "one order item per unit")
	require.Equal(t, "OR-1", get(list[0], "sku"))
	require.Equal(t, "VND", get(list[0], "currency"))
	require.Equal(t, "95000.00", get(list[0], "paid_price"))
	require.NotEqual(t, get(list[0], "order_item_id"), get(list[1], "order_item_id"))
	multi := c.call("/orders/items/get", map[string]string{"order_ids": fmt.Sprintf("[%d,%d]", placed[0].ID, placed[1].ID)})
	require.Equal(t, "0", multi["code"], "%v", multi)
	require.Len(t, multi["data"].([]any), 2)
	require.Equal(t, "16", c.call("/order/get", map[string]string{"order_id": "12345"})["code"])

	t.Run("pack and ready to ship", func(t *testing.T) {
		providers := c.call("/order/shipment/providers/get", nil)
		require.Equal(t, "TFS", get(providers, "result", "data", "shipping_allocate_type"), "%v", providers)
		packReq, _ := json.Marshal(map[string]any{"delivery_type": "dropship", "shipping_allocate_type": "TFS",
			"pack_order_list": []any{map[string]any{"order_id": placed[0].ID, "order_item_list": []any{get(list[0], "order_item_id"), get(list[1], "order_item_id")}}}})
		res := c.call("/order/fulfill/pack", map[string]string{"packReq": string(packReq)})
		require.Equal(t, "0", res["code"], "%v", res)
		require.Equal(t, true, get(res, "result", "success"))
		item := get(res, "result", "data", "pack_order_list", 0, "order_item_list", 0)
		require.Equal(t, "0", get(item, "item_err_code"), "%v", item)
		pkg, tracking := str(get(item, "package_id")), str(get(item, "tracking_number"))
		require.NotEmpty(t, pkg)
		require.NotEmpty(t, tracking)
		o := c.call("/order/get", map[string]string{"order_id": first})
		require.Equal(t, []any{"packed"}, get(o, "data", "statuses"))
		again := c.call("/order/fulfill/pack", map[string]string{"packReq": string(packReq)})
		require.Equal(t, "700026", get(again, "result", "data", "pack_order_list", 0, "order_item_list", 0, "item_err_code"))

		rts, _ := json.Marshal(map[string]any{"packages": []any{map[string]any{"package_id": pkg}, map[string]any{"package_id": "FP1"}}})
		res = c.call("/order/package/rts", map[string]string{"readyToShipReq": string(rts)})
		require.Equal(t, "0", res["code"], "%v", res)
		require.Equal(t, "0", get(res, "result", "data", "packages", 0, "item_err_code"))
		require.NotEqual(t, "0", get(res, "result", "data", "packages", 1, "item_err_code"), "per-package errors behind success=true")
		shipped := c.call("/order/items/get", map[string]string{"order_id": first})
		require.Equal(t, "shipped", get(shipped, "data", 0, "status"))
		require.Equal(t, tracking, get(shipped, "data", 0, "tracking_code"))
		require.Equal(t, pkg, get(shipped, "data", 0, "package_id"))
		require.Equal(t, "73", c.call("/order/reverse/cancel/create", map[string]string{"order_id": first, "reason_id": "10000019"})["code"],
			"a shipped order cannot be cancelled")
	})

	t.Run("cancel", func(t *testing.T) {
		second := placed[1] // OR-2 × 2
		before := c.sellable("OR-2").Stock
		items := c.call("/order/items/get", map[string]string{"order_id": strconv.FormatInt(second.ID, 10)})
		itemID := fmt.Sprint(get(items, "data", 0, "order_item_id"))
		valid := c.call("/order/reverse/cancel/validate", map[string]string{"order_id": strconv.FormatInt(second.ID, 10), "order_item_id_list": "[" + itemID + "]"})
		require.Equal(t, "0", valid["code"], "%v", valid)
		require.NotEmpty(t, get(valid, "data", "reason_options"))
		res := c.call("/order/cancel", map[string]string{"order_item_id": itemID, "reason_id": "10000019"})
		require.Equal(t, "0", res["code"], "%v", res)
		require.Equal(t, before+2, c.sellable("OR-2").Stock, "cancel returns the units")
		got := c.call("/order/items/get", map[string]string{"order_id": strconv.FormatInt(second.ID, 10)})
		require.Equal(t, "canceled", get(got, "data", 0, "status"))
		require.Equal(t, "cancellation-seller", get(got, "data", 0, "cancel_return_initiator"))

		third := placed[3] // OR-2 again
		res = c.call("/order/reverse/cancel/create", map[string]string{"order_id": strconv.FormatInt(third.ID, 10), "reason_id": "10000021"})
		require.Equal(t, "0", res["code"], "%v", res)
		require.Equal(t, int64(0), c.sellable("OR-2").Stock, "Lazada zeroes the stock after an out-of-stock cancellation")
	})
}

func TestPushes(t *testing.T) {
	c, _ := start(t)
	type push struct {
		header http.Header
		body   []byte
	}
	got := make(chan push, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- push{r.Header.Clone(), body}
	}))
	defer hook.Close()
	require.Equal(t, http.StatusOK, c.control("/_sandbox/push", map[string]any{"url": hook.URL + "/lazada", "enabled": true}, nil))
	c.createProduct("Chè", map[string]int64{"PU-1": 5})
	o, status := c.placeOrder("PU-1", 1, "")
	require.Equal(t, http.StatusOK, status)

	var p push
	select {
	case p = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no push")
	}
	mac := hmac.New(sha256.New, []byte(c.app.Secret))
	mac.Write([]byte(c.app.Key))
	mac.Write(p.body)
	require.Equal(t, hex.EncodeToString(mac.Sum(nil)), p.header.Get("Authorization"), "lower-case hex HMAC of app_key + body")
	var msg struct {
		SellerID    string `json:"seller_id"`
		MessageType int    `json:"message_type"`
		Site        string `json:"site"`
		Timestamp   int64  `json:"timestamp"`
		Data        struct {
			OrderStatus      string `json:"order_status"`
			StatusUpdateTime int64  `json:"status_update_time"`
			TradeOrderID     string `json:"trade_order_id"`
			TradeOrderLineID string `json:"trade_order_line_id"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(p.body, &msg))
	require.Equal(t, strconv.FormatInt(c.shop, 10), msg.SellerID)
	require.Equal(t, "lazada_vn", msg.Site)
	require.Equal(t, "pending", msg.Data.OrderStatus)
	require.Equal(t, strconv.FormatInt(o.ID, 10), msg.Data.TradeOrderID)
	require.NotEmpty(t, msg.Data.TradeOrderLineID)
	require.Positive(t, msg.Timestamp)

	require.Equal(t, http.StatusOK, c.control(fmt.Sprintf("/_sandbox/shops/%d/push", c.shop), map[string]any{"enabled": false}, nil))
	lost, status := c.placeOrder("PU-1", 1, "")
	require.Equal(t, http.StatusOK, status)
	require.Eventually(t, func() bool {
		msgs, _ := c.srv.Engine.LostPushes(100)
		for _, m := range msgs {
			if m.Event.Order.ID == lost.ID && bytes.Contains(m.Body, []byte(strconv.FormatInt(lost.ID, 10))) {
				return true
			}
		}
		return false
	}, 5*time.Second, 10*time.Millisecond, "a push of a shop with pushes off is lost")
	select {
	case p := <-got:
		t.Fatalf("push delivered while off: %s", p.body)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestFaults(t *testing.T) {
	c, _ := start(t)
	faults := func(f sandbox.Faults) {
		require.Equal(t, http.StatusOK, c.control(fmt.Sprintf("/_sandbox/shops/%d/faults", c.shop), f, nil))
	}
	t.Run("throttled", func(t *testing.T) {
		faults(sandbox.Faults{QPS: 1, Burst: 1})
		require.Equal(t, "0", c.call("/seller/get", nil)["code"])
		res := c.call("/seller/get", nil)
		require.Equal(t, "ApiCallLimit", res["code"], "the fake clock stands still: the second call is over the limit")
		require.Equal(t, "ISP", res["type"])
		faults(sandbox.Faults{})
	})
	t.Run("server error", func(t *testing.T) {
		faults(sandbox.Faults{ErrorRate: 1})
		p := c.sysParams("/seller/get", nil)
		p["sign"] = testSign(c.app.Secret, "/seller/get", p)
		status, res := c.send("/seller/get", p)
		require.Equal(t, http.StatusInternalServerError, status)
		require.Equal(t, "SYSTEM", res["type"])
		faults(sandbox.Faults{})
	})
	t.Run("timeout", func(t *testing.T) {
		faults(sandbox.Faults{TimeoutRate: 1, TimeoutAfterMS: 200})
		p := c.sysParams("/seller/get", nil)
		p["sign"] = testSign(c.app.Secret, "/seller/get", p)
		impatient := &http.Client{Timeout: 50 * time.Millisecond}
		_, err := impatient.Get(c.srv.URL + "/rest/seller/get?" + values(p).Encode())
		require.Error(t, err, "the client gives up first")
		resp, err := http.Get(c.srv.URL + "/rest/seller/get?" + values(p).Encode())
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusGatewayTimeout, resp.StatusCode, "a patient client gets 504")
		faults(sandbox.Faults{})
	})
	require.Equal(t, "0", c.call("/seller/get", nil)["code"])
}

func values(p map[string]string) url.Values {
	v := url.Values{}
	for k, x := range p {
		v.Set(k, x)
	}
	return v
}

// BenchmarkPriceQuantityUpdate measures signed stock updates on loopback.
func BenchmarkPriceQuantityUpdate(b *testing.B) {
	srv, err := lazada.Start("127.0.0.1:0", lazada.Options{})
	require.NoError(b, err)
	defer srv.Close()
	shop := srv.Engine.CreateShop("Bench", "VN")
	_, err = srv.Engine.CreateItem(shop.ID, sandbox.NewItem{Name: "Chè", SKUs: []sandbox.NewSKU{{SellerSKU: "B-1", Price: 1000, Stock: 1}}})
	require.NoError(b, err)
	code, err := srv.Engine.IssueCode(lazada.DefaultApp.Key, shop.ID, "")
	require.NoError(b, err)
	pair, err := srv.Engine.ExchangeCode(lazada.DefaultApp.Key, code, 0)
	require.NoError(b, err)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	hc := &http.Client{Transport: tr}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			p := map[string]string{"app_key": lazada.DefaultApp.Key, "sign_method": "sha256", "access_token": pair.AccessToken,
				"timestamp": strconv.FormatInt(time.Now().UnixMilli(), 10),
				"payload":   fmt.Sprintf("<Request><Product><Skus><Sku><SellerSku>B-1</SellerSku><Quantity>%d</Quantity></Sku></Skus></Product></Request>", i%100)}
			p["sign"] = testSign(lazada.DefaultApp.Secret, "/product/price_quantity/update", p)
			resp, err := hc.PostForm(srv.URL+"/rest/product/price_quantity/update", values(p))
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !bytes.Contains(body, []byte(`"code":"0"`)) {
				b.Fatalf("%s", body)
			}
		}
	})
}

// FuzzPayloads sends arbitrary payloads to the APIs that parse them: every
// answer is a Lazada envelope, never a crash.
func FuzzPayloads(f *testing.F) {
	f.Add("/product/create", `{"Request":{"Product":{"PrimaryCategory":"1","Attributes":{"name":"x"},"Skus":{"Sku":[{"SellerSku":"A","price":"1"}]}}}}`)
	f.Add("/product/price_quantity/update", `<Request><Product><Skus><Sku><SkuId>1</SkuId><Quantity>2</Quantity></Sku></Skus></Product></Request>`)
	f.Add("/product/update", `<Request><Product><ItemId>1</ItemId><Skus><Sku/></Skus></Product></Request>`)
	f.Add("/product/deactivate", `<Request><Product><ItemId>1</ItemId><Skus>x</Skus></Product></Request>`)
	f.Add("/product/stock/sellable/adjust", `{"Request":{"Product":{"Skus":{"Sku":"x"}}}}`)
	f.Add("/order/fulfill/pack", `{"pack_order_list":[{"order_id":1,"order_item_list":[1]}],"delivery_type":"dropship"}`)
	f.Add("/order/package/rts", `{"packages":[{"package_id":"FP1"}]}`)
	e := lazada.NewEngine(lazada.Options{})
	f.Cleanup(e.Close)
	h := lazada.Handler(e)
	shop := e.CreateShop("Fuzz", "VN")
	code, err := e.IssueCode(lazada.DefaultApp.Key, shop.ID, "")
	require.NoError(f, err)
	pair, err := e.ExchangeCode(lazada.DefaultApp.Key, code, 0)
	require.NoError(f, err)
	params := map[string]string{"/order/fulfill/pack": "packReq", "/order/package/rts": "readyToShipReq", "/product/deactivate": "apiRequestBody"}
	f.Fuzz(func(t *testing.T, api, payload string) {
		if _, ok := map[string]bool{"/product/create": true, "/product/price_quantity/update": true, "/product/update": true,
			"/product/deactivate": true, "/product/stock/sellable/adjust": true, "/order/fulfill/pack": true, "/order/package/rts": true}[api]; !ok {
			return
		}
		name := params[api]
		if name == "" {
			name = "payload"
		}
		p := map[string]string{"app_key": lazada.DefaultApp.Key, "sign_method": "sha256", "access_token": pair.AccessToken,
			"timestamp": strconv.FormatInt(time.Now().UnixMilli(), 10), name: payload}
		p["sign"] = testSign(lazada.DefaultApp.Secret, api, p)
		req := httptest.NewRequest(http.MethodPost, "/rest"+api, strings.NewReader(values(p).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code)
		var env struct{ Code string }
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &env), rec.Body.String())
		require.NotEmpty(t, env.Code)
	})
}
