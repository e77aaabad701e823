package shopee_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCategoryTreeAndAttributes(t *testing.T) {
	s := start(t)
	sh := s.connect("Shop trà")

	var tree struct {
		CategoryList []struct {
			CategoryID          int64  `json:"category_id"`
			ParentCategoryID    int64  `json:"parent_category_id"`
			DisplayCategoryName string `json:"display_category_name"`
			HasChildren         bool   `json:"has_children"`
		} `json:"category_list"`
	}
	sh.get("/api/v2/product/get_category", url.Values{"language": {"vi"}}).ok(t, &tree)
	byName := map[string]int64{}
	for _, c := range tree.CategoryList {
		byName[c.DisplayCategoryName] = c.CategoryID
		if c.CategoryID == 100629 {
			require.True(t, c.HasChildren)
			require.Zero(t, c.ParentCategoryID)
		}
	}
	for _, name := range []string{"Trà", "Cà phê", "Mật ong", "Trái cây sấy", "Gạo", "Gia vị", "Đồ thủ công mỹ nghệ", "Sữa rửa mặt"} {
		require.NotZero(t, byName[name], "category %s", name)
	}

	var attrs struct {
		List []struct {
			CategoryID    int64 `json:"category_id"`
			AttributeTree []struct {
				AttributeID int64  `json:"attribute_id"`
				Mandatory   bool   `json:"mandatory"`
				Name        string `json:"name"`
				MultiLang   []struct {
					Language string `json:"language"`
					Value    string `json:"value"`
				} `json:"multi_lang"`
			} `json:"attribute_tree"`
		} `json:"list"`
	}
	sh.get("/api/v2/product/get_attribute_tree", url.Values{"category_id_list": {"100861,100870"}}).ok(t, &attrs)
	require.Len(t, attrs.List, 2)
	mandatory := map[int64][]string{}
	for _, e := range attrs.List {
		for _, a := range e.AttributeTree {
			if a.Mandatory {
				mandatory[e.CategoryID] = append(mandatory[e.CategoryID], a.MultiLang[0].Value)
			}
		}
	}
	require.Equal(t, []string{"Xuất xứ", "Khối lượng tịnh"}, mandatory[100861])
	require.Equal(t, []string{"Xuất xứ", "Loại da"}, mandatory[100870])

	var brands struct {
		IsMandatory bool `json:"is_mandatory"`
	}
	sh.get("/api/v2/product/get_brand_list", url.Values{"category_id": {"100861"}, "status": {"1"}, "offset": {"0"}, "page_size": {"10"}}).ok(t, &brands)
	require.True(t, brands.IsMandatory)
}

func TestAddItemRefusesBadCategoriesAndMissingAttributes(t *testing.T) {
	s := start(t)
	sh := s.connect("Shop trà")
	img := sh.upload(t, pngBytes)

	body := newItemBody("Chè", "C-1", 95000, 5, img)
	body["category_id"] = 100629
	sh.post("/api/v2/product/add_item", body).fails(t, http.StatusBadRequest, "product.error_param", "not a leaf category")

	body["category_id"] = 999
	sh.post("/api/v2/product/add_item", body).fails(t, http.StatusBadRequest, "product.error_param", "not found")

	body = newItemBody("Chè", "C-1", 95000, 5, img)
	body["attribute_list"] = []map[string]any{{"attribute_id": 100037, "attribute_value_list": []map[string]any{{"original_value_name": "Việt Nam"}}}}
	sh.post("/api/v2/product/add_item", body).fails(t, http.StatusBadRequest, "product.error_param", "Net Weight (attribute_id 100999)")

	body = newItemBody("Chè", "C-1", 95000, 5, img)
	delete(body, "brand")
	sh.post("/api/v2/product/add_item", body).fails(t, http.StatusBadRequest, "product.error_param", "Brand is mandatory")

	var it itemAnswer
	sh.post("/api/v2/product/add_item", newItemBody("Chè", "C-1", 95000, 5, img)).ok(t, &it)
	// An update moving the item to a category whose mandatory attributes
	// it lacks is refused; the item keeps its category.
	sh.post("/api/v2/product/update_item", map[string]any{"item_id": it.ItemID, "category_id": 100870}).
		fails(t, http.StatusBadRequest, "product.error_param", "Skin Type")
	sh.post("/api/v2/product/update_item", map[string]any{"item_id": it.ItemID, "category_id": 100862}).ok(t, nil)
}
