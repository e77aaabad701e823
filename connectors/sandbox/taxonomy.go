package sandbox

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// Taxonomy is one platform's category tree with the attributes of its leaf
// categories: what get_category/get_attribute_tree (Shopee),
// /category/tree/get and /category/attributes/get (Lazada) and the OA's
// store categories (Zalo) serve, and what item creation checks. The trees
// are a Vietnamese subset covering the six OCOP groups (tea, coffee, honey,
// dried fruit, rice, spices, herbs, cosmetics, handicrafts, ornamental
// plants, tourism); the ids are the sandbox's own (see README.md).
type Taxonomy struct {
	Platform   string
	categories []Category
	byID       map[int64]int
	children   map[int64]int
	attrs      map[string]Attribute
}

// Category is one node of a tree.
type Category struct {
	ID       int64  `json:"id"`
	ParentID int64  `json:"parent_id"`
	Name     string `json:"name"`    // Vietnamese, as shown to VN sellers
	NameEN   string `json:"name_en"` // the platform's original name
	// Mandatory and Optional name attributes (Attribute.Key) of a leaf.
	Mandatory []string `json:"-"`
	Optional  []string `json:"-"`
}

// Attribute is one attribute a category may ask for.
type Attribute struct {
	// Key is the platform-neutral name, also Lazada's attribute name.
	Key string `json:"key"`
	// ID is the platform's numeric id (Shopee attribute_id, Lazada id).
	ID     int64    `json:"id"`
	Name   string   `json:"name"` // Vietnamese
	NameEN string   `json:"name_en"`
	Input  string   `json:"input"` // text, numeric, singleSelect
	Values []string `json:"values,omitempty"`
	Units  []string `json:"units,omitempty"`
}

// CategoryAttribute is an attribute as one category asks for it.
type CategoryAttribute struct {
	Attribute
	Mandatory bool `json:"mandatory"`
}

// Errors of Check; fronts answer each with their platform's error.
var (
	ErrCategoryUnknown = errors.New("sandbox: no such category")
	ErrCategoryNotLeaf = errors.New("sandbox: category is not a leaf")
)

// MissingAttributeError names the first mandatory attribute an item lacks.
type MissingAttributeError struct{ Attribute Attribute }

func (e *MissingAttributeError) Error() string {
	return fmt.Sprintf("sandbox: mandatory attribute %s (%d) is missing", e.Attribute.Key, e.Attribute.ID)
}

// Categories returns the tree's nodes, parents before children.
func (t *Taxonomy) Categories() []Category { return append([]Category(nil), t.categories...) }

// Category returns one node.
func (t *Taxonomy) Category(id int64) (Category, bool) {
	i, ok := t.byID[id]
	if !ok {
		return Category{}, false
	}
	return t.categories[i], true
}

// HasChildren reports whether a node has children (is not a leaf).
func (t *Taxonomy) HasChildren(id int64) bool { return t.children[id] > 0 }

// Attributes returns what a category asks for, mandatory first; nil for an
// unknown category.
func (t *Taxonomy) Attributes(id int64) []CategoryAttribute {
	c, ok := t.Category(id)
	if !ok {
		return nil
	}
	var out []CategoryAttribute
	for _, k := range c.Mandatory {
		out = append(out, CategoryAttribute{Attribute: t.attrs[k], Mandatory: true})
	}
	for _, k := range c.Optional {
		out = append(out, CategoryAttribute{Attribute: t.attrs[k]})
	}
	return out
}

// AttributeByID finds an attribute by its platform id.
func (t *Taxonomy) AttributeByID(id int64) (Attribute, bool) {
	for _, a := range t.attrs {
		if a.ID == id {
			return a, true
		}
	}
	return Attribute{}, false
}

// Check is what item creation and update verify: the category exists, is
// a leaf, and every mandatory attribute has a value (has is asked per
// attribute). skip names attributes a front checks by itself (Shopee's
// brand).
func (t *Taxonomy) Check(categoryID int64, has func(Attribute) bool, skip ...string) error {
	if _, ok := t.Category(categoryID); !ok {
		return ErrCategoryUnknown
	}
	if t.HasChildren(categoryID) {
		return ErrCategoryNotLeaf
	}
	for _, a := range t.Attributes(categoryID) {
		if !a.Mandatory || slices.Contains(skip, a.Key) {
			continue
		}
		if !has(a.Attribute) {
			return &MissingAttributeError{Attribute: a.Attribute}
		}
	}
	return nil
}

