package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// MaxPageUpload caps the web UI's import page: a catalog file of up to
// 4 MiB, which the confirm form carries back in base64 (a third more).
const MaxPageUpload = 6 << 20

// largeBodies are the only routes whose bodies may exceed MaxJSONBody.
var largeBodies = map[string]int64{
	"/api/v1/imports": MaxImportBody,
	"/import":         MaxPageUpload,
	"/import/confirm": MaxPageUpload,
}

// capBodies runs before anything reads a body, on every route of the
// router, pages included: a body over its route's cap is refused with 413
// before any parsing. A declared length is judged at once; an undeclared
// one (chunked) is cut at the cap as it is read. A form, the only body
// read before its handler (CSRF check, sign-in), is parsed here within the
// cap, all in memory, so no handler and no middleware parses more.
func capBodies(c *gin.Context) {
	limit, ok := largeBodies[c.Request.URL.Path]
	if !ok {
		limit = MaxJSONBody
	}
	r := c.Request
	if r.ContentLength > limit {
		c.Header("Connection", "close")
		abortWithError(c, errTooLarge(limit))
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(c.Writer, r.Body, limit)
	}
	if isForm(r) && unsafeMethod(r.Method) {
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			err = r.ParseMultipartForm(limit)
		} else {
			err = r.ParseForm()
		}
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			abortWithError(c, errTooLarge(limit))
			return
		}
	}
	c.Next()
}

func errTooLarge(limit int64) error {
	return catalog.Errorf(codePayloadTooLarge, "the body is larger than %d bytes", limit)
}

// Deadlines of API requests (Deps.RequestTimeout overrides the first).
const (
	DefaultRequestTimeout = 15 * time.Second
	ImportTimeout         = 5 * time.Minute
)

// deadline bounds the database work of every API request: the store runs
// every statement with the request's context, and pgx answers a context
// that ends by asking PostgreSQL to cancel the statement (a cancel request
// on a second connection) and closing the connection, so a slow search
// stops holding a backend when its time is up. Imports, one large
// transaction, get ImportTimeout.
func deadline(d time.Duration) gin.HandlerFunc {
	if d <= 0 {
		d = DefaultRequestTimeout
	}
	return func(c *gin.Context) {
		limit := d
		if c.Request.URL.Path == "/api/v1/imports" {
			limit = max(d, ImportTimeout)
		}
		ctx, cancel := context.WithTimeout(c.Request.Context(), limit)
		defer cancel()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}
