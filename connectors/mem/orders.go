package mem

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"ocophub/connectors/driver"
	"ocophub/connectors/sandbox"
)

var statuses = map[string]driver.OrderStatus{
	sandbox.OrderUnpaid: driver.OrderUnpaid, sandbox.OrderReadyToShip: driver.OrderReadyToShip,
	sandbox.OrderShipped: driver.OrderShipped, sandbox.OrderDelivered: driver.OrderDelivered,
	sandbox.OrderCancelled: driver.OrderCancelled,
}

// ListOrders pages through orders updated in [from, to); the cursor is an
// offset.
func (d *Driver) ListOrders(ctx context.Context, from, to time.Time, cursor string) (driver.OrderPage, error) {
	ctx, cancel, err := d.enter(ctx)
	defer cancel()
	if err != nil {
		return driver.OrderPage{}, err
	}
	offset := 0
	if cursor != "" {
		if offset, err = strconv.Atoi(cursor); err != nil {
			return driver.OrderPage{}, driver.Errorf(driver.CodeInvalidArgument, "bad_cursor", "cursor %q", cursor)
		}
	}
	orders, total, err := d.cfg.Engine.Orders(d.cfg.ShopID, sandbox.OrderQuery{ByUpdate: true, From: from,
		To: to.Add(-time.Nanosecond), Offset: offset, Limit: d.cfg.PageSize})
	if err != nil {
		return driver.OrderPage{}, mapErr(err)
	}
	page := driver.OrderPage{Orders: make([]driver.OrderSummary, len(orders))}
	for i, o := range orders {
		page.Orders[i] = driver.OrderSummary{ID: o.SN, Status: statuses[o.Status], UpdatedAt: o.UpdatedAt}
	}
	if next := offset + len(orders); next < total {
		page.Next = strconv.Itoa(next)
	}
	return page, nil
}

// GetOrders returns full orders; unknown ids are left out.
func (d *Driver) GetOrders(ctx context.Context, ids []string) ([]driver.Order, error) {
	ctx, cancel, err := d.enter(ctx)
	defer cancel()
	if err != nil {
		return nil, err
	}
	var out []driver.Order
	for _, id := range ids {
		o, err := d.cfg.Engine.Order(d.cfg.ShopID, id)
		if err != nil {
			continue
		}
		out = append(out, toOrder(o))
	}
	return out, nil
}

func toOrder(o sandbox.Order) driver.Order {
	out := driver.Order{ID: o.SN, Status: statuses[o.Status], PlatformStatus: o.Status, CreatedAt: o.CreatedAt,
		UpdatedAt: o.UpdatedAt, Total: o.Total, Currency: "VND", Tracking: o.Tracking}
	for _, l := range o.Lines {
		out.Lines = append(out.Lines, driver.OrderLine{LineID: strconv.FormatInt(l.LineID, 10),
			ItemID: strconv.FormatInt(l.ItemID, 10), ModelID: strconv.FormatInt(l.SKUID, 10),
			SellerSKU: l.SellerSKU, Quantity: l.Quantity, Price: l.Price})
	}
	return out
}

// ShipOrder ships a ready order.
func (d *Driver) ShipOrder(ctx context.Context, s driver.Shipment) (string, error) {
	ctx, cancel, err := d.enter(ctx)
	defer cancel()
	if err != nil {
		return "", err
	}
	o, err := d.cfg.Engine.Ship(d.cfg.ShopID, s.OrderID, s.TrackingNumber)
	if err != nil {
		return "", mapErr(err)
	}
	return o.Tracking, nil
}

// CancelOrder cancels an unshipped order.
func (d *Driver) CancelOrder(ctx context.Context, orderID, reason string) error {
	ctx, cancel, err := d.enter(ctx)
	defer cancel()
	if err != nil {
		return err
	}
	_, err = d.cfg.Engine.SetOrderStatus(d.cfg.ShopID, orderID, sandbox.OrderCancelled, reason)
	return mapIfErr(err)
}

// ParseWebhook checks X-Mem-Signature (HMAC-SHA256 of the body with the
// app secret) in constant time.
func (d *Driver) ParseWebhook(_ string, header http.Header, body []byte) ([]driver.Event, error) {
	got := header.Get("X-Mem-Signature")
	if got == "" || !hmac.Equal([]byte(got), []byte(sign(d.cfg.App.Secret, body))) {
		return nil, driver.Errorf(driver.CodePermissionDenied, "bad_signature", "push signature does not match")
	}
	var p push
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, driver.Errorf(driver.CodeInvalidArgument, "bad_body", "push body is not JSON")
	}
	return []driver.Event{{Kind: driver.EventOrderStatus, ShopID: strconv.FormatInt(p.ShopID, 10), OrderID: p.OrderSN,
		Status: statuses[p.Status], At: time.Unix(p.Timestamp, 0), ID: p.ID}}, nil
}
