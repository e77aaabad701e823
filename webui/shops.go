package webui

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// connectable are the platforms a seller can connect, in the order the
// buttons show them.
var connectable = []catalog.Platform{catalog.PlatformShopee, catalog.PlatformLazada, catalog.PlatformZalo}

type shopsData struct {
	Shops     []shopCard
	Coops     []catalog.Coop
	Platforms []catalog.Platform
	// Roundings are the price rule's rounding steps, in the select's order.
	Roundings []catalog.VND
	Error     string
}

// shopCard is one shop on the shops page: its health and its stock rule
// form (what was typed, with its errors, when a change was refused).
type shopCard struct {
	shopHealth
	Rule *form
	// PriceRule is the price rule form; PriceText says the stored rule
	// and PriceExample what it makes of priceExampleBase.
	PriceRule    *form
	PriceText    string
	PriceExample catalog.VND
	ExampleBase  catalog.VND
}

func (ui *UI) shopsPage(c *gin.Context) {
	ui.showShops(c, http.StatusOK, "")
}

func (ui *UI) showShops(c *gin.Context, status int, problem string) {
	ui.showShopsWith(c, status, problem, 0, nil)
}

// showShopsWith draws the shops page; refused is the rule form of shop
// refusedID as posted.
func (ui *UI) showShopsWith(c *gin.Context, status int, problem string, refusedID int64, refused *form) {
	ui.showShopsPage(c, status, problem, refusedID, refused, nil)
}

// showShopsRefused draws the shops page with shop refusedID's refused
// stock rule form or price rule form as posted.
func (ui *UI) showShopsRefused(c *gin.Context, status int, refusedID int64, rule, price *form) {
	ui.showShopsPage(c, status, "", refusedID, rule, price)
}

func (ui *UI) showShopsPage(c *gin.Context, status int, problem string, refusedID int64, refused, refusedPrice *form) {
	d := &shopsData{Platforms: connectable, Error: problem}
	d.Roundings = catalog.PriceRoundings
	healths, err := ui.shopHealths(c)
	if err != nil {
		ui.fail(c, err)
		return
	}
	p := ui.newPage(c, "shops", "shops.title", d)
	for _, h := range healths {
		card := shopCard{shopHealth: h, Rule: ruleForm(h.Shop), PriceRule: priceRuleForm(h.Shop),
			PriceText: priceRuleText(p, h.Shop.PriceRule), ExampleBase: priceExampleBase,
			PriceExample: h.Shop.PriceRule.Apply(priceExampleBase)}
		if h.Shop.ID == refusedID && refused != nil {
			card.Rule = refused
		}
		if h.Shop.ID == refusedID && refusedPrice != nil {
			card.PriceRule = refusedPrice
		}
		d.Shops = append(d.Shops, card)
	}
	if d.Coops, _, err = ui.d.Store.ListCoops(c.Request.Context(), catalog.ListQuery{Limit: catalog.MaxLimit}); err != nil {
		ui.fail(c, err)
		return
	}
	ui.render(c, status, "shops", p)
}

// shopConnect sends the seller to the platform's authorization page; the
// platform sends them back to shopCallback.
func (ui *UI) shopConnect(c *gin.Context) {
	coopID, _ := strconv.ParseInt(c.Query("coop_id"), 10, 64)
	platform := c.Query("platform")
	u, err := ui.d.Commands.AuthorizeURL(c.Request.Context(), platform, coopID, ui.d.PublicBase(c.Request)+"/shops/callback/"+platform)
	if err != nil {
		p := ui.newPage(c, "shops", "shops.title", nil)
		ui.showShops(c, http.StatusBadRequest, errorMessage(p, err))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusFound, u)
}

// shopCallback is where the platform sends the seller back.
func (ui *UI) shopCallback(c *gin.Context) {
	shop, err := ui.d.Commands.CompleteConnection(c.Request.Context(), c.Param("platform"), c.Request.URL.Query())
	if err != nil {
		p := ui.newPage(c, "shops", "shops.title", nil)
		ui.showShops(c, http.StatusBadRequest, p.T("shops.connect_failed")+" "+errorMessage(p, err))
		return
	}
	back(c, "/shops#shop-"+strconv.FormatInt(shop.ID, 10), "shop_connected")
}

// ruleForm is a shop's stock rule as the form shows it.
func ruleForm(sh catalog.Shop) *form {
	r := sh.Rule
	return newForm(map[string][]string{
		"version":       {strconv.FormatInt(sh.Version, 10)},
		"buffer_units":  {strconv.FormatInt(r.BufferUnits, 10)},
		"ratio_percent": {strconv.FormatInt(cmp.Or(r.RatioPercent, 100), 10)},
		"max_shown":     {strconv.FormatInt(r.MaxShown, 10)},
		"split_below":   {strconv.FormatInt(r.SplitBelow, 10)},
	})
}

// shopRule saves a shop's stock rule from the shops page; a refused rule
// comes back beside its fields with what was typed. The shop's warehouses
// are kept as they were.
func (ui *UI) shopRule(c *gin.Context) {
	f, p := ui.postedForm(c, "shops", "shops.title")
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	shop, err := ui.d.Store.Shop(c.Request.Context(), id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	whole := func(name string) int64 {
		s := strings.TrimSpace(f.Value(name))
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			f.Errors[name] = p.T("field.whole_number")
		}
		return n
	}
	rule := catalog.StockRule{BufferUnits: whole("buffer_units"), RatioPercent: whole("ratio_percent"),
		MaxShown: whole("max_shown"), SplitBelow: whole("split_below"), WarehouseIDs: shop.Rule.WarehouseIDs}
	version := whole("version")
	if len(f.Errors) == 0 {
		if _, err = ui.d.Commands.SetStockRule(c.Request.Context(), id, version, rule); err == nil {
			back(c, "/shops#shop-"+strconv.FormatInt(id, 10), "rule_saved")
			return
		}
		if !f.addErrors(p, err) {
			f.Message = errorMessage(p, err)
		}
	}
	ui.showShopsWith(c, http.StatusUnprocessableEntity, "", id, f)
}
