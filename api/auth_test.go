package api_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	"ocophub/connectors/driver"
	"ocophub/connectors/lazada"
	lazadasb "ocophub/connectors/sandbox/lazada"
	"ocophub/connectors/shopee"
	"ocophub/worker"
)

// addPerson creates a user with testPassword.
func addPerson(t *testing.T, st *store.Store, u catalog.User) catalog.User {
	t.Helper()
	require.NoError(t, st.CreateUser(storetest.Operator(), &u, testPassword))
	return u
}

func sessionCookie(t *testing.T, r response, name string) *http.Cookie {
	t.Helper()
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	t.Fatalf("no cookie %s in %v", name, r.Header.Values("Set-Cookie"))
	return nil
}

// TestSignIn walks a person through the session: the cookie's
// protections, /me, CSRF on writes but not on reads or API tokens, a new
// session at every sign-in, password change and sign-out.
func TestSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := storetest.NewFixture(t, st, "SI")
		addPerson(t, st, catalog.User{Username: "manager.si", Name: "Quản lý", Role: catalog.RoleCoopManager, CoopID: f.Coop.ID})
		srv := newServer(t, st, nil)
		login := func(username, password string, header ...string) response {
			return srv.send("POST", "/api/v1/auth/login", map[string]string{"username": username, "password": password},
				append([]string{"Authorization", ""}, header...)...)
		}

		r := login("Manager.SI", testPassword)
		require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
		requireSchema(t, "LoginResponse", r.Body)
		ck := sessionCookie(t, r, "ocophub_session")
		require.True(t, ck.HttpOnly, "no script reads the session")
		require.Equal(t, http.SameSiteLaxMode, ck.SameSite)
		require.False(t, ck.Secure, "plain HTTP: a Secure cookie would never come back")
		require.Equal(t, "/", ck.Path)
		require.InDelta(t, (12 * time.Hour).Seconds(), float64(ck.MaxAge), 5)
		require.Equal(t, "no-store", r.Header.Get("Cache-Control"))
		var in struct {
			User      catalog.User `json:"user"`
			CSRFToken string       `json:"csrf_token"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &in))
		require.Equal(t, "manager.si", in.User.Username)
		c := &client{srv: srv, cookie: "ocophub_session=" + ck.Value, csrf: in.CSRFToken}

		me := c.do("GET", "/api/v1/auth/me", nil)
		requireSchema(t, "Me", me.Body)
		var who struct {
			Role        catalog.Role         `json:"role"`
			CoopID      int64                `json:"coop_id"`
			Permissions []catalog.Permission `json:"permissions"`
			CSRFToken   string               `json:"csrf_token"`
		}
		require.NoError(t, json.Unmarshal(me.Body, &who))
		require.Equal(t, catalog.RoleCoopManager, who.Role)
		require.Equal(t, f.Coop.ID, who.CoopID)
		require.Contains(t, who.Permissions, catalog.PermGrantsManage)
		require.Equal(t, in.CSRFToken, who.CSRFToken)

		// Writes need the session's CSRF token; reads do not.
		w := map[string]any{"coop_id": f.Coop.ID, "code": "KHO-2", "name": "Kho 2"}
		session := []string{"Authorization", "", "Cookie", c.cookie}
		requireError(t, srv.send("POST", "/api/v1/warehouses", w, session...), http.StatusForbidden, "csrf_failed")
		requireError(t, srv.send("POST", "/api/v1/warehouses", w, append(session, api.CSRFHeader, "wrong")...), http.StatusForbidden, "csrf_failed")
		requireError(t, srv.send("POST", "/api/v1/warehouses", w, append(session, api.CSRFHeader, c.csrf, "Sec-Fetch-Site", "cross-site")...),
			http.StatusForbidden, "csrf_failed")
		require.Equal(t, http.StatusCreated, c.do("POST", "/api/v1/warehouses", w).Status)
		require.Equal(t, http.StatusOK, c.do("GET", "/api/v1/warehouses", nil).Status)
		// An API token is not a browser's: no CSRF token needed.
		require.Equal(t, http.StatusCreated, srv.send("POST", "/api/v1/warehouses", map[string]any{"coop_id": f.Coop.ID, "code": "KHO-3", "name": "Kho 3"}).Status)

		// Wrong password, unknown user, disabled user: one answer.
		wrong, unknown := login("manager.si", "not the password"), login("nobody.si", testPassword)
		requireError(t, wrong, http.StatusUnauthorized, catalog.CodeUnauthenticated)
		require.Equal(t, string(wrong.Body), string(unknown.Body))
		requireError(t, srv.do("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"manager.si","password":"`+testPassword+`"}`),
			"Authorization", "", "Content-Type", "text/plain"), http.StatusUnsupportedMediaType, "unsupported_media_type")
		requireError(t, login("manager.si", testPassword, "Sec-Fetch-Site", "cross-site"), http.StatusUnsupportedMediaType, "unsupported_media_type")

		// Signing in again, with the old cookie: a new session; the old
		// one is over (a session id planted before sign-in is worthless).
		again := login("manager.si", testPassword, "Cookie", c.cookie)
		require.Equal(t, http.StatusOK, again.Status)
		ck2 := sessionCookie(t, again, "ocophub_session")
		require.NotEqual(t, ck.Value, ck2.Value)
		requireError(t, c.do("GET", "/api/v1/auth/me", nil), http.StatusUnauthorized, catalog.CodeUnauthenticated)
		var in2 struct {
			CSRFToken string `json:"csrf_token"`
		}
		require.NoError(t, json.Unmarshal(again.Body, &in2))
		require.NotEqual(t, in.CSRFToken, in2.CSRFToken, "a CSRF token belongs to one session")
		c = &client{srv: srv, cookie: "ocophub_session=" + ck2.Value, csrf: in2.CSRFToken}

		// A new password ends every session and gives the caller a new one.
		other := srv.signIn("manager.si", testPassword)
		r = c.do("PUT", "/api/v1/auth/password", map[string]string{"current_password": testPassword, "new_password": "mot-mat-khau-moi-2026"})
		require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
		requireError(t, other.do("GET", "/api/v1/auth/me", nil), http.StatusUnauthorized, catalog.CodeUnauthenticated)
		requireError(t, c.do("GET", "/api/v1/auth/me", nil), http.StatusUnauthorized, catalog.CodeUnauthenticated)
		ck3 := sessionCookie(t, r, "ocophub_session")
		require.NoError(t, json.Unmarshal(r.Body, &in2))
		c = &client{srv: srv, cookie: "ocophub_session=" + ck3.Value, csrf: in2.CSRFToken}
		require.Equal(t, http.StatusOK, c.do("GET", "/api/v1/auth/me", nil).Status)

		// Sign out: the cookie is cleared and the session is gone.
		requireError(t, srv.do("POST", "/api/v1/auth/logout", nil, "Authorization", "", "Cookie", c.cookie), http.StatusForbidden, "csrf_failed")
		out := c.do("POST", "/api/v1/auth/logout", nil)
		require.Equal(t, http.StatusNoContent, out.Status)
		require.Equal(t, -1, sessionCookie(t, out, "ocophub_session").MaxAge)
		requireError(t, c.do("GET", "/api/v1/auth/me", nil), http.StatusUnauthorized, catalog.CodeUnauthenticated)
	})
}

