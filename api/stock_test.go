package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

func TestStockOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := storetest.NewFixture(t, s, "STOCK")
		p := f.Product("CHE-STOCK", 42, 2)
		require.NoError(t, s.CreateProduct(storetest.Operator(), &p))
		srv := newServer(t, s, nil)
		vid := p.Variants[0].ID
		base := "/api/v1/variants/" + itoa(vid)

		r := srv.get(base + "/stock")
		require.JSONEq(t, `{"items":[],"next_cursor":""}`, string(r.Body), "no stock yet")

		adjust := func(body any) response {
			t.Helper()
			return srv.send("POST", base+"/stock/adjustments", body)
		}
		r = adjust(map[string]any{"warehouse_id": f.Warehouse.ID, "delta": 5, "reason": "received"})
		requireSchema(t, "StockLevel", r.Body)
		level := decode[map[string]any](t, r, http.StatusOK)
		require.EqualValues(t, 5, level["on_hand"])
		require.EqualValues(t, 5, level["available"])
		require.EqualValues(t, 0, level["reserved"])
		require.EqualValues(t, vid, level["variant_id"])
		require.EqualValues(t, f.Warehouse.ID, level["warehouse_id"])

		// below zero: refused, nothing changed
		r = adjust(map[string]any{"warehouse_id": f.Warehouse.ID, "delta": -6, "reason": "count"})
		requireError(t, r, http.StatusConflict, catalog.CodeInsufficientStock)

		r = adjust(map[string]any{"warehouse_id": f.Warehouse.ID, "delta": -2, "reason": "damaged", "note": "vỡ hộp"})
		require.EqualValues(t, 3, decode[map[string]any](t, r, http.StatusOK)["available"])

		r = srv.get(base + "/stock")
		requireListShape(t, r.Body)
		requireSchema(t, "StockLevelList", r.Body)
		levels := decode[list[map[string]any]](t, r, http.StatusOK)
		require.Len(t, levels.Items, 1)
		require.EqualValues(t, 3, levels.Items[0]["on_hand"])
		require.EqualValues(t, 3, levels.Items[0]["available"])
		require.EqualValues(t, 2, levels.Items[0]["version"])
		other := decode[list[map[string]any]](t, srv.get("/api/v1/variants/"+itoa(p.Variants[1].ID)+"/stock"), http.StatusOK)
		require.Empty(t, other.Items)

		r = srv.get(base + "/movements")
		requireListShape(t, r.Body)
		requireSchema(t, "MovementList", r.Body)
		moves := decode[list[catalog.Movement]](t, r, http.StatusOK)
		require.Len(t, moves.Items, 2, "the refused change left no movement")
		require.Empty(t, moves.NextCursor)
		latest, first := moves.Items[0], moves.Items[1]
		require.Equal(t, int64(-2), latest.OnHandDelta)
		require.Equal(t, catalog.ReasonDamaged, latest.Reason)
		require.Equal(t, "vỡ hộp", latest.Note)
		require.Equal(t, int64(2), latest.Version)
		require.Equal(t, catalog.OpAdjust, latest.Op)
		require.Equal(t, "token:test operator", latest.Actor, "the ledger names who adjusted")
		require.Equal(t, int64(5), first.OnHandDelta)
		require.Equal(t, catalog.ReasonReceived, first.Reason)

		// movements page newest first
		page1 := decode[list[catalog.Movement]](t, srv.get(base+"/movements?limit=1"), http.StatusOK)
		require.Equal(t, []catalog.Movement{latest}, page1.Items)
		require.NotEmpty(t, page1.NextCursor)
		page2 := decode[list[catalog.Movement]](t, srv.get(base+"/movements?limit=1&cursor="+url.QueryEscape(page1.NextCursor)), http.StatusOK)
		require.Equal(t, []catalog.Movement{first}, page2.Items)
		require.Empty(t, page2.NextCursor)

		// bad adjustments
		fields := requireError(t, adjust(map[string]any{"warehouse_id": f.Warehouse.ID, "delta": 0, "reason": "stolen"}),
			http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, fields, "delta")
		require.Contains(t, fields, "reason")
		fields = requireError(t, adjust(map[string]any{"warehouse_id": f.Warehouse.ID + 1000, "delta": 1, "reason": "received"}),
			http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, fields, "warehouse_id")
		requireError(t, adjust(`{"warehouse_id":1,"delta":1,"reason":"received","qty":1}`), http.StatusBadRequest, catalog.CodeInvalidArgument)
		requireError(t, adjust(`{"warehouse_id":1,"delta":1.5,"reason":"received"}`), http.StatusBadRequest, catalog.CodeInvalidArgument)
		r = srv.send("POST", "/api/v1/variants/999999/stock/adjustments", map[string]any{"warehouse_id": f.Warehouse.ID, "delta": 1, "reason": "received"})
		requireError(t, r, http.StatusNotFound, catalog.CodeNotFound)
		requireError(t, srv.get("/api/v1/variants/999999/stock"), http.StatusNotFound, catalog.CodeNotFound)
		requireError(t, srv.get("/api/v1/variants/999999/movements"), http.StatusNotFound, catalog.CodeNotFound)
		requireError(t, srv.get("/api/v1/variants/0/stock"), http.StatusBadRequest, catalog.CodeInvalidArgument)
		requireError(t, srv.get(base+"/movements?limit=0x"), http.StatusBadRequest, catalog.CodeInvalidArgument)
		requireError(t, srv.do("POST", base+"/stock/adjustments", nil, "Content-Type", "text/csv"),
			http.StatusUnsupportedMediaType, "unsupported_media_type")

		// the product cannot be deleted while it holds stock
		requireError(t, srv.do("DELETE", "/api/v1/products/"+itoa(p.ID)+"?version=1", nil), http.StatusConflict, catalog.CodeFailedPrecondition)
	})
}
