package api

import (
	"context"
	"time"

	"github.com/hibiken/asynq"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors/driver"
	"ocophub/worker/ops"
)

// SyncDeps are what the channel routes (shops, listings, orders,
// webhooks) need besides the catalog. A nil *SyncDeps serves the catalog
// routes only.
type SyncDeps struct {
	Store ChannelStore
	// Tasks enqueues worker tasks (an *asynq.Client).
	Tasks Enqueuer
	// Drivers make a platform's driver for app-level calls (authorization
	// URL, code exchange, webhook verification); shop is zero for those but
	// for the code exchange, which names the platform and the shop id the
	// platform's redirect carried. The drivers hold no token.
	Drivers map[catalog.Platform]func(shop catalog.Shop) driver.Driver
	// PublicURL is the hub's base URL as the platforms reach it, for OAuth
	// redirects and webhook callbacks ("https://hub.example.vn").
	PublicURL string
	// Wake tells the worker's relay the outbox has news: the in-process
	// worker's Wake under `dev`, a Redis signal (worker.Signal) under
	// `serve`. Nil: the relay finds it at its next tick.
	Wake func()
	// StateKey signs the OAuth state of shop connections (HMAC-SHA256).
	// Every replica must hold the same key: main derives it from
	// OCOPHUB_SECRET_KEYS. Empty refuses shop connections.
	StateKey []byte
	// Channels reach connected shops for their platforms' categories and
	// attributes (*worker.Channels); nil answers failed_precondition there.
	Channels ops.ShopChannels
}

// Enqueuer is the part of *asynq.Client the API uses.
type Enqueuer interface {
	EnqueueContext(ctx context.Context, task *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error)
}

// ChannelStore is the part of the store the channel routes use
// (*store.Store implements it).
type ChannelStore interface {
	ConnectShop(ctx context.Context, sh *catalog.Shop, token []byte, accessExp, refreshExp, authorizedUntil time.Time) error
	Shop(ctx context.Context, id int64) (catalog.Shop, error)
	ListShops(ctx context.Context, q catalog.ListQuery) ([]catalog.Shop, string, error)
	ShopByExternalID(ctx context.Context, p catalog.Platform, externalID string) (catalog.Shop, error)
	SetShopRule(ctx context.Context, id, version int64, rule catalog.StockRule) (catalog.Shop, error)
	SetShopPriceRule(ctx context.Context, id, version int64, rule catalog.PriceRule) (catalog.Shop, error)
	ShopPrices(ctx context.Context, productID int64) ([]catalog.ShopPrice, error)
	SetListingOverrides(ctx context.Context, id, version int64, o catalog.ListingOverrides) (catalog.Listing, error)
	AddListing(ctx context.Context, shopID, variantID int64) (catalog.Listing, error)
	Listing(ctx context.Context, id int64) (catalog.Listing, error)
	ListListings(ctx context.Context, shopID int64, q catalog.ListQuery) ([]catalog.Listing, string, error)
	PushHistory(ctx context.Context, listingID int64, limit int) ([]store.PushAudit, error)
	Order(ctx context.Context, id int64) (catalog.Order, error)
	OrderHistory(ctx context.Context, orderID int64) ([]store.OrderEvent, error)
	ListOrders(ctx context.Context, q catalog.ListQuery) ([]catalog.Order, string, error)
	InboxAdd(ctx context.Context, platform catalog.Platform, eventID, shopExtID, orderExtID string, body []byte) (int64, bool, error)
	InboxDeadLetter(ctx context.Context, platform catalog.Platform, body []byte, reason string) (int64, bool, error)
	// Catalog reads: the co-op a shop is connected for, the warehouses of
	// a stock rule, the variants of a product to list.
	Coop(ctx context.Context, id int64) (catalog.Coop, error)
	Warehouse(ctx context.Context, id int64) (catalog.Warehouse, error)
	Product(ctx context.Context, id int64) (catalog.Product, error)
	// A product's platform categories (api/categories.go).
	ProductCategories(ctx context.Context, productID int64) ([]catalog.CategoryChoice, error)
	SetProductCategory(ctx context.Context, c *catalog.CategoryChoice) error
	// Alliance campaigns (api/campaigns.go).
	CampaignStore
	// Livestream sessions.
	StartLive(ctx context.Context, in catalog.LiveStart) (catalog.LiveSession, error)
	AdjustLiveHold(ctx context.Context, sessionID, variantID, delta int64) (catalog.LiveSession, error)
	EndLive(ctx context.Context, sessionID int64) (catalog.LiveSession, error)
	LiveSession(ctx context.Context, id int64) (catalog.LiveSession, error)
	ListLiveSessions(ctx context.Context, q catalog.ListQuery) ([]catalog.LiveSession, error)
	LiveReport(ctx context.Context, id int64) (catalog.LiveReport, error)
}

var _ ChannelStore = (*store.Store)(nil)

// Commands are the sync operations over these dependencies, shared with
// the web UI.
func (d *SyncDeps) Commands() *ops.Commands {
	return &ops.Commands{Store: d.Store, Tasks: d.Tasks, Drivers: d.Drivers, StateKey: d.StateKey, Channels: d.Channels}
}
