package zalo

import (
	"errors"
	"net/http"

	"ocophub/connectors/sandbox"
)

// Zalo order statuses (integers, as the v2.0 Store API sends them; the
// numbers are the sandbox's choice).
const (
	orderNew       = 1 // engine unpaid: waiting for the seller
	orderConfirmed = 2 // engine ready_to_ship: confirmed (paid or COD)
	orderShipping  = 3 // engine shipped: handed to the carrier
	orderDelivered = 4 // engine delivered
	orderCancelled = 5 // engine cancelled: units back on stock
)

var zaloOrderStatus = map[string]int{
	sandbox.OrderUnpaid: orderNew, sandbox.OrderReadyToShip: orderConfirmed, sandbox.OrderShipped: orderShipping,
	sandbox.OrderDelivered: orderDelivered, sandbox.OrderCancelled: orderCancelled,
}

var engineOrderStatus = map[int]string{
	orderNew: sandbox.OrderUnpaid, orderConfirmed: sandbox.OrderReadyToShip, orderShipping: sandbox.OrderShipped,
	orderDelivered: sandbox.OrderDelivered, orderCancelled: sandbox.OrderCancelled,
}

// orderView is an order as the Store API shows it. Its id is the engine's
// order SN.
type orderView struct {
	ID           string          `json:"id"`
	OAID         string          `json:"oa_id"`
	Status       int             `json:"status"`
	Customer     customerView    `json:"customer"`
	Items        []orderItemView `json:"items"`
	TotalAmount  int64           `json:"total_amount"`
	ShippingCode string          `json:"shipping_code,omitempty"`
	CancelReason string          `json:"cancel_reason,omitempty"`
	CreateTime   int64           `json:"create_time"` // unix ms
	UpdateTime   int64           `json:"update_time"` // unix ms
}

type customerView struct {
	Name string `json:"name"`
}

type orderItemView struct {
	ProductID string `json:"product_id"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	Price     int64  `json:"price"`
	Quantity  int64  `json:"quantity"`
}

type orderList struct {
	Orders []orderView `json:"orders"`
	Total  int         `json:"total"`
}

func toOrderView(o sandbox.Order) orderView {
	v := orderView{ID: o.SN, OAID: formatID(o.ShopID), Status: zaloOrderStatus[o.Status], Customer: customerView{Name: o.Buyer},
		Items: make([]orderItemView, len(o.Lines)), TotalAmount: o.Total, ShippingCode: o.Tracking,
		CancelReason: o.CancelReason, CreateTime: o.CreatedAt.UnixMilli(), UpdateTime: o.UpdatedAt.UnixMilli()}
	for i, l := range o.Lines {
		v.Items[i] = orderItemView{ProductID: formatID(l.ItemID), Code: l.SellerSKU, Name: l.Name, Price: l.Price, Quantity: l.Quantity}
	}
	return v
}

// listOrders is GET /v2.0/store/order/getorderofoa?offset=&limit=&status=,
// oldest order first; status 0 or absent lists every status.
func (f *front) listOrders(w http.ResponseWriter, r *http.Request, oa int64) {
	offset, limit, ok := paging(w, r)
	if !ok {
		return
	}
	q, _ := readQuery(r)
	status, ok := q.int("status", 0)
	var statuses []string
	if status != 0 {
		s, known := engineOrderStatus[int(status)]
		statuses, ok = []string{s}, ok && known
	}
	if !ok {
		writeError(w, codeInvalidParam, "Parameter is invalid: status must be 0 (all) or 1..5")
		return
	}
	orders, total, err := f.e.Orders(oa, sandbox.OrderQuery{Statuses: statuses, Offset: offset, Limit: limit})
	if err != nil {
		writeEngineError(w, err, codeNoOrder)
		return
	}
	out := orderList{Orders: make([]orderView, len(orders)), Total: total}
	for i, o := range orders {
		out.Orders[i] = toOrderView(o)
	}
	writeData(w, out)
}

// getOrder is GET /v2.0/store/order/getorder?id=.
func (f *front) getOrder(w http.ResponseWriter, r *http.Request, oa int64) {
	q, ok := readQuery(r)
	id := q.get("id")
	if !ok || id == "" {
		writeError(w, codeInvalidParam, "Parameter is invalid: id is required")
		return
	}
	o, err := f.e.Order(oa, id)
	if err != nil {
		writeEngineError(w, err, codeNoOrder)
		return
	}
	writeData(w, toOrderView(o))
}

// updateOrder is POST /v2.0/store/order/update {id, status, cancel_reason,
// shipping_code}: the seller confirms (2), ships (3, with the carrier's
// tracking number in shipping_code, generated when absent), marks
// delivered (4) or cancels (5, cancel_reason required; the units go back
// on stock). Asking for the status the order already has succeeds and
// changes nothing, so a retried call is safe.
func (f *front) updateOrder(w http.ResponseWriter, r *http.Request, oa int64) {
	var in struct {
		ID           flexString `json:"id"`
		Status       flexInt    `json:"status"`
		CancelReason string     `json:"cancel_reason"`
		Reason       string     `json:"reason"`
		ShippingCode string     `json:"shipping_code"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	status, known := engineOrderStatus[int(in.Status)]
	reason := in.CancelReason
	if reason == "" {
		reason = in.Reason
	}
	switch {
	case in.ID == "":
		writeError(w, codeInvalidParam, "Parameter is invalid: id is required")
		return
	case !known:
		writeError(w, codeInvalidParam, "Parameter is invalid: status must be 1..5")
		return
	case status == sandbox.OrderCancelled && reason == "":
		writeError(w, codeInvalidParam, "Parameter is invalid: cancel_reason is required to cancel")
		return
	}
	var (
		o   sandbox.Order
		err error
	)
	if status == sandbox.OrderShipped {
		o, err = f.e.Ship(oa, string(in.ID), in.ShippingCode)
	} else {
		o, err = f.e.SetOrderStatus(oa, string(in.ID), status, reason)
	}
	if errors.Is(err, sandbox.ErrBadTransition) && o.Status == status {
		err = nil
	}
	if err != nil {
		writeEngineError(w, err, codeNoOrder)
		return
	}
	writeData(w, toOrderView(o))
}
