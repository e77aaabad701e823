package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// Category is one node of a platform's category tree, as the hub shows it.
// Path is the names from the top ("Thực phẩm và đồ uống › Đồ uống › Trà").
type Category struct {
	ID       string `json:"id"`
	ParentID string `json:"parent_id,omitempty"`
	Name     string `json:"name"`
	Leaf     bool   `json:"leaf"`
	Path     string `json:"path,omitempty"`
}

// Attribute is one attribute a platform category asks of a listing.
type Attribute struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Mandatory bool     `json:"mandatory"`
	InputType string   `json:"input_type"` // text, number, select
	Options   []string `json:"options,omitempty"`
	Unit      string   `json:"unit,omitempty"`
}

// CategoryChoice is the category a manager confirmed for a product on one
// platform, with the attribute values they filled (attribute id → value).
// A listing's own overrides (ListingOverrides) still win over it.
type CategoryChoice struct {
	ProductID  int64             `json:"product_id"`
	Platform   Platform          `json:"platform"`
	CategoryID string            `json:"category_id"`
	Attributes map[string]string `json:"attributes"`
	Version    int64             `json:"version"`
}

// Validate checks the choice's shapes (the platform's tree is checked by
// whoever holds it).
func (c CategoryChoice) Validate() error {
	fe := FieldErrors{}
	if _, err := ParsePlatform(string(c.Platform)); err != nil || string(c.Platform) != strings.ToLower(string(c.Platform)) {
		fe.Add("platform", "unknown platform")
	}
	if c.CategoryID == "" || len(c.CategoryID) > 64 {
		fe.Add("category_id", "category id is required, at most 64 characters")
	}
	if len(c.Attributes) > 100 {
		fe.Add("attributes", "at most 100 attributes")
	}
	for k, v := range c.Attributes {
		if k == "" || len(k) > 64 || len([]rune(v)) > 1000 {
			fe.Add("attributes."+k, "attribute names are 1–64 characters, values at most 1,000")
		}
	}
	return fe.Err()
}

// CategoryPaths returns cats with Path filled from their parents.
func CategoryPaths(cats []Category) []Category {
	byID := make(map[string]Category, len(cats))
	for _, c := range cats {
		byID[c.ID] = c
	}
	out := make([]Category, len(cats))
	for i, c := range cats {
		names := []string{c.Name}
		seen := map[string]bool{c.ID: true}
		for p := c.ParentID; p != "" && !seen[p]; {
			parent, ok := byID[p]
			if !ok {
				break
			}
			seen[p] = true
			names = append([]string{parent.Name}, names...)
			p = parent.ParentID
		}
		c.Path = strings.Join(names, " › ")
		out[i] = c
	}
	return out
}

// SearchCategories returns the leaves whose path holds every word of q,
// compared folded (no diacritics, any case: "ca phe" finds "Cà phê"); an
// empty q returns every leaf. Leaves whose own name matches come first,
// then those whose path holds q as a phrase ("do uong": the leaves under
// "Đồ uống"), then the rest. cats should carry paths (CategoryPaths).
func SearchCategories(cats []Category, q string) []Category {
	words := strings.Fields(Fold(q))
	phrase := strings.Join(words, " ")
	var named, phrased, rest []Category
	for _, c := range cats {
		if !c.Leaf {
			continue
		}
		path, name := Fold(c.Path), Fold(c.Name)
		if path == "" {
			path = name
		}
		all, inName := true, true
		for _, w := range words {
			all = all && strings.Contains(path, w)
			inName = inName && strings.Contains(name, w)
		}
		switch {
		case all && inName:
			named = append(named, c)
		case all && strings.Contains(path, phrase):
			phrased = append(phrased, c)
		case all:
			rest = append(rest, c)
		}
	}
	return append(append(named, phrased...), rest...)
}

// nameHints map words of a product's name (folded) to the words of the
// category it belongs in, most specific first: "Trà hoa cúc" is a tea,
// "Mứt gừng" a snack.
var nameHints = []struct{ product, category []string }{
	{[]string{"ca phe", "cafe", "coffee"}, []string{"ca phe"}},
	{[]string{"mat ong", "honey"}, []string{"mat ong"}},
	{[]string{"tinh dau"}, []string{"tinh dau"}},
	{[]string{"sua rua mat"}, []string{"sua rua mat"}},
	{[]string{"kem", "serum", "my pham", "duong da"}, []string{"kem duong", "cham soc da"}},
	{[]string{"tra", "che", "tea"}, []string{"tra"}},
	{[]string{"gao", "nep", "rice"}, []string{"gao"}},
	{[]string{"say", "say deo", "o mai", "mut"}, []string{"trai cay say", "banh keo"}},
	{[]string{"tieu", "ot", "nuoc mam", "muoi", "gia vi", "mac khen", "hat doi"}, []string{"gia vi"}},
	{[]string{"tinh bot", "bot"}, []string{"bot", "gia vi"}},
	{[]string{"banh", "keo"}, []string{"banh keo"}},
	{[]string{"gio", "may tre", "coi", "gom", "son mai", "thu cong", "det", "tho cam"}, []string{"thu cong", "gio"}},
	{[]string{"cay canh", "bonsai", "lan", "hoa"}, []string{"cay canh"}},
	{[]string{"sam", "duoc lieu", "thao duoc", "cao"}, []string{"thao duoc"}},
	{[]string{"du lich", "homestay", "trai nghiem"}, []string{"du lich"}},
}

