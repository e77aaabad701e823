package zalo_test

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"ocophub/connectors/drivertest"
	"ocophub/connectors/zalo"
)

// FuzzParseWebhook: Zalo's X-ZEvent-Signature is hex SHA-256 of app id +
// raw body + the body's timestamp + the OA secret key (not an HMAC), with
// an optional "mac=" prefix. Seeds in testdata/fuzz.
func FuzzParseWebhook(f *testing.F) {
	const appID, secret = "4321", "fuzz-oa-secret"
	signature := func(body []byte) (string, bool) {
		var p struct {
			Timestamp json.RawMessage `json:"timestamp"`
		}
		if json.Unmarshal(body, &p) != nil {
			return "", false
		}
		var ts string
		if json.Unmarshal(p.Timestamp, &ts) != nil {
			var n json.Number
			if json.Unmarshal(p.Timestamp, &n) != nil {
				return "", false
			}
			ts = n.String()
		}
		if ts == "" {
			return "", false
		}
		sum := sha256.Sum256([]byte(appID + string(body) + ts + secret))
		return hex.EncodeToString(sum[:]), true
	}
	drivertest.FuzzWebhook(f, drivertest.WebhookFuzz{
		Driver: zalo.New(zalo.Config{BaseURL: "http://127.0.0.1:1", AppID: appID, AppSecret: "app-secret", OASecretKey: secret}, nil),
		Header: zalo.SignatureHeader,
		Sign: func(_ string, body []byte) http.Header {
			sig, _ := signature(body)
			return http.Header{zalo.SignatureHeader: {"mac=" + sig}}
		},
		Valid: func(_ string, h http.Header, body []byte) bool {
			want, ok := signature(body)
			got := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(h.Get(zalo.SignatureHeader))), "mac=")
			return ok && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
		},
		Seeds: [][]byte{
			[]byte(`{"event_id":"ev-1","oa_id":"579745863508352884","event_name":"shop_has_order","timestamp":"1700000000000","data":{"order_id":"z-9","status":2,"update_time":1700000000}}`),
			[]byte(`{"oa_id":579745863508352884,"event_name":"user_send_text","timestamp":1700000000000,"data":{}}`),
			[]byte(`{"timestamp":"1","data":{"order_id":7,"status":"3"}}`),
		},
	})
}
