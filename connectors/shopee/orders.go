package shopee

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"ocophub/connectors/driver"
)

const (
	pathOrderList         = "/api/v2/order/get_order_list"
	pathOrderDetail       = "/api/v2/order/get_order_detail"
	pathCancelOrder       = "/api/v2/order/cancel_order"
	pathShippingParameter = "/api/v2/logistics/get_shipping_parameter"
	pathShipOrder         = "/api/v2/logistics/ship_order"
	pathTrackingNumber    = "/api/v2/logistics/get_tracking_number"
)

// orderStatuses maps Shopee's order_status to the hub's. PROCESSED (after
// ship_order, waiting for pickup), SHIPPED, TO_CONFIRM_RECEIVE and
// RETRY_SHIP are all with the carrier; IN_CANCEL is a cancellation the
// seller must not ship; TO_RETURN follows a delivery; INVOICE_PENDING (BR)
// cannot ship yet.
var orderStatuses = map[string]driver.OrderStatus{
	"UNPAID":             driver.OrderUnpaid,
	"INVOICE_PENDING":    driver.OrderUnpaid,
	"READY_TO_SHIP":      driver.OrderReadyToShip,
	"PROCESSED":          driver.OrderShipped,
	"RETRY_SHIP":         driver.OrderShipped,
	"SHIPPED":            driver.OrderShipped,
	"TO_CONFIRM_RECEIVE": driver.OrderShipped,
	"COMPLETED":          driver.OrderDelivered,
	"TO_RETURN":          driver.OrderDelivered,
	"IN_CANCEL":          driver.OrderCancelled,
	"CANCELLED":          driver.OrderCancelled,
}

// orderStatus maps a status; an unknown one is "" (PlatformStatus keeps
// Shopee's word).
func orderStatus(s string) driver.OrderStatus { return orderStatuses[s] }

// ListOrders is get_order_list by update_time, one page. Shopee's window is
// inclusive whole seconds, so [from, to) is sent as
// [floor(from), floor(to-1ns)]: windows the Channel lays end to end
// neither overlap nor leave a gap on whole seconds.
func (d *Driver) ListOrders(ctx context.Context, from, to time.Time, cursor string) (driver.OrderPage, error) {
	if !from.Before(to) {
		return driver.OrderPage{}, driver.Errorf(driver.CodeInvalidArgument, "", "from must be before to")
	}
	q := url.Values{
		"time_range_field":         {"update_time"},
		"time_from":                {strconv.FormatInt(from.Unix(), 10)},
		"time_to":                  {strconv.FormatInt(to.Add(-time.Nanosecond).Unix(), 10)},
		"page_size":                {strconv.Itoa(d.cfg.PageSize)},
		"cursor":                   {cursor},
		"response_optional_fields": {"order_status"},
	}
	var out struct {
		More       bool   `json:"more"`
		NextCursor string `json:"next_cursor"`
		OrderList  []struct {
			OrderSN     string `json:"order_sn"`
			OrderStatus string `json:"order_status"`
		} `json:"order_list"`
	}
	if err := d.send(ctx, get(pathOrderList, q), &out); err != nil {
		return driver.OrderPage{}, err
	}
	page := driver.OrderPage{Orders: make([]driver.OrderSummary, 0, len(out.OrderList))}
	for _, o := range out.OrderList {
		page.Orders = append(page.Orders, driver.OrderSummary{ID: o.OrderSN, Status: orderStatus(o.OrderStatus)})
	}
	if out.More {
		page.Next = out.NextCursor
	}
	return page, nil
}

// orderDetail is one order of get_order_detail.
type orderDetail struct {
	OrderSN     string  `json:"order_sn"`
	OrderStatus string  `json:"order_status"`
	CreateTime  int64   `json:"create_time"`
	UpdateTime  int64   `json:"update_time"`
	Currency    string  `json:"currency"`
	TotalAmount float64 `json:"total_amount"`
	ItemList    []struct {
		OrderItemID            int64   `json:"order_item_id"`
		ItemID                 int64   `json:"item_id"`
		ItemSKU                string  `json:"item_sku"`
		ModelID                int64   `json:"model_id"`
		ModelSKU               string  `json:"model_sku"`
		ModelQuantityPurchased int64   `json:"model_quantity_purchased"`
		ModelOriginalPrice     float64 `json:"model_original_price"`
		ModelDiscountedPrice   float64 `json:"model_discounted_price"`
	} `json:"item_list"`
}

