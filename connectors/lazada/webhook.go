package lazada

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"ocophub/connectors/driver"
)

// tradeOrderMessage is the message_type of order status pushes.
const tradeOrderMessage = 0

// push is a Lazada Push Mechanism (LPM) message.
type push struct {
	SellerID    scalar `json:"seller_id"`
	MessageType scalar `json:"message_type"`
	Data        struct {
		OrderStatus      string `json:"order_status"`
		StatusUpdateTime scalar `json:"status_update_time"`
		TradeOrderID     scalar `json:"trade_order_id"`
		TradeOrderLineID scalar `json:"trade_order_line_id"`
	} `json:"data"`
	Timestamp scalar `json:"timestamp"`
}

// ParseWebhook verifies a push — header Authorization is the lower-case
// hex HMAC-SHA256(app_secret, app_key + raw body), compared in constant
// time — and returns its event. A missing or wrong signature is
// CodePermissionDenied; a signed body that is not a push is
// CodeInvalidArgument.
//
// Order pushes (message_type 0) are EventOrderStatus for trade_order_id.
// Lazada sends one per order line and retries unanswered ones, so the
// event ID is order + status + the status's time: every line's push and
// every retry of one change de-duplicate to one event. Other messages are
// EventOther with an id hashed from the body.
func (d *Driver) ParseWebhook(_ string, header http.Header, body []byte) ([]driver.Event, error) {
	sent, err := hex.DecodeString(strings.TrimSpace(header.Get("Authorization")))
	if err != nil || len(sent) != sha256.Size {
		return nil, &driver.Error{Code: driver.CodePermissionDenied, Message: "push without a valid Authorization signature"}
	}
	if !hmac.Equal(sent, pushSignature(d.cfg.AppKey, d.cfg.AppSecret, body)) {
		return nil, &driver.Error{Code: driver.CodePermissionDenied, Message: "push signature does not match"}
	}
	var p push
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, &driver.Error{Code: driver.CodeInvalidArgument, Message: "push body is not a Lazada message", Err: err}
	}
	ev := driver.Event{Kind: driver.EventOther, ShopID: p.SellerID.String(), ID: bodyID(body)}
	if ms, ok := p.Timestamp.int(); ok {
		ev.At = time.UnixMilli(ms)
		ev.SentAt = ev.At
	}
	kind, _ := p.MessageType.int()
	if kind != tradeOrderMessage || p.Data.TradeOrderID == "" {
		return []driver.Event{ev}, nil
	}
	ev.Kind = driver.EventOrderStatus
	ev.OrderID = p.Data.TradeOrderID.String()
	ev.Status = mapStatus(p.Data.OrderStatus)
	if s, ok := p.Data.StatusUpdateTime.int(); ok && s > 0 {
		ev.ID = "lazada:" + ev.OrderID + ":" + strings.ToLower(p.Data.OrderStatus) + ":" + p.Data.StatusUpdateTime.String()
		if ev.At.IsZero() {
			ev.At = time.Unix(s, 0)
		}
	}
	return []driver.Event{ev}, nil
}

// bodyID identifies a push by its body.
func bodyID(body []byte) string {
	sum := sha256.Sum256(body)
	return "lazada:" + hex.EncodeToString(sum[:16])
}
