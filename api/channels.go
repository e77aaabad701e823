package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/hibiken/asynq"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors/driver"
	"ocophub/worker"
)

// routes registers the shop, listing and order routes.
func (h syncHandlers) routes(g *gin.RouterGroup) {
	g.GET("/shops", listHandler(h.Store.ListShops))
	g.GET("/shops/:id", getHandler(h.Store.Shop, func(s *catalog.Shop) int64 { return s.Version }))
	g.PUT("/shops/:id/stock-rule", h.setStockRule)
	g.GET("/shops/connect/:platform", h.connectShop)
	g.GET("/shops/callback/:platform", h.shopCallback)
	g.POST("/shops/:id/listings", h.addListings)
	g.GET("/shops/:id/listings", h.shopListings)

	g.GET("/listings/:id", getHandler(h.Store.Listing, func(l *catalog.Listing) int64 { return l.Version }))
	g.POST("/listings/:id/push", h.pushListing)
	g.POST("/listings/:id/delist", h.delistListing)
	g.GET("/listings/:id/pushes", h.pushHistory)

	g.GET("/orders", listHandler(h.Store.ListOrders))
	g.GET("/orders/:id", getHandler(h.Store.Order, func(o *catalog.Order) int64 { return o.Version }))
	g.GET("/orders/:id/events", h.orderEvents)
	g.POST("/orders/:id/ship", h.shipOrder)
}

// ---- shops ----

// stockRuleRequest is the body of PUT /shops/{id}/stock-rule: the rule and,
// without If-Match, the version of the shop that was read.
type stockRuleRequest struct {
	catalog.StockRule
	Version int64 `json:"version"`
}

