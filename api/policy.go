package api

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// access is who may call a route: anyone, anyone signed in, or holders of
// a permission (catalog's role table says which roles hold it).
type access struct {
	public   bool
	signedIn bool
	need     catalog.Permission
}

var (
	public   = access{public: true}
	signedIn = access{signedIn: true}
)

func need(p catalog.Permission) access { return access{need: p} }

// policy is the ONE table of who may call each route under /api/v1, keyed
// "METHOD /route/template". A route missing here is refused to everyone
// (fail closed); TestEveryRouteHasAPolicy keeps it complete. The store
// checks the same permissions again and narrows by tenant.
var policy = map[string]access{
	"GET /api/v1/openapi.json":  public,
	"POST /api/v1/auth/login":   public,
	"POST /api/v1/auth/logout":  signedIn,
	"GET /api/v1/auth/me":       signedIn,
	"PUT /api/v1/auth/password": signedIn,

	"GET /api/v1/alliances":             need(catalog.PermCatalogRead),
	"GET /api/v1/alliances/:id":         need(catalog.PermCatalogRead),
	"POST /api/v1/alliances":            need(catalog.PermTenantWrite),
	"PUT /api/v1/alliances/:id":         need(catalog.PermTenantWrite),
	"DELETE /api/v1/alliances/:id":      need(catalog.PermTenantWrite),
	"GET /api/v1/coops":                 need(catalog.PermCatalogRead),
	"GET /api/v1/coops/:id":             need(catalog.PermCatalogRead),
	"POST /api/v1/coops":                need(catalog.PermTenantWrite),
	"PUT /api/v1/coops/:id":             need(catalog.PermTenantWrite),
	"DELETE /api/v1/coops/:id":          need(catalog.PermTenantWrite),
	"GET /api/v1/coops/:id/audit":       need(catalog.PermAuditRead),
	"GET /api/v1/warehouses":            need(catalog.PermCatalogRead),
	"GET /api/v1/warehouses/:id":        need(catalog.PermCatalogRead),
	"POST /api/v1/warehouses":           need(catalog.PermCatalogWrite),
	"PUT /api/v1/warehouses/:id":        need(catalog.PermCatalogWrite),
	"DELETE /api/v1/warehouses/:id":     need(catalog.PermCatalogWrite),
	"GET /api/v1/products":              need(catalog.PermCatalogRead),
	"GET /api/v1/products/:id":          need(catalog.PermCatalogRead),
	"POST /api/v1/products":             need(catalog.PermCatalogWrite),
	"PUT /api/v1/products/:id":          need(catalog.PermPriceWrite), // the store lets staff change prices only
	"DELETE /api/v1/products/:id":       need(catalog.PermCatalogWrite),
	"POST /api/v1/products/:id/archive": need(catalog.PermCatalogWrite),
	"POST /api/v1/products/:id/restore": need(catalog.PermCatalogWrite),

	"POST /api/v1/products/:id/images":             need(catalog.PermCatalogWrite),
	"GET /api/v1/products/:id/images":              need(catalog.PermCatalogRead),
	"PUT /api/v1/products/:id/images/order":        need(catalog.PermCatalogWrite),
	"DELETE /api/v1/products/:id/images/:image_id": need(catalog.PermCatalogWrite),

	"GET /api/v1/variants/:id/stock":              need(catalog.PermCatalogRead),
	"POST /api/v1/variants/:id/stock/adjustments": need(catalog.PermStockAdjust),
	"GET /api/v1/variants/:id/movements":          need(catalog.PermCatalogRead),
	"POST /api/v1/imports":                        need(catalog.PermCatalogWrite),
	"GET /api/v1/products/export":                 need(catalog.PermCatalogRead),
	"POST /api/v1/lots":                           need(catalog.PermStockAdjust),
	"GET /api/v1/lots":                            need(catalog.PermCatalogRead),
	"GET /api/v1/lots/:id/stamps.pdf":             need(catalog.PermCatalogRead),
	"GET /api/v1/lots/:id/stamp.png":              need(catalog.PermCatalogRead),
	"GET /api/v1/lots/:id/stamp.svg":              need(catalog.PermCatalogRead),

	"GET /api/v1/shops":                    need(catalog.PermShopsRead),
	"GET /api/v1/shops/:id":                need(catalog.PermShopsRead),
	"PUT /api/v1/shops/:id/stock-rule":     need(catalog.PermShopsWrite),
	"GET /api/v1/shops/:id/price-rule":     need(catalog.PermShopsRead),
	"PUT /api/v1/shops/:id/price-rule":     need(catalog.PermShopsWrite),
	"GET /api/v1/products/:id/shop-prices": need(catalog.PermShopsRead),
	"GET /api/v1/shops/connect/:platform":  need(catalog.PermShopsWrite),
	"GET /api/v1/shops/callback/:platform": need(catalog.PermShopsWrite),
	"POST /api/v1/shops/:id/listings":      need(catalog.PermShopsWrite),
	"GET /api/v1/shops/:id/listings":       need(catalog.PermShopsRead),
	"GET /api/v1/listings/:id":             need(catalog.PermShopsRead),
	"PUT /api/v1/listings/:id/overrides":   need(catalog.PermShopsWrite),
	"POST /api/v1/listings/:id/push":       need(catalog.PermListingPush),
	"POST /api/v1/listings/:id/delist":     need(catalog.PermShopsWrite),
	"GET /api/v1/listings/:id/pushes":      need(catalog.PermShopsRead),
	"GET /api/v1/orders":                   need(catalog.PermOrdersRead),
	"GET /api/v1/orders/:id":               need(catalog.PermOrdersRead),
	"GET /api/v1/orders/:id/events":        need(catalog.PermOrdersRead),
	"POST /api/v1/orders/:id/ship":         need(catalog.PermOrdersShip),

	"GET /api/v1/shops/:id/categories":                         need(catalog.PermShopsRead),
	"GET /api/v1/shops/:id/categories/:category_id/attributes": need(catalog.PermShopsRead),
	"GET /api/v1/products/:id/categories":                      need(catalog.PermCatalogRead),
	"PUT /api/v1/products/:id/categories/:platform":            need(catalog.PermCatalogWrite),

	"GET /api/v1/campaigns":                need(catalog.PermCampaignsRead),
	"POST /api/v1/campaigns":               need(catalog.PermCampaignsManage),
	"POST /api/v1/campaigns/preview":       need(catalog.PermCampaignsManage),
	"GET /api/v1/campaigns/:id":            need(catalog.PermCampaignsRead),
	"POST /api/v1/campaigns/:id/cancel":    need(catalog.PermCampaignsManage),
	"GET /api/v1/campaigns/:id/offers":     need(catalog.PermCampaignsRead),
	"GET /api/v1/campaigns/:id/items":      need(catalog.PermCampaignsRead),
	"PUT /api/v1/campaigns/:id/items":      need(catalog.PermCampaignsJoin), // the store: a co-op's manager, or staff with its consent
	"GET /api/v1/campaigns/:id/listings":   need(catalog.PermCampaignsRead),
	"GET /api/v1/campaigns/:id/report":     need(catalog.PermCampaignsRead),
	"GET /api/v1/campaigns/:id/report.csv": need(catalog.PermCampaignsRead),

	"GET /api/v1/users":                    need(catalog.PermUsersManage),
	"POST /api/v1/users":                   need(catalog.PermUsersManage),
	"GET /api/v1/users/:id":                need(catalog.PermUsersManage),
	"PUT /api/v1/users/:id":                need(catalog.PermUsersManage),
	"GET /api/v1/tokens":                   need(catalog.PermTokensManage),
	"POST /api/v1/tokens":                  need(catalog.PermTokensManage),
	"GET /api/v1/tokens/:id":               need(catalog.PermTokensManage),
	"GET /api/v1/live-sessions":            need(catalog.PermShopsRead),
	"POST /api/v1/live-sessions":           need(catalog.PermLiveRun),
	"GET /api/v1/live-sessions/:id":        need(catalog.PermShopsRead),
	"POST /api/v1/live-sessions/:id/holds": need(catalog.PermLiveRun),
	"POST /api/v1/live-sessions/:id/end":   need(catalog.PermLiveRun),
	"GET /api/v1/live-sessions/:id/report": need(catalog.PermShopsRead),

	"DELETE /api/v1/tokens/:id": need(catalog.PermTokensManage),
	"GET /api/v1/grants":        need(catalog.PermGrantsRead),
	"POST /api/v1/grants":       need(catalog.PermGrantsManage),
	"GET /api/v1/grants/:id":    need(catalog.PermGrantsRead),
	"DELETE /api/v1/grants/:id": need(catalog.PermGrantsManage),
}

