package worker_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors/sandbox"
	"ocophub/worker"
)

// TestStoredPushGivesUpAfterItsAttempts: a stored push whose order the
// channel cannot give (every call fails) is queued again after a growing
// back-off, each attempt counted, and after the last it is a dead letter
// with the channel's error, counted in ocophub_inbox_dead_letters_total.
// A push for a shop unknown here, or known but disconnected, is a dead
// letter at once.
func TestStoredPushGivesUpAfterItsAttempts(t *testing.T) {
	h := startMemHub(t)
	shop := h.connect(t, "Failing")
	ext, _ := strconv.ParseInt(shop.ExternalID, 10, 64)
	require.NoError(t, h.engine.SetFaults(ext, sandbox.Faults{ErrorRate: 1}))
	reg := prometheus.NewRegistry()
	reg.MustRegister(worker.Collectors()...)
	before := counterSum(t, reg, "ocophub_inbox_dead_letters_total", "")
	_, _, err := h.st.InboxAdd(h.ctx, catalog.PlatformMem, "ev-1", shop.ExternalID, "ORDER-1", []byte(`{}`))
	require.NoError(t, err)
	_, _, err = h.st.InboxAdd(h.ctx, catalog.PlatformMem, "ev-2", "999999", "ORDER-2", []byte(`{}`))
	require.NoError(t, err)
	gone := h.connect(t, "Disconnected")
	require.NoError(t, h.st.SetShopConnected(h.ctx, gone.ID, false))
	_, _, err = h.st.InboxAdd(h.ctx, catalog.PlatformMem, "ev-3", gone.ExternalID, "ORDER-3", []byte(`{}`))
	require.NoError(t, err)

	h.run(t, func(c *worker.Config) { c.InboxMaxAttempts, c.InboxBackoff = 3, 100*time.Millisecond })
	var letters []store.InboxEvent
	waitFor(t, "all three pushes given up", 60*time.Second, func() error {
		var err error
		if letters, _, err = h.st.DeadLetters(h.ctx, 10); err != nil || len(letters) < 3 {
			return fmt.Errorf("%d dead letters (%v)", len(letters), err)
		}
		return nil
	})
	byEvent := map[string]store.InboxEvent{}
	for _, l := range letters {
		byEvent[l.EventID] = l
	}
	require.Equal(t, 3, byEvent["ev-1"].Attempts, "three attempts, then given up")
	require.Contains(t, byEvent["ev-1"].Error, "unavailable", "why: the channel's error")
	require.Contains(t, byEvent["ev-2"].Error, "no shop 999999 is connected here")
	require.Contains(t, byEvent["ev-3"].Error, "no shop "+gone.ExternalID+" is connected here", "disconnected: given up at once")
	require.Equal(t, 2, byEvent["ev-3"].Attempts, "the webhook's attempt and the sweep's first look")
	require.Equal(t, before+3, counterSum(t, reg, "ocophub_inbox_dead_letters_total", ""))
}
