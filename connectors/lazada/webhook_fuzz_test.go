package lazada_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"ocophub/connectors/drivertest"
	"ocophub/connectors/lazada"
)

// FuzzParseWebhook: Lazada signs app key + raw body with the app secret
// (HMAC-SHA256, hex) in Authorization. Seeds in testdata/fuzz.
func FuzzParseWebhook(f *testing.F) {
	const appKey, secret = "100200", "fuzz-app-secret"
	mac := func(body []byte) []byte {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(appKey))
		m.Write(body)
		return m.Sum(nil)
	}
	drivertest.FuzzWebhook(f, drivertest.WebhookFuzz{
		Driver: lazada.New(lazada.Config{AppKey: appKey, AppSecret: secret}, nil),
		Header: "Authorization",
		Sign: func(_ string, body []byte) http.Header {
			return http.Header{"Authorization": {hex.EncodeToString(mac(body))}}
		},
		Valid: func(_ string, h http.Header, body []byte) bool {
			got, err := hex.DecodeString(strings.TrimSpace(h.Get("Authorization")))
			return err == nil && hmac.Equal(got, mac(body))
		},
		Seeds: [][]byte{
			[]byte(`{"seller_id":"1001","message_type":0,"data":{"order_status":"pending","status_update_time":1700000000,"trade_order_id":"260001","trade_order_line_id":"1"},"timestamp":1700000000000}`),
			[]byte(`{"seller_id":1001,"message_type":"0","data":{"order_status":"canceled","trade_order_id":260002},"timestamp":"1700000000000"}`),
			[]byte(`{"seller_id":"1001","message_type":3,"data":{}}`),
		},
	})
}
