package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/worker/ops"
)

// categoryRoutes: a shop's platform categories and their attributes, and a
// product's confirmed category per platform.
func (h syncHandlers) categoryRoutes(g *gin.RouterGroup) {
	g.GET("/shops/:id/categories", h.shopCategories)
	g.GET("/shops/:id/categories/:category_id/attributes", h.categoryAttributes)
	g.GET("/products/:id/categories", h.productCategories)
	g.PUT("/products/:id/categories/:platform", h.setProductCategory)
}

// shopCategories is GET /shops/{id}/categories?q=: leaf categories of the
// shop's platform matching q without diacritics (at most 50).
func (h syncHandlers) shopCategories(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	cats, err := h.cmds.SearchCategories(c.Request.Context(), id, c.Query("q"))
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, listResponse[catalog.Category]{Items: cats})
}

// categoryAttributes is GET /shops/{id}/categories/{category_id}/attributes.
func (h syncHandlers) categoryAttributes(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	attrs, err := h.cmds.CategoryAttributes(c.Request.Context(), id, c.Param("category_id"))
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, listResponse[catalog.Attribute]{Items: attrs})
}

// productCategories is GET /products/{id}/categories: per platform the
// co-op sells on, the confirmed choice, the suggestion, the category a
// publish would use and its attributes with the values it would send.
func (h syncHandlers) productCategories(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	placements, err := h.cmds.ProductPlacements(c.Request.Context(), id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, listResponse[ops.ProductPlacement]{Items: placements})
}

// productCategoryRequest is the body of PUT /products/{id}/categories/{platform}.
type productCategoryRequest struct {
	CategoryID string            `json:"category_id"`
	Attributes map[string]string `json:"attributes"`
	// Version is the choice's version that was read; 0 (or absent) makes
	// the first choice.
	Version int64 `json:"version"`
}

// setProductCategory is PUT /products/{id}/categories/{platform}: the
// manager confirms a category and fills its attributes. A category that
// is not a leaf of the platform, or a mandatory attribute left empty, is
// invalid_argument (fields category_id, attributes.<id>); nothing is
// stored.
func (h syncHandlers) setProductCategory(c *gin.Context) {
	var req productCategoryRequest
	id, ok := pathIDAndBody(c, &req)
	if !ok {
		return
	}
	platform, err := catalog.ParsePlatform(c.Param("platform"))
	if err != nil {
		abortWithError(c, invalid("platform", err.Error()))
		return
	}
	choice := catalog.CategoryChoice{ProductID: id, Platform: platform, CategoryID: req.CategoryID,
		Attributes: req.Attributes, Version: req.Version}
	pp, err := h.cmds.SetProductCategory(c.Request.Context(), &choice)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, pp)
}
