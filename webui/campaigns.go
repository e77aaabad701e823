package webui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/worker/ops"
)

// Campaign pages (issue 9). Alliance staff make a campaign (with a preview
// of the SKUs it selects), watch it live and read its report; a co-op's
// manager sees the campaigns offered to it and puts SKUs in, as does staff
// holding the co-op's join_campaigns consent. Every rule is the store's;
// the pages turn forms into its calls and its refusals into messages
// beside the fields.

func (ui *UI) mountCampaigns(g *gin.RouterGroup) {
	read, manage := catalog.PermCampaignsRead, catalog.PermCampaignsManage
	g.GET("/campaigns", ui.need(read), ui.campaignsPage)
	g.GET("/campaigns/new", ui.need(manage), ui.campaignNew)
	g.POST("/campaigns/new", ui.need(manage), ui.campaignCreate)
	g.GET("/campaigns/:id", ui.need(read), ui.campaignPage)
	g.GET("/campaigns/:id/live", ui.need(read), ui.campaignLive)
	g.POST("/campaigns/:id/join", ui.need(catalog.PermCampaignsJoin), ui.campaignJoin)
	g.POST("/campaigns/:id/cancel", ui.need(manage), ui.campaignCancel)
	g.GET("/campaigns/:id/report", ui.need(read), ui.campaignReport)
}

func (ui *UI) campaignsPage(c *gin.Context) {
	list, _, err := ui.d.Store.ListCampaigns(c.Request.Context(), catalog.ListQuery{Limit: catalog.MaxLimit})
	if err != nil {
		ui.fail(c, err)
		return
	}
	slices.Reverse(list) // newest first
	ui.render(c, http.StatusOK, "campaigns", ui.newPage(c, "campaigns", "campaigns.title", list))
}

// ---- making a campaign ----

// campaignFormData is the new-campaign form with its choices and, once
// asked for, the preview of the SKUs it selects.
type campaignFormData struct {
	Form      *form
	Groups    []catalog.Group
	Coops     []catalog.Coop
	Channels  []catalog.Platform
	Previewed bool
	Preview   []catalog.CampaignMatch
}

// Has reports whether a repeated field (checkboxes) holds value.
func (f *form) Has(name, value string) bool { return slices.Contains(f.values[name], value) }

func (ui *UI) campaignNew(c *gin.Context) {
	tomorrow := time.Now().In(catalog.Vietnam).AddDate(0, 0, 1)
	f := newForm(map[string][]string{
		"discount.kind": {string(catalog.DiscountPercent)}, "discount.value": {"10"},
		"channels":  {string(catalog.PlatformShopee), string(catalog.PlatformLazada), string(catalog.PlatformZalo)},
		"starts_at": {tomorrow.Format("02/01/2006")}, "starts_at.time": {"00:00"},
		"ends_at": {tomorrow.AddDate(0, 0, 3).Format("02/01/2006")}, "ends_at.time": {"23:59"},
	})
	ui.renderCampaignForm(c, http.StatusOK, f, nil, false)
}

func (ui *UI) renderCampaignForm(c *gin.Context, status int, f *form, preview []catalog.CampaignMatch, previewed bool) {
	coops, err := ui.allianceCoops(c)
	if err != nil {
		ui.fail(c, err)
		return
	}
	d := &campaignFormData{Form: f, Groups: catalog.Groups, Coops: coops, Channels: connectable, Preview: preview, Previewed: previewed}
	ui.render(c, status, "campaign_new", ui.newPage(c, "campaigns", "campaign.new", d))
}

// allianceCoops are the co-ops of the person's alliance (the directory
// staff may see).
func (ui *UI) allianceCoops(c *gin.Context) ([]catalog.Coop, error) {
	var out []catalog.Coop
	q := catalog.ListQuery{Limit: catalog.MaxLimit}
	for {
		page, next, err := ui.d.Store.ListCoops(c.Request.Context(), q)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			return out, nil
		}
		q.Cursor = next
	}
}