// policyOf tells who may call a route ("GET /api/v1/products/:id"): its
// permission, or "public" / "signed-in"; ok is false for a route with no
// policy, which everyone is refused.
func policyOf(route string) (permission string, ok bool) {
	a, ok := policy[route]
	switch {
	case !ok:
		return "", false
	case a.public:
		return "public", true
	case a.signedIn:
		return "signed-in", true
	}
	return string(a.need), true
}

// guard authenticates every request of /api/v1 and lets it through only
// as the route's policy allows: no or bad credentials are 401, a role
// without the permission 403, a cookie-authenticated write without its
// CSRF token 403. The caller's scope goes in the context for the store.
func (a *Auth) guard(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		route := c.Request.Method + " " + c.FullPath()
		rule, ok := policy[route]
		if !ok {
			log.ErrorContext(c, "route has no access policy; refused", "route", route)
			abortWithError(c, &catalog.Error{Code: catalog.CodePermissionDenied, Message: "this route has no access policy"})
			return
		}
		if rule.public {
			c.Next()
			return
		}
		p, err := a.authenticate(c)
		if err != nil {
			abortWithError(c, err)
			return
		}
		if !rule.signedIn && !p.Role.Can(rule.need) {
			abortWithError(c, catalog.Errorf(catalog.CodePermissionDenied, "a %s may not do this (%s)", roleLabel(p.Role), rule.need))
			return
		}
		c.Set(principalKey, p)
		c.Request = c.Request.WithContext(catalog.WithScope(c.Request.Context(), p.Scope()))
		c.Next()
	}
}
