package photo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// for dev and make run
	_ "gocloud.dev/blob/memblob"  // mem:// for tests
	_ "gocloud.dev/blob/s3blob"   // s3:// for production (any S3-compatible store)
	"gocloud.dev/gcerrors"

	"ocophub/catalog"
)

// CacheControl is sent with every stored file: a key names its content
// (SHA-256), so the bytes under a key never change.
const CacheControl = "public, max-age=31536000, immutable"

// keyPattern is the shape of every key Process makes.
var keyPattern = regexp.MustCompile(`^[0-9a-f]{64}\.(jpg|png)$`)

// ValidKey reports whether key is one Process could have made: anything
// else is never looked up in the bucket.
func ValidKey(key string) bool { return keyPattern.MatchString(key) }

// Library stores photos' files in a blob bucket.
type Library struct {
	bucket *blob.Bucket
}

// Open opens the bucket at a gocloud.dev URL: file:///dir?create_dir=true
// (dev), s3://bucket?region=…&endpoint=…&use_path_style=true (production,
// credentials from the usual AWS_* environment), mem:// (tests).
func Open(ctx context.Context, url string) (*Library, error) {
	b, err := blob.OpenBucket(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("open photo bucket: %w", err)
	}
	return &Library{bucket: b}, nil
}

// New wraps an open bucket.
func New(b *blob.Bucket) *Library { return &Library{bucket: b} }

// Close closes the bucket.
func (l *Library) Close() error { return l.bucket.Close() }

// Save writes the photo's files. A key already stored holds the same
// bytes (it is their hash), so it is not written again.
func (l *Library) Save(ctx context.Context, p Photo) error {
	for _, f := range []File{p.Original, p.Thumb, p.Square} {
		if ok, err := l.bucket.Exists(ctx, f.Key); err != nil {
			return unavailable(err)
		} else if ok {
			continue
		}
		err := l.bucket.WriteAll(ctx, f.Key, f.Data, &blob.WriterOptions{ContentType: f.ContentType, CacheControl: CacheControl})
		if err != nil {
			return unavailable(err)
		}
	}
	return nil
}

// Read returns a stored file's bytes.
func (l *Library) Read(ctx context.Context, key string) ([]byte, error) {
	if !ValidKey(key) {
		return nil, catalog.Errorf(catalog.CodeNotFound, "no such photo")
	}
	data, err := l.bucket.ReadAll(ctx, key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, catalog.Errorf(catalog.CodeNotFound, "no such photo")
	}
	if err != nil {
		return nil, unavailable(err)
	}
	return data, nil
}

// Delete removes stored files; one already gone is no error.
func (l *Library) Delete(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		if !ValidKey(k) {
			continue
		}
		if err := l.bucket.Delete(ctx, k); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return unavailable(err)
		}
	}
	return nil
}

// Serve writes a stored file with its content type and CacheControl (and
// answers a conditional request by its ETag, the key, with 304).
func (l *Library) Serve(w http.ResponseWriter, r *http.Request, key string) {
	if !ValidKey(key) {
		http.NotFound(w, r)
		return
	}
	etag := `"` + key[:64] + `"`
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	rd, err := l.bucket.NewReader(r.Context(), key, nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, "photo storage unavailable", http.StatusServiceUnavailable)
		return
	}
	defer rd.Close()
	h := w.Header()
	h.Set("Content-Type", rd.ContentType())
	h.Set("Content-Length", strconv.FormatInt(rd.Size(), 10))
	h.Set("Cache-Control", CacheControl)
	h.Set("ETag", etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = io.Copy(w, rd)
}

func unavailable(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return &catalog.Error{Code: catalog.CodeUnavailable, Message: "photo storage unavailable", Err: err}
}
