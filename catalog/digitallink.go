package catalog

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// GS1 application identifiers a Digital Link uses here.
const (
	AIGTIN    = "01" // the product's GTIN, 14 digits
	AILot     = "10" // batch or lot number
	AIExpires = "17" // expiry date, YYMMDD
)

// GTIN14 pads a GTIN-13 to the 14 digits a Digital Link carries.
func (g GTIN) GTIN14() string { return "0" + string(g) }

// DigitalLink is the GS1 Digital Link URI of a variant (lot "") or of one
// of its lots: {base}/01/{GTIN-14}[/10/{lot}][?17=YYMMDD]. The lot is
// percent-encoded as a path segment; the expiry is added when known.
func DigitalLink(base string, g GTIN, lot string, expires Date) string {
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(base, "/"))
	b.WriteString("/" + AIGTIN + "/" + g.GTIN14())
	if lot != "" {
		b.WriteString("/" + AILot + "/" + escapeGS1(lot))
		if !expires.IsZero() {
			b.WriteString("?" + AIExpires + "=" + expires.t.Format("060102"))
		}
	}
	return b.String()
}

// escapeGS1 percent-encodes everything but letters, digits and -._~, as
// the Digital Link syntax asks for the characters of set 82 a URI path
// cannot carry as they are.
func escapeGS1(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', strings.IndexByte("-._~", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// DigitalLinkKey is what a Digital Link path and query name: the GTIN-14,
// the lot (decoded, "" for the variant itself) and the expiry when given.
type DigitalLinkKey struct {
	GTIN14  string
	Lot     string
	Expires Date
}

// GTIN13 is the GTIN-13 inside the GTIN-14, false when the GTIN-14 is not
// a padded GTIN-13 (its indicator digit names a case or a pallet): the hub
// keeps GTIN-13s only.
func (k DigitalLinkKey) GTIN13() (GTIN, bool) {
	if len(k.GTIN14) != 14 || k.GTIN14[0] != '0' {
		return "", false
	}
	return GTIN(k.GTIN14[1:]), true
}

// ParseDigitalLink reads the path (escaped, as on the wire: "/01/…/10/…")
// and query of a Digital Link request: 14 digits with a right check digit,
// a lot of 1–20 characters of set 82, and an expiry ?17=YYMMDD when given.
// Anything else is invalid_argument. A trailing slash is tolerated.
func ParseDigitalLink(escapedPath string, query url.Values) (DigitalLinkKey, error) {
	parts := strings.Split(strings.Trim(escapedPath, "/"), "/")
	var k DigitalLinkKey
	if len(parts) != 2 && len(parts) != 4 || parts[0] != AIGTIN {
		return k, Errorf(CodeInvalidArgument, "a Digital Link is /01/{GTIN-14} or /01/{GTIN-14}/10/{lot}")
	}
	k.GTIN14 = parts[1]
	if err := validateGTIN14(k.GTIN14); err != nil {
		return k, err
	}
	if len(parts) == 4 {
		if parts[2] != AILot {
			return k, Errorf(CodeInvalidArgument, "only the lot (10) may follow the GTIN, not %q", parts[2])
		}
		lot, err := url.PathUnescape(parts[3])
		if err != nil {
			return k, Errorf(CodeInvalidArgument, "the lot is not percent-encoded properly")
		}
		if err := ValidateLotCode(lot); err != nil {
			return k, err
		}
		k.Lot = lot
	}
	if v, ok := query[AIExpires]; ok {
		t, err := time.Parse("060102", strings.Join(v, ""))
		if err != nil {
			return k, Errorf(CodeInvalidArgument, "17 (expiry) must be YYMMDD")
		}
		k.Expires = DateOf(t)
	}
	return k, nil
}

func validateGTIN14(s string) error {
	if len(s) != 14 || !allDigits(s) {
		return Errorf(CodeInvalidArgument, "the GTIN in a Digital Link must have 14 digits")
	}
	if want := gs1CheckDigit(s[:13]); s[13] != want {
		return Errorf(CodeInvalidArgument, "GTIN-14 check digit is wrong: expected %c, got %c", want, s[13])
	}
	return nil
}

// gs1CheckDigit is the GS1 mod-10 check digit of any key's digits:
// weights 3 and 1 alternate from the right.
func gs1CheckDigit(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}
