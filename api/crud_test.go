package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// productBody is a valid product of coop with two variants, as a client
// would send it.
func productBody(coopID int64, code, gtin0 string) map[string]any {
	return map[string]any{
		"coop_id":     coopID,
		"code":        code,
		"name":        map[string]any{"vi": "Chè Tân Cương " + code, "en": "Tan Cuong tea"},
		"description": map[string]any{"vi": "Chè búp sao sấy thủ công."},
		"group":       "beverage",
		"stars":       4,
		"certificate": map[string]any{"number": "OCOP-" + code, "certified_on": "2024-03-01"},
		"variants": []any{
			map[string]any{"sku": code + "-100g", "name": map[string]any{"vi": "Hộp 100g"}, "gtin13": gtin0,
				"net_weight_g": 100, "package": map[string]any{"length_mm": 120, "width_mm": 80, "height_mm": 60, "weight_g": 130},
				"price": 95000},
			map[string]any{"sku": code + "-200g", "name": map[string]any{"vi": "Hộp 200g"}, "gtin13": "8936000009021",
				"net_weight_g": 200, "price": 180000},
		},
	}
}

func TestCRUDOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := newServer(t, s, nil)

		// create the tenant tree and a product
		r := srv.send("POST", "/api/v1/alliances", map[string]any{"code": "lm-tn", "name": "Liên minh HTX tỉnh Thái Nguyên", "province": "Thái Nguyên"})
		requireSchema(t, "Alliance", r.Body)
		alliance := decode[catalog.Alliance](t, r, http.StatusCreated)
		require.Equal(t, "LM-TN", alliance.Code, "codes are stored upper-case")
		require.Equal(t, "/api/v1/alliances/"+itoa(alliance.ID), r.Header.Get("Location"))
		require.Equal(t, `"1"`, r.Header.Get("ETag"))
		require.Equal(t, int64(1), alliance.Version)

		r = srv.send("POST", "/api/v1/coops", map[string]any{"alliance_id": alliance.ID, "code": "HTX-HAODAT",
			"name": "HTX chè Hảo Đạt", "province": "Thái Nguyên", "commune": "Tân Cương", "tax_code": "4600123456"})
		requireSchema(t, "Coop", r.Body)
		coop := decode[catalog.Coop](t, r, http.StatusCreated)
		require.Equal(t, "/api/v1/coops/"+itoa(coop.ID), r.Header.Get("Location"))
		require.Equal(t, `"1"`, r.Header.Get("ETag"))

		r = srv.send("POST", "/api/v1/warehouses", map[string]any{"coop_id": coop.ID, "code": "MAIN", "name": "Kho chính"})
		requireSchema(t, "Warehouse", r.Body)
		wh := decode[catalog.Warehouse](t, r, http.StatusCreated)
		require.Equal(t, "/api/v1/warehouses/"+itoa(wh.ID), r.Header.Get("Location"))
		require.Equal(t, `"1"`, r.Header.Get("ETag"))

		r = srv.send("POST", "/api/v1/products", productBody(coop.ID, "CHE-HAODAT", "8936000009014"))
		requireSchema(t, "Product", r.Body)
		p := decode[catalog.Product](t, r, http.StatusCreated)
		require.Equal(t, "/api/v1/products/"+itoa(p.ID), r.Header.Get("Location"))
		require.Equal(t, `"1"`, r.Header.Get("ETag"))
		require.Len(t, p.Variants, 2)
		require.Equal(t, catalog.SKU("CHE-HAODAT-100G"), p.Variants[0].SKU)
		require.Equal(t, catalog.VND(95000), p.Variants[0].Price)
		require.Equal(t, catalog.Dimensions{LengthMM: 120, WidthMM: 80, HeightMM: 60, WeightG: 130}, p.Variants[0].Package)
		require.Equal(t, "2027-03-01", p.Certificate.ExpiresOn.String(), "expiry defaults to 36 months")
		require.Contains(t, string(r.Body), `"certified_on":"2024-03-01"`, "dates are YYYY-MM-DD strings")
		require.NotZero(t, p.Variants[0].ID)

		// GET one, and every list in its envelope
		r = srv.get("/api/v1/products/" + itoa(p.ID))
		require.Equal(t, `"1"`, r.Header.Get("ETag"))
		require.Equal(t, p, decode[catalog.Product](t, r, http.StatusOK))
		for path, schema := range map[string]string{"/api/v1/alliances": "AllianceList", "/api/v1/coops": "CoopList",
			"/api/v1/warehouses": "WarehouseList", "/api/v1/products": "ProductList"} {
			r = srv.get(path)
			require.Equal(t, http.StatusOK, r.Status, path)
			requireListShape(t, r.Body)
			requireSchema(t, schema, r.Body)
			l := decode[list[map[string]any]](t, r, http.StatusOK)
			require.Len(t, l.Items, 1, path)
			require.Empty(t, l.NextCursor, path)
		}
		products := decode[list[catalog.Product]](t, srv.get("/api/v1/products"), http.StatusOK)
		require.Equal(t, []catalog.Product{p}, products.Items)
		r = srv.get("/api/v1/coops?alliance_id=" + itoa(alliance.ID+1000))
		require.JSONEq(t, `{"items":[],"next_cursor":""}`, string(r.Body), "an empty list is [], never null")

		// PUT with the current ETag
		edit := decode[map[string]any](t, srv.get("/api/v1/products/"+itoa(p.ID)), http.StatusOK)
		edit["name"] = map[string]any{"vi": "Chè Tân Cương Hảo Đạt", "en": "Hao Dat green tea"}
		r = srv.send("PUT", "/api/v1/products/"+itoa(p.ID), edit, "If-Match", `"1"`)
		requireSchema(t, "Product", r.Body)
		updated := decode[catalog.Product](t, r, http.StatusOK)
		require.Equal(t, `"2"`, r.Header.Get("ETag"))
		require.Equal(t, int64(2), updated.Version)
		require.Equal(t, "Chè Tân Cương Hảo Đạt", updated.Name.VI)

		// PUT with the old ETag: conflict, nothing changed
		edit["name"] = map[string]any{"vi": "Tên cũ ghi đè"}
		r = srv.send("PUT", "/api/v1/products/"+itoa(p.ID), edit, "If-Match", `"1"`)
		requireError(t, r, http.StatusConflict, catalog.CodeConflict)
		r = srv.get("/api/v1/products/" + itoa(p.ID))
		require.Equal(t, `"2"`, r.Header.Get("ETag"))
		require.Equal(t, updated, decode[catalog.Product](t, r, http.StatusOK))

		// PUT without any version: refused
		delete(edit, "version")
		r = srv.send("PUT", "/api/v1/products/"+itoa(p.ID), edit)
		fields := requireError(t, r, http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, fields, "version")

		// PUT with the version in the body instead of If-Match
		edit["version"] = 2
		edit["name"] = map[string]any{"vi": "Chè Hảo Đạt"}
		r = srv.send("PUT", "/api/v1/products/"+itoa(p.ID), edit)
		require.Equal(t, "Chè Hảo Đạt", decode[catalog.Product](t, r, http.StatusOK).Name.VI)
		require.Equal(t, `"3"`, r.Header.Get("ETag"))

		// a malformed If-Match
		r = srv.send("PUT", "/api/v1/products/"+itoa(p.ID), edit, "If-Match", "three")
		require.Contains(t, requireError(t, r, http.StatusBadRequest, catalog.CodeInvalidArgument), "If-Match")

		// unknown field, bad GTIN, bad JSON type, wrong content type
		r = srv.send("POST", "/api/v1/alliances", `{"code":"LM-NB","name":"Liên minh HTX tỉnh Ninh Bình","province":"Ninh Bình","provnce":"x"}`)
		requireError(t, r, http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, string(r.Body), "provnce")

		bad := productBody(coop.ID, "CHE-BAD", "8936000009015")
		r = srv.send("POST", "/api/v1/products", bad)
		fields = requireError(t, r, http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, fields, "variants[0].gtin13")
		require.Contains(t, fields["variants[0].gtin13"], "check digit")

		r = srv.send("POST", "/api/v1/alliances", `{"code":"LM-NB","name":"Liên minh","province":"Ninh Bình","version":"one"}`)
		require.Contains(t, requireError(t, r, http.StatusBadRequest, catalog.CodeInvalidArgument), "version")

		r = srv.do("POST", "/api/v1/alliances", strings.NewReader(`{"code":"LM-NB"}`), "Content-Type", "text/plain")
		requireError(t, r, http.StatusUnsupportedMediaType, "unsupported_media_type")

		r = srv.send("POST", "/api/v1/alliances", "")
		require.Contains(t, requireError(t, r, http.StatusBadRequest, catalog.CodeInvalidArgument), "body")

		// a duplicate code is a conflict
		r = srv.send("POST", "/api/v1/alliances", map[string]any{"code": "LM-TN", "name": "Trùng mã", "province": "Thái Nguyên"})
		requireError(t, r, http.StatusConflict, catalog.CodeConflict)

		// bad list parameters are reported together
		r = srv.get("/api/v1/products?limit=500")
		fields = requireError(t, r, http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, fields, "limit")
		r = srv.get("/api/v1/products?limit=x&stars=7&group=juice")
		fields = requireError(t, r, http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, fields, "limit")
		require.Contains(t, fields, "stars")
		require.Contains(t, fields, "group")
		r = srv.get("/api/v1/products?cursor=%21%21")
		require.Contains(t, requireError(t, r, http.StatusBadRequest, catalog.CodeInvalidArgument), "cursor")

		// not found, bad id, unknown route, wrong method
		requireError(t, srv.get("/api/v1/products/999999"), http.StatusNotFound, catalog.CodeNotFound)
		require.Contains(t, requireError(t, srv.get("/api/v1/products/abc"), http.StatusBadRequest, catalog.CodeInvalidArgument), "id")
		requireError(t, srv.get("/api/v1/nothing"), http.StatusNotFound, catalog.CodeNotFound)
		requireError(t, srv.send("PATCH", "/api/v1/products/"+itoa(p.ID), edit), http.StatusMethodNotAllowed, "method_not_allowed")
		requireError(t, srv.do("DELETE", "/api/v1/products", nil), http.StatusMethodNotAllowed, "method_not_allowed")

		// a body over 1 MiB
		huge := `{"code":"LM-BIG","province":"Hà Nội","name":"` + strings.Repeat("a", 1<<20) + `"}`
		requireError(t, srv.send("POST", "/api/v1/alliances", huge), http.StatusRequestEntityTooLarge, "payload_too_large")
		requireError(t, srv.send("PUT", "/api/v1/alliances/"+itoa(alliance.ID), huge, "If-Match", `"1"`),
			http.StatusRequestEntityTooLarge, "payload_too_large")

		// DELETE: needs a version, refuses a stale one, then deletes
		path := "/api/v1/products/" + itoa(p.ID)
		require.Contains(t, requireError(t, srv.do("DELETE", path, nil), http.StatusBadRequest, catalog.CodeInvalidArgument), "version")
		require.Contains(t, requireError(t, srv.do("DELETE", path+"?version=x", nil), http.StatusBadRequest, catalog.CodeInvalidArgument), "version")
		requireError(t, srv.do("DELETE", path+"?version=1", nil), http.StatusConflict, catalog.CodeConflict)
		requireError(t, srv.do("DELETE", "/api/v1/products/999999?version=1", nil), http.StatusNotFound, catalog.CodeNotFound)
		r = srv.do("DELETE", path+"?version=3", nil)
		require.Equal(t, http.StatusNoContent, r.Status, "body: %s", r.Body)
		require.Empty(t, r.Body)
		requireError(t, srv.get(path), http.StatusNotFound, catalog.CodeNotFound)

		// DELETE with If-Match
		whPath := "/api/v1/warehouses/" + itoa(wh.ID)
		requireError(t, srv.do("DELETE", whPath, nil, "If-Match", `"7"`), http.StatusConflict, catalog.CodeConflict)
		require.Equal(t, http.StatusNoContent, srv.do("DELETE", whPath, nil, "If-Match", `"1"`).Status)
		requireError(t, srv.get(whPath), http.StatusNotFound, catalog.CodeNotFound)
	})
}
