package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// Livestream sessions: start with holds, top up or give back, end, report.
// Every change moves stock, so the relay is woken to push every shop now.
func (h syncHandlers) liveRoutes(g *gin.RouterGroup) {
	g.GET("/live-sessions", h.listLive)
	g.POST("/live-sessions", h.startLive)
	g.GET("/live-sessions/:id", getHandler(h.Store.LiveSession, func(s *catalog.LiveSession) int64 { return s.Version }))
	g.POST("/live-sessions/:id/holds", h.adjustLiveHold)
	g.POST("/live-sessions/:id/end", h.endLive)
	g.GET("/live-sessions/:id/report", h.liveReport)
}

func (h syncHandlers) listLive(c *gin.Context) {
	q, err := parseListQuery(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	items, err := h.Store.ListLiveSessions(c.Request.Context(), q)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": ""})
}

func (h syncHandlers) startLive(c *gin.Context) {
	var in catalog.LiveStart
	if err := decodeJSON(c, &in); err != nil {
		abortWithError(c, err)
		return
	}
	sess, err := h.Store.StartLive(c.Request.Context(), in)
	h.answerLive(c, http.StatusCreated, sess, err)
}

// liveHoldRequest tops a hold up (delta > 0) or gives units back (< 0).
type liveHoldRequest struct {
	VariantID int64 `json:"variant_id"`
	Delta     int64 `json:"delta"`
}

func (h syncHandlers) adjustLiveHold(c *gin.Context) {
	var req liveHoldRequest
	id, ok := pathIDAndBody(c, &req)
	if !ok {
		return
	}
	sess, err := h.Store.AdjustLiveHold(c.Request.Context(), id, req.VariantID, req.Delta)
	h.answerLive(c, http.StatusOK, sess, err)
}

func (h syncHandlers) endLive(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	sess, err := h.Store.EndLive(c.Request.Context(), id)
	h.answerLive(c, http.StatusOK, sess, err)
}

func (h syncHandlers) answerLive(c *gin.Context, status int, sess catalog.LiveSession, err error) {
	if err != nil {
		abortWithError(c, err)
		return
	}
	if h.Wake != nil {
		h.Wake()
	}
	c.JSON(status, sess)
}

func (h syncHandlers) liveReport(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	rep, err := h.Store.LiveReport(c.Request.Context(), id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}
