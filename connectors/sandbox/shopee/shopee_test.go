package shopee_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/sandbox"
	"ocophub/connectors/sandbox/shopee"
)

// fakeClock is the settable engine clock.
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

// sb is a running Shopee sandbox driven like a real client would.
type sb struct {
	t     testing.TB
	base  string
	clock *fakeClock
	pid   string // partner_id
	key   string // partner_key
}

func start(t testing.TB) *sb {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	srv, err := shopee.Start("127.0.0.1:0", shopee.Options{Now: clock.Now, PushTimeScale: 0.0001})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return &sb{t: t, base: srv.URL, clock: clock, pid: shopee.DefaultApp.Key, key: shopee.DefaultApp.Secret}
}

// sign is the test's own signer: lower-case hex HMAC-SHA256 with the
// partner key as raw bytes, written from Shopee's guide, not from the
// front's code.
func sign(key, base string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(base))
	return hex.EncodeToString(mac.Sum(nil))
}

func (s *sb) ts() string { return strconv.FormatInt(s.clock.Now().Unix(), 10) }

// publicURL signs partner_id + path + timestamp.
func (s *sb) publicURL(path string, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	ts := s.ts()
	q.Set("partner_id", s.pid)
	q.Set("timestamp", ts)
	q.Set("sign", sign(s.key, s.pid+path+ts))
	return s.base + path + "?" + q.Encode()
}

// shop is an authorized test shop.
type shop struct {
	*sb
	id      int64
	access  string
	refresh string
}

// shopURL signs partner_id + path + timestamp + access_token + shop_id.
func (sh *shop) shopURL(path string, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	ts, id := sh.ts(), strconv.FormatInt(sh.id, 10)
	q.Set("partner_id", sh.pid)
	q.Set("timestamp", ts)
	q.Set("access_token", sh.access)
	q.Set("shop_id", id)
	q.Set("sign", sign(sh.key, sh.pid+path+ts+sh.access+id))
	return sh.base + path + "?" + q.Encode()
}

// answer is a Shopee answer.
type answer struct {
	Status    int             `json:"-"`
	Error     string          `json:"error"`
	Message   string          `json:"message"`
	Warning   string          `json:"warning"`
	RequestID string          `json:"request_id"`
	Response  json.RawMessage `json:"response"`
	Raw       []byte          `json:"-"`
}

func (s *sb) call(method, u string, body any) answer {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(s.t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", "application/json")
	return s.send(req)
}

func (s *sb) send(req *http.Request) answer {
	s.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	a := answer{Status: resp.StatusCode, Raw: raw}
	require.NoError(s.t, json.Unmarshal(raw, &a), "answer is JSON: %s", raw)
	require.Regexp(s.t, "^[0-9a-f]{32}$", a.RequestID)
	return a
}

func (sh *shop) get(path string, q url.Values) answer {
	return sh.call(http.MethodGet, sh.shopURL(path, q), nil)
}

func (sh *shop) post(path string, body any) answer {
	return sh.call(http.MethodPost, sh.shopURL(path, nil), body)
}

// ok requires a success and decodes its response.
func (a answer) ok(t testing.TB, v any) {
	t.Helper()
	require.Equal(t, http.StatusOK, a.Status, "%s", a.Raw)
	require.Empty(t, a.Error, "%s", a.Raw)
	if v != nil {
		require.NoError(t, json.Unmarshal(a.Response, v), "%s", a.Raw)
	}
}

// fails requires an error answer.
func (a answer) fails(t testing.TB, status int, code, message string) {
	t.Helper()
	require.Equal(t, status, a.Status, "%s", a.Raw)
	require.Equal(t, code, a.Error, "%s", a.Raw)
	if message != "" {
		require.Contains(t, a.Message, message)
	}
}

// control posts to the control API and decodes its answer.
func (s *sb) control(path string, in, out any) int {
	s.t.Helper()
	b, err := json.Marshal(in)
	require.NoError(s.t, err)
	resp, err := http.Post(s.base+path, "application/json", bytes.NewReader(b))
	require.NoError(s.t, err)
	defer resp.Body.Close()
	if out != nil {
		require.NoError(s.t, json.NewDecoder(resp.Body).Decode(out))
	}
	return resp.StatusCode
}

func (s *sb) createShop(name string) int64 {
	var v sandbox.ShopView
	require.Equal(s.t, http.StatusCreated, s.control("/_sandbox/shops", map[string]string{"name": name}, &v))
	return v.ID
}

// tokens exchanges a code like a client does.
func (s *sb) tokens(code string, shopID int64) answer {
	return s.call(http.MethodPost, s.publicURL("/api/v2/auth/token/get", nil),
		map[string]any{"code": code, "partner_id": mustInt(s.pid), "shop_id": shopID})
}

type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpireIn     int64  `json:"expire_in"`
	ShopID       int64  `json:"shop_id"`
	PartnerID    int64  `json:"partner_id"`
}

