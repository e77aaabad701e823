package webui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/catalog/store"
)

// The livestream console (issue 8): start a live with a hold pool per
// variant, watch its counters move while it sells, top the holds up or give
// units back, end it, read its report. Every change goes through the store's
// live methods (the same as /api/v1/live-sessions) and wakes the relay, so
// the other shops drop or get units back at once.

// ---- list and start ----

type liveListData struct {
	// Coops is offered when the person sees several co-ops and has not
	// chosen one; Coop is the chosen one (zero: none yet).
	Coops    []catalog.Coop
	Coop     catalog.Coop
	Sessions []liveRow
	Shops    []catalog.Shop
	Products []liveProduct
	Form     *form
}

type liveRow struct {
	Session catalog.LiveSession
	Shop    catalog.Shop
	Sold    int64
}

type liveProduct struct {
	Product  catalog.Product
	Variants []liveChoice
}

// liveChoice is a variant the start form offers, with what can be sold.
type liveChoice struct {
	Variant   catalog.Variant
	Available int64
	Field     field
}

// plannedEndLayout is how a planned end is typed, in Vietnam's time.
const plannedEndLayout = "02/01/2006 15:04"

// qtyField is the start form's hold input of a variant.
func qtyField(variantID int64) string { return "qty." + strconv.FormatInt(variantID, 10) }

func (ui *UI) livePage(c *gin.Context) {
	ui.showLive(c, http.StatusOK, newForm(nil))
}

// liveCoop is the co-op the live pages work on: the person's own, the one
// chosen (?coop= or the form's coop_id), or the only one in scope; zero
// when the person must choose.
func (ui *UI) liveCoop(c *gin.Context, chosen string) (catalog.Coop, []catalog.Coop, error) {
	ctx := c.Request.Context()
	id := principal(c).CoopID
	if id == 0 {
		id, _ = strconv.ParseInt(chosen, 10, 64)
	}
	if id != 0 {
		coop, err := ui.d.Store.Coop(ctx, id)
		return coop, nil, err
	}
	coops, _, err := ui.d.Store.ListCoops(ctx, catalog.ListQuery{Limit: catalog.MaxLimit})
	if err != nil || len(coops) != 1 {
		return catalog.Coop{}, coops, err
	}
	return coops[0], nil, nil
}

func (ui *UI) showLive(c *gin.Context, status int, f *form) {
	ctx := c.Request.Context()
	chosen := c.Query("coop")
	if v := f.Value("coop_id"); v != "" {
		chosen = v
	}
	d := &liveListData{Form: f}
	var err error
	if d.Coop, d.Coops, err = ui.liveCoop(c, chosen); err != nil {
		ui.fail(c, err)
		return
	}
	shops, shopByID, err := shopsByID(c, ui.d.Store)
	if err != nil {
		ui.fail(c, err)
		return
	}
	for _, s := range shops {
		if s.Connected && s.CoopID == d.Coop.ID {
			d.Shops = append(d.Shops, s)
		}
	}
	sessions, err := ui.d.Store.ListLiveSessions(ctx, catalog.ListQuery{CoopID: d.Coop.ID, Limit: 50})
	if err != nil {
		ui.fail(c, err)
		return
	}
	for _, s := range sessions {
		row := liveRow{Session: s, Shop: shopByID[s.ShopID]}
		for _, h := range s.Holds {
			row.Sold += h.Sold
		}
		d.Sessions = append(d.Sessions, row)
	}
	if d.Coop.ID != 0 {
		if d.Products, err = ui.liveChoices(ctx, d.Coop.ID, f); err != nil {
			ui.fail(c, err)
			return
		}
	}
	ui.render(c, status, "live", ui.newPage(c, "live", "live.title", d))
}

