package api_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gocloud.dev/blob/memblob"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/photo"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Servers    []struct{ URL string }                `json:"servers"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
			Enum       []string                   `json:"enum"`
		} `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	OperationID string                     `json:"operationId"`
	Summary     string                     `json:"summary"`
	Responses   map[string]json.RawMessage `json:"responses"`
}

func TestOpenAPICoversEveryRoute(t *testing.T) {
	raw := loadOpenAPI(t)
	var doc openAPIDoc
	require.NoError(t, json.Unmarshal(raw, &doc))
	require.True(t, strings.HasPrefix(doc.OpenAPI, "3.0."), "openapi is %q", doc.OpenAPI)
	require.Len(t, doc.Servers, 1)
	require.Equal(t, "/", doc.Servers[0].URL)

	// With Sync, so the shop, listing, order and webhook routes are there.
	st := storetest.Open(t, store.SQLite)
	router, err := api.New(api.Deps{Store: st, Sync: &api.SyncDeps{Store: st, Tasks: &fakeTasks{}}, Auth: testAuth(t, st, api.LoginLimits{}),
		Photos: &api.PhotoDeps{Store: st, Library: photo.New(memblob.OpenBucket(nil))}})
	require.NoError(t, err)
	routes := map[string]bool{}
	for _, r := range router.Routes() {
		path := r.Path
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, ":") || strings.HasPrefix(seg, "*") {
				path = strings.Replace(path, seg, "{"+seg[1:]+"}", 1)
			}
		}
		routes[strings.ToLower(r.Method)+" "+path] = true
	}
	require.Contains(t, routes, "get /api/v1/products/{id}", "route conversion")

	documented := map[string]bool{}
	ids := map[string]string{}
	for path, item := range doc.Paths {
		require.True(t, strings.HasPrefix(path, "/"), "path %q must be a full path", path)
		require.NotContains(t, path, ":", "path %q: use {param}, not :param", path)
		for key, body := range item {
			if key == "parameters" || key == "summary" || key == "description" {
				continue
			}
			require.Contains(t, httpMethods, key, "path %s has an unknown key %q", path, key)
			op := key + " " + path
			documented[op] = true
			var o operation
			require.NoError(t, json.Unmarshal(body, &o), op)
			require.NotEmpty(t, o.OperationID, "%s has no operationId", op)
			require.NotEmpty(t, o.Summary, "%s has no summary", op)
			require.NotContains(t, o.Summary, "\n", "%s: the summary is one line", op)
			require.NotEmpty(t, o.Responses, "%s has no responses", op)
			if prev, dup := ids[o.OperationID]; dup {
				t.Fatalf("operationId %s is used by %s and %s", o.OperationID, prev, op)
			}
			ids[o.OperationID] = op
		}
	}
	for op := range routes {
		require.True(t, documented[op], "route %s is not in api/openapi.json", op)
	}
	for op := range documented {
		require.True(t, routes[op], "api/openapi.json documents %s, which the router does not serve", op)
	}
	// CRUD, stock, imports, openapi.json, probes; shops, listings, orders,
	// webhooks; sign-in, users, tokens, grants, audit; campaigns; live
	// sessions; archive and restore; price rules and shop prices; platform
	// categories; product photos and their files; the catalog export; lots
	// and stamps; the GS1 resolver.
	require.Len(t, documented, 4*5+3+1+1+3+5+7+4+1+4+4+4+4+1+11+6+2+3+4+4+2+1+5+4)

	// The router serves this very file.
	srv := newServer(t, storetest.Open(t, store.SQLite), nil)
	r := srv.get("/api/v1/openapi.json")
	require.Equal(t, 200, r.Status)
	require.Equal(t, "application/json", r.Header.Get("Content-Type"))
	require.Equal(t, raw, r.Body)
}

