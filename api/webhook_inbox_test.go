package api_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
	"ocophub/connectors/driver"
	"ocophub/connectors/lazada"
	"ocophub/connectors/zalo"
)

// TestSignedPushIsNeverRefusedForever: a push whose signature is good but
// whose body the driver cannot read (Lazada's, and Zalo's, whose signature
// is checked before its body is read) is answered 200, kept once as a dead
// letter and counted: refusing it would make the platform send it again
// and again. A signed push sent outside the platform's time window (a
// replay) is refused and nothing is kept; a fresh one is taken, and so
// is one without a timestamp to check, stored once however often it comes.
func TestSignedPushIsNeverRefusedForever(t *testing.T) {
	st := keyedStore(t, store.SQLite)
	f := storetest.NewFixture(t, st, "DL")
	connectedShop(t, st, f.Coop.ID, "5005")
	const lzKey, lzSecret = "100200", "lazada app secret"
	const zaloApp, zaloKey = "3106478529153827461", "the OA secret key"
	srv := newSyncServer(t, st, &api.SyncDeps{Store: st, Tasks: &fakeTasks{}, Drivers: map[catalog.Platform]func(catalog.Shop) driver.Driver{
		catalog.PlatformLazada: func(catalog.Shop) driver.Driver {
			return lazada.New(lazada.Config{AppKey: lzKey, AppSecret: lzSecret}, nil)
		},
		catalog.PlatformZalo: func(catalog.Shop) driver.Driver {
			return zalo.New(zalo.Config{AppID: zaloApp, AppSecret: "app secret", OASecretKey: zaloKey}, nil)
		},
	}})
	postLazada := func(body string) int {
		m := hmac.New(sha256.New, []byte(lzSecret))
		m.Write([]byte(lzKey + body))
		return srv.do("POST", "/webhooks/lazada", strings.NewReader(body), "Authorization", hex.EncodeToString(m.Sum(nil))).Status
	}
	postZalo := func(body, timestamp string) int {
		sum := sha256.Sum256([]byte(zaloApp + body + timestamp + zaloKey))
		return srv.do("POST", "/webhooks/zalo", strings.NewReader(body), zalo.SignatureHeader, hex.EncodeToString(sum[:])).Status
	}
	lazadaPush := func(sent time.Time) string {
		return `{"seller_id":"5005","message_type":0,"data":{"order_status":"pending","status_update_time":` +
			strconv.FormatInt(sent.Unix(), 10) + `,"trade_order_id":"A-1"},"timestamp":` + strconv.FormatInt(sent.UnixMilli(), 10) + `}`
	}
	count := func(what string) (n int64) {
		require.NoError(t, st.DB().Table("webhook_inbox").Where(what).Count(&n).Error)
		return n
	}

	for range 2 {
		require.Equal(t, http.StatusOK, postLazada("nope"), "signed, unreadable: acknowledged")
	}
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	zaloBody := `{"oa_id":{"not":"an id"},"timestamp":"` + ts + `","data":{"order_id":"Z-1"}}`
	require.Equal(t, http.StatusOK, postZalo(zaloBody, ts), "Zalo's signature checked before its body is read")
	require.Equal(t, int64(2), count("dead_at IS NOT NULL"), "one dead letter per body, however often delivered")
	letters, total, err := st.DeadLetters(storetest.Operator(), 10)
	require.NoError(t, err)
	require.Equal(t, int64(2), total)
	require.Contains(t, letters[1].Error, "not a Lazada message", "kept for a person, with why")
	require.Equal(t, float64(2), webhookCount(t, srv.Registry, "lazada", "dead_letter"))
	require.Equal(t, float64(1), webhookCount(t, srv.Registry, "zalo", "dead_letter"))

	for name, sent := range map[string]time.Time{"after Lazada's retries": time.Now().Add(-7 * time.Hour),
		"from the future": time.Now().Add(10 * time.Minute)} {
		require.Equal(t, http.StatusUnauthorized, postLazada(lazadaPush(sent)), name)
	}
	old := strconv.FormatInt(time.Now().Add(-time.Hour).UnixMilli(), 10)
	require.Equal(t, http.StatusUnauthorized, postZalo(`{"oa_id":"77","timestamp":"`+old+`","data":{"order_id":"Z-2","status":2}}`, old))
	require.Equal(t, float64(3), webhookCount(t, srv.Registry, "lazada", "replay")+webhookCount(t, srv.Registry, "zalo", "replay"))
	require.Equal(t, int64(0), count("dead_at IS NULL"), "a replay is not kept")

	require.Equal(t, http.StatusOK, postLazada(lazadaPush(time.Now().Add(-6*time.Hour))), "a retry within Lazada's window")
	require.Equal(t, int64(1), count("dead_at IS NULL"))

	// Signed, with no timestamp to check: accepted on every delivery, and
	// stored once (the event id de-duplicates a replay).
	untimed := `{"seller_id":"5005","message_type":0,"data":{"order_status":"pending","status_update_time":` +
		strconv.FormatInt(time.Now().Unix(), 10) + `,"trade_order_id":"A-2"}}`
	for range 2 {
		require.Equal(t, http.StatusOK, postLazada(untimed), "a push without a timestamp is never refused")
	}
	require.Equal(t, int64(1), count("order_ext_id = 'A-2' AND dead_at IS NULL"))
	require.Equal(t, float64(1), webhookCount(t, srv.Registry, "lazada", "duplicate"))
}

// webhookCount reads ocophub_webhooks_total for a platform and result.
func webhookCount(t *testing.T, reg *prometheus.Registry, platform, result string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != "ocophub_webhooks_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["platform"] == platform && labels["result"] == result {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
