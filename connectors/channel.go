// Package connectors is the portable face of the marketplaces. Application
// code holds a *Channel per connected shop; the Channel wraps one
// driver.Driver (connectors/shopee, lazada, zalo, mem) and adds what every
// platform needs the same way: argument validation, batching to the
// platform's limits, one token refresh after an Unauthenticated answer,
// retries of transient errors with back-off, redacted logging and metrics.
package connectors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"ocophub/connectors/driver"
)

// Tokens is a shop's token store as the Channel needs it: the current token
// for the driver, and a refresh that is serialized across processes.
type Tokens interface {
	driver.TokenSource
	// Refresh replaces stale with a new pair and persists both tokens
	// before returning. If another process already refreshed, it returns
	// that pair without spending the refresh token again.
	Refresh(ctx context.Context, stale driver.Token) (driver.Token, error)
}

// Options tune a Channel; the zero value is production's.
type Options struct {
	Logger  *slog.Logger
	Metrics *Metrics
	// Attempts is how many times a transient failure is tried in all
	// (default 4).
	Attempts int
	// BaseDelay and MaxDelay bound the jittered exponential back-off
	// (defaults 200 ms, 5 s); a platform's RetryAfter wins when longer.
	BaseDelay, MaxDelay time.Duration
	// Sleep waits between attempts; tests shorten it. Default honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// Wait, when set, is called before every platform call with the
	// operation's name ("set_stock", "get_orders"…) and blocks until the
	// shop's shared rate limit for it allows the call (worker.RateLimits).
	Wait func(ctx context.Context, op string) error
	// Throttled, when set, hears of every call the platform throttled
	// (the worker's rate limiter brakes the shop's budget).
	Throttled func(ctx context.Context, op string)
	// Categories caches category trees and attributes; Channels made with
	// the same Options share it. Nil: each Channel keeps its own.
	Categories *CategoryCache
}

// Channel is one connected shop.
type Channel struct {
	d      driver.Driver
	tokens Tokens
	caps   driver.Capabilities
	opts   Options

	catOnce sync.Once
}

// New wraps d; tokens is the same store d reads its token from.
func New(d driver.Driver, tokens Tokens, opts Options) *Channel {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 4
	}
	if opts.BaseDelay <= 0 {
		opts.BaseDelay = 200 * time.Millisecond
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = 5 * time.Second
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	return &Channel{d: d, tokens: tokens, caps: d.Capabilities(), opts: opts}
}

// Capabilities of the platform.
func (c *Channel) Capabilities() driver.Capabilities { return c.caps }

// Driver exposes the driver for calls that need no portable logic
// (authorization URL, webhook parsing).
func (c *Channel) Driver() driver.Driver { return c.d }

// call runs op with the Channel's policy: one refresh after
// Unauthenticated, retries of transient errors, logging, metrics.
func (c *Channel) call(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	start := time.Now()
	refreshed := false
	var err error
	for attempt := 1; ; attempt++ {
		var used driver.Token
		if c.tokens != nil {
			used, _ = c.tokens.Token(ctx)
		}
		if c.opts.Wait != nil {
			if werr := c.opts.Wait(ctx, op); werr != nil {
				err = &driver.Error{Code: driver.CodeUnavailable, Message: "cancelled while waiting for the rate limit", Err: werr}
				break
			}
		}
		err = fn(ctx)
		code := driver.CodeOf(err)
		if code == driver.CodeResourceExhausted && c.opts.Throttled != nil {
			c.opts.Throttled(ctx, op)
		}
		switch {
		case err == nil:
		case code == driver.CodeUnauthenticated && !refreshed && c.tokens != nil:
			refreshed = true
			if rerr := c.refresh(ctx, used); rerr != nil {
				err = rerr
				break
			}
			attempt-- // a refresh is not a retry of a failure
			continue
		case driver.Transient(err) && attempt < c.opts.Attempts:
			c.opts.Metrics.retried(c.caps.Platform, op, code)
			if serr := c.opts.Sleep(ctx, c.backoff(attempt, err)); serr != nil {
				err = &driver.Error{Code: driver.CodeUnavailable, Message: "cancelled while waiting to retry", Err: serr}
				break
			}
			continue
		}
		break
	}
	code := driver.CodeOf(err)
	c.opts.Metrics.observe(c.caps.Platform, op, code, time.Since(start))
	if err != nil {
		level := slog.LevelWarn
		if expected[code] {
			level = slog.LevelDebug
		}
		c.opts.Logger.Log(ctx, level, "channel call failed", "platform", c.caps.Platform, "op", op,
			"code", code, "err", driver.Redact(err.Error()))
		return fmt.Errorf("%s %s: %w", c.caps.Platform, op, err)
	}
	return nil
}

