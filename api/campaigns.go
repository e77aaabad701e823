package api

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/worker/ops"
)

// CampaignStore is what the campaign routes use (ops.CampaignStore).
type CampaignStore = ops.CampaignStore

// campaignHandlers serve alliance promotion campaigns: the alliance makes,
// previews, watches and cancels them; co-ops see what is offered to them
// and put SKUs in.
type campaignHandlers struct {
	store CampaignStore
	tasks Enqueuer
}

func (h campaignHandlers) routes(g *gin.RouterGroup) {
	g.GET("/campaigns", listHandler(h.store.ListCampaigns))
	g.POST("/campaigns", h.create)
	g.POST("/campaigns/preview", h.preview)
	g.GET("/campaigns/:id", getHandler(h.store.Campaign, func(c *catalog.Campaign) int64 { return c.Version }))
	g.POST("/campaigns/:id/cancel", h.cancel)
	g.GET("/campaigns/:id/offers", h.offers)
	g.GET("/campaigns/:id/items", listOf(h.store.CampaignItems))
	g.PUT("/campaigns/:id/items", h.setItems)
	g.GET("/campaigns/:id/listings", listOf(h.store.CampaignListings))
	g.GET("/campaigns/:id/report", getHandler(h.store.CampaignReport, nil))
	g.GET("/campaigns/:id/report.csv", h.reportCSV)
}

// listOf serves the whole list of an object's children as one page.
func listOf[T any](list func(ctx context.Context, id int64) ([]T, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c)
		if err != nil {
			abortWithError(c, err)
			return
		}
		items, err := list(c.Request.Context(), id)
		if err != nil {
			abortWithError(c, err)
			return
		}
		if items == nil {
			items = []T{}
		}
		c.JSON(http.StatusOK, listResponse[T]{Items: items})
	}
}

func (h campaignHandlers) create(c *gin.Context) {
	var camp catalog.Campaign
	if err := decodeJSON(c, &camp); err != nil {
		abortWithError(c, err)
		return
	}
	if err := ops.CreateCampaign(c.Request.Context(), h.store, h.tasks, &camp); err != nil {
		abortWithError(c, err)
		return
	}
	created(c, camp.ID, etag(camp.Version), &camp)
}

// preview answers which SKUs a campaign not yet made would select, and
// their campaign prices.
func (h campaignHandlers) preview(c *gin.Context) {
	var camp catalog.Campaign
	if err := decodeJSON(c, &camp); err != nil {
		abortWithError(c, err)
		return
	}
	camp.ID = 0
	items, err := h.store.CampaignMatches(c.Request.Context(), camp)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, listResponse[catalog.CampaignMatch]{Items: items})
}

func (h campaignHandlers) cancel(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	camp, err := ops.CancelCampaign(c.Request.Context(), h.store, h.tasks, id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("ETag", etag(camp.Version))
	c.JSON(http.StatusOK, &camp)
}

// offers lists the SKUs a stored campaign selects that the caller may
// see (a co-op: its own), with each one's opt-in.
func (h campaignHandlers) offers(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	items, err := h.store.CampaignMatches(c.Request.Context(), catalog.Campaign{ID: id})
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, listResponse[catalog.CampaignMatch]{Items: items})
}

// campaignItemsRequest is the body of PUT /campaigns/{id}/items: the
// whole set of a co-op's SKUs in the campaign (coop_id 0: the caller's).
type campaignItemsRequest struct {
	CoopID int64                   `json:"coop_id"`
	Items  []catalog.CampaignOptIn `json:"items"`
}

func (h campaignHandlers) setItems(c *gin.Context) {
	var req campaignItemsRequest
	id, ok := pathIDAndBody(c, &req)
	if !ok {
		return
	}
	items, err := h.store.SetCampaignItems(c.Request.Context(), id, req.CoopID, req.Items)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, listResponse[catalog.CampaignItem]{Items: items})
}

// reportCSV is the report as a spreadsheet: one row per co-op and channel,
// then the totals. UTF-8 with a byte-order mark, so Excel shows the
// Vietnamese names right.
func (h campaignHandlers) reportCSV(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	rep, err := h.store.CampaignReport(c.Request.Context(), id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="campaign-%d-report.csv"`, id))
	c.Status(http.StatusOK)
	_, _ = c.Writer.WriteString("\ufeff")
	_ = WriteCampaignReport(csv.NewWriter(c.Writer), rep)
}

// WriteCampaignReport writes a campaign report as CSV rows, every cell
// made safe for a spreadsheet (catalog.SpreadsheetCell): co-op names and
// codes are typed by people.
func WriteCampaignReport(w *csv.Writer, rep catalog.CampaignReport) error {
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	rows := [][]string{{"coop_code", "coop_name", "channel", "skus", "units_before", "revenue_before_vnd", "units", "revenue_vnd", "change_percent"}}
	for _, l := range rep.Lines {
		rows = append(rows, []string{l.CoopCode, l.CoopName, string(l.Platform), strconv.Itoa(l.SKUs), n(l.UnitsBefore),
			n(int64(l.RevenueBefore)), n(l.Units), n(int64(l.Revenue)), change(l.RevenueBefore, l.Revenue)})
	}
	rows = append(rows, []string{"", "TOTAL", "", strconv.Itoa(rep.SKUs), n(rep.UnitsBefore), n(int64(rep.RevenueBefore)),
		n(rep.Units), n(int64(rep.Revenue)), change(rep.RevenueBefore, rep.Revenue)})
	for _, row := range rows {
		if err := w.Write(catalog.SpreadsheetRow(row)); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// change is the revenue's change in whole percent, "" when there was none
// before to compare with.
func change(before, after catalog.VND) string {
	if before == 0 {
		return ""
	}
	return strconv.FormatInt((int64(after)-int64(before))*100/int64(before), 10)
}
