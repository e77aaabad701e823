package lazada

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"ocophub/connectors/sandbox"
)

// packed is what /order/fulfill/pack did to an order: one package with all
// of its units, and the carrier's tracking number assigned at once.
type packed struct {
	packageID string
	tracking  string
	provider  string
}

// packStore is the front's fulfilment state, keyed by engine order SN: the
// engine has no "packed" step and no idea who cancelled.
type packStore struct {
	mu       sync.Mutex
	packs    map[string]*packed
	bySeller map[string]bool
}

func newPackStore() *packStore {
	return &packStore{packs: map[string]*packed{}, bySeller: map[string]bool{}}
}

func (s *packStore) get(sn string) *packed {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.packs[sn]
}

// pack records a new package; false when the order was packed already.
func (s *packStore) pack(o sandbox.Order) (*packed, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.packs[o.SN]; ok {
		return p, false
	}
	p := &packed{packageID: packageID(o.ID), tracking: fmt.Sprintf("LZVN%011d", o.ID), provider: shipmentProvider}
	s.packs[o.SN] = p
	return p, true
}

func (s *packStore) markSellerCancel(sn string) {
	s.mu.Lock()
	s.bySeller[sn] = true
	s.mu.Unlock()
}

func (s *packStore) cancelledBySeller(sn string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bySeller[sn]
}

// shipmentProvider is the sandbox's only carrier.
const shipmentProvider = "LEX VN"

// packageID is the package of an order ("FP<order id>", shaped like
// Lazada's "FP022511752246001").
func packageID(orderID int64) string { return "FP" + strconv.FormatInt(orderID, 10) }

func orderOfPackage(id string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(id, "FP"), 10, 64)
	return n, err == nil && strings.HasPrefix(id, "FP")
}

// maxFulfilBatch is the most orders of a pack or packages of a
// ready-to-ship call.
const maxFulfilBatch = 20

// batchResult answers a fulfilment call: {"result":{success, error_code,
// error_msg, data}}. success true does not mean every entry succeeded:
// each carries item_err_code "0" or an error.
func (c *call) batchResult(success bool, code, msg string, data any) error {
	if data == nil {
		data = map[string]any{}
	}
	c.write(http.StatusOK, envelope{Code: "0", RequestID: c.reqID, Result: map[string]any{
		"success": success, "error_code": code, "error_msg": msg, "data": data}})
	return nil
}

// shipmentProviders is GET /order/shipment/providers/get: the sandbox
// allocates its one carrier itself (TFS, platform_default 1), whatever
// getShipmentProvidersReq names.
func (f *front) shipmentProviders(c *call) error {
	return c.batchResult(true, "", "", map[string]any{"platform_default": 1, "shipping_allocate_type": "TFS",
		"shipment_providers": []map[string]string{{"name": shipmentProvider, "provider_code": "LEX_VN"}}})
}

// pack is POST /order/fulfill/pack: packReq {pack_order_list[{order_id,
// order_item_list[]}] ≤ 20, delivery_type "dropship",
// shipping_allocate_type, shipment_provider_code}. The sandbox packs every
// unit of an order into one package, whichever items are listed.
func (f *front) pack(c *call) error {
	req, err := c.payloadParam("packReq")
	if err != nil {
		return err
	}
	orders := list(field(req, "pack_order_list"))
	switch dt, _ := text(field(req, "delivery_type")); {
	case len(orders) == 0:
		return c.batchResult(false, "700017", "PARAM_IS_NULL: pack_order_list can't be null", nil)
	case len(orders) > maxFulfilBatch:
		return c.batchResult(false, "700022", "BATCH_SIZE_OUT_OF_LIMIT: batch size out of limit", nil)
	case !strings.EqualFold(dt, "dropship"):
		return c.batchResult(false, "700004", "PARAM_ILLEGAL: delivery_type must be dropship", nil)
	}
	var results []map[string]any
	for _, entry := range orders {
		orderID, _ := integer(field(entry, "order_id"))
		var items []int64
		for _, x := range list(field(entry, "order_item_list")) {
			id, err := integer(x)
			if err != nil {
				return c.batchResult(false, "700004", "PARAM_ILLEGAL: order_item_list holds order item ids", nil)
			}
			items = append(items, id)
		}
		results = append(results, map[string]any{"order_id": orderID, "order_item_list": f.packOrder(c.shop, orderID, items)})
	}
	return c.batchResult(true, "", "", map[string]any{"pack_order_list": results})
}

