package api_test

// Tests of the security review's findings (issue 16, section 3), each named
// after what it guards.

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestLockIsPerAccountAndAddress (finding 2): ten wrong passwords from one
// address lock that address out of the account, never the person who
// signs in with the right password from another address.
func TestLockIsPerAccountAndAddress(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	f := storetest.NewFixture(t, st, "LK")
	addPerson(t, st, catalog.User{Username: "manager.lk", Name: "Quản lý", Role: catalog.RoleCoopManager, CoopID: f.Coop.ID})
	proxies := []string{"127.0.0.1/32", "::1"}
	a, err := api.NewAuth(api.AuthConfig{Accounts: st, TrustedProxies: proxies,
		Limiter: api.NewLoginLimiter(testRedis(t), api.LoginLimits{Prefix: "ocophub:test:" + t.Name() + strconv.FormatInt(time.Now().UnixNano(), 36) + ":"})})
	require.NoError(t, err)
	srv := startServer(t, api.Deps{Store: st, Auth: a, TrustedProxies: proxies})
	login := func(client, password string) response {
		return srv.send("POST", "/api/v1/auth/login", map[string]string{"username": "manager.lk", "password": password},
			"Authorization", "", "X-Forwarded-For", client)
	}
	for range 10 {
		requireError(t, login("203.0.113.66", "wrong password"), http.StatusUnauthorized, catalog.CodeUnauthenticated)
	}
	requireError(t, login("203.0.113.66", testPassword), http.StatusTooManyRequests, "too_many_requests")
	require.Equal(t, http.StatusOK, login("198.51.100.20", testPassword).Status, "the person, from their own address, still gets in")
}

// TestSearchIsBounded (finding 3): thousands of terms or a very long query
// are a 400 with a stable code before any SQL; repeated terms count once.
func TestSearchIsBounded(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	f := storetest.NewFixture(t, st, "SB")
	p := f.Product("TRA-SB", 61, 1)
	require.NoError(t, st.CreateProduct(storetest.Operator(), &p))
	srv := newServer(t, st, nil)

	many := make([]string, 3000)
	for i := range many {
		many[i] = "ab" + strconv.Itoa(i)
	}
	fields := requireError(t, srv.get("/api/v1/products?q="+url.QueryEscape(strings.Join(many, " "))), http.StatusBadRequest, catalog.CodeInvalidArgument)
	require.Contains(t, fields, "q")
	words := make([]string, catalog.MaxSearchTerms+1)
	for i := range words {
		words[i] = "w" + strconv.Itoa(i)
	}
	fields = requireError(t, srv.get("/api/v1/products?q="+url.QueryEscape(strings.Join(words, " "))), http.StatusBadRequest, catalog.CodeInvalidArgument)
	require.Contains(t, fields, "q")

	same := decode[list[catalog.Product]](t, srv.get("/api/v1/products?q="+url.QueryEscape(strings.Repeat("tra ", 40))), http.StatusOK)
	require.Len(t, same.Items, 1, "one term said forty times is one term")
}

// TestRequestsHaveADeadline (finding 3): every API request's database work
// runs under a deadline, so a slow statement is cancelled, not left holding
// a connection.
func TestRequestsHaveADeadline(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	var left time.Duration
	spy := deadlineSpy{Store: st, saw: func(d time.Duration) { left = d }}
	srv := startServer(t, api.Deps{Store: spy, RequestTimeout: 3 * time.Second})
	require.Equal(t, http.StatusOK, srv.get("/api/v1/alliances").Status)
	require.Greater(t, left, time.Duration(0))
	require.LessOrEqual(t, left, 3*time.Second)
}

// deadlineSpy reports how long the store's context had left.
type deadlineSpy struct {
	*store.Store
	saw func(time.Duration)
}

func (s deadlineSpy) ListAlliances(ctx context.Context, q catalog.ListQuery) ([]catalog.Alliance, string, error) {
	if d, ok := ctx.Deadline(); ok {
		s.saw(time.Until(d))
	}
	return s.Store.ListAlliances(ctx, q)
}

