package zalo_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/sandbox/zalo"
)

// RFC 7636 appendix B: the S256 challenge of this verifier, computed by
// the RFC's authors, not by the code under test.
const (
	rfcVerifier  = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	rfcChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
)

// pngBytes starts like a PNG file, which is all content sniffing reads.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// sbx is one running Zalo sandbox and a client for it.
type sbx struct {
	t      testing.TB
	url    string
	client *http.Client
}

func start(t *testing.T, opts zalo.Options) *sbx {
	t.Helper()
	if opts.PushTimeScale == 0 {
		opts.PushTimeScale = 0.001
	}
	srv, err := zalo.Start("127.0.0.1:0", opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	return &sbx{t: t, url: srv.URL, client: client}
}

func (s *sbx) do(req *http.Request) (int, http.Header, []byte) {
	s.t.Helper()
	resp, err := s.client.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return resp.StatusCode, resp.Header, b
}

// control calls the shared control API and decodes its JSON into out.
func (s *sbx) control(path string, in, out any) int {
	s.t.Helper()
	body, err := json.Marshal(in)
	require.NoError(s.t, err)
	req, err := http.NewRequest(http.MethodPost, s.url+path, bytes.NewReader(body))
	require.NoError(s.t, err)
	status, _, b := s.do(req)
	if out != nil && (status == http.StatusOK || status == http.StatusCreated) {
		require.NoError(s.t, json.Unmarshal(b, out), string(b))
	}
	return status
}

func (s *sbx) createShop(name string) int64 {
	s.t.Helper()
	var shop struct {
		ID int64 `json:"shop_id"`
	}
	require.Equal(s.t, http.StatusCreated, s.control("/_sandbox/shops", map[string]string{"name": name}, &shop))
	return shop.ID
}

// oauthResult is either a token pair or a Zalo OAuth error.
type oauthResult struct {
	AccessToken           string `json:"access_token"`
	RefreshToken          string `json:"refresh_token"`
	ExpiresIn             string `json:"expires_in"`
	RefreshTokenExpiresIn string `json:"refresh_token_expires_in"`
	Error                 int    `json:"error"`
	ErrorName             string `json:"error_name"`
	ErrorReason           string `json:"error_reason"`
}

// tokenCall posts the form to /v4/oa/access_token with the secret_key
// header.
func (s *sbx) tokenCall(form url.Values, secret string) oauthResult {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+"/v4/oa/access_token", strings.NewReader(form.Encode()))
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("secret_key", secret)
	status, _, b := s.do(req)
	require.Equal(s.t, http.StatusOK, status, string(b)) // Zalo answers OAuth errors with 200 too
	var res oauthResult
	require.NoError(s.t, json.Unmarshal(b, &res), string(b))
	return res
}

func exchangeForm(code, verifier string) url.Values {
	f := url.Values{"app_id": {zalo.DefaultApp.Key}, "code": {code}, "grant_type": {"authorization_code"}}
	if verifier != "" {
		f.Set("code_verifier", verifier)
	}
	return f
}

func refreshForm(refresh string) url.Values {
	return url.Values{"app_id": {zalo.DefaultApp.Key}, "refresh_token": {refresh}, "grant_type": {"refresh_token"}}
}

// approve walks the authorization page: GET shows the shop, POST answers
// 302 to the redirect URI. It returns the redirect's query.
func (s *sbx) approve(shop int64, shopName, challenge, state string) url.Values {
	s.t.Helper()
	q := url.Values{"app_id": {zalo.DefaultApp.Key}, "redirect_uri": {"https://hub.example.vn/zalo/callback?src=sbx"},
		"code_challenge": {challenge}, "state": {state}}
	page := s.url + "/v4/oa/permission?" + q.Encode()
	req, err := http.NewRequest(http.MethodGet, page, nil)
	require.NoError(s.t, err)
	status, _, body := s.do(req)
	require.Equal(s.t, http.StatusOK, status)
	require.Contains(s.t, string(body), shopName)
	require.Contains(s.t, string(body), strconv.FormatInt(shop, 10))

	req, err = http.NewRequest(http.MethodPost, page, strings.NewReader(url.Values{"shop_id": {strconv.FormatInt(shop, 10)}}.Encode()))
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, header, _ := s.do(req)
	require.Equal(s.t, http.StatusFound, status)
	loc, err := url.Parse(header.Get("Location"))
	require.NoError(s.t, err)
	require.Equal(s.t, "hub.example.vn", loc.Host)
	require.Equal(s.t, "/zalo/callback", loc.Path)
	return loc.Query()
}

