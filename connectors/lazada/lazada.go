// Package lazada is the Lazada Open Platform (LazOP) driver: one connected
// seller behind Lazada's HMAC-SHA256 signature over every request
// parameter, its {code, type, message, request_id, data} envelope with
// string codes, rotating single-use refresh tokens, one order item per unit
// bought, pack + ready-to-ship fulfilment and signed order pushes.
// Application code uses it through connectors.Channel, which batches to
// Capabilities, refreshes the token once on CodeUnauthenticated and retries
// CodeUnavailable and CodeResourceExhausted.
//
// Facts about the platform come from Lazada Open Platform's documentation
// (https://open.lazada.com/apps/doc/doc: signature algorithm, seller
// authorization, push mechanism) and its API reference
// (https://open.lazada.com/apps/doc/api?path=...); the local sandbox
// (connectors/sandbox/lazada, documented in connectors/sandbox/README.md)
// speaks the same protocol and is what the conformance suite runs against.
package lazada

import (
	"net"
	"net/http"
	"time"

	"github.com/go-resty/resty/v2"

	"ocophub/connectors/driver"
)

// The live hosts (Vietnam site). Both APIs live under /rest; the signed
// path leaves /rest out.
const (
	ProductionBaseURL = "https://api.lazada.vn/rest"
	ProductionAuthURL = "https://auth.lazada.com"
)

// Defaults of Config.
const (
	defaultPageSize = 100 // /orders/get takes at most 100
	defaultTimeout  = 10 * time.Second
)

// Config connects a Driver to one seller.
type Config struct {
	// BaseURL is the seller API base including /rest
	// (ProductionBaseURL, or a sandbox's URL + "/rest"). Empty means
	// ProductionBaseURL.
	BaseURL string
	// AuthURL is the authorization host without a path: the seller's
	// browser goes to AuthURL/oauth/authorize and the token APIs are
	// called at AuthURL/rest. Empty means ProductionAuthURL; for the
	// sandbox it is the sandbox's URL.
	AuthURL string
	// AppKey and AppSecret are the app's credentials. The secret signs
	// every call and verifies pushes.
	AppKey    string
	AppSecret string
	// ShopID is the seller id the hub knows the shop by; tokens from
	// ExchangeCode carry the seller id Lazada answers with.
	ShopID string
	// PageSize is the /orders/get page (1–100; 0 means 100).
	PageSize int
	// Timeout bounds one HTTP call (0 means 10 s).
	Timeout time.Duration
	// Now is the clock for request timestamps and token expiry (nil means
	// time.Now). Lazada refuses a timestamp more than 7200 s off.
	Now func() time.Time
}

// Driver is one connected Lazada seller. It is safe for concurrent use.
type Driver struct {
	cfg    Config
	tokens driver.TokenSource
	http   *resty.Client
}

var _ driver.Driver = (*Driver)(nil)

// New returns a driver for cfg reading the seller's token from tokens on
// every call.
func New(cfg Config, tokens driver.TokenSource) *Driver {
	if cfg.BaseURL == "" {
		cfg.BaseURL = ProductionBaseURL
	}
	if cfg.AuthURL == "" {
		cfg.AuthURL = ProductionAuthURL
	}
	if cfg.PageSize <= 0 || cfg.PageSize > defaultPageSize {
		cfg.PageSize = defaultPageSize
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	client := resty.New().
		SetTransport(transport).
		SetTimeout(cfg.Timeout).
		SetLogger(silent{}). // resty would log URLs, which carry signatures and tokens on GETs
		SetRedirectPolicy(resty.NoRedirectPolicy())
	return &Driver{cfg: cfg, tokens: tokens, http: client}
}

// Capabilities of Lazada: 50 SKUs per stock or price call across items,
// 50 order ids per /orders/items/get, pushes, promotions, seller
// cancellation. /product/stock/sellable/adjust is a delta endpoint and is
// never called.
func (d *Driver) Capabilities() driver.Capabilities {
	return driver.Capabilities{
		Platform:        "lazada",
		ImageMaxBytes:   1 << 20, // /image/upload
		MaxImages:       8,       // Seller Center's 8 product images (UNCONFIRMED in the API docs)
		StockBatch:      maxBatchSKUs,
		PriceBatch:      maxBatchSKUs,
		OrderBatch:      maxOrderIDs,
		Webhooks:        true,
		Promotions:      true,
		AvoidDeltaStock: []string{"/product/stock/sellable/adjust"},
		CanCancel:       true,
		// The push body's timestamp is signed with it; Lazada retries an
		// unanswered push every 30 minutes, 12 times.
		PushMaxAge: 6*time.Hour + 30*time.Minute,
	}
}

// transport is shared by every Driver: the drivers of many sellers call
// the same host and reuse its connections.
var transport = &http.Transport{
	Proxy:               http.ProxyFromEnvironment,
	DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	MaxIdleConns:        256,
	MaxIdleConnsPerHost: 64,
	IdleConnTimeout:     90 * time.Second,
	TLSHandshakeTimeout: 5 * time.Second,
	ForceAttemptHTTP2:   true,
}

// silent is resty's logger, quiet: the Channel logs failures once, with
// redaction.
type silent struct{}

func (silent) Errorf(string, ...any) {}
func (silent) Warnf(string, ...any)  {}
func (silent) Debugf(string, ...any) {}
