// Package zalo is the Zalo front of the marketplace sandbox: a fake Zalo
// server that speaks the OA OAuth v4 protocol (oauth.zaloapp.com) and the
// legacy "Zalo OA Store" API v2.0 (openapi.zalo.me) on one base URL, over
// the shared engine in package sandbox. A client written for the real Zalo
// APIs works against it once its two hosts point at the sandbox's URL.
//
// Where Zalo's behaviour is not pinned by a primary source the sandbox
// makes a documented choice; connectors/sandbox/README.md lists them
// all. The OA id of the Zalo world is the engine's shop id.
package zalo

import (
	"net/http"
	"time"

	"ocophub/connectors/sandbox"
)

// DefaultApp is the partner app every sandbox knows unless Options.Apps
// says otherwise: a numeric app id like Zalo's and a fixed test secret
// (sent by clients in the secret_key header).
var DefaultApp = sandbox.App{Key: "3106478529153827461", Secret: "SbxZaloAppSecret2026"}

// DefaultOASecretKey is the "OA Secret Key" of the webhook settings, which
// signs pushes. Zalo keeps it apart from the app secret, and so does the
// sandbox, so a client that confuses the two fails here as it would there.
const DefaultOASecretKey = "SbxZaloOASecretKey26"

// Lifetimes and push retries (see connectors/sandbox/README.md for the sources).
const (
	// CodeTTL is how long an authorization code may be exchanged.
	CodeTTL = 10 * time.Minute
	// AccessTTL is the access-token lifetime: 25 h per most guides (one
	// says 1 h: UNCONFIRMED). Change it at run time with POST
	// /_sandbox/lifetimes; clients must read expires_in.
	AccessTTL = 25 * time.Hour
	// RefreshTTL is the refresh-token lifetime: 3 months, single use.
	RefreshTTL = 90 * 24 * time.Hour
)

// PushSchedule is the delay before each retry of a failed push (our
// choice: Zalo publishes none): 4 retries over about 13 minutes.
var PushSchedule = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute}

// Options configure a Zalo sandbox. The zero value is a working sandbox.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Seed makes ids, tokens, faults and latency deterministic; 0 means 1.
	Seed uint64
	// Apps are the partner apps allowed to call; nil means DefaultApp only.
	// The first app's id is the app_id of every push.
	Apps []sandbox.App
	// PushTimeScale multiplies PushSchedule (tests use 0.001); 0 means 1.
	PushTimeScale float64
	// OASecretKey signs pushes; "" means DefaultOASecretKey.
	OASecretKey string
}

// NewEngine makes an engine with Zalo's lifetimes and push signing. It has
// no shops yet: create them with the control API or Engine.CreateShop.
func NewEngine(opts Options) *sandbox.Engine {
	apps := opts.Apps
	if len(apps) == 0 {
		apps = []sandbox.App{DefaultApp}
	}
	secret := opts.OASecretKey
	if secret == "" {
		secret = DefaultOASecretKey
	}
	e := sandbox.NewEngine(sandbox.Config{
		Platform: "zalo", Apps: apps, Now: opts.Now, Seed: opts.Seed,
		CodeTTL: CodeTTL, AccessTTL: AccessTTL, RefreshTTL: RefreshTTL, OldAccessGrace: 0,
		PushSchedule: PushSchedule, PushTimeScale: opts.PushTimeScale,
	})
	e.SetPushFormatter(pushFormatter(apps[0].Key, secret))
	return e
}

// Handler serves the Zalo protocol for e: the OAuth v4 endpoints and the
// Store API v2.0. The control API is not included (sandbox.Serve adds it).
// Make one handler per engine: the PKCE challenges of pending codes live in
// it.
func Handler(e *sandbox.Engine) http.Handler {
	f := &front{e: e, challenges: newChallengeStore()}
	f.routes = map[string]route{
		"/v4/oa/permission":   {"", f.authorize}, // GET shows the page, POST approves
		"/v4/oa/access_token": {http.MethodPost, f.accessToken},

		"/v2.0/oa/getoa": {http.MethodGet, f.api(f.getOA)},

		"/v2.0/store/upload/photo":             {http.MethodPost, f.api(f.uploadPhoto)},
		"/v2.0/store/product/create":           {http.MethodPost, f.api(f.createProduct)},
		"/v2.0/store/product/update":           {http.MethodPost, f.api(f.updateProduct)},
		"/v2.0/store/product/remove":           {http.MethodPost, f.api(f.removeProduct)},
		"/v2.0/store/product/getproduct":       {http.MethodGet, f.api(f.getProduct)},
		"/v2.0/store/product/getproductofoa":   {http.MethodGet, f.api(f.listProducts)},
		"/v2.0/store/product/search":           {http.MethodGet, f.api(f.searchProducts)},
		"/v2.0/store/category/getcategoryofoa": {http.MethodGet, f.api(f.listCategories)},

		"/v2.0/store/order/getorderofoa": {http.MethodGet, f.api(f.listOrders)},
		"/v2.0/store/order/getorder":     {http.MethodGet, f.api(f.getOrder)},
		"/v2.0/store/order/update":       {http.MethodPost, f.api(f.updateOrder)},
	}
	return f
}

// Start runs a Zalo sandbox on addr ("127.0.0.1:0" picks a free port) with
// the control API beside it, until Server.Close.
func Start(addr string, opts Options) (*sandbox.Server, error) {
	e := NewEngine(opts)
	srv, err := sandbox.Serve(addr, e, Handler(e))
	if err != nil {
		e.Close()
		return nil, err
	}
	return srv, nil
}

// front is the Zalo protocol over one engine.
type front struct {
	e          *sandbox.Engine
	challenges *challengeStore
	routes     map[string]route
}

// route is one endpoint; an empty method accepts GET and POST.
type route struct {
	method string
	serve  http.HandlerFunc
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, ok := f.routes[r.URL.Path]
	if !ok || (rt.method != "" && rt.method != r.Method) {
		writeUnknownAPI(w)
		return
	}
	rt.serve(w, r)
}