// campaignCreate previews the form's campaign (button "preview") or makes
// it. Whatever the store refuses comes back beside its field.
func (ui *UI) campaignCreate(c *gin.Context) {
	ctx := c.Request.Context()
	_ = c.Request.ParseForm()
	f := newForm(c.Request.PostForm)
	p := ui.newPage(c, "campaigns", "campaign.new", nil)
	camp := campaignFromForm(p, f)
	camp.AllianceID = principal(c).AllianceID
	if err := camp.Validate(time.Now()); err != nil {
		f.addErrors(p, err)
		delete(f.Errors, "floors[0].floor") // floors are read below
	}
	matches, err := ui.d.Store.CampaignMatches(ctx, camp)
	if err != nil {
		if !f.addErrors(p, err) {
			ui.fail(c, err)
			return
		}
		matches = nil
	}
	camp.Floors = floorsFromForm(p, f, matches)
	for i, m := range matches {
		if m.VariantID != 0 {
			matches[i].CampaignPrice, matches[i].Applicable = camp.Discount.Price(m.Price, camp.FloorOf(m.VariantID))
		}
	}
	if c.PostForm("action") == "preview" || len(f.Errors) > 0 {
		status := http.StatusOK
		if len(f.Errors) > 0 {
			status, f.Message = http.StatusUnprocessableEntity, p.T("form.has_errors")
		}
		ui.renderCampaignForm(c, status, f, matches, true)
		return
	}
	if err := ops.CreateCampaign(ctx, ui.d.Store, ui.d.Commands.Tasks, &camp); err != nil {
		if !f.addErrors(p, err) {
			ui.fail(c, err)
			return
		}
		for name, msg := range f.Errors {
			if strings.HasPrefix(name, "floors[") {
				f.Errors["floors"] = msg
			}
		}
		f.Message = p.T("form.has_errors")
		ui.renderCampaignForm(c, http.StatusUnprocessableEntity, f, matches, true)
		return
	}
	back(c, fmt.Sprintf("/campaigns/%d", camp.ID), "campaign_created")
}

// campaignFromForm reads the form's campaign; what does not parse is
// marked on the form (the store checks the rest).
func campaignFromForm(p *page, f *form) catalog.Campaign {
	camp := catalog.Campaign{Name: f.Value("name"), Description: f.Value("description"),
		Discount: catalog.Discount{Kind: catalog.DiscountKind(f.Value("discount.kind"))}}
	if s := strings.TrimSpace(f.Value("rules.min_stars")); s != "" {
		n, _ := strconv.Atoi(s)
		camp.Rules.MinStars = catalog.Stars(n)
	}
	for _, g := range f.values["rules.groups"] {
		camp.Rules.Groups = append(camp.Rules.Groups, catalog.Group(g))
	}
	for _, pr := range strings.Split(f.Value("rules.provinces"), ",") {
		if pr = strings.TrimSpace(pr); pr != "" {
			camp.Rules.Provinces = append(camp.Rules.Provinces, pr)
		}
	}
	camp.Rules.CoopIDs = idList(strings.Join(f.values["rules.coop_ids"], ","))
	for _, ch := range f.values["channels"] {
		camp.Channels = append(camp.Channels, catalog.Platform(ch))
	}
	v := strings.TrimSpace(f.Value("discount.value"))
	if camp.Discount.Kind == catalog.DiscountAmount {
		amount, err := catalog.ParseVND(v)
		if err != nil {
			f.Errors["discount.value"] = p.T("field.discount.value")
		}
		camp.Discount.Value = int64(amount)
	} else if n, err := strconv.ParseInt(strings.TrimSuffix(v, "%"), 10, 64); err == nil {
		camp.Discount.Value = n
	} else {
		f.Errors["discount.value"] = p.T("field.discount.value")
	}
	camp.StartsAt = f.moment(p, "starts_at")
	camp.EndsAt = f.moment(p, "ends_at")
	return camp
}

// moment reads a day (dd/mm/yyyy) and a time (hh:mm, default 00:00) in
// Vietnam's time zone.
func (f *form) moment(p *page, name string) time.Time {
	day, clock := strings.TrimSpace(f.Value(name)), strings.TrimSpace(f.Value(name+".time"))
	if clock == "" {
		clock = "00:00"
	}
	for _, layout := range []string{"02/01/2006 15:04", "2/1/2006 15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, day+" "+clock, catalog.Vietnam); err == nil {
			return t
		}
	}
	f.Errors[name] = p.T("field.moment")
	return time.Time{}
}

