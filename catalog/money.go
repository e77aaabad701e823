package catalog

import (
	"strconv"
	"strings"
)

// VND is an amount of Vietnamese đồng. The đồng has no minor unit in use, so
// money is always a whole int64: no floats anywhere near a price.
type VND int64

// ParseVND reads "95000", "95.000", "95,000", "95.000 ₫" or "95000đ". A
// decimal part ("95000,00") is an error, never silently read as more đồng.
func ParseVND(s string) (VND, error) {
	t := strings.TrimSpace(s)
	for _, suffix := range []string{"₫", "đ", "VND", "vnd"} {
		t = strings.TrimSpace(strings.TrimSuffix(t, suffix))
	}
	n, ok := parseGroupedInt(t)
	if !ok {
		return 0, Errorf(CodeInvalidArgument, "%q is not a whole number of đồng", s)
	}
	v := VND(n)
	return v, v.Validate()
}

// parseGroupedInt reads an optionally signed integer whose digits may be
// grouped by thousands with one kind of separator ('.', ',', space or
// no-break space). Every group after the first must have exactly three
// digits, so a decimal part such as "95000,00" (a Vietnamese Excel export)
// is refused instead of being read as 9.500.000.
func parseGroupedInt(t string) (int64, bool) {
	neg := false
	if rest, ok := strings.CutPrefix(t, "-"); ok {
		neg, t = true, rest
	} else {
		t = strings.TrimPrefix(t, "+")
	}
	var (
		digits   = make([]byte, 0, len(t))
		sep      rune
		group    int // digits since the last separator
		grouped  bool
		validSep = func(r rune) bool { return r == '.' || r == ',' || r == ' ' || r == '\u00a0' }
	)
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
			group++
		case validSep(r):
			switch {
			case !grouped && (group == 0 || group > 3):
				return 0, false
			case grouped && (r != sep || group != 3):
				return 0, false
			}
			sep, grouped, group = r, true, 0
		default:
			return 0, false
		}
	}
	if len(digits) == 0 || grouped && group != 3 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// Validate rejects negative amounts.
func (v VND) Validate() error {
	if v < 0 {
		return Errorf(CodeInvalidArgument, "amount must not be negative")
	}
	return nil
}

// String formats the amount the Vietnamese way: "95.000 ₫".
func (v VND) String() string {
	n := int64(v)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return sign + b.String() + " ₫"
}
