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
		p := principalOf(c)
		caller := "user:" + strconv.FormatInt(p.UserID, 10)
		if p.TokenID != 0 {
			caller = "token:" + strconv.FormatInt(p.TokenID, 10)
		}
		Once(c, store, caller, key)
	}
}

// Once runs the rest of the chain once for (caller, key): a first request
// runs and its 2xx answer is kept; the same request again gets that
// answer (with Idempotent-Replayed: true) and runs nothing. The web UI's
// forms use it with the one-time key each form carries.
func Once(c *gin.Context, store catalog.Idempotency, caller, key string) {
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
	replay, err := store.ClaimKey(ctx, caller, key, fp)
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
	c.Next()
	// The request's own deadline may have passed: keeping its answer
	// must not fail for that.
	done, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	status := rec.Status()
	if status >= 200 && status < 300 || status == http.StatusSeeOther {
		_ = store.FinishKey(done, caller, key, catalog.Replay{Status: status, ContentType: rec.Header().Get("Content-Type"),
			Location: rec.Header().Get("Location"), Body: rec.body.Bytes()})
		return
	}
	_ = store.ReleaseKey(done, caller, key)
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