// details is get_order_detail of at most 50 orders with the optional
// fields named.
func (d *Driver) details(ctx context.Context, o *op, ids []string, fields string) ([]orderDetail, error) {
	q := url.Values{"order_sn_list": {strings.Join(ids, ",")}, "response_optional_fields": {fields}}
	var out struct {
		OrderList []orderDetail `json:"order_list"`
	}
	if err := o.do(ctx, get(pathOrderDetail, q), &out); err != nil {
		return nil, err
	}
	return out.OrderList, nil
}

// GetOrders is get_order_detail with item_list and total_amount; Shopee
// leaves unknown order_sn out.
func (d *Driver) GetOrders(ctx context.Context, ids []string) ([]driver.Order, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := d.details(ctx, d.op(), ids, "item_list,total_amount,package_list")
	if err != nil {
		return nil, err
	}
	orders := make([]driver.Order, 0, len(list))
	for _, o := range list {
		order := driver.Order{ID: o.OrderSN, Status: orderStatus(o.OrderStatus), PlatformStatus: o.OrderStatus,
			CreatedAt: time.Unix(o.CreateTime, 0), UpdatedAt: time.Unix(o.UpdateTime, 0),
			Total: dong(o.TotalAmount), Currency: o.Currency, Lines: make([]driver.OrderLine, 0, len(o.ItemList))}
		for _, l := range o.ItemList {
			sku := l.ModelSKU
			if sku == "" {
				sku = l.ItemSKU
			}
			price := l.ModelDiscountedPrice
			if price <= 0 {
				price = l.ModelOriginalPrice
			}
			order.Lines = append(order.Lines, driver.OrderLine{
				LineID: strconv.FormatInt(l.OrderItemID, 10) + "-" + strconv.FormatInt(l.ModelID, 10),
				ItemID: strconv.FormatInt(l.ItemID, 10), ModelID: strconv.FormatInt(l.ModelID, 10),
				SellerSKU: sku, Quantity: l.ModelQuantityPurchased, Price: dong(price)})
		}
		orders = append(orders, order)
	}
	return orders, nil
}