// expected are answers that are part of normal work (a lookup that finds
// nothing, a refused stock update): logged at debug, not as warnings.
var expected = map[driver.Code]bool{
	driver.CodeNotFound: true, driver.CodeAlreadyExists: true,
	driver.CodeFailedPrecondition: true, driver.CodeInvalidArgument: true,
}

// refresh replaces the token the failed call used. If another process
// refreshed meanwhile, the store already holds a newer token and Refresh
// returns it without spending the refresh token again.
func (c *Channel) refresh(ctx context.Context, used driver.Token) error {
	_, err := c.tokens.Refresh(ctx, used)
	return err
}

// backoff is exponential with full jitter, at least the platform's
// RetryAfter.
func (c *Channel) backoff(attempt int, err error) time.Duration {
	d := c.opts.BaseDelay << (attempt - 1)
	if d > c.opts.MaxDelay || d <= 0 {
		d = c.opts.MaxDelay
	}
	d = d/2 + rand.N(d/2+1)
	var de *driver.Error
	if errors.As(err, &de) && de.RetryAfter > d {
		d = de.RetryAfter
	}
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// AuthorizeURL is where the seller grants access.
func (c *Channel) AuthorizeURL(redirect, state string) (string, error) {
	return c.d.AuthorizeURL(redirect, state)
}

// UploadImage stores an image on the platform.
func (c *Channel) UploadImage(ctx context.Context, name string, data []byte) (ref string, err error) {
	if len(data) == 0 {
		return "", invalid("image is empty")
	}
	err = c.call(ctx, "upload_image", func(ctx context.Context) (err error) {
		ref, err = c.d.UploadImage(ctx, name, data)
		return err
	})
	return ref, err
}

// CreateListing creates a listing, unless one with the first seller SKU
// already exists (a create retried after a timeout may have succeeded):
// then it returns that one. After a create that failed Unavailable, only a
// lookup answering not_found lets the create be sent again; while the
// lookup itself fails, the retries repeat the lookup.
func (c *Channel) CreateListing(ctx context.Context, l driver.Listing) (out driver.Listing, err error) {
	if err := validateListing(l); err != nil {
		return driver.Listing{}, err
	}
	sku := l.Variants[0].SellerSKU
	existing, err := c.FindBySellerSKU(ctx, sku)
	switch {
	case err == nil:
		if done, out, err := c.adopt(ctx, existing, l, c.SetActive); done {
			return out, err
		}
		l.ItemID = existing.ItemID // our own unfinished item: the driver carries on with it
	case driver.CodeOf(err) != driver.CodeNotFound:
		return driver.Listing{}, err
	}
	// maybeMade is set while a create failed in a way that does not say
	// whether it went through (Unavailable: a timeout, a 5xx): until a
	// lookup answers, sending the create again could make a second item.
	maybeMade := false
	err = c.call(ctx, "create_listing", func(ctx context.Context) (err error) {
		if maybeMade {
			found, ferr := c.d.FindBySellerSKU(ctx, sku)
			switch {
			case ferr == nil:
				var done bool
				if done, out, err = c.adopt(ctx, found, l, c.d.SetActive); done { // already inside the call policy
					return err
				}
				l.ItemID = found.ItemID // carry on with it
			case driver.CodeOf(ferr) != driver.CodeNotFound:
				// Throttled, unavailable, …: the Channel's policy retries
				// the LOOKUP, never the create.
				return ferr
			}
			maybeMade = false
		}
		out, err = c.d.CreateListing(ctx, l)
		maybeMade = driver.CodeOf(err) == driver.CodeUnavailable // the next attempt looks first
		return err
	})
	if err != nil && maybeMade {
		err = fmt.Errorf("%w (a create of %s may have gone through; look it up before creating again)", err, sku)
	}
	return out, err
}

// adopt decides what an item found under the listing's first seller SKU
// means. Whole (every variant there): the answer, listed first if an
// earlier attempt stopped before listing it. Unlisted with the same title
// but missing variants: an earlier attempt's unfinished item, which the
// driver's create carries on with (done false). Anything else (an item
// already live, say, that a new variant is not part of yet): the answer as
// it is, as before.
func (c *Channel) adopt(ctx context.Context, found, l driver.Listing,
	setActive func(ctx context.Context, itemID string, active bool) error) (done bool, out driver.Listing, err error) {
	switch {
	case holdsAll(found, l):
		if l.Active && !found.Active {
			if err := setActive(ctx, found.ItemID, true); err != nil {
				return true, driver.Listing{}, err
			}
			found.Active = true
		}
		return true, found, nil
	case !found.Active && found.Title == l.Title:
		return false, driver.Listing{}, nil
	}
	return true, found, nil
}

// holdsAll reports whether found has every variant of l.
func holdsAll(found, l driver.Listing) bool {
	for _, v := range l.Variants {
		if !slices.ContainsFunc(found.Variants, func(f driver.Variant) bool { return f.SellerSKU == v.SellerSKU }) {
			return false
		}
	}
	return true
}

// UpdateListing changes an existing listing's content.
func (c *Channel) UpdateListing(ctx context.Context, l driver.Listing) error {
	if l.ItemID == "" {
		return invalid("item id is required")
	}
	return c.call(ctx, "update_listing", func(ctx context.Context) error { return c.d.UpdateListing(ctx, l) })
}

// FindBySellerSKU returns the listing holding a seller SKU, or not_found.
func (c *Channel) FindBySellerSKU(ctx context.Context, sellerSKU string) (out driver.Listing, err error) {
	if sellerSKU == "" {
		return driver.Listing{}, invalid("seller SKU is required")
	}
	err = c.call(ctx, "find_listing", func(ctx context.Context) (err error) {
		out, err = c.d.FindBySellerSKU(ctx, sellerSKU)
		return err
	})
	return out, err
}

// SetStock sets absolute quantities, split into the platform's batches.
// Every update gets a Result; a batch that failed as a whole gives each of
// its SKUs that error. The error return is only for a cancelled context.
func (c *Channel) SetStock(ctx context.Context, updates []driver.StockUpdate) ([]driver.Result, error) {
	for _, u := range updates {
		if u.Quantity < 0 {
			return nil, invalid("stock of " + u.SellerSKU + " must not be negative")
		}
		if u.SellerSKU == "" && u.ModelID == "" {
			return nil, invalid("each stock update needs a seller SKU or a model id")
		}
	}
	return batched(ctx, c, "set_stock", updates, c.caps.StockBatch, c.caps.StockBatchPerItem,
		func(u driver.StockUpdate) (string, string, string) { return u.ItemID, u.SellerSKU, u.ModelID },
		c.d.SetStock, failedResult)
}

// GetStock reads the platform's current quantities, split into the
// platform's batches. Every ref gets a StockLevel; a batch that failed as a
// whole gives each of its SKUs that error. The error return is only for a
// cancelled context.
func (c *Channel) GetStock(ctx context.Context, refs []driver.StockRef) ([]driver.StockLevel, error) {
	for _, r := range refs {
		if r.SellerSKU == "" && r.ModelID == "" {
			return nil, invalid("each stock read needs a seller SKU or a model id")
		}
	}
	return batched(ctx, c, "get_stock", refs, c.caps.StockBatch, c.caps.StockBatchPerItem,
		func(r driver.StockRef) (string, string, string) { return r.ItemID, r.SellerSKU, r.ModelID },
		c.d.GetStock, func(sku, model string, err error) driver.StockLevel {
			return driver.StockLevel{SellerSKU: sku, ModelID: model, Err: err}
		})
}

func failedResult(sku, model string, err error) driver.Result {
	return driver.Result{SellerSKU: sku, ModelID: model, Err: err}
}

// SetPrice sets prices in đồng, split into the platform's batches.
func (c *Channel) SetPrice(ctx context.Context, updates []driver.PriceUpdate) ([]driver.Result, error) {
	now := time.Now()
	updates = slices.Clone(updates)
	for i, u := range updates {
		if u.Price <= 0 {
			return nil, invalid("price of " + u.SellerSKU + " must be positive")
		}
		if u.Promo == nil || c.caps.Promotions {
			continue
		}
		// A platform without promotions of its own is sent the price to
		// show now.
		if !now.Before(u.Promo.From) && now.Before(u.Promo.To) {
			updates[i].Price = u.Promo.Price
		}
		updates[i].Promo = nil
	}
	return batched(ctx, c, "set_price", updates, c.caps.PriceBatch, c.caps.StockBatchPerItem,
		func(u driver.PriceUpdate) (string, string, string) { return u.ItemID, u.SellerSKU, u.ModelID },
		c.d.SetPrice, failedResult)
}

// batched splits updates (by item when perItem) into chunks of size and
// calls send for each, collecting per-SKU results; failed makes the result
// of a SKU whose whole batch failed.
func batched[U, R any](ctx context.Context, c *Channel, op string, updates []U, size int, perItem bool,
	key func(U) (item, sku, model string), send func(context.Context, []U) ([]R, error),
	failed func(sku, model string, err error) R) ([]R, error) {
	if size <= 0 {
		size = 1
	}
	var groups [][]U
	if perItem {
		index := map[string]int{}
		for _, u := range updates {
			item, _, _ := key(u)
			i, ok := index[item]
			if !ok {
				i = len(groups)
				index[item] = i
				groups = append(groups, nil)
			}
			groups[i] = append(groups[i], u)
		}
	} else {
		groups = [][]U{updates}
	}
	var chunks [][]U
	for _, g := range groups {
		for start := 0; start < len(g); start += size {
			chunks = append(chunks, g[start:min(start+size, len(g))])
		}
	}
	// Chunks go out a few at a time: a platform that takes one SKU per
	// call (Zalo) would otherwise pay one round trip per SKU in a row.
	// The shop's rate limit (Options.Wait) still paces every call.
	got := make([][]R, len(chunks))
	sem := make(chan struct{}, chunksInFlight)
	var wg sync.WaitGroup
launch:
	for i, chunk := range chunks {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			break launch // chunks not started are not sent
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			err := c.call(ctx, op, func(ctx context.Context) (err error) {
				// A driver's panic fails its chunk, not the worker: the
				// task's own recovery is on another goroutine.
				defer func() {
					if r := recover(); r != nil {
						err = &driver.Error{Code: driver.CodeInternal, Message: fmt.Sprintf("driver panic: %v", r)}
					}
				}()
				got[i], err = send(ctx, chunk)
				return err
			})
			if err != nil {
				got[i] = make([]R, 0, len(chunk))
				for _, u := range chunk {
					_, sku, model := key(u)
					got[i] = append(got[i], failed(sku, model, err))
				}
			}
		}()
	}
	wg.Wait()
	// On a cancelled context the results of the chunks that ran still
	// come back with the error.
	return slices.Concat(got...), ctx.Err()
}

