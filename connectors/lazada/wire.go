package lazada

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// scalar is a JSON value Lazada writes sometimes as a string, sometimes as
// a number ("12" and 12, "96000.00" and 96000.0; its field tables say
// Number where its examples show strings). Objects and arrays keep their
// JSON text.
type scalar string

func (s *scalar) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		*s = scalar(str)
	case string(b) == "null":
		*s = ""
	default:
		*s = scalar(b)
	}
	return nil
}

func (s scalar) String() string { return strings.TrimSpace(string(s)) }

// int reads a whole number ("12", 12, "12.00").
func (s scalar) int() (int64, bool) { return parseScaled(s.String(), 0) }

// parseScaled reads a decimal number times 10^scale, rounded half away
// from zero, without going through a float for ordinary decimals:
// parseScaled("0.10", 3) = 100 (kg → g), parseScaled("96000.00", 0) =
// 96000 (đồng).
func parseScaled(s string, scale int) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if strings.ContainsAny(s, "eE") { // exponent form: rare, take the float
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, false
		}
		return int64(math.Round(f * math.Pow10(scale))), true
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	for len(frac) < scale+1 {
		frac += "0"
	}
	digits := whole + frac[:scale]
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, false
	}
	for _, c := range frac[scale:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	if frac[scale] >= '5' {
		n++
	}
	if neg {
		n = -n
	}
	return n, true
}

// formatScaled writes v / 10^scale without trailing zeros:
// formatScaled(150, 2) = "1.5".
func formatScaled(v int64, scale int) string {
	s := strconv.FormatInt(v, 10)
	if scale == 0 {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for len(s) <= scale {
		s = "0" + s
	}
	out := s[:len(s)-scale]
	if frac := strings.TrimRight(s[len(s)-scale:], "0"); frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// vnTime is Vietnam's zone: Lazada VN writes order times in it and takes
// ISO 8601 dates with an offset.
var vnTime = time.FixedZone("ICT", 7*3600)

// isoTime writes a date parameter ("2026-11-22T21:30:00+07:00").
func isoTime(t time.Time) string { return t.In(vnTime).Format(time.RFC3339) }

// parseTime reads Lazada's times: "2026-11-22 21:30:00 +0700" on orders,
// ISO 8601 elsewhere, milliseconds since the epoch on products.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02 15:04:05 -0700", time.RFC3339Nano, "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04:05", s, vnTime); err == nil {
		return t
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms)
	}
	return time.Time{}
}
