package webui

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// The product editor: "Thêm sản phẩm" (/products/new) and "Sửa sản phẩm"
// (/products/:id/edit) are one form. Its inputs are named by the catalog's
// own field paths ("variants[1].gtin13"), so every error the catalog finds
// lands beside its input; a refused form comes back with everything typed.
// Variants are rows: "Thêm loại hàng" and "Bỏ loại này" post the form and
// get it back with a row more or less, so it works without JavaScript on
// any phone.

// editorData is what the editor template draws.
type editorData struct {
	Product    catalog.Product // the stored product; zero when creating
	New        bool
	Form       *form
	Groups     []catalog.Group
	Coops      []catalog.Coop      // creating, for someone who sees several
	Warehouses []catalog.Warehouse // creating: an opening count per warehouse
	Rows       []editorRow
}

// editorRow is one variant row of the form.
type editorRow struct {
	Index int
	// Stored is the variant's SKU once saved: fixed from then on, since
	// shops know the variant by it.
	Stored catalog.SKU
	// SuggestedSKU fills an empty SKU on save (catalog.SuggestSKU).
	SuggestedSKU catalog.SKU
}

// variantFields are a variant's inputs after "variants[i].".
var variantFields = []string{"id", "sku", "name.vi", "name.en", "gtin13", "net_weight_g", "price",
	"package.length_mm", "package.width_mm", "package.height_mm", "package.weight_g"}

func (ui *UI) productNew(c *gin.Context) {
	values := map[string][]string{"stars": {"4"}, "variant_count": {"1"}}
	ui.renderEditor(c, http.StatusOK, catalog.Product{}, newForm(values))
}

