package worker

import (
	"context"
	"time"

	"github.com/go-redis/redis_rate/v10"

	"ocophub/catalog"
)

// RateLimits are the calls per second the hub allows itself per shop and
// per kind of API (stock writes, stock reads, orders, catalog), shared by
// every worker through Redis (GCRA, go-redis/redis_rate), so a fleet of
// workers stays under the platform's limit instead of being throttled.
// Platforms limit per API: TikTok documents 50 QPS per API per shop, Lazada
// 50 calls/s per seller on inventory APIs; Shopee and Zalo publish nothing
// (Shopee is reported to slow down above 100–200 calls/s in all), so the
// same 50/s per kind is the choice for them. Separate budgets per kind mean
// a burst of stock pushes never delays bringing an order in. A throttled
// answer is still honoured (retried after the channel's back-off).
var RateLimits = map[catalog.Platform]int{
	catalog.PlatformShopee: 50,
	catalog.PlatformLazada: 50,
	catalog.PlatformZalo:   50,
	catalog.PlatformMem:    1000,
}

// apiKind groups a Channel operation with the others that count against
// the same platform limit.
func apiKind(op string) string {
	switch op {
	case "set_stock", "set_price":
		return "write"
	case "get_stock", "find_listing":
		return "read"
	case "list_orders", "get_orders", "ship_order", "cancel_order":
		return "orders"
	}
	return "catalog"
}

// shopWaiter returns the wait-before-call hook of a shop's Channel.
func shopWaiter(l *redis_rate.Limiter, shop catalog.Shop, perSecond int) func(ctx context.Context, op string) error {
	prefix := "ocophub:rate:" + shop.Key() + ":"
	limit := redis_rate.PerSecond(perSecond)
	return func(ctx context.Context, op string) error {
		key := prefix + apiKind(op)
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
