package connectors_test

import (
	"cmp"
	"context"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"ocophub/connectors"
	"ocophub/connectors/driver"
)

// redisAddr is the test Redis (TEST_REDIS_ADDR, default the local one):
// engineers running suites side by side give each its own server.
var redisAddr = cmp.Or(os.Getenv("TEST_REDIS_ADDR"), "127.0.0.1:6379")

func testRedis(t *testing.T) *redis.Client {
	url := os.Getenv("TEST_REDIS_URL")
	if url == "" {
		url = "redis://" + redisAddr + "/12"
	}
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	require.NoError(t, c.Ping(context.Background()).Err(), "Redis at %s (run `make test`, which starts it)", url)
	return c
}

// TestConcurrentRefreshSpendsTheRefreshTokenOnce: eight workers see the
// same expired token at once; exactly one refresh reaches the platform and
// all of them end with the new pair.
func TestConcurrentRefreshSpendsTheRefreshTokenOnce(t *testing.T) {
	rdb := testRedis(t)
	key := "test:" + t.Name() + ":" + time.Now().Format(time.RFC3339Nano)
	store := &connectors.MemoryTokens{}
	stale := driver.Token{ShopID: "1", AccessToken: "at-old", RefreshToken: "rt-old"}
	require.NoError(t, store.SaveToken(context.Background(), key, stale))
	var calls atomic.Int32
	// Two SharedTokens on the same key stand for two processes.
	mk := func() *connectors.SharedTokens {
		return &connectors.SharedTokens{Key: key, Store: store, Locker: redislock.New(rdb),
			Refresher: func(ctx context.Context, t driver.Token) (driver.Token, error) {
				calls.Add(1)
				time.Sleep(20 * time.Millisecond)
				if t.RefreshToken != "rt-old" {
					return driver.Token{}, driver.Errorf(driver.CodeUnauthenticated, "error_auth", "refresh token already used")
				}
				return driver.Token{ShopID: "1", AccessToken: "at-new", RefreshToken: "rt-new"}, nil
			}}
	}
	a, b := mk(), mk()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(ts *connectors.SharedTokens) {
			defer wg.Done()
			got, err := ts.Refresh(context.Background(), stale)
			require.NoError(t, err)
			require.Equal(t, "at-new", got.AccessToken)
		}([]*connectors.SharedTokens{a, b}[i%2])
	}
	wg.Wait()
	require.Equal(t, int32(1), calls.Load())
	saved, err := store.LoadToken(context.Background(), key)
	require.NoError(t, err)
	require.Equal(t, "rt-new", saved.RefreshToken, "the new pair was persisted")
	require.Zero(t, rdb.Exists(context.Background(), "ocophub:lock:token:"+key).Val(), "the lock was released")
}

func TestTokenNeverPrintsSecrets(t *testing.T) {
	tok := driver.Token{ShopID: "9", AccessToken: "secret-access", RefreshToken: "secret-refresh"}
	for _, s := range []string{tok.String(), tok.GoString()} {
		require.NotContains(t, s, "secret-")
	}
	require.Equal(t, "https://x/api?access_token=REDACTED&shop_id=9&sign=REDACTED",
		driver.Redact("https://x/api?access_token=abc123&shop_id=9&sign=deadbeef"))
}
