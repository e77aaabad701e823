package api

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/catalog/stamp"
)

// lotRequest is the body of POST /lots.
type lotRequest struct {
	VariantID     int64        `json:"variant_id"`
	WarehouseID   int64        `json:"warehouse_id"`
	Code          string       `json:"code"`
	ProducedOn    catalog.Date `json:"produced_on"`
	ExpiresOn     catalog.Date `json:"expires_on"`
	ShelfLifeDays int          `json:"shelf_life_days"`
	Quantity      int64        `json:"quantity"`
	Notes         string       `json:"notes"`
}

// receiveLot stores a lot and adds it to stock; 201 with its Digital Link.
func (h handlers) receiveLot(c *gin.Context) {
	var req lotRequest
	if err := decodeJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	l := catalog.Lot{VariantID: req.VariantID, WarehouseID: req.WarehouseID, Code: req.Code, ProducedOn: req.ProducedOn,
		ExpiresOn: req.ExpiresOn, ShelfLifeDays: req.ShelfLifeDays, Quantity: req.Quantity, Notes: req.Notes}
	if err := h.store.ReceiveLot(c.Request.Context(), &l); err != nil {
		abortWithError(c, err)
		return
	}
	h.changed()
	c.JSON(http.StatusCreated, h.withLink(c, l))
}

// withLink fills the lot's GS1 Digital Link on the hub's public URL.
func (h handlers) withLink(c *gin.Context, l catalog.Lot) catalog.Lot {
	if l.GTIN != "" {
		l.DigitalLink = catalog.DigitalLink(h.publicBase(c.Request), l.GTIN, l.Code, l.ExpiresOn)
	}
	return l
}

func (h handlers) listLots(c *gin.Context) {
	id, err := strconv.ParseInt(c.Query("variant_id"), 10, 64)
	if err != nil || id <= 0 {
		abortWithError(c, invalid("variant_id", "variant_id is required: a positive whole number"))
		return
	}
	lots, err := h.store.Lots(c.Request.Context(), id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	for i := range lots {
		lots[i] = h.withLink(c, lots[i])
	}
	c.JSON(http.StatusOK, listResponse[catalog.Lot]{Items: lots})
}

// stampLabel reads the lot of the path and what its stamp shows on the
// print day (today in Vietnam): stars only while the certificate holds.
func (h handlers) stampLabel(c *gin.Context) (stamp.Label, catalog.Lot, bool) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return stamp.Label{}, catalog.Lot{}, false
	}
	ctx := c.Request.Context()
	l, err := h.store.Lot(ctx, id)
	if err == nil && l.GTIN == "" {
		err = catalog.Errorf(catalog.CodeFailedPrecondition, "the variant has no GTIN, so its lots have no Digital Link to print")
	}
	var t catalog.Trace
	if err == nil {
		t, err = h.store.Trace(ctx, l.GTIN, l.Code)
	}
	if err != nil {
		abortWithError(c, err)
		return stamp.Label{}, catalog.Lot{}, false
	}
	l = h.withLink(c, l)
	return stamp.LabelOf(t, l.DigitalLink, catalog.Today(h.now())), l, true
}

// sheetOf reads the sheet's layout from the query: columns, rows,
// width_mm, height_mm (zero or absent: the defaults).
func sheetOf(c *gin.Context) (stamp.Sheet, error) {
	var s stamp.Sheet
	fe := catalog.FieldErrors{}
	ints := map[string]*int{"columns": &s.Columns, "rows": &s.Rows}
	for name, dst := range ints {
		if v := c.Query(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				fe.Add(name, name+" must be a whole number")
			}
			*dst = n
		}
	}
	floats := map[string]*float64{"width_mm": &s.WidthMM, "height_mm": &s.HeightMM}
	for name, dst := range floats {
		if v := c.Query(name); v != "" {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				fe.Add(name, name+" must be a number of millimetres")
			}
			*dst = n
		}
	}
	if err := fe.Err(); err != nil {
		return s, err
	}
	return s, s.Normalize()
}

// lotStamps is the A4 sheet of the lot's stamps (PDF).
func (h handlers) lotStamps(c *gin.Context) {
	h.serveStamp(c, "pdf", "application/pdf", func(buf *bytes.Buffer, label stamp.Label, sheet stamp.Sheet) error {
		return stamp.PDF(buf, label, sheet, h.now())
	})
}

// lotStampPNG is one stamp for a label printer: ?dpi= (default 300).
func (h handlers) lotStampPNG(c *gin.Context) {
	dpi := 300
	if v := c.Query("dpi"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 150 || n > 1200 {
			abortWithError(c, invalid("dpi", "dpi must be 150–1200"))
			return
		}
		dpi = n
	}
	h.serveStamp(c, "png", "image/png", func(buf *bytes.Buffer, label stamp.Label, sheet stamp.Sheet) error {
		return stamp.PNG(buf, label, sheet, dpi)
	})
}

// lotStampSVG is one stamp as SVG, in millimetres.
func (h handlers) lotStampSVG(c *gin.Context) {
	h.serveStamp(c, "svg", "image/svg+xml", func(buf *bytes.Buffer, label stamp.Label, sheet stamp.Sheet) error {
		return stamp.SVG(buf, label, sheet)
	})
}

// serveStamp answers the lot's stamps drawn by draw as a download
// "tem-<lot>.<ext>"; a bad lot, sheet or drawing is the usual error.
func (h handlers) serveStamp(c *gin.Context, ext, contentType string, draw func(*bytes.Buffer, stamp.Label, stamp.Sheet) error) {
	label, l, ok := h.stampLabel(c)
	if !ok {
		return
	}
	sheet, err := sheetOf(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := draw(&buf, label, sheet); err != nil {
		abortWithError(c, err)
		return
	}
	attachment(c, "tem-"+l.Code+"."+ext)
	c.Data(http.StatusOK, contentType, buf.Bytes())
}

// attachment names the download; lot codes may hold characters a header
// cannot, so the plain name is kept to safe ones.
func attachment(c *gin.Context, name string) {
	safe := []rune{}
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' {
			r = '_'
		}
		safe = append(safe, r)
	}
	c.Header("Content-Disposition", `attachment; filename="`+string(safe)+`"`)
}
