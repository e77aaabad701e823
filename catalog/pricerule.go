package catalog

// PriceRuleKind says how a shop's rule moves the catalog price.
type PriceRuleKind string

// The kinds of price rule: none (the catalog price as it is), a percentage
// or an amount of đồng, each up (positive) or down (negative).
const (
	PriceRuleNone    PriceRuleKind = ""
	PriceRulePercent PriceRuleKind = "percent"
	PriceRuleAmount  PriceRuleKind = "amount"
)

// Bounds of a price rule. A cut of 90 % or a markup of 300 % is already
// more than any shop's fees explain: a value beyond is a typing mistake far
// more often than a price policy (campaign discounts stop at 90 % too).
const (
	MinPriceRulePercent = -90
	MaxPriceRulePercent = 300
	MaxPriceRuleAmount  = 10_000_000
)

// MinShopPrice is the lowest price a rule ever gives: a rule that cuts
// deep into a cheap SKU stops at 1.000 đ instead of going to zero or below.
const MinShopPrice VND = 1000

// PriceRoundings are the steps a rule's price is rounded to.
var PriceRoundings = []VND{1000, 500, 100}

// PriceRule is a shop's price policy: "price on this shop = catalog price
// ± Value % (or ± Value đồng), rounded to RoundTo". Marketplaces take
// different fees, so co-ops price the same SKU differently per shop
// without keeping a price per listing. The zero rule keeps the catalog
// price unchanged.
type PriceRule struct {
	Kind PriceRuleKind `json:"kind"`
	// Value is signed: +10 (percent) is 10 % more, −5000 (amount) is
	// 5.000 đ less.
	Value int64 `json:"value"`
	// RoundTo is 1000, 500 or 100 đồng.
	RoundTo VND `json:"round_to"`
}

// IsZero reports that the rule leaves the catalog price as it is.
func (r PriceRule) IsZero() bool { return r.Kind == PriceRuleNone }

// Validate checks the kind, the value's range and the rounding step,
// naming each field under price_rule.
func (r PriceRule) Validate() error {
	fe := FieldErrors{}
	switch r.Kind {
	case PriceRuleNone:
		if r.Value != 0 || r.RoundTo != 0 {
			fe.Add("price_rule.kind", "choose percent or amount, or clear the value and rounding for no rule")
		}
		return fe.Err()
	case PriceRulePercent:
		if r.Value < MinPriceRulePercent || r.Value > MaxPriceRulePercent {
			fe.Add("price_rule.value", "a percentage is between −90 and +300 (−100 % or less would give the goods away)")
		}
	case PriceRuleAmount:
		if r.Value < -MaxPriceRuleAmount || r.Value > MaxPriceRuleAmount {
			fe.Add("price_rule.value", "an amount is between −10.000.000 and +10.000.000 đồng")
		}
	default:
		fe.Add("price_rule.kind", "kind is percent or amount (empty: no rule)")
	}
	valid := false
	for _, s := range PriceRoundings {
		valid = valid || r.RoundTo == s
	}
	if !valid {
		fe.Add("price_rule.round_to", "round to 1000, 500 or 100 đồng")
	}
	return fe.Err()
}

// Apply is the shop's price for a SKU whose catalog price is base: base
// moved by the rule and rounded to the NEAREST step (a half step goes up:
// 95.500 → 96.000 to 1.000), never below MinShopPrice. Nearest, not up
// or down, so a rule of +0 % is the catalog price rounded as a shopper
// would read it, and neither the co-op nor the buyer always loses the
// remainder. The zero rule returns base unchanged; so does a base that is
// not a price (≤ 0), which the catalog refuses anyway.
func (r PriceRule) Apply(base VND) VND {
	if r.IsZero() || base <= 0 || r.RoundTo <= 0 {
		return base
	}
	var hundredths int64 // the moved price × 100, exact
	switch r.Kind {
	case PriceRulePercent:
		hundredths = int64(base) * (100 + r.Value)
	case PriceRuleAmount:
		hundredths = (int64(base) + r.Value) * 100
	default:
		return base
	}
	if hundredths <= 0 {
		return MinShopPrice
	}
	step := int64(r.RoundTo) * 100
	p := VND((hundredths + step/2) / step * int64(r.RoundTo))
	return max(p, MinShopPrice)
}

// PriceSource says where the price a shop shows comes from.
type PriceSource string

// Where a shop's price comes from, weakest first: the catalog, the shop's
// rule, the listing's own override, a running campaign.
const (
	PriceFromCatalog  PriceSource = "catalog"
	PriceFromRule     PriceSource = "rule"
	PriceFromOverride PriceSource = "override"
	PriceFromCampaign PriceSource = "campaign"
)

// ListingBase is the price a listing shows outside campaigns: its own
// override when it has one (an override is the seller's explicit price on
// that channel and is never moved by the rule), else the catalog price
// under the shop's rule.
func ListingBase(catalogPrice, override VND, rule PriceRule) (VND, PriceSource) {
	switch {
	case override > 0:
		return override, PriceFromOverride
	case rule.IsZero():
		return catalogPrice, PriceFromCatalog
	}
	return rule.Apply(catalogPrice), PriceFromRule
}

// ShopPrice is the price one shop shows a buyer for one variant, and why.
type ShopPrice struct {
	ShopID    int64    `json:"shop_id"`
	ShopName  string   `json:"shop_name"`
	Platform  Platform `json:"platform"`
	VariantID int64    `json:"variant_id"`
	// ListingID is the variant's listing on the shop (0: not listed
	// there; Price is then what it would get).
	ListingID int64         `json:"listing_id,omitempty"`
	Status    ListingStatus `json:"status,omitempty"`
	// Price is what a buyer sees now; Base the price outside campaigns
	// (crossed out while a campaign runs).
	Price  VND         `json:"price"`
	Base   VND         `json:"base"`
	Source PriceSource `json:"source"`
	Rule   PriceRule   `json:"rule"`
}

// PriceOnShop is the price a shop shows for a variant: a running
// campaign's price (campaign > 0) while it is below the listing's base,
// else the base (ListingBase). The store's price pushes and the product
// page both come here, so what the page says is what the channel is sent.
func PriceOnShop(catalogPrice, override VND, rule PriceRule, campaign VND) (price, base VND, src PriceSource) {
	base, src = ListingBase(catalogPrice, override, rule)
	if campaign > 0 && campaign < base {
		return campaign, base, PriceFromCampaign
	}
	return base, base, src
}
