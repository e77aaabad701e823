// Package ops holds the sync operations a person starts, from the JSON API
// or the web UI: connecting a shop (OAuth), listing products in a shop,
// pushing a listing's stock again, delisting, shipping an order. Each
// checks what it needs in the store and queues the worker's task; the API
// and the web UI only decode their input and show the result.
package ops

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hibiken/asynq"

	"ocophub/catalog"
	"ocophub/connectors/driver"
	"ocophub/worker"
)

// Store is the part of the store the operations use (*store.Store
// implements it).
type Store interface {
	ConnectShop(ctx context.Context, sh *catalog.Shop, token []byte, accessExp, refreshExp, authorizedUntil time.Time) error
	Shop(ctx context.Context, id int64) (catalog.Shop, error)
	AddListing(ctx context.Context, shopID, variantID int64) (catalog.Listing, error)
	Listing(ctx context.Context, id int64) (catalog.Listing, error)
	Order(ctx context.Context, id int64) (catalog.Order, error)
	Coop(ctx context.Context, id int64) (catalog.Coop, error)
	Product(ctx context.Context, id int64) (catalog.Product, error)
	SetShopRule(ctx context.Context, id, version int64, rule catalog.StockRule) (catalog.Shop, error)
	SetShopPriceRule(ctx context.Context, id, version int64, rule catalog.PriceRule) (catalog.Shop, error)
	Warehouse(ctx context.Context, id int64) (catalog.Warehouse, error)
	ListListings(ctx context.Context, shopID int64, q catalog.ListQuery) ([]catalog.Listing, string, error)
	SetListingOverrides(ctx context.Context, id, version int64, o catalog.ListingOverrides) (catalog.Listing, error)
	ListShops(ctx context.Context, q catalog.ListQuery) ([]catalog.Shop, string, error)
	ProductCategories(ctx context.Context, productID int64) ([]catalog.CategoryChoice, error)
	SetProductCategory(ctx context.Context, c *catalog.CategoryChoice) error
}