func (a answer) tokens(t testing.TB) tokenAnswer {
	t.Helper()
	require.Equal(t, http.StatusOK, a.Status, "%s", a.Raw)
	require.Empty(t, a.Error, "%s", a.Raw)
	require.Nil(t, a.Response, "token fields are at the top level")
	var v tokenAnswer
	require.NoError(t, json.Unmarshal(a.Raw, &v))
	return v
}

// connect creates and authorizes a shop (the page without a browser).
func (s *sb) connect(name string) *shop {
	s.t.Helper()
	id := s.createShop(name)
	var code struct{ Code string }
	require.Equal(s.t, http.StatusOK, s.control("/_sandbox/authorize", map[string]any{"shop_id": id}, &code))
	tok := s.tokens(code.Code, id).tokens(s.t)
	return &shop{sb: s, id: id, access: tok.AccessToken, refresh: tok.RefreshToken}
}

func (s *sb) refreshTokens(refresh string, shopID int64) answer {
	return s.call(http.MethodPost, s.publicURL("/api/v2/auth/access_token/get", nil),
		map[string]any{"refresh_token": refresh, "partner_id": mustInt(s.pid), "shop_id": shopID})
}

func mustInt(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}

func shopPath(id int64, p string) string { return "/_sandbox/shops/" + strconv.FormatInt(id, 10) + p }

var listParams = url.Values{"offset": {"0"}, "page_size": {"10"}, "item_status": {"NORMAL"}}

