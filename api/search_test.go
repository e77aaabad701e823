package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/demo"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

func TestSearchOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := newServer(t, s, nil)
		r := srv.importCSV("", demo.CSV)
		require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)

		names := func(query string) []string {
			t.Helper()
			r := srv.get("/api/v1/products?" + query)
			requireListShape(t, r.Body)
			l := decode[list[catalog.Product]](t, r, http.StatusOK)
			require.Empty(t, l.NextCursor, query)
			out := []string{}
			for _, p := range l.Items {
				out = append(out, p.Name.VI)
			}
			return out
		}
		teas := []string{"Trà an toàn Phú Đô", "Trà hoa cúc chi hữu cơ Riti", "Trà xanh Tâm An Nguyên"}
		greenTeas := []string{"Chè Tân Cương Hảo Đạt", "Chè La Bằng", "Chè sạch Đạt Phát"}

		// q ignores case and diacritics
		require.ElementsMatch(t, teas, names("q=tra"))
		require.ElementsMatch(t, teas, names("q=TRA"))
		require.ElementsMatch(t, teas, names("q="+url.QueryEscape("Trà")))
		require.ElementsMatch(t, greenTeas, names("q=che"))
		require.ElementsMatch(t, greenTeas, names("q="+url.QueryEscape("CHÈ")))
		require.ElementsMatch(t, []string{"Chè sạch Đạt Phát"}, names("q=dat+phat"), "đ matches d; every word must match")
		require.ElementsMatch(t, []string{"Trà xanh Tâm An Nguyên"}, names("q="+url.QueryEscape("trà xanh")))
		require.ElementsMatch(t, []string{"Mật ong rừng Cúc Phương"}, names("q=8936000001155"), "GTINs are searched")
		require.ElementsMatch(t, []string{"Tinh bột nghệ BK FOODS"}, names("q=turmeric"), "English names are searched")
		require.Empty(t, names("q=c%C3%A0+ph%C3%AA"))
		require.Empty(t, names("q=100%25"), "LIKE wildcards are literal")

		// filters
		require.ElementsMatch(t, []string{"Chè Tân Cương Hảo Đạt", "Trà hoa cúc chi hữu cơ Riti", "Trà xanh Tâm An Nguyên"},
			names("stars=4"))
		beverages := append(append([]string{}, teas...), greenTeas...)
		require.ElementsMatch(t, beverages, names("group=beverage"))
		require.ElementsMatch(t, beverages, names("group="+url.QueryEscape("Đồ uống")))
		require.ElementsMatch(t, beverages, names("group=do+uong"))
		require.ElementsMatch(t, []string{"Tinh bột nghệ BK FOODS", "Mật ong rừng Cúc Phương"}, names("group=food"))
		require.Empty(t, names("group=handicraft"))
		require.ElementsMatch(t, []string{"Trà hoa cúc chi hữu cơ Riti", "Trà xanh Tâm An Nguyên"},
			names("q=tra&stars=4&group=beverage"))

		coops := decode[list[catalog.Coop]](t, srv.get("/api/v1/coops?limit=200"), http.StatusOK)
		require.Len(t, coops.Items, demoCoops)
		var riti catalog.Coop
		for _, c := range coops.Items {
			if c.Code == "HTX-RITI" {
				riti = c
			}
		}
		require.NotZero(t, riti.ID)
		require.Equal(t, []string{"Trà hoa cúc chi hữu cơ Riti"}, names("coop_id="+itoa(riti.ID)))
		require.Len(t, decode[list[catalog.Coop]](t, srv.get("/api/v1/coops?alliance_id="+itoa(riti.AllianceID)), http.StatusOK).Items, 3)
		require.Len(t, decode[list[catalog.Warehouse]](t, srv.get("/api/v1/warehouses?coop_id="+itoa(riti.ID)), http.StatusOK).Items, 1)

		// paging walks every product once, in id order
		all := decode[list[catalog.Product]](t, srv.get("/api/v1/products"), http.StatusOK).Items
		require.Len(t, all, demoProducts)
		walk := func(query string, limit int) []int64 {
			t.Helper()
			var ids []int64
			cursor, pages := "", 0
			for {
				r := srv.get("/api/v1/products?limit=" + itoa(int64(limit)) + query + "&cursor=" + url.QueryEscape(cursor))
				requireSchema(t, "ProductList", r.Body)
				l := decode[list[catalog.Product]](t, r, http.StatusOK)
				require.LessOrEqual(t, len(l.Items), limit)
				pages++
				require.Less(t, pages, 20, "paging does not end")
				for _, p := range l.Items {
					require.NotContains(t, ids, p.ID, "product %d is repeated", p.ID)
					ids = append(ids, p.ID)
				}
				if l.NextCursor == "" {
					return ids
				}
				require.Len(t, l.Items, limit, "only the last page is short")
				cursor = l.NextCursor
			}
		}
		var allIDs []int64
		for _, p := range all {
			allIDs = append(allIDs, p.ID)
		}
		require.Equal(t, allIDs, walk("", 3))
		require.Equal(t, allIDs, walk("", 1))
		require.Equal(t, allIDs, walk("", demoProducts))
		require.Len(t, walk("&q=tra", 1), len(teas))
	})
}
