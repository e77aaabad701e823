package worker

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

// TestShopRateIsSharedAcrossWorkers: two workers (two limiters on the same
// Redis) calling one shop at 20 calls/s share the budget: 60 calls need at
// least two seconds after the first burst of 20, however fast the machine.
func TestShopRateIsSharedAcrossWorkers(t *testing.T) {
	url := os.Getenv("TEST_RATE_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/13"
	}
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	require.NoError(t, rdb.Ping(context.Background()).Err())
	shop := catalog.Shop{ID: time.Now().UnixNano(), Platform: catalog.PlatformShopee}
	waits := []func(context.Context, string) error{
		shopWaiter(redis_rate.NewLimiter(rdb), shop, 20),
		shopWaiter(redis_rate.NewLimiter(rdb), shop, 20),
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
	rdb.Del(context.Background(), "ocophub:rate:"+shop.Key()+":write")
}

// TestOrdersDoNotWaitBehindPushes: a shop whose stock-write budget is spent
// still brings orders in at once; the kinds of API have their own budgets.
func TestOrdersDoNotWaitBehindPushes(t *testing.T) {
	opt, err := redis.ParseURL("redis://127.0.0.1:6379/13")
	require.NoError(t, err)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	shop := catalog.Shop{ID: time.Now().UnixNano(), Platform: catalog.PlatformLazada}
	wait := shopWaiter(redis_rate.NewLimiter(rdb), shop, 5)
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
		rdb.Del(context.Background(), "ocophub:rate:"+shop.Key()+":"+kind)
	}
}
