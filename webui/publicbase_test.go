package webui_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	"ocophub/connectors/driver"
	"ocophub/connectors/lazada"
	"ocophub/webui"
	"ocophub/worker/ops"
)

// TestConnectBehindATLSProxy: with no OCOPHUB_PUBLIC_URL, the connect
// button sends the platform the return URL the seller's browser reached,
// as the trusted TLS proxy forwarded it (https, the public host), the
// same base as the API's own redirects; a client that is not the proxy
// forges nothing.
func TestConnectBehindATLSProxy(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	f := storetest.NewFixture(t, st, "PB")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	unused := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"}) // sign-in is not used here
	t.Cleanup(func() { _ = unused.Close() })
	auth, err := api.NewAuth(api.AuthConfig{Accounts: st, Limiter: api.NewLoginLimiter(unused, api.LoginLimits{}),
		TrustedProxies: []string{"127.0.0.1/32", "::1"}, Logger: quiet})
	require.NoError(t, err)
	router, err := api.New(api.Deps{Store: st, Auth: auth, Logger: quiet})
	require.NoError(t, err)
	cmds := &ops.Commands{Store: st, StateKey: []byte("0123456789abcdef0123456789abcdef"),
		Drivers: map[catalog.Platform]func(catalog.Shop) driver.Driver{catalog.PlatformLazada: func(s catalog.Shop) driver.Driver {
			return lazada.New(lazada.Config{AuthURL: "https://auth.lazada.test", AppKey: "app"}, nil)
		}}}
	mount, err := webui.New(webui.Deps{Store: st, Commands: cmds, DevOperator: true, Logger: quiet,
		PublicBase: func(r *http.Request) string { return auth.PublicBase(r, "") }})
	require.NoError(t, err)
	mount(router)
	srv := httptest.NewServer(router)
	t.Cleanup(srv.Close)

	connect := func(base string, header ...string) string {
		req, err := http.NewRequest("GET", base+"/shops/connect?platform=lazada&coop_id="+strconv.FormatInt(f.Coop.ID, 10), nil)
		require.NoError(t, err)
		req.Header.Set("Cookie", "ocophub_dev=1")
		for i := 0; i < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusFound, res.StatusCode)
		to, err := url.Parse(res.Header.Get("Location"))
		require.NoError(t, err)
		return to.Query().Get("redirect_uri")
	}
	require.Equal(t, "https://hub.example.vn/shops/callback/lazada",
		connect(srv.URL, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "hub.example.vn"))

	direct, err := webui.New(webui.Deps{Store: st, Commands: cmds, DevOperator: true, Logger: quiet})
	require.NoError(t, err)
	plain, err := api.New(api.Deps{Store: st, Auth: auth, Logger: quiet})
	require.NoError(t, err)
	direct(plain)
	srv2 := httptest.NewServer(plain)
	t.Cleanup(srv2.Close)
	require.Equal(t, srv2.URL+"/shops/callback/lazada", connect(srv2.URL, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example"),
		"without PublicBase the web UI believes no proxy")
}