// packOrder packs one order and reports each listed item.
func (f *front) packOrder(shop, orderID int64, items []int64) []map[string]any {
	report := func(code, msg string, p *packed) []map[string]any {
		out := []map[string]any{}
		for _, id := range items {
			r := map[string]any{"order_item_id": id, "item_err_code": code, "msg": msg, "retry": false,
				"tracking_number": "", "shipment_provider": "", "package_id": ""}
			if p != nil {
				r["tracking_number"], r["shipment_provider"], r["package_id"] = p.tracking, p.provider, p.packageID
			}
			out = append(out, r)
		}
		return out
	}
	o, ok := f.findOrder(shop, orderID)
	if !ok {
		return report("700021", "ORDER_NOT_FOUND: order not found", nil)
	}
	if len(items) == 0 {
		return []map[string]any{{"order_item_id": 0, "item_err_code": "700017", "msg": "PARAM_IS_NULL: order_item_list can't be null", "retry": false}}
	}
	for _, id := range items {
		if !holdsItem(o, id) {
			return report("700025", fmt.Sprintf("ORDER_ITEM_NOT_FOUND: order item %d is not in order %d", id, orderID), nil)
		}
	}
	if o.Status != sandbox.OrderReadyToShip {
		return report("700026", "FO_ITEM_NOT_ALLOW_TO_PACK: item current status ("+f.lazadaStatus(o)+") not allow to pack", nil)
	}
	p, fresh := f.packs.pack(o)
	if !fresh {
		return report("700026", "FO_ITEM_NOT_ALLOW_TO_PACK: item current status (packed) not allow to pack", p)
	}
	return report("0", "success", p)
}

func holdsItem(o sandbox.Order, itemID int64) bool {
	for _, l := range o.Lines {
		if l.LineID == itemID/itemsPerLine && itemID%itemsPerLine < l.Quantity {
			return true
		}
	}
	return false
}

// readyToShip is POST /order/package/rts: readyToShipReq
// {packages[{package_id}] ≤ 20}. The sandbox carrier picks the parcel up
// at once: the order becomes shipped with the tracking number of the pack.
func (f *front) readyToShip(c *call) error {
	req, err := c.payloadParam("readyToShipReq")
	if err != nil {
		return err
	}
	pkgs := list(field(req, "packages"))
	switch {
	case len(pkgs) == 0:
		return c.batchResult(false, "700017", "PARAM_IS_NULL: packages can't be null", nil)
	case len(pkgs) > maxFulfilBatch:
		return c.batchResult(false, "700022", "BATCH_SIZE_OUT_OF_LIMIT: batch size out of limit", nil)
	}
	var results []map[string]any
	for _, entry := range pkgs {
		id, _ := text(field(entry, "package_id"))
		code, msg := f.shipPackage(c.shop, id)
		results = append(results, map[string]any{"package_id": id, "item_err_code": code, "msg": msg, "retry": false})
	}
	return c.batchResult(true, "", "", map[string]any{"packages": results})
}

func (f *front) shipPackage(shop int64, id string) (code, msg string) {
	orderID, ok := orderOfPackage(id)
	if !ok {
		return "700021", "package not found"
	}
	o, ok := f.findOrder(shop, orderID)
	p := f.packs.get(o.SN)
	switch {
	case !ok || p == nil:
		return "700021", "package not found"
	case o.Status == sandbox.OrderCancelled:
		return "600002", "package already cancelled"
	case o.Status != sandbox.OrderReadyToShip:
		return "700000", "PACKAGE_STATUS_NOT_ALLOW_TO_OP: current package status (" + f.lazadaStatus(o) + ") not allow to operation"
	}
	if _, err := f.e.Ship(shop, o.SN, p.tracking); err != nil {
		return "700000", "PACKAGE_STATUS_NOT_ALLOW_TO_OP: " + err.Error()
	}
	return "0", "success"
}

// cancelReason is a seller cancellation reason of Lazada VN.
type cancelReason struct {
	ID   string `json:"reason_id"`
	Name string `json:"reason_name"`
	// zeroStock: Lazada sets the SKU's stock to 0 after this reason, to stop
	// new orders while the seller fixes stock or price.
	zeroStock bool
}

var cancelReasons = []cancelReason{
	{ID: "10000019", Name: "Sourcing Delay"},
	{ID: "10000021", Name: "Out of Stock", zeroStock: true},
	{ID: "10000023", Name: "Wrong Price or Pricing Error", zeroStock: true},
}

