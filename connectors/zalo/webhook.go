package zalo

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"ocophub/connectors/driver"
)

// SignatureHeader carries a push's signature.
const SignatureHeader = "X-ZEvent-Signature"

// pushBody is what the driver reads of a push: Zalo's OA event shape, with
// the order in data (the store event is the sandbox's documented choice).
type pushBody struct {
	EventID   flexString `json:"event_id"`
	OAID      flexString `json:"oa_id"`
	EventName string     `json:"event_name"`
	Timestamp flexString `json:"timestamp"` // unix ms; part of the signature
	Data      struct {
		OrderID    flexString `json:"order_id"`
		Status     flexInt    `json:"status"`
		UpdateTime flexInt    `json:"update_time"`
	} `json:"data"`
}

// signature is a push's X-ZEvent-Signature: lower-case hex SHA-256 (not an
// HMAC) of app id + raw body + the body's timestamp + OA secret key.
func signature(appID string, body []byte, timestamp, oaSecretKey string) string {
	h := sha256.New()
	h.Write([]byte(appID))
	h.Write(body)
	h.Write([]byte(timestamp))
	h.Write([]byte(oaSecretKey))
	return hex.EncodeToString(h.Sum(nil))
}

// ParseWebhook verifies X-ZEvent-Signature on the raw body (an optional
// "mac=" prefix is accepted) in constant time and returns the push's
// event: EventOrderStatus when it names an order, else EventOther. Event
// IDs are Zalo's event_id, or the SHA-256 of the body (the same push
// retried has the same body). A bad or missing signature, or a body the
// signature cannot be checked on, is CodePermissionDenied. The signature
// is checked before the body is read: only its timestamp, which the
// signature covers, is taken out first, so a signed body the driver cannot
// read is CodeInvalidArgument (the hub keeps it) and never taken for a
// forgery. callbackURL is not signed by Zalo.
func (d *Driver) ParseWebhook(_ string, header http.Header, body []byte) ([]driver.Event, error) {
	denied := func(why string) ([]driver.Event, error) {
		return nil, driver.Errorf(driver.CodePermissionDenied, "bad_signature", "Zalo push refused: %s", why)
	}
	if d.cfg.OASecretKey == "" {
		return denied("no OA secret key is configured")
	}
	got := strings.ToLower(strings.TrimSpace(header.Get(SignatureHeader)))
	got = strings.TrimPrefix(got, "mac=")
	if got == "" {
		return denied("no " + SignatureHeader)
	}
	var signed struct {
		Timestamp flexString `json:"timestamp"`
	}
	if err := json.Unmarshal(body, &signed); err != nil || signed.Timestamp == "" {
		return denied("the body carries no timestamp to check the signature with")
	}
	want := signature(d.cfg.AppID, body, string(signed.Timestamp), d.cfg.OASecretKey)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return denied("signature does not match")
	}
	var p pushBody
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, &driver.Error{Code: driver.CodeInvalidArgument, Message: "signed push body is not a Zalo event", Err: err}
	}

	ev := driver.Event{Kind: driver.EventOther, ShopID: string(p.OAID), ID: string(p.EventID)}
	if ev.ID == "" {
		sum := sha256.Sum256(body)
		ev.ID = hex.EncodeToString(sum[:])
	}
	ev.At = unixTime(flexIntOf(string(p.Timestamp)))
	ev.SentAt = ev.At
	if p.Data.OrderID != "" {
		ev.Kind, ev.OrderID, ev.Status = driver.EventOrderStatus, string(p.Data.OrderID), orderStatus[int(p.Data.Status)]
		if t := unixTime(p.Data.UpdateTime); !t.IsZero() {
			ev.At = t
		}
	}
	return []driver.Event{ev}, nil
}

func flexIntOf(s string) flexInt {
	var n flexInt
	_ = n.UnmarshalJSON([]byte(s))
	return n
}