// ShipOrder is get_shipping_parameter, ship_order and get_tracking_number.
// With a TrackingNumber the seller uses their own carrier
// (non_integrated); otherwise Shopee's carrier picks up at the first
// pickup address (the one flagged pickup_address, if any) in the first
// time slot, or the parcel is dropped off where pickup is not offered. Shopee may assign the carrier's
// tracking number later; then "" is returned and the number arrives with
// the order (push code 4).
//
// A retry of a ShipOrder that went through finds the order past
// READY_TO_SHIP: if it has a tracking number, that is returned.
func (d *Driver) ShipOrder(ctx context.Context, s driver.Shipment) (string, error) {
	o := d.op()
	var param struct {
		InfoNeeded map[string][]string `json:"info_needed"`
		Pickup     struct {
			AddressList []struct {
				AddressID    int64    `json:"address_id"`
				AddressFlag  []string `json:"address_flag"`
				TimeSlotList []struct {
					PickupTimeID string `json:"pickup_time_id"`
				} `json:"time_slot_list"`
			} `json:"address_list"`
		} `json:"pickup"`
		Dropoff struct {
			BranchList []struct {
				BranchID int64 `json:"branch_id"`
			} `json:"branch_list"`
		} `json:"dropoff"`
	}
	err := o.do(ctx, get(pathShippingParameter, url.Values{"order_sn": {s.OrderID}}), &param)
	if driver.CodeOf(err) == driver.CodeFailedPrecondition {
		if tracking, terr := d.tracking(ctx, o, s.OrderID); terr == nil && tracking != "" {
			return tracking, nil
		}
	}
	if err != nil {
		return "", err
	}
	body := map[string]any{"order_sn": s.OrderID}
	_, pickup := param.InfoNeeded["pickup"]
	dropoff, canDropoff := param.InfoNeeded["dropoff"]
	switch {
	case s.TrackingNumber != "":
		body["non_integrated"] = map[string]string{"tracking_number": s.TrackingNumber}
	case pickup && len(param.Pickup.AddressList) > 0:
		addr := param.Pickup.AddressList[0]
		for _, a := range param.Pickup.AddressList {
			if slices.Contains(a.AddressFlag, "pickup_address") {
				addr = a
				break
			}
		}
		p := map[string]any{"address_id": addr.AddressID}
		if len(addr.TimeSlotList) > 0 {
			p["pickup_time_id"] = addr.TimeSlotList[0].PickupTimeID
		}
		body["pickup"] = p
	case canDropoff:
		drop := map[string]any{}
		if slices.Contains(dropoff, "branch_id") && len(param.Dropoff.BranchList) > 0 {
			drop["branch_id"] = param.Dropoff.BranchList[0].BranchID
		}
		body["dropoff"] = drop
	default:
		return "", driver.Errorf(driver.CodeFailedPrecondition, "", "Shopee offers no pickup or drop-off for order %s", s.OrderID)
	}
	if err := o.do(ctx, post(pathShipOrder, body), nil); err != nil {
		return "", err
	}
	tracking, err := d.tracking(ctx, o, s.OrderID)
	if err != nil {
		return "", err
	}
	if tracking == "" {
		tracking = s.TrackingNumber
	}
	return tracking, nil
}

// tracking is get_tracking_number ("" before Shopee assigns one).
func (d *Driver) tracking(ctx context.Context, o *op, orderSN string) (string, error) {
	var out struct {
		TrackingNumber string `json:"tracking_number"`
	}
	if err := o.do(ctx, get(pathTrackingNumber, url.Values{"order_sn": {orderSN}}), &out); err != nil {
		return "", err
	}
	return out.TrackingNumber, nil
}

// CancelOrder is cancel_order as the seller. Shopee takes a reason code,
// not text: "UNDELIVERABLE_AREA" is passed through, anything else is
// OUT_OF_STOCK, which needs the order's items — read with get_order_detail
// first. An order already CANCELLED is done (a cancel retried after a
// timeout that went through, as the Lazada driver does); one past
// READY_TO_SHIP is CodeFailedPrecondition; an unknown one CodeNotFound.
func (d *Driver) CancelOrder(ctx context.Context, orderID, reason string) error {
	o := d.op()
	list, err := d.details(ctx, o, []string{orderID}, "item_list")
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return driver.Errorf(driver.CodeNotFound, "", "order %s not found", orderID)
	}
	if list[0].OrderStatus == "CANCELLED" {
		return nil
	}
	type item struct {
		ItemID  int64 `json:"item_id"`
		ModelID int64 `json:"model_id"`
	}
	body := struct {
		OrderSN      string `json:"order_sn"`
		CancelReason string `json:"cancel_reason"`
		ItemList     []item `json:"item_list,omitempty"`
	}{OrderSN: orderID, CancelReason: "OUT_OF_STOCK"}
	if strings.EqualFold(strings.TrimSpace(reason), "UNDELIVERABLE_AREA") {
		body.CancelReason = "UNDELIVERABLE_AREA"
	} else {
		for _, l := range list[0].ItemList {
			body.ItemList = append(body.ItemList, item{ItemID: l.ItemID, ModelID: l.ModelID})
		}
	}
	err = o.do(ctx, post(pathCancelOrder, body), nil)
	if driver.CodeOf(err) == driver.CodeFailedPrecondition {
		// Another cancel (a retry still in flight) may have won the race.
		if again, derr := d.details(ctx, o, []string{orderID}, "item_list"); derr == nil && len(again) == 1 && again[0].OrderStatus == "CANCELLED" {
			return nil
		}
	}
	return err
}
