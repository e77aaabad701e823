package webui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/catalog/store"
)

// ---- catalog list ----

type productListData struct {
	Q, Group, Stars string
	Coop            string // a co-op's id: only its products
	Archived        bool   // the archived products instead
	Groups          []catalog.Group
	Products        []catalog.Product
	Covers          map[int64]string // thumbnail URL of each product's cover
	Next            string
	Error           string
}

func (ui *UI) productList(c *gin.Context) {
	d := productListData{Q: c.Query("q"), Group: c.Query("group"), Stars: c.Query("stars"), Coop: c.Query("coop"),
		Archived: c.Query("archived") == "1", Groups: catalog.Groups}
	q := catalog.ListQuery{Q: d.Q, Cursor: c.Query("cursor"), Limit: 30, Archived: d.Archived}
	q.CoopID, _ = strconv.ParseInt(d.Coop, 10, 64)
	p := ui.newPage(c, "products", "products.title", &d)
	if d.Group != "" {
		q.Group = catalog.Group(d.Group)
	}
	if n, err := strconv.Atoi(d.Stars); err == nil {
		q.Stars = catalog.Stars(n)
	}
	var err error
	d.Products, d.Next, err = ui.d.Store.ListProducts(c.Request.Context(), q)
	if catalog.ErrorCode(err) == catalog.CodeInvalidArgument {
		d.Error = p.T("products.bad_filter")
	} else if err != nil {
		ui.fail(c, err)
		return
	}
	d.Covers = ui.coverURLs(c.Request.Context(), d.Products)
	ui.render(c, http.StatusOK, "products", p)
}

// ---- product page ----

type productData struct {
	Product    catalog.Product
	Coop       catalog.Coop
	CertValid  bool
	Variants   []variantView
	Warehouses []catalog.Warehouse
	Reasons    []catalog.Reason
	Photos     *photosView
	// PhotoError is a refused upload's message (photoUpload).
	PhotoError string
	Adjust     *form
	// Overrides is the channel-content form of listing OverridesFor after
	// a refused save (the other listings' forms show what is stored).
	Overrides    *form
	OverridesFor int64
	// ShopPrices are the price each shop shows, by variant id.
	ShopPrices map[int64][]catalog.ShopPrice
}

type variantView struct {
	Variant   catalog.Variant
	Levels    []levelView
	Available int64
	Listings  []listingView
}

type levelView struct {
	Warehouse string
	Level     catalog.StockLevel
}

type listingView struct {
	Listing  catalog.Listing
	Shop     catalog.Shop
	LastPush *store.PushAudit
	// Error is the channel's error to explain: the publish failure, or
	// the newest audited push when it failed (the worker retries it).
	Error string
	// Overrides is the listing's channel-content form.
	Overrides *form
}

// adjustReasons are the reasons a person may give for a stock change.
var adjustReasons = []catalog.Reason{catalog.ReasonReceived, catalog.ReasonCount, catalog.ReasonDamaged,
	catalog.ReasonReturned, catalog.ReasonOther}

func (ui *UI) productPage(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.showProduct(c, id, http.StatusOK, nil)
}

// showProduct renders the product page, with the stock form's values and
// errors after a failed change.
func (ui *UI) showProduct(c *gin.Context, id int64, status int, adjust *form) {
	ui.showProductWith(c, id, status, productData{Adjust: adjust})
}