// TestBodiesAreCappedBeforeParsing (finding 4): a huge form or file is
// refused with 413 before the sign-in form, the CSRF check or any page
// parses it, whether or not its length is declared.
func TestBodiesAreCappedBeforeParsing(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	srv := startServer(t, api.Deps{Store: st})
	router, err := api.New(api.Deps{Store: st, Auth: srv.Auth})
	require.NoError(t, err)
	parsed := false
	router.POST("/login", gin.WrapH(srv.Auth.LoginForm()))
	router.POST("/page", func(c *gin.Context) { parsed = c.PostForm("x") != ""; c.Status(http.StatusOK) })
	web := httptest.NewServer(router)
	t.Cleanup(web.Close)

	big := func() (io.Reader, string) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		fw, _ := w.CreateFormFile("file", "big.bin")
		_, _ = fw.Write(bytes.Repeat([]byte("x"), 3<<20))
		_ = w.WriteField("username", "someone")
		_ = w.Close()
		return &b, w.FormDataContentType()
	}
	for _, chunked := range []bool{false, true} {
		for _, path := range []string{"/login", "/page"} {
			body, ctype := big()
			if chunked {
				body = io.MultiReader(body) // no length: sent chunked
			}
			req, err := http.NewRequest("POST", web.URL+path, body)
			require.NoError(t, err)
			req.Header.Set("Content-Type", ctype)
			res, err := noRedirects.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			require.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode, "%s (chunked %v)", path, chunked)
		}
	}
	require.False(t, parsed, "no page read the form")
	r := srv.send("POST", "/api/v1/warehouses", strings.Repeat(" ", api.MaxJSONBody+1))
	requireError(t, r, http.StatusRequestEntityTooLarge, "payload_too_large")
}

// TestNextIsALocalPath (finding 1): the sign-in form goes back only to a
// clean path of this site.
func TestNextIsALocalPath(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	f := storetest.NewFixture(t, st, "NX")
	addPerson(t, st, catalog.User{Username: "manager.nx", Name: "Quản lý", Role: catalog.RoleCoopManager, CoopID: f.Coop.ID})
	srv := startServer(t, api.Deps{Store: st})
	router := gin.New()
	router.POST("/login", gin.WrapH(srv.Auth.LoginForm()))
	web := httptest.NewServer(router)
	t.Cleanup(web.Close)
	for _, next := range badNexts {
		form := url.Values{"username": {"manager.nx"}, "password": {testPassword}, "next": {next}}
		res, err := noRedirects.PostForm(web.URL+"/login", form)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		require.Equal(t, "/", res.Header.Get("Location"), "next %q", next)
	}
	res, err := noRedirects.PostForm(web.URL+"/login", url.Values{"username": {"manager.nx"}, "password": {testPassword}, "next": {"/products?q=tra"}})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, "/products?q=tra", res.Header.Get("Location"))
}

// badNexts are redirect targets a browser would follow off the site.
var badNexts = []string{"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "//evil.example", "/\\evil.example",
	"https://evil.example", "evil.example", " //evil.example", "/\x00/evil.example", "\t//evil.example", "/\\/evil.example", ""}

// TestExportsEscapeFormulas (finding 7): a cell a spreadsheet would run
// as a formula is written as text.
func TestExportsEscapeFormulas(t *testing.T) {
	rep := catalog.CampaignReport{Lines: []catalog.CampaignReportLine{
		{CoopCode: "=1+1", CoopName: `=HYPERLINK("https://evil.example","x")`, Platform: "+shopee"},
		{CoopCode: "@SUM(A1)", CoopName: "-2+3", Platform: "\tlazada"},
		{CoopCode: "\rX", CoopName: "HTX Hảo Đạt", Platform: "zalo", RevenueBefore: 100, Revenue: 50},
	}}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, api.WriteCampaignReport(w, rep))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	for _, row := range rows {
		for _, cell := range row {
			if cell == "" || isNumber(cell) {
				continue
			}
			require.NotContains(t, "=+-@\t\r", cell[:1], "cell %q would be a formula", cell)
		}
	}
	require.Equal(t, "'=HYPERLINK(\"https://evil.example\",\"x\")", rows[1][1])
	require.Equal(t, "-50", rows[3][8], "a negative number stays a number")
}

