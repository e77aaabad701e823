// Package driver defines the interface every marketplace driver implements
// (connectors/shopee, lazada, zalo, mem). Application code never calls a
// driver directly: it uses connectors.Channel, which validates arguments,
// splits batches to the driver's limits, refreshes tokens once on
// Unauthenticated, retries transient errors, logs with redaction and
// records metrics. A driver does one platform call per method call (or one
// per batch it was handed) and maps the platform's errors to *Error.
//
// Every driver must pass connectors/drivertest.RunConformanceTests.
package driver

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Driver is one connected shop on one marketplace. Methods return *Error
// for every failure the platform reports; transport failures are
// CodeUnavailable.
type Driver interface {
	// Capabilities are the platform's limits and features.
	Capabilities() Capabilities

	// AuthorizeURL is where to send the seller to grant access; the
	// platform redirects to redirect with a code (and state where the
	// platform supports it).
	AuthorizeURL(redirect, state string) (string, error)
	// ExchangeCode turns the redirect's code into tokens. The callback also
	// carries the shop id where the platform sends one (Shopee shop_id,
	// Zalo oa_id) and the state of AuthorizeURL (Zalo derives its PKCE
	// verifier from it).
	ExchangeCode(ctx context.Context, cb Callback) (Token, error)
	// RefreshToken spends a refresh token for a new pair. Refresh tokens
	// are single-use on every platform: persist both before use.
	RefreshToken(ctx context.Context, t Token) (Token, error)

	// Categories returns the platform's category tree as the seller sees
	// it in Vietnam (names in Vietnamese where the platform has them),
	// parents before children. A listing must use a Leaf.
	Categories(ctx context.Context) ([]Category, error)
	// CategoryAttributes returns what a category asks of a listing; the
	// Mandatory ones must be in Listing.Attributes (keyed by Attribute.ID)
	// or the platform refuses the item.
	CategoryAttributes(ctx context.Context, categoryID string) ([]Attribute, error)

	// UploadImage stores an image on the platform and returns the
	// reference listings must use (Shopee image_id, Lazada URL, Zalo id).
	UploadImage(ctx context.Context, name string, data []byte) (string, error)
	// CreateListing creates an item with its variants and returns it with
	// the platform's ids. A seller SKU already on the platform is
	// CodeAlreadyExists; callers look it up with FindBySellerSKU first.
	CreateListing(ctx context.Context, l Listing) (Listing, error)
	// UpdateListing changes title, description, category, attributes and
	// images of an existing item (not stock or price).
	UpdateListing(ctx context.Context, l Listing) error
	// FindBySellerSKU returns the listing holding a seller SKU, or
	// CodeNotFound: how a create retried after a timeout avoids a
	// duplicate item.
	FindBySellerSKU(ctx context.Context, sellerSKU string) (Listing, error)
	// SetStock sets ABSOLUTE quantities. The batch is within
	// Capabilities().StockBatch (and one item when StockBatchPerItem).
	// Per-SKU failures come back in the results with a nil error.
	SetStock(ctx context.Context, updates []StockUpdate) ([]Result, error)
	// GetStock reads the quantities the platform shows now for SKUs the
	// hub has published (by the ids kept at publish), batched like
	// SetStock. A SKU the platform lacks comes back with a CodeNotFound
	// Err. It is how a push learns of sales the hub has not ingested yet.
	GetStock(ctx context.Context, refs []StockRef) ([]StockLevel, error)
	// SetPrice sets prices in đồng, batched like SetStock.
	SetPrice(ctx context.Context, updates []PriceUpdate) ([]Result, error)
	// SetActive lists (true) or delists (false) an item.
	SetActive(ctx context.Context, itemID string, active bool) error

	// ListOrders lists orders updated in [from, to) — within
	// Capabilities().OrderWindow — one page at a time; cursor "" starts,
	// a returned Next of "" ends.
	ListOrders(ctx context.Context, from, to time.Time, cursor string) (OrderPage, error)
	// GetOrders returns full orders (lines, totals), at most
	// Capabilities().OrderBatch ids per call. Unknown ids are left out.
	GetOrders(ctx context.Context, ids []string) ([]Order, error)
	// ShipOrder runs the platform's fulfilment calls and returns the
	// tracking number.
	ShipOrder(ctx context.Context, s Shipment) (string, error)
	// CancelOrder cancels as the seller where the platform allows it
	// (CodeFailedPrecondition otherwise).
	CancelOrder(ctx context.Context, orderID, reason string) error

	// ParseWebhook verifies a push's signature on the RAW body in constant
	// time and returns its events; a bad signature is CodePermissionDenied,
	// a signed body it cannot read CodeInvalidArgument.
	// callbackURL is the URL the platform posted to (Shopee signs it).
	ParseWebhook(callbackURL string, header http.Header, body []byte) ([]Event, error)
}

