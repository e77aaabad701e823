package webui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/catalog/store"
)

// orderStatuses are the inbox's status filter, in the order of an order's
// life; unknown (a status no driver maps) last.
var orderStatuses = []catalog.OrderStatus{catalog.OrderUnpaid, catalog.OrderReadyToShip, catalog.OrderShipped,
	catalog.OrderDelivered, catalog.OrderCancelled, catalog.OrderUnknown}

type ordersData struct {
	Status, Platform string
	Flagged          bool
	Statuses         []catalog.OrderStatus
	Platforms        []catalog.Platform
	Orders           []orderView
	Next             string
	// Ship is the form of the order whose shipment was refused.
	ShipID int64
	Ship   *form
}

type orderView struct {
	Order catalog.Order
	Shop  catalog.Shop
}

func (ui *UI) ordersPage(c *gin.Context) {
	ui.showOrders(c, http.StatusOK, 0, nil)
}

func (ui *UI) showOrders(c *gin.Context, status int, shipID int64, ship *form) {
	ctx := c.Request.Context()
	d := &ordersData{Status: c.Query("status"), Platform: c.Query("platform"), Flagged: c.Query("flagged") == "1",
		Statuses: orderStatuses, Platforms: connectable, ShipID: shipID, Ship: ship}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	const perPage = 30
	orders, err := ui.d.Store.OrderInbox(ctx, store.OrderQuery{Status: catalog.OrderStatus(d.Status),
		Platform: catalog.Platform(d.Platform), Flagged: d.Flagged, Before: before, Limit: perPage})
	if err != nil {
		ui.fail(c, err)
		return
	}
	shops := map[int64]catalog.Shop{}
	for _, o := range orders {
		shop, ok := shops[o.ShopID]
		if !ok {
			if shop, err = ui.d.Store.Shop(ctx, o.ShopID); err != nil {
				ui.fail(c, err)
				return
			}
			shops[o.ShopID] = shop
		}
		ov := orderView{Order: o, Shop: shop}
		d.Orders = append(d.Orders, ov)
	}
	if len(orders) == perPage {
		q := c.Request.URL.Query()
		q.Set("before", strconv.FormatInt(orders[len(orders)-1].ID, 10))
		d.Next = "/orders?" + q.Encode()
	}
	ui.render(c, status, "orders", ui.newPage(c, "orders", "orders.title", d))
}

// orderShip marks an order shipped on its channel with the tracking
// number typed (or the carrier's own).
func (ui *UI) orderShip(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	f, p := ui.postedForm(c, "orders", "orders.title")
	_, err = ui.d.Commands.Ship(c.Request.Context(), id, f.Value("tracking_number"))
	if err == nil {
		back(c, "/orders?"+backQuery(f.Value("back")), "ship_queued")
		return
	}
	if !f.addErrors(p, err) {
		ui.fail(c, err)
		return
	}
	c.Request.URL.RawQuery = backQuery(f.Value("back"))
	ui.showOrders(c, http.StatusUnprocessableEntity, id, f)
}

// backQuery keeps the inbox's filters across a form post.
func backQuery(s string) string {
	q, err := url.ParseQuery(s)
	if err != nil {
		return ""
	}
	q.Del("ok")
	return q.Encode()
}
