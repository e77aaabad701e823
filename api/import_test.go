package api_test

import (
	"bytes"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/demo"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// The demo file: 15 variant rows of 8 products of 8 co-ops in 2 alliances.
const (
	demoAlliances = 2
	demoCoops     = 8
	demoProducts  = 8
	demoVariants  = 15
)

type importResult struct {
	Report catalog.ImportReport `json:"report"`
}

type importRejection struct {
	errorEnvelope
	Report catalog.ImportReport `json:"report"`
}

func (s *testServer) importCSV(query string, body []byte) response {
	s.t.Helper()
	return s.do("POST", "/api/v1/imports"+query, bytes.NewReader(body), "Content-Type", "text/csv")
}

// badDemo is the demo file with the GTIN of file line 5 given a wrong check
// digit.
func badDemo(t *testing.T) []byte {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(demo.CSV)).ReadAll()
	require.NoError(t, err)
	col := -1
	for i, name := range rows[0] {
		if name == "gtin13" {
			col = i
		}
	}
	require.NotEqual(t, -1, col)
	line5 := rows[4] // file line 5: the header is line 1
	require.Equal(t, "CHE-LABANG-200G", line5[14])
	good := line5[col]
	last := (good[12]-'0'+1)%10 + '0'
	line5[col] = good[:12] + string(last)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.WriteAll(rows))
	return b.Bytes()
}

func TestImportOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := newServer(t, s, nil)

		// the demo file, twice
		r := srv.importCSV("", demo.CSV)
		requireSchema(t, "ImportResult", r.Body)
		require.Contains(t, string(r.Body), `"errors":[]`, "never null")
		rep := decode[importResult](t, r, http.StatusOK).Report
		require.Empty(t, rep.Errors)
		require.True(t, rep.Written)
		require.Equal(t, demoVariants, rep.Rows)
		require.Equal(t, catalog.Counts{Created: demoAlliances}, rep.Alliances)
		require.Equal(t, catalog.Counts{Created: demoCoops}, rep.Coops)
		require.Equal(t, catalog.Counts{Created: demoProducts}, rep.Products)
		require.Equal(t, catalog.Counts{Created: demoVariants}, rep.Variants)
		require.Equal(t, demoVariants, rep.OpeningStockSet)
		require.Zero(t, rep.OpeningStockKept)
		require.Zero(t, rep.SkippedRows)

		r = srv.importCSV("?filename=ocop-demo.csv", demo.CSV)
		requireSchema(t, "ImportResult", r.Body)
		rep = decode[importResult](t, r, http.StatusOK).Report
		require.Empty(t, rep.Errors)
		require.Equal(t, catalog.Counts{Unchanged: demoAlliances}, rep.Alliances)
		require.Equal(t, catalog.Counts{Unchanged: demoCoops}, rep.Coops)
		require.Equal(t, catalog.Counts{Unchanged: demoProducts}, rep.Products)
		require.Equal(t, catalog.Counts{Unchanged: demoVariants}, rep.Variants)
		require.Zero(t, rep.OpeningStockSet)
		require.Equal(t, demoVariants, rep.OpeningStockKept, "a re-import never overwrites stock")

		products := decode[list[catalog.Product]](t, srv.get("/api/v1/products"), http.StatusOK)
		require.Len(t, products.Items, demoProducts)
		warehouses := decode[list[catalog.Warehouse]](t, srv.get("/api/v1/warehouses"), http.StatusOK)
		require.Len(t, warehouses.Items, demoCoops, "one default warehouse per co-op")
		require.Equal(t, catalog.DefaultWarehouseCode, warehouses.Items[0].Code)

		// one bad row into a fresh store: 422, that row only, nothing written
		fresh := newServer(t, storetest.Open(t, s.Dialect()), nil)
		bad := badDemo(t)
		r = fresh.importCSV("", bad)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, "body: %s", r.Body)
		requireSchema(t, "ImportRejection", r.Body)
		rej := decode[importRejection](t, r, http.StatusUnprocessableEntity)
		require.Equal(t, string(catalog.CodeInvalidArgument), rej.Error.Code)
		require.Len(t, rej.Report.Errors, 1, "%+v", rej.Report.Errors)
		require.Equal(t, 5, rej.Report.Errors[0].Line)
		require.Equal(t, "gtin13", rej.Report.Errors[0].Column)
		require.Contains(t, rej.Report.Errors[0].Reason, "check digit")
		require.False(t, rej.Report.Written)
		for _, path := range []string{"/api/v1/products", "/api/v1/coops", "/api/v1/alliances"} {
			require.JSONEq(t, `{"items":[],"next_cursor":""}`, string(fresh.get(path).Body), path)
		}

		// dry run of the same file with skip_invalid: a report, nothing written
		r = fresh.importCSV("?skip_invalid=true&dry_run=true", bad)
		rep = decode[importResult](t, r, http.StatusOK).Report
		require.False(t, rep.Written)
		require.Equal(t, demoVariants-1, rep.Variants.Created)
		require.JSONEq(t, `{"items":[],"next_cursor":""}`, string(fresh.get("/api/v1/products").Body))

		// skip_invalid writes the other rows and still reports the bad one
		r = fresh.importCSV("?skip_invalid=true", bad)
		requireSchema(t, "ImportResult", r.Body)
		rep = decode[importResult](t, r, http.StatusOK).Report
		require.True(t, rep.Written)
		require.Equal(t, demoVariants-1, rep.Variants.Created)
		require.Equal(t, demoProducts-1, rep.Products.Created, "CHE-LABANG had only the bad row")
		require.Equal(t, demoVariants-1, rep.OpeningStockSet)
		require.Equal(t, 1, rep.SkippedRows)
		require.Len(t, rep.Errors, 1)
		require.Equal(t, catalog.RowError{Line: 5, Column: "gtin13", Code: rep.Errors[0].Code, Reason: rep.Errors[0].Reason}, rep.Errors[0])
		products = decode[list[catalog.Product]](t, fresh.get("/api/v1/products?limit=200"), http.StatusOK)
		variants := 0
		for _, p := range products.Items {
			require.NotEqual(t, "CHE-LABANG", p.Code)
			variants += len(p.Variants)
		}
		require.Equal(t, demoVariants-1, variants)
	})
}