// Callback is what the platform's redirect brought back to the hub.
type Callback struct {
	Code   string
	ShopID string
	State  string
}

// CallbackFromQuery reads a redirect's query: code, state, and the shop id
// under whichever name the platform uses.
func CallbackFromQuery(q url.Values) Callback {
	cb := Callback{Code: q.Get("code"), State: q.Get("state")}
	for _, k := range []string{"shop_id", "oa_id", "seller_id", "main_account_id"} {
		if v := q.Get(k); v != "" {
			cb.ShopID = v
			break
		}
	}
	return cb
}

// Capabilities describe a platform to the portable layer and the sync
// engine.
type Capabilities struct {
	Platform string
	// StockBatch is the most SKUs one SetStock call may carry; with
	// StockBatchPerItem all of them must belong to one item (Shopee).
	StockBatch        int
	StockBatchPerItem bool
	// PriceBatch is the same for SetPrice.
	PriceBatch int
	// OrderWindow is the longest [from, to) of one ListOrders (Shopee 15
	// days); OrderBatch the most ids of one GetOrders.
	OrderWindow time.Duration
	OrderBatch  int
	// Webhooks: the platform pushes order changes.
	Webhooks bool
	// Promotions: the driver sends PriceUpdate.Promo to the platform's own
	// promotion price (shown as a discount, ended by the platform).
	Promotions bool
	// AvoidDeltaStock names delta stock endpoints the platform offers that
	// drivers must never use (a retried delta applies twice).
	AvoidDeltaStock []string
	// CategoriesPerShop: each shop has its own categories (Zalo's OA
	// store categories), not the platform's one tree.
	CategoriesPerShop bool
	// CanCancel: the seller can cancel orders through the API.
	CanCancel bool
	// ImageMaxBytes is the largest file UploadImage takes (Shopee 10 MB,
	// Lazada and Zalo 1 MB); a larger one is CodeInvalidArgument.
	ImageMaxBytes int
	// MaxImages is the most images an item shows (Shopee 9, Lazada 8).
	MaxImages int
	// PushMaxAge is how old a push's signed timestamp (Event.SentAt) may
	// be: the platform's retries of one push resend its body, so it spans
	// them; older is a replay and refused. Zero: the platform signs none.
	PushMaxAge time.Duration
}

