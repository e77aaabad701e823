package webui

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

type publishData struct {
	Q        string
	Products []catalog.Product
	Shops    []catalog.Shop
	Error    string
	Form     *form
	Selected map[int64]bool
	Targets  map[int64]bool
}

// publishPage lets a person choose products and shops.
func (ui *UI) publishPage(c *gin.Context) {
	ui.showPublish(c, http.StatusOK, newForm(nil), "")
}

func (ui *UI) showPublish(c *gin.Context, status int, f *form, problem string) {
	d := &publishData{Q: c.Query("q"), Form: f, Error: problem, Selected: map[int64]bool{}, Targets: map[int64]bool{}}
	for _, id := range idList(f.Value("product_ids")) {
		d.Selected[id] = true
	}
	for _, id := range idList(f.Value("shop_ids")) {
		d.Targets[id] = true
	}
	var err error
	if d.Products, _, err = ui.d.Store.ListProducts(c.Request.Context(), catalog.ListQuery{Q: d.Q, Limit: catalog.MaxLimit}); err != nil {
		ui.fail(c, err)
		return
	}
	shops, err := allShops(c, ui.d.Store)
	if err != nil {
		ui.fail(c, err)
		return
	}
	for _, s := range shops {
		if s.Connected {
			d.Shops = append(d.Shops, s)
		}
	}
	ui.render(c, status, "publish", ui.newPage(c, "publish", "publish.title", d))
}

// publishStart lists every chosen product in every chosen shop of its
// co-op (through the same operation as the API) and shows the progress.
func (ui *UI) publishStart(c *gin.Context) {
	ctx := c.Request.Context()
	products := formIDs(c, "product")
	shops := formIDs(c, "shop")
	p := ui.newPage(c, "publish", "publish.title", nil)
	f := newForm(map[string][]string{"product_ids": {joinIDs(products)}, "shop_ids": {joinIDs(shops)}})
	coopOf := map[int64]int64{}
	if c.PostForm("all") == "1" {
		// Every product the search finds, past the page's first 200.
		products = products[:0]
		q := catalog.ListQuery{Q: c.PostForm("q"), Limit: catalog.MaxLimit}
		for {
			page, next, err := ui.d.Store.ListProducts(ctx, q)
			if err != nil {
				ui.fail(c, err)
				return
			}
			for _, pr := range page {
				products = append(products, pr.ID)
				coopOf[pr.ID] = pr.CoopID
			}
			if next == "" {
				break
			}
			q.Cursor = next
		}
	}
	if len(products) == 0 || len(shops) == 0 {
		ui.showPublish(c, http.StatusUnprocessableEntity, f, p.T("publish.choose"))
		return
	}
	for _, id := range products {
		if _, ok := coopOf[id]; ok {
			continue
		}
		pr, err := ui.d.Store.Product(ctx, id)
		if err != nil {
			ui.fail(c, err)
			return
		}
		coopOf[id] = pr.CoopID
	}
	var started []int64
	for _, shopID := range shops {
		shop, err := ui.d.Store.Shop(ctx, shopID)
		if err != nil {
			ui.fail(c, err)
			return
		}
		for _, productID := range products {
			if coopOf[productID] != shop.CoopID {
				continue // a shop sells only its own co-op's products
			}
			if _, err := ui.d.Commands.AddListings(ctx, shopID, nil, productID); err != nil {
				ui.showPublish(c, http.StatusUnprocessableEntity, f, errorMessage(p, err))
				return
			}
			started = append(started, productID)
		}
	}
	if len(started) == 0 {
		ui.showPublish(c, http.StatusUnprocessableEntity, f, p.T("publish.other_coop"))
		return
	}
	if len(products) > maxProgressProducts {
		products = nil // a run this large is followed by its shops' listings
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/publish/progress?s=%s&p=%s", joinIDs(shops), joinIDs(products)))
}

// Bounds of the progress page's lists: every shop costs a walk through its
// listings, and the product list is searched for each listing.
const (
	maxProgressShops    = 20
	maxProgressProducts = 1000
)

// boundedIDs reads a comma-separated list of ids, each once, and refuses
// a list longer than limit (invalid_argument: 400).
func boundedIDs(s, field string, limit int) ([]int64, error) {
	ids := idList(s)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > limit || len(s) > limit*21 {
		return nil, &catalog.Error{Code: catalog.CodeInvalidArgument, Message: fmt.Sprintf("at most %d ids in %s", limit, field),
			Fields: map[string]string{field: fmt.Sprintf("at most %d ids", limit)}}
	}
	return ids, nil
}

// progressData counts the listings of a publish run by status.
type progressData struct {
	Query               string
	Total, Live, Errors int
	Done                bool
	Percent             int
	Rows                []progressRow
}

type progressRow struct {
	Product catalog.Product
	Shop    catalog.Shop
	Listing catalog.Listing
}

// publishProgress shows how far a publish run is; htmx asks for the
// "progress" block every second until every listing is live or failed.
func (ui *UI) publishProgress(c *gin.Context) {
	ctx := c.Request.Context()
	shops, err := boundedIDs(c.Query("s"), "s", maxProgressShops)
	if err != nil {
		ui.fail(c, err)
		return
	}
	products, err := boundedIDs(c.Query("p"), "p", maxProgressProducts)
	if err != nil {
		ui.fail(c, err)
		return
	}
	d := &progressData{Query: c.Request.URL.RawQuery}
	byID := map[int64]catalog.Product{}
	for _, shopID := range shops {
		shop, err := ui.d.Store.Shop(ctx, shopID)
		if err != nil {
			ui.fail(c, err)
			return
		}
		q := catalog.ListQuery{Limit: catalog.MaxLimit}
		for {
			page, next, err := ui.d.Store.ListListings(ctx, shopID, q)
			if err != nil {
				ui.fail(c, err)
				return
			}
			for _, l := range page {
				if _, found := slices.BinarySearch(products, l.ProductID); len(products) > 0 && !found {
					continue
				}
				pr, ok := byID[l.ProductID]
				if !ok {
					if pr, err = ui.d.Store.Product(ctx, l.ProductID); err != nil {
						ui.fail(c, err)
						return
					}
					byID[l.ProductID] = pr
				}
				d.Rows = append(d.Rows, progressRow{Product: pr, Shop: shop, Listing: l})
				d.Total++
				switch l.Status {
				case catalog.ListingLive:
					d.Live++
				case catalog.ListingError:
					d.Errors++
				}
			}
			if next == "" {
				break
			}
			q.Cursor = next
		}
	}
	d.Done = d.Live+d.Errors == d.Total
	if d.Total > 0 {
		d.Percent = 100 * (d.Live + d.Errors) / d.Total
	}
	p := ui.newPage(c, "publish", "progress.title", d)
	if c.GetHeader("HX-Request") == "true" {
		ui.fragment(c, "publish_progress", "progress", p)
		return
	}
	ui.render(c, http.StatusOK, "publish_progress", p)
}
