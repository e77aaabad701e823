package mem

import (
	"context"
	"errors"
	"strconv"

	"ocophub/connectors/driver"
	"ocophub/connectors/sandbox"
)

// Categories is the engine's tree.
func (d *Driver) Categories(ctx context.Context) ([]driver.Category, error) {
	_, cancel, err := d.enter(ctx)
	defer cancel()
	if err != nil {
		return nil, err
	}
	t := d.cfg.Engine.Taxonomy()
	var out []driver.Category
	for _, c := range t.Categories() {
		cat := driver.Category{ID: strconv.FormatInt(c.ID, 10), Name: c.Name, Leaf: !t.HasChildren(c.ID)}
		if c.ParentID != 0 {
			cat.ParentID = strconv.FormatInt(c.ParentID, 10)
		}
		out = append(out, cat)
	}
	return out, nil
}

// CategoryAttributes are the engine's attributes of a category, keyed by
// their neutral names.
func (d *Driver) CategoryAttributes(ctx context.Context, categoryID string) ([]driver.Attribute, error) {
	_, cancel, err := d.enter(ctx)
	defer cancel()
	if err != nil {
		return nil, err
	}
	t := d.cfg.Engine.Taxonomy()
	id, _ := sandbox.ParseID(categoryID)
	if _, ok := t.Category(id); !ok {
		return nil, driver.Errorf(driver.CodeInvalidArgument, "category", "no category %q", categoryID)
	}
	out := []driver.Attribute{}
	for _, a := range t.Attributes(id) {
		attr := driver.Attribute{ID: a.Key, Name: a.Name, Mandatory: a.Mandatory, InputType: driver.InputText, Options: a.Values}
		switch a.Input {
		case "singleSelect":
			attr.InputType = driver.InputSelect
		case "numeric":
			attr.InputType = driver.InputNumber
		}
		if len(a.Units) > 0 {
			attr.Unit = a.Units[0]
		}
		out = append(out, attr)
	}
	return out, nil
}

// checkCategory refuses what the platforms refuse: an unknown or non-leaf
// category, a missing mandatory attribute.
func (d *Driver) checkCategory(l driver.Listing) (int64, error) {
	id, _ := sandbox.ParseID(l.CategoryID)
	err := d.cfg.Engine.Taxonomy().Check(id, func(a sandbox.Attribute) bool {
		return l.Attributes[a.Key] != "" || (a.Key == "brand" && l.Brand != "")
	})
	var missing *sandbox.MissingAttributeError
	switch {
	case errors.Is(err, sandbox.ErrCategoryUnknown), errors.Is(err, sandbox.ErrCategoryNotLeaf):
		return 0, driver.Errorf(driver.CodeInvalidArgument, "category", "category %q: %v", l.CategoryID, err)
	case errors.As(err, &missing):
		return 0, driver.Errorf(driver.CodeInvalidArgument, "attribute", "%v", err)
	}
	return id, err
}
