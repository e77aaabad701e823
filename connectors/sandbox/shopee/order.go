package shopee

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ocophub/connectors/sandbox"
)

// Order statuses, engine → Shopee. The engine has one "shipped": Shopee
// says PROCESSED right after ship_order (the parcel has a tracking number
// and waits for pickup), which is what a seller's client sees in the
// sandbox until the control API delivers the order (COMPLETED). SHIPPED,
// TO_CONFIRM_RECEIVE, IN_CANCEL, INVOICE_PENDING and TO_RETURN never occur.
var orderStatusNames = map[string]string{
	sandbox.OrderUnpaid:      "UNPAID",
	sandbox.OrderReadyToShip: "READY_TO_SHIP",
	sandbox.OrderShipped:     "PROCESSED",
	sandbox.OrderDelivered:   "COMPLETED",
	sandbox.OrderCancelled:   "CANCELLED",
}

// logisticsStatus is the package's logistics_status for an order status.
var logisticsStatus = map[string]string{
	sandbox.OrderUnpaid:      "LOGISTICS_NOT_START",
	sandbox.OrderReadyToShip: "LOGISTICS_READY",
	sandbox.OrderShipped:     "LOGISTICS_REQUEST_CREATED",
	sandbox.OrderDelivered:   "LOGISTICS_DELIVERY_DONE",
	sandbox.OrderCancelled:   "LOGISTICS_REQUEST_CANCELED",
}

func orderStatusName(s string) string {
	if n, ok := orderStatusNames[s]; ok {
		return n
	}
	return strings.ToUpper(s)
}

// engineOrderStatus maps get_order_list's order_status filter.
func engineOrderStatus(name string) (string, bool) {
	for engine, shopee := range orderStatusNames {
		if shopee == name {
			return engine, true
		}
	}
	switch name {
	case "SHIPPED", "TO_CONFIRM_RECEIVE", "IN_CANCEL", "INVOICE_PENDING", "TO_RETURN", "PENDING":
		return noSuchStatus, true
	}
	return "", false
}

// orderWindow is the longest time_from..time_to of get_order_list.
const orderWindow = 15 * 24 * time.Hour

// getOrderList is v2.order.get_order_list: orders created (or updated) in
// a window of at most 15 days, oldest first, paged by an offset cursor
// ("20", like the platform's example; "" when there is no more).
func (f *front) getOrderList(c *call) (any, error) {
	m := c.module
	field := c.q.Get("time_range_field")
	if field != "create_time" && field != "update_time" {
		return nil, errDetail(m, "time_range_field must be create_time or update_time.")
	}
	from, okFrom, err := intParam(m, c.q, "time_from")
	if err != nil {
		return nil, err
	}
	to, okTo, err := intParam(m, c.q, "time_to")
	if err != nil {
		return nil, err
	}
	if !okFrom || !okTo {
		return nil, errDetail(m, "time_from and time_to are required.")
	}
	if to < from || time.Duration(to-from)*time.Second > orderWindow {
		return nil, errBusiness("order.order_list_invalid_time", "Start time must be earlier than end time and diff in 15days.")
	}
	size, err := pageSize(m, c, 100)
	if err != nil {
		return nil, err
	}
	offset := 0
	if cur := c.q.Get("cursor"); cur != "" {
		if offset, err = strconv.Atoi(cur); err != nil || offset < 0 {
			return nil, errDetail(m, "cursor is invalid.")
		}
	}
	q := sandbox.OrderQuery{ByUpdate: field == "update_time", From: time.Unix(from, 0),
		To: time.Unix(to, 0).Add(time.Second - 1), Offset: offset, Limit: size}
	if s := c.q.Get("order_status"); s != "" {
		engine, ok := engineOrderStatus(s)
		if !ok {
			return nil, errDetail(m, "order_status %q is not a Shopee order status.", s)
		}
		q.Statuses = []string{engine}
	}
	withStatus := strings.Contains(c.q.Get("response_optional_fields"), "order_status")
	orders, total, err := f.e.Orders(c.shopID, q)
	if err != nil {
		return nil, err
	}
	type entry struct {
		OrderSN     string `json:"order_sn"`
		OrderStatus string `json:"order_status,omitempty"`
	}
	out := struct {
		More       bool    `json:"more"`
		NextCursor string  `json:"next_cursor"`
		OrderList  []entry `json:"order_list"`
	}{OrderList: make([]entry, 0, len(orders))}
	for _, o := range orders {
		e := entry{OrderSN: o.SN}
		if withStatus {
			e.OrderStatus = orderStatusName(o.Status)
		}
		out.OrderList = append(out.OrderList, e)
	}
	if end := offset + len(orders); end < total {
		out.More, out.NextCursor = true, strconv.Itoa(end)
	}
	return out, nil
}

