// Package webui is the hub's web interface for people: server-rendered
// pages (html/template, every asset embedded), Vietnamese first with an
// English toggle, laid out for a phone first. It reads the catalog through
// the store and starts every sync operation through worker/ops, the same
// code the JSON API calls; it holds no business rule of its own.
package webui

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/hibiken/asynq"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/photo"
	"ocophub/catalog/store"
	"ocophub/worker/ops"
)

// Store is what the pages read and write (*store.Store implements it).
type Store interface {
	catalog.Store
	Shop(ctx context.Context, id int64) (catalog.Shop, error)
	ListShops(ctx context.Context, q catalog.ListQuery) ([]catalog.Shop, string, error)
	Listing(ctx context.Context, id int64) (catalog.Listing, error)
	ListListings(ctx context.Context, shopID int64, q catalog.ListQuery) ([]catalog.Listing, string, error)
	ListingsOfVariant(ctx context.Context, variantID int64) ([]catalog.Listing, error)
	Order(ctx context.Context, id int64) (catalog.Order, error)
	OrderInbox(ctx context.Context, q store.OrderQuery) ([]catalog.Order, error)
	DailySales(ctx context.Context, from time.Time, days int) (store.Sales, error)
	ShopSyncs(ctx context.Context) (map[int64]*store.ShopSync, error)
	Pushes(ctx context.Context, q store.PushQuery) ([]store.PushAudit, error)
	DeadLetters(ctx context.Context, limit int) ([]store.InboxEvent, int64, error)
	LowStocks(ctx context.Context, threshold int64, limit int) ([]store.LowStock, error)
	ExpiringCertificates(ctx context.Context, day catalog.Date, limit int) ([]catalog.Product, error)
	ProductByGTIN(ctx context.Context, gtin catalog.GTIN) (catalog.Product, error)
	ShopPrices(ctx context.Context, productID int64) ([]catalog.ShopPrice, error)
	api.PhotoStore // product galleries (photos.go)
	CoverImages(ctx context.Context, productIDs []int64) (map[int64]catalog.ProductImage, error)
	StockLevelsOf(ctx context.Context, variantIDs []int64) (map[int64][]catalog.StockLevel, error)
	ops.CampaignStore   // alliance campaigns (campaigns.go)
	catalog.Idempotency // one-time form keys (formOnce)

	StartLive(ctx context.Context, in catalog.LiveStart) (catalog.LiveSession, error)
	AdjustLiveHold(ctx context.Context, sessionID, variantID, delta int64) (catalog.LiveSession, error)
	EndLive(ctx context.Context, id int64) (catalog.LiveSession, error)
	LiveSession(ctx context.Context, id int64) (catalog.LiveSession, error)
	ListLiveSessions(ctx context.Context, q catalog.ListQuery) ([]catalog.LiveSession, error)
	LiveReport(ctx context.Context, id int64) (catalog.LiveReport, error)
	LiveVariants(ctx context.Context, variantIDs []int64) (map[int64]store.LiveVariant, error)
	LiveHoldable(ctx context.Context, shopID int64, variantIDs []int64) (map[int64]int64, error)
}

var _ Store = (*store.Store)(nil)