// floorsFromForm reads the floors textarea: one "SKU price" per line,
// the SKU among the ones the campaign selects.
func floorsFromForm(p *page, f *form, matches []catalog.CampaignMatch) []catalog.PriceFloor {
	var out []catalog.PriceFloor
	for _, line := range strings.Split(f.Value("floors"), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		price, err := catalog.ParseVND(strings.Join(fields[1:], ""))
		if len(fields) < 2 || err != nil || price <= 0 {
			f.Errors["floors"] = p.T("field.floors", "Line", strings.TrimSpace(line))
			continue
		}
		var found []int64
		for _, m := range matches {
			if m.VariantID != 0 && strings.EqualFold(string(m.SKU), fields[0]) {
				found = append(found, m.VariantID)
			}
		}
		if len(found) != 1 {
			f.Errors["floors"] = p.T("field.floors.sku", "SKU", fields[0])
			continue
		}
		out = append(out, catalog.PriceFloor{VariantID: found[0], Floor: price})
	}
	return out
}

// ---- one campaign ----

// offerGroup is one co-op's SKUs on a campaign's page, with whether the
// person may put them in.
type offerGroup struct {
	CoopID   int64
	CoopName string
	Matches  []catalog.CampaignMatch
	Hidden   int
	CanJoin  bool
}

type campaignData struct {
	Campaign  catalog.Campaign
	Offers    []offerGroup
	Items     []catalog.CampaignItem
	Listings  []catalog.CampaignListing
	CoopNames map[int64]string
	CanCancel bool
	// JoinCoop and Join are the refused opt-in form, kept as typed.
	JoinCoop int64
	Join     *form
}

// Live reports whether the page should refresh its listings.
func (d *campaignData) Live() bool { return d.Campaign.Status == catalog.CampaignRunning }

// Joinable reports whether SKUs can still be put in.
func (d *campaignData) Joinable() bool { return d.Campaign.Status == catalog.CampaignScheduled }

// Coop names a co-op of the page.
func (d *campaignData) Coop(id int64) string {
	if n, ok := d.CoopNames[id]; ok {
		return n
	}
	return "#" + strconv.FormatInt(id, 10)
}

// Checked reports whether a SKU's box is ticked: as typed on a refused
// form, else as stored.
func (d *campaignData) Checked(coop int64, m catalog.CampaignMatch) bool {
	if d.Join != nil && d.JoinCoop == coop {
		return d.Join.Has("join", strconv.FormatInt(m.VariantID, 10))
	}
	return m.Joined
}

// Reserved is a SKU's reserved quantity field, typed or stored.
func (d *campaignData) Reserved(coop int64, m catalog.CampaignMatch) field {
	name := "reserved." + strconv.FormatInt(m.VariantID, 10)
	if d.Join != nil && d.JoinCoop == coop {
		return d.Join.F(name)
	}
	return field{Name: name, Value: strconv.FormatInt(m.ReservedQty, 10)}
}

func (ui *UI) campaignPage(c *gin.Context) { ui.showCampaign(c, http.StatusOK, 0, nil) }

func (ui *UI) loadCampaign(c *gin.Context) (*campaignData, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	ctx := c.Request.Context()
	camp, err := ui.d.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &campaignData{Campaign: camp, CoopNames: map[int64]string{}}
	coops, err := ui.allianceCoops(c)
	if err != nil {
		return nil, err
	}
	for _, co := range coops {
		d.CoopNames[co.ID] = co.Name
	}
	if d.Listings, err = ui.d.Store.CampaignListings(ctx, id); err != nil {
		return nil, err
	}
	return d, nil
}

