package webui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/worker/ops"
)

// categoriesData is the page where a manager picks each platform's
// category for a product and fills its attributes.
type categoriesData struct {
	Product   catalog.Product
	Platforms []*platformCategories
}

// platformCategories is one platform's card: what a publish would use
// now (the suggestion until the manager confirms), a search, and the form
// of the category being edited with its attributes.
type platformCategories struct {
	ops.ProductPlacement
	Query    string
	Searched bool
	Results  []catalog.Category
	// Editing is the category whose attributes the form shows (the
	// placement's, one picked from the results, or the one posted).
	Editing catalog.Category
	Attrs   []catalog.Attribute
	Form    *form
}

// attrField is the form name of an attribute's input.
func attrField(id string) string { return "attr." + id }

// productCategories shows the page. ?platform=P&q=… searches P's
// categories; ?platform=P&category=ID edits another category of P.
func (ui *UI) productCategories(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.showCategories(c, id, http.StatusOK, "", nil)
}

// showCategories renders the page; posted is the refused form of one
// platform, shown with its errors and everything typed.
func (ui *UI) showCategories(c *gin.Context, productID int64, status int, postedFor catalog.Platform, posted *form) {
	ctx := c.Request.Context()
	pr, err := ui.d.Store.Product(ctx, productID)
	if err != nil {
		ui.fail(c, err)
		return
	}
	placements, err := ui.d.Commands.ProductPlacements(ctx, productID)
	if err != nil {
		ui.fail(c, err)
		return
	}
	data := &categoriesData{Product: pr}
	p := ui.newPage(c, "products", "categories.title", data)
	for _, pl := range placements {
		pc := &platformCategories{ProductPlacement: pl, Editing: pl.Category, Attrs: pl.Attributes}
		values := map[string][]string{"category_id": {pl.Category.ID}, "version": {"0"}}
		if pl.Choice != nil {
			values["version"] = []string{strconv.FormatInt(pl.Choice.Version, 10)}
		}
		for k, v := range pl.Values {
			values[attrField(k)] = []string{v}
		}
		pc.Form = newForm(values)
		mine := c.Query("platform") == string(pl.Platform)
		if mine && c.Query("q") != "" {
			pc.Query, pc.Searched = c.Query("q"), true
			if pc.Results, err = ui.d.Commands.SearchCategories(ctx, pl.ShopID, pc.Query); err != nil {
				pc.Form.Message = errorMessage(p, err)
			}
		}
		pick := ""
		switch {
		case postedFor == pl.Platform:
			pc.Form, pick = posted, posted.Value("category_id")
		case mine && c.Query("category") != "":
			pick = c.Query("category")
		}
		if pick != "" && pick != pl.Category.ID {
			if err := ui.editOther(c, pr, pc, pick, postedFor == pl.Platform); err != nil {
				pc.Form.Message = errorMessage(p, err)
			}
		}
		data.Platforms = append(data.Platforms, pc)
	}
	ui.render(c, status, "categories", p)
}

// editOther points a platform's form at another category: its path, its
// attributes, and (unless the form was posted) the values the hub knows.
func (ui *UI) editOther(c *gin.Context, pr catalog.Product, pc *platformCategories, categoryID string, posted bool) error {
	ctx := c.Request.Context()
	leaves, err := ui.d.Commands.SearchCategories(ctx, pc.ShopID, "")
	if err != nil {
		return err
	}
	pc.Editing = catalog.Category{ID: categoryID, Name: categoryID}
	for _, l := range leaves {
		if l.ID == categoryID {
			pc.Editing = l
		}
	}
	if pc.Attrs, err = ui.d.Commands.CategoryAttributes(ctx, pc.ShopID, categoryID); err != nil {
		return err
	}
	if !posted {
		coop, err := ui.d.Store.Coop(ctx, pr.CoopID)
		if err != nil {
			return err
		}
		values := map[string][]string{"category_id": {categoryID}, "version": {pc.Form.Value("version")}}
		for k, v := range catalog.KnownAttributeValues(pc.Attrs, pr, coop) {
			values[attrField(k)] = []string{v}
		}
		pc.Form = newForm(values)
	}
	return nil
}

// saveProductCategory confirms a platform's category with its attribute
// values. A refusal comes back beside each field, in Vietnamese, with
// everything typed kept.
func (ui *UI) saveProductCategory(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	platform, err := catalog.ParsePlatform(c.Param("platform"))
	if err != nil {
		ui.fail(c, catalog.Errorf(catalog.CodeNotFound, "no such page"))
		return
	}
	f, p := ui.postedForm(c, "products", "categories.title")
	choice := catalog.CategoryChoice{ProductID: id, Platform: platform, CategoryID: strings.TrimSpace(f.Value("category_id")),
		Attributes: map[string]string{}}
	choice.Version, _ = strconv.ParseInt(f.Value("version"), 10, 64)
	for name, v := range f.values {
		if k, ok := strings.CutPrefix(name, "attr."); ok && len(v) > 0 && strings.TrimSpace(v[0]) != "" {
			choice.Attributes[k] = v[0]
		}
	}
	if _, err = ui.d.Commands.SetProductCategory(c.Request.Context(), &choice); err == nil {
		back(c, fmt.Sprintf("/products/%d/categories#platform-%s", id, platform), "categories_saved")
		return
	}
	if f.addErrors(p, err) {
		for name := range f.Errors {
			if k, ok := strings.CutPrefix(name, "attributes."); ok {
				delete(f.Errors, name)
				f.Errors[attrField(k)] = p.T("field.attribute_required")
			}
		}
		if _, ok := f.Errors["category_id"]; ok {
			f.Errors["category_id"] = p.T("field.category_leaf")
		}
	} else {
		f.Message = errorMessage(p, err)
	}
	ui.showCategories(c, id, http.StatusUnprocessableEntity, platform, f)
}
