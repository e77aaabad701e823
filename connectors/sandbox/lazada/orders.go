package lazada

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"ocophub/connectors/sandbox"
)

// Ids. Lazada's order_id is the engine order's numeric id. Lazada has one
// order item per UNIT bought (no quantity field), so a line of 3 units is
// 3 order items: order_item_id = line id × itemsPerLine + unit index.
const itemsPerLine = 10000

func orderItemID(lineID int64, unit int) int64 { return lineID*itemsPerLine + int64(unit) }

// orderIndex maps Lazada's ids to the engine's order SN. It learns every
// order the front shows or pushes; a miss walks the shop's orders once.
type orderIndex struct {
	mu     sync.Mutex
	byID   map[int64]string
	byLine map[int64]string
}

func newOrderIndex() *orderIndex {
	return &orderIndex{byID: map[int64]string{}, byLine: map[int64]string{}}
}

func (x *orderIndex) remember(o sandbox.Order) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.byID[o.ID] = o.SN
	for _, l := range o.Lines {
		x.byLine[l.LineID] = o.SN
	}
}

func (x *orderIndex) lookup(m func(*orderIndex) map[int64]string, id int64) (string, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	sn, ok := m(x)[id]
	return sn, ok
}

// findOrder returns the shop's order with Lazada id id.
func (f *front) findOrder(shop, id int64) (sandbox.Order, bool) {
	return f.findBy(shop, id, func(x *orderIndex) map[int64]string { return x.byID }, func(o sandbox.Order) bool { return o.ID == id })
}

// findOrderOfItem returns the shop's order holding an order_item_id.
func (f *front) findOrderOfItem(shop, itemID int64) (sandbox.Order, bool) {
	line := itemID / itemsPerLine
	return f.findBy(shop, line, func(x *orderIndex) map[int64]string { return x.byLine }, func(o sandbox.Order) bool {
		for _, l := range o.Lines {
			if l.LineID == line && itemID%itemsPerLine < l.Quantity {
				return true
			}
		}
		return false
	})
}

func (f *front) findBy(shop, key int64, m func(*orderIndex) map[int64]string, match func(sandbox.Order) bool) (sandbox.Order, bool) {
	if sn, ok := f.orders.lookup(m, key); ok {
		if o, err := f.e.Order(shop, sn); err == nil && match(o) {
			return o, true
		}
	}
	all, _, err := f.e.Orders(shop, sandbox.OrderQuery{})
	if err != nil {
		return sandbox.Order{}, false
	}
	var found sandbox.Order
	ok := false
	for _, o := range all {
		f.orders.remember(o)
		if match(o) {
			found, ok = o, true
		}
	}
	return found, ok
}

// lazadaStatus words an order's status as Lazada does. The engine's
// ready_to_ship is Lazada's pending until the seller packs it; the
// ready-to-ship call hands the parcel to the sandbox's carrier at once, so
// Lazada's own ready_to_ship status is skipped and the order is shipped.
func (f *front) lazadaStatus(o sandbox.Order) string {
	switch o.Status {
	case sandbox.OrderUnpaid:
		return "unpaid"
	case sandbox.OrderReadyToShip:
		if f.packs.get(o.SN) != nil {
			return "packed"
		}
		return "pending"
	case sandbox.OrderShipped:
		return "shipped"
	case sandbox.OrderDelivered:
		return "delivered"
	case sandbox.OrderCancelled:
		return "canceled"
	}
	return o.Status
}

