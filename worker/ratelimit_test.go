package worker

import (
	"cmp"
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// redisAddr is the test Redis (TEST_REDIS_ADDR, default the local one).
var redisAddr = cmp.Or(os.Getenv("TEST_REDIS_ADDR"), "127.0.0.1:6379")

// rateRedis is the rate tests' Redis DB (13; its keys are per test shop).
func rateRedis(t *testing.T) *redis.Client {
	url := os.Getenv("TEST_RATE_REDIS_URL")
	if url == "" {
		url = "redis://" + redisAddr + "/13"
	}
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	require.NoError(t, rdb.Ping(context.Background()).Err(), "Redis at %s (run `make test`, which starts it)", url)
	return rdb
}

// TestShopRateIsSharedAcrossWorkers: two workers (two limiters on the same
// Redis) calling one shop at 20 calls/s share the budget: 60 calls need at
// least two seconds after the first burst of 20, however fast the machine.
func TestShopRateIsSharedAcrossWorkers(t *testing.T) {
	rdb := rateRedis(t)
	shop := catalog.Shop{ID: time.Now().UnixNano(), Platform: catalog.PlatformShopee}
	waits := []func(context.Context, string) error{
		NewRateLimiter(rdb).forShop(shop, 20).wait,
		NewRateLimiter(rdb).forShop(shop, 20).wait,
	}
	start := time.Now()
	var wg sync.WaitGroup
	for _, wait := range waits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				require.NoError(t, wait(context.Background(), "set_stock"))
			}
		}()
	}
	wg.Wait()
	require.GreaterOrEqual(t, time.Since(start), 1900*time.Millisecond, "60 calls at 20/s with a burst of 20")
	rdb.Del(context.Background(), "rate:ocophub:rate:"+shop.Key()+":write") // redis_rate prefixes its keys
}

// TestOrdersDoNotWaitBehindPushes: a shop whose stock-write budget is spent
// still brings orders in at once; the kinds of API have their own budgets.
func TestOrdersDoNotWaitBehindPushes(t *testing.T) {
	rdb := rateRedis(t)
	shop := catalog.Shop{ID: time.Now().UnixNano(), Platform: catalog.PlatformLazada}
	wait := NewRateLimiter(rdb).forShop(shop, 5).wait
	for i := 0; i < 5; i++ {
		require.NoError(t, wait(context.Background(), "set_stock"))
	}
	start := time.Now()
	require.NoError(t, wait(context.Background(), "get_orders"))
	require.Less(t, time.Since(start), 150*time.Millisecond, "orders have their own budget")
	start = time.Now()
	require.NoError(t, wait(context.Background(), "set_price"))
	require.Greater(t, time.Since(start), 100*time.Millisecond, "prices share the write budget with stock")
	for _, kind := range []string{"write", "orders"} {
		rdb.Del(context.Background(), "rate:ocophub:rate:"+shop.Key()+":"+kind) // redis_rate prefixes its keys
	}
}

// TestThrottledShopIsBraked: a shop whose platform throttles the hub gets
// half its budget, for every worker; more throttled answers keep the brake
// on (never lower), and the whole budget comes back once the platform has
// been quiet for BrakeFor.
func TestThrottledShopIsBraked(t *testing.T) {
	rdb := rateRedis(t)
	shop := catalog.Shop{ID: time.Now().UnixNano(), Platform: catalog.PlatformZalo}
	a, b := NewRateLimiter(rdb), NewRateLimiter(rdb)
	a.BrakeFor, b.BrakeFor = 3*time.Second, 3*time.Second
	ctx := context.Background()
	full := RateLimits[catalog.PlatformZalo]
	require.Equal(t, full, b.BudgetOf(ctx, shop, "write"))

	for range 5 { // a burst of throttled answers on two workers
		a.forShop(shop, full).throttled(ctx, "set_stock")
		b.forShop(shop, full).throttled(ctx, "set_price")
	}
	require.Equal(t, full/2, b.BudgetOf(ctx, shop, "write"), "the other worker sees the brake")
	require.Equal(t, full, a.BudgetOf(ctx, shop, "orders"), "other kinds of API keep their budget")

	// The brake paces calls: a burst of the halved budget, then waits.
	start := time.Now()
	wait := b.forShop(shop, full).wait
	for range full/2 + full/4 {
		require.NoError(t, wait(ctx, "set_stock"))
	}
	require.GreaterOrEqual(t, time.Since(start), 400*time.Millisecond, "%d calls at %d/s with a burst of %[2]d", full/2+full/4, full/2)

	// Throttled again before the brake ends: it stays on, no lower.
	time.Sleep(time.Second)
	a.forShop(shop, full).throttled(ctx, "set_stock")
	time.Sleep(1500 * time.Millisecond)
	require.Equal(t, full/2, a.BudgetOf(ctx, shop, "write"), "quiet for less than BrakeFor: still braked")
	require.Eventually(t, func() bool { return a.BudgetOf(ctx, shop, "write") == full }, 4*time.Second, 50*time.Millisecond,
		"the whole budget comes back once the platform has been quiet")
}
