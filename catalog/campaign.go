package catalog

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Vietnam is the time zone campaigns are planned in (Asia/Ho_Chi_Minh).
// Vietnam has kept UTC+7 without daylight saving since 1975, so when the
// zone database is missing (a bare container) the fixed offset is the same
// clock; the binary embeds time/tzdata anyway.
var Vietnam = vietnamZone()

func vietnamZone() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}

// CampaignStatus is where an alliance promotion is in its life:
// scheduled (co-ops opt in) → running (campaign prices on the channels) →
// ended (prices restored), or cancelled at any point before it ended.
type CampaignStatus string

// The campaign statuses.
const (
	CampaignScheduled CampaignStatus = "scheduled"
	CampaignRunning   CampaignStatus = "running"
	CampaignEnded     CampaignStatus = "ended"
	CampaignCancelled CampaignStatus = "cancelled"
)

// Over reports whether the campaign will never change a price again.
func (s CampaignStatus) Over() bool { return s == CampaignEnded || s == CampaignCancelled }

// DiscountKind says how a campaign lowers prices.
type DiscountKind string

// The discount kinds: a percentage off, or an amount of đồng off.
const (
	DiscountPercent DiscountKind = "percent"
	DiscountAmount  DiscountKind = "amount"
)

// MaxDiscountPercent bounds a percentage discount: deeper cuts are a
// typing mistake far more often than a promotion.
const MaxDiscountPercent = 90

// PriceStep is what campaign prices are rounded to: shoppers and sellers
// read prices in whole thousands of đồng.
const PriceStep VND = 1000

// Discount is a campaign's price cut.
type Discount struct {
	Kind  DiscountKind `json:"kind"`
	Value int64        `json:"value"` // percent (1–90) or đồng
}

// Price is the campaign price of a SKU whose price is base, kept at or
// above floor (0: none): the discounted price rounded to the nearest
// 1,000 đồng (down when rounding up would reach base). ok is false when
// no discount is possible: the floor or the rounding leaves the price at
// base or above, or nothing is left.
func (d Discount) Price(base, floor VND) (price VND, ok bool) {
	var hundredths int64 // the discounted price × 100, exact
	switch d.Kind {
	case DiscountPercent:
		hundredths = int64(base) * (100 - d.Value)
	case DiscountAmount:
		hundredths = (int64(base) - d.Value) * 100
	default:
		return 0, false
	}
	step := int64(PriceStep) * 100
	p := VND((hundredths + step/2) / step * int64(PriceStep))
	if p >= base {
		p = VND(hundredths / step * int64(PriceStep))
	}
	p = max(p, floor)
	if p <= 0 || p >= base {
		return 0, false
	}
	return p, true
}

// Validate checks the kind and the value's range.
func (d Discount) Validate() FieldErrors {
	fe := FieldErrors{}
	switch d.Kind {
	case DiscountPercent:
		if d.Value < 1 || d.Value > MaxDiscountPercent {
			fe.Add("discount.value", "a percentage discount is between 1 and 90")
		}
	case DiscountAmount:
		if d.Value < int64(PriceStep) || d.Value%int64(PriceStep) != 0 {
			fe.Add("discount.value", "an amount off is a whole number of thousands of đồng (at least 1.000)")
		}
	default:
		fe.Add("discount.kind", "discount kind is percent or amount")
	}
	return fe
}

// CampaignRules select the SKUs a campaign is offered for. Every rule set
// must hold; an empty rule holds for everything.
type CampaignRules struct {
	// MinStars: OCOP rating at least this (0: any).
	MinStars Stars `json:"min_stars,omitempty"`
	// Groups: the product's OCOP group is one of these.
	Groups []Group `json:"groups,omitempty"`
	// Provinces: the co-op's province is one of these (compared without
	// case or diacritics).
	Provinces []string `json:"provinces,omitempty"`
	// CoopIDs: the co-op is one of these.
	CoopIDs []int64 `json:"coop_ids,omitempty"`
}

