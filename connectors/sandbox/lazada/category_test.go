package lazada_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCategoryTreeAttributesAndCreateChecks(t *testing.T) {
	c, _ := start(t)
	tree := c.call("/category/tree/get", map[string]string{"language_code": "vi_VN"})
	require.Equal(t, "0", tree["code"], "%v", tree)
	leaves := map[string]int64{}
	var walk func(nodes []any)
	walk = func(nodes []any) {
		for _, n := range nodes {
			if get(n, "leaf") == true {
				leaves[str(get(n, "name"))] = num(t, get(n, "category_id"))
			}
			if kids, ok := get(n, "children").([]any); ok {
				walk(kids)
			}
		}
	}
	walk(tree["data"].([]any))
	for _, name := range []string{"Trà", "Cà phê", "Mật ong", "Trái cây sấy", "Gạo", "Gia vị", "Đồ thủ công mỹ nghệ", "Kem dưỡng da"} {
		require.NotZero(t, leaves[name], "leaf %s", name)
	}

	attrs := c.call("/category/attributes/get", map[string]string{"primary_category_id": "10002031", "language_code": "vi_VN"})
	require.Equal(t, "0", attrs["code"], "%v", attrs)
	mandatory := map[string]string{}
	for _, a := range attrs["data"].([]any) {
		if num(t, get(a, "is_mandatory")) == 1 {
			mandatory[str(get(a, "name"))] = str(get(a, "label"))
		}
	}
	require.Equal(t, map[string]string{"brand": "Thương hiệu", "material": "Chất liệu"}, mandatory)

	img := c.uploadImage()
	create := func(category string, attributes map[string]any) map[string]any {
		attributes["name"] = "Giỏ mây"
		payload, _ := json.Marshal(map[string]any{"Request": map[string]any{"Product": map[string]any{
			"PrimaryCategory": category, "Images": map[string]any{"Image": []string{img}}, "Attributes": attributes,
			"Skus": map[string]any{"Sku": []map[string]any{{"SellerSku": "GIO-1", "quantity": "1", "price": "150000"}}}}}})
		return c.call("/product/create", map[string]string{"payload": string(payload)})
	}
	res := create("10000400", map[string]any{"brand": "No Brand", "material": "Mây"})
	require.Equal(t, "201", res["code"], "a parent category is refused: %v", res)
	res = create("10002031", map[string]any{"brand": "No Brand"})
	require.Equal(t, "500", res["code"], "%v", res)
	require.Equal(t, "material", get(res, "detail", 0, "field"))
	res = create("10002031", map[string]any{"brand": "No Brand", "material": "Mây"})
	require.Equal(t, "0", res["code"], "%v", res)

	itemID := num(t, get(res, "data", "item_id"))
	upd, _ := json.Marshal(map[string]any{"Request": map[string]any{"Product": map[string]any{"ItemId": itemID, "PrimaryCategory": "10002019"}}})
	res = c.call("/product/update", map[string]string{"payload": string(upd)})
	require.Equal(t, "500", res["code"], "moving to Tea needs its attributes: %v", res)
}
