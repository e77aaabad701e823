package webui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/hibiken/asynq"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/worker"
)

// ---- push audit log ----

type pushesData struct {
	ErrorsOnly bool
	ShopID     int64
	Shops      []catalog.Shop
	Rows       []pushRow
}

type pushRow struct {
	Push    store.PushAudit
	Shop    catalog.Shop
	Listing catalog.Listing
	Product catalog.Product
	SKU     catalog.SKU
}

func (ui *UI) pushesPage(c *gin.Context) {
	ctx := c.Request.Context()
	d := &pushesData{ErrorsOnly: c.Query("errors") == "1"}
	d.ShopID, _ = strconv.ParseInt(c.Query("shop"), 10, 64)
	var err error
	if d.Shops, err = allShops(c, ui.d.Store); err != nil {
		ui.fail(c, err)
		return
	}
	shops := map[int64]catalog.Shop{}
	for _, s := range d.Shops {
		shops[s.ID] = s
	}
	pushes, err := ui.d.Store.Pushes(ctx, store.PushQuery{ShopID: d.ShopID, ErrorsOnly: d.ErrorsOnly, Limit: 100})
	if err != nil {
		ui.fail(c, err)
		return
	}
	listings := map[int64]catalog.Listing{}
	products := map[int64]catalog.Product{}
	for _, push := range pushes {
		row := pushRow{Push: push, Shop: shops[push.ShopID]}
		l, ok := listings[push.ListingID]
		if !ok {
			if l, err = ui.d.Store.Listing(ctx, push.ListingID); err != nil {
				ui.fail(c, err)
				return
			}
			listings[push.ListingID] = l
		}
		pr, ok := products[l.ProductID]
		if !ok {
			if pr, err = ui.d.Store.Product(ctx, l.ProductID); err != nil {
				ui.fail(c, err)
				return
			}
			products[l.ProductID] = pr
		}
		row.Listing, row.Product = l, pr
		for _, v := range pr.Variants {
			if v.ID == l.VariantID {
				row.SKU = v.SKU
			}
		}
		d.Rows = append(d.Rows, row)
	}
	ui.render(c, http.StatusOK, "pushes", ui.newPage(c, "pushes", "pushes.title", d))
}

// ---- job monitor ----

// queues are the worker's queues, most urgent first.
var queues = []string{worker.QueueCritical, worker.QueueDefault, worker.QueueLow}

type jobsData struct {
	Available bool
	Queues    []queueView
	// DeadLetters are the newest stored pushes the worker gave up on (or
	// could not read), of DeadTotal.
	DeadLetters []store.InboxEvent
	DeadTotal   int64
}

type queueView struct {
	Name     string
	Info     *asynq.QueueInfo
	Retry    []*asynq.TaskInfo
	Archived []*asynq.TaskInfo
}

// jobsShown is how many retrying and failed tasks of each queue the page
// lists.
const jobsShown = 20

func (ui *UI) jobsPage(c *gin.Context) {
	d := &jobsData{Available: ui.d.Jobs != nil}
	var err error
	if d.DeadLetters, d.DeadTotal, err = ui.d.Store.DeadLetters(c.Request.Context(), jobsShown); err != nil {
		ui.fail(c, err)
		return
	}
	if d.Available {
		for _, q := range queues {
			qv := queueView{Name: q}
			info, err := ui.d.Jobs.GetQueueInfo(q)
			if err != nil {
				// A queue that never had a task does not exist yet.
				info = &asynq.QueueInfo{Queue: q, Timestamp: time.Now()}
			}
			qv.Info = info
			qv.Retry, _ = ui.d.Jobs.ListRetryTasks(q, asynq.PageSize(jobsShown))
			qv.Archived, _ = ui.d.Jobs.ListArchivedTasks(q, asynq.PageSize(jobsShown))
			d.Queues = append(d.Queues, qv)
		}
	}
	ui.render(c, http.StatusOK, "jobs", ui.newPage(c, "jobs", "jobs.title", d))
}

// jobRun runs a retrying or failed task now.
func (ui *UI) jobRun(c *gin.Context) {
	ui.jobCommand(c, func(q, id string) error { return ui.d.Jobs.RunTask(q, id) }, "job_run")
}

// jobDelete drops a retrying or failed task.
func (ui *UI) jobDelete(c *gin.Context) {
	ui.jobCommand(c, func(q, id string) error { return ui.d.Jobs.DeleteTask(q, id) }, "job_deleted")
}

func (ui *UI) jobCommand(c *gin.Context, run func(queue, id string) error, ok string) {
	if ui.d.Jobs == nil {
		ui.fail(c, &catalog.Error{Code: catalog.CodeUnavailable, Message: "no job inspector"})
		return
	}
	if err := run(c.Param("queue"), c.Param("id")); err != nil {
		ui.fail(c, &catalog.Error{Code: catalog.CodeFailedPrecondition, Message: err.Error()})
		return
	}
	back(c, "/jobs", ok)
}
