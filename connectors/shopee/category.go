package shopee

import (
	"context"
	"net/url"
	"strconv"

	"ocophub/connectors/driver"
)

const (
	pathGetCategory   = "/api/v2/product/get_category"
	pathAttributeTree = "/api/v2/product/get_attribute_tree"
	pathBrandList     = "/api/v2/product/get_brand_list"
)

// Categories is v2.product.get_category in Vietnamese (language=vi): one
// call returns the whole tree.
func (d *Driver) Categories(ctx context.Context) ([]driver.Category, error) {
	var out struct {
		CategoryList []struct {
			CategoryID           int64  `json:"category_id"`
			ParentCategoryID     int64  `json:"parent_category_id"`
			OriginalCategoryName string `json:"original_category_name"`
			DisplayCategoryName  string `json:"display_category_name"`
			HasChildren          bool   `json:"has_children"`
		} `json:"category_list"`
	}
	if err := d.send(ctx, get(pathGetCategory, url.Values{"language": {"vi"}}), &out); err != nil {
		return nil, err
	}
	cats := make([]driver.Category, 0, len(out.CategoryList))
	for _, c := range out.CategoryList {
		name := c.DisplayCategoryName
		if name == "" {
			name = c.OriginalCategoryName
		}
		cat := driver.Category{ID: strconv.FormatInt(c.CategoryID, 10), Name: name, Leaf: !c.HasChildren}
		if c.ParentCategoryID != 0 {
			cat.ParentID = strconv.FormatInt(c.ParentCategoryID, 10)
		}
		cats = append(cats, cat)
	}
	return cats, nil
}

// CategoryAttributes is v2.product.get_attribute_tree for one category
// plus v2.product.get_brand_list, whose is_mandatory says whether the
// category needs a brand: Shopee keeps brands apart from attributes, the
// hub shows it as the attribute "brand" (sent as add_item's brand).
func (d *Driver) CategoryAttributes(ctx context.Context, categoryID string) ([]driver.Attribute, error) {
	id, err := d.category(categoryID)
	if err != nil {
		return nil, err
	}
	var tree struct {
		List []struct {
			AttributeTree []struct {
				AttributeID        int64  `json:"attribute_id"`
				Mandatory          bool   `json:"mandatory"`
				Name               string `json:"name"`
				MultiLang          []lang `json:"multi_lang"`
				AttributeValueList []struct {
					Name      string `json:"name"`
					MultiLang []lang `json:"multi_lang"`
				} `json:"attribute_value_list"`
				AttributeInfo struct {
					InputType           int      `json:"input_type"`
					InputValidationType int      `json:"input_validation_type"`
					AttributeUnitList   []string `json:"attribute_unit_list"`
				} `json:"attribute_info"`
			} `json:"attribute_tree"`
		} `json:"list"`
	}
	q := url.Values{"category_id_list": {strconv.FormatInt(id, 10)}, "language": {"vi"}}
	if err := d.send(ctx, get(pathAttributeTree, q), &tree); err != nil {
		return nil, err
	}
	var brands struct {
		IsMandatory bool `json:"is_mandatory"`
		BrandList   []struct {
			OriginalBrandName string `json:"original_brand_name"`
		} `json:"brand_list"`
	}
	bq := url.Values{"category_id": {strconv.FormatInt(id, 10)}, "status": {"1"}, "offset": {"0"}, "page_size": {"100"}}
	if err := d.send(ctx, get(pathBrandList, bq), &brands); err != nil {
		return nil, err
	}
	brand := driver.Attribute{ID: brandAttribute, Name: "Thương hiệu", Mandatory: brands.IsMandatory, InputType: driver.InputSelect}
	for _, b := range brands.BrandList {
		brand.Options = append(brand.Options, b.OriginalBrandName)
	}
	out := []driver.Attribute{brand}
	for _, e := range tree.List {
		for _, a := range e.AttributeTree {
			attr := driver.Attribute{ID: strconv.FormatInt(a.AttributeID, 10), Name: vietnamese(a.Name, a.MultiLang),
				Mandatory: a.Mandatory, InputType: driver.InputText}
			switch a.AttributeInfo.InputType {
			case 1, 2, 4, 5: // drop-downs and combo boxes
				attr.InputType = driver.InputSelect
			default:
				if v := a.AttributeInfo.InputValidationType; v == 1 || v == 3 { // INT, FLOAT
					attr.InputType = driver.InputNumber
				}
			}
			if len(a.AttributeInfo.AttributeUnitList) > 0 {
				attr.Unit = a.AttributeInfo.AttributeUnitList[0]
			}
			for _, v := range a.AttributeValueList {
				attr.Options = append(attr.Options, vietnamese(v.Name, v.MultiLang))
			}
			out = append(out, attr)
		}
	}
	return out, nil
}

// brandAttribute is the hub's key for Shopee's brand.
const brandAttribute = "brand"

// lang is one entry of a multi_lang list.
type lang struct {
	Language string `json:"language"`
	Value    string `json:"value"`
}

// vietnamese is the "vi" entry of a multi_lang list, else the name.
func vietnamese(name string, multi []lang) string {
	for _, l := range multi {
		if l.Language == "vi" && l.Value != "" {
			return l.Value
		}
	}
	return name
}
