package lazada

import (
	"context"
	"strconv"
	"strings"
	"time"

	"ocophub/connectors/driver"
)

// maxOrderIDs is the most ids of one /orders/items/get.
const maxOrderIDs = 50

// statuses maps Lazada's order and order-item statuses (the status list
// of /orders/get, plus repacked and ready_to_ship_pending of the status
// flow guide) to the hub's. pending, repacked, packed and ready_to_ship
// all wait for the carrier; every status of a parcel that will not reach
// the buyer (failed, lost, returned, shipped back, scrapped) is cancelled.
var statuses = map[string]driver.OrderStatus{
	"unpaid":                driver.OrderUnpaid,
	"pending":               driver.OrderReadyToShip,
	"topack":                driver.OrderReadyToShip,
	"repacked":              driver.OrderReadyToShip,
	"packed":                driver.OrderReadyToShip,
	"toship":                driver.OrderReadyToShip,
	"ready_to_ship_pending": driver.OrderReadyToShip,
	"ready_to_ship":         driver.OrderReadyToShip,
	"shipped":               driver.OrderShipped,
	"shipping":              driver.OrderShipped,
	"delivered":             driver.OrderDelivered,
	"canceled":              driver.OrderCancelled,
	"returned":              driver.OrderCancelled,
	"failed":                driver.OrderCancelled,
	"failed_delivery":       driver.OrderCancelled,
	"lost":                  driver.OrderCancelled,
	"lost_by_3pl":           driver.OrderCancelled,
	"damaged_by_3pl":        driver.OrderCancelled,
	"shipped_back":          driver.OrderCancelled,
	"shipped_back_success":  driver.OrderCancelled,
	"shipped_back_failed":   driver.OrderCancelled,
	"package_scrapped":      driver.OrderCancelled,
}

// progress orders the hub's statuses along an order's life.
var progress = map[driver.OrderStatus]int{
	driver.OrderUnpaid: 0, driver.OrderReadyToShip: 1, driver.OrderShipped: 2, driver.OrderDelivered: 3,
}

// mapStatus maps one Lazada status; one the table does not know is taken
// as still to ship, which keeps its units counted as sold.
func mapStatus(s string) driver.OrderStatus {
	if st, ok := statuses[strings.ToLower(strings.TrimSpace(s))]; ok {
		return st
	}
	return driver.OrderReadyToShip
}

// orderStatus is the status of an order whose items have several: the
// least advanced of the items not cancelled (work is left on the order),
// cancelled when every item is. raw is the Lazada status chosen.
func orderStatus(itemStatuses []string) (st driver.OrderStatus, raw string) {
	st, best := driver.OrderCancelled, -1
	for _, s := range itemStatuses {
		m := mapStatus(s)
		if m == driver.OrderCancelled {
			if best < 0 && raw == "" {
				raw = s
			}
			continue
		}
		if p := progress[m]; best < 0 || p < best {
			st, raw, best = m, s, p
		}
	}
	return st, raw
}

// ListOrders lists orders updated in [from, to) with /orders/get, oldest
// update first, one page of Config.PageSize at a time; the cursor is the
// offset. Lazada takes whole seconds: from is rounded down and to up, so
// an order at the edge may be listed by two windows but never by none.
func (d *Driver) ListOrders(ctx context.Context, from, to time.Time, cursor string) (driver.OrderPage, error) {
	offset := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return driver.OrderPage{}, &driver.Error{Code: driver.CodeInvalidArgument, Message: "bad order cursor " + strconv.Quote(cursor)}
		}
		offset = n
	}
	before := to.Truncate(time.Second)
	if before.Before(to) {
		before = before.Add(time.Second)
	}
	params := map[string]string{
		"update_after":   isoTime(from.Truncate(time.Second)),
		"update_before":  isoTime(before),
		"sort_by":        "updated_at",
		"sort_direction": "ASC",
		"offset":         strconv.Itoa(offset),
		"limit":          strconv.Itoa(d.cfg.PageSize),
	}
	var out struct {
		Count      scalar `json:"count"`
		CountTotal scalar `json:"countTotal"`
		Orders     []struct {
			OrderID   scalar   `json:"order_id"`
			UpdatedAt string   `json:"updated_at"`
			Statuses  []string `json:"statuses"`
		} `json:"orders"`
	}
	if _, err := d.call(ctx, get("/orders/get", params), &out); err != nil {
		return driver.OrderPage{}, err
	}
	page := driver.OrderPage{Orders: make([]driver.OrderSummary, 0, len(out.Orders))}
	for _, o := range out.Orders {
		st, _ := orderStatus(o.Statuses)
		page.Orders = append(page.Orders, driver.OrderSummary{ID: o.OrderID.String(), Status: st, UpdatedAt: parseTime(o.UpdatedAt)})
	}
	total, ok := out.CountTotal.int()
	next := offset + len(out.Orders)
	if len(out.Orders) > 0 && (ok && int64(next) < total || !ok && len(out.Orders) == d.cfg.PageSize) {
		page.Next = strconv.Itoa(next)
	}
	return page, nil
}

