package webui

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
	"ocophub/catalog/csvimport"
	"ocophub/catalog/store"
	"ocophub/connectors/driver"
	"ocophub/worker"
)

func messages(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := localeFiles.ReadFile("locales/" + lang + ".json")
	require.NoError(t, err)
	m := map[string]string{}
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// TestMessagesComplete: both languages have the same messages, and every
// message a template or handler names, or builds from a value the code
// can produce, exists.
func TestMessagesComplete(t *testing.T) {
	vi, en := messages(t, "vi"), messages(t, "en")
	for k := range vi {
		require.Contains(t, en, k, "English lacks %s", k)
	}
	for k := range en {
		require.Contains(t, vi, k, "Vietnamese lacks %s", k)
	}
	used := map[string]bool{}
	flash := regexp.MustCompile(`(?:back|listingCommand|jobCommand)\(.*, "([a-z_]+)"\)`)
	literal := regexp.MustCompile(`\.T "([a-z0-9_.:]+)"|p\.T\("([a-z0-9_.:]+)"\)`)
	templates, _ := fs.Glob(templateFiles, "templates/*.html")
	handlers, _ := filepath.Glob("*.go")
	for _, f := range append(templates, handlers...) {
		b, err := fs.ReadFile(templateFiles, f)
		if err != nil {
			b, err = os.ReadFile(f)
		}
		require.NoError(t, err)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			used[m[1]+m[2]] = true
		}
		for _, m := range flash.FindAllStringSubmatch(string(b), -1) {
			used["flash."+m[1]] = true
		}
	}
	for _, reason := range []string{"credentials", "too_many", "unavailable"} { // api.Auth's LoginForm
		used["login.error."+reason] = true
	}
	require.Contains(t, used, "dashboard.title", "the scan finds keys")
	for _, s := range catalog.Groups {
		used["group."+string(s)] = true
	}
	// Every code an import reports, from the parser and from the store.
	for _, c := range []string{csvimport.CodeRequired, csvimport.CodeInvalidValue, csvimport.CodeInconsistent,
		csvimport.CodeDuplicate, csvimport.CodeUnknownColumn, csvimport.CodeMissingColumn, csvimport.CodeMalformed,
		csvimport.CodeTooManyRows, csvimport.CodeTooManyErrors, "conflict", "permission_denied", "stock_changed",
		"insufficient_stock"} {
		used["import.code."+c] = true
	}
	for _, col := range importHints {
		used["import.hint."+col] = true
	}
	for _, s := range []catalog.ListingStatus{catalog.ListingDraft, catalog.ListingPublishing, catalog.ListingLive, catalog.ListingError, catalog.ListingDelisted} {
		used["listing."+string(s)] = true
	}
	for _, s := range orderStatuses {
		used["order."+string(s)] = true
	}
	for _, r := range adjustReasons {
		used["reason."+string(r)] = true
	}
	for _, c := range explainedCodes {
		used["explain."+string(c)] = true
	}
	for _, q := range queues {
		used["jobs.queue."+q] = true
	}
	for _, s := range []catalog.CampaignStatus{catalog.CampaignScheduled, catalog.CampaignRunning, catalog.CampaignEnded, catalog.CampaignCancelled} {
		used["campaign.status."+string(s)] = true
	}
	for _, s := range []catalog.CampaignListingState{catalog.CampaignListingPending, catalog.CampaignListingApplied,
		catalog.CampaignListingRestored, catalog.CampaignListingSkipped} {
		used["campaign.state."+string(s)] = true
	}
	for _, k := range []string{worker.KindStockPush, worker.KindListingPublish, worker.KindOrderIngest, worker.KindOrdersPoll,
		worker.KindTokenRefresh, worker.KindStockReconcile, worker.KindListingUpdate, worker.KindListingDelist, worker.KindOrderShip,
		worker.KindCampaignStart, worker.KindCampaignEnd, worker.KindCampaignSync} {
		used["task."+k] = true
	}
	for _, code := range []catalog.Code{catalog.CodeInvalidArgument, catalog.CodeUnauthenticated, catalog.CodePermissionDenied,
		catalog.CodeNotFound, catalog.CodeConflict, catalog.CodeInsufficientStock, catalog.CodeFailedPrecondition,
		catalog.CodeUnavailable, catalog.CodeInternal} {
		used["error."+string(code)] = true
	}
	for _, s := range []catalog.PriceSource{catalog.PriceFromCatalog, catalog.PriceFromRule, catalog.PriceFromOverride, catalog.PriceFromCampaign} {
		used["shop_prices.from_"+string(s)] = true
	}
	for _, k := range []string{"price_rule.text_percent", "price_rule.text_amount", "field.price_value_percent", "field.price_value_amount"} {
		used[k] = true // p.T with arguments, or chosen by kind
	}
	for k := range used {
		require.Contains(t, vi, k, "no message %s", k)
	}
}

