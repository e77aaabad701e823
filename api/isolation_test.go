package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	"ocophub/connectors/driver"
	"ocophub/connectors/lazada"
)

// missingID names an object that exists nowhere: another tenant's object
// must be answered exactly like it.
const missingID int64 = 987654321

// tenantObjects are the ids of one tenant's objects, by the kind a route's
// :id names.
type tenantObjects struct {
	marker   string // in every code and name of the tenant: must never reach another tenant
	ids      map[string]int64
	coop     catalog.Coop
	alliance catalog.Alliance
	product  catalog.Product
}

func (o tenantObjects) id(kind string) int64 {
	if o.ids == nil {
		return missingID
	}
	id, ok := o.ids[kind]
	if !ok {
		panic("no object of kind " + kind)
	}
	return id
}

// missing is a tenant of objects that do not exist.
var missing = tenantObjects{marker: "QXM0"}

// world is two alliances: LA with co-ops A (manager, seller) and C, and
// staff and an admin; LB with co-op B and its people. A's staff member has
// A's consent (list_products, change_prices).
type world struct {
	st      *store.Store
	srv     *testServer
	A, B, C tenantObjects
	callers map[catalog.Role]*client
	stateB  string // an OAuth state B's manager got for co-op B
}

// newTenant makes a co-op with a warehouse, a product with stock, a
// connected shop with a listing and an order, a manager and a token; code
// and names carry marker.
func newTenant(t *testing.T, st *store.Store, alliance catalog.Alliance, marker, shopExt string, seed int) tenantObjects {
	t.Helper()
	op := storetest.Operator()
	o := tenantObjects{marker: marker, ids: map[string]int64{"alliance": alliance.ID}, alliance: alliance}
	o.coop = catalog.Coop{AllianceID: alliance.ID, Code: "HTX-" + marker, Name: "HTX " + marker, Province: "Thái Nguyên"}
	require.NoError(t, st.CreateCoop(op, &o.coop))
	w := catalog.Warehouse{CoopID: o.coop.ID, Code: "KHO-" + marker, Name: "Kho " + marker}
	require.NoError(t, st.CreateWarehouse(op, &w))
	f := storetest.Fixture{Alliance: alliance, Coop: o.coop, Warehouse: w}
	o.product = f.Product(marker+"-TEA", seed, 1)
	require.NoError(t, st.CreateProduct(op, &o.product))
	v := o.product.Variants[0]
	_, err := st.ChangeStock(op, catalog.StockChange{Op: catalog.OpAdjust, VariantID: v.ID, WarehouseID: w.ID,
		Quantity: 50, Reason: catalog.ReasonReceived, Actor: "test"})
	require.NoError(t, err)
	shop := connectedShop(t, st, o.coop.ID, shopExt)
	l, err := st.AddListing(op, shop.ID, v.ID)
	require.NoError(t, err)
	order, _, err := st.IngestOrder(op, store.OrderIn{ShopID: shop.ID, ExternalID: marker + "-ORDER", Status: catalog.OrderReadyToShip,
		Total: 95000, Lines: []catalog.OrderLine{{SellerSKU: string(v.SKU), Quantity: 1, Price: 95000}}})
	require.NoError(t, err)
	live, err := st.StartLive(op, catalog.LiveStart{ShopID: shop.ID, Title: "Live " + marker,
		Holds: []catalog.LiveHoldInput{{VariantID: v.ID, Quantity: 5}}})
	require.NoError(t, err)
	manager := catalog.User{Username: strings.ToLower(marker) + ".manager", Name: "Quản lý " + marker, Role: catalog.RoleCoopManager, CoopID: o.coop.ID}
	require.NoError(t, st.CreateUser(op, &manager, testPassword))
	tok := catalog.APIToken{Name: marker + " ERP", Role: catalog.RoleCoopManager, CoopID: o.coop.ID}
	_, err = st.CreateAPIToken(op, &tok)
	require.NoError(t, err)
	// A campaign of the alliance offered to this co-op only.
	camp := catalog.Campaign{AllianceID: alliance.ID, Name: "Khuyến mãi " + marker, Rules: catalog.CampaignRules{CoopIDs: []int64{o.coop.ID}},
		Discount: catalog.Discount{Kind: catalog.DiscountPercent, Value: 10}, Channels: []catalog.Platform{catalog.PlatformLazada},
		StartsAt: time.Now().Add(time.Hour), EndsAt: time.Now().Add(25 * time.Hour)}
	require.NoError(t, st.CreateCampaign(op, &camp))
	lot := catalog.Lot{VariantID: v.ID, WarehouseID: w.ID, Code: marker + "-LOT", ProducedOn: catalog.Today(time.Now()),
		ShelfLifeDays: 365, Quantity: 10, Notes: "Vườn " + marker}
	require.NoError(t, st.ReceiveLot(op, &lot))
	for k, id := range map[string]int64{"coop": o.coop.ID, "warehouse": w.ID, "product": o.product.ID, "variant": v.ID,
		"shop": shop.ID, "listing": l.ID, "order": order.ID, "user": manager.ID, "token": tok.ID, "campaign": camp.ID, "live": live.ID,
		"lot": lot.ID} {
		o.ids[k] = id
	}
	return o
}

