package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// archiveRequest names the version the caller saw (or If-Match does).
type archiveRequest struct {
	Version int64 `json:"version"`
}

// archiveProduct archives (POST …/archive) or restores (POST …/restore) a
// product: archived, the worker delists it from every shop; its variants,
// stock and orders stay for history. Answers the product.
func (h handlers) archiveProduct(archived bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req archiveRequest
		id, ok := pathIDAndBody(c, &req)
		if !ok {
			return
		}
		if err := versionFromRequest(c, &req.Version); err != nil {
			abortWithError(c, err)
			return
		}
		p, err := h.store.ArchiveProduct(c.Request.Context(), id, req.Version, archived)
		if err != nil {
			abortWithError(c, err)
			return
		}
		h.changed()
		c.Header("ETag", etag(p.Version))
		c.JSON(http.StatusOK, p)
	}
}