// Enqueuer is the part of *asynq.Client the operations use.
type Enqueuer interface {
	EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// TaskRunner runs a task that waits for its retry now (*asynq.Inspector).
type TaskRunner interface {
	RunTask(queue, id string) error
}

// Commands are the operations. The zero value of each optional field is
// noted beside it.
type Commands struct {
	Store Store
	// Tasks queues worker tasks; nil fails every operation that queues.
	Tasks Enqueuer
	// Runner lets "push again" run a push that waits for its next retry
	// at once; nil leaves it waiting for its back-off.
	Runner TaskRunner
	// Drivers make a platform's driver for app-level calls (authorization
	// URL, code exchange); they hold no token.
	Drivers map[catalog.Platform]func(shop catalog.Shop) driver.Driver
	// StateKey signs the OAuth state (HMAC-SHA256); every replica must
	// hold the same. Empty refuses shop connections.
	StateKey []byte
	// Channels reach connected shops (categories and attributes); nil
	// answers failed_precondition for those calls.
	Channels ShopChannels
	// Now is the clock of state expiry; nil is time.Now.
	Now func() time.Time
}

func (c *Commands) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// ---- connecting a shop (OAuth) ----

// StateTTL bounds how long a seller may take on the platform's
// authorization page (Lazada's codes live 30 minutes).
const StateTTL = time.Hour

// AuthorizeURL is the platform's authorization page for connecting a shop
// to co-op coopID; the platform sends the seller back to callback. Errors:
// not_found (platform not connected by the hub), invalid_argument (coop_id).
func (c *Commands) AuthorizeURL(ctx context.Context, platform string, coopID int64, callback string) (string, error) {
	p, newDriver, err := c.platform(platform)
	if err != nil {
		return "", err
	}
	if coopID <= 0 {
		return "", Invalid("coop_id", "coop_id is required: the co-op the shop is connected for")
	}
	if _, err := c.Store.Coop(ctx, coopID); err != nil {
		if catalog.ErrorCode(err) == catalog.CodeNotFound {
			err = Invalid("coop_id", "co-op not found")
		}
		return "", err
	}
	state, err := c.signState(coopID, p, c.now())
	if err != nil {
		return "", err
	}
	u, err := newDriver(catalog.Shop{Platform: p}).AuthorizeURL(callback, state)
	if err != nil {
		return "", ChannelError(err, "cannot build the authorization URL")
	}
	return u, nil
}

// CompleteConnection takes the platform's redirect back (its query): the
// state is checked, the code exchanged for tokens, and the shop recorded
// (or its grant renewed) with the token sealed.
func (c *Commands) CompleteConnection(ctx context.Context, platform string, q url.Values) (catalog.Shop, error) {
	p, newDriver, err := c.platform(platform)
	if err != nil {
		return catalog.Shop{}, err
	}
	coopID, err := c.verifyState(q.Get("state"), p, c.now())
	if err != nil {
		return catalog.Shop{}, err
	}
	if e := q.Get("error"); e != "" {
		return catalog.Shop{}, &catalog.Error{Code: catalog.CodePermissionDenied, Message: "the seller did not authorize the hub: " + e}
	}
	cb := driver.CallbackFromQuery(q)
	if cb.Code == "" {
		return catalog.Shop{}, Invalid("code", "the platform sent no authorization code")
	}
	tok, err := newDriver(catalog.Shop{Platform: p, ExternalID: cb.ShopID}).ExchangeCode(ctx, cb)
	if err != nil {
		return catalog.Shop{}, ChannelError(err, "the platform refused the authorization code")
	}
	ext := tok.ShopID
	if ext == "" {
		ext = cb.ShopID
	}
	if ext == "" {
		return catalog.Shop{}, &catalog.Error{Code: catalog.CodeInternal, Message: "the platform did not say which shop was authorized"}
	}
	sealed, err := worker.SealToken(tok)
	if err != nil {
		return catalog.Shop{}, err
	}
	shop := catalog.Shop{CoopID: coopID, Platform: p, ExternalID: ext, Name: PlatformName(p) + " " + ext}
	if err := c.Store.ConnectShop(ctx, &shop, sealed, tok.AccessExpiresAt, tok.RefreshExpiresAt, time.Time{}); err != nil {
		return catalog.Shop{}, err
	}
	return shop, nil
}

// platform parses a platform name and finds its app-level driver; a
// platform the hub does not connect is not_found.
func (c *Commands) platform(name string) (catalog.Platform, func(catalog.Shop) driver.Driver, error) {
	p, err := catalog.ParsePlatform(name)
	newDriver, ok := c.Drivers[p]
	if err != nil || !ok {
		return "", nil, catalog.Errorf(catalog.CodeNotFound, "the hub does not connect shops of %q", name)
	}
	return p, newDriver, nil
}

// signState makes the OAuth state "coop.platform.expiry.nonce.mac": the
// co-op travels through the platform and comes back signed, so nothing is
// kept between the two requests and any replica can take the callback.
// The nonce makes each state unique (Zalo derives its PKCE verifier from
// it).
func (c *Commands) signState(coopID int64, p catalog.Platform, now time.Time) (string, error) {
	if len(c.StateKey) == 0 {
		return "", &catalog.Error{Code: catalog.CodeInternal, Message: "no key signs the OAuth state: set OCOPHUB_SECRET_KEYS"}
	}
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce)
	payload := fmt.Sprintf("%d.%s.%d.%s", coopID, p, now.Add(StateTTL).Unix(), hex.EncodeToString(nonce))
	return payload + "." + base64.RawURLEncoding.EncodeToString(c.stateMAC(payload)), nil
}

func (c *Commands) stateMAC(payload string) []byte {
	m := hmac.New(sha256.New, c.StateKey)
	m.Write([]byte("ocophub oauth state\x00" + payload))
	return m.Sum(nil)
}