// addStaff adds an alliance staff member and the co-op's consent to them.
func addStaff(t *testing.T, st *store.Store, o *tenantObjects, username string, rights ...catalog.Right) catalog.User {
	t.Helper()
	staff := catalog.User{Username: username, Name: "Cán bộ " + username, Role: catalog.RoleAllianceStaff, AllianceID: o.alliance.ID}
	require.NoError(t, st.CreateUser(storetest.Operator(), &staff, testPassword))
	g := catalog.Grant{CoopID: o.coop.ID, StaffUserID: staff.ID, Rights: rights, ExpiresAt: time.Now().Add(24 * time.Hour)}
	require.NoError(t, st.CreateGrant(catalog.WithScope(storetest.Operator(), catalog.CoopScope(o.coop.ID)), &g))
	o.ids["grant"] = g.ID
	return staff
}

const testPassword = "mat-khau-thu-nghiem-2026"

func newWorld(t *testing.T, st *store.Store) *world {
	t.Helper()
	op := storetest.Operator()
	la := catalog.Alliance{Code: "LM-AA", Name: "Liên minh AA", Province: "Thái Nguyên"}
	lb := catalog.Alliance{Code: "LM-QXB9", Name: "Liên minh QXB9", Province: "Ninh Bình"}
	require.NoError(t, st.CreateAlliance(op, &la))
	require.NoError(t, st.CreateAlliance(op, &lb))
	w := &world{st: st}
	w.A = newTenant(t, st, la, "QXA1", "7001", 11)
	w.C = newTenant(t, st, la, "QXC7", "7003", 13)
	w.B = newTenant(t, st, lb, "QXB9", "7002", 12)
	staffA := addStaff(t, st, &w.A, "staff.la", catalog.RightListProducts, catalog.RightChangePrices)
	addStaff(t, st, &w.B, "qxb9.staff", catalog.RightListProducts)
	addStaff(t, st, &w.C, "staff2.la", catalog.RightListProducts) // C's consent is to someone else
	people := map[catalog.Role]catalog.User{catalog.RoleAllianceStaff: staffA}
	for _, u := range []catalog.User{
		{Username: "seller.a", Name: "Người bán A", Role: catalog.RoleCoopSeller, CoopID: w.A.coop.ID},
		{Username: "admin.la", Name: "Quản trị LA", Role: catalog.RoleAllianceAdmin, AllianceID: la.ID},
	} {
		require.NoError(t, st.CreateUser(op, &u, testPassword))
		people[u.Role] = u
	}
	people[catalog.RoleCoopManager] = catalog.User{Username: "qxa1.manager"}

	w.srv = newSyncServer(t, st, &api.SyncDeps{Store: st, Tasks: &fakeTasks{}, StateKey: []byte("state key"),
		Drivers: lazadaOnly("http://127.0.0.1:1")})
	w.callers = map[catalog.Role]*client{}
	for role, u := range people {
		w.callers[role] = w.srv.signIn(u.Username, testPassword)
	}
	mb := w.srv.signIn("qxb9.manager", testPassword)
	r := mb.do("GET", "/api/v1/shops/connect/lazada?coop_id="+itoa(w.B.coop.ID), nil)
	require.Equal(t, http.StatusFound, r.Status, "body: %s", r.Body)
	loc, err := url.Parse(r.Header.Get("Location"))
	require.NoError(t, err)
	w.stateB = loc.Query().Get("state")
	require.NotEmpty(t, w.stateB)
	return w
}

// client is a person signed in with a session cookie, as a browser is.
type client struct {
	srv    *testServer
	cookie string
	csrf   string
}

// signIn signs in over the API.
func (s *testServer) signIn(username, password string) *client {
	s.t.Helper()
	r := s.send("POST", "/api/v1/auth/login", map[string]string{"username": username, "password": password}, "Authorization", "")
	require.Equal(s.t, http.StatusOK, r.Status, "sign in %s: %s", username, r.Body)
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	require.NoError(s.t, json.Unmarshal(r.Body, &out))
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name == "ocophub_session" {
			return &client{srv: s, cookie: ck.Name + "=" + ck.Value, csrf: out.CSRFToken}
		}
	}
	s.t.Fatalf("no session cookie in %v", r.Header)
	return nil
}