// chunksInFlight is how many calls of one batched operation run at once.
const chunksInFlight = 4

// SetActive lists or delists an item.
func (c *Channel) SetActive(ctx context.Context, itemID string, active bool) error {
	if itemID == "" {
		return invalid("item id is required")
	}
	return c.call(ctx, "set_active", func(ctx context.Context) error { return c.d.SetActive(ctx, itemID, active) })
}

// ListOrders returns every order updated in [from, to), walking the
// platform's windows and cursors to the end.
func (c *Channel) ListOrders(ctx context.Context, from, to time.Time) ([]driver.OrderSummary, error) {
	if !from.Before(to) {
		return nil, invalid("from must be before to")
	}
	window := c.caps.OrderWindow
	if window <= 0 {
		window = to.Sub(from)
	}
	var out []driver.OrderSummary
	for wStart := from; wStart.Before(to); wStart = wStart.Add(window) {
		wEnd := wStart.Add(window)
		if wEnd.After(to) {
			wEnd = to
		}
		// Every cursor of the window: a platform that walks A → B → A
		// would otherwise page forever.
		cursor, seen := "", map[string]bool{"": true}
		for {
			var page driver.OrderPage
			err := c.call(ctx, "list_orders", func(ctx context.Context) (err error) {
				page, err = c.d.ListOrders(ctx, wStart, wEnd, cursor)
				return err
			})
			if err != nil {
				return out, err
			}
			out = append(out, page.Orders...)
			if page.Next == "" {
				break
			}
			if seen[page.Next] {
				return out, &driver.Error{Code: driver.CodeInternal, Message: "platform returned a cursor it had returned before in this window: its pages loop"}
			}
			seen[page.Next] = true
			cursor = page.Next
		}
	}
	return out, nil
}

