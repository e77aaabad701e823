package catalog

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// tree is a small Shopee-like tree.
var tree = CategoryPaths([]Category{
	{ID: "1", Name: "Thực phẩm và đồ uống"},
	{ID: "2", ParentID: "1", Name: "Đồ uống"},
	{ID: "3", ParentID: "2", Name: "Trà", Leaf: true},
	{ID: "4", ParentID: "2", Name: "Cà phê", Leaf: true},
	{ID: "5", ParentID: "1", Name: "Nhu yếu phẩm"},
	{ID: "6", ParentID: "5", Name: "Mật ong", Leaf: true},
	{ID: "7", ParentID: "5", Name: "Gạo", Leaf: true},
	{ID: "8", ParentID: "5", Name: "Gia vị", Leaf: true},
	{ID: "9", ParentID: "5", Name: "Bột và tinh bột", Leaf: true},
	{ID: "10", ParentID: "1", Name: "Trái cây sấy", Leaf: true},
	{ID: "11", Name: "Nhà cửa và đời sống"},
	{ID: "12", ParentID: "11", Name: "Trang trí nhà cửa"},
	{ID: "13", ParentID: "12", Name: "Đồ thủ công mỹ nghệ", Leaf: true},
	{ID: "14", ParentID: "11", Name: "Cây cảnh và chậu cây", Leaf: true},
	{ID: "15", Name: "Sức khỏe"},
	{ID: "16", ParentID: "15", Name: "Thảo dược", Leaf: true},
	{ID: "17", Name: "Sắc đẹp"},
	{ID: "18", ParentID: "17", Name: "Kem dưỡng da", Leaf: true},
	{ID: "19", Name: "Du lịch và trải nghiệm", Leaf: true},
})

func TestCategoryPaths(t *testing.T) {
	require.Equal(t, "Thực phẩm và đồ uống › Đồ uống › Trà", tree[2].Path)
	require.Equal(t, "Thực phẩm và đồ uống", tree[0].Path)
	loop := CategoryPaths([]Category{{ID: "a", ParentID: "b", Name: "A"}, {ID: "b", ParentID: "a", Name: "B"}})
	require.Equal(t, "B › A", loop[0].Path, "a cycle ends")
}

func TestSearchCategories(t *testing.T) {
	ids := func(cs []Category) []string {
		out := []string{}
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	tests := []struct {
		q    string
		want []string
	}{
		{"tra", []string{"3"}},                                           // "Trà", not "Trang trí" (a word inside a word still matches: see next)
		{"ca phe", []string{"4"}},                                        // no diacritics
		{"CÀ PHÊ", []string{"4"}},                                        // any case
		{"mat ong", []string{"6"}},                                       //
		{"do uong", []string{"3", "4", "6", "7", "8", "9", "10"}},        // a parent phrase finds its leaves first
		{"thu cong", []string{"13"}},                                     //
		{"  gia   vi ", []string{"8"}},                                   // spaces
		{"xyz", []string{}},                                              // nothing
		{"trai cay say", []string{"10"}},                                 //
		{"nha cua", []string{"13", "14"}},                                // path only
		{"đồ", []string{"13", "3", "4", "6", "7", "8", "9", "10", "14"}}, // the leaf named "Đồ…" first
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got := ids(SearchCategories(tree, tt.q))
			if tt.q == "tra" {
				require.Contains(t, got, "3")
				require.Equal(t, "3", got[0], "the leaf named Trà comes first")
				return
			}
			require.Equal(t, tt.want, got)
		})
	}
	require.Len(t, SearchCategories(tree, ""), 12, "every leaf")
}

