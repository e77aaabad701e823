package zalo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"ocophub/connectors/sandbox"
)

// EventOrderStatusChanged names the push sent when an order is placed or
// changes status. Zalo documents no store webhook: the name and the body
// are the sandbox's choice, shaped like Zalo's OA events.
const EventOrderStatusChanged = "shop_order_status_changed"

// pushBody is the webhook body. timestamp is unix ms as a string, like
// Zalo's OA events; it is also part of the signature.
type pushBody struct {
	AppID     string        `json:"app_id"`
	OAID      string        `json:"oa_id"`
	EventName string        `json:"event_name"`
	Timestamp string        `json:"timestamp"`
	Data      pushOrderData `json:"data"`
}

type pushOrderData struct {
	OrderID    string `json:"order_id"`
	Status     int    `json:"status"`
	UpdateTime int64  `json:"update_time"` // unix ms
}

// pushFormatter renders order events and signs them: X-ZEvent-Signature is
// the lower-case hex SHA-256 (not an HMAC) of app_id + raw body +
// timestamp + OA secret key, with no "mac=" prefix.
func pushFormatter(appID, oaSecretKey string) sandbox.PushFormatter {
	return func(_ string, ev sandbox.PushEvent) ([]byte, http.Header) {
		ts := strconv.FormatInt(ev.Timestamp.UnixMilli(), 10)
		body, _ := json.Marshal(pushBody{AppID: appID, OAID: formatID(ev.ShopID), EventName: EventOrderStatusChanged,
			Timestamp: ts, Data: pushOrderData{OrderID: ev.Order.SN, Status: zaloOrderStatus[ev.Order.Status],
				UpdateTime: ev.Order.UpdatedAt.UnixMilli()}})
		sum := sha256.Sum256([]byte(appID + string(body) + ts + oaSecretKey))
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		h.Set("X-ZEvent-Signature", hex.EncodeToString(sum[:]))
		return body, h
	}
}