// tokenFor authorizes a shop through the control API (no PKCE) and
// returns an access token.
func (s *sbx) tokenFor(shop int64) string {
	s.t.Helper()
	var out struct{ Code string }
	require.Equal(s.t, http.StatusOK, s.control("/_sandbox/authorize", map[string]any{"shop_id": shop}, &out))
	res := s.tokenCall(exchangeForm(out.Code, ""), zalo.DefaultApp.Secret)
	require.Zero(s.t, res.Error, res.ErrorReason)
	return res.AccessToken
}

// apiResult is a Store API answer.
type apiResult struct {
	HTTP    int
	Header  http.Header
	Error   int             `json:"error"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// api calls the Store API with the access_token header; a non-nil body
// is sent as JSON.
func (s *sbx) api(token, method, path string, body any) apiResult {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(s.t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	require.NoError(s.t, err)
	if token != "" {
		req.Header.Set("access_token", token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	status, header, b := s.do(req)
	res := apiResult{HTTP: status, Header: header}
	require.NoError(s.t, json.Unmarshal(b, &res), string(b))
	return res
}

// ok requires success and decodes data into out.
func (r apiResult) ok(t testing.TB, out any) {
	t.Helper()
	require.Equal(t, http.StatusOK, r.HTTP)
	require.Zero(t, r.Error, r.Message)
	require.Equal(t, "Success", r.Message)
	if out != nil {
		require.NoError(t, json.Unmarshal(r.Data, out))
	}
}

// fails requires a business error: HTTP 200 with the code in the body.
func (r apiResult) fails(t testing.TB, code int) {
	t.Helper()
	require.Equal(t, http.StatusOK, r.HTTP, r.Message)
	require.Equal(t, code, r.Error, r.Message)
}

func (s *sbx) uploadPhoto(token string, data []byte) apiResult {
	s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "photo.png")
	require.NoError(s.t, err)
	_, err = fw.Write(data)
	require.NoError(s.t, err)
	require.NoError(s.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, s.url+"/v2.0/store/upload/photo?upload_type=product", &buf)
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("access_token", token)
	status, header, b := s.do(req)
	res := apiResult{HTTP: status, Header: header}
	require.NoError(s.t, json.Unmarshal(b, &res), string(b))
	return res
}

type product struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Code        string          `json:"code"`
	Price       int64           `json:"price"`
	Quantity    int64           `json:"quantity"`
	Photos      []string        `json:"photos"`
	Status      string          `json:"status"`
	PackageSize json.RawMessage `json:"package_size"`
}

type productList struct {
	Products []product `json:"products"`
	Total    int       `json:"total"`
}

type order struct {
	ID           string `json:"id"`
	OAID         string `json:"oa_id"`
	Status       int    `json:"status"`
	ShippingCode string `json:"shipping_code"`
	CancelReason string `json:"cancel_reason"`
	TotalAmount  int64  `json:"total_amount"`
	Items        []struct {
		ProductID string `json:"product_id"`
		Code      string `json:"code"`
		Quantity  int64  `json:"quantity"`
	} `json:"items"`
}

type orderList struct {
	Orders []order `json:"orders"`
	Total  int     `json:"total"`
}

func (s *sbx) createProduct(token, code string, price, quantity int64, photos ...string) product {
	s.t.Helper()
	if photos == nil {
		photos = []string{}
	}
	var p product
	s.api(token, http.MethodPost, "/v2.0/store/product/create", map[string]any{
		"name": "Mật ong rừng U Minh " + code, "code": code, "price": price, "quantity": quantity,
		"description": "OCOP 4 sao", "photos": photos, "package_size": map[string]any{"weight": 500},
		"categories": []int{101}, "industry": 1,
	}).ok(s.t, &p)
	return p
}

// placeOrder plays the buyer through the control API.
func (s *sbx) placeOrder(shop int64, code string, qty int64, status string) (int, string) {
	s.t.Helper()
	var o struct {
		SN string `json:"order_sn"`
	}
	st := s.control("/_sandbox/shops/"+strconv.FormatInt(shop, 10)+"/orders", map[string]any{
		"status": status, "lines": []map[string]any{{"seller_sku": code, "quantity": qty}}}, &o)
	return st, o.SN
}

func TestOAuthThroughTheAuthorizationPage(t *testing.T) {
	t.Parallel()
	s := start(t, zalo.Options{})
	shop := s.createShop("HTX Mật ong Cà Mau")

	back := s.approve(shop, "HTX Mật ong Cà Mau", rfcChallenge, "st-42")
	require.Equal(t, "st-42", back.Get("state"))
	require.Equal(t, strconv.FormatInt(shop, 10), back.Get("oa_id"))
	require.Equal(t, "sbx", back.Get("src"), "the redirect URI keeps its own query")
	code := back.Get("code")
	require.NotEmpty(t, code)

	for name, tc := range map[string]struct {
		form   url.Values
		secret string
		want   int
	}{
		"wrong verifier":   {exchangeForm(code, rfcVerifier+"x"), zalo.DefaultApp.Secret, -14005},
		"missing verifier": {exchangeForm(code, ""), zalo.DefaultApp.Secret, -14005},
		"wrong secret_key": {exchangeForm(code, rfcVerifier), zalo.DefaultApp.Secret + "x", -14004},
		"no secret_key":    {exchangeForm(code, rfcVerifier), "", -14004},
		"unknown app":      {url.Values{"app_id": {"1"}, "code": {code}, "grant_type": {"authorization_code"}, "code_verifier": {rfcVerifier}}, zalo.DefaultApp.Secret, -14002},
		"bad grant_type":   {url.Values{"app_id": {zalo.DefaultApp.Key}, "code": {code}, "grant_type": {"password"}}, zalo.DefaultApp.Secret, -14018},
	} {
		t.Run(name, func(t *testing.T) {
			res := s.tokenCall(tc.form, tc.secret)
			require.Equal(t, tc.want, res.Error, res.ErrorReason)
			require.NotEmpty(t, res.ErrorName)
			require.Empty(t, res.AccessToken)
		})
	}

	// The failed attempts did not spend the code: the right verifier works.
	res := s.tokenCall(exchangeForm(code, rfcVerifier), zalo.DefaultApp.Secret)
	require.Zero(t, res.Error, res.ErrorReason)
	require.NotEmpty(t, res.AccessToken)
	require.NotEmpty(t, res.RefreshToken)
	require.Equal(t, "90000", res.ExpiresIn, "25 h, as a string like Zalo's")
	require.Equal(t, strconv.Itoa(90*24*3600), res.RefreshTokenExpiresIn)

	again := s.tokenCall(exchangeForm(code, rfcVerifier), zalo.DefaultApp.Secret)
	require.Equal(t, -14005, again.Error, "a code is single use")

	var oa struct {
		OAID string `json:"oa_id"`
		Name string `json:"name"`
	}
	s.api(res.AccessToken, http.MethodGet, "/v2.0/oa/getoa", nil).ok(t, &oa)
	require.Equal(t, strconv.FormatInt(shop, 10), oa.OAID)
	require.Equal(t, "HTX Mật ong Cà Mau", oa.Name)
}

func TestCodeExpiresAfterTenMinutes(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s := start(t, zalo.Options{Now: clock.Now})
	shop := s.createShop("HTX Chè Thái Nguyên")

	fresh := s.approve(shop, "HTX Chè Thái Nguyên", rfcChallenge, "a").Get("code")
	stale := s.approve(shop, "HTX Chè Thái Nguyên", rfcChallenge, "b").Get("code")
	clock.Advance(9*time.Minute + 59*time.Second)
	require.Zero(t, s.tokenCall(exchangeForm(fresh, rfcVerifier), zalo.DefaultApp.Secret).Error)
	clock.Advance(2 * time.Second)
	require.Equal(t, -14005, s.tokenCall(exchangeForm(stale, rfcVerifier), zalo.DefaultApp.Secret).Error)
}

func TestRefreshRotatesAndKillsTheOldPair(t *testing.T) {
	t.Parallel()
	s := start(t, zalo.Options{})
	shop := s.createShop("HTX Gạo ST25")
	code := s.approve(shop, "HTX Gạo ST25", rfcChallenge, "").Get("code")
	first := s.tokenCall(exchangeForm(code, rfcVerifier), zalo.DefaultApp.Secret)
	require.Zero(t, first.Error)

	require.Equal(t, -14004, s.tokenCall(refreshForm(first.RefreshToken), "nope").Error)

	second := s.tokenCall(refreshForm(first.RefreshToken), zalo.DefaultApp.Secret)
	require.Zero(t, second.Error, second.ErrorReason)
	require.NotEqual(t, first.AccessToken, second.AccessToken)
	require.NotEqual(t, first.RefreshToken, second.RefreshToken)
	require.Equal(t, "90000", second.ExpiresIn)

	require.Equal(t, -14014, s.tokenCall(refreshForm(first.RefreshToken), zalo.DefaultApp.Secret).Error, "refresh tokens are single use")
	s.api(first.AccessToken, http.MethodGet, "/v2.0/oa/getoa", nil).fails(t, -216)
	s.api(second.AccessToken, http.MethodGet, "/v2.0/oa/getoa", nil).ok(t, nil)

	third := s.tokenCall(refreshForm(second.RefreshToken), zalo.DefaultApp.Secret)
	require.Zero(t, third.Error, "the rotated refresh token works once")
}

func TestExpiredAndMissingTokensAreRejected(t *testing.T) {
	t.Parallel()
	s := start(t, zalo.Options{})
	shop := s.createShop("HTX Cà phê Cầu Đất")
	token := s.tokenFor(shop)
	s.api(token, http.MethodGet, "/v2.0/store/product/getproductofoa", nil).ok(t, nil)

	var expired struct{ Expired int }
	require.Equal(t, http.StatusOK, s.control("/_sandbox/shops/"+strconv.FormatInt(shop, 10)+"/expire_tokens", nil, &expired))
	require.Equal(t, 1, expired.Expired)
	res := s.api(token, http.MethodGet, "/v2.0/store/product/getproductofoa", nil)
	res.fails(t, -216)
	require.Contains(t, res.Message, "expired")

	s.api("", http.MethodGet, "/v2.0/store/product/getproductofoa", nil).fails(t, -216)
	s.api("at-made-up", http.MethodGet, "/v2.0/store/product/getproductofoa", nil).fails(t, -216)

	// The access lifetime is a control-API setting (UNCONFIRMED 25 h or 1 h).
	require.Equal(t, http.StatusOK, s.control("/_sandbox/lifetimes", map[string]int{"access_s": 3600}, nil))
	var out struct{ Code string }
	require.Equal(t, http.StatusOK, s.control("/_sandbox/authorize", map[string]any{"shop_id": shop}, &out))
	require.Equal(t, "3600", s.tokenCall(exchangeForm(out.Code, ""), zalo.DefaultApp.Secret).ExpiresIn)
}

func TestProducts(t *testing.T) {
	t.Parallel()
	s := start(t, zalo.Options{})
	shop := s.createShop("HTX Nước mắm Phú Quốc")
	token := s.tokenFor(shop)

	var photo struct{ ID string }
	s.uploadPhoto(token, pngBytes).ok(t, &photo)
	require.NotEmpty(t, photo.ID)
	s.uploadPhoto(token, []byte("not an image at all")).fails(t, -201)

	p := s.createProduct(token, "NM-500", 85000, 20, photo.ID)
	require.Equal(t, "NM-500", p.Code)
	require.Equal(t, int64(85000), p.Price)
	require.Equal(t, int64(20), p.Quantity)
	require.Equal(t, []string{photo.ID}, p.Photos)
	require.Equal(t, "show", p.Status)
	require.JSONEq(t, `{"weight":500}`, string(p.PackageSize))

	t.Run("unknown photo", func(t *testing.T) {
		s.api(token, http.MethodPost, "/v2.0/store/product/create", map[string]any{
			"name": "x", "code": "NM-X", "price": 1000, "quantity": 1, "photos": []string{"img-never-uploaded"}}).fails(t, -201)
	})
	t.Run("duplicate code", func(t *testing.T) {
		s.api(token, http.MethodPost, "/v2.0/store/product/create", map[string]any{
			"name": "x", "code": "NM-500", "price": 1000, "quantity": 1}).fails(t, -232)
	})
	t.Run("missing price", func(t *testing.T) {
		s.api(token, http.MethodPost, "/v2.0/store/product/create", map[string]any{"name": "x", "code": "NM-Y"}).fails(t, -201)
	})

	// Update: price and absolute quantity; ids and numbers may come as strings.
	var up product
	s.api(token, http.MethodPost, "/v2.0/store/product/update", map[string]any{"id": p.ID, "price": "90000", "quantity": 7}).ok(t, &up)
	require.Equal(t, int64(90000), up.Price)
	require.Equal(t, int64(7), up.Quantity)
	require.Equal(t, "Mật ong rừng U Minh NM-500", up.Name, "absent fields stay")
	s.api(token, http.MethodPost, "/v2.0/store/product/update", map[string]any{"id": p.ID, "quantity": -1}).fails(t, -201)
	s.api(token, http.MethodPost, "/v2.0/store/product/update", map[string]any{"id": p.ID, "code": "OTHER"}).fails(t, -201)
	s.api(token, http.MethodPost, "/v2.0/store/product/update", map[string]any{"id": "999", "price": 1}).fails(t, -230)

	var got product
	s.api(token, http.MethodGet, "/v2.0/store/product/getproduct?id="+p.ID, nil).ok(t, &got)
	require.Equal(t, int64(90000), got.Price)
	require.Equal(t, int64(7), got.Quantity)

	t.Run("hide and show", func(t *testing.T) {
		var p2 product
		s.api(token, http.MethodPost, "/v2.0/store/product/update", map[string]any{"id": p.ID, "status": "hide"}).ok(t, &p2)
		require.Equal(t, "hide", p2.Status)
		s.api(token, http.MethodPost, "/v2.0/store/product/update", map[string]any{"id": p.ID, "status": "gone"}).fails(t, -201)
		s.api(token, http.MethodPost, "/v2.0/store/product/update", map[string]any{"id": p.ID, "status": "show"}).ok(t, &p2)
		require.Equal(t, "show", p2.Status)
	})
	t.Run("malformed requests", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, s.url+"/v2.0/store/product/update", strings.NewReader(`{"id":`))
		require.NoError(t, err)
		req.Header.Set("access_token", token)
		_, _, b := s.do(req)
		var res apiResult
		require.NoError(t, json.Unmarshal(b, &res))
		require.Equal(t, -201, res.Error)
		s.uploadPhoto(token, append(append([]byte(nil), pngBytes...), make([]byte, 1<<20)...)).fails(t, -201)
		s.api(token, http.MethodGet, "/v2.0/store/product/getproduct?id=abc", nil).fails(t, -201)
		s.api(token, http.MethodGet, "/v2.0/store/product/search", nil).fails(t, -201)
	})

	var found productList
	s.api(token, http.MethodGet, "/v2.0/store/product/search?code=NM-500", nil).ok(t, &found)
	require.Equal(t, 1, found.Total)
	require.Equal(t, p.ID, found.Products[0].ID)
	s.api(token, http.MethodGet, "/v2.0/store/product/search?code=NOPE", nil).ok(t, &found)
	require.Zero(t, found.Total)
	require.Empty(t, found.Products)

	// Paging to the end: 5 products in pages of 2, oldest first.
	for i := 2; i <= 5; i++ {
		s.createProduct(token, "NM-"+strconv.Itoa(i), 1000*int64(i), 1)
	}
	var codes []string
	for offset := 0; ; offset += 2 {
		var page productList
		s.api(token, http.MethodGet, "/v2.0/store/product/getproductofoa?offset="+strconv.Itoa(offset)+"&limit=2", nil).ok(t, &page)
		require.Equal(t, 5, page.Total)
		if len(page.Products) == 0 {
			break
		}
		require.LessOrEqual(t, len(page.Products), 2)
		for _, p := range page.Products {
			codes = append(codes, p.Code)
		}
	}
	require.Equal(t, []string{"NM-500", "NM-2", "NM-3", "NM-4", "NM-5"}, codes)
	var viaData productList
	s.api(token, http.MethodGet, "/v2.0/store/product/getproductofoa?data="+url.QueryEscape(`{"offset":4,"limit":10}`), nil).ok(t, &viaData)
	require.Len(t, viaData.Products, 1, "the v2.0 data= form works too")
	s.api(token, http.MethodGet, "/v2.0/store/product/getproductofoa?limit=51", nil).fails(t, -210)

	// Remove frees the code.
	s.api(token, http.MethodPost, "/v2.0/store/product/remove", map[string]any{"id": p.ID}).ok(t, nil)
	s.api(token, http.MethodGet, "/v2.0/store/product/getproduct?id="+p.ID, nil).fails(t, -230)
	s.api(token, http.MethodGet, "/v2.0/store/product/search?code=NM-500", nil).ok(t, &found)
	require.Zero(t, found.Total)
	s.api(token, http.MethodPost, "/v2.0/store/product/remove", map[string]any{"id": p.ID}).fails(t, -230)
	s.createProduct(token, "NM-500", 85000, 1)
}

func TestQuantityBelowReservedIsRejected(t *testing.T) {
	t.Parallel()
	s := start(t, zalo.Options{})
	shop := s.createShop("HTX Bưởi Năm Roi")
	token := s.tokenFor(shop)
	p := s.createProduct(token, "BUOI-1", 60000, 10)

	require.Equal(t, http.StatusOK, s.control("/_sandbox/shops/"+strconv.FormatInt(shop, 10)+"/reserved",
		map[string]any{"seller_sku": "BUOI-1", "reserved": 5}, nil))
	s.api(token, http.MethodPost, "/v2.0/store/product/update", map[string]any{"id": p.ID, "quantity": 4, "price": 1}).fails(t, -233)
	var got product
	s.api(token, http.MethodGet, "/v2.0/store/product/getproduct?id="+p.ID, nil).ok(t, &got)
	require.Equal(t, int64(10), got.Quantity, "a rejected update changes nothing")
	require.Equal(t, int64(60000), got.Price, "a rejected update changes nothing")
	s.api(token, http.MethodPost, "/v2.0/store/product/update", map[string]any{"id": p.ID, "quantity": 5}).ok(t, &got)
	require.Equal(t, int64(5), got.Quantity)
}

func TestOrders(t *testing.T) {
	t.Parallel()
	s := start(t, zalo.Options{})
	shop := s.createShop("HTX Vải thiều Lục Ngạn")
	token := s.tokenFor(shop)
	p := s.createProduct(token, "VAI-1KG", 45000, 10)

	status, first := s.placeOrder(shop, "VAI-1KG", 3, "")
	require.Equal(t, http.StatusOK, status)
	status, _ = s.placeOrder(shop, "VAI-1KG", 100, "")
	require.Equal(t, http.StatusConflict, status, "a buyer cannot take more than the stock")
	_, second := s.placeOrder(shop, "VAI-1KG", 2, "unpaid")
	_, third := s.placeOrder(shop, "VAI-1KG", 1, "")

	var got product
	s.api(token, http.MethodGet, "/v2.0/store/product/getproduct?id="+p.ID, nil).ok(t, &got)
	require.Equal(t, int64(4), got.Quantity)

	var ids []string
	for offset := 0; ; offset++ {
		var page orderList
		s.api(token, http.MethodGet, "/v2.0/store/order/getorderofoa?offset="+strconv.Itoa(offset)+"&limit=1", nil).ok(t, &page)
		require.Equal(t, 3, page.Total)
		if len(page.Orders) == 0 {
			break
		}
		ids = append(ids, page.Orders[0].ID)
	}
	require.Equal(t, []string{first, second, third}, ids)

	var confirmed orderList
	s.api(token, http.MethodGet, "/v2.0/store/order/getorderofoa?offset=0&limit=10&status=2", nil).ok(t, &confirmed)
	require.Equal(t, 2, confirmed.Total)
	require.Equal(t, first, confirmed.Orders[0].ID)
	var fresh orderList
	s.api(token, http.MethodGet, "/v2.0/store/order/getorderofoa?status=1", nil).ok(t, &fresh)
	require.Equal(t, 1, fresh.Total)
	require.Equal(t, second, fresh.Orders[0].ID)
	s.api(token, http.MethodGet, "/v2.0/store/order/getorderofoa?status=9", nil).fails(t, -201)

	var o order
	s.api(token, http.MethodGet, "/v2.0/store/order/getorder?id="+first, nil).ok(t, &o)
	require.Equal(t, 2, o.Status)
	require.Equal(t, strconv.FormatInt(shop, 10), o.OAID)
	require.Equal(t, int64(3*45000), o.TotalAmount)
	require.Len(t, o.Items, 1)
	require.Equal(t, "VAI-1KG", o.Items[0].Code)
	require.Equal(t, p.ID, o.Items[0].ProductID)
	s.api(token, http.MethodGet, "/v2.0/store/order/getorder?id=NOPE", nil).fails(t, -231)

	t.Run("ship with a tracking number", func(t *testing.T) {
		var shipped order
		s.api(token, http.MethodPost, "/v2.0/store/order/update", map[string]any{"id": first, "status": 3, "shipping_code": "GHN123456"}).ok(t, &shipped)
		require.Equal(t, 3, shipped.Status)
		require.Equal(t, "GHN123456", shipped.ShippingCode)
		s.api(token, http.MethodPost, "/v2.0/store/order/update", map[string]any{"id": first, "status": 3, "shipping_code": "GHN123456"}).ok(t, &shipped)
		require.Equal(t, 3, shipped.Status, "a retried update is a no-op")
		s.api(token, http.MethodPost, "/v2.0/store/order/update", map[string]any{"id": first, "status": 5, "cancel_reason": "late"}).fails(t, -234)
		s.api(token, http.MethodPost, "/v2.0/store/order/update", map[string]any{"id": first, "status": "4"}).ok(t, &shipped)
		require.Equal(t, 4, shipped.Status)
	})
	t.Run("confirm then cancel puts the stock back", func(t *testing.T) {
		var o order
		s.api(token, http.MethodPost, "/v2.0/store/order/update", map[string]any{"id": second, "status": 2}).ok(t, &o)
		require.Equal(t, 2, o.Status)
		s.api(token, http.MethodPost, "/v2.0/store/order/update", map[string]any{"id": second, "status": 5}).fails(t, -201)
		s.api(token, http.MethodPost, "/v2.0/store/order/update", map[string]any{"id": second, "status": 5, "cancel_reason": "Khách đổi ý"}).ok(t, &o)
		require.Equal(t, 5, o.Status)
		require.Equal(t, "Khách đổi ý", o.CancelReason)
		var got product
		s.api(token, http.MethodGet, "/v2.0/store/product/getproduct?id="+p.ID, nil).ok(t, &got)
		require.Equal(t, int64(6), got.Quantity)
	})
	s.api(token, http.MethodPost, "/v2.0/store/order/update", map[string]any{"id": "NOPE", "status": 2}).fails(t, -231)
	s.api(token, http.MethodPost, "/v2.0/store/order/update", map[string]any{"id": third, "status": 7}).fails(t, -201)
}

func TestOrderPushIsSigned(t *testing.T) {
	t.Parallel()
	type delivery struct {
		body      []byte
		signature string
	}
	got := make(chan delivery, 8)
	var calls int
	var mu sync.Mutex
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 1 { // the first attempt fails: the sandbox must retry
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		b, _ := io.ReadAll(r.Body)
		got <- delivery{body: b, signature: r.Header.Get("X-ZEvent-Signature")}
	}))
	t.Cleanup(hook.Close)

	s := start(t, zalo.Options{})
	shop := s.createShop("HTX Dừa Bến Tre")
	token := s.tokenFor(shop)
	s.createProduct(token, "DUA-1", 20000, 5)
	require.Equal(t, http.StatusOK, s.control("/_sandbox/push", map[string]any{"url": hook.URL, "enabled": true}, nil))
	_, sn := s.placeOrder(shop, "DUA-1", 1, "")

	var d delivery
	select {
	case d = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no push arrived")
	}
	var body struct {
		AppID     string `json:"app_id"`
		OAID      string `json:"oa_id"`
		EventName string `json:"event_name"`
		Timestamp string `json:"timestamp"`
		Data      struct {
			OrderID string `json:"order_id"`
			Status  int    `json:"status"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(d.body, &body))
	sum := sha256.Sum256([]byte(body.AppID + string(d.body) + body.Timestamp + zalo.DefaultOASecretKey))
	require.Equal(t, hex.EncodeToString(sum[:]), d.signature)
	require.Equal(t, zalo.DefaultApp.Key, body.AppID)
	require.Equal(t, strconv.FormatInt(shop, 10), body.OAID)
	require.Equal(t, "shop_order_status_changed", body.EventName)
	require.Equal(t, sn, body.Data.OrderID)
	require.Equal(t, 2, body.Data.Status)
	ms, err := strconv.ParseInt(body.Timestamp, 10, 64)
	require.NoError(t, err)
	require.InDelta(t, time.Now().UnixMilli(), ms, float64(time.Minute.Milliseconds()))

	var st struct {
		Push struct{ Delivered, Retried int } `json:"push"`
	}
	req, err := http.NewRequest(http.MethodGet, s.url+"/_sandbox/state", nil)
	require.NoError(t, err)
	_, _, b := s.do(req)
	require.NoError(t, json.Unmarshal(b, &st))
	require.Equal(t, 1, st.Push.Retried)
}

