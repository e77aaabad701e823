package zalo

import (
	"context"
	"strconv"
	"time"

	"ocophub/connectors/driver"
)

// Zalo order statuses (integers, as the Store API v2.0 sends them).
const (
	orderNew       = 1
	orderConfirmed = 2
	orderShipping  = 3
	orderDelivered = 4
	orderCancelled = 5
)

// orderStatus maps Zalo's statuses to the hub's; an unknown one maps to "".
var orderStatus = map[int]driver.OrderStatus{
	orderNew:       driver.OrderUnpaid,
	orderConfirmed: driver.OrderReadyToShip,
	orderShipping:  driver.OrderShipped,
	orderDelivered: driver.OrderDelivered,
	orderCancelled: driver.OrderCancelled,
}

// defaultCancelReason is sent when the caller gives none: Zalo requires one.
const defaultCancelReason = "Người bán hủy đơn"

// order is a Store API order; its id is an alphanumeric code.
type order struct {
	ID           flexString  `json:"id"`
	OAID         flexString  `json:"oa_id"`
	Status       flexInt     `json:"status"`
	Items        []orderItem `json:"items"`
	TotalAmount  flexInt     `json:"total_amount"`
	ShippingCode string      `json:"shipping_code"`
	CreateTime   flexInt     `json:"create_time"`
	UpdateTime   flexInt     `json:"update_time"`
}

type orderItem struct {
	ProductID flexString `json:"product_id"`
	Code      string     `json:"code"`
	Price     flexInt    `json:"price"`
	Quantity  flexInt    `json:"quantity"`
}

type orderList struct {
	Orders []order `json:"orders"`
	Total  flexInt `json:"total"`
}

// unixTime reads a Zalo time: unix milliseconds (seconds accepted too).
func unixTime(v flexInt) time.Time {
	switch {
	case v <= 0:
		return time.Time{}
	case v < 1e11: // before 1973 in ms: it is seconds
		return time.Unix(int64(v), 0)
	}
	return time.UnixMilli(int64(v))
}

func (o order) toDriver() driver.Order {
	out := driver.Order{ID: string(o.ID), Status: orderStatus[int(o.Status)], PlatformStatus: strconv.FormatInt(int64(o.Status), 10),
		CreatedAt: unixTime(o.CreateTime), UpdatedAt: unixTime(o.UpdateTime), Total: int64(o.TotalAmount), Currency: "VND",
		Tracking: o.ShippingCode, Lines: make([]driver.OrderLine, len(o.Items))}
	for i, it := range o.Items {
		out.Lines[i] = driver.OrderLine{LineID: strconv.Itoa(i + 1), ModelID: string(it.ProductID), SellerSKU: it.Code,
			Quantity: int64(it.Quantity), Price: int64(it.Price)}
	}
	return out
}

// ListOrders reads one page of the OA's orders (all statuses) at offset
// cursor and keeps those updated in [from, to). Zalo has no time filter,
// so listing walks every order; Next is "" after the last page.
func (d *Driver) ListOrders(ctx context.Context, from, to time.Time, cursor string) (driver.OrderPage, error) {
	offset := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return driver.OrderPage{}, invalidArg("cursor %q is not an offset", cursor)
		}
		offset = n
	}
	token, err := d.accessToken(ctx)
	if err != nil {
		return driver.OrderPage{}, err
	}
	var list orderList
	err = d.get(ctx, token, "/v2.0/store/order/getorderofoa", map[string]string{
		"offset": strconv.Itoa(offset), "limit": strconv.Itoa(d.cfg.PageSize), "status": "0"}, &list)
	if err != nil {
		return driver.OrderPage{}, err
	}
	page := driver.OrderPage{Orders: []driver.OrderSummary{}}
	for _, o := range list.Orders {
		at := unixTime(o.UpdateTime)
		if at.Before(from) || !at.Before(to) {
			continue
		}
		page.Orders = append(page.Orders, driver.OrderSummary{ID: string(o.ID), Status: orderStatus[int(o.Status)], UpdatedAt: at})
	}
	next := offset + len(list.Orders)
	if len(list.Orders) == d.cfg.PageSize && (list.Total <= 0 || next < int(list.Total)) {
		page.Next = strconv.Itoa(next)
	}
	return page, nil
}

// GetOrders reads each order (getorder takes one id); unknown ids are
// left out.
func (d *Driver) GetOrders(ctx context.Context, ids []string) ([]driver.Order, error) {
	token, err := d.accessToken(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]driver.Order, 0, len(ids))
	for _, id := range ids {
		var o order
		err := d.get(ctx, token, "/v2.0/store/order/getorder", map[string]string{"id": id}, &o)
		switch driver.CodeOf(err) {
		case "":
			out = append(out, o.toDriver())
		case driver.CodeNotFound:
		default:
			return nil, err
		}
	}
	return out, nil
}

// updateOrder is order/update; asking for the status the order has is a
// no-op on Zalo, so retries are safe.
func (d *Driver) updateOrder(ctx context.Context, body map[string]any) (order, error) {
	token, err := d.accessToken(ctx)
	if err != nil {
		return order{}, err
	}
	var o order
	err = d.post(ctx, token, "/v2.0/store/order/update", body, &o)
	return o, err
}

// ShipOrder moves a confirmed order to shipping with the seller's
// tracking number, or lets Zalo assign one, and returns the tracking
// number Zalo reports. An order not confirmed is CodeFailedPrecondition.
func (d *Driver) ShipOrder(ctx context.Context, s driver.Shipment) (string, error) {
	if s.OrderID == "" {
		return "", invalidArg("order id is required")
	}
	body := map[string]any{"id": s.OrderID, "status": orderShipping}
	if s.TrackingNumber != "" {
		body["shipping_code"] = s.TrackingNumber
	}
	o, err := d.updateOrder(ctx, body)
	if err != nil {
		return "", err
	}
	if o.ShippingCode == "" {
		return "", &driver.Error{Code: driver.CodeInternal, Message: "Zalo reported no shipping code for order " + s.OrderID}
	}
	return o.ShippingCode, nil
}

// CancelOrder cancels as the seller (new or confirmed orders); a shipped
// or delivered order is CodeFailedPrecondition.
func (d *Driver) CancelOrder(ctx context.Context, orderID, reason string) error {
	if orderID == "" {
		return invalidArg("order id is required")
	}
	if reason == "" {
		reason = defaultCancelReason
	}
	_, err := d.updateOrder(ctx, map[string]any{"id": orderID, "status": orderCancelled, "cancel_reason": reason})
	return err
}