// groupDefaults are the categories an OCOP group falls back to when the
// product's name says nothing more specific.
var groupDefaults = map[Group][]string{
	GroupFood:       {"dac san", "banh keo", "gia vi"},
	GroupBeverage:   {"tra", "do uong"},
	GroupHerbal:     {"thao duoc", "tinh dau"},
	GroupHandicraft: {"thu cong", "trang tri"},
	GroupOrnamental: {"cay canh"},
	GroupTourism:    {"du lich", "dich vu"},
}

// hasWords reports whether text holds phrase as whole words (both folded).
func hasWords(text, phrase string) bool {
	return strings.Contains(" "+text+" ", " "+phrase+" ")
}

// SuggestCategory picks the leaf a product most likely belongs in on a
// platform: by the words of its name first, then by its OCOP group. The
// manager confirms or changes it. ok is false when nothing fits.
func SuggestCategory(cats []Category, group Group, name string) (Category, bool) {
	leaf := func(words []string) (Category, bool) {
		for _, w := range words {
			for _, c := range cats {
				if c.Leaf && hasWords(Fold(c.Name), w) {
					return c, true
				}
			}
		}
		return Category{}, false
	}
	product := Fold(name)
	for _, h := range nameHints {
		for _, p := range h.product {
			if hasWords(product, p) {
				if c, ok := leaf(h.category); ok {
					return c, true
				}
			}
		}
	}
	return leaf(groupDefaults[group])
}

// attributeHints name what the hub knows, by words of an attribute's name
// (Vietnamese or English, folded).
var attributeHints = map[string][]string{
	"brand":  {"thuong hieu", "brand"},
	"origin": {"xuat xu", "noi san xuat", "country of origin", "origin"},
	"weight": {"khoi luong tinh", "trong luong tinh", "net weight", "khoi luong"},
}

// KnownAttributeValues are the values the hub can fill itself for a
// product's listing: the brand is the co-op's name, the origin its
// province, the net weight the first variant's (in the attribute's unit,
// grams unless it asks for kg). Only attributes in attrs are returned.
func KnownAttributeValues(attrs []Attribute, p Product, coop Coop) map[string]string {
	out := map[string]string{}
	weight := 0
	for _, v := range p.Variants {
		if v.NetWeightG > 0 {
			weight = v.NetWeightG
			break
		}
	}
	for _, a := range attrs {
		name := Fold(a.Name)
		switch {
		case matches(name, attributeHints["brand"]) && coop.Name != "":
			out[a.ID] = coop.Name
		case matches(name, attributeHints["origin"]) && p.Origin.Province != "":
			out[a.ID] = p.Origin.Province // where the product is made
		case matches(name, attributeHints["origin"]) && coop.Province != "":
			out[a.ID] = coop.Province
		case matches(name, attributeHints["weight"]) && weight > 0:
			if strings.EqualFold(a.Unit, "kg") {
				out[a.ID] = strconv.FormatFloat(float64(weight)/1000, 'f', -1, 64)
			} else {
				out[a.ID] = strconv.Itoa(weight)
			}
		}
	}
	return out
}

func matches(name string, hints []string) bool {
	for _, h := range hints {
		if hasWords(name, h) {
			return true
		}
	}
	return false
}

// MissingAttributes returns the mandatory attributes without a value.
func MissingAttributes(attrs []Attribute, values map[string]string) []Attribute {
	var out []Attribute
	for _, a := range attrs {
		if a.Mandatory && strings.TrimSpace(values[a.ID]) == "" {
			out = append(out, a)
		}
	}
	return out
}

// CheckAttributes is invalid_argument naming each mandatory attribute
// without a value, as the field "attributes.<id>", or nil.
func CheckAttributes(attrs []Attribute, values map[string]string) error {
	missing := MissingAttributes(attrs, values)
	if len(missing) == 0 {
		return nil
	}
	fe := FieldErrors{}
	for _, a := range missing {
		fe.Add("attributes."+a.ID, a.Name+" is required by the category")
	}
	return &Error{Code: CodeInvalidArgument, Message: "mandatory attributes missing: " + attributeNames(missing), Fields: fe}
}

// MissingAttributesMessage is what a listing refused before publishing
// shows the manager, in Vietnamese: which platform, which attributes, and
// where to fill them.
func MissingAttributesMessage(platform Platform, missing []Attribute) string {
	return fmt.Sprintf("Chưa đăng: danh mục %s cần thêm %s. Điền ở trang “Danh mục trên sàn” của sản phẩm.",
		platformLabel(platform), attributeNames(missing))
}

// NoCategoryMessage is the Vietnamese refusal when the hub has no category
// for a product on a platform.
func NoCategoryMessage(platform Platform) string {
	return fmt.Sprintf("Chưa đăng: chưa chọn danh mục %s cho sản phẩm. Chọn ở trang “Danh mục trên sàn” của sản phẩm.", platformLabel(platform))
}

func attributeNames(attrs []Attribute) string {
	names := make([]string, len(attrs))
	for i, a := range attrs {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

// platformLabel is the platform's name as sellers write it.
func platformLabel(p Platform) string {
	switch p {
	case PlatformShopee:
		return "Shopee"
	case PlatformLazada:
		return "Lazada"
	case PlatformZalo:
		return "Zalo"
	}
	return string(p)
}
