package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/catalog/csvimport"
)

// exportMediaTypes are the Content-Type of each export format.
var exportMediaTypes = map[string]string{
	csvimport.FormatCSV:  "text/csv; charset=utf-8",
	csvimport.FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// exportCatalog streams the caller's catalog (or the products q finds) as
// ?format=csv or xlsx in the import's columns: POST it back to /imports,
// edited, to update the products. Once the file has started, a failure can
// only cut it short (the status is sent); before that it is a JSON error.
func (h handlers) exportCatalog(c *gin.Context) {
	format := c.DefaultQuery("format", csvimport.FormatXLSX)
	media, ok := exportMediaTypes[format]
	if !ok {
		abortWithError(c, invalid("format", "format must be csv or xlsx"))
		return
	}
	src, ok := h.store.(csvimport.ExportSource)
	if !ok {
		abortWithError(c, &catalog.Error{Code: catalog.CodeInternal, Message: "this store cannot export"})
		return
	}
	q := catalog.ListQuery{Q: c.Query("q")}
	if err := q.Normalize(); err != nil {
		abortWithError(c, err)
		return
	}
	name := fmt.Sprintf("ocophub-san-pham-%s.%s", time.Now().In(vietnam).Format("20060102-1504"), format)
	w := &lazyHeader{ResponseWriter: c.Writer, header: func(h http.Header) {
		h.Set("Content-Type", media)
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	}}
	if err := csvimport.Export(c.Request.Context(), src, q.Q, format, w); err != nil {
		if !w.started {
			abortWithError(c, err)
			return
		}
		_ = c.Error(err)
		c.Abort()
	}
}

// vietnam is the time zone of file names people see (UTC+7, no DST).
var vietnam = time.FixedZone("ICT", 7*3600)

// lazyHeader sets the file's headers at its first byte, so an error found
// before any byte is written can still be a JSON error with its status.
type lazyHeader struct {
	gin.ResponseWriter
	header  func(http.Header)
	started bool
}

func (w *lazyHeader) Write(b []byte) (int, error) {
	if !w.started {
		w.started = true
		w.header(w.Header())
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// WriteString hides the embedded writer's, which would skip the header.
func (w *lazyHeader) WriteString(s string) (int, error) { return w.Write([]byte(s)) }
