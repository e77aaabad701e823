package shopee

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ocophub/connectors/driver"
)

// pushOrderStatus is the push code of an order status change ([SPG-18]).
const pushOrderStatus = 3

// ParseWebhook verifies a push and returns its event. The Authorization
// header must be the hex HMAC-SHA256 (Shopee sends lower case) under the
// partner key of callbackURL + "|" + the raw body, compared in constant
// time; a missing or wrong one is CodePermissionDenied. Code 3 is an EventOrderStatus whose ID is
// shop, order, status and update time (a redelivery of the same change
// has the same ID); other codes are EventOther with a hash of the body as
// ID.
func (d *Driver) ParseWebhook(callbackURL string, header http.Header, body []byte) ([]driver.Event, error) {
	got, err := hex.DecodeString(strings.TrimSpace(header.Get("Authorization")))
	if err != nil || len(got) != sha256.Size {
		return nil, driver.Errorf(driver.CodePermissionDenied, "", "push without a valid Authorization signature")
	}
	mac := hmac.New(sha256.New, []byte(d.cfg.PartnerKey))
	mac.Write([]byte(callbackURL))
	mac.Write([]byte("|"))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return nil, driver.Errorf(driver.CodePermissionDenied, "", "push signature does not match")
	}
	var push struct {
		Code      int             `json:"code"`
		ShopID    int64           `json:"shop_id"`
		Timestamp int64           `json:"timestamp"`
		Data      json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &push); err != nil {
		return nil, &driver.Error{Code: driver.CodeInvalidArgument, Message: "push body is not JSON", Err: err}
	}
	ev := driver.Event{Kind: driver.EventOther, At: time.Unix(push.Timestamp, 0)}
	if push.Timestamp != 0 {
		ev.SentAt = ev.At
	}
	if push.ShopID != 0 {
		ev.ShopID = strconv.FormatInt(push.ShopID, 10)
	}
	if push.Code != pushOrderStatus {
		sum := sha256.Sum256(body)
		ev.ID = "shopee:" + strconv.Itoa(push.Code) + ":" + hex.EncodeToString(sum[:16])
		return []driver.Event{ev}, nil
	}
	var data struct {
		OrderSN    string `json:"ordersn"`
		Status     string `json:"status"`
		UpdateTime int64  `json:"update_time"`
	}
	if err := json.Unmarshal(push.Data, &data); err != nil || data.OrderSN == "" {
		return nil, driver.Errorf(driver.CodeInvalidArgument, "", "order push without ordersn")
	}
	ev.Kind, ev.OrderID, ev.Status = driver.EventOrderStatus, data.OrderSN, orderStatus(data.Status)
	if data.UpdateTime != 0 {
		ev.At = time.Unix(data.UpdateTime, 0)
	}
	ev.ID = "shopee:" + ev.ShopID + ":" + data.OrderSN + ":" + data.Status + ":" + strconv.FormatInt(data.UpdateTime, 10)
	return []driver.Event{ev}, nil
}
