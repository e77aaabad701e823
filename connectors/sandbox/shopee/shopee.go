// Package shopee is the Shopee Open Platform v2 front of the marketplace
// sandbox: the paths under /api/v2/, the HMAC-SHA256 query signature, the
// {error, message, warning, request_id, response} envelope, Shopee's error
// codes, OAuth with rotating single-use refresh tokens, signed pushes and
// the lost-push API. A client written for the real platform works against
// it unchanged once its base URL points at the sandbox.
//
// The state lives in the platform-neutral sandbox.Engine; this package only
// translates. Where the public documentation leaves a behaviour open, the
// choice made here is listed in connectors/sandbox/README.md.
package shopee

import (
	"net/http"
	"time"

	"ocophub/connectors/sandbox"
)

// DefaultApp is the test partner app every sandbox accepts unless Options
// names others: the partner_id of Shopee's documentation examples with a
// fixed 64-hex-digit sandbox partner_key (used as raw bytes, like a real
// one, never hex-decoded).
var DefaultApp = sandbox.App{Key: "2001887", Secret: "04a5424b3185343f61dc99464d6a65523770002d538145d7a6a0d3d596b2f605"}

// Shopee's token lifetimes ([SPG-20]).
const (
	CodeTTL        = 10 * time.Minute
	AccessTTL      = 4 * time.Hour
	RefreshTTL     = 30 * 24 * time.Hour
	OldAccessGrace = 5 * time.Minute
)

// PushSchedule is the delays between push attempts after a failed first
// one. Shopee does not publish its retry rules, so this is the sandbox's
// choice; after the last retry the push becomes a lost push.
var PushSchedule = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}

// Options configure a Shopee sandbox. The zero value is a real-time
// sandbox with DefaultApp.
type Options struct {
	// Now is the clock; nil means time.Now. Token expiry, the timestamp
	// window and throttling all follow it.
	Now func() time.Time
	// Seed makes ids, tokens and injected faults deterministic; 0 means 1.
	Seed uint64
	// Apps are the partner apps (Key = partner_id, Secret = partner_key);
	// empty means DefaultApp only. The first one signs pushes.
	Apps []sandbox.App
	// PushTimeScale multiplies PushSchedule (tests use 0.001); 0 means 1.
	PushTimeScale float64
}

// NewEngine makes an engine with Shopee's lifetimes and push schedule and
// with the Shopee push formatter installed.
func NewEngine(opts Options) *sandbox.Engine {
	apps := opts.Apps
	if len(apps) == 0 {
		apps = []sandbox.App{DefaultApp}
	}
	e := sandbox.NewEngine(sandbox.Config{
		Platform: "shopee", Apps: apps, Now: opts.Now, Seed: opts.Seed,
		CodeTTL: CodeTTL, AccessTTL: AccessTTL, RefreshTTL: RefreshTTL, OldAccessGrace: OldAccessGrace,
		PushSchedule: PushSchedule, PushTimeScale: opts.PushTimeScale,
	})
	e.SetPushFormatter(pushFormatter(e))
	return e
}

// Handler is the Shopee front over e: every path Shopee serves, plus the
// sandbox v2 login page /auth. It installs the push formatter too, so an
// engine made with sandbox.NewEngine works as well.
func Handler(e *sandbox.Engine) http.Handler {
	e.SetPushFormatter(pushFormatter(e))
	return newFront(e)
}

// Start runs a Shopee sandbox with its control API on addr ("127.0.0.1:0"
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
