package shopee

import (
	"encoding/json"
	"errors"
	"strconv"

	"ocophub/connectors/sandbox"
)

// Shopee's attribute input types (v2.product.get_attribute_tree
// attribute_info.input_type) and validation types.
const (
	inputSingleComboBox = 2
	inputFreeText       = 3
	validateNone        = 0
	validateInt         = 1
	validateString      = 2
)

// getCategory is v2.product.get_category: the whole tree, names in the
// requested language (vi or en) beside the original English name.
func (f *front) getCategory(c *call) (any, error) {
	t := f.e.Taxonomy()
	type category struct {
		CategoryID           int64  `json:"category_id"`
		ParentCategoryID     int64  `json:"parent_category_id"`
		OriginalCategoryName string `json:"original_category_name"`
		DisplayCategoryName  string `json:"display_category_name"`
		HasChildren          bool   `json:"has_children"`
	}
	list := []category{}
	for _, n := range t.Categories() {
		display := n.NameEN
		if c.q.Get("language") == "vi" {
			display = n.Name
		}
		list = append(list, category{n.ID, n.ParentID, n.NameEN, display, t.HasChildren(n.ID)})
	}
	return map[string]any{"category_list": list}, nil
}

// getAttributeTree is v2.product.get_attribute_tree: the attributes of up
// to 20 categories (category_id_list), each with its values and the
// Vietnamese name in multi_lang.
func (f *front) getAttributeTree(c *call) (any, error) {
	m := c.module
	ids, err := intListParam(m, c.q, "category_id_list")
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, errMissing(m, "CategoryIdList")
	}
	if len(ids) > 20 {
		return nil, errDetail(m, "category_id_list should be less than or equal to 20.")
	}
	t := f.e.Taxonomy()
	type lang struct {
		Language string `json:"language"`
		Value    string `json:"value"`
	}
	type value struct {
		ValueID   int64  `json:"value_id"`
		Name      string `json:"name"`
		MultiLang []lang `json:"multi_lang"`
	}
	type info struct {
		InputType          int      `json:"input_type"`
		InputValidationTyp int      `json:"input_validation_type"`
		FormatType         int      `json:"format_type"`
		AttributeUnitList  []string `json:"attribute_unit_list,omitempty"`
		MaxValueCount      int      `json:"max_value_count"`
	}
	type attribute struct {
		AttributeID        int64   `json:"attribute_id"`
		Mandatory          bool    `json:"mandatory"`
		Name               string  `json:"name"`
		AttributeValueList []value `json:"attribute_value_list"`
		AttributeInfo      info    `json:"attribute_info"`
		MultiLang          []lang  `json:"multi_lang"`
	}
	type entry struct {
		CategoryID    int64       `json:"category_id"`
		AttributeTree []attribute `json:"attribute_tree"`
	}
	out := []entry{}
	for _, id := range ids {
		if _, ok := t.Category(id); !ok {
			return nil, errBusiness("product.error_category_not_found", "Wrong parameters, detail: category "+strconv.FormatInt(id, 10)+" is not found.")
		}
		e := entry{CategoryID: id, AttributeTree: []attribute{}}
		for _, a := range t.Attributes(id) {
			if a.Key == "brand" {
				continue // v2.product.get_brand_list
			}
			at := attribute{AttributeID: a.ID, Mandatory: a.Mandatory, Name: a.NameEN, AttributeValueList: []value{},
				MultiLang: []lang{{"vi", a.Name}}, AttributeInfo: info{InputType: inputFreeText, InputValidationTyp: validateString,
					FormatType: 1, MaxValueCount: 1, AttributeUnitList: a.Units}}
			switch a.Input {
			case "singleSelect":
				at.AttributeInfo.InputType, at.AttributeInfo.InputValidationTyp = inputSingleComboBox, validateNone
				for i, v := range a.Values {
					at.AttributeValueList = append(at.AttributeValueList, value{valueID(a.ID, i), v, []lang{{"vi", v}}})
				}
			case "numeric":
				at.AttributeInfo.InputValidationTyp, at.AttributeInfo.FormatType = validateInt, 2
			}
			e.AttributeTree = append(e.AttributeTree, at)
		}
		out = append(out, e)
	}
	return map[string]any{"list": out}, nil
}