func reasonByID(id string) (cancelReason, bool) {
	for _, r := range cancelReasons {
		if r.ID == id {
			return r, true
		}
	}
	return cancelReason{}, false
}

// errNotCancellable: only unpaid, pending and packed orders can be
// cancelled by the seller.
var errNotCancellable = isv("73", "E073: All order items must have status Pending or Ready To Ship.")

// cancel cancels a whole order as the seller: the units go back on sale,
// then, for an out-of-stock or wrong-price reason, the SKUs' stock is set
// to 0 as Lazada does.
func (f *front) cancel(shop int64, o sandbox.Order, r cancelReason) error {
	if o.Status != sandbox.OrderUnpaid && o.Status != sandbox.OrderReadyToShip {
		return errNotCancellable
	}
	if _, err := f.e.SetOrderStatus(shop, o.SN, sandbox.OrderCancelled, r.Name); err != nil {
		if errors.Is(err, sandbox.ErrBadTransition) {
			return errNotCancellable
		}
		return err
	}
	f.packs.markSellerCancel(o.SN)
	if r.zeroStock {
		for _, l := range o.Lines {
			_, _ = f.e.SetStock(shop, sandbox.SKURef{ID: l.SKUID}, 0)
		}
	}
	return nil
}

// cancelOrderItem is POST /order/cancel (SetStatusToCanceled): one
// order_item_id and a reason_id. The engine cancels whole orders, so the
// item's order is cancelled with all its items.
func (f *front) cancelOrderItem(c *call) error {
	raw, err := c.required("order_item_id")
	if err != nil {
		return err
	}
	itemID, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return isv("20", "E020: %q Invalid Order Item ID", raw)
	}
	reason, err := c.reason()
	if err != nil {
		return err
	}
	o, ok := f.findOrderOfItem(c.shop, itemID)
	if !ok {
		return isv("20", "E020: %q Invalid Order Item ID", raw)
	}
	if err := f.cancel(c.shop, o, reason); err != nil {
		return err
	}
	return c.ok(struct{}{})
}

func (c *call) reason() (cancelReason, error) {
	id, err := c.required("reason_id")
	if err != nil {
		return cancelReason{}, err
	}
	r, ok := reasonByID(id)
	if !ok {
		return cancelReason{}, isv("ILLEGAL_PARAMETER", "reason_id %s is not a cancellation reason of this order (see /order/reverse/cancel/validate)", id)
	}
	return r, nil
}

// cancelTarget reads order_id and order_item_id_list of the reverse
// cancel APIs.
func (f *front) cancelTarget(c *call) (sandbox.Order, error) {
	o, err := f.orderParam(c)
	if err != nil {
		return o, err
	}
	if raw := c.param("order_item_id_list"); raw != "" {
		ids, err := jsonArray(raw)
		if err != nil {
			return o, invalidParameter("order_item_id_list", "must be a JSON array of order item ids")
		}
		for _, s := range ids {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || !holdsItem(o, id) {
				return o, isv("20", "E020: %q Invalid Order Item ID", s)
			}
		}
	}
	return o, nil
}

// cancelValidate is GET /order/reverse/cancel/validate: whether the order
// can be cancelled and with which reasons.
func (f *front) cancelValidate(c *call) error {
	o, err := f.cancelTarget(c)
	if err != nil {
		return err
	}
	if o.Status != sandbox.OrderUnpaid && o.Status != sandbox.OrderReadyToShip {
		return errNotCancellable
	}
	return c.ok(map[string]any{
		"reason_options": cancelReasons,
		"tip_type":       "warning",
		"tip_content":    "SKU stock may be set to 0 after cancellation due to reasons: 'out of stock' or 'incorrect pricing', to prevent new orders while you adjust your stock/pricing.",
	})
}

// cancelCreate is POST /order/reverse/cancel/create (InitReverseOrderCancel).
func (f *front) cancelCreate(c *call) error {
	o, err := f.cancelTarget(c)
	if err != nil {
		return err
	}
	reason, err := c.reason()
	if err != nil {
		return err
	}
	if err := f.cancel(c.shop, o, reason); err != nil {
		return err
	}
	tip := "The order has been cancelled."
	if reason.zeroStock {
		tip = "The order has been cancelled and SKU stock may have been set to 0. Please ensure you check your stock/pricing under “Manage Products”."
	}
	return c.ok(map[string]any{"tip_type": "success", "tip_content": tip})
}