// TestSignInLimits: attempts are counted per account and per address; the
// limit answers 429 with Retry-After; a success starts the account's
// count again; an address is the peer's unless a trusted proxy says.
func TestSignInLimits(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	f := storetest.NewFixture(t, st, "RL")
	addPerson(t, st, catalog.User{Username: "manager.rl", Name: "Quản lý", Role: catalog.RoleCoopManager, CoopID: f.Coop.ID})
	per := func(n int) redis_rate.Limit { return redis_rate.Limit{Rate: n, Burst: n, Period: time.Hour} }
	srv := startServer(t, api.Deps{Store: st, Auth: testAuth(t, st, api.LoginLimits{PerAccount: per(3), PerIP: per(6)})})
	login := func(username, password string) response {
		return srv.send("POST", "/api/v1/auth/login", map[string]string{"username": username, "password": password}, "Authorization", "",
			"X-Forwarded-For", "198.51.100.7") // not believed: no proxy is trusted
	}
	for range 2 {
		requireError(t, login("manager.rl", "wrong password"), http.StatusUnauthorized, catalog.CodeUnauthenticated)
	}
	require.Equal(t, http.StatusOK, login("manager.rl", testPassword).Status, "the third attempt is still allowed")
	for range 3 {
		requireError(t, login("manager.rl", "wrong password"), http.StatusUnauthorized, catalog.CodeUnauthenticated)
	}
	r := login("manager.rl", testPassword)
	requireError(t, r, http.StatusTooManyRequests, "too_many_requests")
	retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.Greater(t, retry, 0)
	// The address has made 7 attempts now (its limit is 6): any account.
	requireError(t, login("someone.else", "x"), http.StatusTooManyRequests, "too_many_requests")
}

