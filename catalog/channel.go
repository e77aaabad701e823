package catalog

import (
	"fmt"
	"strings"
	"time"
)

// Platform names a marketplace.
type Platform string

// The platforms the hub connects.
const (
	PlatformShopee Platform = "shopee"
	PlatformLazada Platform = "lazada"
	PlatformZalo   Platform = "zalo"
	PlatformMem    Platform = "mem" // the in-memory marketplace of tests
)

// ParsePlatform accepts a platform name in any case.
func ParsePlatform(s string) (Platform, error) {
	p := Platform(strings.ToLower(strings.TrimSpace(s)))
	switch p {
	case PlatformShopee, PlatformLazada, PlatformZalo, PlatformMem:
		return p, nil
	}
	return "", Errorf(CodeInvalidArgument, "%q is not a supported platform (shopee, lazada, zalo)", s)
}

// Shop is a co-op's account on one marketplace (a channel). Its OAuth
// tokens are kept by the store, encrypted, and never travel in this type.
type Shop struct {
	ID         int64     `json:"id"`
	CoopID     int64     `json:"coop_id"`
	Platform   Platform  `json:"platform"`
	ExternalID string    `json:"external_id"` // the platform's shop / seller / OA id
	Name       string    `json:"name"`
	Rule       StockRule `json:"stock_rule"`
	// PriceRule moves the catalog price on this shop (zero: unchanged).
	PriceRule PriceRule `json:"price_rule"`
	// Connected is false once the seller's grant is gone (revoked,
	// refresh token expired): pushes stop and the UI asks to reconnect.
	Connected bool `json:"connected"`
	// AccessExpiresAt and RefreshExpiresAt are the token pair's expiries;
	// AuthorizedUntil is the seller's grant (Shopee: 365 days).
	AccessExpiresAt  time.Time `json:"access_expires_at,omitzero"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at,omitzero"`
	AuthorizedUntil  time.Time `json:"authorized_until,omitzero"`
	// OrdersCursor is where the polling backstop resumes.
	OrdersCursor time.Time `json:"orders_cursor,omitzero"`
	Version      int64     `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Key names the shop for token locks and logs: "shopee:12345".
func (s Shop) Key() string { return fmt.Sprintf("%s:%d", s.Platform, s.ID) }

// StockRule decides how much of the co-op's available stock a shop shows.
// It protects against overselling when no livestream hold is running: a
// buffer held back on every channel, a share of the rest, and a cap.
type StockRule struct {
	// BufferUnits are kept back from this shop.
	BufferUnits int64 `json:"buffer_units"`
	// RatioPercent of what is left is shown (1–100; 0 means 100).
	RatioPercent int64 `json:"ratio_percent"`
	// MaxShown caps the quantity shown (0: no cap).
	MaxShown int64 `json:"max_shown"`
	// SplitBelow: when what this shop may show falls to this many units or
	// fewer, the shops sharing the stock show disjoint shares of it, so
	// together they never show more than exists and the last units cannot
	// be sold twice (0: never split).
	SplitBelow int64 `json:"split_below"`
	// WarehouseIDs feed the shop (empty: every warehouse of the co-op).
	WarehouseIDs []int64 `json:"warehouse_ids,omitempty"`
}

// Validate checks the rule's ranges.
func (r StockRule) Validate() error {
	fe := FieldErrors{}
	if r.BufferUnits < 0 {
		fe.Add("stock_rule.buffer_units", "buffer must not be negative")
	}
	if r.RatioPercent < 0 || r.RatioPercent > 100 {
		fe.Add("stock_rule.ratio_percent", "ratio must be between 1 and 100 percent")
	}
	if r.MaxShown < 0 {
		fe.Add("stock_rule.max_shown", "cap must not be negative")
	}
	if r.SplitBelow < 0 {
		fe.Add("stock_rule.split_below", "split threshold must not be negative")
	}
	return fe.Err()
}

// ChannelQuantity is what the shop may show for a variant with the given
// on-hand and reserved units in the warehouses that feed it:
// max(0, on_hand − reserved − buffer) × ratio, capped.
func (r StockRule) ChannelQuantity(onHand, reserved int64) int64 {
	q := onHand - reserved - r.BufferUnits
	if q <= 0 {
		return 0
	}
	if r.RatioPercent > 0 && r.RatioPercent < 100 {
		q = q * r.RatioPercent / 100
	}
	if r.MaxShown > 0 && q > r.MaxShown {
		q = r.MaxShown
	}
	return q
}

// BurstWindow is how far back the burst guard looks: the units of a
// variant sold on every shop in the last BurstWindow are what the shops
// may sell again before the hub has heard of them and pushed (ingest plus
// push take well under this even at a livestream's pace).
const BurstWindow = 3 * time.Second

// Splits reports whether n shops sharing q show disjoint shares of it:
// when q is at most the rule's SplitBelow, and — the burst guard, on for
// every rule — when q is at most recentSales, the units sold in the last
// BurstWindow: while a variant sells that fast, every shop showing all of
// q would let them sell the same units during the seconds a sale takes to
// reach the hub. A quiet variant (recentSales 0) is never split unless the
// rule asks.
func (r StockRule) Splits(q, recentSales int64, n int) bool {
	return n > 1 && q <= max(r.SplitBelow, recentSales)
}

// Share is this shop's part of q: all of it unless Splits; when split,
// with n shops sharing, the shop of rank r (0-based) gets q/n, and the
// first q mod n shops one more, so the shares add up to q exactly.
func (r StockRule) Share(q, recentSales int64, n, rank int) int64 {
	if !r.Splits(q, recentSales, n) {
		return q
	}
	share := q / int64(n)
	if int64(rank) < q%int64(n) {
		share++
	}
	return share
}

// Sharer is another shop's listing showing the same units as the one
// being pushed: its rank in the split and what it may still sell of them
// as far as the hub knows (Listing.Claim, Listing.KnownUnseen).
type Sharer struct {
	ListingID, ShopID int64
	Rank              int
	Claim             int64
	Unseen            int64
}

// SharedAvail is what a shop of the given rank may show of q, the units
// it shares with others, so that no sale of any shop can be made twice:
//
//   - Not split: every shop shows all of q, less the sales the others
//     made that the hub has not ingested yet (units already gone).
//   - Split: its Share, and never more than q less what every other shop
//     may still sell — the larger of its claim and its share, so that two
//     shops raised at once still add up to q. A shop that sold more than
//     its share (sales on their way to the hub) is charged for it here,
//     instead of its overshoot being handed to the others: during a burst
//     shares only shrink, and a share is raised only once the others'
//     claims have come down to their own shares.
//
// capped reports that the others' claims held this shop below its share:
// it is raised when they come down.
func (r StockRule) SharedAvail(q, recentSales int64, rank int, others []Sharer) (avail int64, capped bool) {
	n := len(others) + 1
	if !r.Splits(q, recentSales, n) {
		for _, o := range others {
			q -= o.Unseen
		}
		return max(0, q), false
	}
	share := r.Share(q, recentSales, n, rank)
	room := q
	for _, o := range others {
		room -= max(o.Claim, r.Share(q, recentSales, n, o.Rank))
	}
	if room < share {
		return max(0, room), true
	}
	return share, false
}

// Feeds reports whether warehouse w feeds the shop.
func (r StockRule) Feeds(w int64) bool {
	if len(r.WarehouseIDs) == 0 {
		return true
	}
	for _, id := range r.WarehouseIDs {
		if id == w {
			return true
		}
	}
	return false
}

// ListingOverrides are a listing's own content on its channel, in place of
// the catalog's: a title, a price, the channel's category id and
// attributes (attribute id → value, as the channel names them). Zero
// values take the catalog's.
type ListingOverrides struct {
	Title      string            `json:"title"`
	Price      VND               `json:"price"`
	CategoryID string            `json:"category_id"`
	Attributes map[string]string `json:"attributes"`
}

// Validate checks the overrides' shapes.
func (o ListingOverrides) Validate() error {
	fe := FieldErrors{}
	if n := len([]rune(o.Title)); n > 255 {
		fe.Add("title", "title must be at most 255 characters")
	}
	if o.Price < 0 {
		fe.Add("price", "price must not be negative")
	}
	if len(o.CategoryID) > 64 {
		fe.Add("category_id", "category id must be at most 64 characters")
	}
	if len(o.Attributes) > 100 {
		fe.Add("attributes", "at most 100 attributes")
	}
	for k, v := range o.Attributes {
		if k == "" || len(k) > 64 || len([]rune(v)) > 1000 {
			fe.Add("attributes."+k, "attribute names are 1–64 characters, values at most 1,000")
		}
	}
	return fe.Err()
}

// ListingStatus is where a listing is in its life on a channel.
type ListingStatus string

// Listing statuses: draft → publishing → live | error(message) → delisted.
const (
	ListingDraft      ListingStatus = "draft"
	ListingPublishing ListingStatus = "publishing"
	ListingLive       ListingStatus = "live"
	ListingError      ListingStatus = "error"
	ListingDelisted   ListingStatus = "delisted"
)

// Listing is one variant offered in one shop, with the channel's ids and
// what was last pushed there.
type Listing struct {
	ID        int64 `json:"id"`
	ShopID    int64 `json:"shop_id"`
	CoopID    int64 `json:"coop_id"`
	ProductID int64 `json:"product_id"`
	VariantID int64 `json:"variant_id"`
	// Per-channel overrides; zero values take the catalog's.
	Title      string            `json:"title,omitempty"`
	Price      VND               `json:"price,omitempty"`
	CategoryID string            `json:"category_id,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	// The channel's ids, once published.
	ExternalItemID  string        `json:"external_item_id,omitempty"`
	ExternalModelID string        `json:"external_model_id,omitempty"`
	Status          ListingStatus `json:"status"`
	// Error is the channel's own message when Status is error.
	Error string `json:"error,omitempty"`
	// PushedVersion is the stock version last pushed: a push of an older
	// version is skipped, so a stale retry never overwrites newer stock.
	PushedVersion  int64      `json:"pushed_version"`
	PushedQuantity int64      `json:"pushed_quantity"`
	PushedAt       *time.Time `json:"pushed_at,omitempty"`
	// PushedBase is the quantity pushed plus the sales that were unseen
	// at that push: what the channel would show now had it sold only what
	// the hub has ingested since (SoldSincePush).
	PushedBase int64 `json:"-"`
	// PushedAvail is what the rule allowed at the last push: if the hub's
	// quantity has since fallen by exactly this shop's own ingested sales,
	// the channel already shows it and no push is needed.
	PushedAvail int64 `json:"-"`
	// SoldSincePush counts units of this listing's orders ingested since
	// the last push.
	SoldSincePush int64     `json:"-"`
	Version       int64     `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Claim is what the listing's channel may still sell plus the sales it
// made that the hub has not ingested yet: from the last push alone,
// base − sold since, since each sale on the channel moves one unit from
// what it shows to what it sold (an absolute write resets both).
func (l Listing) Claim() int64 { return max(0, l.PushedBase-l.SoldSincePush) }

// KnownUnseen is the channel's sales the hub had not ingested at the last
// push and still has not: a floor of its unseen sales now (sales after
// that push are unknown until the channel is read again).
func (l Listing) KnownUnseen() int64 {
	return UnseenSales(l.PushedBase, l.PushedQuantity, l.SoldSincePush)
}

// UnseenSales is how many units a channel sold that the hub has not
// ingested yet. base is the quantity last pushed plus the sales unseen at
// that push (they arrive later and count in soldSincePush without having
// lowered the channel after the push); whatever else the channel is short
// of base is sales still on their way.
func UnseenSales(base, current, soldSincePush int64) int64 {
	if u := base - current - soldSincePush; u > 0 {
		return u
	}
	return 0
}

// PushQuantity is the absolute quantity to send to a shop: what the shop
// may show (avail: its rule's quantity, or a live shop's hold) less the
// channel's unseen sales, so an absolute push never hands back units the
// channel has just sold, less a margin for the sales the shop may make
// between the push reading its stock and writing it (the write would erase
// them). See SellingMargin.
func PushQuantity(avail, unseen, margin int64) int64 {
	return max(0, avail-unseen-margin)
}

// SellingMargin is what a shop that is selling right now keeps back: the
// larger of its unseen sales and its sales since the last push, both
// measures of how fast it sells against how fast the hub hears of it. A
// quiet shop keeps nothing back. The shop may undersell for a moment in a
// burst, never oversell; a settle push shortly after gives the units back.
// (A livestream's hold pool is the precise answer for planned bursts.)
func SellingMargin(unseen, soldSincePush int64) int64 { return max(unseen, soldSincePush) }
