package lazada

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"ocophub/connectors/driver"
)

// ShipOrder packs the order's pending items (/order/fulfill/pack, with the
// allocation /order/shipment/providers/get names) and hands the package to
// the carrier (/order/package/rts); the tracking number is the carrier's.
// It reads the items first and resumes where an earlier attempt stopped:
// packed items go straight to ready-to-ship, a shipped order returns its
// tracking number. A cancelled order is CodeFailedPrecondition. Lazada
// assigns the carrier and its tracking number: s.TrackingNumber (sellers
// shipping themselves) is not supported and ignored.
func (d *Driver) ShipOrder(ctx context.Context, s driver.Shipment) (string, error) {
	items, err := d.orderItems(ctx, s.OrderID)
	if err != nil {
		return "", err
	}
	var toPack []int64
	packages := map[string]bool{}
	tracking := ""
	live := 0
	for _, it := range items {
		st := strings.ToLower(it.Status)
		if mapStatus(st) == driver.OrderCancelled {
			continue
		}
		live++
		if it.TrackingCode != "" {
			tracking = it.TrackingCode
		}
		switch {
		case st == "unpaid":
			return "", &driver.Error{Code: driver.CodeFailedPrecondition, Message: "order " + s.OrderID + " is not paid yet"}
		case st == "pending" || st == "repacked" || st == "topack":
			id, _ := it.OrderItemID.int()
			toPack = append(toPack, id)
		case st == "packed" || st == "toship":
			if it.PackageID != "" {
				packages[it.PackageID] = true
			}
		}
	}
	if live == 0 {
		return "", &driver.Error{Code: driver.CodeFailedPrecondition, Message: "order " + s.OrderID + " is cancelled"}
	}
	if len(toPack) > 0 {
		pkgs, tr, err := d.pack(ctx, s.OrderID, toPack)
		if err != nil {
			return "", err
		}
		for _, p := range pkgs {
			packages[p] = true
		}
		if tr != "" {
			tracking = tr
		}
	}
	if len(packages) > 0 {
		if err := d.readyToShip(ctx, packages); err != nil {
			return "", err
		}
	}
	if tracking == "" { // some carriers number the parcel at ready-to-ship
		items, err := d.orderItems(ctx, s.OrderID)
		if err != nil {
			return "", err
		}
		for _, it := range items {
			if it.TrackingCode != "" {
				tracking = it.TrackingCode
			}
		}
	}
	if tracking == "" {
		return "", &driver.Error{Code: driver.CodeInternal, Message: "order " + s.OrderID + " was shipped but Lazada gave no tracking number"}
	}
	return tracking, nil
}

// fulfilResult is the result object of the fulfilment APIs; success true
// does not mean every entry succeeded.
type fulfilResult struct {
	Success        bool   `json:"success"`
	ErrorCode      scalar `json:"error_code"`
	ErrorCodeCamel scalar `json:"errorCode"`
	ErrorMsg       string `json:"error_msg"`
	ErrorMsgCamel  string `json:"errorMsg"`
}

func (r fulfilResult) err(requestID string) error {
	if r.Success {
		return nil
	}
	code, msg := r.ErrorCode.String(), r.ErrorMsg
	if code == "" {
		code, msg = r.ErrorCodeCamel.String(), r.ErrorMsgCamel
	}
	return itemError(code, msg, requestID)
}

// pack packs order items into a package and returns its ids and tracking
// number.
func (d *Driver) pack(ctx context.Context, orderID string, itemIDs []int64) ([]string, string, error) {
	oid, _ := strconv.ParseInt(orderID, 10, 64)
	allocate, provider, err := d.shipmentProvider(ctx, oid, itemIDs)
	if err != nil {
		return nil, "", err
	}
	req := map[string]any{
		"pack_order_list":        []map[string]any{{"order_id": oid, "order_item_list": itemIDs}},
		"delivery_type":          "dropship",
		"shipping_allocate_type": allocate,
	}
	if provider != "" {
		req["shipment_provider_code"] = provider
	}
	var out struct {
		Result struct {
			fulfilResult
			Data struct {
				PackOrderList []struct {
					Items []struct {
						OrderItemID scalar `json:"order_item_id"`
						ErrCode     scalar `json:"item_err_code"`
						Msg         string `json:"msg"`
						Tracking    string `json:"tracking_number"`
						PackageID   string `json:"package_id"`
					} `json:"order_item_list"`
				} `json:"pack_order_list"`
			} `json:"data"`
		} `json:"result"`
	}
	env, body, err := d.send(ctx, post("/order/fulfill/pack", map[string]string{"packReq": payload(req)}))
	if err != nil {
		return nil, "", err
	}
	if err := decodeResult(body, &out, env.RequestID); err != nil {
		return nil, "", err
	}
	if err := out.Result.err(env.RequestID); err != nil {
		return nil, "", err
	}
	var packages []string
	tracking := ""
	for _, o := range out.Result.Data.PackOrderList {
		for _, it := range o.Items {
			if code := it.ErrCode.String(); code != "" && code != "0" {
				return nil, "", itemError(code, it.Msg, env.RequestID)
			}
			if it.PackageID != "" {
				packages = append(packages, it.PackageID)
			}
			if it.Tracking != "" {
				tracking = it.Tracking
			}
		}
	}
	if len(packages) == 0 {
		return nil, "", &driver.Error{Code: driver.CodeInternal, Message: "/order/fulfill/pack answered no package", RequestID: env.RequestID}
	}
	return packages, tracking, nil
}