// liveChoices are the co-op's products and variants with their shared
// stock, each with its hold input as typed.
func (ui *UI) liveChoices(ctx context.Context, coopID int64, f *form) ([]liveProduct, error) {
	var products []catalog.Product
	q := catalog.ListQuery{CoopID: coopID, Limit: catalog.MaxLimit}
	for {
		page, next, err := ui.d.Store.ListProducts(ctx, q)
		if err != nil {
			return nil, err
		}
		products = append(products, page...)
		if next == "" {
			break
		}
		q.Cursor = next
	}
	var ids []int64
	for _, p := range products {
		for _, v := range p.Variants {
			ids = append(ids, v.ID)
		}
	}
	stock, err := ui.d.Store.LiveVariants(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]liveProduct, 0, len(products))
	for _, p := range products {
		lp := liveProduct{Product: p}
		for _, v := range p.Variants {
			lp.Variants = append(lp.Variants, liveChoice{Variant: v, Available: stock[v.ID].Available, Field: f.F(qtyField(v.ID))})
		}
		out = append(out, lp)
	}
	return out, nil
}

// liveStart starts a live from the form. Every problem is shown beside its
// field with everything typed kept; a hold beyond the stock says how many
// can be held.
func (ui *UI) liveStart(c *gin.Context) {
	ctx := c.Request.Context()
	f, p := ui.postedForm(c, "live", "live.title")
	coop, _, err := ui.liveCoop(c, f.Value("coop_id"))
	if err != nil {
		ui.fail(c, err)
		return
	}
	products, err := ui.liveChoices(ctx, coop.ID, f)
	if err != nil {
		ui.fail(c, err)
		return
	}
	in := catalog.LiveStart{Title: f.Value("title")}
	if in.ShopID, err = strconv.ParseInt(f.Value("shop_id"), 10, 64); err != nil {
		f.Errors["shop_id"] = p.T("live.field.shop_id")
	}
	if s := strings.TrimSpace(f.Value("planned_end")); s != "" {
		t, err := time.ParseInLocation(plannedEndLayout, s, vietnam)
		if err != nil {
			f.Errors["planned_end"] = p.T("live.field.planned_end")
		}
		in.PlannedEndAt = &t
	}
	var held []int64 // variant of each hold, by its index in in.Holds
	for _, lp := range products {
		for _, v := range lp.Variants {
			name := qtyField(v.Variant.ID)
			s := strings.TrimSpace(f.Value(name))
			if s == "" {
				continue
			}
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 {
				f.Errors[name] = p.T("live.field.quantity")
				continue
			}
			in.Holds = append(in.Holds, catalog.LiveHoldInput{VariantID: v.Variant.ID, Quantity: n})
			held = append(held, v.Variant.ID)
		}
	}
	// The catalog's own checks, so every problem shows at once.
	if err := in.Validate(ui.d.Now()); err != nil && !ui.liveStartErrors(ctx, p, f, in, held, err) {
		ui.fail(c, err)
		return
	}
	if len(f.Errors) == 0 {
		sess, err := ui.d.Store.StartLive(ctx, in)
		if err == nil {
			ui.d.Wake()
			back(c, fmt.Sprintf("/live/%d", sess.ID), "live_started")
			return
		}
		if !ui.liveStartErrors(ctx, p, f, in, held, err) {
			ui.fail(c, err)
			return
		}
	}
	if f.Message == "" {
		f.Message = p.T("form.has_errors")
	}
	ui.showLive(c, http.StatusUnprocessableEntity, f)
}