// verifyState returns the co-op of a state this hub signed for platform
// and that has not expired; anything else is invalid_argument.
func (c *Commands) verifyState(state string, p catalog.Platform, now time.Time) (int64, error) {
	if len(c.StateKey) == 0 {
		return 0, &catalog.Error{Code: catalog.CodeInternal, Message: "no key signs the OAuth state: set OCOPHUB_SECRET_KEYS"}
	}
	bad := Invalid("state", "the authorization state is missing, altered or expired: connect the shop again")
	payload, sig, ok := cutLast(state, ".")
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err != nil || !hmac.Equal(mac, c.stateMAC(payload)) {
		return 0, bad
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 4 || parts[1] != string(p) {
		return 0, bad
	}
	coopID, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || coopID <= 0 || now.Unix() > exp {
		return 0, bad
	}
	return coopID, nil
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// PlatformName is the platform as sellers write it ("Lazada").
func PlatformName(p catalog.Platform) string {
	s := string(p)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ---- listings ----

// AddListings offers variants in a shop, by id or every variant of one
// product (exactly one of the two), as drafts (existing listings are
// returned as they are), and queues one publish per product they belong
// to. Errors name the field: variant_ids[i] or product_id.
func (c *Commands) AddListings(ctx context.Context, shopID int64, variantIDs []int64, productID int64) ([]catalog.Listing, error) {
	shop, err := c.Store.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	var variants []int64
	field := func(i int) string { return fmt.Sprintf("variant_ids[%d]", i) }
	switch {
	case (len(variantIDs) > 0) == (productID != 0):
		return nil, Invalid("body", `send either "variant_ids" or "product_id"`)
	case productID != 0:
		p, err := c.Store.Product(ctx, productID)
		if catalog.ErrorCode(err) == catalog.CodeNotFound || err == nil && p.CoopID != shop.CoopID {
			return nil, Invalid("product_id", "not a product of the shop's co-op")
		}
		if err != nil {
			return nil, err
		}
		for _, v := range p.Variants {
			variants = append(variants, v.ID)
		}
		field = func(int) string { return "product_id" }
	case len(variantIDs) > catalog.MaxLimit:
		return nil, Invalid("variant_ids", "at most 200 variants at a time")
	default:
		variants = Dedupe(variantIDs)
	}
	listings := make([]catalog.Listing, 0, len(variants))
	var products []int64
	for i, vid := range variants {
		l, err := c.Store.AddListing(ctx, shop.ID, vid)
		if err != nil {
			return nil, atField(err, field(i))
		}
		listings = append(listings, l)
		products = append(products, l.ProductID)
	}
	for _, pid := range Dedupe(products) {
		if _, err := c.Enqueue(ctx, worker.PublishTask(shop.ID, pid)); err != nil {
			return nil, &catalog.Error{Code: catalog.CodeUnavailable,
				Message: "the listings are saved but publishing could not be queued; send the request again", Err: err}
		}
	}
	return listings, nil
}

// PushAgain ("Đẩy lại") queues a push of the listing's current stock.
// Pushes are coalesced per listing: one already waiting is the same push,
// and one waiting for its retry after a failure is run at once (with a
// Runner). queued is false when a push was already waiting or running.
func (c *Commands) PushAgain(ctx context.Context, listingID int64) (queued bool, err error) {
	l, err := c.Store.Listing(ctx, listingID)
	if err != nil {
		return false, err
	}
	if l.Status != catalog.ListingLive {
		return false, catalog.Errorf(catalog.CodeFailedPrecondition, "the listing is %s: only a live listing has stock to push; publish it first", l.Status)
	}
	shop, err := c.Store.Shop(ctx, l.ShopID)
	if err != nil {
		return false, err
	}
	if !shop.Connected {
		return false, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "the shop is disconnected: connect it again first"}
	}
	queued, err = c.Enqueue(ctx, worker.StockPushTask(l.ID))
	if err != nil {
		return false, &catalog.Error{Code: catalog.CodeUnavailable, Message: "cannot queue the push; retry", Err: err}
	}
	if !queued && c.Runner != nil {
		// Waiting for a retry (or failed for good): run it now. A push that
		// is pending or running refuses, which is what "already" means.
		_ = c.Runner.RunTask(worker.QueueCritical, worker.StockPushTaskID(l.ID))
	}
	return queued, nil
}

// Delist takes the listing's item (the whole product in that shop) off
// sale on the channel.
func (c *Commands) Delist(ctx context.Context, listingID int64) (queued bool, err error) {
	l, err := c.Store.Listing(ctx, listingID)
	if err != nil {
		return false, err
	}
	if l.Status != catalog.ListingLive {
		return false, catalog.Errorf(catalog.CodeFailedPrecondition, "the listing is %s: only a live listing can be delisted", l.Status)
	}
	queued, err = c.Enqueue(ctx, worker.DelistTask(l.ShopID, l.ProductID))
	if err != nil {
		return false, &catalog.Error{Code: catalog.CodeUnavailable, Message: "cannot queue the delisting; retry", Err: err}
	}
	return queued, nil
}

// MaxTrackingNumber is the longest tracking number a seller may type.
const MaxTrackingNumber = 64

// Ship queues the shipment of a paid order on its channel; the worker
// ships it, reads it back and deducts its stock. An empty tracking number
// lets the platform's carrier number the parcel.
func (c *Commands) Ship(ctx context.Context, orderID int64, trackingNumber string) (queued bool, err error) {
	tracking := strings.TrimSpace(trackingNumber)
	if len(tracking) > MaxTrackingNumber || strings.IndexFunc(tracking, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return false, Invalid("tracking_number", "a tracking number is at most 64 printable characters")
	}
	o, err := c.Store.Order(ctx, orderID)
	if err != nil {
		return false, err
	}
	switch o.Status {
	case catalog.OrderReadyToShip:
	case catalog.OrderUnpaid:
		return false, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "the order is not paid yet"}
	case catalog.OrderCancelled:
		return false, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "the order is cancelled"}
	default:
		return false, catalog.Errorf(catalog.CodeFailedPrecondition, "the order is already %s", o.Status)
	}
	queued, err = c.Enqueue(ctx, worker.ShipTask(o.ID, tracking))
	if err != nil {
		return false, &catalog.Error{Code: catalog.CodeUnavailable, Message: "cannot queue the shipment; retry", Err: err}
	}
	return queued, nil
}

