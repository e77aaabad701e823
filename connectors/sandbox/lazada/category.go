package lazada

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"ocophub/connectors/sandbox"
)

// vietnamese reports whether a call asked for Vietnamese names
// (language_code=vi_VN); English otherwise.
func vietnamese(c *call) bool { return strings.EqualFold(c.param("language_code"), "vi_VN") }

// categoryTree is GET /category/tree/get: the tree as nested nodes
// {category_id, name, leaf, var, children}.
func (f *front) categoryTree(c *call) error {
	t := f.e.Taxonomy()
	type node struct {
		CategoryID int64   `json:"category_id"`
		Name       string  `json:"name"`
		Leaf       bool    `json:"leaf"`
		Var        bool    `json:"var"`
		Children   []*node `json:"children,omitempty"`
	}
	vi := vietnamese(c)
	byID := map[int64]*node{}
	roots := []*node{}
	for _, cat := range t.Categories() {
		n := &node{CategoryID: cat.ID, Name: cat.NameEN, Leaf: !t.HasChildren(cat.ID)}
		if vi {
			n.Name = cat.Name
		}
		byID[cat.ID] = n
		if p := byID[cat.ParentID]; p != nil {
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	return c.ok(roots)
}

// categoryAttributes is GET /category/attributes/get?primary_category_id=:
// the category's attributes with is_mandatory (0/1), input_type and
// options.
func (f *front) categoryAttributes(c *call) error {
	s, err := c.required("primary_category_id")
	if err != nil {
		return err
	}
	id, ok := sandbox.ParseID(strings.TrimSpace(s))
	t := f.e.Taxonomy()
	if _, known := t.Category(id); !ok || !known {
		return isv("201", "E201: %q Invalid CategoryId", s)
	}
	type option struct {
		ID     int64  `json:"id"`
		Name   string `json:"name"`
		EnName string `json:"en_name"`
	}
	type attribute struct {
		ID            int64          `json:"id"`
		Name          string         `json:"name"`
		Label         string         `json:"label"`
		IsMandatory   int            `json:"is_mandatory"`
		IsSaleProp    int            `json:"is_sale_prop"`
		AttributeType string         `json:"attribute_type"`
		InputType     string         `json:"input_type"`
		Options       []option       `json:"options"`
		Advanced      map[string]int `json:"advanced"`
	}
	vi := vietnamese(c)
	out := []attribute{}
	for _, a := range t.Attributes(id) {
		at := attribute{ID: a.ID, Name: a.Key, Label: a.NameEN, AttributeType: "normal", InputType: a.Input,
			Options: []option{}, Advanced: map[string]int{"is_key_prop": 0}}
		if vi {
			at.Label = a.Name
		}
		if a.Mandatory {
			at.IsMandatory = 1
		}
		for i, v := range a.Values {
			at.Options = append(at.Options, option{ID: a.ID*100 + int64(i) + 1, Name: v, EnName: v})
		}
		out = append(out, at)
	}
	return c.ok(out)
}

// checkCategory refuses an unknown or non-leaf primary category and a
// mandatory attribute without a value.
func (f *front) checkCategory(categoryID int64, attrs map[string]any) error {
	err := f.e.Taxonomy().Check(categoryID, func(a sandbox.Attribute) bool {
		v, _ := text(field(attrs, a.Key))
		if a.Key == "brand" && strings.TrimSpace(v) == "" {
			v, _ = text(field(attrs, "brand_id")) // Lazada takes either
		}
		return strings.TrimSpace(v) != ""
	})
	var missing *sandbox.MissingAttributeError
	switch {
	case errors.Is(err, sandbox.ErrCategoryUnknown):
		return isv("201", "E201: %q Invalid CategoryId", strconv.FormatInt(categoryID, 10))
	case errors.Is(err, sandbox.ErrCategoryNotLeaf):
		return isv("201", "E201: %d Invalid CategoryId: the primary category must be a leaf category", categoryID)
	case errors.As(err, &missing):
		return batchFailed("500", "E500: Create product failed", []detail{{Field: missing.Attribute.Key,
			Message: fmt.Sprintf("BIZ_CHECK_MANDATORY_ATTRIBUTE: [%s] is mandatory", missing.Attribute.NameEN)}})
	}
	return err
}