// liveStartErrors puts a refused start's problems beside the fields;
// false when err is not about the form.
func (ui *UI) liveStartErrors(ctx context.Context, p *page, f *form, in catalog.LiveStart, held []int64, err error) bool {
	var ce *catalog.Error
	if !errors.As(err, &ce) {
		return false
	}
	switch ce.Code {
	case catalog.CodeInsufficientStock:
		can, herr := ui.d.Store.LiveHoldable(ctx, in.ShopID, held)
		if herr != nil {
			return false
		}
		for _, h := range in.Holds {
			if h.Quantity > can[h.VariantID] {
				f.Errors[qtyField(h.VariantID)] = p.T("live.only_n", "N", can[h.VariantID])
			}
		}
		if len(f.Errors) == 0 { // the stock moved since: say so above the form
			f.Message = errorMessage(p, err)
		}
		return true
	case catalog.CodeInvalidArgument, catalog.CodeConflict:
		for name, reason := range ce.Fields {
			field, msg := liveFieldError(p, name, ce.Code, held)
			if msg == "" {
				msg = reason
			}
			if _, typed := f.Errors[field]; !typed && (field != "holds" || !f.hasErrorIn("qty.")) {
				f.Errors[field] = msg // what could not be read is already explained
			}
		}
		if len(ce.Fields) == 0 {
			f.Message = errorMessage(p, err)
		}
		return true
	}
	return false
}