// Mandatory reports whether a category asks for attribute key as mandatory.
func (t *Taxonomy) Mandatory(categoryID int64, key string) bool {
	c, _ := t.Category(categoryID)
	return slices.Contains(c.Mandatory, key)
}

// node is a row of the shared Vietnamese tree: one id per platform (0 =
// not on that platform; Zalo keeps only leaves, flat, as an OA's store
// categories are).
type node struct {
	shopee, lazada, zalo int64
	parent               string
	key                  string
	vi, en               string
	mandatory, optional  []string
}

// attr is a row of the shared attribute table.
type attr struct {
	key            string
	shopee, lazada int64
	vi, en, input  string
	values, units  []string
}

var attributeTable = []attr{
	{"brand", 0, 20000, "Thương hiệu", "Brand", "singleSelect", []string{"No Brand"}, nil},
	{"country_origin", 100037, 20001, "Xuất xứ", "Country of Origin", "text", nil, nil},
	{"net_weight", 100999, 20002, "Khối lượng tịnh", "Net Weight", "numeric", nil, []string{"g", "kg"}},
	{"shelf_life", 100095, 20003, "Hạn sử dụng", "Shelf Life", "text", nil, nil},
	{"tea_type", 100700, 20004, "Loại trà", "Tea Type", "singleSelect", []string{"Trà xanh", "Trà đen", "Trà ô long", "Trà thảo mộc"}, nil},
	{"material", 100134, 20005, "Chất liệu", "Material", "singleSelect", []string{"Tre", "Mây", "Cói", "Gốm sứ", "Gỗ", "Vải"}, nil},
	{"skin_type", 100018, 20006, "Loại da", "Skin Type", "singleSelect", []string{"Mọi loại da", "Da dầu", "Da khô", "Da hỗn hợp", "Da nhạy cảm"}, nil},
	{"volume", 100110, 20007, "Dung tích", "Volume", "numeric", nil, []string{"ml", "l"}},
	{"ingredients", 100010, 20008, "Thành phần", "Ingredients", "text", nil, nil},
}

var (
	food       = []string{"brand", "country_origin", "net_weight"}
	foodOpt    = []string{"shelf_life", "ingredients"}
	cosmetic   = []string{"brand", "country_origin", "skin_type"}
	handicraft = []string{"brand", "material"}
)