// Token is a shop's OAuth grant.
type Token struct {
	ShopID           string    `json:"shop_id"`
	AccessToken      string    `json:"access_token"`
	RefreshToken     string    `json:"refresh_token"`
	AccessExpiresAt  time.Time `json:"access_expires_at"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
}

// String never prints the secrets.
func (t Token) String() string {
	return "Token{shop " + t.ShopID + ", access until " + t.AccessExpiresAt.Format(time.RFC3339) + "}"
}

// GoString is String for %#v.
func (t Token) GoString() string { return t.String() }

// TokenSource gives a driver the shop's current access token. Drivers call
// Token before each request; connectors.Channel calls Refresh after an
// Unauthenticated answer.
type TokenSource interface {
	Token(ctx context.Context) (Token, error)
}

// Category is one node of a platform's category tree.
type Category struct {
	ID       string `json:"id"`
	ParentID string `json:"parent_id,omitempty"` // "" for a top-level category
	Name     string `json:"name"`
	Leaf     bool   `json:"leaf"`
}

// The portable input types of an attribute.
const (
	InputText   = "text"   // free text
	InputNumber = "number" // a number, in Unit when one is given
	InputSelect = "select" // one of Options (platforms that allow it take another value too)
)

// Attribute is one attribute a category asks for.
type Attribute struct {
	ID        string   `json:"id"` // the key in Listing.Attributes
	Name      string   `json:"name"`
	Mandatory bool     `json:"mandatory"`
	InputType string   `json:"input_type"`
	Options   []string `json:"options,omitempty"`
	Unit      string   `json:"unit,omitempty"`
}

// Listing is an item with its variants, in the hub's terms. CategoryID is
// required on create (a Leaf of Categories); Attributes are keyed by
// Attribute.ID and hold the value as text (an option's name for a select).
type Listing struct {
	ItemID      string            `json:"item_id,omitempty"`
	Title       string            `json:"title"`
	Description string            `json:"description"`
	CategoryID  string            `json:"category_id,omitempty"`
	Brand       string            `json:"brand,omitempty"`
	Images      []string          `json:"images,omitempty"` // references from UploadImage
	Attributes  map[string]string `json:"attributes,omitempty"`
	Active      bool              `json:"active"`
	Variants    []Variant         `json:"variants"`
}

// Variant is one SKU of a listing.
type Variant struct {
	ModelID   string `json:"model_id,omitempty"` // the platform's SKU id (Shopee model_id, Lazada SkuId)
	SellerSKU string `json:"seller_sku"`
	Name      string `json:"name"`
	Price     int64  `json:"price"` // đồng
	Stock     int64  `json:"stock"`
	WeightG   int    `json:"weight_g"`
	LengthMM  int    `json:"length_mm,omitempty"`
	WidthMM   int    `json:"width_mm,omitempty"`
	HeightMM  int    `json:"height_mm,omitempty"`
	GTIN      string `json:"gtin,omitempty"`
	Reserved  int64  `json:"reserved,omitempty"` // read-only: units locked by platform promotions
	ShopSKU   string `json:"shop_sku,omitempty"` // read-only: the platform's own SKU code, if any
}

// StockUpdate sets one SKU's quantity.
type StockUpdate struct {
	ItemID    string
	ModelID   string
	SellerSKU string
	Quantity  int64
}

// StockRef names one published SKU by the platform's ids.
type StockRef struct {
	ItemID    string
	ModelID   string
	SellerSKU string
}

// StockLevel is one SKU's quantity on the platform now; Err is nil or an
// *Error for that SKU alone.
type StockLevel struct {
	SellerSKU string
	ModelID   string
	Quantity  int64
	Err       error
}

// PriceUpdate sets one SKU's price in đồng.
type PriceUpdate struct {
	ItemID    string
	ModelID   string
	SellerSKU string
	Price     int64
	// Promo, when set, is a promotion price shown instead of Price over
	// [From, To), Price crossed out, and ended by the platform itself at
	// To. A driver sees it only when its platform runs promotions of its
	// own (Capabilities.Promotions); for the others connectors.Channel
	// sends the promotion price as the price while the window is open. A
	// window already closed ends a promotion early.
	Promo *Promo
}

// Promo is a promotion price over a window.
type Promo struct {
	Price    int64
	From, To time.Time
}

// Result is the outcome for one SKU of a batch: Err is nil or an *Error.
type Result struct {
	SellerSKU string
	ModelID   string
	Err       error
}

// OrderStatus is the hub's order status vocabulary.
type OrderStatus string

// The order statuses drivers map platform statuses to.
const (
	OrderUnpaid      OrderStatus = "unpaid"
	OrderReadyToShip OrderStatus = "ready_to_ship"
	OrderShipped     OrderStatus = "shipped"
	OrderDelivered   OrderStatus = "delivered"
	OrderCancelled   OrderStatus = "cancelled"
)

// OrderSummary is an order in a list.
type OrderSummary struct {
	ID        string      `json:"id"`
	Status    OrderStatus `json:"status"`
	UpdatedAt time.Time   `json:"updated_at,omitzero"`
}

// OrderPage is one page of ListOrders.
type OrderPage struct {
	Orders []OrderSummary `json:"orders"`
	Next   string         `json:"next"`
}

// Order is a full order.
type Order struct {
	ID             string      `json:"id"`
	Status         OrderStatus `json:"status"`
	PlatformStatus string      `json:"platform_status"`
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
	Total          int64       `json:"total"`
	Currency       string      `json:"currency"`
	Tracking       string      `json:"tracking,omitempty"`
	Lines          []OrderLine `json:"lines"`
}

// OrderLine is one SKU of an order.
type OrderLine struct {
	LineID    string `json:"line_id"`
	ItemID    string `json:"item_id"`
	ModelID   string `json:"model_id"`
	SellerSKU string `json:"seller_sku"`
	Quantity  int64  `json:"quantity"`
	Price     int64  `json:"price"`
}

// Shipment asks to ship an order; TrackingNumber is for sellers who ship
// themselves, empty when the platform's carrier assigns one.
type Shipment struct {
	OrderID        string
	TrackingNumber string
}

// EventKind names a webhook event.
type EventKind string

// The events drivers report.
const (
	EventOrderStatus EventKind = "order_status"
	EventOther       EventKind = "other"
)

// Event is one thing a webhook said.
type Event struct {
	Kind    EventKind   `json:"kind"`
	ShopID  string      `json:"shop_id"`
	OrderID string      `json:"order_id,omitempty"`
	Status  OrderStatus `json:"status,omitempty"`
	At      time.Time   `json:"at"`
	// ID identifies the push for de-duplication (the platform's id or a
	// hash of the body).
	ID string `json:"id"`
	// SentAt is the push's own timestamp, covered by its signature (zero
	// when the platform signs none).
	SentAt time.Time `json:"sent_at,omitzero"`
}