// hasErrorIn reports whether a field named prefix… has an error.
func (f *form) hasErrorIn(prefix string) bool {
	for name := range f.Errors {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// liveFieldError names the form field and the message of a field the store
// refused: "holds[1].quantity" is the second held variant's input.
func liveFieldError(p *page, name string, code catalog.Code, held []int64) (string, string) {
	switch name {
	case "shop_id":
		return name, p.T("live.field.shop_id")
	case "title":
		return name, p.T("live.field.title")
	case "planned_end_at":
		return "planned_end", p.T("live.field.planned_end_future")
	case "holds":
		return name, p.T("live.field.holds")
	}
	var i int
	var rest string
	if n, _ := fmt.Sscanf(strings.Replace(name, "].", "] ", 1), "holds[%d] %s", &i, &rest); n == 2 && i >= 0 && i < len(held) {
		if code == catalog.CodeConflict {
			return qtyField(held[i]), p.T("live.field.held_elsewhere")
		}
		return qtyField(held[i]), p.T("live.field.quantity")
	}
	return name, ""
}

// ---- console ----

type liveConsoleData struct {
	Session   catalog.LiveSession
	Shop      catalog.Shop
	Holds     []liveHoldView
	TotalSold int64
	Live      bool
}

type liveHoldView struct {
	Hold    catalog.LiveHold
	Variant store.LiveVariant
	Low     bool
	// ReduceBy is what the reduce button gives back (at most 10).
	ReduceBy int64
}

// liveBoard reads a session and its counters: sold and left in the hold
// from the session, left elsewhere = the variant's shared stock.
func (ui *UI) liveBoard(ctx context.Context, id int64) (liveConsoleData, error) {
	sess, err := ui.d.Store.LiveSession(ctx, id)
	if err != nil {
		return liveConsoleData{}, err
	}
	ids := make([]int64, len(sess.Holds))
	for i, h := range sess.Holds {
		ids[i] = h.VariantID
	}
	variants, err := ui.d.Store.LiveVariants(ctx, ids)
	if err != nil {
		return liveConsoleData{}, err
	}
	d := liveConsoleData{Session: sess, Live: sess.Status == catalog.LiveOn}
	for _, h := range sess.Holds {
		d.TotalSold += h.Sold
		d.Holds = append(d.Holds, liveHoldView{Hold: h, Variant: variants[h.VariantID],
			Low: d.Live && catalog.LiveLowHold(h), ReduceBy: min(10, h.Held)})
	}
	return d, nil
}

func (ui *UI) liveConsole(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.showConsole(c, id, http.StatusOK, "")
}

func (ui *UI) showConsole(c *gin.Context, id int64, status int, problem string) {
	ctx := c.Request.Context()
	d, err := ui.liveBoard(ctx, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	if d.Shop, err = ui.d.Store.Shop(ctx, d.Session.ShopID); err != nil {
		ui.fail(c, err)
		return
	}
	p := ui.newPage(c, "live", "live.console", &d)
	p.Title = d.Session.Title
	if problem != "" {
		p.Flash, p.FlashBad = problem, true
	}
	ui.render(c, status, "live_console", p)
}

// liveHold tops a hold up (+10, +50) or gives units back.
func (ui *UI) liveHold(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	p := ui.newPage(c, "live", "live.console", nil)
	variantID, _ := strconv.ParseInt(c.PostForm("variant_id"), 10, 64)
	delta, err := strconv.ParseInt(strings.TrimPrefix(c.PostForm("delta"), "+"), 10, 64)
	if err != nil || delta == 0 {
		ui.showConsole(c, id, http.StatusUnprocessableEntity, p.T("field.delta"))
		return
	}
	sess, err := ui.d.Store.AdjustLiveHold(ctx, id, variantID, delta)
	if err == nil {
		ui.d.Wake()
		ok := "hold_added"
		if delta < 0 {
			ok = "hold_given_back"
		}
		back(c, fmt.Sprintf("/live/%d#hold-%d", sess.ID, variantID), ok)
		return
	}
	switch catalog.ErrorCode(err) {
	case catalog.CodeInsufficientStock:
		ui.showConsole(c, id, http.StatusUnprocessableEntity, ui.topUpProblem(ctx, p, id, variantID, delta))
	case catalog.CodeFailedPrecondition, catalog.CodeInvalidArgument:
		ui.showConsole(c, id, http.StatusUnprocessableEntity, errorMessage(p, err))
	default:
		ui.fail(c, err)
	}
}

// topUpProblem says how many units a top-up could take (from the hold's
// warehouse) or give back (what is left in the pool).
func (ui *UI) topUpProblem(ctx context.Context, p *page, sessionID, variantID, delta int64) string {
	sess, err := ui.d.Store.LiveSession(ctx, sessionID)
	if err != nil {
		return errorMessage(p, err)
	}
	for _, h := range sess.Holds {
		if h.VariantID != variantID {
			continue
		}
		if delta < 0 {
			return p.T("live.give_back_only", "N", h.Held)
		}
		levels, err := ui.d.Store.StockLevels(ctx, variantID)
		if err != nil {
			return errorMessage(p, err)
		}
		for _, l := range levels {
			if l.WarehouseID == h.WarehouseID {
				return p.T("live.only_n", "N", max(l.Available(), 0))
			}
		}
	}
	return p.T("error.insufficient_stock")
}

// liveEnd ends the live: leftovers go back to every shop.
func (ui *UI) liveEnd(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	if _, err := ui.d.Store.EndLive(c.Request.Context(), id); err != nil {
		ui.fail(c, err)
		return
	}
	ui.d.Wake()
	back(c, fmt.Sprintf("/live/%d", id), "live_ended")
}

// ---- counters, streamed ----

// liveCounters are what the console's script writes into the page.
type liveCounters struct {
	Status string        `json:"status"`
	Sold   int64         `json:"sold"`
	Holds  []liveCounter `json:"holds"`
}

type liveCounter struct {
	VariantID int64 `json:"variant_id"`
	Sold      int64 `json:"sold"`
	Held      int64 `json:"held"`
	Elsewhere int64 `json:"elsewhere"`
	Low       bool  `json:"low"`
}

func (d liveConsoleData) counters() liveCounters {
	out := liveCounters{Status: string(d.Session.Status), Sold: d.TotalSold, Holds: make([]liveCounter, len(d.Holds))}
	for i, h := range d.Holds {
		out.Holds[i] = liveCounter{VariantID: h.Hold.VariantID, Sold: h.Hold.Sold, Held: h.Hold.Held,
			Elsewhere: h.Variant.Available, Low: h.Low}
	}
	return out
}

// How the counters stream: read every liveTick, sent when they change (a
// comment keeps a quiet stream open through proxies); the session is
// checked again every liveAuthEvery, so a stream ends soon after its
// person signs out or their session expires (the page then goes to the
// sign-in page and comes back); a stream lasts at most liveStreamFor, then
// the browser reconnects by itself.
const (
	liveTick      = 500 * time.Millisecond
	liveKeepAlive = 15 * time.Second
	liveAuthEvery = 5 * time.Second
	liveStreamFor = 10 * time.Minute
)

// liveEvents streams the console's counters as server-sent events (JSON)
// while the browser keeps the page open, until the live ends.
func (ui *UI) liveEvents(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	d, err := ui.liveBoard(ctx, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	c.Status(http.StatusOK)
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetReadDeadline(time.Time{}) // the server's read timeout would end the stream
	send := func(s string) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Writer.WriteString(s); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("retry: 1000\n\n") {
		return
	}
	tick := time.NewTicker(liveTick)
	defer tick.Stop()
	end := time.After(liveStreamFor)
	stop := ui.shutdownOf(c.Request)
	var last []byte
	lastSent, lastAuth := time.Now(), time.Now()
	for {
		b, _ := json.Marshal(d.counters())
		switch {
		case string(b) != string(last):
			if !send("data: " + string(b) + "\n\n") {
				return
			}
			last, lastSent = b, time.Now()
		case time.Since(lastSent) > liveKeepAlive:
			if !send(": keep-alive\n\n") {
				return
			}
			lastSent = time.Now()
		}
		if !d.Live {
			return
		}
		if time.Since(lastAuth) > liveAuthEvery {
			if _, err := ui.authenticate(c.Request); err != nil {
				return
			}
			lastAuth = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		case <-end:
			return
		case <-tick.C:
		}
		if d, err = ui.liveBoard(ctx, id); err != nil {
			if ctx.Err() == nil {
				ui.d.Logger.ErrorContext(ctx, "live counters", "session", id, "err", err)
			}
			return
		}
	}
}

// shutdownOf is closed when the server that serves r shuts down, so open
// streams end and a graceful shutdown need not wait for them.
func (ui *UI) shutdownOf(r *http.Request) <-chan struct{} {
	srv, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	if srv == nil {
		return nil
	}
	ui.streamsMu.Lock()
	defer ui.streamsMu.Unlock()
	ch, ok := ui.streams[srv]
	if !ok {
		ch = make(chan struct{})
		ui.streams[srv] = ch
		srv.RegisterOnShutdown(func() { close(ch) })
	}
	return ch
}

// streamStops are the channels shutdownOf hands out, one per server.
type streamStops struct {
	streamsMu sync.Mutex
	streams   map[*http.Server]chan struct{}
}

// ---- report ----

type liveReportData struct {
	Session catalog.LiveSession
	Shop    catalog.Shop
	Report  catalog.LiveReport
	Rows    []liveReportRow
	Holds   []liveHoldView
	Units   int64
	Revenue catalog.VND
}

type liveReportRow struct {
	Row     catalog.LiveReportRow
	Shop    catalog.Shop
	Variant store.LiveVariant
}

func (ui *UI) liveReport(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	board, err := ui.liveBoard(ctx, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	rep, err := ui.d.Store.LiveReport(ctx, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	_, byID, err := shopsByID(c, ui.d.Store)
	if err != nil {
		ui.fail(c, err)
		return
	}
	variants := map[int64]store.LiveVariant{}
	for _, h := range board.Holds {
		variants[h.Hold.VariantID] = h.Variant
	}
	d := &liveReportData{Session: board.Session, Shop: byID[board.Session.ShopID], Report: rep, Holds: board.Holds}
	for _, r := range rep.Lines {
		d.Rows = append(d.Rows, liveReportRow{Row: r, Shop: byID[r.ShopID], Variant: variants[r.VariantID]})
		d.Units += r.Units
		d.Revenue += r.Revenue
	}
	p := ui.newPage(c, "live", "live.report", d)
	ui.render(c, http.StatusOK, "live_report", p)
}

// shopsByID reads every shop in scope (a co-op has a handful), also by id.
func shopsByID(c *gin.Context, st Store) ([]catalog.Shop, map[int64]catalog.Shop, error) {
	shops, err := allShops(c, st)
	byID := make(map[int64]catalog.Shop, len(shops))
	for _, s := range shops {
		byID[s.ID] = s
	}
	return shops, byID, err
}