var vietnamTree = []node{
	{100629, 10000100, 0, "", "food_bev", "Thực phẩm và đồ uống", "Food & Beverages", nil, nil},
	{100780, 10000110, 0, "food_bev", "drinks", "Đồ uống", "Beverages", nil, nil},
	{100861, 10002019, 101, "drinks", "tea", "Trà", "Tea", food, append([]string{"tea_type"}, foodOpt...)},
	{100862, 10002020, 102, "drinks", "coffee", "Cà phê", "Coffee", food, foodOpt},
	{100781, 10000120, 0, "food_bev", "staples", "Nhu yếu phẩm", "Food Staples", nil, nil},
	{100863, 10002021, 103, "staples", "honey", "Mật ong", "Honey", food, foodOpt},
	{100864, 10002022, 105, "staples", "rice", "Gạo", "Rice", food, foodOpt},
	{100865, 10002023, 106, "staples", "spices", "Gia vị", "Seasonings & Spices", food, foodOpt},
	{100866, 10002024, 0, "staples", "flour", "Bột & tinh bột", "Flour & Starch", food, foodOpt},
	{100782, 10000130, 0, "food_bev", "snacks", "Đồ ăn vặt", "Snacks", nil, nil},
	{100867, 10002025, 104, "snacks", "dried_fruit", "Trái cây sấy", "Dried Fruit", food, foodOpt},
	{100868, 10002026, 0, "snacks", "cakes", "Bánh kẹo đặc sản", "Traditional Snacks & Sweets", food, foodOpt},
	{100001, 10000200, 0, "", "health", "Sức khỏe", "Health", nil, nil},
	{100869, 10002027, 107, "health", "herbal", "Thảo dược", "Herbal Products", food, foodOpt},
	{100630, 10000300, 0, "", "beauty", "Sắc đẹp", "Beauty", nil, nil},
	{100785, 10000310, 0, "beauty", "skincare", "Chăm sóc da mặt", "Skincare", nil, nil},
	{100870, 10002028, 109, "skincare", "cleanser", "Sữa rửa mặt", "Facial Cleanser", cosmetic, []string{"volume", "ingredients"}},
	{100871, 10002029, 110, "skincare", "moisturiser", "Kem dưỡng da", "Moisturiser", cosmetic, []string{"volume", "ingredients"}},
	{100872, 10002030, 111, "beauty", "essential_oil", "Tinh dầu", "Essential Oils", []string{"brand", "country_origin"}, []string{"volume"}},
	{100636, 10000400, 0, "", "home", "Nhà cửa và đời sống", "Home & Living", nil, nil},
	{100787, 10000410, 0, "home", "decor", "Trang trí nhà cửa", "Home Decor", nil, nil},
	{100873, 10002031, 108, "decor", "handicraft", "Đồ thủ công mỹ nghệ", "Handicrafts", handicraft, []string{"country_origin"}},
	{100874, 10002032, 112, "decor", "baskets", "Giỏ và hộp đựng", "Baskets & Storage", handicraft, nil},
	{100788, 10000420, 0, "home", "garden", "Làm vườn", "Gardening", nil, nil},
	{100875, 10002033, 113, "garden", "plants", "Cây cảnh và chậu cây", "Plants & Pots", []string{"country_origin"}, nil},
	{100637, 10000500, 0, "", "services", "Voucher và dịch vụ", "Tickets, Vouchers & Services", nil, nil},
	{100876, 10002034, 114, "services", "travel", "Du lịch và trải nghiệm", "Travel & Experiences", nil, nil},
}

// TaxonomyFor builds a platform's tree ("shopee", "lazada", "zalo"; any
// other platform, such as the in-memory "mem", gets Shopee's ids).
func TaxonomyFor(platform string) *Taxonomy {
	t := &Taxonomy{Platform: platform, byID: map[int64]int{}, children: map[int64]int{}, attrs: map[string]Attribute{}}
	idOf := func(n node) int64 {
		switch platform {
		case "lazada":
			return n.lazada
		case "zalo":
			return n.zalo
		}
		return n.shopee
	}
	for _, a := range attributeTable {
		id := a.shopee
		if platform == "lazada" {
			id = a.lazada
		}
		t.attrs[a.key] = Attribute{Key: a.key, ID: id, Name: a.vi, NameEN: a.en, Input: a.input, Values: a.values, Units: a.units}
	}
	keys := map[string]int64{}
	for _, n := range vietnamTree {
		keys[n.key] = idOf(n)
	}
	for _, n := range vietnamTree {
		id := idOf(n)
		if id == 0 {
			continue
		}
		c := Category{ID: id, Name: n.vi, NameEN: n.en, Mandatory: n.mandatory, Optional: n.optional}
		if platform != "zalo" {
			c.ParentID = keys[n.parent]
			t.children[c.ParentID]++
		} else {
			// An OA's store categories are the seller's own, flat, with
			// no attributes.
			c.Mandatory, c.Optional = nil, nil
		}
		t.byID[id] = len(t.categories)
		t.categories = append(t.categories, c)
	}
	return t
}

// ParseID reads a category or attribute id sent as text.
func ParseID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

var taxonomies sync.Map // platform → *Taxonomy (immutable once built)

// Taxonomy is the engine's platform's category tree.
func (e *Engine) Taxonomy() *Taxonomy {
	if t, ok := taxonomies.Load(e.cfg.Platform); ok {
		return t.(*Taxonomy)
	}
	t, _ := taxonomies.LoadOrStore(e.cfg.Platform, TaxonomyFor(e.cfg.Platform))
	return t.(*Taxonomy)
}