// do sends a request with the session cookie, and the CSRF token on
// writes; body is JSON, or a string sent as CSV.
func (c *client) do(method, path string, body any) response {
	c.srv.t.Helper()
	h := []string{"Authorization", "", "Cookie", c.cookie}
	if method != "GET" {
		h = append(h, "X-CSRF-Token", c.csrf)
	}
	switch b := body.(type) {
	case nil:
		return c.srv.do(method, path, nil, h...)
	case string:
		return c.srv.do(method, path, strings.NewReader(b), append(h, "Content-Type", "text/csv")...)
	default:
		return c.srv.send(method, path, b, h...)
	}
}

// versionBody names version 1, as archive and restore want.
func versionBody(*world, tenantObjects) any { return map[string]int64{"version": 1} }

// routeRule classifies one route for the isolation and role tests. Every
// route of the router must have one: a new route fails both tests until
// someone decides whose data it serves and who may call it.
type routeRule struct {
	// notTenant says why the route serves no tenant's objects; the
	// isolation test skips it.
	notTenant string
	// kind of object named by :id; query is a list's filter naming the
	// tenant's co-op (or alliance); body builds a write naming the
	// tenant's objects.
	kind  string
	query func(o tenantObjects) string
	body  func(w *world, o tenantObjects) any
	// Who may call it: sellers and staff only where said; alliance
	// admins and managers unless denied.
	seller, staff              bool
	adminDenied, managerDenied bool
	echoesInput                bool // the answer repeats codes the request sent (import reports)
}

func coopQuery(o tenantObjects) string     { return "coop_id=" + itoa(o.id("coop")) }
func allianceQuery(o tenantObjects) string { return "alliance_id=" + itoa(o.id("alliance")) }

// exportQuery asks for the export as CSV, text the isolation test can read
// for another tenant's codes (the export takes no co-op filter: the scope is
// the filter).
func exportQuery(tenantObjects) string { return "format=csv" }

