package lazada

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"ocophub/connectors/sandbox"
)

// pushBody is a trade order message of the Lazada Push Mechanism.
type pushBody struct {
	SellerID    string   `json:"seller_id"`
	MessageType int      `json:"message_type"`
	Data        pushData `json:"data"`
	Timestamp   int64    `json:"timestamp"`
	Site        string   `json:"site"`
}

type pushData struct {
	OrderStatus      string `json:"order_status"`
	StatusUpdateTime int64  `json:"status_update_time"`
	TradeOrderID     string `json:"trade_order_id"`
	TradeOrderLineID string `json:"trade_order_line_id"`
}

// formatPush renders an order status change as Lazada pushes it: one
// message per change of the order (Lazada sends one per order line; the
// sandbox names the order's first item as trade_order_line_id), signed in
// the Authorization header with lower-case hex
// HMAC-SHA256(app_secret, app_key + body) of the first app.
func (f *front) formatPush(_ string, ev sandbox.PushEvent) ([]byte, http.Header) {
	o := ev.Order
	f.orders.remember(o)
	var line int64
	if len(o.Lines) > 0 {
		line = orderItemID(o.Lines[0].LineID, 0)
	}
	body, _ := json.Marshal(pushBody{
		SellerID: strconv.FormatInt(ev.ShopID, 10), MessageType: 0,
		Data: pushData{OrderStatus: f.lazadaStatus(o), StatusUpdateTime: o.UpdatedAt.Unix(),
			TradeOrderID: strconv.FormatInt(o.ID, 10), TradeOrderLineID: strconv.FormatInt(line, 10)},
		Timestamp: ev.Timestamp.UnixMilli(), Site: "lazada_vn",
	})
	app := f.e.DefaultApp()
	mac := hmac.New(sha256.New, []byte(app.Secret))
	mac.Write([]byte(app.Key))
	mac.Write(body)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Authorization", hex.EncodeToString(mac.Sum(nil)))
	return body, h
}
