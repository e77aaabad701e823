package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	"ocophub/connectors/driver"
	shopeesb "ocophub/connectors/sandbox/shopee"
	"ocophub/connectors/shopee"
	"ocophub/worker"
)

// TestSignedPushBehindTLSProxy: Shopee signs the URL it posts to. Behind a
// TLS proxy that is the public https URL, not the proxy's plain hop to
// the hub, so the hub checks the signature against OCOPHUB_PUBLIC_URL, or
// against the scheme and host a trusted proxy forwarded. Forwarded headers
// from a peer that is not a trusted proxy change nothing. The OAuth
// redirect URI is built on the same public base.
func TestSignedPushBehindTLSProxy(t *testing.T) {
	const public, partnerKey = "https://hub.example.vn", "shopee partner key"
	st := keyedStore(t, store.SQLite)
	f := storetest.NewFixture(t, st, "PX")
	shop := catalog.Shop{CoopID: f.Coop.ID, Platform: catalog.PlatformShopee, ExternalID: "7007", Name: "Shopee 7007"}
	require.NoError(t, st.ConnectShop(storetest.Operator(), &shop, []byte(`{}`), time.Now().Add(time.Hour), time.Time{}, time.Time{}))
	now := strconv.FormatInt(time.Now().Unix(), 10)
	body := `{"code":3,"shop_id":7007,"timestamp":` + now + `,"data":{"ordersn":"PX-1","status":"READY_TO_SHIP","update_time":` + now + `}}`
	signature := shopeesb.PushSignature(partnerKey, public+"/webhooks/shopee", []byte(body))

	for _, tc := range []struct {
		name, publicURL string
		trusted         []string
		want            int
	}{
		{"OCOPHUB_PUBLIC_URL", public, nil, http.StatusOK},
		{"trusted proxy forwards https and the host", "", []string{"127.0.0.1"}, http.StatusOK},
		{"untrusted proxy", "", []string{"10.0.0.0/8"}, http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auth, err := api.NewAuth(api.AuthConfig{Accounts: st, Limiter: api.NewLoginLimiter(testRedis(t), api.LoginLimits{
				Prefix: "ocophub:test:" + strings.ReplaceAll(t.Name(), "/", ":") + ":"}),
				TrustedProxies: tc.trusted, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			require.NoError(t, err)
			tasks := &fakeTasks{}
			hub := startServer(t, api.Deps{Store: st, Auth: auth, TrustedProxies: tc.trusted, Sync: &api.SyncDeps{
				Store: st, Tasks: tasks, PublicURL: tc.publicURL, StateKey: []byte("state key of the test, 32 bytes"),
				Drivers: map[catalog.Platform]func(catalog.Shop) driver.Driver{
					catalog.PlatformShopee: func(catalog.Shop) driver.Driver {
						return shopee.New(shopee.Config{PartnerID: 1, PartnerKey: partnerKey}, nil)
					},
				}}})
			// The TLS proxy answers for hub.example.vn and forwards over
			// plain HTTP with X-Forwarded-For, -Host and -Proto.
			target, err := url.Parse(hub.URL)
			require.NoError(t, err)
			proxy := httptest.NewTLSServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
				r.SetURL(target)
				r.SetXForwarded()
			}})
			t.Cleanup(proxy.Close)
			send := func(method, path, body string, header ...string) *http.Response {
				req, err := http.NewRequest(method, proxy.URL+path, strings.NewReader(body))
				require.NoError(t, err)
				req.Host = "hub.example.vn"
				for i := 0; i < len(header); i += 2 {
					req.Header.Set(header[i], header[i+1])
				}
				client := proxy.Client()
				client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
				resp, err := client.Do(req)
				require.NoError(t, err)
				t.Cleanup(func() { resp.Body.Close() })
				return resp
			}

			resp := send("POST", "/webhooks/shopee", body, "Authorization", signature, "Content-Type", "application/json")
			require.Equal(t, tc.want, resp.StatusCode)
			queued := tasks.take()
			if tc.want != http.StatusOK {
				require.Empty(t, queued)
				return
			}
			require.Len(t, queued, 1)
			var p worker.OrderIngest
			require.NoError(t, json.Unmarshal(queued[0].Payload(), &p))
			require.Equal(t, shop.ID, p.ShopID)

			resp = send("GET", "/api/v1/shops/connect/shopee?coop_id="+itoa(f.Coop.ID), "", "Authorization", "Bearer "+hub.token)
			require.Equal(t, http.StatusFound, resp.StatusCode)
			authorize, err := url.Parse(resp.Header.Get("Location"))
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(authorize.Query().Get("redirect"), public+"/api/v1/shops/callback/shopee?"), authorize)
		})
	}
}