var routeRules = map[string]routeRule{
	"GET /healthz":                         {notTenant: "liveness probe: no data"},
	"GET /readyz":                          {notTenant: "readiness probe: names of dependencies only"},
	"GET /metrics":                         {notTenant: "Prometheus metrics: route templates and counts, no tenant data (keep it internal, docs/security.md)"},
	"POST /webhooks/:platform":             {notTenant: "marketplace pushes, signed with the app secret; TestWebhookNamesItsShop"},
	"GET /api/v1/openapi.json":             {notTenant: "the public API description"},
	"POST /api/v1/auth/login":              {notTenant: "signing in; TestSignIn"},
	"POST /api/v1/auth/logout":             {notTenant: "ends the caller's own session; TestSignIn"},
	"GET /api/v1/auth/me":                  {notTenant: "the caller itself; TestSignIn"},
	"PUT /api/v1/auth/password":            {notTenant: "the caller's own password; TestSignIn"},
	"GET /api/v1/shops/callback/:platform": {notTenant: "the marketplace's redirect with a signed state; TestCallbackCannotConnectAnotherCoop"},
	"POST /api/v1/alliances":               {notTenant: "creates a tenant, names none: the operator's", adminDenied: true, managerDenied: true},

	"GET /api/v1/alliances":             {query: func(tenantObjects) string { return "" }, seller: true, staff: true},
	"GET /api/v1/alliances/:id":         {kind: "alliance", seller: true, staff: true},
	"PUT /api/v1/alliances/:id":         {kind: "alliance", body: allianceBody, managerDenied: true},
	"DELETE /api/v1/alliances/:id":      {kind: "alliance", adminDenied: true, managerDenied: true},
	"GET /api/v1/coops":                 {query: allianceQuery, seller: true, staff: true},
	"POST /api/v1/coops":                {body: coopBody, managerDenied: true},
	"GET /api/v1/coops/:id":             {kind: "coop", seller: true, staff: true},
	"PUT /api/v1/coops/:id":             {kind: "coop", body: coopBody},
	"DELETE /api/v1/coops/:id":          {kind: "coop", managerDenied: true},
	"GET /api/v1/coops/:id/audit":       {kind: "coop"},
	"GET /api/v1/warehouses":            {query: coopQuery, seller: true, staff: true}, // staff get none: a grant opens products only
	"POST /api/v1/warehouses":           {body: warehouseBody},
	"GET /api/v1/warehouses/:id":        {kind: "warehouse", seller: true, staff: true},
	"PUT /api/v1/warehouses/:id":        {kind: "warehouse", body: warehouseBody},
	"DELETE /api/v1/warehouses/:id":     {kind: "warehouse"},
	"GET /api/v1/products":              {query: coopQuery, seller: true, staff: true},
	"POST /api/v1/products":             {body: newProductBody},
	"GET /api/v1/products/:id":          {kind: "product", seller: true, staff: true},
	"PUT /api/v1/products/:id":          {kind: "product", body: priceChangeBody, staff: true},
	"DELETE /api/v1/products/:id":       {kind: "product"},
	"POST /api/v1/products/:id/archive": {kind: "product", body: versionBody},
	"POST /api/v1/products/:id/restore": {kind: "product", body: versionBody},

	"GET /api/v1/variants/:id/stock":              {kind: "variant", seller: true, staff: true},
	"POST /api/v1/variants/:id/stock/adjustments": {kind: "variant", body: adjustmentBody},
	"GET /api/v1/variants/:id/movements":          {kind: "variant", seller: true, staff: true},
	"POST /api/v1/imports":                        {body: importBody, echoesInput: true},
	"GET /api/v1/products/export":                 {query: exportQuery, seller: true, staff: true},
	"POST /api/v1/lots":                           {body: lotBody},
	"GET /api/v1/lots":                            {query: variantQuery, seller: true, staff: true},
	"GET /api/v1/lots/:id/stamps.pdf":             {kind: "lot", seller: true, staff: true},
	"GET /api/v1/lots/:id/stamp.png":              {kind: "lot", seller: true, staff: true},
	"GET /api/v1/lots/:id/stamp.svg":              {kind: "lot", seller: true, staff: true},
	"GET /01/*path":                               {notTenant: "the public GS1 resolver: what the stamp prints (TestResolver)"},
	"HEAD /01/*path":                              {notTenant: "the public GS1 resolver (TestResolver)"},
	"OPTIONS /01/*path":                           {notTenant: "the public GS1 resolver's CORS (TestResolver)"},
	"GET /.well-known/gs1resolver":                {notTenant: "the resolver's description, no data"},

	"GET /api/v1/shops":                {query: coopQuery, seller: true},
	"GET /api/v1/shops/:id":            {kind: "shop", seller: true},
	"PUT /api/v1/shops/:id/stock-rule": {kind: "shop", body: func(*world, tenantObjects) any { return map[string]any{"buffer_units": 1, "version": 1} }},
	"GET /api/v1/shops/:id/price-rule": {kind: "shop", seller: true},
	"PUT /api/v1/shops/:id/price-rule": {kind: "shop", body: func(*world, tenantObjects) any {
		return map[string]any{"kind": "percent", "value": 10, "round_to": 1000, "version": 1}
	}},
	"GET /api/v1/products/:id/shop-prices": {kind: "product", seller: true},
	"GET /api/v1/shops/connect/:platform":  {query: coopQuery},
	"POST /api/v1/shops/:id/listings":      {kind: "shop", body: func(w *world, o tenantObjects) any { return map[string]any{"product_id": o.id("product")} }},
	"GET /api/v1/shops/:id/listings":       {kind: "shop", seller: true},
	"GET /api/v1/listings/:id":             {kind: "listing", seller: true},

	"GET /api/v1/shops/:id/categories":                         {kind: "shop", seller: true},
	"GET /api/v1/shops/:id/categories/:category_id/attributes": {kind: "shop", seller: true},
	"GET /api/v1/products/:id/categories":                      {kind: "product", seller: true, staff: true},
	"PUT /api/v1/products/:id/categories/:platform": {kind: "product", body: func(*world, tenantObjects) any {
		return map[string]any{"category_id": "10002019", "attributes": map[string]string{}}
	}},
	"PUT /api/v1/listings/:id/overrides": {kind: "listing", body: func(*world, tenantObjects) any {
		return map[string]any{"title": "Chè Tân Cương (Shopee)", "attributes": map[string]string{"100001": "Thái Nguyên"}, "version": 1}
	}},
	"POST /api/v1/listings/:id/push":   {kind: "listing", seller: true},
	"POST /api/v1/listings/:id/delist": {kind: "listing"},
	"GET /api/v1/listings/:id/pushes":  {kind: "listing", seller: true},
	"GET /api/v1/orders":               {query: coopQuery, seller: true},
	"GET /api/v1/orders/:id":           {kind: "order", seller: true},
	"GET /api/v1/orders/:id/events":    {kind: "order", seller: true},
	"POST /api/v1/orders/:id/ship":     {kind: "order", seller: true},

	// Campaigns are the alliance's: its staff and admin see and make them;
	// a co-op sees those offered to it and puts its SKUs in.
	"GET /api/v1/campaigns":                {query: allianceQuery, staff: true},
	"POST /api/v1/campaigns":               {body: campaignBody, staff: true, managerDenied: true},
	"POST /api/v1/campaigns/preview":       {body: campaignBody, staff: true, managerDenied: true},
	"GET /api/v1/campaigns/:id":            {kind: "campaign", staff: true},
	"POST /api/v1/campaigns/:id/cancel":    {kind: "campaign", staff: true, managerDenied: true},
	"GET /api/v1/campaigns/:id/offers":     {kind: "campaign", staff: true},
	"GET /api/v1/campaigns/:id/items":      {kind: "campaign", staff: true},
	"GET /api/v1/campaigns/:id/listings":   {kind: "campaign", staff: true},
	"GET /api/v1/campaigns/:id/report":     {kind: "campaign", staff: true},
	"GET /api/v1/campaigns/:id/report.csv": {kind: "campaign", staff: true},
	// Staff may put a co-op's SKUs in only with its join_campaigns right,
	// which A's staff here lack (403): TestCampaignOptInNeedsConsent.
	"PUT /api/v1/campaigns/:id/items": {kind: "campaign", body: campaignItemsBody, adminDenied: true},
	"GET /api/v1/live-sessions":       {query: coopQuery, seller: true},
	"POST /api/v1/live-sessions": {seller: true, body: func(_ *world, o tenantObjects) any {
		return map[string]any{"shop_id": o.id("shop"), "title": "Live mới", "holds": []map[string]any{{"variant_id": o.id("variant"), "quantity": 1}}}
	}},
	"GET /api/v1/live-sessions/:id": {kind: "live", seller: true},
	"POST /api/v1/live-sessions/:id/holds": {kind: "live", seller: true, body: func(_ *world, o tenantObjects) any {
		return map[string]any{"variant_id": o.id("variant"), "delta": 1}
	}},
	"POST /api/v1/live-sessions/:id/end":   {kind: "live", seller: true},
	"GET /api/v1/live-sessions/:id/report": {kind: "live", seller: true},

	"GET /api/v1/users":     {query: coopQuery},
	"POST /api/v1/users":    {body: userBody},
	"GET /api/v1/users/:id": {kind: "user"},
	"PUT /api/v1/users/:id": {kind: "user", body: func(*world, tenantObjects) any {
		return map[string]any{"name": "Đổi tên", "role": "coop_manager", "version": 1}
	}},
	"GET /api/v1/tokens": {query: coopQuery},
	"POST /api/v1/tokens": {body: func(_ *world, o tenantObjects) any {
		return map[string]any{"name": "x", "role": "coop_seller", "coop_id": o.id("coop")}
	}},
	"GET /api/v1/tokens/:id":    {kind: "token"},
	"DELETE /api/v1/tokens/:id": {kind: "token"},
	"GET /api/v1/grants":        {query: coopQuery, staff: true},
	"POST /api/v1/grants":       {body: grantBody, adminDenied: true},
	"GET /api/v1/grants/:id":    {kind: "grant", staff: true},
	"DELETE /api/v1/grants/:id": {kind: "grant", adminDenied: true},
}

