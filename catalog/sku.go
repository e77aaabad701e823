package catalog

import (
	"strings"
	"unicode/utf8"
)

// SKU is a seller stock-keeping unit: the join key between the catalog and
// every channel listing, unique within a co-op. Channels accept ASCII only in
// seller SKUs, so the hub does too.
type SKU string

// MaxSKULength is the shortest limit among the channels (Lazada SellerSku).
const MaxSKULength = 64

// ParseSKU trims and upper-cases s and validates it.
func ParseSKU(s string) (SKU, error) {
	k := SKU(strings.ToUpper(strings.TrimSpace(s)))
	return k, k.Validate()
}

// Validate accepts 1–64 characters of A–Z, 0–9, '-', '_' and '.'.
func (k SKU) Validate() error {
	s := string(k)
	if s == "" {
		return Errorf(CodeInvalidArgument, "SKU is required")
	}
	if utf8.RuneCountInString(s) > MaxSKULength {
		return Errorf(CodeInvalidArgument, "SKU is longer than %d characters", MaxSKULength)
	}
	for _, r := range s {
		ok := r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return Errorf(CodeInvalidArgument, "SKU may contain only A-Z, 0-9, '-', '_' and '.', found %q", r)
		}
	}
	return nil
}

func (k SKU) String() string { return string(k) }
