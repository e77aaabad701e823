package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// stockLevelView adds the derived available quantity to a level.
type stockLevelView struct {
	catalog.StockLevel
	Available int64 `json:"available"`
}

func (h handlers) stockLevels(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	levels, err := h.store.StockLevels(c.Request.Context(), id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	out := make([]stockLevelView, len(levels))
	for i, l := range levels {
		out[i] = stockLevelView{StockLevel: l, Available: l.Available()}
	}
	c.JSON(http.StatusOK, listResponse[stockLevelView]{Items: out})
}

// adjustmentRequest is the body of POST /variants/{id}/stock/adjustments.
type adjustmentRequest struct {
	WarehouseID int64          `json:"warehouse_id"`
	Delta       int64          `json:"delta"`
	Reason      catalog.Reason `json:"reason"`
	Note        string         `json:"note"`
}

func (h handlers) adjustStock(c *gin.Context) {
	var req adjustmentRequest
	id, ok := pathIDAndBody(c, &req)
	if !ok {
		return
	}
	level, err := h.store.ChangeStock(c.Request.Context(), catalog.StockChange{Op: catalog.OpAdjust, VariantID: id,
		WarehouseID: req.WarehouseID, Quantity: req.Delta, Reason: req.Reason, Note: req.Note, Actor: actor(c)})
	if err != nil {
		abortWithError(c, err)
		return
	}
	h.changed()
	c.JSON(http.StatusOK, stockLevelView{StockLevel: level, Available: level.Available()})
}

func (h handlers) movements(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	q, err := parseListQuery(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	items, next, err := h.store.Movements(c.Request.Context(), id, q)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, listResponse[catalog.Movement]{Items: items, NextCursor: next})
}

// actor names who made a change, for the ledger: the signed-in user's
// username or "token:<name>".
func actor(c *gin.Context) string { return catalog.ScopeFrom(c.Request.Context()).Actor() }
