package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// resource serves the five CRUD routes of one catalog type, so alliances,
// co-ops, warehouses and products share one tested implementation of
// paging, ETags and version checks.
type resource[T any] struct {
	path   string
	get    func(ctx context.Context, id int64) (T, error)
	list   func(ctx context.Context, q catalog.ListQuery) ([]T, string, error)
	create func(ctx context.Context, v *T) error
	update func(ctx context.Context, v *T) error
	remove func(ctx context.Context, id, version int64) error
	// key points at the value's id and version fields.
	key func(*T) (id, version *int64)
}

// listResponse is the shape of every list endpoint.
type listResponse[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func (r resource[T]) register(g *gin.RouterGroup) {
	g.GET(r.path, listHandler(r.list))
	g.POST(r.path, r.handleCreate)
	g.GET(r.path+"/:id", getHandler(r.get, func(v *T) int64 { _, ver := r.key(v); return *ver }))
	g.PUT(r.path+"/:id", r.handleUpdate)
	g.DELETE(r.path+"/:id", r.handleDelete)
}

// listHandler serves a list endpoint: query parameters in, the
// {"items", "next_cursor"} envelope out ([] rather than null when empty).
func listHandler[T any](list func(ctx context.Context, q catalog.ListQuery) ([]T, string, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		q, err := parseListQuery(c)
		if err != nil {
			abortWithError(c, err)
			return
		}
		items, next, err := list(c.Request.Context(), q)
		if err != nil {
			abortWithError(c, err)
			return
		}
		if items == nil {
			items = []T{}
		}
		c.JSON(http.StatusOK, listResponse[T]{Items: items, NextCursor: next})
	}
}

// getHandler serves one object by its path id, with its version as ETag
// when version is not nil. It also serves actions on an object that answer
// with the object (revoking a token).
func getHandler[T any](get func(ctx context.Context, id int64) (T, error), version func(*T) int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c)
		if err != nil {
			abortWithError(c, err)
			return
		}
		v, err := get(c.Request.Context(), id)
		if err != nil {
			abortWithError(c, err)
			return
		}
		if version != nil {
			c.Header("ETag", etag(version(&v)))
		}
		c.JSON(http.StatusOK, &v)
	}
}

func (r resource[T]) handleCreate(c *gin.Context) {
	var v T
	if err := decodeJSON(c, &v); err != nil {
		abortWithError(c, err)
		return
	}
	if err := r.create(c.Request.Context(), &v); err != nil {
		abortWithError(c, err)
		return
	}
	id, _ := r.key(&v)
	c.Header("Location", c.Request.URL.Path+"/"+strconv.FormatInt(*id, 10))
	r.writeWithETag(c, http.StatusCreated, &v)
}

// handleUpdate replaces the object. The version the client read comes from
// If-Match (the ETag) or the body's "version"; without one the update is
// refused, so a client can never overwrite a change it has not seen.
func (r resource[T]) handleUpdate(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var v T
	if err := decodeJSON(c, &v); err != nil {
		abortWithError(c, err)
		return
	}
	idField, versionField := r.key(&v)
	*idField = id
	if err := versionFromRequest(c, versionField); err != nil {
		abortWithError(c, err)
		return
	}
	if err := r.update(c.Request.Context(), &v); err != nil {
		abortWithError(c, err)
		return
	}
	r.writeWithETag(c, http.StatusOK, &v)
}

func (r resource[T]) handleDelete(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var version int64
	if v := c.Query("version"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			abortWithError(c, invalid("version", "version must be a whole number"))
			return
		}
		version = n
	}
	if err := versionFromRequest(c, &version); err != nil {
		abortWithError(c, err)
		return
	}
	if err := r.remove(c.Request.Context(), id, version); err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (r resource[T]) writeWithETag(c *gin.Context, status int, v *T) {
	_, version := r.key(v)
	c.Header("ETag", etag(*version))
	c.JSON(status, v)
}

func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// versionFromRequest takes the version from If-Match when present (it wins
// over the body), and requires one from somewhere.
func versionFromRequest(c *gin.Context, version *int64) error {
	if m := strings.TrimSpace(c.GetHeader("If-Match")); m != "" {
		n, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(m, "W/"), `"`), 10, 64)
		if err != nil {
			return invalid("If-Match", "If-Match must be the ETag of the object, like \"3\"")
		}
		*version = n
	}
	if *version <= 0 {
		return invalid("version", "send the version you read (If-Match header or \"version\" field) so a stale update is refused")
	}
	return nil
}

// pathIDAndBody reads the path id and the JSON body of a write; when
// either is bad it has already answered and reports false.
func pathIDAndBody(c *gin.Context, body any) (int64, bool) {
	id, err := pathID(c)
	if err == nil {
		err = decodeJSON(c, body)
	}
	if err != nil {
		abortWithError(c, err)
		return 0, false
	}
	return id, true
}

func pathID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, invalid("id", "id must be a positive whole number")
	}
	return id, nil
}

// decodeJSON reads one JSON object, rejecting unknown fields (a typo must
// not be silently ignored) and trailing data.
func decodeJSON(c *gin.Context, v any) error {
	if ct := c.ContentType(); ct != "" && ct != "application/json" {
		return &catalog.Error{Code: codeUnsupportedMedia, Message: "send application/json"}
	}
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("unexpected data after the JSON object")
	}
	if err == nil {
		return nil
	}
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return &catalog.Error{Code: codePayloadTooLarge, Message: "request body is larger than " + strconv.FormatInt(tooBig.Limit, 10) + " bytes"}
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return invalid(typeErr.Field, "must be a "+typeErr.Type.String())
	case errors.Is(err, io.EOF):
		return invalid("body", "request body is empty")
	}
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return ce
	}
	return &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "invalid JSON: " + err.Error()}
}

// parseListQuery reads limit, cursor and the filters; every bad parameter
// is reported at once.
func parseListQuery(c *gin.Context) (catalog.ListQuery, error) {
	q := catalog.ListQuery{Cursor: c.Query("cursor"), Q: c.Query("q")}
	fe := catalog.FieldErrors{}
	intParam := func(name string) int64 {
		s := c.Query(name)
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			fe.Add(name, name+" must be a whole number")
		}
		return n
	}
	q.Limit = int(intParam("limit"))
	q.CoopID = intParam("coop_id")
	q.Alliance = intParam("alliance_id")
	if s := c.Query("stars"); s != "" {
		st, err := catalog.ParseStars(s)
		fe.Check("stars", err)
		q.Stars = st
	}
	if s := c.Query("group"); s != "" {
		g, err := catalog.ParseGroup(s)
		fe.Check("group", err)
		q.Group = g
	}
	switch c.Query("archived") {
	case "", "false":
	case "true":
		q.Archived = true
	default:
		fe.Add("archived", "archived is true or false")
	}
	if err := fe.Err(); err != nil {
		return q, err
	}
	return q, q.Normalize()
}
