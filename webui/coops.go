package webui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// coopsData is the alliance's view across its co-ops: which sell online,
// and how much, as far as the person's role and the co-ops' consent let
// them see.
type coopsData struct {
	Coops []coopRow
	// Shops and Sales say whether the role may see shops and orders.
	Shops, Sales bool
	Online       int
}

type coopRow struct {
	Coop      catalog.Coop
	Products  int
	More      bool // more products than counted
	Connected int
	Platforms []catalog.Platform
	Orders    int
	Revenue   catalog.VND
}

// productsCounted is how many products per co-op the page counts.
const productsCounted = catalog.MaxLimit

func (ui *UI) coopsPage(c *gin.Context) {
	ctx := c.Request.Context()
	role := principal(c).Role
	d := &coopsData{Shops: role.Can(catalog.PermShopsRead), Sales: role.Can(catalog.PermOrdersRead)}
	coops, _, err := ui.d.Store.ListCoops(ctx, catalog.ListQuery{Limit: catalog.MaxLimit})
	if err != nil {
		ui.fail(c, err)
		return
	}
	byCoop := map[int64]*coopRow{}
	for _, co := range coops {
		products, next, err := ui.d.Store.ListProducts(ctx, catalog.ListQuery{CoopID: co.ID, Limit: productsCounted})
		if err != nil {
			ui.fail(c, err)
			return
		}
		d.Coops = append(d.Coops, coopRow{Coop: co, Products: len(products), More: next != ""})
	}
	for i := range d.Coops {
		byCoop[d.Coops[i].Coop.ID] = &d.Coops[i]
	}
	if d.Shops {
		shops, err := allShops(c, ui.d.Store)
		if err != nil {
			ui.fail(c, err)
			return
		}
		for _, s := range shops {
			if r := byCoop[s.CoopID]; r != nil && s.Connected {
				r.Connected++
				r.Platforms = append(r.Platforms, s.Platform)
			}
		}
		for _, r := range d.Coops {
			if r.Connected > 0 {
				d.Online++
			}
		}
	}
	if d.Sales {
		sales, err := ui.d.Store.DailySales(ctx, ui.d.Now().AddDate(0, 0, -chartDays), chartDays+1)
		if err != nil {
			ui.fail(c, err)
			return
		}
		for _, ds := range sales.Days {
			if r := byCoop[ds.CoopID]; r != nil {
				r.Orders += ds.Orders
				r.Revenue += ds.Revenue
			}
		}
	}
	ui.render(c, http.StatusOK, "coops", ui.newPage(c, "coops", "coops.title", d))
}