// TestBehindATrustedProxy: with the proxy trusted, its X-Forwarded-Proto
// makes the cookie Secure (and __Host-), HSTS is sent, and attempts count
// against the client's address it forwards, not the proxy's.
func TestBehindATrustedProxy(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	f := storetest.NewFixture(t, st, "TP")
	addPerson(t, st, catalog.User{Username: "manager.tp", Name: "Quản lý", Role: catalog.RoleCoopManager, CoopID: f.Coop.ID})
	a, err := api.NewAuth(api.AuthConfig{Accounts: st, TrustedProxies: []string{"127.0.0.1/32", "::1"},
		Limiter: api.NewLoginLimiter(testRedis(t), api.LoginLimits{Prefix: "ocophub:test:" + t.Name() + strconv.FormatInt(time.Now().UnixNano(), 36) + ":",
			PerIP: redis_rate.Limit{Rate: 2, Burst: 2, Period: time.Hour}})})
	require.NoError(t, err)
	srv := startServer(t, api.Deps{Store: st, Auth: a, TrustedProxies: []string{"127.0.0.1/32", "::1"}})
	login := func(client string) response {
		return srv.send("POST", "/api/v1/auth/login", map[string]string{"username": "manager.tp", "password": testPassword},
			"Authorization", "", "X-Forwarded-For", client, "X-Forwarded-Proto", "https")
	}
	r := login("203.0.113.1")
	require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
	ck := sessionCookie(t, r, "__Host-ocophub_session")
	require.True(t, ck.Secure)
	require.True(t, ck.HttpOnly)
	require.Equal(t, "max-age=31536000; includeSubDomains", r.Header.Get("Strict-Transport-Security"))
	// The plain-HTTP cookie name is not accepted over HTTPS, nor the
	// reverse.
	me := srv.do("GET", "/api/v1/auth/me", nil, "Authorization", "", "Cookie", "ocophub_session="+ck.Value, "X-Forwarded-Proto", "https")
	requireError(t, me, http.StatusUnauthorized, catalog.CodeUnauthenticated)
	me = srv.do("GET", "/api/v1/auth/me", nil, "Authorization", "", "Cookie", "__Host-ocophub_session="+ck.Value, "X-Forwarded-Proto", "https")
	require.Equal(t, http.StatusOK, me.Status)

	require.Equal(t, http.StatusOK, login("203.0.113.1").Status)
	requireError(t, login("203.0.113.1"), http.StatusTooManyRequests, "too_many_requests")
	require.Equal(t, http.StatusOK, login("203.0.113.2").Status, "another client behind the same proxy has its own count")
}

