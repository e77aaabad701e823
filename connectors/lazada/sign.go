package lazada

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"
	"strings"
)

// Sign is Lazada's request signature (signature-algorithm, docId 108068):
// HMAC-SHA256 keyed with the app secret over the API path without /rest
// followed by every parameter's name and value in ASCII order of names,
// written as upper-case hex. params are all the request's parameters —
// system ones and business ones, payload included — except sign itself and
// file parts.
func Sign(secret, apiPath string, params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "sign" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, apiPath)
	for _, k := range keys {
		io.WriteString(mac, k)
		io.WriteString(mac, params[k])
	}
	return strings.ToUpper(hex.EncodeToString(mac.Sum(nil)))
}

// pushSignature is the Authorization header of a push (LPM): lower-case
// hex HMAC-SHA256(app_secret, app_key + raw body).
func pushSignature(appKey, appSecret string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write([]byte(appKey))
	mac.Write(body)
	return mac.Sum(nil)
}