// campaignBody is a campaign naming the tenant's co-op in its rules.
func campaignBody(_ *world, o tenantObjects) any {
	return map[string]any{"name": "Tuần lễ OCOP", "rules": map[string]any{"coop_ids": []int64{o.id("coop")}},
		"discount": map[string]any{"kind": "percent", "value": 10}, "channels": []string{"lazada"},
		"starts_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "ends_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}
}

// campaignItemsBody puts the tenant's SKU in for its co-op.
func campaignItemsBody(_ *world, o tenantObjects) any {
	return map[string]any{"coop_id": o.id("coop"), "items": []map[string]any{{"variant_id": o.id("variant"), "reserved_qty": 1}}}
}

func allianceBody(_ *world, o tenantObjects) any {
	return map[string]any{"code": o.alliance.Code, "name": o.alliance.Name + " mới", "province": o.alliance.Province, "version": 1}
}

func coopBody(_ *world, o tenantObjects) any {
	allianceID := o.id("alliance")
	return map[string]any{"alliance_id": allianceID, "code": "HTX-NEW-" + itoa(allianceID%1000), "name": "HTX mới", "province": "Thái Nguyên", "version": 1}
}

func warehouseBody(_ *world, o tenantObjects) any {
	return map[string]any{"coop_id": o.id("coop"), "code": "KHO-NEW", "name": "Kho mới", "version": 1}
}

func newProductBody(_ *world, o tenantObjects) any {
	return productBody(o.id("coop"), "NEW-TEA", "8936000009038")
}

