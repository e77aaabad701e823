package api_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/catalog/store/storetest"
)

// TestCampaignOptInNeedsConsent walks a campaign over HTTP: staff make it
// for co-ops A and C, A's manager sees A's offer and opts in; staff may
// opt A in only once A grants join_campaigns (recorded in A's audit log),
// and never C, whose consent is someone else's; the report comes as JSON
// and CSV; cancelling happens once.
func TestCampaignOptInNeedsConsent(t *testing.T) {
	eachKeyed(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st)
		staff, manager := w.callers[catalog.RoleAllianceStaff], w.callers[catalog.RoleCoopManager]
		start := time.Now().Add(time.Hour).UTC()
		body := map[string]any{"name": "Tuần lễ chè OCOP 4★", "rules": map[string]any{"min_stars": 4, "coop_ids": []int64{w.A.coop.ID, w.C.coop.ID}},
			"discount": map[string]any{"kind": "percent", "value": 10}, "channels": []string{"lazada", "shopee"},
			"floors":    []map[string]any{{"variant_id": w.A.id("variant"), "floor": 80000}},
			"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(72 * time.Hour).Format(time.RFC3339)}

		bad := requireError(t, staff.do("POST", "/api/v1/campaigns", map[string]any{"discount": map[string]any{"kind": "percent", "value": 0},
			"channels": []string{"lazada"}, "starts_at": start.Format(time.RFC3339), "ends_at": start.Add(-time.Hour).Format(time.RFC3339)}),
			http.StatusBadRequest, catalog.CodeInvalidArgument)
		for _, f := range []string{"name", "discount.value", "ends_at"} {
			require.Contains(t, bad, f)
		}
		requireError(t, manager.do("POST", "/api/v1/campaigns", body), http.StatusForbidden, catalog.CodePermissionDenied)

		preview := decode[struct{ Items []catalog.CampaignMatch }](t, staff.do("POST", "/api/v1/campaigns/preview", body), http.StatusOK)
		require.NotEmpty(t, preview.Items)
		for _, m := range preview.Items {
			if m.CoopID == w.C.coop.ID {
				require.Zero(t, m.VariantID, "C gave these staff no consent: counted, not shown")
				require.Positive(t, m.Hidden)
			}
		}

		r := staff.do("POST", "/api/v1/campaigns", body)
		requireSchema(t, "Campaign", r.Body)
		c := decode[catalog.Campaign](t, r, http.StatusCreated)
		require.Equal(t, w.A.alliance.ID, c.AllianceID)
		require.Equal(t, catalog.CampaignScheduled, c.Status)
		require.Equal(t, "/api/v1/campaigns/"+itoa(c.ID), r.Header.Get("Location"))
		path := "/api/v1/campaigns/" + itoa(c.ID)

		list := decode[struct{ Items []catalog.Campaign }](t, manager.do("GET", "/api/v1/campaigns", nil), http.StatusOK)
		require.True(t, containsCampaign(list.Items, c.ID), "offered to A")
		offers := manager.do("GET", path+"/offers", nil)
		requireSchema(t, "CampaignMatchList", offers.Body)
		mine := decode[struct{ Items []catalog.CampaignMatch }](t, offers, http.StatusOK)
		require.Len(t, mine.Items, 1)
		require.Equal(t, w.A.id("variant"), mine.Items[0].VariantID)
		require.Equal(t, catalog.VND(86000), mine.Items[0].CampaignPrice, "95.000 − 10 %, rounded")
		require.NotContains(t, string(offers.Body), w.C.marker)

		join := func(coop tenantObjects, qty int) map[string]any {
			return map[string]any{"coop_id": coop.id("coop"), "items": []map[string]any{{"variant_id": coop.id("variant"), "reserved_qty": qty}}}
		}
		requireError(t, staff.do("PUT", path+"/items", join(w.A, 2)), http.StatusForbidden, catalog.CodePermissionDenied)
		var staffID int64
		require.NoError(t, st.DB().Table("users").Where("username = ?", "staff.la").Pluck("id", &staffID).Error)
		g := catalog.Grant{CoopID: w.A.coop.ID, StaffUserID: staffID, Rights: catalog.Rights{catalog.RightJoinCampaigns}, ExpiresAt: time.Now().Add(time.Hour)}
		require.NoError(t, st.CreateGrant(catalog.WithScope(storetest.Operator(), catalog.CoopScope(w.A.coop.ID)), &g))
		r = staff.do("PUT", path+"/items", join(w.A, 2))
		requireSchema(t, "CampaignItemList", r.Body)
		items := decode[struct{ Items []catalog.CampaignItem }](t, r, http.StatusOK)
		require.Len(t, items.Items, 1)
		require.Equal(t, "staff.la", items.Items[0].JoinedBy)
		requireError(t, staff.do("PUT", path+"/items", join(w.C, 1)), http.StatusForbidden, catalog.CodePermissionDenied)
		audit := manager.do("GET", "/api/v1/coops/"+itoa(w.A.coop.ID)+"/audit", nil)
		require.Contains(t, string(audit.Body), "campaign.joined", "A reads what staff did for it")

		fields := requireError(t, manager.do("PUT", path+"/items", join(w.A, 5000)), http.StatusBadRequest, catalog.CodeInvalidArgument)
		require.Contains(t, fields, "items[0].reserved_qty")
		r = manager.do("PUT", path+"/items", join(w.A, 3))
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)

		r = staff.do("GET", path+"/report", nil)
		requireSchema(t, "CampaignReport", r.Body)
		rep := decode[catalog.CampaignReport](t, r, http.StatusOK)
		require.Equal(t, 1, rep.Coops)
		r = staff.do("GET", path+"/report.csv", nil)
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, "text/csv; charset=utf-8", r.Header.Get("Content-Type"))
		require.Contains(t, r.Header.Get("Content-Disposition"), "attachment")
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Body), "\ufeff"))).ReadAll()
		require.NoError(t, err)
		require.Equal(t, "coop_code", rows[0][0])
		require.Len(t, rows, 1+2+1, "header, A on Lazada and Shopee, total")
		require.Equal(t, w.A.coop.Code, rows[1][0])
		require.Equal(t, "TOTAL", rows[3][1])

		r = staff.do("GET", path+"/listings", nil)
		requireSchema(t, "CampaignListingList", r.Body)
		cancelled := decode[catalog.Campaign](t, staff.do("POST", path+"/cancel", nil), http.StatusOK)
		require.Equal(t, catalog.CampaignCancelled, cancelled.Status)
		requireError(t, staff.do("POST", path+"/cancel", nil), http.StatusConflict, catalog.CodeFailedPrecondition)
	})
}

func containsCampaign(cs []catalog.Campaign, id int64) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}