// MatchesCoop reports whether the co-op rules (co-ops, provinces) hold for c.
func (r CampaignRules) MatchesCoop(c Coop) bool {
	if len(r.CoopIDs) > 0 && !slices.Contains(r.CoopIDs, c.ID) {
		return false
	}
	if len(r.Provinces) == 0 {
		return true
	}
	for _, p := range r.Provinces {
		if Fold(p) == Fold(c.Province) {
			return true
		}
	}
	return false
}

// Matches reports whether every rule holds for product p of co-op c on
// day d. A rule on stars holds only while the product's certificate is in
// force: an expired certificate is no OCOP rating.
func (r CampaignRules) Matches(c Coop, p Product, d Date) bool {
	if r.MinStars != 0 && (p.Stars < r.MinStars || !p.Certificate.ValidOn(d)) {
		return false
	}
	if len(r.Groups) > 0 && !slices.Contains(r.Groups, p.Group) {
		return false
	}
	return r.MatchesCoop(c)
}

func (r *CampaignRules) validate(fe FieldErrors) {
	if r.MinStars != 0 {
		fe.Check("rules.min_stars", r.MinStars.Validate())
	}
	for i, g := range r.Groups {
		if err := g.Validate(); err != nil {
			fe.Add("rules.groups", "unknown OCOP group at position "+strconv.Itoa(i+1))
		}
	}
	slices.Sort(r.Groups)
	r.Groups = slices.Compact(r.Groups)
	provinces := r.Provinces[:0]
	for _, p := range r.Provinces {
		if p = NormalizeText(p); p != "" && !slices.ContainsFunc(provinces, func(q string) bool { return Fold(q) == Fold(p) }) {
			provinces = append(provinces, p)
		}
	}
	r.Provinces = provinces
	for _, id := range r.CoopIDs {
		if id <= 0 {
			fe.Add("rules.coop_ids", "co-op ids are positive")
		}
	}
	slices.Sort(r.CoopIDs)
	r.CoopIDs = slices.Compact(r.CoopIDs)
}

// PriceFloor keeps one SKU's campaign price at or above Floor, so co-ops
// selling the same kind of product do not undercut each other.
type PriceFloor struct {
	VariantID int64 `json:"variant_id"`
	Floor     VND   `json:"floor"`
}

