package worker

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"ocophub/catalog"
)

// RateLimits are the calls per second the hub allows itself per shop and
// per kind of API (stock writes, stock reads, orders, catalog), shared by
// every worker through Redis (GCRA, go-redis/redis_rate), so a fleet of
// workers stays under the platform's limit instead of being throttled.
// Separate budgets per kind mean a burst of stock pushes never delays
// bringing an order in.
//
// Lazada documents 50 calls/s per seller on inventory APIs (TikTok: 50 QPS
// per API per shop). Shopee and Zalo publish no limit, and both take one
// item (Shopee) or one SKU (Zalo) per stock call, where Lazada takes 50
// SKUs: a stock change costs them a read and a write of their own. 100
// orders/s spread over three shops means ~67 stock changes/s to write on
// each of them, so their budget is 100 calls/s per kind (Shopee is reported
// to slow down somewhere above 100–200 calls/s). A guess that proves too
// high costs little: a throttled answer is retried after the channel's
// back-off and brakes the shop's budget (RateLimiter).
var RateLimits = map[catalog.Platform]int{
	catalog.PlatformShopee: 100,
	catalog.PlatformLazada: 50,
	catalog.PlatformZalo:   100,
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

// RateLimiter paces every worker's calls to each shop at RateLimits, and
// brakes: when the platform throttles a call anyway, the shop's budget for
// that kind of API drops to half of RateLimits, for every worker, until
// BrakeFor has passed without another throttled answer. Two levels only:
// for Shopee and Zalo, whose limits are our guess, half is the budget the
// hub ran with before (and publishes at full speed against a shop limited
// to 50 calls/s), so a guess that proves too high settles there instead of
// answering "slow down" all day, and a passing throttle costs little. A
// platform slower still keeps throttling the braked budget; every throttled
// call is retried after the platform's back-off, as before.
type RateLimiter struct {
	rdb  redis.UniversalClient
	gcra *redis_rate.Limiter
	// BrakeFor is how long a braked budget lasts after the last
	// throttled answer (default a minute).
	BrakeFor time.Duration
	Logger   *slog.Logger
	// brakes caches each shop's and kind's budget for brakeCheck, so a
	// channel call costs one Redis round trip (the GCRA), not two; a
	// brake set by another worker is seen within brakeCheck.
	brakes sync.Map // prefix+kind → knownBudget
}

// brakeCheck is how long a worker trusts the budget it last read.
const brakeCheck = 250 * time.Millisecond

type knownBudget struct {
	perSecond int
	at        time.Time
}

// NewRateLimiter shares its budgets through rdb.
func NewRateLimiter(rdb redis.UniversalClient) *RateLimiter {
	return &RateLimiter{rdb: rdb, gcra: redis_rate.NewLimiter(rdb), BrakeFor: time.Minute, Logger: slog.Default()}
}

// rateBrakes counts the brakes put on a shop's budget after a throttled call.
var rateBrakes = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "ocophub_rate_brakes_total", Help: "Times a platform throttled the hub and a shop's budget was braked to half, by kind of API.",
}, []string{"kind"})

// shopPace is one shop's side of the limiter: the Wait and Throttled hooks
// of its Channel.
type shopPace struct {
	r         *RateLimiter
	prefix    string // ocophub:rate:<shop key>:
	perSecond int
}

func (r *RateLimiter) forShop(shop catalog.Shop, perSecond int) shopPace {
	return shopPace{r: r, prefix: "ocophub:rate:" + shop.Key() + ":", perSecond: perSecond}
}

// budget is the kind's calls per second now: RateLimits, or less while
// braked.
func (p shopPace) budget(ctx context.Context, kind string) int {
	key := p.prefix + kind
	if k, ok := p.r.brakes.Load(key); ok && time.Since(k.(knownBudget).at) < brakeCheck {
		return k.(knownBudget).perSecond
	}
	budget := p.perSecond
	if braked, err := p.r.rdb.Get(ctx, key+":brake").Int(); err == nil && braked > 0 && braked < p.perSecond {
		budget = braked
	}
	p.r.brakes.Store(key, knownBudget{perSecond: budget, at: time.Now()})
	return budget
}

// wait blocks until the shop's budget for op's kind allows one call.
func (p shopPace) wait(ctx context.Context, op string) error {
	kind := apiKind(op)
	for {
		res, err := p.r.gcra.Allow(ctx, p.prefix+kind, redis_rate.PerSecond(p.budget(ctx, kind)))
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

// throttled brakes the kind's budget: the platform said slow down.
func (p shopPace) throttled(ctx context.Context, op string) {
	kind := apiKind(op)
	brakeFor, logger := p.r.BrakeFor, p.r.Logger
	if brakeFor <= 0 {
		brakeFor = time.Minute // never a brake without an end
	}
	if logger == nil {
		logger = slog.Default()
	}
	ctx = context.WithoutCancel(ctx)
	half := max(1, p.perSecond/2)
	was, err := p.r.rdb.SetArgs(ctx, p.prefix+kind+":brake", half, redis.SetArgs{TTL: brakeFor, Get: true}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return
	}
	p.r.brakes.Store(p.prefix+kind, knownBudget{perSecond: half, at: time.Now()})
	if was == "" { // not braked before: say so once
		logger.Info("platform throttled the hub: shop's budget halved", "shop", p.prefix, "kind", kind,
			"calls_per_s", half, "until_quiet_for", brakeFor.String())
		rateBrakes.WithLabelValues(kind).Inc()
	}
}

// BudgetOf reports a shop's budget for a kind of API right now (tests,
// diagnostics).
func (r *RateLimiter) BudgetOf(ctx context.Context, shop catalog.Shop, kind string) int {
	return r.forShop(shop, RateLimits[shop.Platform]).budget(ctx, kind)
}