// TestImportBodies covers the other ways a file arrives and the requests
// that are refused before parsing.
func TestImportBodies(t *testing.T) {
	srv := newServer(t, storetest.Open(t, store.SQLite), nil)

	// multipart with the field "file"
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, err := mw.CreateFormFile("file", "ocop-demo.csv")
	require.NoError(t, err)
	_, err = fw.Write(demo.CSV)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	r := srv.do("POST", "/api/v1/imports?dry_run=true", bytes.NewReader(form.Bytes()), "Content-Type", mw.FormDataContentType())
	rep := decode[importResult](t, r, http.StatusOK).Report
	require.False(t, rep.Written)
	require.Equal(t, demoProducts, rep.Products.Created)

	// multipart without it
	form.Reset()
	mw = multipart.NewWriter(&form)
	require.NoError(t, mw.WriteField("catalog", "x"))
	require.NoError(t, mw.Close())
	r = srv.do("POST", "/api/v1/imports", bytes.NewReader(form.Bytes()), "Content-Type", mw.FormDataContentType())
	require.Contains(t, requireError(t, r, http.StatusBadRequest, catalog.CodeInvalidArgument), "file")

	// xlsx as the raw body, recognised by its content
	rows, err := csv.NewReader(bytes.NewReader(demo.CSV)).ReadAll()
	require.NoError(t, err)
	x := excelize.NewFile()
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, err)
		require.NoError(t, x.SetSheetRow("Sheet1", cell, &cells))
	}
	xlsx, err := x.WriteToBuffer()
	require.NoError(t, err)
	r = srv.do("POST", "/api/v1/imports?dry_run=true", bytes.NewReader(xlsx.Bytes()),
		"Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	rep = decode[importResult](t, r, http.StatusOK).Report
	require.Empty(t, rep.Errors)
	require.Equal(t, demoVariants, rep.Variants.Created)
	require.JSONEq(t, `{"items":[],"next_cursor":""}`, string(srv.get("/api/v1/products").Body), "dry runs wrote nothing")

	// refused requests
	require.Contains(t, requireError(t, srv.importCSV("", nil), http.StatusBadRequest, catalog.CodeInvalidArgument), "file")
	fields := requireError(t, srv.importCSV("?skip_invalid=maybe&dry_run=2", demo.CSV), http.StatusBadRequest, catalog.CodeInvalidArgument)
	require.Contains(t, fields, "skip_invalid")
	require.Contains(t, fields, "dry_run")
	requireError(t, srv.do("GET", "/api/v1/imports", nil), http.StatusMethodNotAllowed, "method_not_allowed")
	requireError(t, srv.importCSV("", bytes.Repeat([]byte("a"), api.MaxImportBody+1)),
		http.StatusRequestEntityTooLarge, "payload_too_large")

	// a file with an unknown column is rejected with a report
	r = srv.importCSV("", []byte(strings.Replace(string(demo.CSV), "net_weight_g", "net_weight", 1)))
	rej := decode[importRejection](t, r, http.StatusUnprocessableEntity)
	require.NotEmpty(t, rej.Report.Errors)
	require.Equal(t, 1, rej.Report.Errors[0].Line)
}