// The optional fields of get_order_detail the sandbox fills in.
var detailFields = []string{"buyer_user_id", "buyer_username", "estimated_shipping_fee", "recipient_address",
	"actual_shipping_fee", "note", "note_update_time", "item_list", "pay_time", "cancel_by", "cancel_reason",
	"buyer_cancel_reason", "pickup_done_time", "package_list", "shipping_carrier", "payment_method", "total_amount",
	"actual_shipping_fee_confirmed", "fulfillment_flag", "split_up", "goods_to_declare"}

// getOrderDetail is v2.order.get_order_detail: 1–50 order_sn, the default
// fields plus the optional ones asked for. Unknown order_sn are left out
// and named in `warning`.
func (f *front) getOrderDetail(c *call) (any, error) {
	m := c.module
	sns := listParam(c.q, "order_sn_list")
	if len(sns) == 0 {
		return nil, errDetail(m, "order_sn_list is a required field.")
	}
	if len(sns) > 50 {
		return nil, errDetail(m, "order_sn_list has more than 50 order_sn.")
	}
	want := map[string]bool{}
	for _, name := range listParam(c.q, "response_optional_fields") {
		want[name] = true
	}
	items := map[int64]*sandbox.Item{} // item id → item (nil: gone)
	list := make([]map[string]any, 0, len(sns))
	var missing []string
	for _, sn := range sns {
		o, err := f.e.Order(c.shopID, sn)
		if err != nil {
			missing = append(missing, sn)
			continue
		}
		list = append(list, f.orderDetail(c.shopID, o, want, items))
	}
	if len(missing) > 0 {
		c.warning = "order_sn not found: " + strings.Join(missing, ",")
	}
	return map[string]any{"order_list": list}, nil
}

// orderDetail renders one order.
func (f *front) orderDetail(shopID int64, o sandbox.Order, want map[string]bool, items map[int64]*sandbox.Item) map[string]any {
	created := o.CreatedAt.Unix()
	d := map[string]any{
		"order_sn": o.SN, "region": "VN", "currency": "VND", "cod": false,
		"order_status": orderStatusName(o.Status), "message_to_seller": "",
		"create_time": created, "update_time": o.UpdatedAt.Unix(),
		"days_to_ship": 2, "ship_by_date": o.CreatedAt.Add(48 * time.Hour).Unix(),
	}
	add := func(name string, v any) {
		if want[name] {
			d[name] = v
		}
	}
	add("buyer_user_id", buyerID(o.Buyer))
	add("buyer_username", o.Buyer)
	add("estimated_shipping_fee", 0)
	add("actual_shipping_fee", 0)
	add("actual_shipping_fee_confirmed", false)
	add("note", "")
	add("note_update_time", 0)
	add("total_amount", o.Total)
	add("payment_method", "Online Payment")
	add("shipping_carrier", "SPX Express")
	add("fulfillment_flag", "fulfilled_by_local_seller")
	add("split_up", false)
	add("goods_to_declare", false)
	add("pickup_done_time", 0)
	var payTime any
	if o.Status != sandbox.OrderUnpaid {
		payTime = created
	}
	add("pay_time", payTime)
	if o.Status == sandbox.OrderCancelled {
		by := "buyer"
		if o.CancelReason == "OUT_OF_STOCK" || o.CancelReason == "UNDELIVERABLE_AREA" {
			by = "seller"
		}
		add("cancel_by", by)
		add("cancel_reason", o.CancelReason)
		add("buyer_cancel_reason", "")
	} else {
		add("cancel_by", "")
		add("cancel_reason", "")
		add("buyer_cancel_reason", "")
	}
	add("recipient_address", map[string]any{
		"name": o.Buyer, "phone": "84******" + fmt.Sprintf("%03d", o.ID%1000), "town": "", "district": "Quận Ba Đình",
		"city": "Hà Nội", "state": "Hà Nội", "region": "VN", "zipcode": "100000",
		"full_address": "1 Phố Sandbox, Quận Ba Đình, Hà Nội",
	})
	lines := make([]map[string]any, 0, len(o.Lines))
	pkgItems := make([]map[string]any, 0, len(o.Lines))
	for _, l := range o.Lines {
		it := f.cachedItem(shopID, l.ItemID, items)
		modelID, modelSKU, itemSKUValue, name := l.SKUID, l.SellerSKU, "", ""
		if it != nil {
			itemSKUValue = itemSKU(*it)
			for _, k := range it.SKUs {
				if k.ID == l.SKUID && !isModel(k) {
					modelID, modelSKU = 0, ""
				} else if k.ID == l.SKUID {
					name = modelName(*it, k)
				}
			}
		}
		lines = append(lines, map[string]any{
			"item_id": l.ItemID, "item_name": l.Name, "item_sku": itemSKUValue,
			"model_id": modelID, "model_name": name, "model_sku": modelSKU,
			"model_quantity_purchased": l.Quantity, "model_original_price": l.Price, "model_discounted_price": l.Price,
			"wholesale": false, "add_on_deal": false, "main_item": false, "add_on_deal_id": 0,
			"promotion_type": "", "promotion_id": 0, "order_item_id": l.ItemID, "promotion_group_id": 0,
		})
		pkgItems = append(pkgItems, map[string]any{"item_id": l.ItemID, "model_id": modelID,
			"model_quantity": l.Quantity, "order_item_id": l.ItemID, "promotion_group_id": 0})
	}
	add("item_list", lines)
	add("package_list", []map[string]any{{
		"package_number": o.PackageID, "logistics_status": logisticsStatus[o.Status],
		"logistics_channel_id": 50018, "shipping_carrier": "SPX Express", "allow_self_design_awb": false,
		"item_list": pkgItems,
	}})
	return d
}