// orderStatusFilters maps the status filter of /orders/get to engine
// statuses and, for the engine's ready_to_ship, whether packed ones are
// wanted (nil: both). Statuses the sandbox never produces select nothing.
var orderStatusFilters = map[string]struct {
	statuses []string
	packed   *bool
}{
	"unpaid":        {statuses: []string{sandbox.OrderUnpaid}},
	"pending":       {statuses: []string{sandbox.OrderReadyToShip}, packed: ptr(false)},
	"topack":        {statuses: []string{sandbox.OrderReadyToShip}, packed: ptr(false)},
	"packed":        {statuses: []string{sandbox.OrderReadyToShip}, packed: ptr(true)},
	"toship":        {statuses: []string{sandbox.OrderReadyToShip}, packed: ptr(true)},
	"ready_to_ship": {statuses: []string{}},
	"shipped":       {statuses: []string{sandbox.OrderShipped}},
	"shipping":      {statuses: []string{sandbox.OrderShipped}},
	"delivered":     {statuses: []string{sandbox.OrderDelivered}},
	"canceled":      {statuses: []string{sandbox.OrderCancelled}},
	"returned":      {statuses: []string{}},
	"failed":        {statuses: []string{}},
	"lost":          {statuses: []string{}},
}

func ptr[T any](v T) *T { return &v }

// Paging of /orders/get.
const (
	defaultOrderLimit = 100
	maxOrderLimit     = 100
)

// getOrders is GET /orders/get: created_after or update_after is
// required; the other date bounds, status, sort_by (created_at,
// updated_at), sort_direction (ASC, DESC; default DESC), offset and limit
// (≤ 100) narrow it.
func (f *front) getOrders(c *call) error {
	var t [4]time.Time
	var err error
	for i, name := range []string{"created_after", "created_before", "update_after", "update_before"} {
		if t[i], err = isoParam(c, name); err != nil {
			return err
		}
	}
	createdAfter, createdBefore, updateAfter, updateBefore := t[0], t[1], t[2], t[3]
	if createdAfter.IsZero() && updateAfter.IsZero() {
		return missingParameter("created_after or update_after")
	}
	offset, limit, err := paging(c, defaultOrderLimit, maxOrderLimit, 0)
	if err != nil {
		return err
	}
	sortBy := cmp.Or(c.param("sort_by"), "created_at")
	if sortBy != "created_at" && sortBy != "updated_at" {
		return isv("75", "E075: Invalid sort filter.")
	}
	direction := strings.ToUpper(cmp.Or(c.param("sort_direction"), "DESC"))
	if direction != "ASC" && direction != "DESC" {
		return isv("74", "E074: Invalid sort direction.")
	}
	q := sandbox.OrderQuery{From: createdAfter, To: createdBefore}
	if createdAfter.IsZero() {
		q = sandbox.OrderQuery{ByUpdate: true, From: updateAfter, To: updateBefore}
	}
	var packed *bool
	if s := c.param("status"); s != "" {
		filter, ok := orderStatusFilters[strings.ToLower(s)]
		if !ok {
			return isv("36", "E036: Invalid status filter")
		}
		if len(filter.statuses) == 0 {
			return c.ok(map[string]any{"count": 0, "countTotal": 0, "orders": []any{}})
		}
		q.Statuses, packed = filter.statuses, filter.packed
	}
	all, _, err := f.e.Orders(c.shop, q)
	if err != nil {
		return err
	}
	kept := all[:0]
	for _, o := range all {
		f.orders.remember(o)
		if !q.ByUpdate && (!updateAfter.IsZero() && o.UpdatedAt.Before(updateAfter) || !updateBefore.IsZero() && o.UpdatedAt.After(updateBefore)) {
			continue
		}
		if q.ByUpdate && !createdBefore.IsZero() && o.CreatedAt.After(createdBefore) {
			continue
		}
		if packed != nil && (f.packs.get(o.SN) != nil) != *packed {
			continue
		}
		kept = append(kept, o)
	}
	at := func(o sandbox.Order) time.Time {
		if sortBy == "updated_at" {
			return o.UpdatedAt
		}
		return o.CreatedAt
	}
	slices.SortStableFunc(kept, func(a, b sandbox.Order) int {
		r := cmp.Or(at(a).Compare(at(b)), cmp.Compare(a.ID, b.ID))
		if direction == "DESC" {
			return -r
		}
		return r
	})
	total := len(kept)
	kept = kept[min(offset, len(kept)):]
	kept = kept[:min(limit, len(kept))]
	orders := make([]map[string]any, len(kept))
	for i, o := range kept {
		orders[i] = f.orderJSON(o)
	}
	return c.ok(map[string]any{"count": len(orders), "countTotal": total, "orders": orders})
}