// priceChangeBody is the tenant's product with its price changed (for a
// missing product, A's product shape).
func priceChangeBody(w *world, o tenantObjects) any {
	p := o.product
	if o.ids == nil {
		p = w.A.product
	}
	p.Variants = append([]catalog.Variant(nil), p.Variants...)
	p.Variants[0].Price += 1000
	return p
}

// lotCodes numbers the lots the route tests receive: a code is unique per variant.
var lotCodes atomic.Int64

func lotBody(_ *world, o tenantObjects) any {
	return map[string]any{"variant_id": o.id("variant"), "warehouse_id": o.id("warehouse"), "code": fmt.Sprintf("L%d", lotCodes.Add(1)),
		"produced_on": catalog.Today(time.Now()).String(), "shelf_life_days": 30, "quantity": 1}
}

func variantQuery(o tenantObjects) string { return "variant_id=" + itoa(o.id("variant")) }

func adjustmentBody(w *world, o tenantObjects) any {
	return map[string]any{"warehouse_id": w.A.id("warehouse"), "delta": 1, "reason": "received"}
}

func userBody(_ *world, o tenantObjects) any {
	return map[string]any{"username": "new.seller", "name": "Người bán mới", "role": "coop_seller", "coop_id": o.id("coop"), "password": testPassword}
}

func grantBody(w *world, o tenantObjects) any {
	return map[string]any{"coop_id": o.id("coop"), "staff_user_id": w.B.id("user"), "rights": []string{"list_products"},
		"expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}
}

// importBody is a one-row catalog naming the tenant's alliance and co-op
// codes (made-up codes for the missing tenant).
func importBody(_ *world, o tenantObjects) any {
	alliance, coop := "LM-"+o.marker, "HTX-"+o.marker
	return "alliance_code,alliance_name,province,coop_code,coop_name,commune,product_code,product_name_vi,ocop_group,ocop_stars,ocop_certified_year,sku,variant_name_vi,gtin13,net_weight_g,price_vnd,stock\n" +
		alliance + ",Liên minh,Thái Nguyên," + coop + ",HTX,Xã,IMP-1,Chè,Đồ uống,4,2023,IMP-1-100G,Hộp,,100,95000,5\n"
}

// request builds the route's request naming tenant o's objects.
func (rule routeRule) request(w *world, route string, o tenantObjects) (method, path string, body any) {
	method, path, _ = strings.Cut(route, " ")
	path = strings.ReplaceAll(path, ":platform", "lazada")
	if rule.kind != "" {
		path = strings.ReplaceAll(path, ":id", itoa(o.id(rule.kind)))
	}
	switch {
	case rule.query != nil:
		if q := rule.query(o); q != "" {
			path += "?" + q
		}
	case method == "DELETE" && (rule.kind == "product" || rule.kind == "warehouse" || rule.kind == "coop" || rule.kind == "alliance"):
		path += "?version=1"
	}
	if rule.body != nil {
		body = rule.body(w, o)
	}
	return method, path, body
}

// routesOf lists the router's routes as "METHOD /template".
func routesOf(t *testing.T, st *store.Store) []string {
	t.Helper()
	router, err := api.New(api.Deps{Store: st, Sync: &api.SyncDeps{Store: st, Tasks: &fakeTasks{}}, Auth: testAuth(t, st, api.LoginLimits{})})
	require.NoError(t, err)
	var out []string
	for _, r := range router.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	sort.Strings(out)
	return out
}

// TestEveryRouteIsClassified: the route tables of these tests and of the
// API's policy cover exactly the router's routes.
func TestEveryRouteIsClassified(t *testing.T) {
	routes := routesOf(t, storetest.Open(t, store.SQLite))
	require.Len(t, routeRules, len(routes))
	for _, route := range routes {
		_, ok := routeRules[route]
		require.True(t, ok, "route %s is not classified in routeRules (api/isolation_test.go): whose objects does it serve, and who may call it?", route)
		if strings.HasPrefix(route, "GET /api/v1/") || strings.Contains(route, " /api/v1/") {
			_, ok := api.PolicyOf(route)
			require.True(t, ok, "route %s has no access policy (api/policy.go)", route)
		}
	}
}

// ids and markers of tenants, replaced in answers before comparing them.
var normalizeRE = regexp.MustCompile(`QX[A-Z][0-9]|\b[0-9]{1,9}\b`)

// TestTenantIsolationOnEveryRoute calls every route as each role of co-op
// A and alliance LA, naming the objects of co-op B (another alliance) and
// of co-op C (A's sibling in LA): the answer is exactly the answer for an
// object that does not exist (404 for a path id), never B's or C's data,
// and nothing of theirs changes.
func TestTenantIsolationOnEveryRoute(t *testing.T) {
	eachKeyed(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		routes := routesOf(t, st)
		before := map[string]string{}
		for _, o := range []tenantObjects{w.B, w.C} {
			before[o.marker] = fingerprint(t, st, o)
		}
		type target struct {
			o       tenantObjects
			callers []catalog.Role
		}
		targets := []target{
			{w.B, []catalog.Role{catalog.RoleCoopManager, catalog.RoleCoopSeller, catalog.RoleAllianceStaff, catalog.RoleAllianceAdmin}},
			// The alliance admin of LA does see C: C is its co-op.
			{w.C, []catalog.Role{catalog.RoleCoopManager, catalog.RoleCoopSeller, catalog.RoleAllianceStaff}},
		}
		checked := 0
		for _, route := range routes {
			rule := routeRules[route]
			if rule.notTenant != "" {
				continue
			}
			for _, tg := range targets {
				for _, role := range tg.callers {
					if sharedWithA(w, route, rule, role, tg.o) {
						continue
					}
					c := w.callers[role]
					m, p, b := rule.request(w, route, tg.o)
					other := c.do(m, p, b)
					mm, mp, mb := rule.request(w, route, missing)
					none := c.do(mm, mp, mb)
					what := fmt.Sprintf("%s as %s naming %s's objects", route, role, tg.o.marker)
					require.Less(t, other.Status, 500, "%s: %s", what, other.Body)
					if !rule.echoesInput {
						require.NotContains(t, string(other.Body), tg.o.marker, "%s leaks the other tenant's data", what)
					}
					require.Equal(t, none.Status, other.Status, "%s: not answered like a missing object:\n%s\n%s", what, other.Body, none.Body)
					require.Equal(t, normalizeRE.ReplaceAllString(string(none.Body), "#"), normalizeRE.ReplaceAllString(string(other.Body), "#"), what)
					checked++
					if m == "GET" && rule.kind == "" && !strings.Contains(route, ":") { // a list: empty, or not the role's
						require.Contains(t, []int{http.StatusOK, http.StatusForbidden}, other.Status, "%s: %s", what, other.Body)
						continue
					}
					require.GreaterOrEqual(t, other.Status, 400, "%s succeeded: %s", what, other.Body)
					if route == "POST /api/v1/imports" && role == catalog.RoleCoopManager {
						require.Contains(t, string(other.Body), "is not yours", what)
					}
					if rule.kind != "" && other.Status != http.StatusForbidden {
						require.Equal(t, http.StatusNotFound, other.Status, "%s: %s", what, other.Body)
					}
					if role == catalog.RoleCoopManager && rule.kind != "" && !rule.managerDenied {
						require.Equal(t, http.StatusNotFound, other.Status, "%s: a manager may do it in A, so only 404 is right: %s", what, other.Body)
					}
				}
			}
		}
		require.Greater(t, checked, 300)
		for _, o := range []tenantObjects{w.B, w.C} {
			require.Equal(t, before[o.marker], fingerprint(t, st, o), "nothing of %s changed", o.marker)
		}
	})
}

