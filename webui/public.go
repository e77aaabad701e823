package webui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ocophub/api"
	"ocophub/catalog"
)

type publicData struct {
	Product   catalog.Product
	Variant   catalog.Variant
	Coop      catalog.Coop
	CertValid bool
	Cover     string // the cover photo's URL ("" without one)
}

// publicProduct is the page a QR code or barcode opens: what the buyer
// may know about a product (producer, province, OCOP stars, certificate
// validity, description in both languages), with no login. It reads as
// the operator because the page is public by nature, and shows nothing
// that is not printed on the package.
func (ui *UI) publicProduct(c *gin.Context) {
	gtin := catalog.GTIN(c.Param("gtin"))
	p := ui.newPage(c, "public", "public.title", nil)
	if gtin.Validate() != nil {
		ui.publicNotFound(c, p)
		return
	}
	ctx := catalog.WithScope(c.Request.Context(), catalog.OperatorScope())
	pr, err := ui.d.Store.ProductByGTIN(ctx, gtin)
	if catalog.ErrorCode(err) == catalog.CodeNotFound {
		ui.publicNotFound(c, p)
		return
	}
	if err != nil {
		ui.fail(c, err)
		return
	}
	d := &publicData{Product: pr, CertValid: pr.Certificate.ValidOn(catalog.DateOf(ui.d.Now().In(vietnam)))}
	for _, v := range pr.Variants {
		if v.GTIN == gtin {
			d.Variant = v
		}
	}
	if d.Coop, err = ui.d.Store.Coop(ctx, pr.CoopID); err != nil {
		ui.fail(c, err)
		return
	}
	if covers, err := ui.d.Store.CoverImages(ctx, []int64{pr.ID}); err == nil {
		if im, ok := covers[pr.ID]; ok {
			d.Cover = api.MediaPath + im.SquareKey
		}
	}
	p.Data = d
	p.Title = pr.Name.In(p.Lang)
	ui.render(c, http.StatusOK, "public", p)
}

func (ui *UI) publicNotFound(c *gin.Context, p *page) {
	p.Flash, p.FlashBad = p.T("public.not_found"), true
	ui.render(c, http.StatusNotFound, "public", p)
}
