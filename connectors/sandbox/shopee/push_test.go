package shopee_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/sandbox"
)

type received struct {
	header http.Header
	body   []byte
}

// callback is the app's push receiver.
func callback(t testing.TB) (*httptest.Server, chan received) {
	ch := make(chan received, 64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ch <- received{header: r.Header.Clone(), body: body}
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

// verify is the receiver's check, written from Shopee's push guide:
// Authorization = hex HMAC-SHA256(partner_key, url + "|" + raw body).
func verify(key, callbackURL string, r received) bool {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(callbackURL + "|"))
	mac.Write(r.body)
	return hmac.Equal([]byte(r.header.Get("Authorization")), []byte(hex.EncodeToString(mac.Sum(nil))))
}

type orderPushBody struct {
	Data struct {
		Items      []any  `json:"items"`
		OrderSN    string `json:"ordersn"`
		Status     string `json:"status"`
		UpdateTime int64  `json:"update_time"`
	} `json:"data"`
	ShopID    int64 `json:"shop_id"`
	Code      int   `json:"code"`
	Timestamp int64 `json:"timestamp"`
}

func (s *sb) setPushConfig(t testing.TB, callbackURL string) {
	t.Helper()
	var out struct {
		Result string `json:"result"`
	}
	s.call(http.MethodPost, s.publicURL("/api/v2/push/set_app_push_config", nil), map[string]any{
		"callback_url": callbackURL, "set_push_config_on": []int{3}}).ok(t, &out)
	require.Equal(t, "success", out.Result)
}

func TestOrderPushIsSigned(t *testing.T) {
	t.Parallel()
	s := start(t)
	srv, pushes := callback(t)
	sh := s.connect("HTX")
	sh.addItem(t, "Cam Cao Phong", "CAM", 40000, 5)
	s.call(http.MethodPost, s.publicURL("/api/v2/push/set_app_push_config", nil), map[string]any{}).
		fails(t, http.StatusBadRequest, "error_param", "callback_url")
	hook := srv.URL + "/shopee/push?tenant=7"
	s.setPushConfig(t, hook)

	o, status := sh.buy(t, "CAM", 1)
	require.Equal(t, http.StatusOK, status)
	var got received
	select {
	case got = <-pushes:
	case <-time.After(5 * time.Second):
		t.Fatal("no push")
	}
	require.True(t, verify(s.key, hook, got), "Authorization verifies with the partner key")
	require.False(t, verify("other-key", hook, got))
	require.False(t, verify(s.key, srv.URL+"/shopee/push", got), "the full callback URL is signed")
	var body orderPushBody
	require.NoError(t, json.Unmarshal(got.body, &body))
	require.Equal(t, 3, body.Code)
	require.Equal(t, sh.id, body.ShopID)
	require.Equal(t, o.SN, body.Data.OrderSN)
	require.Equal(t, "READY_TO_SHIP", body.Data.Status)
	require.NotNil(t, body.Data.Items)
	require.Equal(t, s.clock.Now().Unix(), body.Timestamp)
	require.Contains(t, string(got.body), `"completed_scenario":""`)
}

func TestLostPushesAreServedAndConfirmed(t *testing.T) {
	t.Parallel()
	s := start(t)
	srv, pushes := callback(t)
	sh := s.connect("HTX")
	sh.addItem(t, "Nhãn lồng", "NHAN", 40000, 5)
	s.setPushConfig(t, srv.URL)
	require.Equal(t, http.StatusOK, s.control(shopPath(sh.id, "/push"), map[string]any{"enabled": false}, nil))

	o, status := sh.buy(t, "NHAN", 1)
	require.Equal(t, http.StatusOK, status)
	type lost struct {
		PushMessageList []struct {
			ShopID    int64  `json:"shop_id"`
			Code      int    `json:"code"`
			Timestamp int64  `json:"timestamp"`
			Data      string `json:"data"`
		} `json:"push_message_list"`
		HasNextPage   bool  `json:"has_next_page"`
		LastMessageID int64 `json:"last_message_id"`
	}
	var msgs lost
	require.Eventually(t, func() bool {
		s.call(http.MethodGet, s.publicURL("/api/v2/push/get_lost_push_message", nil), nil).ok(t, &msgs)
		return len(msgs.PushMessageList) == 1
	}, 5*time.Second, 10*time.Millisecond)
	m := msgs.PushMessageList[0]
	require.Equal(t, sh.id, m.ShopID)
	require.Equal(t, 3, m.Code)
	require.False(t, msgs.HasNextPage)
	require.NotZero(t, msgs.LastMessageID)
	var body orderPushBody
	require.NoError(t, json.Unmarshal([]byte(m.Data), &body), "data is the push as a JSON string")
	require.Equal(t, o.SN, body.Data.OrderSN)
	require.Empty(t, pushes, "nothing reached the callback")

	s.call(http.MethodPost, s.publicURL("/api/v2/push/confirm_consumed_lost_push_message", nil),
		map[string]any{"last_message_id": msgs.LastMessageID}).ok(t, nil)
	s.call(http.MethodGet, s.publicURL("/api/v2/push/get_lost_push_message", nil), nil).ok(t, &msgs)
	require.Empty(t, msgs.PushMessageList)
}

func TestFaults(t *testing.T) {
	t.Parallel()
	s := start(t)
	tests := []struct {
		name   string
		faults sandbox.Faults
		check  func(t *testing.T, sh *shop)
	}{
		{"throttled", sandbox.Faults{QPS: 1}, func(t *testing.T, sh *shop) {
			sh.get("/api/v2/product/get_item_list", listParams).ok(t, nil)
			sh.get("/api/v2/product/get_item_list", listParams).
				fails(t, http.StatusTooManyRequests, "error_system_busy", "try later")
		}},
		{"server errors", sandbox.Faults{ErrorRate: 1}, func(t *testing.T, sh *shop) {
			sh.get("/api/v2/product/get_item_list", listParams).fails(t, http.StatusInternalServerError, "error_server", "")
		}},
		{"timeout the client gives up on", sandbox.Faults{TimeoutRate: 1, TimeoutAfterMS: 200}, func(t *testing.T, sh *shop) {
			client := &http.Client{Timeout: 50 * time.Millisecond}
			_, err := client.Get(sh.shopURL("/api/v2/product/get_item_list", listParams))
			var ne net.Error
			require.True(t, errors.As(err, &ne) && ne.Timeout(), "client timeout, got %v", err)
		}},
		{"timeout the client waits out", sandbox.Faults{TimeoutRate: 1, TimeoutAfterMS: 200}, func(t *testing.T, sh *shop) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, sh.shopURL("/api/v2/product/get_item_list", listParams), nil)
			began := time.Now()
			sh.send(req).fails(t, http.StatusGatewayTimeout, "error_inner", "")
			require.GreaterOrEqual(t, time.Since(began), 200*time.Millisecond)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sh := s.connect("HTX " + tc.name)
			require.Equal(t, http.StatusOK, s.control(shopPath(sh.id, "/faults"), tc.faults, nil))
			tc.check(t, sh)
			// Public APIs have no shop, so no shop faults.
			s.call(http.MethodGet, s.publicURL("/api/v2/push/get_lost_push_message", nil), nil).ok(t, nil)
		})
	}
}