// sharedWithA reports a case that names what A's people share with their
// sibling C rather than C's own objects: the alliance LA (C's alliance is
// A's), and for staff of LA the alliance's directory of co-ops.
func sharedWithA(w *world, route string, rule routeRule, role catalog.Role, o tenantObjects) bool {
	if o.alliance.ID != w.A.alliance.ID {
		return false
	}
	switch {
	case rule.kind == "alliance", route == "POST /api/v1/coops", route == "GET /api/v1/coops", route == "GET /api/v1/alliances":
		return true
	case role == catalog.RoleAllianceStaff && route == "GET /api/v1/coops/:id":
		return true
	// LA's campaigns are its staff's whatever co-op they name (what staff
	// may do for C without its consent: TestCampaignOptInNeedsConsent),
	// and A's people list LA's campaigns offered to A.
	case role == catalog.RoleAllianceStaff && strings.Contains(route, " /api/v1/campaigns"), route == "GET /api/v1/campaigns":
		return true
	}
	return false
}

// lazadaOnly are app-level drivers of a Lazada that is never called: the
// routes only build its authorization URL.
func lazadaOnly(base string) map[catalog.Platform]func(catalog.Shop) driver.Driver {
	return map[catalog.Platform]func(catalog.Shop) driver.Driver{
		catalog.PlatformLazada: func(s catalog.Shop) driver.Driver {
			return lazada.New(lazada.Config{BaseURL: base + "/rest", AuthURL: base, AppKey: "100", AppSecret: "app secret", ShopID: s.ExternalID}, nil)
		},
	}
}