// Enqueue queues a task; queued is false when a task of the same id is
// already waiting or running (coalesced), which is not an error.
func (c *Commands) Enqueue(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (queued bool, err error) {
	if c.Tasks == nil {
		return false, errors.New("no task queue is configured")
	}
	_, err = c.Tasks.EnqueueContext(ctx, t, opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return false, nil
	}
	return err == nil, err
}

// ---- errors ----

// Invalid is an invalid_argument about one field.
func Invalid(field, reason string) error {
	return &catalog.Error{Code: catalog.CodeInvalidArgument, Message: reason, Fields: map[string]string{field: reason}}
}

// channelErrorCodes maps the connectors' error vocabulary to the hub's.
var channelErrorCodes = map[driver.Code]catalog.Code{
	driver.CodeNotFound:           catalog.CodeNotFound,
	driver.CodeAlreadyExists:      catalog.CodeConflict,
	driver.CodeInvalidArgument:    catalog.CodeInvalidArgument,
	driver.CodePermissionDenied:   catalog.CodePermissionDenied,
	driver.CodeUnauthenticated:    catalog.CodeUnauthenticated,
	driver.CodeResourceExhausted:  catalog.CodeUnavailable,
	driver.CodeUnavailable:        catalog.CodeUnavailable,
	driver.CodeFailedPrecondition: catalog.CodeFailedPrecondition,
	driver.CodeInternal:           catalog.CodeInternal,
}

// ChannelError is a driver failure as a hub error, with the platform's
// own message (drivers keep secrets out of it).
func ChannelError(err error, what string) error {
	code, ok := channelErrorCodes[driver.CodeOf(err)]
	if !ok {
		code = catalog.CodeInternal
	}
	msg := what
	var de *driver.Error
	if errors.As(err, &de) && de.Message != "" {
		msg += ": " + driver.Redact(de.Message)
	}
	return &catalog.Error{Code: code, Message: msg, Err: err}
}

// atField names the request field an invalid_argument is about.
func atField(err error, field string) error {
	var ce *catalog.Error
	if !errors.As(err, &ce) || ce.Code != catalog.CodeInvalidArgument {
		return err
	}
	return &catalog.Error{Code: ce.Code, Message: ce.Message, Fields: map[string]string{field: ce.Message}, Err: ce.Err}
}

// Dedupe keeps the first of each id, in order.
func Dedupe(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
