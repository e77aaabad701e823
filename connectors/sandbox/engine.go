// Package sandbox is the shared engine of the marketplace sandboxes: fake
// Shopee, Lazada and Zalo servers that behave like the real platforms so the
// drivers, workers and benchmarks can be tested without the internet.
//
// The engine holds the platform-neutral state — apps, test shops, OAuth
// codes and tokens, items and SKUs with stock, orders, pushes, throttling
// and faults — behind one mutex. Each platform package (sandbox/shopee,
// sandbox/lazada, sandbox/zalo) is a front that speaks that platform's exact
// protocol (paths, signatures, envelopes, error codes) and calls the engine.
// The control API under /_sandbox/ (control.go) is shared by every front.
package sandbox

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// Config sets up an engine. Zero durations take the platform defaults the
// front passes in; every duration can be changed at run time through the
// control API.
type Config struct {
	// Platform names the front ("shopee", "lazada", "zalo").
	Platform string
	// Apps are the partner apps that may call the API; the first one is
	// the default of the control API.
	Apps []App
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Seed makes faults, latency and buyers deterministic.
	Seed uint64
	// Lifetimes of OAuth artefacts.
	CodeTTL, AccessTTL, RefreshTTL time.Duration
	// OldAccessGrace keeps the previous access token valid after a refresh
	// (Shopee: 5 minutes; 0 elsewhere).
	OldAccessGrace time.Duration
	// PushSchedule is the delays between push attempts (the first attempt
	// is immediate); PushTimeScale multiplies them (tests use 0.001).
	PushSchedule  []time.Duration
	PushTimeScale float64
}

// App is a partner application: Shopee partner_id/partner_key, Lazada
// app_key/app_secret, Zalo app_id/secret.
type App struct {
	Key    string `json:"key"`
	Secret string `json:"secret"`
}

// Engine is one platform's marketplace state.
type Engine struct {
	mu     sync.Mutex
	cfg    Config
	now    func() time.Time
	rng    *rand.Rand
	nextID int64

	apps    map[string]App
	shops   map[int64]*Shop
	codes   map[string]*authCode
	access  map[string]*accessToken
	refresh map[string]*refreshToken
	images  map[string]*storedImage
	orders  map[string]*Order
	calls   map[string]int // "endpoint status" → count

	push *pusher
	// beforeStockWrite runs just before an absolute stock write is
	// applied (OnStockWrite).
	beforeStockWrite func(shopID int64, ref SKURef)
}

// Engine errors. Fronts translate them into their platform's codes.
var (
	ErrNotFound       = errors.New("not found")
	ErrInvalidCode    = errors.New("authorization code invalid, used or expired")
	ErrInvalidRefresh = errors.New("refresh token invalid, used or expired")
	ErrTokenInvalid   = errors.New("access token invalid")
	ErrTokenExpired   = errors.New("access token expired")
	ErrUnknownApp     = errors.New("unknown app")
	ErrBelowReserved  = errors.New("stock below reserved")
	ErrNegativeStock  = errors.New("stock would be negative")
	ErrOutOfStock     = errors.New("not enough stock")
	ErrDuplicateSKU   = errors.New("seller SKU already exists in this shop")
	ErrBadTransition  = errors.New("order status cannot change that way")
	ErrImageUnknown   = errors.New("image not uploaded to this platform")
)

// InvalidError is a request the platform refuses with a message of its own.
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return e.Msg }

// Invalidf makes an InvalidError.
func Invalidf(format string, args ...any) error {
	return &InvalidError{Msg: fmt.Sprintf(format, args...)}
}

// NewEngine makes an engine with no shops.
func NewEngine(cfg Config) *Engine {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.PushTimeScale == 0 {
		cfg.PushTimeScale = 1
	}
	e := &Engine{
		cfg: cfg, now: cfg.Now, rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed)),
		nextID: 100000, apps: map[string]App{}, shops: map[int64]*Shop{}, codes: map[string]*authCode{},
		access: map[string]*accessToken{}, refresh: map[string]*refreshToken{}, images: map[string]*storedImage{},
		orders: map[string]*Order{}, calls: map[string]int{},
	}
	for _, a := range cfg.Apps {
		e.apps[a.Key] = a
	}
	e.push = newPusher(e)
	return e
}

// Platform names the front.
func (e *Engine) Platform() string { return e.cfg.Platform }

// Now is the engine's clock.
func (e *Engine) Now() time.Time { return e.now() }

// App returns the app with key, for signature checks.
func (e *Engine) App(key string) (App, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.apps[key]
	return a, ok
}

// DefaultApp is the first configured app.
func (e *Engine) DefaultApp() App {
	if len(e.cfg.Apps) == 0 {
		return App{}
	}
	return e.cfg.Apps[0]
}

// Close stops background pushes.
func (e *Engine) Close() { e.push.close() }

// id returns a fresh numeric id; the caller holds mu.
func (e *Engine) id() int64 {
	e.nextID += 1 + e.rng.Int64N(7)
	return e.nextID
}

// token returns a fresh random token; the caller holds mu.
func (e *Engine) token(prefix string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 32)
	for i := range b {
		b[i] = alphabet[e.rng.IntN(len(alphabet))]
	}
	return prefix + string(b)
}

// CountCall records one API call for /_sandbox/state.
func (e *Engine) CountCall(endpoint string, status int) {
	e.mu.Lock()
	e.calls[fmt.Sprintf("%s %d", endpoint, status)]++
	e.mu.Unlock()
}