// valueID is the sandbox's value_id of an attribute's i-th value.
func valueID(attributeID int64, i int) int64 { return attributeID*100 + int64(i) + 1 }

// getBrandList is v2.product.get_brand_list: the sandbox knows only
// "No Brand" (brand_id 0); is_mandatory says whether add_item needs a
// brand in this category.
func (f *front) getBrandList(c *call) (any, error) {
	m := c.module
	id, ok, err := intParam(m, c.q, "category_id")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errMissing(m, "CategoryId")
	}
	t := f.e.Taxonomy()
	if _, ok := t.Category(id); !ok {
		return nil, errBusiness("product.error_category_not_found", "Wrong parameters, detail: category "+strconv.FormatInt(id, 10)+" is not found.")
	}
	type brand struct {
		BrandID           int64  `json:"brand_id"`
		OriginalBrandName string `json:"original_brand_name"`
		DisplayBrandName  string `json:"display_brand_name"`
	}
	return map[string]any{"brand_list": []brand{{0, "NoBrand", "No Brand"}}, "has_next_page": false, "next_offset": 0,
		"is_mandatory": t.Mandatory(id, "brand"), "input_type": "DROP_DOWN"}, nil
}

// attributeValue is one attribute of add_item/update_item.
type attributeValue struct {
	AttributeID        flexInt `json:"attribute_id"`
	AttributeValueList []struct {
		ValueID           flexInt `json:"value_id"`
		OriginalValueName string  `json:"original_value_name"`
		ValueUnit         string  `json:"value_unit"`
	} `json:"attribute_value_list"`
}

// brandField is add_item's brand.
type brandField struct {
	BrandID           flexInt `json:"brand_id"`
	OriginalBrandName string  `json:"original_brand_name"`
}

// checkCategory refuses a category that is unknown or not a leaf, an item
// without a brand where the category needs one, and a missing mandatory
// attribute, with Shopee's error_param answers.
func (f *front) checkCategory(module string, categoryID int64, attrs []attributeValue, brand *brandField) error {
	t := f.e.Taxonomy()
	given := map[int64]bool{}
	for _, a := range attrs {
		for _, v := range a.AttributeValueList {
			if v.ValueID.V > 0 || v.OriginalValueName != "" {
				given[a.AttributeID.V] = true
			}
		}
	}
	err := t.Check(categoryID, func(a sandbox.Attribute) bool { return given[a.ID] }, "brand")
	var missing *sandbox.MissingAttributeError
	switch {
	case errors.Is(err, sandbox.ErrCategoryUnknown):
		return errParam(module, "Invalid category_id: category %d is not found.", categoryID)
	case errors.Is(err, sandbox.ErrCategoryNotLeaf):
		return errParam(module, "Category %d is not a leaf category, please choose a leaf category.", categoryID)
	case errors.As(err, &missing):
		return errParam(module, "Mandatory attribute %s (attribute_id %d) is missing.", missing.Attribute.NameEN, missing.Attribute.ID)
	case err != nil:
		return err
	}
	if t.Mandatory(categoryID, "brand") && brand == nil {
		return errParam(module, "Brand is mandatory for category %d, please fill in brand.", categoryID)
	}
	return nil
}

// storedAttributes are the attribute_list an item was last sent.
func storedAttributes(it sandbox.Item) []attributeValue {
	var out []attributeValue
	if raw, ok := it.Extra["attribute_list"].(json.RawMessage); ok {
		_ = json.Unmarshal(raw, &out)
	}
	return out
}

// storedBrand is the brand an item was last sent, nil for none.
func storedBrand(it sandbox.Item) *brandField {
	raw, ok := it.Extra["brand"].(json.RawMessage)
	if !ok {
		return nil
	}
	var b brandField
	if json.Unmarshal(raw, &b) != nil {
		return nil
	}
	return &b
}
