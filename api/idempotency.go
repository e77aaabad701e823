package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// IdempotencyHeader names the key a client sends with a write it may retry.
const IdempotencyHeader = "Idempotency-Key"

// codeKeyReused is the API code of a key sent again with another request.
const codeKeyReused catalog.Code = "idempotency_key_reused"

// notIdempotent are the POST routes that keep no answer: signing in and
// out, and creating a token, whose answer is a secret shown once that must
// never be stored.
var notIdempotent = map[string]bool{"/api/v1/auth/login": true, "/api/v1/auth/logout": true, "/api/v1/tokens": true}

// Idempotent reports whether the route (its template, as registered)
// takes an Idempotency-Key: every API POST that writes (stock, prices,
// orders, listings, campaigns, live sessions, imports, people), but those
// in notIdempotent.
func Idempotent(method, route string) bool {
	return method == http.MethodPost && strings.HasPrefix(route, "/api/v1/") && !notIdempotent[route]
}

// idempotency replays the first answer to a request sent again with the
// same Idempotency-Key (per caller), and refuses the key with another body.
// Only 2xx answers are kept: a refused or failed request may be retried
// with the same key and run again.
func idempotency(store catalog.Idempotency) gin.HandlerFunc {
	return func(c *gin.Context) {
		key := c.GetHeader(IdempotencyHeader)
		if key == "" || store == nil || !Idempotent(c.Request.Method, c.FullPath()) {
			c.Next()
			return
		}
		Once(c, store, Caller(principalOf(c)), key, KeepSuccess)
	}
}

// Caller names whose keys these are: the API token, or the user (a
// session, the web UI's forms). One caller's key is never another's.
func Caller(p catalog.Principal) string {
	if p.TokenID != 0 {
		return "token:" + strconv.FormatInt(p.TokenID, 10)
	}
	return "user:" + strconv.FormatInt(p.UserID, 10)
}

// KeepSuccess keeps the API's 2xx answers: what a client retries for.
func KeepSuccess(status int) bool { return status >= 200 && status < 300 }

// KeepRedirect keeps only redirects, the answer of a form that did its
// work: a page rendered in answer (the import preview carries the whole
// file) is not worth 24 hours in the database.
func KeepRedirect(status int) bool { return status >= 300 && status < 400 }

// Once runs the rest of the chain once for (caller, key): a first request
// runs and its answer is kept when keep says so; the same request again
// gets that answer (with Idempotent-Replayed: true) and runs nothing. An
// answer not kept, or a panic, frees the key, so a retry runs. The web
// UI's forms use it with the one-time key each form carries.
func Once(c *gin.Context, store catalog.Idempotency, caller, key string, keep func(status int) bool) {
	if !catalog.ValidIdempotencyKey(key) {
		abortWithError(c, &catalog.Error{Code: catalog.CodeInvalidArgument, Message: IdempotencyHeader + " must be 1 to 255 visible ASCII characters",
			Fields: map[string]string{IdempotencyHeader: "1 to 255 visible ASCII characters"}})
		return
	}
	fp, err := fingerprint(c.Request)
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	id, replay, err := store.ClaimKey(ctx, caller, key, fp)
	switch {
	case errors.Is(err, catalog.ErrKeyReused):
		abortWithError(c, &catalog.Error{Code: codeKeyReused, Message: "this " + IdempotencyHeader + " was sent with another request: use a new key"})
		return
	case err != nil:
		abortWithError(c, err)
		return
	case replay != nil:
		c.Header("Idempotent-Replayed", "true")
		if replay.Location != "" {
			c.Header("Location", replay.Location)
		}
		c.Data(replay.Status, replay.ContentType, replay.Body)
		c.Abort()
		return
	}
	rec := &recorder{ResponseWriter: c.Writer}
	c.Writer = rec
	kept := false
	defer func() { // deferred, so a panic frees the key too
		if !kept {
			done, cancel := afterRequest(ctx)
			defer cancel()
			_ = store.ReleaseKey(done, id)
		}
	}()
	c.Next()
	if status := rec.Status(); keep(status) {
		done, cancel := afterRequest(ctx)
		defer cancel()
		kept = store.FinishKey(done, id, catalog.Replay{Status: status, ContentType: rec.Header().Get("Content-Type"),
			Location: rec.Header().Get("Location"), Body: rec.body.Bytes()}) == nil
	}
}

// afterRequest is a context for keeping or freeing a key: the request's
// own deadline may have passed, and that must not leave the key pending.
func afterRequest(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
}

// fingerprint identifies a request: method, path with query, and body
// (read here, within the route's cap, and put back for the handler).
func fingerprint(r *http.Request) (string, error) {
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.RequestURI() + "\n"))
	if r.PostForm != nil { // already parsed by capBodies: the body is spent
		h.Write([]byte(r.PostForm.Encode()))
		if r.MultipartForm != nil {
			for _, name := range slices.Sorted(maps.Keys(r.MultipartForm.File)) {
				for _, fh := range r.MultipartForm.File[name] {
					f, err := fh.Open()
					if err != nil {
						return "", &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "cannot read the file " + name, Err: err}
					}
					h.Write([]byte("\n" + name + "\n"))
					_, err = io.Copy(h, f)
					_ = f.Close()
					if err != nil {
						return "", &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "cannot read the file " + name, Err: err}
					}
				}
			}
		}
	} else if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return "", errTooLarge(tooLarge.Limit)
		}
		if err != nil {
			return "", &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "cannot read the body", Err: err}
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// recorder keeps a copy of the answer it writes.
type recorder struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) WriteString(s string) (int, error) {
	r.body.WriteString(s)
	return r.ResponseWriter.WriteString(s)
}

// Unwrap lets http.ResponseController reach the connection through the
// recorder (an import sets its deadlines, holdConnection).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