// GetOrders returns full orders, in the platform's batches.
func (c *Channel) GetOrders(ctx context.Context, ids []string) ([]driver.Order, error) {
	size := c.caps.OrderBatch
	if size <= 0 {
		size = 1
	}
	var out []driver.Order
	for start := 0; start < len(ids); start += size {
		chunk := ids[start:min(start+size, len(ids))]
		var got []driver.Order
		err := c.call(ctx, "get_orders", func(ctx context.Context) (err error) {
			got, err = c.d.GetOrders(ctx, chunk)
			return err
		})
		if err != nil {
			return out, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// ShipOrder runs the platform's fulfilment and returns the tracking number.
func (c *Channel) ShipOrder(ctx context.Context, s driver.Shipment) (tracking string, err error) {
	if s.OrderID == "" {
		return "", invalid("order id is required")
	}
	err = c.call(ctx, "ship_order", func(ctx context.Context) (err error) {
		tracking, err = c.d.ShipOrder(ctx, s)
		return err
	})
	return tracking, err
}

// CancelOrder cancels as the seller where the platform allows.
func (c *Channel) CancelOrder(ctx context.Context, orderID, reason string) error {
	if !c.caps.CanCancel {
		return &driver.Error{Code: driver.CodeFailedPrecondition, Message: c.caps.Platform + " does not let sellers cancel through the API"}
	}
	return c.call(ctx, "cancel_order", func(ctx context.Context) error { return c.d.CancelOrder(ctx, orderID, reason) })
}

// ParseWebhook verifies and parses a push; no retries, no token.
func (c *Channel) ParseWebhook(callbackURL string, header http.Header, body []byte) ([]driver.Event, error) {
	return c.d.ParseWebhook(callbackURL, header, body)
}

func validateListing(l driver.Listing) error {
	if l.Title == "" {
		return invalid("title is required")
	}
	if len(l.Variants) == 0 {
		return invalid("a listing needs at least one variant")
	}
	seen := map[string]bool{}
	for _, v := range l.Variants {
		if v.SellerSKU == "" {
			return invalid("every variant needs a seller SKU")
		}
		if seen[v.SellerSKU] {
			return invalid("seller SKU " + v.SellerSKU + " is repeated")
		}
		seen[v.SellerSKU] = true
		if v.Price <= 0 || v.Stock < 0 {
			return invalid("variant " + v.SellerSKU + " needs a positive price and non-negative stock")
		}
	}
	return nil
}

func invalid(msg string) error { return &driver.Error{Code: driver.CodeInvalidArgument, Message: msg} }
