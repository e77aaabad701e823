// Package lazada is the Lazada Open Platform (LazOP) front of the
// marketplace sandbox: the API paths under /rest/, the HMAC-SHA256
// signature over every request parameter, the {code, type, message,
// request_id, data} envelope with its string codes, OAuth with rotating
// single-use refresh tokens, Lazada's per-unit order items, pack and
// ready-to-ship, and signed order pushes. A client written for the real
// platform works against it unchanged once both of Lazada's bases
// (https://api.lazada.vn/rest and https://auth.lazada.com/rest) point at
// <sandbox>/rest and the authorization page at <sandbox>/oauth/authorize.
//
// The state lives in the platform-neutral sandbox.Engine; this package only
// translates. Where the public documentation leaves a behaviour open, the
// choice made here is listed in connectors/sandbox/README.md.
package lazada

import (
	"net/http"
	"time"

	"ocophub/connectors/sandbox"
)

// DefaultApp is the test app every sandbox accepts unless Options names
// others: a six-digit app_key like Lazada's and a fixed 32-character
// app_secret.
var DefaultApp = sandbox.App{Key: "100001", Secret: "lazadaSandboxTestSecret000000001"}

// Lazada's lifetimes for an app in "Test" status (seller authorization
// guide, docId 108260; another page says 14 days of refresh: clients must
// read refresh_expires_in).
const (
	CodeTTL    = 30 * time.Minute
	AccessTTL  = 7 * 24 * time.Hour
	RefreshTTL = 30 * 24 * time.Hour
)

// PushSchedule is Lazada's retry rule for pushes not acknowledged with a
// 200: every 30 minutes, at most 12 times. After the last retry the push is
// a lost push (sandbox.Engine.LostPushes).
var PushSchedule = func() []time.Duration {
	s := make([]time.Duration, 12)
	for i := range s {
		s[i] = 30 * time.Minute
	}
	return s
}()

// Options configure a Lazada sandbox. The zero value is a real-time
// sandbox with DefaultApp.
type Options struct {
	// Now is the clock; nil means time.Now. Token expiry, the timestamp
	// window and throttling all follow it.
	Now func() time.Time
	// Seed makes ids, tokens and injected faults deterministic; 0 means 1.
	Seed uint64
	// Apps are the apps (Key = app_key, Secret = app_secret); empty means
	// DefaultApp only. The first one signs pushes.
	Apps []sandbox.App
	// PushTimeScale multiplies PushSchedule (tests use 0.001); 0 means 1.
	PushTimeScale float64
}

// NewEngine makes an engine with Lazada's test-app lifetimes (no grace for
// the old access token after a refresh) and push schedule, with the push
// formatter installed.
func NewEngine(opts Options) *sandbox.Engine {
	apps := opts.Apps
	if len(apps) == 0 {
		apps = []sandbox.App{DefaultApp}
	}
	e := sandbox.NewEngine(sandbox.Config{
		Platform: "lazada", Apps: apps, Now: opts.Now, Seed: opts.Seed,
		CodeTTL: CodeTTL, AccessTTL: AccessTTL, RefreshTTL: RefreshTTL, OldAccessGrace: 0,
		PushSchedule: PushSchedule, PushTimeScale: opts.PushTimeScale,
	})
	e.SetPushFormatter(newFront(e).formatPush)
	return e
}

// Handler is the Lazada front over e: the API under /rest/ (seller APIs
// and the auth APIs alike) and the authorization page /oauth/authorize. It
// installs its own push formatter, so an engine made with sandbox.NewEngine
// works as well. Packing state lives in the front: build one Handler per
// engine.
func Handler(e *sandbox.Engine) http.Handler {
	f := newFront(e)
	e.SetPushFormatter(f.formatPush)
	return f
}

// Start runs a Lazada sandbox with its control API on addr ("127.0.0.1:0"
// picks a free port).
func Start(addr string, opts Options) (*sandbox.Server, error) {
	e := NewEngine(opts)
	srv, err := sandbox.Serve(addr, e, Handler(e))
	if err != nil {
		e.Close()
		return nil, err
	}
	return srv, nil
}