// Jobs is the part of *asynq.Inspector the job monitor uses.
type Jobs interface {
	GetTaskInfo(queue, id string) (*asynq.TaskInfo, error)
	GetQueueInfo(queue string) (*asynq.QueueInfo, error)
	ListRetryTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	ListArchivedTasks(queue string, opts ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	RunTask(queue, id string) error
	DeleteTask(queue, id string) error
}

var _ Jobs = (*asynq.Inspector)(nil)

// Deps is what the web UI needs; main wires it by hand. Zero values are
// noted beside each field.
type Deps struct {
	Store Store
	// Commands start sync operations (connect, publish, push again, ship).
	Commands *ops.Commands
	// Jobs inspects the worker's queues; nil shows the job monitor as
	// unavailable.
	Jobs Jobs
	// Wake tells the worker's relay the outbox has news (after a stock
	// change, an import, a product edit); nil: it finds it at its tick.
	Wake func()
	// PublicBase is the hub as the browser reached it, the base of the
	// marketplaces' OAuth redirects: api.Auth's PublicBase over
	// OCOPHUB_PUBLIC_URL, as the API's own redirects use, so behind a TLS
	// proxy the seller comes back over https. Nil: the request's own
	// scheme and host, believing no proxy.
	PublicBase func(r *http.Request) string

	// Authenticate tells who sends a request by its session (api.Auth's);
	// an error with code unauthenticated sends the browser to /login. Nil:
	// only DevOperator lets anyone in.
	Authenticate func(r *http.Request) (catalog.Principal, error)
	// Login serves POST /login (username, password, next) and POST
	// /logout (api.Auth's LoginForm); nil uses the stand-in.
	Login http.Handler
	// CSRFToken is written into every form as the hidden field csrf_token
	// (api.Auth's; api.New's router checks it on every form post).
	CSRFToken func(r *http.Request) string
	// DevOperator, with no Authenticate, lets a browser in as the
	// operator once it presses the button on /login: for tests and trials
	// without accounts. Every page then says so.
	DevOperator bool

	// StockAlertAt is the available quantity at or below which the
	// dashboard warns (default 10).
	StockAlertAt int64
	// Photos holds the product photos' files; nil: uploads are refused.
	Photos *photo.Library
	// Now is the clock (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// UI serves the pages.
type UI struct {
	d     Deps
	pages *pages
	streamStops
}

// New checks the dependencies and returns the function that mounts the
// pages on the API's gin engine (api.New).
func New(d Deps) (func(*gin.Engine), error) {
	if d.Store == nil || d.Commands == nil {
		return nil, errors.New("webui: Store and Commands are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.StockAlertAt == 0 {
		d.StockAlertAt = 10
	}
	if d.Wake == nil {
		d.Wake = func() {}
	}
	if d.PublicBase == nil {
		var noProxies *api.Auth
		d.PublicBase = func(r *http.Request) string { return noProxies.PublicBase(r, "") }
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	ui := &UI{d: d, pages: p, streamStops: streamStops{streams: map[*http.Server]chan struct{}{}}}
	return ui.mount, nil
}

func (ui *UI) mount(r *gin.Engine) {
	r.GET("/static/*file", serveStatic)
	r.GET("/p/:gtin", ui.publicProduct)
	r.GET("/t/:gtin/*lot", ui.tracePage)
	r.GET("/lang/:lang", ui.setLanguage)
	r.GET("/login", ui.loginPage)
	r.POST("/login", ui.login)
	r.POST("/logout", ui.logout)

	g := r.Group("", ui.requireSignIn, ui.formOnce)
	read, write := catalog.PermCatalogRead, catalog.PermCatalogWrite
	g.GET("/", ui.need(read), ui.dashboard)
	g.GET("/products", ui.need(read), ui.productList)
	g.GET("/products/grid", ui.need(catalog.PermPriceWrite), ui.gridPage)
	g.POST("/products/grid", ui.need(catalog.PermPriceWrite), ui.gridSave)
	g.GET("/products/:id", ui.need(read), ui.productPage)
	g.GET("/products/new", ui.need(catalog.PermCatalogWrite), ui.productNew)
	g.POST("/products/new", ui.need(catalog.PermCatalogWrite), ui.productCreate)
	g.POST("/products/:id/archive", ui.need(catalog.PermCatalogWrite), ui.productArchive(true))
	g.POST("/products/:id/restore", ui.need(catalog.PermCatalogWrite), ui.productArchive(false))
	g.GET("/products/:id/edit", ui.need(catalog.PermPriceWrite), ui.productEdit)
	g.GET("/products/:id/categories", ui.need(write), ui.productCategories)
	g.POST("/products/:id/categories/:platform", ui.need(write), ui.saveProductCategory)
	g.POST("/products/:id/edit", ui.need(catalog.PermPriceWrite), ui.productSave)
	g.POST("/products/:id/stock", ui.need(catalog.PermStockAdjust), ui.stockAdjust)
	g.POST("/products/:id/photos", ui.need(write), ui.photoUpload)
	g.POST("/products/:id/photos/:image/move", ui.need(write), ui.photoMove)
	g.POST("/products/:id/photos/:image/delete", ui.need(write), ui.photoDelete)
	g.GET("/products/:id/lots", ui.need(read), ui.lotsPage)
	g.POST("/products/:id/lots", ui.need(catalog.PermStockAdjust), ui.lotReceive)
	g.POST("/listings/:id/push", ui.need(catalog.PermListingPush), ui.listingPush)
	g.POST("/listings/:id/delist", ui.need(catalog.PermShopsWrite), ui.listingDelist)
	g.POST("/listings/:id/overrides", ui.need(catalog.PermShopsWrite), ui.listingOverrides)
	g.GET("/import", ui.need(write), ui.importPage)
	g.POST("/import", ui.need(write), ui.importCheck)
	g.POST("/import/confirm", ui.need(write), ui.importConfirm)
	g.GET("/shops", ui.need(catalog.PermShopsRead), ui.shopsPage)
	g.GET("/shops/connect", ui.need(catalog.PermShopsWrite), ui.shopConnect)
	g.GET("/shops/callback/:platform", ui.need(catalog.PermShopsWrite), ui.shopCallback)
	g.POST("/shops/:id/rule", ui.need(catalog.PermShopsWrite), ui.shopRule)
	g.POST("/shops/:id/price-rule", ui.need(catalog.PermShopsWrite), ui.shopPriceRule)
	g.GET("/publish", ui.need(catalog.PermShopsWrite), ui.publishPage)
	g.POST("/publish", ui.need(catalog.PermShopsWrite), ui.publishStart)
	g.GET("/publish/progress", ui.need(catalog.PermShopsRead), ui.publishProgress)
	g.GET("/orders", ui.need(catalog.PermOrdersRead), ui.ordersPage)
	g.POST("/orders/:id/ship", ui.need(catalog.PermOrdersShip), ui.orderShip)
	live := ui.need(catalog.PermLiveRun)
	g.GET("/live", live, ui.livePage)
	g.POST("/live", live, ui.liveStart)
	g.GET("/live/:id", live, ui.liveConsole)
	g.GET("/live/:id/events", live, ui.liveEvents)
	g.POST("/live/:id/hold", live, ui.liveHold)
	g.POST("/live/:id/end", live, ui.liveEnd)
	g.GET("/live/:id/report", live, ui.liveReport)
	g.GET("/pushes", ui.need(catalog.PermShopsRead), ui.pushesPage)
	g.GET("/coops", ui.need(read), ui.coopsPage)
	ui.mountCampaigns(g)
	g.GET("/jobs", ui.operatorOnly, ui.jobsPage)
	g.POST("/jobs/:queue/:id/run", ui.operatorOnly, ui.jobRun)
	g.POST("/jobs/:queue/:id/delete", ui.operatorOnly, ui.jobDelete)
}
