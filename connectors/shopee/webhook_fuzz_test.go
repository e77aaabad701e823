package shopee_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"ocophub/connectors/drivertest"
	"ocophub/connectors/shopee"
)

// FuzzParseWebhook: Shopee signs the callback URL, "|" and the raw body
// with the partner key (HMAC-SHA256, hex). Seeds in testdata/fuzz.
func FuzzParseWebhook(f *testing.F) {
	const key = "fuzz-partner-key"
	mac := func(callbackURL string, body []byte) []byte {
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte(callbackURL + "|"))
		m.Write(body)
		return m.Sum(nil)
	}
	drivertest.FuzzWebhook(f, drivertest.WebhookFuzz{
		Driver: shopee.New(shopee.Config{PartnerID: 1, PartnerKey: key}, nil),
		Header: "Authorization",
		Sign: func(callbackURL string, body []byte) http.Header {
			return http.Header{"Authorization": {hex.EncodeToString(mac(callbackURL, body))}}
		},
		Valid: func(callbackURL string, h http.Header, body []byte) bool {
			got, err := hex.DecodeString(strings.TrimSpace(h.Get("Authorization")))
			return err == nil && hmac.Equal(got, mac(callbackURL, body))
		},
		Seeds: [][]byte{
			[]byte(`{"data":{"items":[],"ordersn":"220810QSK8S7BX","status":"PROCESSED","completed_scenario":"","update_time":1660123127},"shop_id":727720655,"code":3,"timestamp":1660123127}`),
			[]byte(`{"data":{"expire_before":1660723127},"code":12,"timestamp":1660123127}`),
			[]byte(`{"code":3,"shop_id":1,"data":{"ordersn":""}}`),
		},
	})
}