func TestSuggestCategory(t *testing.T) {
	tests := []struct {
		group Group
		name  string
		want  string
	}{
		{GroupBeverage, "Chè Tân Cương Hảo Đạt", "3"},
		{GroupBeverage, "Trà hoa cúc chi hữu cơ Riti", "3"},
		{GroupBeverage, "Cà phê Cầu Đất", "4"},
		{GroupFood, "Mật ong rừng Cúc Phương", "6"},
		{GroupFood, "Gạo ST25 Sóc Trăng", "7"},
		{GroupFood, "Tinh bột nghệ BK FOODS", "9"},
		{GroupFood, "Mít sấy giòn", "10"},
		{GroupFood, "Tiêu đen Phú Quốc", "8"},
		{GroupHandicraft, "Giỏ mây tre đan Phú Vinh", "13"},
		{GroupHandicraft, "Nón lá Huế", "13"}, // by group
		{GroupOrnamental, "Bưởi cảnh", "14"},  // by group
		{GroupHerbal, "Sâm Ngọc Linh", "16"},
		{GroupHerbal, "Kem dưỡng da nghệ", "18"},
		{GroupTourism, "Homestay bản Lác", "19"},
		{GroupBeverage, "Rượu ngô men lá", ""}, // no drink leaf but tea/coffee; the group's default is tea
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := SuggestCategory(tree, tt.group, tt.name)
			if tt.want == "" {
				require.True(t, ok)
				require.Equal(t, "3", c.ID)
				return
			}
			require.True(t, ok)
			require.Equal(t, tt.want, c.ID, "suggested %s", c.Name)
		})
	}
	_, ok := SuggestCategory([]Category{{ID: "1", Name: "Điện thoại", Leaf: true}}, GroupFood, "Mật ong")
	require.False(t, ok, "nothing fits")
}

var teaAttrs = []Attribute{
	{ID: "brand", Name: "Thương hiệu", Mandatory: true, InputType: "select"},
	{ID: "100037", Name: "Xuất xứ", Mandatory: true, InputType: "text"},
	{ID: "100999", Name: "Khối lượng tịnh", Mandatory: true, InputType: "number", Unit: "g"},
	{ID: "100095", Name: "Hạn sử dụng", InputType: "text"},
}

func TestKnownAttributeValues(t *testing.T) {
	p := Product{Variants: []Variant{{NetWeightG: 0}, {NetWeightG: 250}}}
	coop := Coop{Name: "HTX chè Hảo Đạt", Province: "Thái Nguyên"}
	require.Equal(t, map[string]string{"brand": "HTX chè Hảo Đạt", "100037": "Thái Nguyên", "100999": "250"},
		KnownAttributeValues(teaAttrs, p, coop))

	kg := []Attribute{{ID: "net_weight", Name: "Net Weight", Unit: "kg"}, {ID: "country_origin", Name: "Country of Origin"}}
	require.Equal(t, map[string]string{"net_weight": "0.25", "country_origin": "Thái Nguyên"}, KnownAttributeValues(kg, p, coop))

	require.Empty(t, KnownAttributeValues(teaAttrs, Product{}, Coop{}), "nothing known, nothing filled")
}

func TestCheckAttributes(t *testing.T) {
	require.NoError(t, CheckAttributes(teaAttrs, map[string]string{"brand": "X", "100037": "Việt Nam", "100999": "100"}))
	err := CheckAttributes(teaAttrs, map[string]string{"brand": "X", "100037": "  "})
	require.Equal(t, CodeInvalidArgument, ErrorCode(err))
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, map[string]string{
		"attributes.100037": "Xuất xứ is required by the category",
		"attributes.100999": "Khối lượng tịnh is required by the category",
	}, e.Fields)
	missing := MissingAttributes(teaAttrs, map[string]string{"brand": "X"})
	require.Equal(t, "Chưa đăng: danh mục Shopee cần thêm Xuất xứ, Khối lượng tịnh. Điền ở trang “Danh mục trên sàn” của sản phẩm.",
		MissingAttributesMessage(PlatformShopee, missing))
}

func TestCategoryChoiceValidate(t *testing.T) {
	require.NoError(t, CategoryChoice{Platform: PlatformLazada, CategoryID: "10002019"}.Validate())
	err := CategoryChoice{Platform: "ebay", Attributes: map[string]string{"": "x"}}.Validate()
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Contains(t, e.Fields, "platform")
	require.Contains(t, e.Fields, "category_id")
	require.Contains(t, e.Fields, "attributes.")
}