func TestThrottle(t *testing.T) {
	t.Parallel()
	clock := newFakeClock() // frozen: the bucket refills only when the test says so
	s := start(t, zalo.Options{Now: clock.Now})
	shop := s.createShop("HTX Sâm Ngọc Linh")
	token := s.tokenFor(shop)
	require.Equal(t, http.StatusOK, s.control("/_sandbox/shops/"+strconv.FormatInt(shop, 10)+"/faults", map[string]any{"qps": 1}, nil))

	s.api(token, http.MethodGet, "/v2.0/store/product/getproductofoa", nil).ok(t, nil)
	res := s.api(token, http.MethodGet, "/v2.0/store/product/getproductofoa", nil)
	require.Equal(t, http.StatusTooManyRequests, res.HTTP)
	require.Equal(t, -32, res.Error)
	require.Equal(t, "1", res.Header.Get("Retry-After"))
	clock.Advance(time.Second)
	s.api(token, http.MethodGet, "/v2.0/store/product/getproductofoa", nil).ok(t, nil)
}

func TestServerErrors(t *testing.T) {
	t.Parallel()
	s := start(t, zalo.Options{})
	shop := s.createShop("HTX Nấm Linh Chi")
	token := s.tokenFor(shop)
	require.Equal(t, http.StatusOK, s.control("/_sandbox/shops/"+strconv.FormatInt(shop, 10)+"/faults", map[string]any{"error_rate": 1}, nil))
	res := s.api(token, http.MethodPost, "/v2.0/store/product/create", map[string]any{"name": "x", "code": "X", "price": 1})
	require.Equal(t, http.StatusInternalServerError, res.HTTP)
	require.Equal(t, -1, res.Error)
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	s := start(t, zalo.Options{})
	shop := s.createShop("HTX Tỏi Lý Sơn")
	token := s.tokenFor(shop)
	require.Equal(t, http.StatusOK, s.control("/_sandbox/shops/"+strconv.FormatInt(shop, 10)+"/faults",
		map[string]any{"timeout_rate": 1, "timeout_after_ms": 200}, nil))

	t.Run("the client gives up first", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, s.url+"/v2.0/store/product/getproductofoa", nil)
		require.NoError(t, err)
		req.Header.Set("access_token", token)
		_, err = (&http.Client{Timeout: 100 * time.Millisecond}).Do(req)
		var netErr net.Error
		require.True(t, errors.As(err, &netErr) && netErr.Timeout(), "want a client timeout, got %v", err)
	})
	t.Run("a patient client gets 504", func(t *testing.T) {
		began := time.Now()
		res := s.api(token, http.MethodGet, "/v2.0/store/product/getproductofoa", nil)
		require.Equal(t, http.StatusGatewayTimeout, res.HTTP)
		require.Equal(t, -1, res.Error)
		require.GreaterOrEqual(t, time.Since(began), 200*time.Millisecond)
	})
}

