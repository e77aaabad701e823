package worker_test

import (
	"strconv"
	"testing"

	"github.com/bsm/redislock"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/connectors/driver"
	"ocophub/connectors/sandbox"
	"ocophub/worker"
)

// TestPlatformThrottleBrakesTheShop: a Zalo OA that answers only 60 calls/s (bursts of 50),
// below the hub's budget for Zalo. The throttled answers brake the shop's
// budget for reads (shared in Redis); every read still comes back
// (retried after the platform's back-off); braked, the reads no longer run
// into the OA's limit.
func TestPlatformThrottleBrakesTheShop(t *testing.T) {
	h := startHub(t, "phu do")
	zalo := h.platform(catalog.PlatformZalo)
	shop := h.shops[catalog.PlatformZalo]
	engineShop, err := strconv.ParseInt(shop.ExternalID, 10, 64)
	require.NoError(t, err)
	require.NoError(t, zalo.srv.Engine.SetFaults(engineShop, sandbox.Faults{QPS: 60, Burst: 50}))

	limiter := worker.NewRateLimiter(h.rdb)
	channels := &worker.Channels{Store: h.st, Locker: redislock.New(h.rdb),
		Factories: map[catalog.Platform]worker.DriverFactory{catalog.PlatformZalo: zalo.factory}, Limiter: limiter}
	ch, err := channels.For(shop)
	require.NoError(t, err)
	full := worker.RateLimits[catalog.PlatformZalo]
	require.GreaterOrEqual(t, full, 100, "the test needs a budget above the OA's 60 calls/s, and half of it below")

	read := func(round int) (throttled int) {
		var refs []driver.StockRef
		for i := range 150 {
			refs = append(refs, driver.StockRef{SellerSKU: "NOT-LISTED-" + strconv.Itoa(round) + "-" + strconv.Itoa(i)})
		}
		levels, err := ch.GetStock(h.ctx, refs)
		require.NoError(t, err)
		require.Len(t, levels, len(refs))
		for _, lv := range levels {
			if driver.CodeOf(lv.Err) == driver.CodeResourceExhausted {
				throttled++
				continue
			}
			require.Equal(t, driver.CodeNotFound, driver.CodeOf(lv.Err), "%v", lv.Err)
		}
		return throttled
	}
	// The first round runs into the OA's limit: some reads may run out of
	// attempts while the budget comes down.
	first := read(1)
	braked := limiter.BudgetOf(h.ctx, shop, "read")
	require.Less(t, braked, full, "the throttled answers halved the read budget")
	require.Equal(t, full, limiter.BudgetOf(h.ctx, shop, "write"), "writes keep theirs")
	// Braked, the shop's reads all come back.
	require.Zero(t, read(2), "reads that failed once braked (first round: %d of 150, budget %d/s)", first, braked)
	t.Logf("first round: %d of 150 reads throttled out; budget braked to %d calls/s", first, limiter.BudgetOf(h.ctx, shop, "read"))
}