func (ui *UI) productEdit(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	pr, err := ui.d.Store.Product(c.Request.Context(), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.renderEditor(c, http.StatusOK, pr, newForm(productValues(pr)))
}

// renderEditor draws the editor for pr (zero: a new product).
func (ui *UI) renderEditor(c *gin.Context, status int, pr catalog.Product, f *form) {
	ctx := c.Request.Context()
	d := &editorData{Product: pr, New: pr.ID == 0, Form: f, Groups: catalog.Groups}
	titleID := "edit.title"
	if d.New {
		titleID = "edit.new_title"
		var err error
		if d.Coops, _, err = ui.d.Store.ListCoops(ctx, catalog.ListQuery{Limit: catalog.MaxLimit}); err != nil {
			ui.fail(c, err)
			return
		}
		if len(d.Coops) == 1 && f.Value("coop_id") == "" {
			f.values["coop_id"] = []string{strconv.FormatInt(d.Coops[0].ID, 10)}
		}
		if coopID, _ := strconv.ParseInt(f.Value("coop_id"), 10, 64); coopID > 0 {
			if d.Warehouses, _, err = ui.d.Store.ListWarehouses(ctx, catalog.ListQuery{CoopID: coopID, Limit: catalog.MaxLimit}); err != nil {
				ui.fail(c, err)
				return
			}
		}
	}
	n, _ := strconv.Atoi(f.Value("variant_count"))
	n = min(max(n, 1), maxEditorRows)
	f.values["variant_count"] = []string{strconv.Itoa(n)}
	for i := range n {
		code := pr.Code
		if d.New {
			code = f.Value("code")
		}
		row := editorRow{Index: i, SuggestedSKU: catalog.SuggestSKU(code, i+1)}
		if id, _ := strconv.ParseInt(f.Value(fmt.Sprintf("variants[%d].id", i)), 10, 64); id > 0 {
			for _, v := range pr.Variants {
				if v.ID == id {
					row.Stored = v.SKU
				}
			}
		}
		d.Rows = append(d.Rows, row)
	}
	p := ui.newPage(c, "products", titleID, d)
	ui.render(c, status, "product_form", p)
}

// maxEditorRows bounds the variant rows of one form.
const maxEditorRows = 50

// productValues are a product's fields as the editor names them.
func productValues(pr catalog.Product) map[string][]string {
	v := map[string][]string{
		"version":                  {strconv.FormatInt(pr.Version, 10)},
		"code":                     {pr.Code},
		"name.vi":                  {pr.Name.VI},
		"name.en":                  {pr.Name.EN},
		"description.vi":           {pr.Description.VI},
		"description.en":           {pr.Description.EN},
		"group":                    {string(pr.Group)},
		"stars":                    {strconv.Itoa(int(pr.Stars))},
		"certificate.number":       {pr.Certificate.Number},
		"certificate.certified_on": {pr.Certificate.CertifiedOn.Vietnamese()},
		"certificate.expires_on":   {pr.Certificate.ExpiresOn.Vietnamese()},
		"origin.province":          {pr.Origin.Province},
		"origin.commune":           {pr.Origin.Commune},
		"variant_count":            {strconv.Itoa(len(pr.Variants))},
	}
	number := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	for i, vr := range pr.Variants {
		pre := fmt.Sprintf("variants[%d].", i)
		v[pre+"id"] = []string{strconv.FormatInt(vr.ID, 10)}
		v[pre+"sku"] = []string{string(vr.SKU)}
		v[pre+"name.vi"] = []string{vr.Name.VI}
		v[pre+"name.en"] = []string{vr.Name.EN}
		v[pre+"price"] = []string{strings.TrimSuffix(vr.Price.String(), " ₫")}
		v[pre+"gtin13"] = []string{string(vr.GTIN)}
		v[pre+"net_weight_g"] = []string{number(vr.NetWeightG)}
		v[pre+"package.length_mm"] = []string{number(vr.Package.LengthMM)}
		v[pre+"package.width_mm"] = []string{number(vr.Package.WidthMM)}
		v[pre+"package.height_mm"] = []string{number(vr.Package.HeightMM)}
		v[pre+"package.weight_g"] = []string{number(vr.Package.WeightG)}
	}
	return v
}

// productCreate saves a new product with its opening stock; "Thêm loại
// hàng" and "Bỏ loại này" only redraw the form.
func (ui *UI) productCreate(c *gin.Context) {
	f, p := ui.postedForm(c, "products", "edit.new_title")
	if resized(f) {
		ui.renderEditor(c, http.StatusOK, catalog.Product{}, f)
		return
	}
	pr := catalog.Product{Code: strings.TrimSpace(f.Value("code"))}
	if pr.CoopID, _ = strconv.ParseInt(f.Value("coop_id"), 10, 64); pr.CoopID <= 0 {
		f.Errors["coop_id"] = p.T("field.coop_id")
	}
	opening := readProduct(f, p, &pr)
	if len(f.Errors) == 0 {
		err := ui.d.Store.CreateProduct(c.Request.Context(), &pr, opening...)
		if err == nil {
			ui.d.Wake()
			back(c, fmt.Sprintf("/products/%d#photos", pr.ID), "product_created")
			return
		}
		if !ui.formError(c, f, p, err, true) {
			return
		}
	}
	if f.Message == "" {
		f.Message = p.T("form.has_errors")
	}
	ui.renderEditor(c, http.StatusUnprocessableEntity, catalog.Product{}, f)
}

// productSave applies the form to the stored product.
func (ui *UI) productSave(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	pr, err := ui.d.Store.Product(ctx, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	f, p := ui.postedForm(c, "products", "edit.title")
	if resized(f) {
		ui.renderEditor(c, http.StatusOK, pr, f)
		return
	}
	edited := catalog.Product{ID: pr.ID, CoopID: pr.CoopID, Code: pr.Code}
	edited.Version, _ = strconv.ParseInt(f.Value("version"), 10, 64)
	readProduct(f, p, &edited)
	for i, v := range edited.Variants { // a saved variant keeps its SKU
		for _, old := range pr.Variants {
			if v.ID != 0 && v.ID == old.ID {
				edited.Variants[i].SKU = old.SKU
			}
		}
	}
	if len(f.Errors) == 0 {
		err = ui.d.Store.UpdateProduct(ctx, &edited)
		if err == nil {
			ui.d.Wake()
			back(c, fmt.Sprintf("/products/%d", id), "product_saved")
			return
		}
		if !ui.formError(c, f, p, err, false) {
			return
		}
	}
	if f.Message == "" {
		f.Message = p.T("form.has_errors")
	}
	ui.renderEditor(c, http.StatusUnprocessableEntity, pr, f)
}

// formError puts a refused save's errors on the form; false when it has
// already answered with an error page. A conflict is the product code
// taken when creating, someone else's save in between when editing.
func (ui *UI) formError(c *gin.Context, f *form, p *page, err error, creating bool) bool {
	var ce *catalog.Error
	errors.As(err, &ce)
	switch code := catalog.ErrorCode(err); {
	case code == catalog.CodeConflict && ce != nil && len(ce.Fields) > 0: // a SKU or barcode another product has
		for name, reason := range ce.Fields {
			f.Errors[name] = fieldMessage(p, name+"_taken", reason)
		}
	case code == catalog.CodeConflict && creating:
		f.Errors["code"] = p.T("field.code_taken")
	case code == catalog.CodeConflict:
		f.Message = p.T("edit.conflict")
	case code == catalog.CodePermissionDenied: // staff changing more than prices
		f.Message = p.T("edit.prices_only")
	case !f.addErrors(p, err):
		ui.fail(c, err)
		return false
	}
	for name := range f.Errors { // the store names a count by its place in the list: back to its input
		var i int
		if _, err := fmt.Sscanf(name, "opening_stock[%d]", &i); err == nil {
			delete(f.Errors, name)
			if i >= 0 && i < len(f.openingInputs) {
				f.Errors[f.openingInputs[i]] = p.T("field.opening_warehouse")
			}
		}
	}
	return true
}

// resized handles "Thêm loại hàng" (add_variant) and "Bỏ loại này"
// (remove_variant=i): the rows change, nothing else, and the form is
// drawn again. False for a save.
func resized(f *form) bool {
	n, _ := strconv.Atoi(f.Value("variant_count"))
	switch {
	case f.Value("add_variant") != "":
		f.values["variant_count"] = []string{strconv.Itoa(min(n+1, maxEditorRows))}
		return true
	case f.Value("remove_variant") != "":
		i, err := strconv.Atoi(f.Value("remove_variant"))
		if err != nil || i < 0 || i >= n || n == 1 {
			return true
		}
		for j := i; j < n-1; j++ { // shift the rows after i up by one
			for name, vals := range f.values {
				if rest, ok := strings.CutPrefix(name, fmt.Sprintf("variants[%d].", j+1)); ok {
					f.values[fmt.Sprintf("variants[%d].", j)+rest] = vals
				}
			}
		}
		for name := range f.values {
			if strings.HasPrefix(name, fmt.Sprintf("variants[%d].", n-1)) {
				delete(f.values, name)
			}
		}
		f.values["variant_count"] = []string{strconv.Itoa(n - 1)}
		return true
	}
	return false
}

// readProduct reads the form into pr and returns the opening counts of a
// new product's variants ("variants[i].opening.<warehouse id>"). A value
// that does not parse gets its message beside the field.
func readProduct(f *form, p *page, pr *catalog.Product) []catalog.OpeningStock {
	pr.Name = catalog.Text{VI: f.Value("name.vi"), EN: f.Value("name.en")}
	pr.Description = catalog.Text{VI: f.Value("description.vi"), EN: f.Value("description.en")}
	pr.Group = catalog.Group(f.Value("group"))
	if n, err := strconv.Atoi(strings.TrimSpace(f.Value("stars"))); err == nil {
		pr.Stars = catalog.Stars(n)
	} else {
		f.Errors["stars"] = p.T("field.stars")
	}
	pr.Certificate.Number = f.Value("certificate.number")
	pr.Certificate.CertifiedOn = f.date(p, "certificate.certified_on")
	pr.Certificate.ExpiresOn = f.date(p, "certificate.expires_on")
	pr.Origin = catalog.Origin{Province: f.Value("origin.province"), Commune: f.Value("origin.commune")}
	n, _ := strconv.Atoi(f.Value("variant_count"))
	n = min(max(n, 1), maxEditorRows)
	var opening []catalog.OpeningStock
	for i := range n {
		pre := fmt.Sprintf("variants[%d].", i)
		v := catalog.Variant{Name: catalog.Text{VI: f.Value(pre + "name.vi"), EN: f.Value(pre + "name.en")},
			SKU: catalog.SKU(strings.TrimSpace(f.Value(pre + "sku"))), GTIN: catalog.GTIN(strings.TrimSpace(f.Value(pre + "gtin13")))}
		v.ID, _ = strconv.ParseInt(f.Value(pre+"id"), 10, 64)
		if v.SKU == "" && v.ID == 0 {
			v.SKU = catalog.SuggestSKU(pr.Code, i+1)
			f.values[pre+"sku"] = []string{string(v.SKU)}
		}
		if price, err := catalog.ParseVND(f.Value(pre + "price")); err == nil {
			v.Price = price
		} else {
			f.Errors[pre+"price"] = p.T("field.variants.price")
		}
		for name, dst := range map[string]*int{"net_weight_g": &v.NetWeightG, "package.length_mm": &v.Package.LengthMM,
			"package.width_mm": &v.Package.WidthMM, "package.height_mm": &v.Package.HeightMM, "package.weight_g": &v.Package.WeightG} {
			*dst = f.whole(p, pre+name)
		}
		for _, name := range slices.Sorted(maps.Keys(f.values)) {
			rest, ok := strings.CutPrefix(name, pre+"opening.")
			if !ok || strings.TrimSpace(f.Value(name)) == "" {
				continue
			}
			warehouseID, _ := strconv.ParseInt(rest, 10, 64)
			if q := f.whole(p, name); q > 0 {
				opening = append(opening, catalog.OpeningStock{SKU: catalog.SKU(strings.ToUpper(string(v.SKU))), WarehouseID: warehouseID, Quantity: int64(q)})
				f.openingInputs = append(f.openingInputs, name)
			}
		}
		pr.Variants = append(pr.Variants, v)
	}
	return opening
}

// whole parses a field of whole non-negative numbers; empty is 0.
func (f *form) whole(p *page, name string) int {
	s := strings.TrimSpace(strings.ReplaceAll(f.Value(name), ".", ""))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		f.Errors[name] = p.T("field.whole_number")
	}
	return n
}

// productArchive archives (or, with restore, restores) the product.
func (ui *UI) productArchive(archived bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		if err != nil {
			ui.fail(c, err)
			return
		}
		version, _ := strconv.ParseInt(c.PostForm("version"), 10, 64)
		if _, err := ui.d.Store.ArchiveProduct(c.Request.Context(), id, version, archived); err != nil {
			ui.fail(c, err)
			return
		}
		ui.d.Wake()
		ok := "product_restored"
		if archived {
			ok = "product_archived"
		}
		back(c, fmt.Sprintf("/products/%d", id), ok)
	}
}
