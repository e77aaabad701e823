// Package worker is the sync engine: the outbox relay that turns stock
// changes into pushes, the asynq task handlers that publish listings, push
// stock and bring orders in, and the scheduler of the polling backstop.
// asynq delivers at least once and Redis is only a transport: every
// handler is idempotent and the database is the record.
package worker

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
)

// Task kinds: stable strings, one payload each.
const (
	KindStockPush      = "stock:push"      // StockPush; TaskID per listing coalesces
	KindListingPublish = "listing:publish" // ListingPublish
	KindOrderIngest    = "order:ingest"    // OrderIngest
	KindOrdersPoll     = "orders:poll"     // OrdersPoll
	KindTokenRefresh   = "token:refresh"   // TokenRefresh
	KindStockReconcile = "stock:reconcile" // StockReconcile
	KindListingUpdate  = "listing:update"  // ListingUpdate: content and prices of a product's item in a shop
	KindListingDelist  = "listing:delist"  // ListingDelist
)

// Queues, by urgency: stock pushes jump ahead of everything.
const (
	QueueCritical = "critical"
	QueueDefault  = "default"
	QueueLow      = "low"
)

// StockPush pushes the current stock of one listing.
type StockPush struct {
	ListingID int64 `json:"listing_id"`
	// Settle gives a selling margin back once the shop is quiet.
	Settle bool `json:"settle,omitempty"`
}

// ListingPublish creates (or finds) a product's item in a shop with the
// variants listed there.
type ListingPublish struct {
	ShopID    int64 `json:"shop_id"`
	ProductID int64 `json:"product_id"`
}

// OrderIngest fetches one order from its channel and applies it.
type OrderIngest struct {
	ShopID     int64  `json:"shop_id"`
	ExternalID string `json:"external_id"`
	InboxID    int64  `json:"inbox_id,omitempty"`
}

// OrdersPoll lists a shop's recent orders: the backstop for lost pushes.
type OrdersPoll struct {
	ShopID int64 `json:"shop_id"`
}

func newTask(kind string, payload any, opts ...asynq.Option) *asynq.Task {
	b, _ := json.Marshal(payload)
	return asynq.NewTask(kind, b, opts...)
}

// StockPushTask coalesces: at most one push per listing waits in the queue.
func StockPushTask(listingID int64) *asynq.Task {
	return newTask(KindStockPush, StockPush{ListingID: listingID}, asynq.Queue(QueueCritical),
		asynq.TaskID(StockPushTaskID(listingID)), asynq.MaxRetry(20))
}

// StockPushTaskID is the TaskID of a listing's push in QueueCritical, for
// the inspector ("push again" runs a push waiting for its retry now).
func StockPushTaskID(listingID int64) string { return "stock:" + strconv.FormatInt(listingID, 10) }

// SettlePushTask pushes a listing again a moment after a push that kept
// a selling margin back, so the margin returns to the shop.
func SettlePushTask(listingID int64) *asynq.Task {
	return newTask(KindStockPush, StockPush{ListingID: listingID, Settle: true}, asynq.Queue(QueueCritical),
		asynq.TaskID("stock-settle:"+strconv.FormatInt(listingID, 10)), asynq.ProcessIn(time.Second), asynq.MaxRetry(20))
}

// PublishTask publishes a product to a shop.
func PublishTask(shopID, productID int64) *asynq.Task {
	return newTask(KindListingPublish, ListingPublish{ShopID: shopID, ProductID: productID}, asynq.Queue(QueueDefault),
		asynq.TaskID("publish:"+strconv.FormatInt(shopID, 10)+":"+strconv.FormatInt(productID, 10)), asynq.MaxRetry(10))
}

// IngestTask brings one order in. It is not coalesced: a push arriving
// while an earlier ingest of the same order runs must still be read, and
// ingesting an order twice changes nothing.
func IngestTask(shopID int64, externalID string, inboxID int64) *asynq.Task {
	return newTask(KindOrderIngest, OrderIngest{ShopID: shopID, ExternalID: externalID, InboxID: inboxID},
		asynq.Queue(QueueCritical), asynq.MaxRetry(20))
}

// ListingUpdate sends a product's content and prices to its item in a
// shop.
type ListingUpdate struct {
	ShopID    int64 `json:"shop_id"`
	ProductID int64 `json:"product_id"`
}

// UpdateTask updates a product's item in a shop; one waits per pair.
func UpdateTask(shopID, productID int64) *asynq.Task {
	return newTask(KindListingUpdate, ListingUpdate{ShopID: shopID, ProductID: productID}, asynq.Queue(QueueDefault),
		asynq.TaskID("update:"+strconv.FormatInt(shopID, 10)+":"+strconv.FormatInt(productID, 10)), asynq.MaxRetry(10))
}

// ListingDelist takes a product's item in a shop off sale.
type ListingDelist struct {
	ShopID    int64 `json:"shop_id"`
	ProductID int64 `json:"product_id"`
}

// DelistTask delists a product's item in a shop.
func DelistTask(shopID, productID int64) *asynq.Task {
	return newTask(KindListingDelist, ListingDelist{ShopID: shopID, ProductID: productID}, asynq.Queue(QueueDefault),
		asynq.MaxRetry(10))
}

// StockReconcile compares one shop's channel stock with what the hub
// expects it to show, counts the drift and repairs it.
type StockReconcile struct {
	ShopID int64 `json:"shop_id"`
}

// ReconcileTask reconciles one shop; one waits per shop.
func ReconcileTask(shopID int64) *asynq.Task {
	return newTask(KindStockReconcile, StockReconcile{ShopID: shopID}, asynq.Queue(QueueLow),
		asynq.TaskID("reconcile:"+strconv.FormatInt(shopID, 10)), asynq.MaxRetry(3))
}

// TokenRefresh renews a shop's token before it expires.
type TokenRefresh struct {
	ShopID int64 `json:"shop_id"`
}

// TokenRefreshTask renews one shop's token; one waits per shop.
func TokenRefreshTask(shopID int64) *asynq.Task {
	return newTask(KindTokenRefresh, TokenRefresh{ShopID: shopID}, asynq.Queue(QueueDefault),
		asynq.TaskID("token:"+strconv.FormatInt(shopID, 10)), asynq.MaxRetry(10))
}

// PollTask polls one shop's orders.
func PollTask(shopID int64) *asynq.Task {
	return newTask(KindOrdersPoll, OrdersPoll{ShopID: shopID}, asynq.Queue(QueueLow),
		asynq.TaskID("poll:"+strconv.FormatInt(shopID, 10)), asynq.MaxRetry(3))
}

// KindOrderShip ships one order on its channel (OrderShip).
const KindOrderShip = "order:ship"

// OrderShip asks the order's channel to ship it; TrackingNumber is for
// sellers who ship themselves (empty: the platform's carrier numbers it).
type OrderShip struct {
	OrderID        int64  `json:"order_id"`
	TrackingNumber string `json:"tracking_number,omitempty"`
}

// ShipTask ships a hub order. It is coalesced per order: a second click
// while the first is queued or running is the same shipment.
func ShipTask(orderID int64, trackingNumber string) *asynq.Task {
	return newTask(KindOrderShip, OrderShip{OrderID: orderID, TrackingNumber: trackingNumber}, asynq.Queue(QueueDefault),
		asynq.TaskID("ship:"+strconv.FormatInt(orderID, 10)), asynq.MaxRetry(10))
}
