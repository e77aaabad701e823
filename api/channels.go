package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/catalog/store"
)

// routes registers the shop, listing and order routes.
func (h syncHandlers) routes(g *gin.RouterGroup) {
	g.GET("/shops", listHandler(h.Store.ListShops))
	g.GET("/shops/:id", getHandler(h.Store.Shop, func(s *catalog.Shop) int64 { return s.Version }))
	g.PUT("/shops/:id/stock-rule", h.setStockRule)
	g.GET("/shops/:id/price-rule", h.priceRule)
	g.PUT("/shops/:id/price-rule", h.setPriceRule)
	g.GET("/products/:id/shop-prices", h.shopPrices)
	g.GET("/shops/connect/:platform", h.connectShop)
	g.GET("/shops/callback/:platform", h.shopCallback)
	g.POST("/shops/:id/listings", h.addListings)
	g.GET("/shops/:id/listings", h.shopListings)

	g.GET("/listings/:id", getHandler(h.Store.Listing, func(l *catalog.Listing) int64 { return l.Version }))
	g.PUT("/listings/:id/overrides", h.setOverrides)
	g.POST("/listings/:id/push", h.pushListing)
	g.POST("/listings/:id/delist", h.delistListing)
	g.GET("/listings/:id/pushes", h.pushHistory)

	g.GET("/orders", listHandler(h.Store.ListOrders))
	g.GET("/orders/:id", getHandler(h.Store.Order, func(o *catalog.Order) int64 { return o.Version }))
	g.GET("/orders/:id/events", h.orderEvents)
	g.POST("/orders/:id/ship", h.shipOrder)
	h.liveRoutes(g)
	h.categoryRoutes(g)
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
	if id, ok := versionedBody(c, &req, &req.Version); ok {
		shop, err := h.cmds.SetStockRule(c.Request.Context(), id, req.Version, req.StockRule)
		answerVersioned(c, shop, shop.Version, err)
	}
}

// priceRuleRequest is the body of PUT /shops/{id}/price-rule: the rule
// and, without If-Match, the version of the shop that was read.
type priceRuleRequest struct {
	catalog.PriceRule
	Version int64 `json:"version"`
}

// priceRule answers a shop's price rule, with the shop's version as ETag.
func (h syncHandlers) priceRule(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	shop, err := h.Store.Shop(c.Request.Context(), id)
	answerVersioned(c, shop.PriceRule, shop.Version, err)
}

// setPriceRule replaces a shop's price rule if the version is current, and
// queues a price update of every product live on the shop.
func (h syncHandlers) setPriceRule(c *gin.Context) {
	var req priceRuleRequest
	if id, ok := versionedBody(c, &req, &req.Version); ok {
		shop, err := h.cmds.SetPriceRule(c.Request.Context(), id, req.Version, req.PriceRule)
		answerVersioned(c, shop, shop.Version, err)
	}
}

// shopPrices answers the price each shop of the product's co-op shows for
// each of its variants, and where it comes from.
func (h syncHandlers) shopPrices(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	prices, err := h.Store.ShopPrices(c.Request.Context(), id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": prices})
}

// overridesRequest is the body of PUT /listings/{id}/overrides: the
// listing's own title, price, category and attributes and, without
// If-Match, the version of the listing that was read.
type overridesRequest struct {
	catalog.ListingOverrides
	Version int64 `json:"version"`
}

// setOverrides replaces a listing's own content on its channel; a live
// listing's item is updated on the channel.
func (h syncHandlers) setOverrides(c *gin.Context) {
	var req overridesRequest
	if id, ok := versionedBody(c, &req, &req.Version); ok {
		l, err := h.cmds.SetListingOverrides(c.Request.Context(), id, req.Version, req.ListingOverrides)
		answerVersioned(c, l, l.Version, err)
	}
}

// versionedBody reads the path id and a body carrying the version that was
// read (If-Match wins).
func versionedBody(c *gin.Context, body any, version *int64) (int64, bool) {
	id, ok := pathIDAndBody(c, body)
	if !ok {
		return 0, false
	}
	if err := versionFromRequest(c, version); err != nil {
		abortWithError(c, err)
		return 0, false
	}
	return id, true
}

// answerVersioned answers a versioned write: the object with its ETag.
func answerVersioned(c *gin.Context, v any, version int64, err error) {
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("ETag", etag(version))
	c.JSON(http.StatusOK, v)
}

// ---- connecting a shop (OAuth) ----

// connectShop sends the seller to the platform's authorization page. The
// platform comes back to shopCallback with a code and the signed state,
// which names the co-op the shop is connected for.
func (h syncHandlers) connectShop(c *gin.Context) {
	coopID, _ := strconv.ParseInt(c.Query("coop_id"), 10, 64)
	u, err := h.cmds.AuthorizeURL(c.Request.Context(), c.Param("platform"), coopID,
		h.publicBase(c)+"/api/v1/shops/callback/"+c.Param("platform"))
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusFound, u)
}

// shopCallback is where the platform sends the seller back: the state is
// checked, the code exchanged for tokens, and the shop recorded (or its
// grant renewed) with the token sealed.
func (h syncHandlers) shopCallback(c *gin.Context) {
	shop, err := h.cmds.CompleteConnection(c.Request.Context(), c.Param("platform"), c.Request.URL.Query())
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("ETag", etag(shop.Version))
	c.JSON(http.StatusOK, shop)
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
	listings, err := h.cmds.AddListings(c.Request.Context(), shopID, req.VariantIDs, req.ProductID)
	if err != nil {
		abortWithError(c, err)
		return
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
func (h syncHandlers) pushListing(c *gin.Context) {
	h.listingCommand(c, h.cmds.PushAgain)
}

// delistListing takes the listing's item (the whole product in that shop)
// off sale on the channel.
func (h syncHandlers) delistListing(c *gin.Context) {
	h.listingCommand(c, h.cmds.Delist)
}

// listingCommand runs a command on the listing of the path and answers 202.
func (h syncHandlers) listingCommand(c *gin.Context, run func(ctx context.Context, id int64) (bool, error)) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	queued, err := run(c.Request.Context(), id)
	if err != nil {
		abortWithError(c, err)
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
	queued, err := h.cmds.Ship(c.Request.Context(), id, req.TrackingNumber)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, accepted(queued))
}

// ---- helpers ----