func (ui *UI) showCampaign(c *gin.Context, status int, joinCoop int64, join *form) {
	d, err := ui.loadCampaign(c)
	if err != nil {
		ui.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	d.JoinCoop, d.Join = joinCoop, join
	me := principal(c)
	d.CanCancel = me.Role.Can(catalog.PermCampaignsManage) && !d.Campaign.Status.Over()
	if d.Items, err = ui.d.Store.CampaignItems(ctx, d.Campaign.ID); err != nil {
		ui.fail(c, err)
		return
	}
	matches, err := ui.d.Store.CampaignMatches(ctx, catalog.Campaign{ID: d.Campaign.ID})
	if err != nil {
		ui.fail(c, err)
		return
	}
	scope := catalog.ScopeFrom(ctx)
	for _, m := range matches {
		i := slices.IndexFunc(d.Offers, func(g offerGroup) bool { return g.CoopID == m.CoopID })
		if i < 0 {
			canJoin := me.Role == catalog.RoleCoopManager && me.CoopID == m.CoopID ||
				me.Role == catalog.RoleAllianceStaff && scope.RightsOn(m.CoopID).Has(catalog.RightJoinCampaigns)
			d.Offers = append(d.Offers, offerGroup{CoopID: m.CoopID, CoopName: m.CoopName, CanJoin: canJoin})
			i = len(d.Offers) - 1
		}
		if m.Hidden > 0 {
			d.Offers[i].Hidden += m.Hidden
			continue
		}
		d.Offers[i].Matches = append(d.Offers[i].Matches, m)
	}
	ui.render(c, status, "campaign", ui.newPage(c, "campaigns", "campaign.title", d))
}

// campaignLive is the listings part of the page, which refreshes itself
// while the campaign runs.
func (ui *UI) campaignLive(c *gin.Context) {
	d, err := ui.loadCampaign(c)
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.fragment(c, "campaign", "live", ui.newPage(c, "campaigns", "campaign.title", d))
}

// campaignJoin saves one co-op's ticked SKUs with their reserved
// quantities; a refusal comes back beside the SKU's fields.
func (ui *UI) campaignJoin(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	_ = c.Request.ParseForm()
	f := newForm(c.Request.PostForm)
	p := ui.newPage(c, "campaigns", "campaign.title", nil)
	coopID, _ := strconv.ParseInt(f.Value("coop_id"), 10, 64)
	var items []catalog.CampaignOptIn
	for _, vid := range idList(strings.Join(f.values["join"], ",")) {
		name := "reserved." + strconv.FormatInt(vid, 10)
		qty, err := strconv.ParseInt(strings.TrimSpace(f.Value(name)), 10, 64)
		if strings.TrimSpace(f.Value(name)) == "" {
			qty, err = 0, nil
		}
		if err != nil || qty < 0 {
			f.Errors[name] = p.T("field.items.reserved_qty")
		}
		items = append(items, catalog.CampaignOptIn{VariantID: vid, ReservedQty: qty})
	}
	if len(f.Errors) == 0 {
		_, err = ui.d.Store.SetCampaignItems(c.Request.Context(), id, coopID, items)
		if err == nil {
			back(c, fmt.Sprintf("/campaigns/%d", id), "campaign_joined")
			return
		}
		var ce *catalog.Error
		if !errors.As(err, &ce) || ce.Code == catalog.CodeNotFound || ce.Code == catalog.CodePermissionDenied {
			ui.fail(c, err)
			return
		}
		f.Message = errorMessage(p, err)
		for name, reason := range ce.Fields {
			var i int
			var what string
			if _, scanErr := fmt.Sscanf(name, "items[%d].%s", &i, &what); scanErr == nil && i < len(items) {
				key := "reserved." + strconv.FormatInt(items[i].VariantID, 10)
				if what == "variant_id" {
					key = "join." + strconv.FormatInt(items[i].VariantID, 10)
				}
				f.Errors[key] = fieldMessage(p, "items."+what, reason)
			}
		}
	}
	if f.Message == "" || len(f.Errors) > 0 {
		f.Message = p.T("form.has_errors")
	}
	ui.showCampaign(c, http.StatusUnprocessableEntity, coopID, f)
}

func (ui *UI) campaignCancel(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	if _, err := ops.CancelCampaign(c.Request.Context(), ui.d.Store, ui.d.Commands.Tasks, id); err != nil {
		ui.fail(c, err)
		return
	}
	back(c, fmt.Sprintf("/campaigns/%d", id), "campaign_cancelled")
}

// campaignReportData is the report with its campaign.
type campaignReportData struct {
	Campaign catalog.Campaign
	Report   catalog.CampaignReport
}

// Change is a revenue change in whole percent, "–" with nothing before.
func (campaignReportData) Change(before, after catalog.VND) string {
	if before == 0 {
		return "–"
	}
	return fmt.Sprintf("%+d%%", (int64(after)-int64(before))*100/int64(before))
}

func (ui *UI) campaignReport(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	camp, err := ui.d.Store.Campaign(ctx, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	rep, err := ui.d.Store.CampaignReport(ctx, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	ui.render(c, http.StatusOK, "campaign_report", ui.newPage(c, "campaigns", "campaign.report", &campaignReportData{Campaign: camp, Report: rep}))
}

// Discount is a campaign's discount as people read it: "−10%" or
// "−15.000 ₫".
func (p *page) Discount(d catalog.Discount) string {
	if d.Kind == catalog.DiscountAmount {
		return "−" + catalog.VND(d.Value).String()
	}
	return fmt.Sprintf("−%d%%", d.Value)
}
