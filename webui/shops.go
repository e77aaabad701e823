package webui

import (
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
	Shops     []shopHealth
	Coops     []catalog.Coop
	Platforms []catalog.Platform
	Error     string
}

func (ui *UI) shopsPage(c *gin.Context) {
	ui.showShops(c, http.StatusOK, "")
}

func (ui *UI) showShops(c *gin.Context, status int, problem string) {
	d := &shopsData{Platforms: connectable, Error: problem}
	var err error
	if d.Shops, err = ui.shopHealths(c); err != nil {
		ui.fail(c, err)
		return
	}
	if d.Coops, _, err = ui.d.Store.ListCoops(c.Request.Context(), catalog.ListQuery{Limit: catalog.MaxLimit}); err != nil {
		ui.fail(c, err)
		return
	}
	ui.render(c, status, "shops", ui.newPage(c, "shops", "shops.title", d))
}

// shopConnect sends the seller to the platform's authorization page; the
// platform sends them back to shopCallback.
func (ui *UI) shopConnect(c *gin.Context) {
	coopID, _ := strconv.ParseInt(c.Query("coop_id"), 10, 64)
	platform := c.Query("platform")
	u, err := ui.d.Commands.AuthorizeURL(c.Request.Context(), platform, coopID, ui.baseURL(c)+"/shops/callback/"+platform)
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

// baseURL is the hub as the seller's browser reaches it.
func (ui *UI) baseURL(c *gin.Context) string {
	if ui.d.PublicURL != "" {
		return strings.TrimSuffix(ui.d.PublicURL, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}