func TestUnknownAPI(t *testing.T) {
	t.Parallel()
	s := start(t, zalo.Options{})
	token := s.tokenFor(s.createShop("HTX"))
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/v2.0/store/product/nothing"},
		{http.MethodGet, "/v2.0/store/product/create"}, // wrong method
	} {
		res := s.api(token, tc.method, tc.path, nil)
		require.Equal(t, http.StatusNotFound, res.HTTP)
		require.Equal(t, 404, res.Error)
	}
}

// BenchmarkProductUpdate measures the hot path of a stock push: one
// authenticated product/update over loopback with keep-alive connections
// (client and server share the machine's cores).
func BenchmarkProductUpdate(b *testing.B) {
	srv, err := zalo.Start("127.0.0.1:0", zalo.Options{})
	require.NoError(b, err)
	b.Cleanup(func() { _ = srv.Close() })
	s := &sbx{t: b, url: srv.URL, client: http.DefaultClient}
	shop := s.createShop("bench")
	token := s.tokenFor(shop)
	p := s.createProduct(token, "BENCH-1", 10000, 1)
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: transport}
	b.Cleanup(transport.CloseIdleConnections)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		n := 0
		for pb.Next() {
			n++
			body := `{"id":"` + p.ID + `","quantity":` + strconv.Itoa(n%1000) + `}`
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v2.0/store/product/update", strings.NewReader(body))
			req.Header.Set("access_token", token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
