package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/bsm/redislock"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors"
	"ocophub/connectors/driver"
)

// DriverFactory makes a platform's driver for a connected shop; main wires
// one per platform with the platform's base URL and app credentials.
type DriverFactory func(shop catalog.Shop, tokens driver.TokenSource) driver.Driver

// Channels builds and caches the connectors.Channel of each shop. Tokens
// come from the store (sealed at rest); refreshes are serialized across
// processes by a Redis lock.
type Channels struct {
	Store     *store.Store
	Locker    *redislock.Client
	Factories map[catalog.Platform]DriverFactory
	Options   connectors.Options
	// Limiter shares each shop's rate limit (RateLimits) across workers;
	// nil leaves calls unlimited.
	Limiter *RateLimiter

	mu     sync.Mutex
	cache  map[int64]*connectors.Channel
	tokens map[int64]*connectors.SharedTokens
}

// For returns the shop's Channel.
func (c *Channels) For(shop catalog.Shop) (*connectors.Channel, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.cache[shop.ID]; ok {
		return ch, nil
	}
	factory, ok := c.Factories[shop.Platform]
	if !ok {
		return nil, fmt.Errorf("no driver for platform %s", shop.Platform)
	}
	tokens := &connectors.SharedTokens{Key: shop.Key(), Store: storeTokens{c.Store}, Locker: c.Locker}
	d := factory(shop, tokens)
	tokens.Refresher = d.RefreshToken
	opts := c.Options
	if c.Limiter != nil {
		if perSecond := RateLimits[shop.Platform]; perSecond > 0 {
			pace := c.Limiter.forShop(shop, perSecond)
			opts.Wait, opts.Throttled = pace.wait, pace.throttled
		}
	}
	ch := connectors.New(d, tokens, opts)
	if c.cache == nil {
		c.cache = map[int64]*connectors.Channel{}
		c.tokens = map[int64]*connectors.SharedTokens{}
	}
	c.cache[shop.ID] = ch
	c.tokens[shop.ID] = tokens
	return ch, nil
}

// RefreshToken renews the shop's stored token now (ahead of expiry),
// under the same lock as a refresh after an Unauthenticated answer.
func (c *Channels) RefreshToken(ctx context.Context, shop catalog.Shop) (driver.Token, error) {
	if _, err := c.For(shop); err != nil {
		return driver.Token{}, err
	}
	c.mu.Lock()
	tokens := c.tokens[shop.ID]
	c.mu.Unlock()
	current, err := tokens.Token(ctx)
	if err != nil {
		return driver.Token{}, err
	}
	return tokens.Refresh(ctx, current)
}

// storeTokens keeps driver tokens in the shops table, sealed.
type storeTokens struct{ s *store.Store }

func shopIDOfKey(key string) (int64, error) {
	_, id, _ := strings.Cut(key, ":")
	return strconv.ParseInt(id, 10, 64)
}

func (t storeTokens) LoadToken(ctx context.Context, key string) (driver.Token, error) {
	id, err := shopIDOfKey(key)
	if err != nil {
		return driver.Token{}, err
	}
	raw, err := t.s.ShopToken(system(ctx), id)
	if err != nil {
		return driver.Token{}, err
	}
	var tok driver.Token
	if err := json.Unmarshal(raw, &tok); err != nil {
		return driver.Token{}, fmt.Errorf("decode token of %s: %w", key, err)
	}
	return tok, nil
}

func (t storeTokens) SaveToken(ctx context.Context, key string, tok driver.Token) error {
	id, err := shopIDOfKey(key)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(tok)
	if err != nil {
		return err
	}
	return t.s.SaveShopToken(system(ctx), id, raw, tok.AccessExpiresAt, tok.RefreshExpiresAt)
}

// SealToken is how a freshly exchanged token is stored with ConnectShop.
func SealToken(tok driver.Token) ([]byte, error) { return json.Marshal(tok) }

// system is the operator scope the worker acts in: it serves every tenant,
// and each task names the rows it touches.
func system(ctx context.Context) context.Context {
	return catalog.WithScope(ctx, catalog.OperatorScope())
}
