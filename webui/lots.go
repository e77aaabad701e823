package webui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// lotsData is the lots page: a product's lots per variant, with their
// stamps, and the form to receive a new one.
type lotsData struct {
	Product    catalog.Product
	Warehouses []catalog.Warehouse
	Variants   []variantLots
	Form       *form
}

type variantLots struct {
	Variant catalog.Variant
	Lots    []catalog.Lot
}

// lotsPage lists the product's lots and offers to receive one.
func (ui *UI) lotsPage(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.showLots(c, id, http.StatusOK, nil)
}

// showLots renders the lots page; f is a refused form to show again (nil:
// a fresh one with the suggested code and today's date).
func (ui *UI) showLots(c *gin.Context, id int64, status int, f *form) {
	ctx := c.Request.Context()
	pr, err := ui.d.Store.Product(ctx, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	d := &lotsData{Product: pr, Form: f}
	if d.Warehouses, _, err = ui.d.Store.ListWarehouses(ctx, catalog.ListQuery{CoopID: pr.CoopID, Limit: catalog.MaxLimit}); err != nil {
		ui.fail(c, err)
		return
	}
	var taken []string
	for _, v := range pr.Variants {
		lots, err := ui.d.Store.Lots(ctx, v.ID)
		if err != nil {
			ui.fail(c, err)
			return
		}
		for _, l := range lots {
			taken = append(taken, l.Code)
		}
		d.Variants = append(d.Variants, variantLots{Variant: v, Lots: lots})
	}
	if d.Form == nil {
		today := catalog.Today(ui.d.Now())
		d.Form = newForm(map[string][]string{"code": {catalog.SuggestLotCode(today, taken)},
			"produced_on": {today.Vietnamese()}})
	}
	p := ui.newPage(c, "products", "lots.title", d)
	p.Title = p.T("lots.title") + " · " + pr.Name.In(p.Lang)
	ui.render(c, status, "lots", p)
}

// lotReceive receives a lot from the page's form: the whole lot or
// nothing, errors beside the fields with everything typed kept.
func (ui *UI) lotReceive(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	f, p := ui.postedForm(c, "products", "lots.title")
	l := catalog.Lot{Code: f.Value("code"), Notes: f.Value("notes"),
		ProducedOn: f.date(p, "produced_on"), ExpiresOn: f.date(p, "expires_on")}
	l.VariantID, _ = strconv.ParseInt(f.Value("variant_id"), 10, 64)
	l.WarehouseID, _ = strconv.ParseInt(f.Value("warehouse_id"), 10, 64)
	l.ShelfLifeDays = f.whole(p, "shelf_life_days")
	l.Quantity = int64(f.whole(p, "quantity"))
	if len(f.Errors) == 0 {
		err := ui.d.Store.ReceiveLot(c.Request.Context(), &l)
		if err == nil {
			ui.d.Wake()
			back(c, fmt.Sprintf("/products/%d/lots", id), "lot_received")
			return
		}
		var ce *catalog.Error
		if !errors.As(err, &ce) || ce.Code != catalog.CodeInvalidArgument && ce.Code != catalog.CodeConflict {
			ui.fail(c, err)
			return
		}
		for name, reason := range ce.Fields {
			f.Errors[name] = lotFieldMessage(p, name, reason)
		}
		if len(ce.Fields) == 0 {
			f.Message = errorMessage(p, err)
		}
	}
	ui.showLots(c, id, http.StatusUnprocessableEntity, f)
}

// lotFieldMessage is the plain-words message of a lot field the store
// refused ("field.lot.code"), else the store's own reason.
func lotFieldMessage(p *page, name, reason string) string {
	if strings.Contains(reason, "already has a lot") {
		return p.T("field.lot.code_taken")
	}
	id := "field.lot." + name
	if s := p.T(id); s != id {
		return s
	}
	return reason
}
