package api_test

// Tests of the second review's findings: forms before sign-in, idempotency
// keys outliving slow requests, the import's write deadline, sign-in locks
// over IPv6, the public base behind a proxy.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/demo"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestLargeFormsWaitForSignIn: a form to a large route (the web UI's
// /import) is not parsed before its session is known, so an anonymous
// client makes the server hold nothing; a signed-in upload is parsed with
// its file on disk, and its CSRF token is still checked.
func TestLargeFormsWaitForSignIn(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	f := storetest.NewFixture(t, st, "LF")
	addPerson(t, st, catalog.User{Username: "manager.lf", Name: "Quản lý", Role: catalog.RoleCoopManager, CoopID: f.Coop.ID})
	srv := startServer(t, api.Deps{Store: st})
	router, err := api.New(api.Deps{Store: st, Auth: srv.Auth})
	require.NoError(t, err)
	type seen struct{ parsed, onDisk bool }
	var got seen
	router.POST("/import", func(c *gin.Context) {
		got = seen{parsed: c.Request.PostForm != nil || c.Request.MultipartForm != nil}
		if got.parsed {
			fh, err := c.FormFile("file")
			require.NoError(t, err)
			file, err := fh.Open()
			require.NoError(t, err)
			_, got.onDisk = file.(*os.File)
			_ = file.Close()
		}
		c.Status(http.StatusOK)
	})
	web := httptest.NewServer(router)
	t.Cleanup(web.Close)

	upload := func(cookie, csrf string) int {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		_ = w.WriteField("csrf_token", csrf)
		fw, _ := w.CreateFormFile("file", "catalog.csv")
		_, _ = fw.Write(bytes.Repeat([]byte("x"), 3<<20))
		_ = w.Close()
		req, err := http.NewRequest("POST", web.URL+"/import", &b)
		require.NoError(t, err)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Cookie", cookie)
		res, err := noRedirects.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}

	got = seen{}
	require.Equal(t, http.StatusOK, upload("ocophub_session=made-up", "made-up"))
	require.False(t, got.parsed, "nobody signed in: the form reached the page unread")

	r := srv.send("POST", "/api/v1/auth/login", map[string]string{"username": "manager.lf", "password": testPassword}, "Authorization", "")
	require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
	var in struct {
		CSRFToken string `json:"csrf_token"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &in))
	session := "ocophub_session=" + sessionCookie(t, r, "ocophub_session").Value

	got = seen{}
	require.Equal(t, http.StatusForbidden, upload(session, "wrong"), "a live session's form still needs its CSRF token")
	got = seen{}
	require.Equal(t, http.StatusOK, upload(session, in.CSRFToken))
	require.True(t, got.parsed)
	require.True(t, got.onDisk, "the upload was spooled to a temporary file, not held in memory")
}

// TestOnceFreesTheKeyOfAPanic: a request that panics leaves its key free,
// so its retry runs instead of meeting "still running" for minutes.
func TestOnceFreesTheKeyOfAPanic(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	router := gin.New()
	router.Use(gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, _ any) { c.AbortWithStatus(http.StatusInternalServerError) }))
	runs := 0
	router.POST("/adjust", func(c *gin.Context) { api.Once(c, st, "user:1", "k-1", api.KeepSuccess) }, func(c *gin.Context) {
		if runs++; runs == 1 {
			panic("the first try fails")
		}
		c.String(http.StatusOK, "done")
	})
	post := func() int {
		w := httptest.NewRecorder()
		router.ServeHTTP(w, httptest.NewRequest("POST", "/adjust", strings.NewReader("{}")))
		return w.Code
	}
	require.Equal(t, http.StatusInternalServerError, post())
	require.Equal(t, http.StatusOK, post(), "the retry ran")
	require.Equal(t, http.StatusOK, post(), "and its answer is kept")
	require.Equal(t, 2, runs)
}

// TestFormsKeepOnlyRedirects: a form's one-time key replays a redirect,
// never a page rendered in answer (the import preview carries the file);
// the web UI's caller is the API's for the same person.
func TestFormsKeepOnlyRedirects(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	router := gin.New()
	runs := 0
	router.POST("/:answer", func(c *gin.Context) { api.Once(c, st, "user:7", c.Param("answer"), api.KeepRedirect) }, func(c *gin.Context) {
		runs++
		if c.Param("answer") == "redirect" {
			c.Redirect(http.StatusSeeOther, "/done")
			return
		}
		c.Data(http.StatusOK, "text/html", bytes.Repeat([]byte("a page with the file "), 1000))
	})
	post := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		router.ServeHTTP(w, httptest.NewRequest("POST", path, nil))
		return w
	}
	post("/page")
	require.Empty(t, post("/page").Header().Get("Idempotent-Replayed"), "the page was not kept")
	require.Equal(t, 2, runs)
	post("/redirect")
	again := post("/redirect")
	require.Equal(t, "true", again.Header().Get("Idempotent-Replayed"))
	require.Equal(t, "/done", again.Header().Get("Location"))
	require.Equal(t, 3, runs)

	require.Equal(t, "user:7", api.Caller(catalog.Principal{UserID: 7}))
	require.Equal(t, "token:3", api.Caller(catalog.Principal{UserID: 7, TokenID: 3}))
}

// TestImportOutlivesServerTimeouts: an import gets its own deadline on the
// connection, so the server's shorter write timeout does not drop the
// answer of an import that takes longer; the claim of its Idempotency-Key
// outlasts the import's deadline.
func TestImportOutlivesServerTimeouts(t *testing.T) {
	require.GreaterOrEqual(t, catalog.IdempotencyPending, api.ImportTimeout+time.Minute, "a key stays claimed while its import may run")
	st := storetest.Open(t, store.SQLite)
	var cancelled error
	slow := slowImports{Store: st, wait: 700 * time.Millisecond, err: &cancelled}
	router, err := api.New(api.Deps{Store: slow, Auth: testAuth(t, st, api.LoginLimits{}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(router)
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond // cmd/ocophub's 60 s, scaled down
	srv.Start()
	t.Cleanup(srv.Close)
	token := newToken(t, st, catalog.APIToken{Name: "importer", Role: catalog.RoleOperator})

	req, err := http.NewRequest("POST", srv.URL+"/api/v1/imports", bytes.NewReader(demo.CSV))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set(api.IdempotencyHeader, "slow-import")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "the answer arrived past the server's write timeout")
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.NoError(t, cancelled, "the import was not cancelled by the read timeout")
	require.Equal(t, http.StatusOK, res.StatusCode, "body: %s", body)
}

// slowImports is a store whose imports take wait, and note whether their
// context ended meanwhile.
type slowImports struct {
	*store.Store
	wait time.Duration
	err  *error
}

func (s slowImports) Import(ctx context.Context, b *catalog.ImportBatch, opts catalog.ImportOptions) (catalog.ImportReport, error) {
	select {
	case <-time.After(s.wait):
	case <-ctx.Done():
		*s.err = ctx.Err()
	}
	return s.Store.Import(ctx, b, opts)
}

// TestSignInLockGroupsIPv6: the sign-in limits count an IPv6 client by its
// /64, so hopping between the addresses of one subscriber's network does
// not reset the lock; another /64 is another address.
func TestSignInLockGroupsIPv6(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	f := storetest.NewFixture(t, st, "V6")
	addPerson(t, st, catalog.User{Username: "manager.v6", Name: "Quản lý", Role: catalog.RoleCoopManager, CoopID: f.Coop.ID})
	proxies := []string{"127.0.0.1/32", "::1"}
	a, err := api.NewAuth(api.AuthConfig{Accounts: st, TrustedProxies: proxies,
		Limiter: api.NewLoginLimiter(testRedis(t), api.LoginLimits{Prefix: "ocophub:test:" + t.Name() + strconv.FormatInt(time.Now().UnixNano(), 36) + ":"})})
	require.NoError(t, err)
	srv := startServer(t, api.Deps{Store: st, Auth: a, TrustedProxies: proxies})
	login := func(client, password string) response {
		return srv.send("POST", "/api/v1/auth/login", map[string]string{"username": "manager.v6", "password": password},
			"Authorization", "", "X-Forwarded-For", client)
	}
	for i := range 10 {
		requireError(t, login("2001:db8:1:2::"+strconv.Itoa(i+1), "wrong password"), http.StatusUnauthorized, catalog.CodeUnauthenticated)
	}
	requireError(t, login("2001:db8:1:2:ffff::99", testPassword), http.StatusTooManyRequests, "too_many_requests")
	require.Equal(t, http.StatusOK, login("2001:db8:1:3::1", testPassword).Status, "another /64 is another address")
	require.Equal(t, http.StatusOK, login("203.0.113.7", testPassword).Status)
}

// TestPublicBase: the hub's public base is OCOPHUB_PUBLIC_URL, else the
// scheme and host a trusted proxy forwarded, else the request's own; a
// client that is not a trusted proxy forges nothing, nor does anyone to a
// nil Auth.
func TestPublicBase(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	a, err := api.NewAuth(api.AuthConfig{Accounts: st, Limiter: api.NewLoginLimiter(testRedis(t), api.LoginLimits{}),
		TrustedProxies: []string{"10.0.0.5"}})
	require.NoError(t, err)
	req := func(remote string) *http.Request {
		r := httptest.NewRequest("GET", "http://hub:8080/shops/connect", nil)
		r.RemoteAddr = remote + ":5000"
		r.Header.Set("X-Forwarded-Proto", "https")
		r.Header.Set("X-Forwarded-Host", "hub.example.vn")
		return r
	}
	require.Equal(t, "https://hub.example.vn", a.PublicBase(req("10.0.0.5"), ""))
	require.Equal(t, "http://hub:8080", a.PublicBase(req("203.0.113.9"), ""), "not the proxy")
	require.Equal(t, "https://public.example", a.PublicBase(req("203.0.113.9"), "https://public.example/"))
	var none *api.Auth
	require.Equal(t, "http://hub:8080", none.PublicBase(req("10.0.0.5"), ""))
}