func TestSignatures(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX chè Tân Cương")
	other := s.connect("HTX mật ong")
	const path = "/api/v2/product/get_item_list"
	shopQuery := func(pid, ts, token string, shopID int64, sig string) string {
		q := url.Values{"partner_id": {pid}, "timestamp": {ts}, "access_token": {token},
			"shop_id": {strconv.FormatInt(shopID, 10)}, "sign": {sig}}
		for k, v := range listParams {
			q[k] = v
		}
		return s.base + path + "?" + q.Encode()
	}
	good := func(ts string) string {
		return sign(s.key, s.pid+path+ts+sh.access+strconv.FormatInt(sh.id, 10))
	}
	old := strconv.FormatInt(s.clock.Now().Add(-6*time.Minute).Unix(), 10)
	tests := []struct {
		name          string
		url           func() string
		status        int
		code, message string
	}{
		{"shop API signed", func() string { return sh.shopURL(path, listParams) }, http.StatusOK, "", ""},
		{"public API signed", func() string { return s.publicURL("/api/v2/push/get_lost_push_message", nil) }, http.StatusOK, "", ""},
		{"wrong key", func() string {
			return shopQuery(s.pid, s.ts(), sh.access, sh.id, sign("not-the-key", s.pid+path+s.ts()+sh.access+strconv.FormatInt(sh.id, 10)))
		}, http.StatusForbidden, "error_sign", "Wrong sign."},
		{"upper-case hex", func() string {
			return shopQuery(s.pid, s.ts(), sh.access, sh.id, strings.ToUpper(good(s.ts())))
		}, http.StatusForbidden, "error_sign", "Wrong sign."},
		{"shop API signed the public way", func() string {
			return shopQuery(s.pid, s.ts(), sh.access, sh.id, sign(s.key, s.pid+path+s.ts()))
		}, http.StatusForbidden, "error_sign", ""},
		{"timestamp 6 minutes old", func() string { return shopQuery(s.pid, old, sh.access, sh.id, good(old)) },
			http.StatusBadRequest, "error_param", "Invalid timestamp"},
		{"unknown partner", func() string { return shopQuery("999", s.ts(), sh.access, sh.id, good(s.ts())) },
			http.StatusBadRequest, "error_param", "Invalid partner_id."},
		{"no access_token", func() string {
			u := sh.shopURL(path, listParams)
			return strings.Replace(u, "access_token=", "x=", 1)
		}, http.StatusBadRequest, "error_param", "There is no access_token in query."},
		{"garbage token", func() string {
			sig := sign(s.key, s.pid+path+s.ts()+"nope"+strconv.FormatInt(sh.id, 10))
			return shopQuery(s.pid, s.ts(), "nope", sh.id, sig)
		}, http.StatusForbidden, "error_auth", "Invalid access_token."},
		{"another shop's token", func() string {
			sig := sign(s.key, s.pid+path+s.ts()+other.access+strconv.FormatInt(sh.id, 10))
			return shopQuery(s.pid, s.ts(), other.access, sh.id, sig)
		}, http.StatusForbidden, "error_auth", "Invalid partner_id or shopid."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := s.call(http.MethodGet, tc.url(), nil)
			if tc.code == "" {
				a.ok(t, nil)
				return
			}
			a.fails(t, tc.status, tc.code, tc.message)
		})
	}
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestAuthorizationPageAndCodes(t *testing.T) {
	t.Parallel()
	s := start(t)
	id := s.createShop("HTX Gạo ST25 Sóc Trăng")
	link := s.publicURL("/api/v2/shop/auth_partner", url.Values{"redirect": {"https://app.example/cb?x=1"}})

	resp, err := http.Get(link)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(page), "HTX Gạo ST25 Sóc Trăng")

	resp, err = noRedirect.PostForm(link, url.Values{"shop_id": {strconv.FormatInt(id, 10)}, "approve": {"1"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "app.example", back.Host)
	require.Equal(t, "1", back.Query().Get("x"), "the app's own query survives")
	require.Equal(t, strconv.FormatInt(id, 10), back.Query().Get("shop_id"))
	code := back.Query().Get("code")
	require.NotEmpty(t, code)

	tok := s.tokens(code, id).tokens(t)
	require.NotEmpty(t, tok.AccessToken)
	require.NotEmpty(t, tok.RefreshToken)
	require.Equal(t, int64(14400), tok.ExpireIn)
	s.tokens(code, id).fails(t, http.StatusForbidden, "invalid_code", "expired or used or invalid")

	// A link signed with a wrong key is refused like any API.
	bad := strings.Replace(link, "sign=", "sign=0", 1)
	s.call(http.MethodGet, bad, nil).fails(t, http.StatusForbidden, "error_sign", "Wrong sign.")

	// A code lives 10 minutes.
	var late struct{ Code string }
	require.Equal(t, http.StatusOK, s.control("/_sandbox/authorize", map[string]any{"shop_id": id}, &late))
	s.clock.Add(11 * time.Minute)
	s.tokens(late.Code, id).fails(t, http.StatusForbidden, "invalid_code", "")
	s.call(http.MethodGet, link, nil).fails(t, http.StatusBadRequest, "error_param", "Invalid timestamp")

	// The sandbox v2 login page shape.
	resp, err = http.Get(s.base + "/auth?auth_type=seller&partner_id=" + s.pid + "&redirect_uri=" +
		url.QueryEscape("https://app.example/cb") + "&response_type=code")
	require.NoError(t, err)
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(page), "HTX Gạo ST25 Sóc Trăng")
}

func TestRefreshRotatesAndKeepsTheOldTokenFiveMinutes(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX nước mắm Phú Quốc")
	oldAccess := sh.access

	tok := s.refreshTokens(sh.refresh, sh.id).tokens(t)
	require.NotEqual(t, sh.refresh, tok.RefreshToken, "the refresh token rotates")
	require.NotEqual(t, oldAccess, tok.AccessToken)
	require.Equal(t, sh.id, tok.ShopID)
	require.Equal(t, mustInt(s.pid), tok.PartnerID)
	require.Equal(t, int64(14400), tok.ExpireIn)
	s.refreshTokens(sh.refresh, sh.id).fails(t, http.StatusForbidden, "error_auth", "Invalid refresh_token.")

	sh.get("/api/v2/product/get_item_list", listParams).ok(t, nil)
	s.clock.Add(4 * time.Minute)
	sh.get("/api/v2/product/get_item_list", listParams).ok(t, nil)
	s.clock.Add(2 * time.Minute)
	sh.get("/api/v2/product/get_item_list", listParams).fails(t, http.StatusForbidden, "invalid_acceess_token", "Invalid access_token.")

	sh.access, sh.refresh = tok.AccessToken, tok.RefreshToken
	sh.get("/api/v2/product/get_item_list", listParams).ok(t, nil)
	s.clock.Add(4 * time.Hour)
	sh.get("/api/v2/product/get_item_list", listParams).fails(t, http.StatusForbidden, "invalid_acceess_token", "")
	tok = s.refreshTokens(sh.refresh, sh.id).tokens(t)
	sh.access = tok.AccessToken
	sh.get("/api/v2/product/get_item_list", listParams).ok(t, nil)
}