func TestExplanationOfChannelErrors(t *testing.T) {
	for _, tc := range []struct{ stored, want string }{
		{(&driver.Error{Code: driver.CodeUnavailable, Vendor: "-1", Message: "Internal server error"}).Error(), "explain.unavailable"},
		{"set stock: " + (&driver.Error{Code: driver.CodeFailedPrecondition, Message: "below reserved"}).Error(), "explain.failed_precondition"},
		{(&driver.Error{Code: driver.CodeInvalidArgument, Message: "name too long"}).Error(), "explain.invalid_argument"},
		{"unauthenticated: token expired", "explain.unauthenticated"},
		{"connection reset by peer", "explain.unknown"},
	} {
		require.Equal(t, tc.want, explanationID(tc.stored), tc.stored)
	}
}

func TestShopLight(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	ok := &store.PushAudit{ID: 2, Result: "ok", At: now.Add(-time.Minute)}
	failed := &store.PushAudit{ID: 3, Result: "error", Error: "unavailable", At: now}
	connected := catalog.Shop{Connected: true, RefreshExpiresAt: now.AddDate(0, 0, 30)}
	listings := func(s catalog.ListingStatus, n int) map[catalog.ListingStatus]int {
		return map[catalog.ListingStatus]int{s: n}
	}
	for _, tc := range []struct {
		name   string
		shop   catalog.Shop
		sync   *store.ShopSync
		color  string
		reason string
	}{
		{"disconnected", catalog.Shop{}, nil, "red", "health.disconnected"},
		{"grant over", catalog.Shop{Connected: true, AuthorizedUntil: now.Add(-time.Hour)}, nil, "red", "health.expired"},
		{"last push failed", connected, &store.ShopSync{LastOK: ok, LastError: failed}, "red", "health.push_failing"},
		{"publish failed", connected, &store.ShopSync{Listings: listings(catalog.ListingError, 2), LastOK: ok}, "red", "health.listing_errors"},
		{"grant ends in 3 days", catalog.Shop{Connected: true, AuthorizedUntil: now.AddDate(0, 0, 3)}, &store.ShopSync{LastOK: ok}, "amber", "health.expiring"},
		{"behind for long", connected, &store.ShopSync{Behind: 4, LastOK: &store.PushAudit{ID: 1, At: now.Add(-time.Hour)}}, "amber", "health.behind"},
		{"behind for a moment", connected, &store.ShopSync{Behind: 4, LastOK: ok}, "green", "health.ok"},
		{"failed then fixed", connected, &store.ShopSync{LastOK: &store.PushAudit{ID: 4, At: now}, LastError: failed}, "green", "health.ok"},
		{"nothing yet", connected, nil, "green", "health.ok_nothing_yet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := shopLight(tc.shop, tc.sync, now)
			require.Equal(t, tc.color, l.Color)
			require.Equal(t, tc.reason, l.Reason)
		})
	}
}

func TestSalesChart(t *testing.T) {
	from := time.Date(2026, 10, 24, 0, 0, 0, 0, vietnam)
	sales := []store.DaySales{
		{Day: 29, Platform: catalog.PlatformLazada, Orders: 1, Revenue: 190_000},
		{Day: 29, Platform: catalog.PlatformShopee, Orders: 1, Revenue: 95_000},
		{Day: -1, Platform: catalog.PlatformZalo, Orders: 1, Revenue: 95_000}, // before the window
	}
	ch := newSalesChart(sales, from, 30)
	require.False(t, ch.Empty)
	require.Equal(t, catalog.VND(285_000), ch.Max)
	require.Len(t, ch.Bars, 30)
	require.Len(t, ch.Bars[29].Parts, 2, "today stacks Lazada and Shopee")
	require.Empty(t, ch.Bars[2].Parts, "a day without sales")
	require.Len(t, ch.Legend, 2)
	last := ch.Labels[len(ch.Labels)-1]
	require.Equal(t, "22/11", last.Text)
	require.Equal(t, "end", last.Anchor, "the last label stays inside the chart")
}

func TestStripIndexes(t *testing.T) {
	require.Equal(t, "variants.price", stripIndexes("variants[12].price"))
	require.Equal(t, "name.vi", stripIndexes("name.vi"))
}