// showProductWith renders the product page with d's forms (nil: empty).
func (ui *UI) showProductWith(c *gin.Context, id int64, status int, d productData) {
	ctx := c.Request.Context()
	pr, err := ui.d.Store.Product(ctx, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	d.Product, d.Reasons = pr, adjustReasons
	d.CertValid = pr.Certificate.ValidOn(catalog.DateOf(ui.d.Now().In(vietnam)))
	if d.Adjust == nil {
		d.Adjust = newForm(nil)
	}
	if d.Coop, err = ui.d.Store.Coop(ctx, pr.CoopID); err != nil {
		ui.fail(c, err)
		return
	}
	if d.ShopPrices, err = ui.shopPricesByVariant(ctx, pr.ID); err != nil {
		ui.fail(c, err)
		return
	}
	if d.Warehouses, _, err = ui.d.Store.ListWarehouses(ctx, catalog.ListQuery{CoopID: pr.CoopID, Limit: catalog.MaxLimit}); err != nil {
		ui.fail(c, err)
		return
	}
	names := map[int64]string{}
	for _, w := range d.Warehouses {
		names[w.ID] = w.Name
	}
	shops := map[int64]catalog.Shop{}
	for _, v := range pr.Variants {
		vv := variantView{Variant: v}
		levels, err := ui.d.Store.StockLevels(ctx, v.ID)
		if err != nil {
			ui.fail(c, err)
			return
		}
		for _, l := range levels {
			vv.Levels = append(vv.Levels, levelView{Warehouse: names[l.WarehouseID], Level: l})
			vv.Available += l.Available()
		}
		listings, err := ui.d.Store.ListingsOfVariant(ctx, v.ID)
		if err != nil {
			ui.fail(c, err)
			return
		}
		for _, l := range listings {
			lv, err := ui.listingView(c, l, shops)
			if err != nil {
				ui.fail(c, err)
				return
			}
			if l.ID == d.OverridesFor && d.Overrides != nil {
				lv.Overrides = d.Overrides
			}
			vv.Listings = append(vv.Listings, lv)
		}
		d.Variants = append(d.Variants, vv)
	}
	p := ui.newPage(c, "products", "product.title", &d)
	p.Title = pr.Name.In(p.Lang)
	if d.Photos, err = ui.photos(ctx, p, pr); err != nil {
		ui.fail(c, err)
		return
	}
	d.Photos.Error = d.PhotoError
	ui.render(c, status, "product", p)
}

func (ui *UI) listingView(c *gin.Context, l catalog.Listing, shops map[int64]catalog.Shop) (listingView, error) {
	ctx := c.Request.Context()
	shop, ok := shops[l.ShopID]
	if !ok {
		var err error
		if shop, err = ui.d.Store.Shop(ctx, l.ShopID); err != nil {
			return listingView{}, err
		}
		shops[l.ShopID] = shop
	}
	lv := listingView{Listing: l, Shop: shop, Overrides: overridesForm(l)}
	pushes, err := ui.d.Store.Pushes(ctx, store.PushQuery{ListingIDs: []int64{l.ID}, Limit: 1})
	if err != nil {
		return listingView{}, err
	}
	if len(pushes) == 1 {
		lv.LastPush = &pushes[0]
	}
	switch {
	case l.Status == catalog.ListingError:
		lv.Error = l.Error
	case l.Status == catalog.ListingLive && lv.LastPush != nil && lv.LastPush.Result == "error":
		lv.Error = lv.LastPush.Error
	}
	return lv, nil
}

// stockAdjust applies a counted change to one variant in one warehouse.
func (ui *UI) stockAdjust(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	f, p := ui.postedForm(c, "products", "product.title")
	variantID, _ := strconv.ParseInt(f.Value("variant_id"), 10, 64)
	warehouseID, _ := strconv.ParseInt(f.Value("warehouse_id"), 10, 64)
	delta, err := strconv.ParseInt(strings.TrimSpace(strings.ReplaceAll(f.Value("delta"), "+", "")), 10, 64)
	if err != nil || delta == 0 {
		f.Errors["delta"] = p.T("field.delta")
	}
	if len(f.Errors) == 0 {
		_, err = ui.d.Store.ChangeStock(c.Request.Context(), catalog.StockChange{Op: catalog.OpAdjust, VariantID: variantID,
			WarehouseID: warehouseID, Quantity: delta, Reason: catalog.Reason(f.Value("reason")), Note: f.Value("note"),
			Actor: "web:" + p.User.Name})
		if err == nil {
			ui.d.Wake()
			back(c, fmt.Sprintf("/products/%d", id), "stock_saved")
			return
		}
		if !f.addErrors(p, err) {
			ui.fail(c, err)
			return
		}
	}
	ui.showProduct(c, id, http.StatusUnprocessableEntity, f)
}

// listingPush is "Đẩy lại".
func (ui *UI) listingPush(c *gin.Context) {
	ui.listingCommand(c, ui.d.Commands.PushAgain, "push_queued")
}

func (ui *UI) listingDelist(c *gin.Context) {
	ui.listingCommand(c, ui.d.Commands.Delist, "delist_queued")
}

// pathListing reads the listing the path names; false when the page
// already answered the error.
func (ui *UI) pathListing(c *gin.Context) (catalog.Listing, bool) {
	id, err := pathID(c, "id")
	if err == nil {
		var l catalog.Listing
		if l, err = ui.d.Store.Listing(c.Request.Context(), id); err == nil {
			return l, true
		}
	}
	ui.fail(c, err)
	return catalog.Listing{}, false
}

func (ui *UI) listingCommand(c *gin.Context, run func(ctx context.Context, id int64) (bool, error), ok string) {
	l, found := ui.pathListing(c)
	if !found {
		return
	}
	if _, err := run(c.Request.Context(), l.ID); err != nil {
		ui.fail(c, err)
		return
	}
	back(c, catalog.LocalPath(c.PostForm("back"), fmt.Sprintf("/products/%d", l.ProductID)), ok)
}

// listingOverrides saves a listing's own content on its channel (title,
// price, category, attributes as "id=value" lines); a live listing's item
// is updated on the channel by the worker.
func (ui *UI) listingOverrides(c *gin.Context) {
	l, found := ui.pathListing(c)
	if !found {
		return
	}
	id := l.ID
	f, p := ui.postedForm(c, "products", "product.title")
	var err error
	o := catalog.ListingOverrides{Title: strings.TrimSpace(f.Value("title")), CategoryID: strings.TrimSpace(f.Value("category_id"))}
	if s := strings.TrimSpace(f.Value("price")); s != "" {
		if o.Price, err = catalog.ParseVND(s); err != nil {
			f.Errors["price"] = p.T("field.price")
		}
	}
	o.Attributes, err = parseAttributes(f.Value("attributes"))
	if err != nil {
		f.Errors["attributes"] = p.T("listing.attributes_format")
	}
	version, _ := strconv.ParseInt(f.Value("version"), 10, 64)
	if len(f.Errors) == 0 {
		if _, err = ui.d.Commands.SetListingOverrides(c.Request.Context(), id, version, o); err == nil {
			back(c, fmt.Sprintf("/products/%d#listing-%d", l.ProductID, id), "overrides_saved")
			return
		}
		if f.addErrors(p, err) {
			for name := range f.Errors { // "attributes.<id>" shows beside the attributes box
				if strings.HasPrefix(name, "attributes.") {
					f.Errors["attributes"] = p.T("field.attributes")
				}
			}
		} else {
			f.Message = errorMessage(p, err)
		}
	}
	ui.showProductWith(c, l.ProductID, http.StatusUnprocessableEntity, productData{Overrides: f, OverridesFor: id})
}

// parseAttributes reads one "attribute id=value" per line; blank lines
// are skipped.
func parseAttributes(text string) (map[string]string, error) {
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if k, v = strings.TrimSpace(k), strings.TrimSpace(v); !ok || k == "" || v == "" {
			return nil, fmt.Errorf("attribute line %q is not id=value", line)
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// overridesForm is a listing's content form as stored.
func overridesForm(l catalog.Listing) *form {
	price := ""
	if l.Price > 0 {
		price = strconv.FormatInt(int64(l.Price), 10)
	}
	keys := slices.Sorted(maps.Keys(l.Attributes))
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = k + "=" + l.Attributes[k]
	}
	return newForm(map[string][]string{"title": {l.Title}, "price": {price}, "category_id": {l.CategoryID},
		"attributes": {strings.Join(lines, "\n")}, "version": {strconv.FormatInt(l.Version, 10)}})
}

// ---- forms ----

// form keeps what a person typed and the errors to show beside each
// field, so a refused form comes back with nothing lost.
type form struct {
	values  map[string][]string
	Errors  map[string]string
	Message string
	// openingInputs are the inputs of the opening counts sent to the
	// store, in order: its errors name a count by its place in that list.
	openingInputs []string
}

func newForm(values map[string][]string) *form {
	if values == nil {
		values = map[string][]string{}
	}
	return &form{values: values, Errors: map[string]string{}}
}

// postedForm reads a posted form, and starts the page that will show its
// errors.
func (ui *UI) postedForm(c *gin.Context, nav, titleID string) (*form, *page) {
	_ = c.Request.ParseForm()
	return newForm(c.Request.PostForm), ui.newPage(c, nav, titleID, nil)
}

// Value is the field's typed value.
func (f *form) Value(name string) string {
	if v := f.values[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// field is one input as a template draws it.
type field struct {
	Name, Value, Error string
}

// F is the named field, its value and error.
func (f *form) F(name string) field {
	return field{Name: name, Value: f.Value(name), Error: f.Errors[name]}
}

// date parses a dd/mm/yyyy field; an empty one is the zero date.
func (f *form) date(p *page, name string) catalog.Date {
	s := strings.TrimSpace(f.Value(name))
	if s == "" {
		return catalog.Date{}
	}
	d, err := catalog.ParseDate(s)
	if err != nil {
		f.Errors[name] = p.T("field.date")
	}
	return d
}

// addErrors puts the fields of an invalid_argument (or a stock refusal)
// beside the form's inputs; false when err is of another kind.
func (f *form) addErrors(p *page, err error) bool {
	var ce *catalog.Error
	if !errors.As(err, &ce) {
		return false
	}
	switch ce.Code {
	case catalog.CodeInvalidArgument:
		for name, reason := range ce.Fields {
			f.Errors[name] = fieldMessage(p, name, reason)
		}
		if len(ce.Fields) == 0 {
			f.Message = ce.Message
		}
		return true
	case catalog.CodeInsufficientStock, catalog.CodeFailedPrecondition:
		f.Message = errorMessage(p, err)
		return true
	}
	return false
}

// fieldMessage is the plain-words message of a field the catalog refused
// ("field.variants.price" for "variants[1].price"), else its own reason.
func fieldMessage(p *page, name, reason string) string {
	id := "field." + stripIndexes(name)
	if s := p.T(id); s != id {
		return s
	}
	return reason
}

// stripIndexes turns "variants[1].price" into "variants.price".
func stripIndexes(name string) string {
	var b strings.Builder
	skip := false
	for _, r := range name {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}
