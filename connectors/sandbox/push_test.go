package sandbox_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/sandbox"
)

// snFormatter renders a push as the order's SN and status.
func snFormatter(_ string, ev sandbox.PushEvent) ([]byte, http.Header) {
	return []byte(ev.Order.SN + " " + ev.Order.Status), http.Header{"Content-Type": {"text/plain"}}
}

func buyOne(t *testing.T, e *sandbox.Engine, shopID int64) sandbox.Order {
	t.Helper()
	o, err := e.PlaceOrder(shopID, "buyer", []sandbox.Buy{{SKU: sandbox.SKURef{SellerSKU: "CHE-100G"}, Quantity: 1}}, "")
	require.NoError(t, err)
	return o
}

// TestLostPushIsRecordedAtOnce: a push that cannot be sent is a lost push
// the moment the order changes, with its body.
func TestLostPushIsRecordedAtOnce(t *testing.T) {
	e := newEngine(t, newClock())
	e.SetPushFormatter(snFormatter)
	shop := e.CreateShop("HTX", "")
	newListing(t, e, shop.ID, 500)
	require.NoError(t, e.SetShopPush(shop.ID, false))
	for i := 1; i <= 300; i++ {
		o := buyOne(t, e, shop.ID)
		msgs, _ := e.LostPushes(1000)
		require.Len(t, msgs, i, "push %d is lost as soon as its order changed", i)
		require.Equal(t, o.SN+" ready_to_ship", string(msgs[i-1].Body))
	}
	first, _ := e.LostPushes(1)
	again, _ := e.LostPushes(1)
	require.Equal(t, first, again, "a lost push reads the same every time")
}

// TestSlowCallbackDoesNotHoldBackOtherPushes: while the app is slow to
// answer one push, the next ones are still delivered.
func TestSlowCallbackDoesNotHoldBackOtherPushes(t *testing.T) {
	e := newEngine(t, newClock())
	e.SetPushFormatter(snFormatter)
	shop := e.CreateShop("HTX", "")
	newListing(t, e, shop.ID, 10)
	release := make(chan struct{})
	var slowSN atomic.Value
	slowSN.Store("")
	var mu sync.Mutex
	got := map[string]bool{}
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sn, _, _ := strings.Cut(string(body), " ")
		if sn == slowSN.Load().(string) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		mu.Lock()
		got[sn] = true
		mu.Unlock()
	}))
	defer cb.Close()
	defer close(release)
	e.SetPushTarget(cb.URL, true)

	slow := buyOne(t, e, shop.ID)
	slowSN.Store(slow.SN)
	// The slow push may be taken before slowSN is set; push it again.
	_, err := e.SetOrderStatus(shop.ID, slow.SN, sandbox.OrderCancelled, "buyer")
	require.NoError(t, err)
	var others []string
	for range 3 {
		others = append(others, buyOne(t, e, shop.ID).SN)
	}
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, sn := range others {
			if !got[sn] {
				return false
			}
		}
		return true
	}, 2*time.Second, 5*time.Millisecond, "pushes of other orders arrive while one callback hangs")
}

// TestCloseStopsRetriesAndWaitsForDeliveries: Close cancels a delivery in
// flight and the retries scheduled; nothing is delivered after it returns.
func TestCloseStopsRetriesAndWaitsForDeliveries(t *testing.T) {
	e := newEngine(t, newClock())
	e.SetPushFormatter(snFormatter)
	shop := e.CreateShop("HTX", "")
	newListing(t, e, shop.ID, 10)
	var attempts atomic.Int32
	retrying := make(chan struct{})
	release := make(chan struct{})
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		if attempts.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // the retry comes from a timer
			return
		}
		close(retrying)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer cb.Close()
	e.SetPushTarget(cb.URL, true)
	buyOne(t, e, shop.ID)
	select {
	case <-retrying:
	case <-time.After(5 * time.Second):
		t.Fatal("the push was never retried")
	}

	closed := make(chan struct{})
	go func() { e.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(3 * time.Second):
		close(release)
		t.Fatal("Close did not stop the delivery in flight")
	}
	before := e.State().Push
	close(release)
	time.Sleep(100 * time.Millisecond)
	require.Equal(t, before, e.State().Push, "nothing is delivered, retried or lost after Close")
	require.Zero(t, before.Delivered)
	require.Equal(t, int32(2), attempts.Load())
}
