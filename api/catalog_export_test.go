package api_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"ocophub/catalog"
	"ocophub/catalog/demo"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestExportOverHTTP: GET /products/export in both formats, within the
// caller's tenant scope; the xlsx, edited, posted to /imports updates the
// product.
func TestExportOverHTTP(t *testing.T) {
	st := storetest.Open(t, store.Postgres)
	srv := newServer(t, st, nil)
	r := srv.importCSV("", demo.CSV)
	require.Equal(t, 200, r.Status, string(r.Body))

	r = srv.get("/api/v1/products/export?format=csv")
	require.Equal(t, 200, r.Status, string(r.Body))
	require.Equal(t, "text/csv; charset=utf-8", r.Header.Get("Content-Type"))
	require.Regexp(t, `^attachment; filename="ocophub-san-pham-\d{8}-\d{4}\.csv"$`, r.Header.Get("Content-Disposition"))
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\ufeff")))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, demoVariants+1)

	// Every demo row goes back unchanged.
	r = srv.importCSV("", r.Body)
	require.Equal(t, 200, r.Status, string(r.Body))
	rep := decode[importResult](t, r, 200).Report
	require.Equal(t, demoProducts, rep.Products.Unchanged)
	require.Equal(t, demoVariants, rep.Variants.Unchanged)
	requireSchema(t, "ImportReport", r.Body[bytes.Index(r.Body, []byte(`"report":`))+len(`"report":`):len(r.Body)-1])

	// A search, as xlsx.
	r = srv.get("/api/v1/products/export?format=xlsx&q=che+la+bang")
	require.Equal(t, 200, r.Status, string(r.Body))
	require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", r.Header.Get("Content-Type"))
	x, err := excelize.OpenReader(bytes.NewReader(r.Body))
	require.NoError(t, err)
	sheet := x.GetSheetList()[0]
	sheetRows, err := x.GetRows(sheet)
	require.NoError(t, err)
	require.Greater(t, len(sheetRows), 1)
	col := map[string]int{}
	for i, name := range sheetRows[0] {
		col[name] = i
	}
	for _, row := range sheetRows[1:] {
		require.Contains(t, strings.ToLower(row[col["sku"]]), "labang")
	}
	sku := sheetRows[1][col["sku"]]
	price, err := strconv.ParseInt(sheetRows[1][col["price_vnd"]], 10, 64)
	require.NoError(t, err)
	cell, _ := excelize.CoordinatesToCellName(col["price_vnd"]+1, 2)
	require.NoError(t, x.SetCellInt(sheet, cell, price+2000))
	var edited bytes.Buffer
	require.NoError(t, x.Write(&edited))

	r = srv.do("POST", "/api/v1/imports?filename=export.xlsx", bytes.NewReader(edited.Bytes()),
		"Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	rep = decode[importResult](t, r, 200).Report
	require.Equal(t, 1, rep.Variants.Updated)
	require.Equal(t, 1, rep.Products.Updated)
	products, _, err := st.ListProducts(storetest.Operator(), catalog.ListQuery{Q: sku})
	require.NoError(t, err)
	require.Len(t, products, 1)
	for _, v := range products[0].Variants {
		if string(v.SKU) == sku {
			require.Equal(t, catalog.VND(price+2000), v.Price)
		}
	}

	// A co-op manager exports their own co-op only, and the file goes back in.
	coops, _, err := st.ListCoops(storetest.Operator(), catalog.ListQuery{})
	require.NoError(t, err)
	coop := coops[0]
	manager := &testServer{t: t, URL: srv.URL, token: newToken(t, st, catalog.APIToken{Name: "manager",
		Role: catalog.RoleCoopManager, CoopID: coop.ID})}
	r = manager.get("/api/v1/products/export?format=csv")
	require.Equal(t, 200, r.Status, string(r.Body))
	rows, err = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\ufeff")))).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(rows), 1)
	for _, row := range rows[1:] {
		require.Equal(t, coop.Code, row[3], "coop_code")
	}
	r = manager.importCSV("", r.Body)
	require.Equal(t, 200, r.Status, string(r.Body))

	// Bad input.
	requireError(t, srv.get("/api/v1/products/export?format=pdf"), 400, catalog.CodeInvalidArgument)
	seller := &testServer{t: t, URL: srv.URL}
	requireError(t, seller.get("/api/v1/products/export", "Authorization", ""), 401, catalog.CodeUnauthenticated)
}
