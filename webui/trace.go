package webui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/api"
	"ocophub/catalog"
)

type traceData struct {
	catalog.Trace
	// CertValid is whether the OCOP certificate is in force today: stars
	// are shown only then; otherwise the page says it has expired.
	CertValid bool
	Cover     string // the product's cover photo's URL ("" without one)
}

// tracePage is what a buyer sees after scanning a stamp (the resolver
// sends /01/{GTIN-14}/10/{lot} here): the fields Circular 02/2024/TT-BKHCN
// asks to be available to consumers, and where to buy. Public, like
// /p/{gtin}; it shows nothing private (no stock, prices or buyers).
func (ui *UI) tracePage(c *gin.Context) {
	gtin := catalog.GTIN(c.Param("gtin"))
	code := strings.TrimPrefix(c.Param("lot"), "/")
	p := ui.newPage(c, "trace", "trace.title", nil)
	// The language toggle must not carry ?lang= back, or it could never change it.
	q := c.Request.URL.Query()
	q.Del("lang")
	p.Path = c.Request.URL.EscapedPath()
	if len(q) > 0 {
		p.Path += "?" + q.Encode()
	}
	if gtin.Validate() != nil || catalog.ValidateLotCode(code) != nil {
		ui.traceNotFound(c, p)
		return
	}
	ctx := catalog.WithScope(c.Request.Context(), catalog.OperatorScope())
	t, err := ui.d.Store.Trace(ctx, gtin, code)
	if catalog.ErrorCode(err) == catalog.CodeNotFound {
		ui.traceNotFound(c, p)
		return
	}
	if err != nil {
		ui.fail(c, err)
		return
	}
	d := &traceData{Trace: t, CertValid: t.Product.Certificate.ValidOn(catalog.Today(ui.d.Now()))}
	if covers, err := ui.d.Store.CoverImages(ctx, []int64{t.Product.ID}); err == nil {
		if im, ok := covers[t.Product.ID]; ok {
			d.Cover = api.MediaPath + im.SquareKey
		}
	}
	p.Data = d
	p.Title = t.Product.Name.In(p.Lang)
	ui.render(c, http.StatusOK, "trace", p)
}

func (ui *UI) traceNotFound(c *gin.Context, p *page) {
	p.Flash, p.FlashBad = p.T("trace.not_found"), true
	ui.render(c, http.StatusNotFound, "trace", p)
}