// orderParam reads the order_id parameter (code 16 when unknown).
func (f *front) orderParam(c *call) (sandbox.Order, error) {
	raw, err := c.required("order_id")
	if err != nil {
		return sandbox.Order{}, err
	}
	id, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil {
		return sandbox.Order{}, isv("16", "E016: %q Invalid Order ID", raw)
	}
	o, ok := f.findOrder(c.shop, id)
	if !ok {
		return sandbox.Order{}, isv("16", "E016: %q Invalid Order ID", raw)
	}
	return o, nil
}

// getOrder is GET /order/get.
func (f *front) getOrder(c *call) error {
	o, err := f.orderParam(c)
	if err != nil {
		return err
	}
	return c.ok(f.orderJSON(o))
}

// getOrderItems is GET /order/items/get: one entry per unit.
func (f *front) getOrderItems(c *call) error {
	o, err := f.orderParam(c)
	if err != nil {
		return err
	}
	return c.ok(f.itemsJSON(o))
}

// maxOrderIDs is the most ids of /orders/items/get.
const maxOrderIDs = 50

// getMultipleOrderItems is GET /orders/items/get?order_ids=[1,2]. Ids of
// no order of the shop are left out; none found is code 39.
func (f *front) getMultipleOrderItems(c *call) error {
	raw, err := c.required("order_ids")
	if err != nil {
		return err
	}
	ids, err := jsonArray(raw)
	if err != nil {
		return isv("56", "E056: Invalid OrdersIdList format. Must use array format [1,2]")
	}
	if len(ids) > maxOrderIDs {
		return isv("38", "E038: Too many orders were requested")
	}
	out := []map[string]any{}
	for _, s := range ids {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return isv("37", "E037: One or more order id in the list are incorrect")
		}
		if o, ok := f.findOrder(c.shop, id); ok {
			out = append(out, map[string]any{"order_id": o.ID, "order_number": o.ID, "order_items": f.itemsJSON(o)})
		}
	}
	if len(out) == 0 {
		return isv("39", "E039: No orders were found")
	}
	return c.ok(out)
}

// lazadaTime is how Lazada VN writes order times.
func lazadaTime(t time.Time) string { return t.In(vnTime).Format("2006-01-02 15:04:05 -0700") }

// amount writes đồng as Lazada writes money ("150000.00").
func amount(d int64) string { return strconv.FormatInt(d, 10) + ".00" }

// orderJSON is an order as /orders/get and /order/get show it.
func (f *front) orderJSON(o sandbox.Order) map[string]any {
	var units int64
	for _, l := range o.Lines {
		units += l.Quantity
	}
	addr := address(o.Buyer)
	return map[string]any{
		"order_id":                       o.ID,
		"order_number":                   o.ID,
		"created_at":                     lazadaTime(o.CreatedAt),
		"updated_at":                     lazadaTime(o.UpdatedAt),
		"statuses":                       []string{f.lazadaStatus(o)},
		"price":                          amount(o.Total),
		"items_count":                    units,
		"payment_method":                 "COD",
		"customer_first_name":            o.Buyer,
		"customer_last_name":             "",
		"address_shipping":               addr,
		"address_billing":                addr,
		"shipping_fee":                   "0.00",
		"shipping_fee_original":          "0.00",
		"shipping_fee_discount_seller":   "0.00",
		"shipping_fee_discount_platform": "0.00",
		"voucher":                        "0.00",
		"voucher_platform":               "0.00",
		"voucher_seller":                 "0.00",
		"voucher_code":                   "",
		"warehouse_code":                 "dropshipping",
		"promised_shipping_times":        lazadaTime(o.CreatedAt.Add(48 * time.Hour)),
		"gift_option":                    false,
		"gift_message":                   "",
		"remarks":                        "",
		"buyer_note":                     "",
		"delivery_info":                  "",
		"extra_attributes":               "",
		"national_registration_number":   "",
		"tax_code":                       "",
		"branch_number":                  "",
		"need_cancel_confirm":            false,
		"is_cancel_pending":              false,
	}
}

