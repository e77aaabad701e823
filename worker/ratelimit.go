package worker

import (
	"context"
	"time"

	"github.com/go-redis/redis_rate/v10"

	"ocophub/catalog"
)

// RateLimits are the calls per second the hub allows itself per shop, shared
// by every worker through Redis (GCRA, go-redis/redis_rate), so a fleet of
// workers stays under the platform's limit instead of being throttled.
// Shopee publishes none (choice: 20/s); Lazada allows 50/s per seller on
// inventory APIs; Zalo publishes none (choice: 10/s).
var RateLimits = map[catalog.Platform]int{
	catalog.PlatformShopee: 20,
	catalog.PlatformLazada: 50,
	catalog.PlatformZalo:   10,
	catalog.PlatformMem:    1000,
}

// shopWaiter returns the wait-before-call hook of a shop's Channel.
func shopWaiter(l *redis_rate.Limiter, shop catalog.Shop, perSecond int) func(ctx context.Context) error {
	key := "ocophub:rate:" + shop.Key()
	limit := redis_rate.PerSecond(perSecond)
	return func(ctx context.Context) error {
		for {
			res, err := l.Allow(ctx, key, limit)
			if err != nil {
				return nil // Redis trouble must not stop selling; the platform's own throttle still answers
			}
			if res.Allowed > 0 {
				return nil
			}
			t := time.NewTimer(res.RetryAfter)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
	}
}
