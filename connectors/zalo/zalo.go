package zalo

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"ocophub/connectors/driver"
)

// Zalo's production hosts.
const (
	ProductionBaseURL      = "https://openapi.zalo.me"
	ProductionOAuthBaseURL = "https://oauth.zaloapp.com"
)

// Page sizes of the Store API lists.
const (
	defaultPageSize = 50
	maxPageSize     = 50 // above it Zalo answers -210
)

// Config connects a Driver to one OA.
type Config struct {
	// BaseURL is the Store API host; "" means ProductionBaseURL. A sandbox
	// serves both hosts on its one URL.
	BaseURL string
	// OAuthBaseURL is the OAuth v4 host; "" means ProductionOAuthBaseURL
	// when BaseURL is production's (or empty), else BaseURL.
	OAuthBaseURL string
	// AppID and AppSecret are the Zalo app's id and secret key (sent as
	// the secret_key header of the token endpoint; also keys the PKCE
	// verifier).
	AppID     string
	AppSecret string
	// OASecretKey is the OA's webhook secret ("OA Secret Key"), which signs
	// pushes; "" refuses every push.
	OASecretKey string
	// ShopID is the OA id as a decimal string. It fills Token.ShopID when
	// the redirect carried no oa_id; "" then asks Zalo (GET /v2.0/oa/getoa).
	ShopID string
	// PageSize is the order page of ListOrders (default and most 50).
	PageSize int
	// Timeout bounds one HTTP call (default 10 s).
	Timeout time.Duration
	// Now is the clock for token expiry; nil means time.Now.
	Now func() time.Time
	// HTTPClient lets drivers of many shops share one connection pool; nil
	// means a client of the driver's own. Its Timeout is not changed (the
	// driver bounds each call with a context).
	HTTPClient *http.Client
}

// Driver is one Zalo OA. It is safe for concurrent use.
type Driver struct {
	cfg    Config
	tokens driver.TokenSource
	http   *resty.Client
}

var _ driver.Driver = (*Driver)(nil)

// New returns a driver for cfg's OA reading its access token from tokens
// before every call.
func New(cfg Config, tokens driver.TokenSource) *Driver {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	cfg.OAuthBaseURL = strings.TrimRight(cfg.OAuthBaseURL, "/")
	if cfg.BaseURL == "" {
		cfg.BaseURL = ProductionBaseURL
	}
	if cfg.OAuthBaseURL == "" {
		cfg.OAuthBaseURL = cfg.BaseURL
		if cfg.BaseURL == ProductionBaseURL {
			cfg.OAuthBaseURL = ProductionOAuthBaseURL
		}
	}
	if cfg.PageSize <= 0 || cfg.PageSize > maxPageSize {
		cfg.PageSize = defaultPageSize
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	// No retries (the Channel retries) and no logging: resty would print
	// failed URLs on its own.
	c := resty.NewWithClient(hc).SetLogger(quiet{}).SetRetryCount(0)
	return &Driver{cfg: cfg, tokens: tokens, http: c}
}

// Capabilities of Zalo: every product update is one call for one product
// (one SKU), and orders are read one by one.
func (d *Driver) Capabilities() driver.Capabilities {
	// The push's timestamp is part of its signature. Zalo publishes no
	// retry rule; the sandbox retries for 13 minutes (5 s, 30 s, 2 min,
	// 10 min).
	return driver.Capabilities{Platform: "zalo", StockBatch: 1, PriceBatch: 1, OrderBatch: 1,
		Webhooks: true, CanCancel: true, PushMaxAge: 30 * time.Minute, CategoriesPerShop: true,
		ImageMaxBytes: 1 << 20, MaxImages: 9} // upload/photo ≤ 1 MB; no photo count found in its docs: the hub's 9
}

// accessToken reads the OA's current access token: on every call, so a
// refresh by another process is seen at once.
func (d *Driver) accessToken(ctx context.Context) (string, error) {
	t, err := d.tokens.Token(ctx)
	if err != nil {
		return "", err
	}
	if t.AccessToken == "" {
		return "", &driver.Error{Code: driver.CodeUnauthenticated, Message: "the OA has no access token"}
	}
	return t.AccessToken, nil
}

// quiet is resty's logger: silent.
type quiet struct{}

func (quiet) Errorf(string, ...any) {}
func (quiet) Warnf(string, ...any)  {}
func (quiet) Debugf(string, ...any) {}
