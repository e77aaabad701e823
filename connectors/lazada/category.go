package lazada

import (
	"context"
	"encoding/json"

	"ocophub/connectors/driver"
)

// vietnamese asks Lazada for Vietnamese names.
const vietnamese = "vi_VN"

// Categories is GET /category/tree/get (language_code=vi_VN), the nested
// tree flattened parents first.
func (d *Driver) Categories(ctx context.Context) ([]driver.Category, error) {
	type node struct {
		CategoryID scalar          `json:"category_id"`
		Name       string          `json:"name"`
		Leaf       bool            `json:"leaf"`
		Children   json.RawMessage `json:"children"`
	}
	var roots []node
	if _, err := d.call(ctx, get("/category/tree/get", map[string]string{"language_code": vietnamese}), &roots); err != nil {
		return nil, err
	}
	var out []driver.Category
	var walk func(parent string, nodes []node) error
	walk = func(parent string, nodes []node) error {
		for _, n := range nodes {
			out = append(out, driver.Category{ID: n.CategoryID.String(), ParentID: parent, Name: n.Name, Leaf: n.Leaf})
			if len(n.Children) > 0 && string(n.Children) != "null" {
				var kids []node
				if err := json.Unmarshal(n.Children, &kids); err != nil {
					return &driver.Error{Code: driver.CodeInternal, Message: "/category/tree/get: " + err.Error()}
				}
				if err := walk(n.CategoryID.String(), kids); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, walk("", roots)
}

// CategoryAttributes is GET /category/attributes/get for one primary
// category. name and description are left out: the driver fills them from
// the listing's title and description.
func (d *Driver) CategoryAttributes(ctx context.Context, categoryID string) ([]driver.Attribute, error) {
	if categoryID == "" {
		return nil, &driver.Error{Code: driver.CodeInvalidArgument, Message: "no category id"}
	}
	var attrs []struct {
		Name        string `json:"name"`
		Label       string `json:"label"`
		IsMandatory scalar `json:"is_mandatory"`
		IsSaleProp  scalar `json:"is_sale_prop"`
		InputType   string `json:"input_type"`
		Options     []struct {
			Name string `json:"name"`
		} `json:"options"`
	}
	q := map[string]string{"primary_category_id": categoryID, "language_code": vietnamese}
	if _, err := d.call(ctx, get("/category/attributes/get", q), &attrs); err != nil {
		return nil, err
	}
	out := []driver.Attribute{}
	for _, a := range attrs {
		if a.Name == "name" || a.Name == "description" || a.IsSaleProp.String() == "1" {
			continue
		}
		attr := driver.Attribute{ID: a.Name, Name: a.Label, Mandatory: a.IsMandatory.String() == "1", InputType: driver.InputText}
		switch a.InputType {
		case "singleSelect", "multiSelect", "enumInput", "multiEnumInput":
			attr.InputType = driver.InputSelect
		case "numeric":
			attr.InputType = driver.InputNumber
		}
		for _, o := range a.Options {
			attr.Options = append(attr.Options, o.Name)
		}
		out = append(out, attr)
	}
	return out, nil
}