// address is a buyer's (fictional) Vietnamese address, phone masked as
// Lazada masks it.
func address(buyer string) map[string]any {
	return map[string]any{
		"first_name": buyer, "last_name": "", "phone": "84*****789", "phone2": "",
		"address1": "12 Nguyễn Huệ", "address2": "", "address3": "Hồ Chí Minh", "address4": "Quận 1",
		"address5": "Phường Bến Nghé", "city": "Hồ Chí Minh", "post_code": "700000", "country": "Vietnam",
		"addressDistrict": "Quận 1",
	}
}

// itemsJSON lists an order's items, one per unit bought.
func (f *front) itemsJSON(o sandbox.Order) []map[string]any {
	status := f.lazadaStatus(o)
	p := f.packs.get(o.SN)
	var packageID, tracking, provider string
	if p != nil {
		packageID, tracking, provider = p.packageID, p.tracking, p.provider
	}
	if o.Tracking != "" {
		tracking = o.Tracking
	}
	reason, initiator := "", ""
	if o.Status == sandbox.OrderCancelled {
		reason, initiator = o.CancelReason, "cancellation-customer"
		if f.packs.cancelledBySeller(o.SN) {
			initiator = "cancellation-seller"
		}
	}
	out := []map[string]any{}
	for _, l := range o.Lines {
		for u := 0; u < int(min(l.Quantity, itemsPerLine)); u++ {
			out = append(out, map[string]any{
				"order_item_id":           orderItemID(l.LineID, u),
				"order_id":                o.ID,
				"name":                    l.Name,
				"sku":                     l.SellerSKU,
				"shop_sku":                shopSKU(l.ItemID, l.SKUID),
				"sku_id":                  strconv.FormatInt(l.SKUID, 10),
				"product_id":              strconv.FormatInt(l.ItemID, 10),
				"variation":               "",
				"status":                  status,
				"item_price":              amount(l.Price),
				"paid_price":              amount(l.Price),
				"tax_amount":              "0.00",
				"currency":                "VND",
				"package_id":              packageID,
				"tracking_code":           tracking,
				"tracking_code_pre":       "",
				"shipment_provider":       provider,
				"shipping_provider_type":  "standard",
				"shipping_type":           "Dropshipping",
				"shipping_amount":         "0.00",
				"shipping_service_cost":   0,
				"voucher_amount":          "0.00",
				"voucher_platform":        "0.00",
				"voucher_seller":          "0.00",
				"wallet_credits":          "0.00",
				"reason":                  reason,
				"reason_detail":           "",
				"cancel_return_initiator": initiator,
				"return_status":           "",
				"invoice_number":          "",
				"is_digital":              0,
				"is_fbl":                  "0",
				"warehouse_code":          "dropshipping",
				"order_type":              "Normal",
				"order_flag":              "NORMAL",
				"product_main_image":      "",
				"product_detail_url":      "https://www.lazada.vn/products/i" + strconv.FormatInt(l.ItemID, 10) + "-s" + strconv.FormatInt(l.SKUID, 10) + ".html",
				"buyer_id":                o.Buyer,
				"created_at":              lazadaTime(o.CreatedAt),
				"updated_at":              lazadaTime(o.UpdatedAt),
				"promised_shipping_time":  lazadaTime(o.CreatedAt.Add(48 * time.Hour)),
				"sla_time_stamp":          o.CreatedAt.Add(48 * time.Hour).In(vnTime).Format(time.RFC3339),
			})
		}
	}
	return out
}
