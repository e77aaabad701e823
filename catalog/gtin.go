package catalog

import "strings"

// GTIN is a GS1 GTIN-13 (EAN-13) barcode number. Vietnamese products carry
// the 893 prefix. The public traceability page is addressed by it.
type GTIN string

// ParseGTIN trims s and validates it as a GTIN-13.
func ParseGTIN(s string) (GTIN, error) {
	g := GTIN(strings.TrimSpace(s))
	return g, g.Validate()
}

// Validate checks length, digits and the GS1 check digit.
func (g GTIN) Validate() error {
	s := string(g)
	if len(s) != 13 {
		return Errorf(CodeInvalidArgument, "GTIN-13 must have 13 digits, got %d", len(s))
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return Errorf(CodeInvalidArgument, "GTIN-13 must contain digits only")
		}
	}
	if want := GTINCheckDigit(s[:12]); s[12] != want {
		return Errorf(CodeInvalidArgument, "GTIN-13 check digit is wrong: expected %c, got %c", want, s[12])
	}
	return nil
}

// GTINCheckDigit computes the GS1 mod-10 check digit of the first 12 digits:
// weights 1 and 3 alternate from the left.
func GTINCheckDigit(first12 string) byte {
	sum := 0
	for i := 0; i < len(first12); i++ {
		d := int(first12[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func (g GTIN) String() string { return string(g) }