func TestExpireTokensThroughTheControlAPI(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX cà phê Cầu Đất")
	sh.get("/api/v2/product/get_item_list", listParams).ok(t, nil)
	require.Equal(t, http.StatusOK, s.control(shopPath(sh.id, "/expire_tokens"), struct{}{}, nil))
	sh.get("/api/v2/product/get_item_list", listParams).fails(t, http.StatusForbidden, "invalid_acceess_token", "Invalid access_token.")
	tok := s.refreshTokens(sh.refresh, sh.id).tokens(t)
	sh.access = tok.AccessToken
	sh.get("/api/v2/product/get_item_list", listParams).ok(t, nil)
}

func TestTokenEndpointsWantTheBodyPartnerAndAPublicSign(t *testing.T) {
	t.Parallel()
	s := start(t)
	id := s.createShop("HTX")
	var code struct{ Code string }
	require.Equal(t, http.StatusOK, s.control("/_sandbox/authorize", map[string]any{"shop_id": id}, &code))
	s.call(http.MethodPost, s.publicURL("/api/v2/auth/token/get", nil), map[string]any{"code": code.Code, "shop_id": id}).
		fails(t, http.StatusBadRequest, "error_param", "partner_id")
	s.call(http.MethodPost, s.publicURL("/api/v2/auth/token/get", nil), map[string]any{"code": code.Code, "partner_id": 1, "shop_id": id}).
		fails(t, http.StatusBadRequest, "error_param", "Invalid partner_id.")
	s.tokens(code.Code, id).tokens(t)
}

func TestShopInfoAndUnknownPaths(t *testing.T) {
	t.Parallel()
	s := start(t)
	sh := s.connect("HTX mắm tôm")
	a := sh.get("/api/v2/shop/get_shop_info", nil)
	require.Equal(t, http.StatusOK, a.Status)
	var info struct {
		ShopName   string `json:"shop_name"`
		Region     string `json:"region"`
		ExpireTime int64  `json:"expire_time"`
	}
	require.NoError(t, json.Unmarshal(a.Raw, &info))
	require.Equal(t, "HTX mắm tôm", info.ShopName)
	require.Equal(t, "VN", info.Region)
	require.Equal(t, s.clock.Now().Add(365*24*time.Hour).Unix(), info.ExpireTime)

	s.call(http.MethodGet, s.base+"/api/v2/product/no_such_api", nil).fails(t, http.StatusNotFound, "error_not_found", "")
	sh.call(http.MethodPost, sh.shopURL("/api/v2/product/get_item_list", listParams), nil).
		fails(t, http.StatusBadRequest, "error_param", "GET")
}

// pngBytes is enough of a PNG for content sniffing.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{1}, 64)...)

// upload sends images to upload_image (public sign) and returns their ids.
func (s *sb) upload(t testing.TB, files ...[]byte) []string {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for i, f := range files {
		part, err := w.CreateFormFile("image", "anh-"+strconv.Itoa(i)+".png")
		require.NoError(t, err)
		_, _ = part.Write(f)
	}
	require.NoError(t, w.WriteField("scene", "normal"))
	require.NoError(t, w.Close())
	req, err := http.NewRequest(http.MethodPost, s.publicURL("/api/v2/media_space/upload_image", nil), &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	var out struct {
		ImageInfo struct {
			ImageID      string `json:"image_id"`
			ImageURLList []struct {
				ImageURLRegion string `json:"image_url_region"`
				ImageURL       string `json:"image_url"`
			} `json:"image_url_list"`
		} `json:"image_info"`
		ImageInfoList []struct {
			ImageInfo struct {
				ImageID string `json:"image_id"`
			} `json:"image_info"`
		} `json:"image_info_list"`
	}
	s.send(req).ok(t, &out)
	require.NotEmpty(t, out.ImageInfo.ImageID)
	require.Equal(t, "VN", out.ImageInfo.ImageURLList[0].ImageURLRegion)
	require.Contains(t, out.ImageInfo.ImageURLList[0].ImageURL, out.ImageInfo.ImageID)
	ids := make([]string, len(out.ImageInfoList))
	for i, x := range out.ImageInfoList {
		ids[i] = x.ImageInfo.ImageID
	}
	require.Equal(t, out.ImageInfo.ImageID, ids[0])
	return ids
}
