package webui

import (
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/catalog/store"
)

// channelDay is one channel's orders on one day.
type channelDay struct {
	Platform catalog.Platform
	Orders   int
	Revenue  catalog.VND
}

// shopHealth is a shop with its light.
type shopHealth struct {
	Shop  catalog.Shop
	Light Light
}

type dashboardData struct {
	Today     []channelDay
	TodayAll  channelDay
	Alerts    []store.LowStock
	AlertAt   int64
	Shops     []shopHealth
	Chart     salesChart
	OpenOrder int
	// Certificates are the OCOP certificates expired or ending within 90
	// days, soonest first.
	Certificates []certificateWarning
	// Sales and Health say whether the person may see orders and shops.
	Sales, Health bool
}

// certificateWarning is a product whose OCOP certificate needs renewing:
// Level is the warning reached (90, 30, 7 days), Expired once it ended (its
// stars are withdrawn everywhere).
type certificateWarning struct {
	Product  catalog.Product
	DaysLeft int
	Level    int
	Expired  bool
}

// chartDays is how far back the sales chart goes.
const chartDays = 30

func (ui *UI) dashboard(c *gin.Context) {
	ctx := c.Request.Context()
	role := principal(c).Role
	now := ui.d.Now().In(vietnam)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, vietnam)
	from := today.AddDate(0, 0, -(chartDays - 1))
	var sales store.Sales
	var err error
	if role.Can(catalog.PermOrdersRead) {
		if sales, err = ui.d.Store.DailySales(ctx, from, chartDays); err != nil {
			ui.fail(c, err)
			return
		}
	}
	d := dashboardData{AlertAt: ui.d.StockAlertAt, Sales: role.Can(catalog.PermOrdersRead), Health: role.Can(catalog.PermShopsRead),
		OpenOrder: sales.Open}
	byPlatform := map[catalog.Platform]*channelDay{}
	for _, ds := range sales.Days {
		if ds.Day != chartDays-1 {
			continue
		}
		cd := byPlatform[ds.Platform]
		if cd == nil {
			cd = &channelDay{Platform: ds.Platform}
			byPlatform[ds.Platform] = cd
		}
		cd.Orders += ds.Orders
		cd.Revenue += ds.Revenue
		d.TodayAll.Orders += ds.Orders
		d.TodayAll.Revenue += ds.Revenue
	}
	for _, cd := range byPlatform {
		d.Today = append(d.Today, *cd)
	}
	sort.Slice(d.Today, func(i, j int) bool { return d.Today[i].Platform < d.Today[j].Platform })
	d.Chart = newSalesChart(sales.Days, from, chartDays)
	if role.Can(catalog.PermCatalogRead) {
		day := catalog.Today(now)
		expiring, err := ui.d.Store.ExpiringCertificates(ctx, day, 20)
		if err != nil {
			ui.fail(c, err)
			return
		}
		for _, p := range expiring {
			d.Certificates = append(d.Certificates, certificateWarning{Product: p, DaysLeft: day.DaysUntil(p.Certificate.ExpiresOn),
				Level: p.Certificate.Warning(day), Expired: p.Certificate.Expired(day)})
		}
	}
	if d.Alerts, err = ui.d.Store.LowStocks(ctx, ui.d.StockAlertAt, 10); err != nil {
		ui.fail(c, err)
		return
	}
	if d.Health {
		if d.Shops, err = ui.shopHealths(c); err != nil {
			ui.fail(c, err)
			return
		}
	}
	ui.render(c, http.StatusOK, "dashboard", ui.newPage(c, "dashboard", "dashboard.title", d))
}

// shopHealths lists every shop in scope with its light.
func (ui *UI) shopHealths(c *gin.Context) ([]shopHealth, error) {
	ctx := c.Request.Context()
	shops, err := allShops(c, ui.d.Store)
	if err != nil {
		return nil, err
	}
	syncs, err := ui.d.Store.ShopSyncs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]shopHealth, len(shops))
	for i, s := range shops {
		out[i] = shopHealth{Shop: s, Light: shopLight(s, syncs[s.ID], ui.d.Now())}
	}
	return out, nil
}

// allShops reads every shop in scope (a co-op has a handful).
func allShops(c *gin.Context, st Store) ([]catalog.Shop, error) {
	var out []catalog.Shop
	q := catalog.ListQuery{Limit: catalog.MaxLimit}
	for {
		page, next, err := st.ListShops(c.Request.Context(), q)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			return out, nil
		}
		q.Cursor = next
	}
}

// salesChart is a stacked bar chart of revenue per channel and day, laid
// out here and drawn as SVG by the template.
type salesChart struct {
	Width, Height int
	Bars          []chartBar
	Labels        []chartLabel
	Legend        []channelDay
	Max           catalog.VND
	Empty         bool
}

type chartBar struct {
	X, W  float64
	Title string
	Parts []chartPart
}

type chartPart struct {
	Y, H     float64
	Platform catalog.Platform
}

type chartLabel struct {
	X      float64
	Text   string
	Anchor string // SVG text-anchor
}

func newSalesChart(sales []store.DaySales, from time.Time, days int) salesChart {
	ch := salesChart{Width: 600, Height: 200}
	perDay := make([]map[catalog.Platform]catalog.VND, days)
	totals := map[catalog.Platform]*channelDay{}
	for _, ds := range sales {
		i := ds.Day
		if i < 0 || i >= days {
			continue
		}
		if perDay[i] == nil {
			perDay[i] = map[catalog.Platform]catalog.VND{}
		}
		perDay[i][ds.Platform] += ds.Revenue
		if totals[ds.Platform] == nil {
			totals[ds.Platform] = &channelDay{Platform: ds.Platform}
		}
		totals[ds.Platform].Orders += ds.Orders
		totals[ds.Platform].Revenue += ds.Revenue
	}
	for _, t := range totals {
		ch.Legend = append(ch.Legend, *t)
	}
	sort.Slice(ch.Legend, func(i, j int) bool { return ch.Legend[i].Platform < ch.Legend[j].Platform })
	for _, day := range perDay {
		var sum catalog.VND
		for _, v := range day {
			sum += v
		}
		ch.Max = max(ch.Max, sum)
	}
	ch.Empty = ch.Max == 0
	const top, bottom = 8.0, 20.0
	plot := float64(ch.Height) - top - bottom
	step := float64(ch.Width) / float64(days)
	for i, day := range perDay {
		date := from.AddDate(0, 0, i)
		bar := chartBar{X: float64(i)*step + 1, W: step - 2, Title: date.Format("02/01")}
		y := top + plot
		var sum catalog.VND
		for _, l := range ch.Legend {
			v := day[l.Platform]
			if v == 0 || ch.Max == 0 {
				continue
			}
			h := plot * float64(v) / float64(ch.Max)
			y -= h
			sum += v
			bar.Parts = append(bar.Parts, chartPart{Y: y, H: h, Platform: l.Platform})
		}
		bar.Title = fmt.Sprintf("%s: %s", bar.Title, sum)
		ch.Bars = append(ch.Bars, bar)
		if (days-1-i)%7 == 0 { // weekly, ending today
			l := chartLabel{X: float64(i)*step + step/2, Text: date.Format("02/01"), Anchor: "middle"}
			if i == days-1 {
				l.X, l.Anchor = float64(ch.Width), "end"
			}
			ch.Labels = append(ch.Labels, l)
		}
	}
	return ch
}