// orderItem is one unit bought: Lazada has no quantity field, an order
// line of 3 units is 3 items.
type orderItem struct {
	OrderItemID  scalar `json:"order_item_id"`
	OrderID      scalar `json:"order_id"`
	SellerSKU    string `json:"sku"`
	SkuID        scalar `json:"sku_id"`
	ProductID    scalar `json:"product_id"`
	Status       string `json:"status"`
	ItemPrice    scalar `json:"item_price"`
	Currency     string `json:"currency"`
	PackageID    string `json:"package_id"`
	TrackingCode string `json:"tracking_code"`
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
}

// GetOrders returns full orders with one /orders/items/get for up to 50
// ids. Units of the same SKU are summed into one line; items cancelled
// while others go on are left out of the lines (all of them are kept when
// the whole order is cancelled). Total is the sum of the items' prices,
// Lazada's order price. Unknown ids are left out.
func (d *Driver) GetOrders(ctx context.Context, ids []string) ([]driver.Order, error) {
	numeric := make([]int64, 0, len(ids))
	for _, id := range ids {
		if n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64); err == nil {
			numeric = append(numeric, n)
		}
	}
	if len(numeric) == 0 {
		return nil, nil
	}
	if len(numeric) > maxOrderIDs {
		return nil, &driver.Error{Code: driver.CodeInvalidArgument, Message: "more than 50 order ids in one call"}
	}
	var out []struct {
		OrderID scalar      `json:"order_id"`
		Items   []orderItem `json:"order_items"`
	}
	_, err := d.call(ctx, get("/orders/items/get", map[string]string{"order_ids": jsonList(numeric)}), &out)
	if driver.CodeOf(err) == driver.CodeNotFound { // 39: none of them found
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	orders := make([]driver.Order, 0, len(out))
	for _, o := range out {
		if len(o.Items) == 0 {
			continue
		}
		orders = append(orders, toOrder(o.OrderID.String(), o.Items))
	}
	return orders, nil
}

func toOrder(id string, items []orderItem) driver.Order {
	all := make([]string, len(items))
	for i, it := range items {
		all[i] = it.Status
	}
	status, raw := orderStatus(all)
	o := driver.Order{ID: id, Status: status, PlatformStatus: raw}
	lines := map[string]int{}
	for _, it := range items {
		created, updated := parseTime(it.CreatedAt), parseTime(it.UpdatedAt)
		if !created.IsZero() && (o.CreatedAt.IsZero() || created.Before(o.CreatedAt)) {
			o.CreatedAt = created
		}
		if updated.After(o.UpdatedAt) {
			o.UpdatedAt = updated
		}
		if o.Currency == "" {
			o.Currency = it.Currency
		}
		if o.Tracking == "" {
			o.Tracking = it.TrackingCode
		}
		if status != driver.OrderCancelled && mapStatus(it.Status) == driver.OrderCancelled {
			continue
		}
		price, _ := parseScaled(it.ItemPrice.String(), 0)
		o.Total += price
		key := it.SkuID.String() + "\x00" + it.SellerSKU
		i, ok := lines[key]
		if !ok {
			i = len(o.Lines)
			lines[key] = i
			o.Lines = append(o.Lines, driver.OrderLine{LineID: it.OrderItemID.String(), ItemID: it.ProductID.String(),
				ModelID: it.SkuID.String(), SellerSKU: it.SellerSKU, Price: price})
		}
		o.Lines[i].Quantity++
	}
	return o
}

// orderItems reads an order's items (/order/items/get).
func (d *Driver) orderItems(ctx context.Context, orderID string) ([]orderItem, error) {
	if _, err := strconv.ParseInt(orderID, 10, 64); err != nil {
		return nil, &driver.Error{Code: driver.CodeNotFound, Message: "no Lazada order " + strconv.Quote(orderID)}
	}
	var items []orderItem
	if _, err := d.call(ctx, get("/order/items/get", map[string]string{"order_id": orderID}), &items); err != nil {
		return nil, err
	}
	return items, nil
}