// fingerprint is every row of a tenant's co-op and alliance, to check
// nothing was changed through another tenant.
func fingerprint(t *testing.T, st *store.Store, o tenantObjects) string {
	t.Helper()
	var b strings.Builder
	coopID := o.id("coop")
	for _, table := range []string{"warehouses", "products", "variants", "stock_levels", "stock_movements", "shops", "listings",
		"orders", "users", "api_tokens", "consent_grants", "audit_log", "campaign_items", "campaign_listings"} {
		var rows []map[string]any
		col := "coop_id"
		require.NoError(t, st.DB().Table(table).Where(col+" = ?", coopID).Order("1").Find(&rows).Error)
		fmt.Fprintf(&b, "%s %v\n", table, rows)
	}
	for _, q := range []struct{ table, col string }{{"coops", "id"}, {"alliances", "id"}} {
		var rows []map[string]any
		id := coopID
		if q.table == "alliances" {
			id = o.id("alliance")
		}
		require.NoError(t, st.DB().Table(q.table).Where(q.col+" = ?", id).Find(&rows).Error)
		fmt.Fprintf(&b, "%s %v\n", q.table, rows)
	}
	var grants []map[string]any
	require.NoError(t, st.DB().Table("consent_grants").Where("staff_user_id IN (SELECT id FROM users WHERE alliance_id = ?)", o.id("alliance")).Find(&grants).Error)
	fmt.Fprintf(&b, "staff grants %v\n", grants)
	return b.String()
}

// TestRolesOnEveryRoute calls every route on co-op A's own objects as each
// role: a role the route is not for gets 403 permission_denied (a seller
// cannot reach a manager's routes), a role it is for gets past the check;
// nobody signed in gets 401 on every route but the public ones.
func TestRolesOnEveryRoute(t *testing.T) {
	eachKeyed(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		routes := routesOf(t, st)
		may := func(rule routeRule, role catalog.Role) bool {
			switch role {
			case catalog.RoleCoopSeller:
				return rule.seller
			case catalog.RoleAllianceStaff:
				return rule.staff
			case catalog.RoleAllianceAdmin:
				return !rule.adminDenied
			}
			return !rule.managerDenied
		}
		// Destructive routes last, so earlier calls find A intact; the
		// manager after the others, as it revokes A's consent.
		sort.SliceStable(routes, func(i, j int) bool {
			return !strings.HasPrefix(routes[i], "DELETE") && strings.HasPrefix(routes[j], "DELETE")
		})
		for _, role := range []catalog.Role{catalog.RoleCoopSeller, catalog.RoleAllianceStaff, catalog.RoleAllianceAdmin, catalog.RoleCoopManager} {
			c := w.callers[role]
			for _, route := range routes {
				rule := routeRules[route]
				if rule.notTenant != "" && rule.kind == "" && route != "POST /api/v1/alliances" {
					continue
				}
				m, p, b := rule.request(w, route, w.A)
				if route == "POST /api/v1/alliances" {
					b = map[string]any{"code": "LM-NEW", "name": "Liên minh mới", "province": "Huế"}
				}
				r := c.do(m, p, b)
				what := fmt.Sprintf("%s as %s on A's objects", route, role)
				if may(rule, role) {
					require.NotEqual(t, http.StatusUnauthorized, r.Status, "%s: %s", what, r.Body)
					require.NotEqual(t, http.StatusForbidden, r.Status, "%s is the role's to call: %s", what, r.Body)
					require.Less(t, r.Status, 500, "%s: %s", what, r.Body)
					continue
				}
				require.Equal(t, http.StatusForbidden, r.Status, "%s is not the role's to call: %s", what, r.Body)
				requireError(t, r, http.StatusForbidden, catalog.CodePermissionDenied)
			}
		}

		// Nobody signed in, or with a bad credential: 401 everywhere but
		// the public routes and those outside /api/v1 (probes; webhooks
		// have their own signatures).
		for _, route := range routes {
			m, p, _ := strings.Cut(route, " ")
			p = strings.NewReplacer(":id", "1", ":platform", "lazada").Replace(p)
			if !strings.HasPrefix(p, "/api/v1/") || route == "GET /api/v1/openapi.json" || route == "POST /api/v1/auth/login" {
				continue
			}
			for _, h := range []string{"", "Bearer ocp_forged", "Basic b3BlcmF0b3I6cHc=", "Bearer " + w.callers[catalog.RoleCoopManager].csrf} {
				requireError(t, w.srv.do(m, p, nil, "Authorization", h), http.StatusUnauthorized, catalog.CodeUnauthenticated)
			}
		}
	})
}