// setStockRule replaces a shop's stock rule if the version is current, and
// queues a push of every live listing of the shop: the quantity a shop
// shows changes with its rule, not only with stock.
func (h syncHandlers) setStockRule(c *gin.Context) {
	var req stockRuleRequest
	id, ok := pathIDAndBody(c, &req)
	if !ok {
		return
	}
	if err := versionFromRequest(c, &req.Version); err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	shop, err := h.Store.Shop(ctx, id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	rule := req.StockRule
	rule.WarehouseIDs = dedupe(rule.WarehouseIDs)
	if err := h.validateRule(ctx, shop, rule); err != nil {
		abortWithError(c, err)
		return
	}
	shop, err = h.Store.SetShopRule(ctx, id, req.Version, rule)
	if err != nil {
		abortWithError(c, unprefixFields(err, "stock_rule."))
		return
	}
	h.repushShop(ctx, shop.ID)
	c.Header("ETag", etag(shop.Version))
	c.JSON(http.StatusOK, shop)
}

// validateRule reports every bad field of a rule at once, named as in the
// request body; a warehouse must be one of the shop's co-op.
func (h syncHandlers) validateRule(ctx context.Context, shop catalog.Shop, rule catalog.StockRule) error {
	fe := catalog.FieldErrors{}
	var ce *catalog.Error
	if err := rule.Validate(); errors.As(err, &ce) {
		for f, reason := range ce.Fields {
			fe.Add(strings.TrimPrefix(f, "stock_rule."), reason)
		}
	} else if err != nil {
		return err
	}
	for i, wid := range rule.WarehouseIDs {
		w, err := h.Store.Warehouse(ctx, wid)
		if catalog.ErrorCode(err) == catalog.CodeNotFound || err == nil && w.CoopID != shop.CoopID {
			fe.Add(fmt.Sprintf("warehouse_ids[%d]", i), "not a warehouse of the shop's co-op")
			continue
		}
		if err != nil {
			return err
		}
	}
	return fe.Err()
}

// repushShop queues a push of each live listing of the shop. The rule is
// saved whatever happens here: a push that cannot be queued is logged.
func (h syncHandlers) repushShop(ctx context.Context, shopID int64) {
	q := catalog.ListQuery{Limit: catalog.MaxLimit}
	for {
		page, next, err := h.Store.ListListings(ctx, shopID, q)
		if err != nil {
			slog.WarnContext(ctx, "stock rule changed but the shop's listings cannot be read to push", "shop", shopID, "err", err)
			return
		}
		for _, l := range page {
			if l.Status != catalog.ListingLive {
				continue
			}
			if _, err := h.enqueue(ctx, worker.StockPushTask(l.ID)); err != nil {
				slog.WarnContext(ctx, "stock rule changed but a push cannot be queued", "listing", l.ID, "err", err)
			}
		}
		if next == "" {
			return
		}
		q.Cursor = next
	}
}

// ---- connecting a shop (OAuth) ----

// stateTTL bounds how long a seller may take on the platform's
// authorization page (Lazada's codes live 30 minutes).
const stateTTL = time.Hour

// connectShop sends the seller to the platform's authorization page. The
// platform comes back to shopCallback with a code and the signed state,
// which names the co-op the shop is connected for.
func (h syncHandlers) connectShop(c *gin.Context) {
	platform, newDriver, err := h.platform(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	coopID, err := strconv.ParseInt(c.Query("coop_id"), 10, 64)
	if err != nil || coopID <= 0 {
		abortWithError(c, invalid("coop_id", "coop_id is required: the co-op the shop is connected for"))
		return
	}
	if _, err := h.Store.Coop(c.Request.Context(), coopID); err != nil {
		if catalog.ErrorCode(err) == catalog.CodeNotFound {
			err = invalid("coop_id", "co-op not found")
		}
		abortWithError(c, err)
		return
	}
	state, err := h.signState(coopID, platform, time.Now())
	if err != nil {
		abortWithError(c, err)
		return
	}
	u, err := newDriver(catalog.Shop{Platform: platform}).AuthorizeURL(h.baseURL(c)+"/api/v1/shops/callback/"+string(platform), state)
	if err != nil {
		abortWithError(c, channelError(err, "cannot build the authorization URL"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusFound, u)
}

// shopCallback is where the platform sends the seller back: the state is
// checked, the code exchanged for tokens, and the shop recorded (or its
// grant renewed) with the token sealed.
func (h syncHandlers) shopCallback(c *gin.Context) {
	platform, newDriver, err := h.platform(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	q := c.Request.URL.Query()
	coopID, err := h.verifyState(q.Get("state"), platform, time.Now())
	if err != nil {
		abortWithError(c, err)
		return
	}
	if e := q.Get("error"); e != "" {
		abortWithError(c, &catalog.Error{Code: catalog.CodePermissionDenied, Message: "the seller did not authorize the hub: " + e})
		return
	}
	cb := driver.CallbackFromQuery(q)
	if cb.Code == "" {
		abortWithError(c, invalid("code", "the platform sent no authorization code"))
		return
	}
	ctx := c.Request.Context()
	tok, err := newDriver(catalog.Shop{Platform: platform, ExternalID: cb.ShopID}).ExchangeCode(ctx, cb)
	if err != nil {
		abortWithError(c, channelError(err, "the platform refused the authorization code"))
		return
	}
	ext := tok.ShopID
	if ext == "" {
		ext = cb.ShopID
	}
	if ext == "" {
		abortWithError(c, &catalog.Error{Code: catalog.CodeInternal, Message: "the platform did not say which shop was authorized"})
		return
	}
	sealed, err := worker.SealToken(tok)
	if err != nil {
		abortWithError(c, err)
		return
	}
	shop := catalog.Shop{CoopID: coopID, Platform: platform, ExternalID: ext, Name: platformName(platform) + " " + ext}
	if err := h.Store.ConnectShop(ctx, &shop, sealed, tok.AccessExpiresAt, tok.RefreshExpiresAt, time.Time{}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("ETag", etag(shop.Version))
	c.JSON(http.StatusOK, shop)
}

// platform reads the :platform of the path and its app-level driver; a
// platform the hub does not connect is 404.
func (h syncHandlers) platform(c *gin.Context) (catalog.Platform, func(catalog.Shop) driver.Driver, error) {
	p, err := catalog.ParsePlatform(c.Param("platform"))
	newDriver, ok := h.Drivers[p]
	if err != nil || !ok {
		return "", nil, catalog.Errorf(catalog.CodeNotFound, "the hub does not connect shops of %q", c.Param("platform"))
	}
	return p, newDriver, nil
}

// baseURL is the hub as the seller's browser reaches it: PublicURL, else
// the request's own scheme and host.
func (h syncHandlers) baseURL(c *gin.Context) string {
	if h.PublicURL != "" {
		return strings.TrimSuffix(h.PublicURL, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// signState makes the OAuth state "coop.platform.expiry.nonce.mac": the
// co-op travels through the platform and comes back signed, so nothing is
// kept between the two requests and any replica can take the callback.
// The nonce makes each state unique (Zalo derives its PKCE verifier from
// it).
func (h syncHandlers) signState(coopID int64, p catalog.Platform, now time.Time) (string, error) {
	if len(h.StateKey) == 0 {
		return "", &catalog.Error{Code: catalog.CodeInternal, Message: "no key signs the OAuth state: set OCOPHUB_SECRET_KEYS"}
	}
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce)
	payload := fmt.Sprintf("%d.%s.%d.%s", coopID, p, now.Add(stateTTL).Unix(), hex.EncodeToString(nonce))
	return payload + "." + base64.RawURLEncoding.EncodeToString(h.stateMAC(payload)), nil
}

func (h syncHandlers) stateMAC(payload string) []byte {
	m := hmac.New(sha256.New, h.StateKey)
	m.Write([]byte("ocophub oauth state\x00" + payload))
	return m.Sum(nil)
}

// verifyState returns the co-op of a state this hub signed for platform
// and that has not expired; anything else is 400.
func (h syncHandlers) verifyState(state string, p catalog.Platform, now time.Time) (int64, error) {
	if len(h.StateKey) == 0 {
		return 0, &catalog.Error{Code: catalog.CodeInternal, Message: "no key signs the OAuth state: set OCOPHUB_SECRET_KEYS"}
	}
	bad := invalid("state", "the authorization state is missing, altered or expired: connect the shop again")
	payload, sig, ok := cutLast(state, ".")
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err != nil || !hmac.Equal(mac, h.stateMAC(payload)) {
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

// platformName is the platform as sellers write it ("Lazada").
func platformName(p catalog.Platform) string {
	s := string(p)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ---- listings ----

// addListingsRequest is the body of POST /shops/{id}/listings: variants by
// id, or every variant of one product.
type addListingsRequest struct {
	VariantIDs []int64 `json:"variant_ids"`
	ProductID  int64   `json:"product_id"`
}

// addListings offers variants in a shop (drafts; existing listings are
// returned as they are) and queues one publish per product they belong to.
func (h syncHandlers) addListings(c *gin.Context) {
	var req addListingsRequest
	shopID, ok := pathIDAndBody(c, &req)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	shop, err := h.Store.Shop(ctx, shopID)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var variants []int64
	field := func(i int) string { return fmt.Sprintf("variant_ids[%d]", i) }
	switch {
	case (len(req.VariantIDs) > 0) == (req.ProductID != 0):
		abortWithError(c, invalid("body", `send either "variant_ids" or "product_id"`))
		return
	case req.ProductID != 0:
		p, err := h.Store.Product(ctx, req.ProductID)
		if catalog.ErrorCode(err) == catalog.CodeNotFound || err == nil && p.CoopID != shop.CoopID {
			abortWithError(c, invalid("product_id", "not a product of the shop's co-op"))
			return
		}
		if err != nil {
			abortWithError(c, err)
			return
		}
		for _, v := range p.Variants {
			variants = append(variants, v.ID)
		}
		field = func(int) string { return "product_id" }
	case len(req.VariantIDs) > catalog.MaxLimit:
		abortWithError(c, invalid("variant_ids", "at most 200 variants at a time"))
		return
	default:
		variants = dedupe(req.VariantIDs)
	}
	listings := make([]catalog.Listing, 0, len(variants))
	var products []int64
	for i, vid := range variants {
		l, err := h.Store.AddListing(ctx, shop.ID, vid)
		if err != nil {
			abortWithError(c, atField(err, field(i)))
			return
		}
		listings = append(listings, l)
		products = append(products, l.ProductID)
	}
	for _, pid := range dedupe(products) {
		if _, err := h.enqueue(ctx, worker.PublishTask(shop.ID, pid)); err != nil {
			abortWithError(c, &catalog.Error{Code: catalog.CodeUnavailable,
				Message: "the listings are saved but publishing could not be queued; send the request again", Err: err})
			return
		}
	}
	c.JSON(http.StatusAccepted, listResponse[catalog.Listing]{Items: listings})
}

func (h syncHandlers) shopListings(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	q, err := parseListQuery(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	if _, err := h.Store.Shop(ctx, id); err != nil {
		abortWithError(c, err)
		return
	}
	items, next, err := h.Store.ListListings(ctx, id, q)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if items == nil {
		items = []catalog.Listing{}
	}
	c.JSON(http.StatusOK, listResponse[catalog.Listing]{Items: items, NextCursor: next})
}

// taskAccepted answers a request that queued work: "queued", or
// "already_queued" when the same work was waiting or running.
type taskAccepted struct {
	Task string `json:"task"`
}

func accepted(queued bool) taskAccepted {
	if queued {
		return taskAccepted{Task: "queued"}
	}
	return taskAccepted{Task: "already_queued"}
}

// pushListing ("Đẩy lại") queues a push of the listing's current stock.
// Pushes are coalesced per listing: one already waiting is the same push.
func (h syncHandlers) pushListing(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	l, err := h.Store.Listing(ctx, id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if l.Status != catalog.ListingLive {
		abortWithError(c, catalog.Errorf(catalog.CodeFailedPrecondition, "the listing is %s: only a live listing has stock to push; publish it first", l.Status))
		return
	}
	shop, err := h.Store.Shop(ctx, l.ShopID)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if !shop.Connected {
		abortWithError(c, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "the shop is disconnected: connect it again first"})
		return
	}
	queued, err := h.enqueue(ctx, worker.StockPushTask(l.ID))
	if err != nil {
		abortWithError(c, &catalog.Error{Code: catalog.CodeUnavailable, Message: "cannot queue the push; retry", Err: err})
		return
	}
	c.JSON(http.StatusAccepted, accepted(queued))
}

// delistListing takes the listing's item (the whole product in that shop)
// off sale on the channel.
func (h syncHandlers) delistListing(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	l, err := h.Store.Listing(ctx, id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if l.Status != catalog.ListingLive {
		abortWithError(c, catalog.Errorf(catalog.CodeFailedPrecondition, "the listing is %s: only a live listing can be delisted", l.Status))
		return
	}
	queued, err := h.enqueue(ctx, worker.DelistTask(l.ShopID, l.ProductID))
	if err != nil {
		abortWithError(c, &catalog.Error{Code: catalog.CodeUnavailable, Message: "cannot queue the delisting; retry", Err: err})
		return
	}
	c.JSON(http.StatusAccepted, accepted(queued))
}

// orderEvents lists an order's status and stock changes, oldest first.
func (h syncHandlers) orderEvents(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	events, err := h.Store.OrderHistory(c.Request.Context(), id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, listResponse[store.OrderEvent]{Items: events})
}

func (h syncHandlers) pushHistory(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	q, err := parseListQuery(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	items, err := h.Store.PushHistory(c.Request.Context(), id, q.Limit)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if items == nil {
		items = []store.PushAudit{}
	}
	c.JSON(http.StatusOK, listResponse[store.PushAudit]{Items: items})
}

// ---- orders ----

// shipRequest is the optional body of POST /orders/{id}/ship.
type shipRequest struct {
	// TrackingNumber is for sellers who ship themselves; empty lets the
	// platform's carrier number the parcel.
	TrackingNumber string `json:"tracking_number"`
}

const maxTrackingNumber = 64

// shipOrder queues the shipment of a paid order on its channel; the worker
// ships it, reads it back and deducts its stock.
func (h syncHandlers) shipOrder(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var req shipRequest
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			abortWithError(c, err)
			return
		}
	}
	tracking := strings.TrimSpace(req.TrackingNumber)
	if len(tracking) > maxTrackingNumber || strings.IndexFunc(tracking, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		abortWithError(c, invalid("tracking_number", "a tracking number is at most 64 printable characters"))
		return
	}
	ctx := c.Request.Context()
	o, err := h.Store.Order(ctx, id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	switch o.Status {
	case catalog.OrderReadyToShip:
	case catalog.OrderUnpaid:
		abortWithError(c, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "the order is not paid yet"})
		return
	case catalog.OrderCancelled:
		abortWithError(c, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: "the order is cancelled"})
		return
	default:
		abortWithError(c, catalog.Errorf(catalog.CodeFailedPrecondition, "the order is already %s", o.Status))
		return
	}
	queued, err := h.enqueue(ctx, worker.ShipTask(o.ID, tracking))
	if err != nil {
		abortWithError(c, &catalog.Error{Code: catalog.CodeUnavailable, Message: "cannot queue the shipment; retry", Err: err})
		return
	}
	c.JSON(http.StatusAccepted, accepted(queued))
}

// ---- helpers ----

// enqueue queues a task; queued is false when a task of the same id is
// already waiting or running (coalesced), which is not an error.
func (h syncHandlers) enqueue(ctx context.Context, t *asynq.Task) (queued bool, err error) {
	if h.Tasks == nil {
		return false, errors.New("no task queue is configured")
	}
	_, err = h.Tasks.EnqueueContext(ctx, t)
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return false, nil
	}
	return err == nil, err
}

// channelErrorCodes maps the connectors' error vocabulary to the API's.
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

// channelError is a driver failure as an API error, with the platform's
// own message (drivers keep secrets out of it).
func channelError(err error, what string) error {
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

// unprefixFields renames the store's field names to the request's.
func unprefixFields(err error, prefix string) error {
	var ce *catalog.Error
	if !errors.As(err, &ce) || len(ce.Fields) == 0 {
		return err
	}
	out := *ce
	out.Fields = map[string]string{}
	for f, reason := range ce.Fields {
		out.Fields[strings.TrimPrefix(f, prefix)] = reason
	}
	return &out
}

// dedupe keeps the first of each id, in order.
func dedupe(ids []int64) []int64 {
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