func isNumber(s string) bool { _, err := strconv.ParseInt(s, 10, 64); return err == nil }

// TestIdempotencyKey (finding 8): a retried stock adjustment with the same
// key and body gets the first answer again and moves no stock; another body
// under the key is refused; a key on a route that creates secrets is not
// stored.
func TestIdempotencyKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.NewFixture(t, s, "IK")
		p := f.Product("CHE-IK", 62, 1)
		require.NoError(t, s.CreateProduct(storetest.Operator(), &p))
		srv := newServer(t, s, nil)
		path := "/api/v1/variants/" + itoa(p.Variants[0].ID) + "/stock/adjustments"
		body := map[string]any{"warehouse_id": f.Warehouse.ID, "delta": 5, "reason": "received"}

		first := srv.send("POST", path, body, "Idempotency-Key", "adj-1")
		require.Equal(t, http.StatusOK, first.Status, "body: %s", first.Body)
		again := srv.send("POST", path, body, "Idempotency-Key", "adj-1")
		require.Equal(t, http.StatusOK, again.Status)
		require.JSONEq(t, string(first.Body), string(again.Body))
		require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
		levels := decode[list[map[string]any]](t, srv.get("/api/v1/variants/"+itoa(p.Variants[0].ID)+"/stock"), http.StatusOK)
		require.EqualValues(t, 5, levels.Items[0]["on_hand"], "the retry moved nothing")

		body["delta"] = 7
		requireError(t, srv.send("POST", path, body, "Idempotency-Key", "adj-1"), http.StatusUnprocessableEntity, "idempotency_key_reused")
		require.Equal(t, http.StatusOK, srv.send("POST", path, body, "Idempotency-Key", "adj-2").Status)
		requireError(t, srv.send("POST", path, body, "Idempotency-Key", strings.Repeat("k", 300)), http.StatusBadRequest, catalog.CodeInvalidArgument)

		// Another caller's key of the same name is its own.
		other := newToken(t, s, catalog.APIToken{Name: "other operator", Role: catalog.RoleOperator})
		r := srv.send("POST", path, map[string]any{"warehouse_id": f.Warehouse.ID, "delta": 1, "reason": "received"},
			"Idempotency-Key", "adj-1", "Authorization", "Bearer "+other)
		require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
		levels = decode[list[map[string]any]](t, srv.get("/api/v1/variants/"+itoa(p.Variants[0].ID)+"/stock"), http.StatusOK)
		require.EqualValues(t, 13, levels.Items[0]["on_hand"])
	})
}

// TestIdempotencyRoutes: every API POST that changes stock, prices or
// orders takes the key.
func TestIdempotencyRoutes(t *testing.T) {
	for _, route := range []string{"POST /api/v1/variants/:id/stock/adjustments", "POST /api/v1/products",
		"POST /api/v1/imports", "POST /api/v1/orders/:id/ship", "POST /api/v1/live-sessions",
		"POST /api/v1/live-sessions/:id/holds", "POST /api/v1/live-sessions/:id/end", "POST /api/v1/campaigns",
		"POST /api/v1/campaigns/:id/cancel", "POST /api/v1/shops/:id/listings", "POST /api/v1/listings/:id/push"} {
		method, path, _ := strings.Cut(route, " ")
		require.True(t, api.Idempotent(method, path), route)
	}
	for _, route := range []string{"POST /api/v1/auth/login", "POST /api/v1/tokens", "GET /api/v1/products"} {
		method, path, _ := strings.Cut(route, " ")
		require.False(t, api.Idempotent(method, path), route)
	}
}
