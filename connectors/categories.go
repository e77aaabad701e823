package connectors

import (
	"context"
	"sync"
	"time"

	"ocophub/connectors/driver"
)

// DefaultCategoryTTL is how long a category tree or a category's
// attributes are kept: platforms change them a few times a year, and a
// listing refused for a stale attribute says so in its error.
const DefaultCategoryTTL = 6 * time.Hour

// CategoryCache keeps platforms' category trees and attributes in the
// process for a TTL. One cache is shared by every Channel made with the
// same Options: Shopee's and Lazada's trees are the platform's, so one
// fetch serves every shop; Zalo's store categories belong to each OA and
// are kept per shop (Capabilities.CategoriesPerShop). In-process rather
// than Redis: a few kilobytes per platform, fetched at most once per TTL
// per process, and nothing another process needs to agree on.
type CategoryCache struct {
	TTL time.Duration // 0 means DefaultCategoryTTL
	Now func() time.Time

	mu    sync.Mutex
	trees map[string]cached[[]driver.Category]
	attrs map[string]cached[[]driver.Attribute]
}

type cached[T any] struct {
	at    time.Time
	value T
}

func (c *CategoryCache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *CategoryCache) ttl() time.Duration {
	if c.TTL > 0 {
		return c.TTL
	}
	return DefaultCategoryTTL
}

// lookup returns a fresh entry of m.
func lookup[T any](c *CategoryCache, m map[string]cached[T], key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := m[key]
	if !ok || c.now().Sub(e.at) >= c.ttl() {
		var zero T
		return zero, false
	}
	return e.value, true
}

// cacheKey is the platform, and the shop where categories are per shop.
func (c *Channel) cacheKey(ctx context.Context) string {
	key := c.caps.Platform
	if c.caps.CategoriesPerShop && c.tokens != nil {
		if t, err := c.tokens.Token(ctx); err == nil {
			key += "/" + t.ShopID
		}
	}
	return key
}

// Categories returns the platform's category tree, from the cache while
// it is fresh.
func (c *Channel) Categories(ctx context.Context) ([]driver.Category, error) {
	cache := c.categories()
	key := c.cacheKey(ctx)
	if tree, ok := lookup(cache, cache.trees, key); ok {
		return tree, nil
	}
	var tree []driver.Category
	err := c.call(ctx, "get_categories", func(ctx context.Context) (err error) {
		tree, err = c.d.Categories(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	cache.mu.Lock()
	cache.trees[key] = cached[[]driver.Category]{cache.now(), tree}
	cache.mu.Unlock()
	return tree, nil
}

// CategoryAttributes returns what a category asks for, from the cache
// while it is fresh.
func (c *Channel) CategoryAttributes(ctx context.Context, categoryID string) ([]driver.Attribute, error) {
	if categoryID == "" {
		return nil, invalid("no category id")
	}
	cache := c.categories()
	key := c.cacheKey(ctx) + "#" + categoryID
	if attrs, ok := lookup(cache, cache.attrs, key); ok {
		return attrs, nil
	}
	var attrs []driver.Attribute
	err := c.call(ctx, "get_category_attributes", func(ctx context.Context) (err error) {
		attrs, err = c.d.CategoryAttributes(ctx, categoryID)
		return err
	})
	if err != nil {
		return nil, err
	}
	cache.mu.Lock()
	cache.attrs[key] = cached[[]driver.Attribute]{cache.now(), attrs}
	cache.mu.Unlock()
	return attrs, nil
}

// categories is the shared cache of the Options, or the Channel's own.
func (c *Channel) categories() *CategoryCache {
	c.catOnce.Do(func() {
		if c.opts.Categories == nil {
			c.opts.Categories = &CategoryCache{}
		}
		cc := c.opts.Categories
		cc.mu.Lock()
		if cc.trees == nil {
			cc.trees = map[string]cached[[]driver.Category]{}
			cc.attrs = map[string]cached[[]driver.Attribute]{}
		}
		cc.mu.Unlock()
	})
	return c.opts.Categories
}