// Campaign is an alliance's promotion across its co-ops: the rules say
// which SKUs are offered, co-ops opt in per SKU, and between StartsAt and
// EndsAt every participating listing on Channels sells at the discounted
// price.
type Campaign struct {
	ID          int64          `json:"id"`
	AllianceID  int64          `json:"alliance_id"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Rules       CampaignRules  `json:"rules"`
	Discount    Discount       `json:"discount"`
	Channels    []Platform     `json:"channels"`
	Floors      []PriceFloor   `json:"floors,omitempty"`
	StartsAt    time.Time      `json:"starts_at"`
	EndsAt      time.Time      `json:"ends_at"`
	Status      CampaignStatus `json:"status"`
	StartedAt   *time.Time     `json:"started_at,omitempty"`
	EndedAt     *time.Time     `json:"ended_at,omitempty"`
	CreatedBy   string         `json:"created_by,omitempty"`
	Version     int64          `json:"version"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// Limits of a campaign.
const (
	MaxCampaignLength  = 92 * 24 * time.Hour
	maxCampaignText    = 2000
	campaignStartGrace = 5 * time.Minute
)

// Validate normalizes a new campaign and reports every invalid field: it
// may start at most a few minutes in the past (a form sent "now"), ends
// after it starts and lasts at most three months.
func (c *Campaign) Validate(now time.Time) error {
	fe := FieldErrors{}
	c.Name = NormalizeText(c.Name)
	c.Description = strings.TrimSpace(NormalizeText(c.Description))
	required(fe, "name", c.Name)
	if utf8.RuneCountInString(c.Name) > maxName {
		fe.Add("name", "name is longer than 200 characters")
	}
	if utf8.RuneCountInString(c.Description) > maxCampaignText {
		fe.Add("description", "description is longer than 2000 characters")
	}
	if c.AllianceID <= 0 {
		fe.Add("alliance_id", "alliance is required")
	}
	c.Rules.validate(fe)
	fe.Merge("", c.Discount.Validate())
	channels := make([]Platform, 0, len(c.Channels))
	for _, ch := range c.Channels {
		p, err := ParsePlatform(string(ch))
		if err != nil {
			fe.Add("channels", err.Error())
			continue
		}
		if !slices.Contains(channels, p) {
			channels = append(channels, p)
		}
	}
	c.Channels = channels
	if len(c.Channels) == 0 && fe["channels"] == "" {
		fe.Add("channels", "choose at least one channel")
	}
	seen := map[int64]bool{}
	for i, f := range c.Floors {
		field := "floors[" + strconv.Itoa(i) + "]"
		if f.VariantID <= 0 {
			fe.Add(field+".variant_id", "variant is required")
		} else if seen[f.VariantID] {
			fe.Add(field+".variant_id", "one floor per SKU")
		}
		seen[f.VariantID] = true
		if f.Floor <= 0 {
			fe.Add(field+".floor", "a floor is a positive price")
		}
	}
	switch {
	case c.StartsAt.IsZero():
		fe.Add("starts_at", "start time is required")
	case c.StartsAt.Before(now.Add(-campaignStartGrace)):
		fe.Add("starts_at", "start time is in the past")
	}
	switch {
	case c.EndsAt.IsZero():
		fe.Add("ends_at", "end time is required")
	case !c.StartsAt.IsZero() && !c.EndsAt.After(c.StartsAt):
		fe.Add("ends_at", "end time must be after the start time")
	case c.EndsAt.Sub(c.StartsAt) > MaxCampaignLength:
		fe.Add("ends_at", "a campaign lasts at most three months")
	}
	return fe.Err()
}

// FloorOf is the price floor of a variant (0: none).
func (c Campaign) FloorOf(variantID int64) VND {
	for _, f := range c.Floors {
		if f.VariantID == variantID {
			return f.Floor
		}
	}
	return 0
}

// Window is the time the campaign's prices are (or were, or will be) on
// the channels: from its start to its end, cut short by a cancellation.
func (c Campaign) Window() (from, to time.Time) {
	from, to = c.StartsAt, c.EndsAt
	if c.StartedAt != nil {
		from = *c.StartedAt
	}
	if c.EndedAt != nil && c.EndedAt.Before(to) {
		to = *c.EndedAt
	}
	return from, to
}

// CampaignOptIn is one SKU a co-op puts into a campaign, with the units it
// sets aside for it.
type CampaignOptIn struct {
	VariantID   int64 `json:"variant_id"`
	ReservedQty int64 `json:"reserved_qty"`
}

// CampaignItem is a SKU a co-op put into a campaign. ReservedQty is
// recorded and shown; holding those units back from other sales belongs
// to the hold pool of the livestream work and is not applied yet.
type CampaignItem struct {
	ID          int64     `json:"id"`
	CampaignID  int64     `json:"campaign_id"`
	CoopID      int64     `json:"coop_id"`
	ProductID   int64     `json:"product_id"`
	VariantID   int64     `json:"variant_id"`
	SKU         SKU       `json:"sku"`
	ReservedQty int64     `json:"reserved_qty"`
	JoinedBy    string    `json:"joined_by"`
	JoinedRole  Role      `json:"joined_role"`
	CreatedAt   time.Time `json:"created_at"`
}

// CampaignListingState is where one listing is in a campaign: pending
// (opted in, not started), applied (the campaign price is the listing's
// price), restored (the base price is back), skipped (never changed, see
// the reason).
type CampaignListingState string

// The campaign listing states.
const (
	CampaignListingPending  CampaignListingState = "pending"
	CampaignListingApplied  CampaignListingState = "applied"
	CampaignListingRestored CampaignListingState = "restored"
	CampaignListingSkipped  CampaignListingState = "skipped"
)

// CampaignListing is one listing's price in a campaign, kept in the
// database so starting and ending are idempotent per listing and survive a
// crashed worker: Synced says the channel was told the price of the state.
type CampaignListing struct {
	ID            int64                `json:"id"`
	CampaignID    int64                `json:"campaign_id"`
	ListingID     int64                `json:"listing_id"`
	ShopID        int64                `json:"shop_id"`
	CoopID        int64                `json:"coop_id"`
	VariantID     int64                `json:"variant_id"`
	Platform      Platform             `json:"platform"`
	SKU           SKU                  `json:"sku"`
	State         CampaignListingState `json:"state"`
	BasePrice     VND                  `json:"base_price"`
	CampaignPrice VND                  `json:"campaign_price"`
	RestoredPrice VND                  `json:"restored_price,omitempty"`
	Synced        bool                 `json:"synced"`
	Reason        string               `json:"reason,omitempty"`
	Error         string               `json:"error,omitempty"`
	UpdatedAt     time.Time            `json:"updated_at"`
}

// CampaignMatch is one SKU a campaign's rules select, with the price it
// would sell at. For alliance staff, a co-op that has not granted them
// consent shows only how many of its SKUs match (Hidden).
type CampaignMatch struct {
	CoopID        int64  `json:"coop_id"`
	CoopName      string `json:"coop_name"`
	ProductID     int64  `json:"product_id,omitempty"`
	ProductName   Text   `json:"product_name,omitzero"`
	Stars         Stars  `json:"stars,omitempty"`
	Group         Group  `json:"group,omitempty"`
	VariantID     int64  `json:"variant_id,omitempty"`
	SKU           SKU    `json:"sku,omitempty"`
	VariantName   Text   `json:"variant_name,omitzero"`
	Price         VND    `json:"price,omitempty"`
	CampaignPrice VND    `json:"campaign_price,omitempty"`
	// Applicable is false when the floor or rounding leaves no discount.
	Applicable bool `json:"applicable"`
	// Available is the co-op's available stock of the SKU.
	Available int64 `json:"available"`
	// Joined and ReservedQty are the co-op's opt-in, for a stored campaign.
	Joined      bool  `json:"joined"`
	ReservedQty int64 `json:"reserved_qty,omitempty"`
	// Hidden counts the matching SKUs of a co-op whose details the caller
	// may not see.
	Hidden int `json:"hidden,omitempty"`
}

// CampaignReportLine is one co-op's sales of its campaign SKUs on one
// channel: during the campaign window and in the same length of time
// just before it. Cancelled orders are left out.
type CampaignReportLine struct {
	CoopID        int64    `json:"coop_id"`
	CoopCode      string   `json:"coop_code"`
	CoopName      string   `json:"coop_name"`
	Platform      Platform `json:"platform"`
	SKUs          int      `json:"skus"`
	Units         int64    `json:"units"`
	Revenue       VND      `json:"revenue"`
	UnitsBefore   int64    `json:"units_before"`
	RevenueBefore VND      `json:"revenue_before"`
}

// CampaignReport is a campaign's results.
type CampaignReport struct {
	CampaignID int64                `json:"campaign_id"`
	From       time.Time            `json:"from"`
	To         time.Time            `json:"to"`
	BeforeFrom time.Time            `json:"before_from"`
	Coops      int                  `json:"coops"`
	SKUs       int                  `json:"skus"`
	Lines      []CampaignReportLine `json:"lines"`
	Units      int64                `json:"units"`
	Revenue    VND                  `json:"revenue"`
	// UnitsBefore and RevenueBefore are the same SKUs' totals in the
	// comparison period.
	UnitsBefore   int64 `json:"units_before"`
	RevenueBefore VND   `json:"revenue_before"`
}