// cachedItem looks an order line's item up once per request.
func (f *front) cachedItem(shopID, itemID int64, items map[int64]*sandbox.Item) *sandbox.Item {
	if it, ok := items[itemID]; ok {
		return it
	}
	var found *sandbox.Item
	if it, err := f.e.Item(shopID, itemID); err == nil {
		found = &it
	}
	items[itemID] = found
	return found
}

// buyerID is a stable number for a buyer name.
func buyerID(name string) int64 {
	var h int64 = 1469598103
	for _, b := range []byte(name) {
		h = (h*131 + int64(b)) % 1_000_000_007
	}
	return h
}

// cancelOrder is v2.order.cancel_order: the seller may cancel an UNPAID or
// READY_TO_SHIP order; the units go back on the shop's stock.
func (f *front) cancelOrder(c *call) (any, error) {
	var in struct {
		OrderSN      string `json:"order_sn"`
		CancelReason string `json:"cancel_reason"`
		ItemList     []struct {
			ItemID  flexInt `json:"item_id"`
			ModelID flexInt `json:"model_id"`
		} `json:"item_list"`
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	m := c.module
	switch {
	case in.OrderSN == "":
		return nil, errDetail(m, "order_sn is a required field.")
	case in.CancelReason != "OUT_OF_STOCK" && in.CancelReason != "UNDELIVERABLE_AREA":
		return nil, errDetail(m, "cancel_reason must be OUT_OF_STOCK or UNDELIVERABLE_AREA.")
	case in.CancelReason == "OUT_OF_STOCK" && len(in.ItemList) == 0:
		return nil, errDetail(m, "item_list is required when cancel_reason is OUT_OF_STOCK.")
	}
	o, err := f.e.Order(c.shopID, in.OrderSN)
	if err != nil {
		return nil, errOrderNotFound
	}
	for _, x := range in.ItemList {
		if !lineOf(o, x.ItemID.V) {
			return nil, errDetail(m, "item %d is not in order %s.", x.ItemID.V, o.SN)
		}
	}
	if o.Status != sandbox.OrderUnpaid && o.Status != sandbox.OrderReadyToShip {
		return nil, errBusiness("order.error_limit", "Can not cancel this order.")
	}
	o, err = f.e.SetOrderStatus(c.shopID, o.SN, sandbox.OrderCancelled, in.CancelReason)
	if errors.Is(err, sandbox.ErrBadTransition) {
		return nil, errBusiness("order.error_limit", "Can not cancel this order.")
	}
	if err != nil {
		return nil, err
	}
	return map[string]int64{"update_time": o.UpdatedAt.Unix()}, nil
}

func lineOf(o sandbox.Order, itemID int64) bool {
	for _, l := range o.Lines {
		if l.ItemID == itemID {
			return true
		}
	}
	return false
}