// TestOpenAPIReferencesResolve checks every $ref points at something in the
// document and every component schema compiles.
func TestOpenAPIReferencesResolve(t *testing.T) {
	var doc any
	require.NoError(t, json.Unmarshal(loadOpenAPI(t), &doc))
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				require.True(t, strings.HasPrefix(ref, "#/"), "%s: $ref %q is not local", at, ref)
				var target any = doc
				for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
					m, ok := target.(map[string]any)
					require.True(t, ok, "%s: $ref %q does not resolve", at, ref)
					target, ok = m[part]
					require.True(t, ok, "%s: $ref %q does not resolve", at, ref)
				}
			}
			for k, e := range x {
				walk(e, at+"/"+k)
			}
		case []any:
			for _, e := range x {
				walk(e, at+"/[]")
			}
		}
	}
	walk(doc, "#")
	requireSchema(t, "Health", []byte(`{"status":"ok"}`))
}

// TestOpenAPISchemasMatchJSONTags keeps the documented field names equal to
// the JSON tags of the catalog types, in both directions.
func TestOpenAPISchemasMatchJSONTags(t *testing.T) {
	var doc openAPIDoc
	require.NoError(t, json.Unmarshal(loadOpenAPI(t), &doc))
	for name, typ := range map[string]reflect.Type{
		"Alliance":       reflect.TypeFor[catalog.Alliance](),
		"Coop":           reflect.TypeFor[catalog.Coop](),
		"Warehouse":      reflect.TypeFor[catalog.Warehouse](),
		"Product":        reflect.TypeFor[catalog.Product](),
		"Variant":        reflect.TypeFor[catalog.Variant](),
		"Text":           reflect.TypeFor[catalog.Text](),
		"Certificate":    reflect.TypeFor[catalog.Certificate](),
		"Dimensions":     reflect.TypeFor[catalog.Dimensions](),
		"Movement":       reflect.TypeFor[catalog.Movement](),
		"ImportReport":   reflect.TypeFor[catalog.ImportReport](),
		"RowError":       reflect.TypeFor[catalog.RowError](),
		"Counts":         reflect.TypeFor[catalog.Counts](),
		"Shop":           reflect.TypeFor[catalog.Shop](),
		"StockRule":      reflect.TypeFor[catalog.StockRule](),
		"PriceRule":      reflect.TypeFor[catalog.PriceRule](),
		"ShopPrice":      reflect.TypeFor[catalog.ShopPrice](),
		"Listing":        reflect.TypeFor[catalog.Listing](),
		"PushAudit":      reflect.TypeFor[store.PushAudit](),
		"Order":          reflect.TypeFor[catalog.Order](),
		"OrderLine":      reflect.TypeFor[catalog.OrderLine](),
		"User":           reflect.TypeFor[catalog.User](),
		"APIToken":       reflect.TypeFor[catalog.APIToken](),
		"Grant":          reflect.TypeFor[catalog.Grant](),
		"AuditEntry":     reflect.TypeFor[catalog.AuditEntry](),
		"Category":       reflect.TypeFor[catalog.Category](),
		"Attribute":      reflect.TypeFor[catalog.Attribute](),
		"CategoryChoice": reflect.TypeFor[catalog.CategoryChoice](),
		"Image":          reflect.TypeFor[api.Image](),
		"ImageURLs":      reflect.TypeFor[api.ImageURLs](),
		"Lot":            reflect.TypeFor[catalog.Lot](),

		"Campaign":           reflect.TypeFor[catalog.Campaign](),
		"CampaignRules":      reflect.TypeFor[catalog.CampaignRules](),
		"Discount":           reflect.TypeFor[catalog.Discount](),
		"PriceFloor":         reflect.TypeFor[catalog.PriceFloor](),
		"CampaignMatch":      reflect.TypeFor[catalog.CampaignMatch](),
		"CampaignOptIn":      reflect.TypeFor[catalog.CampaignOptIn](),
		"CampaignItem":       reflect.TypeFor[catalog.CampaignItem](),
		"CampaignListing":    reflect.TypeFor[catalog.CampaignListing](),
		"CampaignReport":     reflect.TypeFor[catalog.CampaignReport](),
		"CampaignReportLine": reflect.TypeFor[catalog.CampaignReportLine](),
	} {
		require.Contains(t, doc.Components.Schemas, name)
		require.Equal(t, jsonFields(typ), keys(doc.Components.Schemas[name].Properties), "schema %s", name)
	}
	require.ElementsMatch(t, append(jsonFields(reflect.TypeFor[catalog.StockLevel]()), "available"),
		keys(doc.Components.Schemas["StockLevel"].Properties))
	require.ElementsMatch(t, []string{"warehouse_id", "delta", "reason", "note"},
		keys(doc.Components.Schemas["AdjustmentRequest"].Properties))
	require.ElementsMatch(t, append(jsonFields(reflect.TypeFor[catalog.StockRule]()), "version"),
		keys(doc.Components.Schemas["StockRuleRequest"].Properties))
	require.ElementsMatch(t, append(jsonFields(reflect.TypeFor[catalog.PriceRule]()), "version"),
		keys(doc.Components.Schemas["PriceRuleRequest"].Properties))

	enum := func(name string, values ...string) {
		t.Helper()
		require.ElementsMatch(t, values, doc.Components.Schemas[name].Enum, "enum %s", name)
	}
	enum("Platform", string(catalog.PlatformShopee), string(catalog.PlatformLazada), string(catalog.PlatformZalo))
	enum("ListingStatus", string(catalog.ListingDraft), string(catalog.ListingPublishing), string(catalog.ListingLive),
		string(catalog.ListingError), string(catalog.ListingDelisted))
	enum("OrderStatus", string(catalog.OrderUnpaid), string(catalog.OrderReadyToShip), string(catalog.OrderShipped),
		string(catalog.OrderDelivered), string(catalog.OrderCancelled))
	var roles, rights, perms []string
	for _, r := range catalog.Roles {
		roles = append(roles, string(r))
	}
	for _, r := range catalog.AllRights {
		rights = append(rights, string(r))
	}
	for _, p := range catalog.Permissions {
		perms = append(perms, string(p))
	}
	enum("CampaignStatus", string(catalog.CampaignScheduled), string(catalog.CampaignRunning), string(catalog.CampaignEnded),
		string(catalog.CampaignCancelled))
	enum("DiscountKind", string(catalog.DiscountPercent), string(catalog.DiscountAmount))
	enum("PriceRuleKind", string(catalog.PriceRuleNone), string(catalog.PriceRulePercent), string(catalog.PriceRuleAmount))
	enum("Role", roles...)
	enum("Right", rights...)
	enum("Permission", perms...)
	require.ElementsMatch(t, append(jsonFields(reflect.TypeFor[catalog.User]()), "password"),
		keys(doc.Components.Schemas["UserRequest"].Properties))
	enum("StockState", string(catalog.StockNone), string(catalog.StockReserved), string(catalog.StockDeducted),
		string(catalog.StockReleased))

	var groups []string
	for _, g := range catalog.Groups {
		groups = append(groups, string(g))
	}
	require.ElementsMatch(t, groups, doc.Components.Schemas["Group"].Enum)

	codes := []string{"payload_too_large", "unsupported_media_type", "method_not_allowed", "too_many_requests", "csrf_failed",
		"idempotency_key_reused"}
	for _, c := range []catalog.Code{catalog.CodeInvalidArgument, catalog.CodeNotFound, catalog.CodeConflict,
		catalog.CodeInsufficientStock, catalog.CodeFailedPrecondition, catalog.CodePermissionDenied,
		catalog.CodeUnauthenticated, catalog.CodeUnavailable, catalog.CodeInternal} {
		codes = append(codes, string(c))
	}
	require.ElementsMatch(t, codes, doc.Components.Schemas["ErrorCode"].Enum)
}

// jsonFields lists the JSON names of a struct's fields, sorted.
func jsonFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// keys lists a schema's property names, sorted.
func keys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
