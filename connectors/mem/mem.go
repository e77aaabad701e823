// Package mem is the in-memory marketplace driver: it calls a sandbox
// engine directly, without HTTP or signatures, so workers and pages can be
// tested fast against the same marketplace rules (channel stock, promotion
// reserve, orders, faults, token expiry) the HTTP sandboxes enforce. It
// passes the same conformance suite as the real drivers.
package mem

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"ocophub/connectors/driver"
	"ocophub/connectors/sandbox"
)

// DefaultApp is the app the in-memory marketplace knows.
var DefaultApp = sandbox.App{Key: "mem-app", Secret: "mem-secret"}

// NewEngine makes the in-memory marketplace with its push format.
func NewEngine(now func() time.Time) *sandbox.Engine {
	e := sandbox.NewEngine(sandbox.Config{Platform: "mem", Apps: []sandbox.App{DefaultApp}, Now: now,
		CodeTTL: 10 * time.Minute, AccessTTL: 4 * time.Hour, RefreshTTL: 30 * 24 * time.Hour,
		PushSchedule: []time.Duration{time.Second, 5 * time.Second}})
	e.SetPushFormatter(func(_ string, ev sandbox.PushEvent) ([]byte, http.Header) {
		body, _ := json.Marshal(push{ID: ev.Order.SN + "@" + strconv.FormatInt(ev.Order.UpdatedAt.UnixNano(), 10),
			ShopID: ev.ShopID, OrderSN: ev.Order.SN, Status: ev.Order.Status, Timestamp: ev.Timestamp.Unix()})
		return body, http.Header{"Content-Type": {"application/json"}, "X-Mem-Signature": {sign(DefaultApp.Secret, body)}}
	})
	return e
}

// Front serves the in-memory marketplace's authorization page at
// /authorize, so the authorization flow can be clicked through like the
// real ones.
func Front(e *sandbox.Engine) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		redirect, state := q.Get("redirect"), q.Get("state")
		e.ServeAuthorizePage(w, r, sandbox.AuthRequest{AppKey: q.Get("app"), Redirect: redirect,
			Approved: func(code string, shopID int64) string {
				v := url.Values{"code": {code}, "shop_id": {strconv.FormatInt(shopID, 10)}, "state": {state}}
				return redirect + "?" + v.Encode()
			}})
	})
	return mux
}

type push struct {
	ID        string `json:"push_id"`
	ShopID    int64  `json:"shop_id"`
	OrderSN   string `json:"order_sn"`
	Status    string `json:"status"`
	Timestamp int64  `json:"timestamp"`
}

func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Config connects a Driver to one shop of an engine.
type Config struct {
	Engine *sandbox.Engine
	// BaseURL is where Front is served, for AuthorizeURL.
	BaseURL  string
	App      sandbox.App
	ShopID   int64
	PageSize int           // orders per page (default 50)
	Timeout  time.Duration // per call (default 10 s)
}

// Driver is the in-memory driver.
type Driver struct {
	cfg    Config
	tokens driver.TokenSource
}

var _ driver.Driver = (*Driver)(nil)

