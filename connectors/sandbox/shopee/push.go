package shopee

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"ocophub/connectors/sandbox"
)

// Push codes ([SPG-18]); the engine only raises order status changes.
const pushOrderStatus = 3

// orderPush is the body of an order status push (code 3), field order as
// in Shopee's sample.
type orderPush struct {
	Data struct {
		Items             []any  `json:"items"`
		OrderSN           string `json:"ordersn"`
		Status            string `json:"status"`
		CompletedScenario string `json:"completed_scenario"`
		UpdateTime        int64  `json:"update_time"`
	} `json:"data"`
	ShopID    int64 `json:"shop_id"`
	Code      int   `json:"code"`
	Timestamp int64 `json:"timestamp"`
}

// pushFormatter renders pushes as Shopee does: the JSON body, and the
// Authorization header = lower-case hex HMAC-SHA256(partner_key,
// callback_url + "|" + body) with the first app's partner_key.
func pushFormatter(e *sandbox.Engine) sandbox.PushFormatter {
	return func(url string, ev sandbox.PushEvent) ([]byte, http.Header) {
		var p orderPush
		p.Data.Items = []any{}
		p.Data.OrderSN = ev.Order.SN
		p.Data.Status = orderStatusName(ev.Order.Status)
		p.Data.UpdateTime = ev.Order.UpdatedAt.Unix()
		p.ShopID, p.Code, p.Timestamp = ev.ShopID, pushOrderStatus, ev.Timestamp.Unix()
		body, _ := json.Marshal(p)
		return body, http.Header{
			"Content-Type":  {"application/json"},
			"Authorization": {PushSignature(e.DefaultApp().Secret, url, body)},
		}
	}
}

// PushSignature is the Authorization header of a push to callbackURL with
// the raw body: what a receiver recomputes to verify it.
func PushSignature(partnerKey, callbackURL string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(partnerKey))
	mac.Write([]byte(callbackURL + "|"))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// setAppPushConfig is v2.push.set_app_push_config. Code 3 (order status)
// is the only push the sandbox sends: turning it off sends order pushes to
// the lost-push list instead. blocked_shop_id_list is accepted and not
// applied (per-shop switches are in the control API). The platform's POST
// that verifies a new callback URL is not simulated.
func (f *front) setAppPushConfig(c *call) (any, error) {
	var in struct {
		CallbackURL      string  `json:"callback_url"`
		SetPushConfigOn  []int   `json:"set_push_config_on"`
		SetPushConfigOff []int   `json:"set_push_config_off"`
		BlockedShopIDs   []int64 `json:"blocked_shop_id_list"`
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if len(in.BlockedShopIDs) > 500 {
		return nil, errDetail(c.module, "blocked_shop_id_list has more than 500 shop ids.")
	}
	f.push.mu.Lock()
	defer f.push.mu.Unlock()
	if in.CallbackURL != "" {
		if _, err := parseRedirect(in.CallbackURL); err != nil {
			return nil, errDetail(c.module, "callback_url must be an absolute URL.")
		}
		f.push.url = in.CallbackURL
	}
	if f.push.url == "" {
		return nil, errDetail(c.module, "callback_url is required.")
	}
	switch {
	case slices.Contains(in.SetPushConfigOff, pushOrderStatus):
		f.push.orderOff = true
	case slices.Contains(in.SetPushConfigOn, pushOrderStatus):
		f.push.orderOff = false
	}
	f.e.SetPushTarget(f.push.url, !f.push.orderOff)
	return map[string]string{"result": "success"}, nil
}

// lostPushAge is how long the platform keeps lost pushes.
const lostPushAge = 3 * 24 * time.Hour

// getLostPushMessage is v2.push.get_lost_push_message: the earliest 100
// unconfirmed lost pushes of the last 3 days. `data` is the push body as a
// string, as in Shopee's sample.
func (f *front) getLostPushMessage(c *call) (any, error) {
	msgs, more := f.e.LostPushes(100)
	type message struct {
		ShopID    int64  `json:"shop_id"`
		Code      int    `json:"code"`
		Timestamp int64  `json:"timestamp"`
		Data      string `json:"data"`
	}
	out := struct {
		PushMessageList []message `json:"push_message_list"`
		HasNextPage     bool      `json:"has_next_page"`
		LastMessageID   int64     `json:"last_message_id"`
	}{PushMessageList: make([]message, 0, len(msgs)), HasNextPage: more}
	oldest := f.e.Now().Add(-lostPushAge)
	for _, lp := range msgs {
		out.LastMessageID = lp.ID
		if lp.Timestamp.Before(oldest) {
			continue
		}
		out.PushMessageList = append(out.PushMessageList, message{ShopID: lp.ShopID, Code: pushOrderStatus,
			Timestamp: lp.Timestamp.Unix(), Data: string(lp.Body)})
	}
	return out, nil
}

// confirmLostPushMessage is v2.push.confirm_consumed_lost_push_message.
func (f *front) confirmLostPushMessage(c *call) (any, error) {
	var in struct {
		LastMessageID flexInt `json:"last_message_id"`
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if !in.LastMessageID.Set || in.LastMessageID.V <= 0 {
		return nil, errMissing(c.module, "LastMessageId")
	}
	f.e.ConfirmLostPushes(in.LastMessageID.V)
	return nil, nil
}