// shipmentProvider asks how the order's parcel is allocated: TFS (Lazada
// picks the carrier, no provider may be sent) or NTFS (the seller names
// one: the first offered).
func (d *Driver) shipmentProvider(ctx context.Context, orderID int64, itemIDs []int64) (allocate, provider string, err error) {
	req := map[string]any{"orders": []map[string]any{{"order_id": orderID, "order_item_ids": itemIDs}}}
	var out struct {
		Result struct {
			fulfilResult
			Data struct {
				AllocateType string `json:"shipping_allocate_type"`
				Providers    []struct {
					Code string `json:"provider_code"`
				} `json:"shipment_providers"`
			} `json:"data"`
		} `json:"result"`
	}
	env, body, err := d.send(ctx, get("/order/shipment/providers/get", map[string]string{"getShipmentProvidersReq": payload(req)}))
	if err != nil {
		return "", "", err
	}
	if err := decodeResult(body, &out, env.RequestID); err != nil {
		return "", "", err
	}
	if err := out.Result.err(env.RequestID); err != nil {
		return "", "", err
	}
	allocate = out.Result.Data.AllocateType
	if allocate == "" {
		allocate = "TFS"
	}
	if strings.EqualFold(allocate, "NTFS") && len(out.Result.Data.Providers) > 0 {
		provider = out.Result.Data.Providers[0].Code
	}
	return allocate, provider, nil
}

// readyToShip hands packages to the carrier (/order/package/rts).
func (d *Driver) readyToShip(ctx context.Context, packages map[string]bool) error {
	list := make([]map[string]string, 0, len(packages))
	for id := range packages {
		list = append(list, map[string]string{"package_id": id})
	}
	var out struct {
		Result struct {
			fulfilResult
			Data struct {
				Packages []struct {
					PackageID string `json:"package_id"`
					ErrCode   scalar `json:"item_err_code"`
					Msg       string `json:"msg"`
				} `json:"packages"`
			} `json:"data"`
		} `json:"result"`
	}
	env, body, err := d.send(ctx, post("/order/package/rts", map[string]string{"readyToShipReq": payload(map[string]any{"packages": list})}))
	if err != nil {
		return err
	}
	if err := decodeResult(body, &out, env.RequestID); err != nil {
		return err
	}
	if err := out.Result.err(env.RequestID); err != nil {
		return err
	}
	for _, p := range out.Result.Data.Packages {
		if code := p.ErrCode.String(); code != "" && code != "0" {
			return itemError(code, p.PackageID+": "+p.Msg, env.RequestID)
		}
	}
	return nil
}

func decodeResult(body []byte, out any, requestID string) error {
	if err := json.Unmarshal(body, out); err != nil {
		return &driver.Error{Code: driver.CodeInternal, Message: "unreadable fulfilment result", RequestID: requestID, Err: err}
	}
	return nil
}

// cancelReasonSourcingDelay is Lazada VN's "Sourcing Delay" reason, used
// when /order/reverse/cancel/validate offers none by that name. The
// "Out of Stock" and "Wrong Price" reasons are never used: Lazada sets the
// SKUs' sellable stock to 0 after them.
const cancelReasonSourcingDelay = "10000019"

// CancelOrder cancels every item still open as the seller: it reads the
// items, asks /order/reverse/cancel/validate whether they can be cancelled
// and with which reasons (they differ per country), and cancels them with
// /order/reverse/cancel/create, Lazada's documented flow (the legacy
// /order/cancel takes one item per call). The reason is always "Sourcing
// Delay": the others zero the SKUs' stock, and Lazada takes no free text,
// so the hub's reason is not sent. An order already shipped is
// CodeFailedPrecondition; one already cancelled succeeds.
func (d *Driver) CancelOrder(ctx context.Context, orderID, _ string) error {
	items, err := d.orderItems(ctx, orderID)
	if err != nil {
		return err
	}
	var open []int64
	for _, it := range items {
		switch mapStatus(it.Status) {
		case driver.OrderCancelled:
			continue
		case driver.OrderShipped, driver.OrderDelivered:
			return &driver.Error{Code: driver.CodeFailedPrecondition,
				Message: "order " + orderID + " is " + it.Status + " and can no longer be cancelled"}
		}
		id, _ := it.OrderItemID.int()
		open = append(open, id)
	}
	if len(open) == 0 {
		return nil
	}
	params := map[string]string{"order_id": orderID, "order_item_id_list": jsonList(open)}
	var check struct {
		Reasons []struct {
			ID   scalar `json:"reason_id"`
			Name string `json:"reason_name"`
		} `json:"reason_options"`
	}
	if _, err := d.call(ctx, get("/order/reverse/cancel/validate", params), &check); err != nil {
		return err
	}
	reasonID := cancelReasonSourcingDelay
	for _, r := range check.Reasons {
		if strings.EqualFold(strings.TrimSpace(r.Name), "Sourcing Delay") {
			reasonID = r.ID.String()
		}
	}
	params["reason_id"] = reasonID
	_, err = d.call(ctx, post("/order/reverse/cancel/create", params), nil)
	return err
}
