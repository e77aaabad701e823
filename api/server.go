// Package api is the HTTP face of the hub: the JSON API under /api/v1, the
// OpenAPI document, health and readiness probes and Prometheus metrics.
// Handlers stay thin: decode, call the catalog store, encode; every error
// goes through abortWithError.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"ocophub/catalog"
)

// Limits on request bodies: JSON documents are small; catalog files are not.
const (
	MaxJSONBody    = 1 << 20
	MaxImportBody  = 32 << 20
	MaxWebhookBody = 256 << 10
)

// Pinger is a dependency /readyz checks.
type Pinger func(ctx context.Context) error

// Deps is what the API needs; main wires it by hand.
type Deps struct {
	Store catalog.Store
	// Ready are the checks of /readyz by name ("database", "redis").
	Ready map[string]Pinger
	// Registry receives the HTTP metrics and is served on /metrics; nil
	// makes a fresh one.
	Registry *prometheus.Registry
	Logger   *slog.Logger
	// TrustedProxies whose X-Forwarded-For is believed; nil trusts none.
	TrustedProxies []string
	// Sync serves shops, listings, orders and webhooks; nil leaves them out.
	Sync *SyncDeps
	// Auth tells who sends each request (NewAuth). Nil leaves out the
	// sign-in and account routes, and every other route but the public
	// ones answers 401: nobody can get in.
	Auth *Auth
	// Photos serves product galleries and their files; nil leaves them out.
	Photos *PhotoDeps
	// PublicURL is the hub as buyers and platforms reach it
	// (OCOPHUB_PUBLIC_URL): the base of the lots' GS1 Digital Links. Empty:
	// Sync's, else each request's own scheme and host (Auth.PublicBase).
	PublicURL string
	// Now is the clock (stamps print the day's OCOP claim); nil: time.Now.
	Now func() time.Time
	// RequestTimeout bounds each API request and its database work
	// (default DefaultRequestTimeout; imports get ImportTimeout).
	RequestTimeout time.Duration
}

// New builds the router with every route of the API.
func New(d Deps) (*gin.Engine, error) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	r.HandleMethodNotAllowed = true
	r.MaxMultipartMemory = formMemory // uploads spill to disk, not memory
	r.ContextWithFallback = true
	auth := d.Auth
	if auth == nil {
		auth = &Auth{log: d.Logger}
	}
	metrics := newHTTPMetrics(d.Registry)
	r.Use(requestID(), recoverPanics(d.Logger), accessLog(d.Logger), metrics.middleware(), securityHeaders(auth), capBodies, auth.pageCSRF)
	r.NoRoute(func(c *gin.Context) {
		abortWithError(c, catalog.Errorf(catalog.CodeNotFound, "no route %s %s", c.Request.Method, c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{Error: errorDetail{
			Code: "method_not_allowed", Message: "method " + c.Request.Method + " is not allowed here"}})
	})

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", readiness(d.Ready))
	r.GET("/metrics", gin.WrapH(metricsHandler(d.Registry)))

	keys, _ := d.Store.(catalog.Idempotency)
	v1 := r.Group("/api/v1", noStore, deadline(d.RequestTimeout), auth.guard(d.Logger), idempotency(keys))
	v1.GET("/openapi.json", serveOpenAPI)
	small := v1.Group("", limitBody(MaxJSONBody))
	if d.Auth != nil {
		small.POST("/auth/login", auth.login)
		small.POST("/auth/logout", auth.logout)
		small.GET("/auth/me", auth.me)
		small.PUT("/auth/password", auth.changePassword)
		accountHandlers{accounts: auth.accounts}.routes(small)
	}
	publicURL := d.PublicURL
	if publicURL == "" && d.Sync != nil {
		publicURL = d.Sync.PublicURL
	}
	publicBase := func(r *http.Request) string { return auth.PublicBase(r, publicURL) }
	if d.Now == nil {
		d.Now = time.Now
	}
	if rs, ok := d.Store.(ResolverStore); ok {
		resolver{store: rs, publicBase: publicBase}.routes(r)
	}
	h := handlers{store: d.Store, changed: func() {}, publicBase: publicBase, now: d.Now}
	if d.Sync != nil && d.Sync.Wake != nil {
		h.changed = d.Sync.Wake
	}
	h.routes(small)
	v1.POST("/imports", limitBody(MaxImportBody), holdConnection(importDeadline(d.RequestTimeout)), h.importCatalog)
	if d.Photos != nil {
		photoHandlers{*d.Photos}.routes(small, v1, r)
	}
	v1.GET("/products/export", holdConnection(importDeadline(d.RequestTimeout)), h.exportCatalog)
	if d.Sync != nil {
		sh := syncHandlers{SyncDeps: *d.Sync, metrics: newWebhookMetrics(d.Registry), cmds: d.Sync.Commands(), auth: auth}
		sh.routes(small)
		campaignHandlers{store: d.Sync.Store, tasks: d.Sync.Tasks}.routes(small)
		r.POST("/webhooks/:platform", limitBody(MaxWebhookBody), sh.receiveWebhook)
	}
	return r, nil
}

type handlers struct {
	store catalog.Store
	// changed tells the sync engine the outbox has news (stock adjusted,
	// catalog imported, product edited), so it relays at once.
	changed func()
	// publicBase is the hub's public URL for a request: Digital Links.
	publicBase func(*http.Request) string
	now        func() time.Time
}

func (h handlers) routes(g *gin.RouterGroup) {
	s := h.store
	resource[catalog.Alliance]{
		path: "/alliances", get: s.Alliance, list: s.ListAlliances, create: s.CreateAlliance,
		update: s.UpdateAlliance, remove: s.DeleteAlliance,
		key: func(a *catalog.Alliance) (*int64, *int64) { return &a.ID, &a.Version },
	}.register(g)
	resource[catalog.Coop]{
		path: "/coops", get: s.Coop, list: s.ListCoops, create: s.CreateCoop,
		update: s.UpdateCoop, remove: s.DeleteCoop,
		key: func(c *catalog.Coop) (*int64, *int64) { return &c.ID, &c.Version },
	}.register(g)
	resource[catalog.Warehouse]{
		path: "/warehouses", get: s.Warehouse, list: s.ListWarehouses, create: s.CreateWarehouse,
		update: s.UpdateWarehouse, remove: s.DeleteWarehouse,
		key: func(w *catalog.Warehouse) (*int64, *int64) { return &w.ID, &w.Version },
	}.register(g)
	resource[catalog.Product]{
		path: "/products", get: s.Product, list: s.ListProducts,
		create: func(ctx context.Context, p *catalog.Product) error { return s.CreateProduct(ctx, p) },
		update: func(ctx context.Context, p *catalog.Product) error {
			err := s.UpdateProduct(ctx, p)
			if err == nil {
				h.changed()
			}
			return err
		},
		remove: s.DeleteProduct,
		key:    func(p *catalog.Product) (*int64, *int64) { return &p.ID, &p.Version },
	}.register(g)

	g.POST("/products/:id/archive", h.archiveProduct(true))
	g.POST("/products/:id/restore", h.archiveProduct(false))
	g.GET("/variants/:id/stock", h.stockLevels)
	g.POST("/variants/:id/stock/adjustments", h.adjustStock)
	g.GET("/variants/:id/movements", h.movements)

	g.POST("/lots", h.receiveLot)
	g.GET("/lots", h.listLots)
	g.GET("/lots/:id/stamps.pdf", h.lotStamps)
	g.GET("/lots/:id/stamp.png", h.lotStampPNG)
	g.GET("/lots/:id/stamp.svg", h.lotStampSVG)
}