func TestSecurityHeaders(t *testing.T) {
	srv := newServer(t, storetest.Open(t, store.SQLite), nil)
	for _, path := range []string{"/healthz", "/api/v1/openapi.json", "/api/v1/products", "/no/such/page"} {
		r := srv.get(path)
		require.Equal(t, "nosniff", r.Header.Get("X-Content-Type-Options"), path)
		require.Equal(t, "DENY", r.Header.Get("X-Frame-Options"), path)
		require.Equal(t, "strict-origin-when-cross-origin", r.Header.Get("Referrer-Policy"), path)
		require.Contains(t, r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'", path)
		require.Contains(t, r.Header.Get("Content-Security-Policy"), "default-src 'self'", path)
		require.Empty(t, r.Header.Get("Strict-Transport-Security"), "%s: no HSTS over plain HTTP", path)
	}
	require.Equal(t, "no-store", srv.get("/api/v1/products").Header.Get("Cache-Control"), "tenant data is not cached on the way")
	big := `{"name":"` + strings.Repeat("x", api.MaxJSONBody) + `"}`
	requireError(t, srv.send("POST", "/api/v1/auth/login", big, "Authorization", ""), http.StatusRequestEntityTooLarge, "payload_too_large")
}

// TestConsentOverHTTP: a manager grants staff the right to change prices;
// the staff member sees and reprices the co-op's products, and nothing
// else of it; the manager reads it all in the audit log and revokes.
func TestConsentOverHTTP(t *testing.T) {
	st := storetest.Open(t, store.Postgres)
	f := storetest.NewFixture(t, st, "CO")
	p := f.Product("CHE-CO", 31, 1)
	require.NoError(t, st.CreateProduct(storetest.Operator(), &p))
	addPerson(t, st, catalog.User{Username: "manager.co", Name: "Quản lý", Role: catalog.RoleCoopManager, CoopID: f.Coop.ID})
	staff := addPerson(t, st, catalog.User{Username: "staff.co", Name: "Cán bộ", Role: catalog.RoleAllianceStaff, AllianceID: f.Alliance.ID})
	srv := newServer(t, st, nil)
	manager, officer := srv.signIn("manager.co", testPassword), srv.signIn("staff.co", testPassword)

	requireError(t, officer.do("GET", "/api/v1/products/"+itoa(p.ID), nil), http.StatusNotFound, catalog.CodeNotFound)
	r := manager.do("POST", "/api/v1/grants", map[string]any{"coop_id": f.Coop.ID, "staff_user_id": staff.ID,
		"rights": []string{"change_prices"}, "expires_at": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)})
	requireSchema(t, "Grant", r.Body)
	grant := decode[catalog.Grant](t, r, http.StatusCreated)
	requireError(t, officer.do("POST", "/api/v1/grants", map[string]any{"coop_id": f.Coop.ID, "staff_user_id": staff.ID,
		"rights": []string{"list_products"}, "expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}), http.StatusForbidden, catalog.CodePermissionDenied)

	me := officer.do("GET", "/api/v1/auth/me", nil)
	require.Contains(t, string(me.Body), `"rights":["change_prices"]`)
	got := decode[catalog.Product](t, officer.do("GET", "/api/v1/products/"+itoa(p.ID), nil), http.StatusOK)
	got.Variants[0].Price = 88000
	r = officer.do("PUT", "/api/v1/products/"+itoa(p.ID), got)
	require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
	got = decode[catalog.Product](t, r, http.StatusOK)
	got.Name.VI = "Tên khác"
	requireError(t, officer.do("PUT", "/api/v1/products/"+itoa(p.ID), got), http.StatusForbidden, catalog.CodePermissionDenied)
	requireError(t, officer.do("GET", "/api/v1/variants/"+itoa(p.Variants[0].ID)+"/stock", nil), http.StatusForbidden, catalog.CodePermissionDenied)
	requireError(t, officer.do("GET", "/api/v1/warehouses/"+itoa(f.Warehouse.ID), nil), http.StatusNotFound, catalog.CodeNotFound)

	r = manager.do("GET", "/api/v1/coops/"+itoa(f.Coop.ID)+"/audit", nil)
	requireSchema(t, "AuditLog", r.Body)
	log := decode[list[catalog.AuditEntry]](t, r, http.StatusOK)
	require.Equal(t, []string{"product.changed", "product.read", "grant.created", "user.created"}, actions(log.Items))
	require.Equal(t, "staff.co", log.Items[0].Actor)
	require.Equal(t, "CHE-CO: CHE-CO-0 95000 → 88000", log.Items[0].Detail)

	revoked := decode[catalog.Grant](t, manager.do("DELETE", "/api/v1/grants/"+itoa(grant.ID), nil), http.StatusOK)
	require.NotNil(t, revoked.RevokedAt)
	requireError(t, officer.do("GET", "/api/v1/products/"+itoa(p.ID), nil), http.StatusNotFound, catalog.CodeNotFound)
}

func actions(entries []catalog.AuditEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Action
	}
	return out
}

// TestCallbackCannotConnectAnotherCoop: the OAuth state names the co-op
// and is signed, but the callback runs as whoever is signed in, and the
// store refuses a co-op outside that person's scope. B's state replayed by
// A's manager (or planted in A's browser) connects nothing.
func TestCallbackCannotConnectAnotherCoop(t *testing.T) {
	st := keyedStore(t, store.SQLite)
	A, B := storetest.NewFixture(t, st, "CBA"), storetest.NewFixture(t, st, "CBB")
	addPerson(t, st, catalog.User{Username: "manager.cba", Name: "A", Role: catalog.RoleCoopManager, CoopID: A.Coop.ID})
	addPerson(t, st, catalog.User{Username: "manager.cbb", Name: "B", Role: catalog.RoleCoopManager, CoopID: B.Coop.ID})
	sb, err := lazadasb.Start("127.0.0.1:0", lazadasb.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sb.Close() })
	seller := sb.Engine.CreateShop("HTX B", "VN")
	srv := newSyncServer(t, st, &api.SyncDeps{Store: st, Tasks: &fakeTasks{}, StateKey: []byte("state key"),
		Drivers: map[catalog.Platform]func(catalog.Shop) driver.Driver{
			catalog.PlatformLazada: func(s catalog.Shop) driver.Driver {
				return lazada.New(lazada.Config{BaseURL: sb.URL + "/rest", AuthURL: sb.URL, AppKey: lazadasb.DefaultApp.Key,
					AppSecret: lazadasb.DefaultApp.Secret, ShopID: s.ExternalID}, nil)
			}}})
	a, b := srv.signIn("manager.cba", testPassword), srv.signIn("manager.cbb", testPassword)

	r := b.do("GET", "/api/v1/shops/connect/lazada?coop_id="+itoa(B.Coop.ID), nil)
	require.Equal(t, http.StatusFound, r.Status, "body: %s", r.Body)
	requireError(t, a.do("GET", "/api/v1/shops/connect/lazada?coop_id="+itoa(B.Coop.ID), nil), http.StatusBadRequest, catalog.CodeInvalidArgument)
	req, err := http.NewRequest(http.MethodPost, r.Header.Get("Location"),
		strings.NewReader(url.Values{"shop_id": {strconv.FormatInt(seller.ID, 10)}, "approve": {"1"}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	callback, err := url.Parse(srv.fetch(req).Header.Get("Location"))
	require.NoError(t, err)

	fields := requireError(t, a.do("GET", callback.RequestURI(), nil), http.StatusBadRequest, catalog.CodeInvalidArgument)
	require.Contains(t, fields, "coop_id")
	shops, _, err := st.ListShops(storetest.Operator(), catalog.ListQuery{})
	require.NoError(t, err)
	require.Empty(t, shops, "nothing connected, to A or to B")
	requireError(t, srv.do("GET", callback.RequestURI(), nil, "Authorization", ""), http.StatusUnauthorized, catalog.CodeUnauthenticated)
}

// TestWebhookNamesItsShop: a push is signed with the platform's app
// secret, which no co-op holds, and names its shop by the platform's id;
// the hub resolves it on (platform, id) only, and what it queues is to
// fetch that order with that shop's own token. The real attack in this
// design is a push for one platform naming an id that is another
// platform's shop (ids are only unique per platform), or one signed with
// another platform's secret: neither reaches another co-op's shop.
func TestWebhookNamesItsShop(t *testing.T) {
	st := keyedStore(t, store.SQLite)
	A, B := storetest.NewFixture(t, st, "WHA"), storetest.NewFixture(t, st, "WHB")
	op := storetest.Operator()
	shopA := catalog.Shop{CoopID: A.Coop.ID, Platform: catalog.PlatformShopee, ExternalID: "5005", Name: "Shopee 5005"}
	require.NoError(t, st.ConnectShop(op, &shopA, []byte(`{}`), time.Now().Add(time.Hour), time.Time{}, time.Time{}))
	shopB := connectedShop(t, st, B.Coop.ID, "5005") // Lazada, same id
	const lzKey, lzSecret, spKey = "100200", "lazada app secret", "shopee partner key"
	tasks := &fakeTasks{}
	srv := newSyncServer(t, st, &api.SyncDeps{Store: st, Tasks: tasks, Drivers: map[catalog.Platform]func(catalog.Shop) driver.Driver{
		catalog.PlatformLazada: func(catalog.Shop) driver.Driver {
			return lazada.New(lazada.Config{AppKey: lzKey, AppSecret: lzSecret}, nil)
		},
		catalog.PlatformShopee: func(catalog.Shop) driver.Driver {
			return shopee.New(shopee.Config{PartnerID: 1, PartnerKey: spKey}, nil)
		},
	}})
	mac := func(key string, parts ...string) string {
		m := hmac.New(sha256.New, []byte(key))
		for _, p := range parts {
			m.Write([]byte(p))
		}
		return hex.EncodeToString(m.Sum(nil))
	}
	post := func(platform, body, signature string) response {
		return srv.do("POST", "/webhooks/"+platform, strings.NewReader(body), "Authorization", signature, "Content-Type", "application/json")
	}
	queuedFor := func() []int64 {
		var shops []int64
		for _, task := range tasks.take() {
			var p worker.OrderIngest
			require.NoError(t, json.Unmarshal(task.Payload(), &p))
			shops = append(shops, p.ShopID)
		}
		return shops
	}
	sent := strconv.FormatInt(time.Now().Unix(), 10) // inside the platforms' windows
	lazadaPush := func(seller, order string) string {
		return `{"seller_id":"` + seller + `","message_type":0,"data":{"order_status":"pending","status_update_time":` + sent +
			`,"trade_order_id":"` + order + `"},"timestamp":` + sent + `000}`
	}

	// Lazada names seller 5005: that is B's Lazada shop, never A's Shopee
	// shop of the same id, whatever order it names.
	body := lazadaPush("5005", "A-ORDER-1")
	require.Equal(t, http.StatusOK, post("lazada", body, mac(lzSecret, lzKey, body)).Status)
	require.Equal(t, []int64{shopB.ID}, queuedFor())
	// Signed with Shopee's key, or for another URL: refused, nothing kept.
	requireError(t, post("lazada", body, mac(spKey, lzKey, body)), http.StatusUnauthorized, catalog.CodeUnauthenticated)
	requireError(t, post("lazada", body, ""), http.StatusUnauthorized, catalog.CodeUnauthenticated)
	require.Empty(t, queuedFor())
	// Shopee signs its own callback URL: its push names A's shop.
	sp := `{"code":3,"shop_id":5005,"timestamp":` + sent + `,"data":{"ordersn":"SP-1","status":"READY_TO_SHIP","update_time":` + sent + `}}`
	require.Equal(t, http.StatusOK, post("shopee", sp, mac(spKey, srv.URL+"/webhooks/shopee", "|", sp)).Status)
	require.Equal(t, []int64{shopA.ID}, queuedFor())
	requireError(t, post("shopee", sp, mac(spKey, "https://evil.example/webhooks/shopee", "|", sp)), http.StatusUnauthorized, catalog.CodeUnauthenticated)
	// A shop connected nowhere here: acknowledged, dropped, not stored.
	body = lazadaPush("6006", "X-1")
	require.Equal(t, http.StatusOK, post("lazada", body, mac(lzSecret, lzKey, body)).Status)
	require.Empty(t, queuedFor())
	var inbox int64
	require.NoError(t, st.DB().Table("webhook_inbox").Count(&inbox).Error)
	require.Equal(t, int64(2), inbox, "the two accepted pushes only")
}

// TestSignInWithoutRedis: when the attempt counter cannot be reached,
// sign-in is refused (503) rather than left unlimited.
func TestSignInWithoutRedis(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	f := storetest.NewFixture(t, st, "NR")
	addPerson(t, st, catalog.User{Username: "manager.nr", Name: "Quản lý", Role: catalog.RoleCoopManager, CoopID: f.Coop.ID})
	down := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = down.Close() })
	a, err := api.NewAuth(api.AuthConfig{Accounts: st, Limiter: api.NewLoginLimiter(down, api.LoginLimits{})})
	require.NoError(t, err)
	srv := startServer(t, api.Deps{Store: st, Auth: a})
	r := srv.send("POST", "/api/v1/auth/login", map[string]string{"username": "manager.nr", "password": testPassword}, "Authorization", "")
	requireError(t, r, http.StatusServiceUnavailable, catalog.CodeUnavailable)
	require.Empty(t, r.Header.Values("Set-Cookie"))
}
