package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// Group is one of the six OCOP product groups of Decision 148/QĐ-TTg (2023).
// The stable code is stored and used in the API; people see the Vietnamese name.
type Group string

// The six OCOP groups.
const (
	GroupFood       Group = "food"       // Thực phẩm
	GroupBeverage   Group = "beverage"   // Đồ uống
	GroupHerbal     Group = "herbal"     // Thảo dược
	GroupHandicraft Group = "handicraft" // Thủ công mỹ nghệ
	GroupOrnamental Group = "ornamental" // Sinh vật cảnh
	GroupTourism    Group = "tourism"    // Du lịch cộng đồng và điểm du lịch
)

// Groups lists the OCOP groups in the order of the decision.
var Groups = []Group{GroupFood, GroupBeverage, GroupHerbal, GroupHandicraft, GroupOrnamental, GroupTourism}

var groupNamesVI = map[Group]string{
	GroupFood:       "Thực phẩm",
	GroupBeverage:   "Đồ uống",
	GroupHerbal:     "Thảo dược",
	GroupHandicraft: "Thủ công mỹ nghệ",
	GroupOrnamental: "Sinh vật cảnh",
	GroupTourism:    "Du lịch cộng đồng và điểm du lịch",
}

// ParseGroup accepts a code ("beverage") or the Vietnamese name with or
// without diacritics ("Đồ uống", "do uong").
func ParseGroup(s string) (Group, error) {
	key := Fold(s)
	for _, g := range Groups {
		if key == string(g) || key == Fold(groupNamesVI[g]) {
			return g, nil
		}
	}
	return "", Errorf(CodeInvalidArgument, "%q is not an OCOP group (Thực phẩm, Đồ uống, Thảo dược, Thủ công mỹ nghệ, Sinh vật cảnh, Du lịch cộng đồng và điểm du lịch)", s)
}

// Validate rejects anything but the six codes.
func (g Group) Validate() error {
	if _, ok := groupNamesVI[g]; !ok {
		return Errorf(CodeInvalidArgument, "%q is not an OCOP group code", string(g))
	}
	return nil
}

// Vietnamese is the group's official name.
func (g Group) Vietnamese() string { return groupNamesVI[g] }

func (g Group) String() string { return string(g) }

// Stars is an OCOP rating. Only 3, 4 and 5 stars are certified products.
type Stars int

// ParseStars reads "3", "4" or "5", also "4 sao".
func ParseStars(s string) (Stars, error) {
	key := strings.TrimSpace(strings.TrimSuffix(Fold(s), "sao"))
	n, err := strconv.Atoi(key)
	if err != nil {
		return 0, Errorf(CodeInvalidArgument, "%q is not a star rating (3, 4 or 5)", s)
	}
	st := Stars(n)
	return st, st.Validate()
}

// Validate accepts 3 to 5.
func (s Stars) Validate() error {
	if s < 3 || s > 5 {
		return Errorf(CodeInvalidArgument, "OCOP stars must be 3, 4 or 5, got %d", int(s))
	}
	return nil
}

// CertificateValidity is how long an OCOP certificate lasts when the
// certificate itself gives no end date: 36 months.
const CertificateValidity = 36

// Certificate is a product's OCOP certification.
type Certificate struct {
	Number      string `json:"number,omitempty"`
	CertifiedOn Date   `json:"certified_on"`
	ExpiresOn   Date   `json:"expires_on"`
}

// Normalize fills ExpiresOn from CertifiedOn when it is missing.
func (c *Certificate) Normalize() {
	if c.ExpiresOn.IsZero() && !c.CertifiedOn.IsZero() {
		c.ExpiresOn = c.CertifiedOn.AddMonths(CertificateValidity)
	}
}

// Validate checks the dates' order.
func (c Certificate) Validate() FieldErrors {
	fe := FieldErrors{}
	if c.CertifiedOn.IsZero() {
		fe.Add("certified_on", "certification date is required")
	}
	if !c.ExpiresOn.IsZero() && !c.CertifiedOn.IsZero() && !c.CertifiedOn.Before(c.ExpiresOn) {
		fe.Add("expires_on", "expiry must be after the certification date")
	}
	return fe
}

// CertificateWarnings are the days before expiry at which a co-op and its
// alliance are warned, widest first.
var CertificateWarnings = []int{90, 30, 7}

// Warning is the tightest warning the certificate has reached on day d:
// 7, 30 or 90 (days or fewer left), or 0 when it is further from expiry,
// not yet in force, or already expired (Expired says so).
func (c Certificate) Warning(d Date) int {
	if !c.ValidOn(d) {
		return 0
	}
	left, warn := d.DaysUntil(c.ExpiresOn), 0
	for _, w := range CertificateWarnings {
		if left <= w {
			warn = w
		}
	}
	return warn
}

// Expired reports whether the certificate has ended by day d (it ends ON
// its expiry date: the claim is withdrawn that day).
func (c Certificate) Expired(d Date) bool { return !c.ExpiresOn.IsZero() && !d.Before(c.ExpiresOn) }

// OCOPClaim is what a listing, a label or a page may say of the product's
// OCOP rating on day d ("Sản phẩm OCOP 4 sao."): nothing unless the
// certificate is in force that day.
func (p Product) OCOPClaim(d Date) string {
	if !p.Certificate.ValidOn(d) {
		return ""
	}
	return fmt.Sprintf("Sản phẩm OCOP %d sao.", p.Stars)
}

// ValidOn reports whether the certificate is in force on day d.
func (c Certificate) ValidOn(d Date) bool {
	return !c.CertifiedOn.IsZero() && !d.Before(c.CertifiedOn) && d.Before(c.ExpiresOn)
}
