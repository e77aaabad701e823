// Package shopee is the Shopee Open Platform v2 driver: one connected shop
// behind the HMAC-SHA256 query signature, Shopee's
// {error, message, request_id, response} envelope and its error codes.
// Application code uses it through connectors.Channel, which batches to
// Capabilities, refreshes the token once on CodeUnauthenticated and retries
// CodeUnavailable and CodeResourceExhausted.
//
// Facts about the platform come from Shopee Open Platform's API reference
// (https://open.shopee.com/documents/v2/v2.<module>.<api>) and developer
// guides (https://open.shopee.com/developer-guide/20 authorization and
// signing, /18 push, /223 stock and price); the local sandbox
// (connectors/sandbox/shopee, documented in connectors/sandbox/README.md)
// speaks the same protocol and is what the conformance suite runs against.
//
// Choices the platform leaves to the client:
//   - An item with one variant has no models on Shopee; its variant's
//     ModelID is "0", the model_id update_stock and update_price take for
//     it. Several variants become one tier ("Quy cách") of models.
//   - CreateListing is add_item then init_tier_variation; if the second
//     call fails the item is deleted again (see CreateListing).
//   - A method that needs several calls (FindBySellerSKU, ShipOrder,
//     CancelOrder, CreateListing) returns the throttle of its FIRST call
//     to the Channel and waits out throttles of later calls itself (see
//     op).
//   - error_sign is CodePermissionDenied: misconfigured credentials (see
//     vendorCodes). All error mapping is in errors.go.
package shopee

import (
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/go-resty/resty/v2"

	"ocophub/connectors/driver"
)

// Production is the base URL of the live platform (Singapore host, which
// serves Vietnamese shops).
const Production = "https://partner.shopeemobile.com"

// Defaults of Config.
const (
	// DefaultLogisticID is the logistics channel enabled on new listings:
	// 50018, SPX Express as the sandbox's package_list names it (UNCONFIRMED
	// for the live platform: read v2.logistics.get_channel_list and set
	// Config.LogisticID).
	DefaultLogisticID int64 = 50018
	defaultPageSize         = 100
	defaultTimeout          = 10 * time.Second
)

// Config connects a Driver to one shop.
type Config struct {
	// BaseURL is the platform host without a path (Production, a sandbox
	// host, or the local sandbox's URL). Empty means Production.
	BaseURL string
	// PartnerID and PartnerKey are the app's credentials. The key signs
	// requests and verifies pushes, as raw bytes.
	PartnerID  int64
	PartnerKey string
	// ShopID is the connected shop.
	ShopID int64
	// PageSize is the get_order_list page (1–100; 0 means 100).
	PageSize int
	// Timeout bounds one HTTP call (0 means 10 s).
	Timeout time.Duration
	// Now is the clock for request timestamps and token expiry (nil means
	// time.Now). Shopee refuses a timestamp more than 5 minutes off.
	Now func() time.Time
	// LogisticID is the logistics channel enabled on new listings (0 means
	// DefaultLogisticID).
	LogisticID int64
}

// Driver is one Shopee shop. It is safe for concurrent use; it holds one
// HTTP client and reads the shop's token from its TokenSource before every
// shop call, never caching it.
type Driver struct {
	cfg       Config
	tokens    driver.TokenSource
	http      *resty.Client
	partnerID string // cfg.PartnerID in decimal, as signed
	shopID    string // cfg.ShopID in decimal, as signed
}

var _ driver.Driver = (*Driver)(nil)

// New returns a driver for cfg.ShopID reading its token from tokens.
func New(cfg Config, tokens driver.TokenSource) *Driver {
	if cfg.BaseURL == "" {
		cfg.BaseURL = Production
	}
	if cfg.PageSize <= 0 || cfg.PageSize > 100 {
		cfg.PageSize = defaultPageSize
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LogisticID == 0 {
		cfg.LogisticID = DefaultLogisticID
	}
	// Many workers push stock through one driver: keep enough idle
	// connections per host that bursts reuse them instead of redialling
	// (resty's default keeps GOMAXPROCS+1).
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	client := resty.New().
		SetTransport(transport).
		SetBaseURL(cfg.BaseURL).
		SetTimeout(cfg.Timeout).
		SetRetryCount(0). // the Channel owns retries
		SetHeader("User-Agent", "ocophub-shopee/1")
	return &Driver{cfg: cfg, tokens: tokens, http: client,
		partnerID: strconv.FormatInt(cfg.PartnerID, 10), shopID: strconv.FormatInt(cfg.ShopID, 10)}
}

// Capabilities of Shopee v2: update_stock and update_price take 1–50 models
// of ONE item; get_order_list spans at most 15 days; get_order_detail takes
// 50 order_sn. Shopee has no delta stock endpoint, so there is nothing to
// avoid.
func (d *Driver) Capabilities() driver.Capabilities {
	return driver.Capabilities{
		Platform:          "shopee",
		ImageMaxBytes:     10 << 20, // media_space.upload_image
		MaxImages:         9,        // add_item image_id_list
		StockBatch:        50,
		StockBatchPerItem: true,
		PriceBatch:        50,
		OrderWindow:       15 * 24 * time.Hour,
		OrderBatch:        50,
		Webhooks:          true,
		// Shopee's discounts (v2.discount.add_discount, add_discount_item,
		// end_discount) are activities created ahead of their start, with
		// ids to keep per shop; the driver does not use them yet, so a
		// campaign reaches Shopee as a price update.
		Promotions: false,
		CanCancel:  true,
		// The push body's timestamp is signed with it. Shopee does not
		// publish how long it retries an unanswered push; the sandbox
		// retries for 2.6 hours (1, 5, 30, 120 minutes).
		PushMaxAge: 3 * time.Hour,
	}
}
