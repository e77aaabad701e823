package catalog

import (
	"fmt"
	"strings"
	"time"
)

// Text is a text in the hub's languages: Vietnamese is required, English is
// optional and falls back to Vietnamese.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en,omitempty"`
}

// In returns the text in lang ("vi" or "en"), falling back to Vietnamese.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.VI
}

func (t Text) normalized() Text { return Text{VI: NormalizeText(t.VI), EN: NormalizeText(t.EN)} }

// Product is an OCOP product of one co-op. What is sold is its variants.
type Product struct {
	ID          int64       `json:"id"`
	CoopID      int64       `json:"coop_id"`
	Code        string      `json:"code"`
	Name        Text        `json:"name"`
	Description Text        `json:"description"`
	Group       Group       `json:"group"`
	Stars       Stars       `json:"stars"`
	Certificate Certificate `json:"certificate"`
	Origin      Origin      `json:"origin"`
	Variants    []Variant   `json:"variants"`
	// ArchivedAt is set while the product is archived: delisted from every
	// shop and left out of lists, kept with its variants, stock and orders.
	ArchivedAt *time.Time `json:"archived_at,omitempty"`
	Version    int64      `json:"version"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// Origin is where a product is made: the province and commune (xã,
// phường) its OCOP certificate and labels name. Empty takes the co-op's
// province.
type Origin struct {
	Province string `json:"province,omitempty"`
	Commune  string `json:"commune,omitempty"`
}

// Archived reports whether the product is archived.
func (p *Product) Archived() bool { return p.ArchivedAt != nil }

// OpeningStock is a new variant's first count in one of its co-op's
// warehouses, stored with the product in one transaction.
type OpeningStock struct {
	SKU         SKU   `json:"sku"`
	WarehouseID int64 `json:"warehouse_id"`
	Quantity    int64 `json:"quantity"`
}

// SuggestSKU is the SKU the editor offers for a product's n-th variant
// (1-based): the product code and n ("CHE-TAN-1"), the shape the demo
// catalog and most co-ops use.
func SuggestSKU(code string, n int) SKU {
	code = strings.ToUpper(NormalizeText(code))
	if code == "" {
		return ""
	}
	return SKU(fmt.Sprintf("%s-%d", code, n))
}

// Variant is one sellable unit of a product (a 100 g box, a 1 l bottle).
type Variant struct {
	ID         int64      `json:"id"`
	ProductID  int64      `json:"product_id"`
	SKU        SKU        `json:"sku"`
	Name       Text       `json:"name"`
	GTIN       GTIN       `json:"gtin13,omitempty"`
	NetWeightG int        `json:"net_weight_g"`
	Package    Dimensions `json:"package"`
	Price      VND        `json:"price"`
}

// Dimensions of a shipping package in millimetres and grams, as the
// channels' logistics fields want them. Zero means unknown.
type Dimensions struct {
	LengthMM int `json:"length_mm"`
	WidthMM  int `json:"width_mm"`
	HeightMM int `json:"height_mm"`
	WeightG  int `json:"weight_g"`
}

// SearchText is what the store indexes for q: every name, code and SKU,
// folded by Fold.
func (p *Product) SearchText() string {
	parts := []string{p.Code, p.Name.VI, p.Name.EN}
	for _, v := range p.Variants {
		parts = append(parts, string(v.SKU), v.Name.VI, string(v.GTIN))
	}
	return Fold(strings.Join(parts, " "))
}

// Validate normalizes the product and reports every invalid field at once,
// keyed by JSON path.
func (p *Product) Validate() error {
	fe := FieldErrors{}
	p.Code = strings.ToUpper(NormalizeText(p.Code))
	p.Name = p.Name.normalized()
	p.Description = p.Description.normalized()
	p.Certificate.Number = NormalizeText(p.Certificate.Number)
	p.Certificate.Normalize()
	p.Origin = Origin{Province: NormalizeText(p.Origin.Province), Commune: NormalizeText(p.Origin.Commune)}
	if n := len([]rune(p.Origin.Province)); n > 100 {
		fe.Add("origin.province", "province must be at most 100 characters")
	}
	if n := len([]rune(p.Origin.Commune)); n > 100 {
		fe.Add("origin.commune", "commune must be at most 100 characters")
	}
	if p.CoopID <= 0 {
		fe.Add("coop_id", "co-op is required")
	}
	fe.Check("code", validateCode(p.Code))
	required(fe, "name.vi", p.Name.VI)
	fe.Check("group", p.Group.Validate())
	fe.Check("stars", p.Stars.Validate())
	fe.Merge("certificate.", p.Certificate.Validate())
	if len(p.Variants) == 0 {
		fe.Add("variants", "a product needs at least one variant")
	}
	seen := map[SKU]int{}
	for i := range p.Variants {
		v := &p.Variants[i]
		prefix := fmt.Sprintf("variants[%d].", i)
		fe.Merge(prefix, v.validate())
		if j, dup := seen[v.SKU]; dup && v.SKU != "" {
			fe.Add(prefix+"sku", fmt.Sprintf("SKU %s is repeated (also variants[%d])", v.SKU, j))
		}
		seen[v.SKU] = i
	}
	return fe.Err()
}

func (v *Variant) validate() FieldErrors {
	fe := FieldErrors{}
	v.SKU = SKU(strings.ToUpper(strings.TrimSpace(string(v.SKU))))
	v.GTIN = GTIN(strings.TrimSpace(string(v.GTIN)))
	v.Name = v.Name.normalized()
	fe.Check("sku", v.SKU.Validate())
	required(fe, "name.vi", v.Name.VI)
	if v.GTIN != "" {
		fe.Check("gtin13", v.GTIN.Validate())
	}
	if v.NetWeightG < 0 || v.NetWeightG > maxGrams {
		fe.Add("net_weight_g", "net weight must be between 0 and 1,000,000 g")
	}
	d := v.Package
	if d.LengthMM < 0 || d.WidthMM < 0 || d.HeightMM < 0 || d.WeightG < 0 ||
		d.LengthMM > maxMillimetres || d.WidthMM > maxMillimetres || d.HeightMM > maxMillimetres || d.WeightG > maxGrams {
		fe.Add("package", "package dimensions must be between 0 and 10,000 mm and 1,000,000 g")
	}
	fe.Check("price", v.Price.Validate())
	if v.Price == 0 {
		fe.Add("price", "price is required")
	}
	return fe
}

// Limits of a parcel: far above any OCOP product, far below the columns'.
const (
	maxGrams       = 1_000_000
	maxMillimetres = 10_000
)

// Variant returns the variant with the given SKU.
func (p *Product) Variant(sku SKU) (Variant, bool) {
	for _, v := range p.Variants {
		if v.SKU == sku {
			return v, true
		}
	}
	return Variant{}, false
}
