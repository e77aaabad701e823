package api

import (
	"context"
	"errors"
	"mime/multipart"
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

// MaxPhotoBody caps one photo upload request (hub's choice): a few phone
// photos at once. A single file over photo.MaxBytes inside it is refused
// by the photo rules, with the reason beside the field.
const MaxPhotoBody = 64 << 20

// bodyLimit is the cap of a route whose body may exceed MaxJSONBody, and
// whether it is one (largeBodies, and the photo uploads).
func bodyLimit(path string) (int64, bool) {
	if limit, ok := largeBodies[path]; ok {
		return limit, true
	}
	if isPhotoUpload(path) {
		return MaxPhotoBody, true
	}
	return 0, false
}

// isPhotoUpload matches /api/v1/products/{id}/images and the web UI's
// /products/{id}/photos.
func isPhotoUpload(path string) bool {
	rest, ok := strings.CutPrefix(path, "/api/v1/products/")
	suffix := "/images"
	if !ok {
		rest, ok = strings.CutPrefix(path, "/products/")
		suffix = "/photos"
	}
	if !ok {
		return false
	}
	id, ok := strings.CutSuffix(rest, suffix)
	return ok && id != "" && strings.Trim(id, "0123456789") == ""
}

// formMemory is the most of a form held in memory: files beyond it spill
// to temporary files, which net/http removes when the request ends. gin's
// own parse (c.FormFile, c.PostForm) uses it too (api.New).
const formMemory = 256 << 10

// capBodies runs before anything reads a body, on every route of the
// router, pages included: a body over its route's cap is refused with 413
// before any parsing. A declared length is judged at once; an undeclared
// one (chunked) is cut at the cap as it is read. A form on a route of at
// most MaxJSONBody, the only body read before its handler (CSRF check,
// sign-in), is parsed here within that cap, so no handler and no
// middleware parses more. A form on a large route (largeBodies) is not
// parsed here: nobody is signed in yet, and an anonymous client must not
// make the server hold megabytes; it is parsed once its session is known
// (pageCSRF, the API's guard), files spilling to disk.
func capBodies(c *gin.Context) {
	limit, large := bodyLimit(c.Request.URL.Path)
	if !large {
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
	if !large && !parseForm(c, limit) {
		return
	}
	c.Next()
}

// parseForm parses a form sent with an unsafe method, files beyond
// formMemory on disk; a body over limit is answered 413 and false.
func parseForm(c *gin.Context, limit int64) bool {
	r := c.Request
	if !isForm(r) || !unsafeMethod(r.Method) || r.PostForm != nil {
		return true
	}
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(formMemory)
	} else {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) || errors.Is(err, multipart.ErrMessageTooLarge) {
		c.Header("Connection", "close")
		abortWithError(c, errTooLarge(limit))
		return false
	}
	return true
}

func errTooLarge(limit int64) error {
	return catalog.Errorf(codePayloadTooLarge, "the body is larger than %d bytes", limit)
}

// Deadlines of API requests (Deps.RequestTimeout overrides the first).
const (
	DefaultRequestTimeout = 15 * time.Second
	ImportTimeout         = 5 * time.Minute
)

// holdConnection gives a signed-in import's connection the import's time
// (limit, and a moment to answer after it): the HTTP server's timeouts
// (60 s, cmd/ocophub) would end it first, the write timeout dropping the
// answer of a long import and the read timeout cutting a slow upload of up
// to MaxImportBody. It runs after the guard, so an anonymous client never
// holds a connection for minutes.
func holdConnection(limit time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		rc := http.NewResponseController(c.Writer)
		until := time.Now().Add(limit + 10*time.Second)
		_ = rc.SetReadDeadline(until)
		_ = rc.SetWriteDeadline(until)
		c.Next()
	}
}

// deadline bounds the database work of every API request: the store runs
// every statement with the request's context, and pgx answers a context
// that ends by asking PostgreSQL to cancel the statement (a cancel request
// on a second connection) and closing the connection, so a slow search
// stops holding a backend when its time is up. Imports, one large
// transaction, and exports, a whole catalog, get ImportTimeout.
func deadline(d time.Duration) gin.HandlerFunc {
	d = requestDeadline(d)
	return func(c *gin.Context) {
		limit := d
		if p := c.Request.URL.Path; p == "/api/v1/imports" || p == "/api/v1/products/export" || isPhotoUpload(p) {
			limit = importDeadline(d)
		}
		ctx, cancel := context.WithTimeout(c.Request.Context(), limit)
		defer cancel()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// requestDeadline is Deps.RequestTimeout, or DefaultRequestTimeout.
func requestDeadline(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultRequestTimeout
	}
	return d
}

// importDeadline is an import's time: ImportTimeout, or the requests'
// own when that is longer.
func importDeadline(d time.Duration) time.Duration { return max(requestDeadline(d), ImportTimeout) }