// New returns a driver for cfg.ShopID reading its token from tokens.
func New(cfg Config, tokens driver.TokenSource) *Driver {
	if cfg.App.Key == "" {
		cfg.App = DefaultApp
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 50
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	return &Driver{cfg: cfg, tokens: tokens}
}

// memImageMaxBytes is the in-memory marketplace's upload limit (Shopee's).
const memImageMaxBytes = 10 << 20

// Capabilities of the in-memory marketplace.
func (d *Driver) Capabilities() driver.Capabilities {
	return driver.Capabilities{Platform: "mem", StockBatch: 50, PriceBatch: 50, OrderBatch: 50,
		Webhooks: true, CanCancel: true, ImageMaxBytes: memImageMaxBytes, MaxImages: 9}
}

// AuthorizeURL points at Front.
func (d *Driver) AuthorizeURL(redirect, state string) (string, error) {
	v := url.Values{"app": {d.cfg.App.Key}, "redirect": {redirect}, "state": {state}}
	return d.cfg.BaseURL + "/authorize?" + v.Encode(), nil
}

func toToken(p sandbox.TokenPair) driver.Token {
	return driver.Token{ShopID: strconv.FormatInt(p.ShopID, 10), AccessToken: p.AccessToken, RefreshToken: p.RefreshToken,
		AccessExpiresAt: p.AccessExpiresAt, RefreshExpiresAt: p.RefreshExpiresAt}
}

// ExchangeCode spends an authorization code.
func (d *Driver) ExchangeCode(_ context.Context, cb driver.Callback) (driver.Token, error) {
	want, _ := strconv.ParseInt(cb.ShopID, 10, 64)
	p, err := d.cfg.Engine.ExchangeCode(d.cfg.App.Key, cb.Code, want)
	if err != nil {
		return driver.Token{}, mapErr(err)
	}
	return toToken(p), nil
}

// RefreshToken spends a refresh token.
func (d *Driver) RefreshToken(_ context.Context, t driver.Token) (driver.Token, error) {
	p, err := d.cfg.Engine.Refresh(d.cfg.App.Key, t.RefreshToken)
	if err != nil {
		return driver.Token{}, mapErr(err)
	}
	return toToken(p), nil
}

// enter authenticates the call and applies the shop's faults, as the
// sandbox fronts do before every shop call.
func (d *Driver) enter(ctx context.Context) (context.Context, context.CancelFunc, error) {
	tok, err := d.tokens.Token(ctx)
	if err != nil {
		return ctx, func() {}, err
	}
	shop, err := d.cfg.Engine.Authenticate(d.cfg.App.Key, tok.AccessToken)
	if err != nil {
		return ctx, func() {}, mapErr(err)
	}
	if shop != d.cfg.ShopID {
		return ctx, func() {}, driver.Errorf(driver.CodePermissionDenied, "shop_mismatch", "token belongs to another shop")
	}
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	switch d.cfg.Engine.Admit(ctx, shop) {
	case sandbox.Throttled:
		cancel()
		return ctx, func() {}, &driver.Error{Code: driver.CodeResourceExhausted, Vendor: "throttled", Message: "too many calls", RetryAfter: 250 * time.Millisecond}
	case sandbox.ServerError:
		cancel()
		return ctx, func() {}, driver.Errorf(driver.CodeUnavailable, "server_error", "marketplace error")
	case sandbox.Timeout:
		cancel()
		return ctx, func() {}, driver.Errorf(driver.CodeUnavailable, "timeout", "marketplace did not answer in time")
	}
	return ctx, cancel, nil
}

// mapErr is the driver's table from engine errors to driver codes.
func mapErr(err error) error {
	var inv *sandbox.InvalidError
	switch {
	case errors.Is(err, sandbox.ErrNotFound):
		return driver.Errorf(driver.CodeNotFound, "not_found", "%v", err)
	case errors.Is(err, sandbox.ErrDuplicateSKU):
		return driver.Errorf(driver.CodeAlreadyExists, "duplicate_sku", "%v", err)
	case errors.Is(err, sandbox.ErrInvalidCode), errors.Is(err, sandbox.ErrInvalidRefresh),
		errors.Is(err, sandbox.ErrTokenInvalid), errors.Is(err, sandbox.ErrTokenExpired):
		return driver.Errorf(driver.CodeUnauthenticated, "auth", "%v", err)
	case errors.Is(err, sandbox.ErrBelowReserved), errors.Is(err, sandbox.ErrBadTransition), errors.Is(err, sandbox.ErrOutOfStock):
		return driver.Errorf(driver.CodeFailedPrecondition, "precondition", "%v", err)
	case errors.Is(err, sandbox.ErrNegativeStock), errors.Is(err, sandbox.ErrImageUnknown), errors.As(err, &inv):
		return driver.Errorf(driver.CodeInvalidArgument, "invalid", "%v", err)
	}
	return &driver.Error{Code: driver.CodeInternal, Message: err.Error()}
}
