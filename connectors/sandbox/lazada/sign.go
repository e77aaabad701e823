package lazada

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sign returns Lazada's signature of a call (docId 108068): HMAC-SHA256
// keyed with the app secret over the API path without /rest followed by
// every parameter's name and value in ASCII order of names, as upper-case
// hex. params must not hold sign itself or file parameters. Empty values
// are signed like any other (the sandbox signs what it received).
func Sign(secret, apiPath string, params map[string]string) string {
	return string(appendSign(nil, secret, apiPath, params))
}

// appendSign appends the signature to dst.
func appendSign(dst []byte, secret, apiPath string, params map[string]string) []byte {
	keys := make([]string, 0, len(params))
	n := len(apiPath)
	for k, v := range params {
		if k == "sign" {
			continue
		}
		keys = append(keys, k)
		n += len(k) + len(v)
	}
	slices.Sort(keys)
	base := make([]byte, 0, n)
	base = append(base, apiPath...)
	for _, k := range keys {
		base = append(base, k...)
		base = append(base, params[k]...)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(base)
	var sum [sha256.Size]byte
	var hexSum [2 * sha256.Size]byte
	hex.Encode(hexSum[:], mac.Sum(sum[:0]))
	return append(dst, strings.ToUpper(string(hexSum[:]))...)
}

// signatureMatches compares the expected signature with the sent one in
// constant time. Lazada signs in upper-case hex; lower case does not match.
func signatureMatches(secret, apiPath string, params map[string]string, sent string) bool {
	var buf [2 * sha256.Size]byte
	want := appendSign(buf[:0], secret, apiPath, params)
	return subtle.ConstantTimeCompare(want, []byte(sent)) == 1
}

// maxSkew is how far the timestamp parameter may be from the platform's
// clock (calling-parameters: "should not exceed 7200 seconds").
const maxSkew = 7200 * time.Second

// parseTimestamp reads the timestamp system parameter: milliseconds since
// the epoch ("1517820392000") or ISO 8601 ("2017-11-11T12:00:00Z").
func parseTimestamp(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// timestampFresh reports whether t is within maxSkew of now.
func timestampFresh(t, now time.Time) bool {
	d := now.Sub(t)
	return d <= maxSkew && d >= -maxSkew
}
