package zalo_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/sandbox/zalo"
)

func TestStoreCategoriesAndUnknownCategoryRefused(t *testing.T) {
	t.Parallel()
	s := start(t, zalo.Options{})
	token := s.tokenFor(s.createShop("HTX Mật ong"))
	var list struct {
		Categories []struct{ ID, Name string }
		Total      int
	}
	s.api(token, http.MethodGet, "/v2.0/store/category/getcategoryofoa?offset=0&limit=50", nil).ok(t, &list)
	names := map[string]string{}
	for _, c := range list.Categories {
		names[c.Name] = c.ID
	}
	require.Equal(t, len(list.Categories), list.Total)
	require.Equal(t, "103", names["Mật ong"])

	body := map[string]any{"name": "Mật ong", "code": "MO-1", "price": 150000, "categories": []int{999}}
	s.api(token, http.MethodPost, "/v2.0/store/product/create", body).fails(t, -201)
	body["categories"] = []string{"103"}
	var p struct{ ID string }
	s.api(token, http.MethodPost, "/v2.0/store/product/create", body).ok(t, &p)
	s.api(token, http.MethodPost, "/v2.0/store/product/update", map[string]any{"id": p.ID, "categories": []int{1}}).fails(t, -201)
}
