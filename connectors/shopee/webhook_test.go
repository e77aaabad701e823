package shopee_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/driver"
	"ocophub/connectors/shopee"
)

func TestWebhook(t *testing.T) {
	t.Parallel()
	d := shopee.New(shopee.Config{PartnerID: testPartnerID, PartnerKey: testPartnerKey, ShopID: testShopID}, fixedToken{})
	const callback = "https://hub.example/webhooks/shopee?x=1"
	// Shopee's own sample of an order status push (open.shopee.com, "Push Mechanism").
	orderPush := `{"data":{"items":[],"ordersn":"220810QSK8S7BX","status":"PROCESSED","completed_scenario":"","update_time":1660123127},"shop_id":727720655,"code":3,"timestamp":1660123127}`
	expiryPush := `{"data":{"expire_before":1660723127},"code":12,"timestamp":1660123127}`
	signed := func(url, body string) http.Header {
		return http.Header{"Authorization": {hmacHex(testPartnerKey, url+"|"+body)}}
	}

	t.Run("order status", func(t *testing.T) {
		t.Parallel()
		events, err := d.ParseWebhook(callback, signed(callback, orderPush), []byte(orderPush))
		require.NoError(t, err)
		require.Equal(t, []driver.Event{{Kind: driver.EventOrderStatus, ShopID: "727720655", OrderID: "220810QSK8S7BX",
			Status: driver.OrderShipped, At: time.Unix(1660123127, 0),
			ID: "shopee:727720655:220810QSK8S7BX:PROCESSED:1660123127", SentAt: time.Unix(1660123127, 0)}}, events)
	})
	t.Run("other codes", func(t *testing.T) {
		t.Parallel()
		events, err := d.ParseWebhook(callback, signed(callback, expiryPush), []byte(expiryPush))
		require.NoError(t, err)
		require.Len(t, events, 1)
		require.Equal(t, driver.EventOther, events[0].Kind)
		require.Empty(t, events[0].ShopID, "partner-level pushes name no shop")
		require.True(t, strings.HasPrefix(events[0].ID, "shopee:12:"), events[0].ID)
	})
	refused := []struct {
		name   string
		url    string
		header http.Header
		body   string
	}{
		{"no signature", callback, http.Header{}, orderPush},
		{"not hex", callback, http.Header{"Authorization": {"Bearer xyz"}}, orderPush},
		{"tampered body", callback, signed(callback, orderPush), strings.Replace(orderPush, "PROCESSED", "CANCELLED", 1)},
		{"signed for another URL", callback, signed("https://evil.example/hook", orderPush), orderPush},
		{"signed with another key", callback, http.Header{"Authorization": {hmacHex("other-key", callback+"|"+orderPush)}}, orderPush},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := d.ParseWebhook(tc.url, tc.header, []byte(tc.body))
			require.Equal(t, driver.CodePermissionDenied, driver.CodeOf(err), "%v", err)
		})
	}
}
