package sandbox

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Order statuses, neutral; fronts map them to their own words.
const (
	OrderUnpaid      = "unpaid"
	OrderReadyToShip = "ready_to_ship"
	OrderShipped     = "shipped"
	OrderDelivered   = "delivered"
	OrderCancelled   = "cancelled"
)

// transitions lists the statuses an order may move to.
var transitions = map[string][]string{
	OrderUnpaid:      {OrderReadyToShip, OrderCancelled},
	OrderReadyToShip: {OrderShipped, OrderCancelled},
	OrderShipped:     {OrderDelivered},
}

// Order is a buyer's order in one shop.
type Order struct {
	SN        string      `json:"order_sn"` // platform order id: Shopee order_sn, Lazada order_id
	ID        int64       `json:"order_id"`
	ShopID    int64       `json:"shop_id"`
	Status    string      `json:"status"`
	Lines     []OrderLine `json:"lines"`
	Total     int64       `json:"total"`
	Buyer     string      `json:"buyer"`
	Tracking  string      `json:"tracking_number,omitempty"`
	PackageID string      `json:"package_id"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
	// CancelReason is set when a buyer or seller cancels.
	CancelReason string `json:"cancel_reason,omitempty"`
}

// OrderLine is one SKU of an order.
type OrderLine struct {
	LineID    int64  `json:"line_id"`
	ItemID    int64  `json:"item_id"`
	SKUID     int64  `json:"sku_id"`
	SellerSKU string `json:"seller_sku"`
	Name      string `json:"name"`
	Quantity  int64  `json:"quantity"`
	Price     int64  `json:"price"`
}

// Buy asks for Quantity units of a SKU.
type Buy struct {
	SKU      SKURef
	Quantity int64
}

// PlaceOrder is a buyer checking out: it succeeds only while the shop's
// OWN stock covers every line, and takes the units at once, as the real
// marketplaces do. status is the starting status (default ready_to_ship:
// paid or cash on delivery).
func (e *Engine) PlaceOrder(shopID int64, buyer string, buys []Buy, status string) (Order, error) {
	if len(buys) == 0 {
		return Order{}, Invalidf("an order needs at least one line")
	}
	if status == "" {
		status = OrderReadyToShip
	}
	if status != OrderUnpaid && status != OrderReadyToShip {
		return Order{}, Invalidf("an order starts unpaid or ready_to_ship")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.shop(shopID)
	if err != nil {
		return Order{}, err
	}
	type pick struct {
		k  *SKU
		it *Item
		q  int64
	}
	var picks []pick
	wanted := map[*SKU]int64{}
	for _, b := range buys {
		k, it, err := s.sku(b.SKU)
		if err != nil {
			return Order{}, err
		}
		if b.Quantity <= 0 {
			return Order{}, Invalidf("quantity must be positive")
		}
		wanted[k] += b.Quantity
		if it.Status != ItemLive || k.Stock < wanted[k] {
			return Order{}, ErrOutOfStock
		}
		picks = append(picks, pick{k, it, b.Quantity})
	}
	now := e.now()
	o := &Order{ID: e.id(), ShopID: shopID, Status: status, Buyer: buyer, CreatedAt: now, UpdatedAt: now}
	o.SN = fmt.Sprintf("%s%s", now.UTC().Format("060102"), strings.ToUpper(fmt.Sprintf("%08X", o.ID)))
	o.PackageID = fmt.Sprintf("PKG%d", o.ID)
	for _, p := range picks {
		p.k.Stock -= p.q
		p.k.Sold += p.q
		o.Lines = append(o.Lines, OrderLine{LineID: e.id(), ItemID: p.it.ID, SKUID: p.k.ID, SellerSKU: p.k.SellerSKU,
			Name: p.it.Name, Quantity: p.q, Price: p.k.PriceAt(now)})
		o.Total += p.q * p.k.PriceAt(now)
	}
	e.orders[o.SN] = o
	s.hold(o, o.Status, 1)
	e.push.orderChanged(s, *o)
	return *o, nil
}

// SetOrderStatus moves an order along its life; cancelling puts the units
// back on the channel's stock.
func (e *Engine) SetOrderStatus(shopID int64, sn, status, reason string) (Order, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.setOrderStatus(shopID, sn, status, reason, nil)
}

// setOrderStatus is SetOrderStatus for a caller holding mu. change, if
// given, edits the order once the transition is known to be allowed, in
// the same locked section.
func (e *Engine) setOrderStatus(shopID int64, sn, status, reason string, change func(*Order)) (Order, error) {
	o, ok := e.orders[sn]
	if !ok || o.ShopID != shopID {
		return Order{}, ErrNotFound
	}
	if !contains(transitions[o.Status], status) {
		return *o, ErrBadTransition
	}
	if change != nil {
		change(o)
	}
	if status == OrderCancelled {
		s := e.shops[shopID]
		for _, l := range o.Lines {
			if k, _, err := s.sku(SKURef{ID: l.SKUID}); err == nil {
				k.Stock += l.Quantity
				k.Sold -= l.Quantity
			}
		}
		o.CancelReason = reason
	}
	e.shops[shopID].hold(o, o.Status, -1)
	e.shops[shopID].hold(o, status, 1)
	o.Status = status
	o.UpdatedAt = e.now()
	e.push.orderChanged(e.shops[shopID], *o)
	return *o, nil
}

// Ship marks a ready order shipped with a tracking number (the seller's
// fulfilment call), in one locked section: a cancel cannot slip between
// the tracking number and the status.
func (e *Engine) Ship(shopID int64, sn, tracking string) (Order, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.setOrderStatus(shopID, sn, OrderShipped, "", func(o *Order) {
		if tracking == "" {
			tracking = fmt.Sprintf("SBX%010d", o.ID)
		}
		o.Tracking = tracking
	})
}

// Order returns one order of the shop.
func (e *Engine) Order(shopID int64, sn string) (Order, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, ok := e.orders[sn]
	if !ok || o.ShopID != shopID {
		return Order{}, ErrNotFound
	}
	return *o, nil
}

// OrderQuery filters Orders.
type OrderQuery struct {
	ByUpdate      bool // filter and sort on UpdatedAt instead of CreatedAt
	From, To      time.Time
	Statuses      []string
	Offset, Limit int
}

// Orders lists a shop's orders by time then id, with the total before
// paging.
func (e *Engine) Orders(shopID int64, q OrderQuery) ([]Order, int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.shop(shopID); err != nil {
		return nil, 0, err
	}
	at := func(o *Order) time.Time {
		if q.ByUpdate {
			return o.UpdatedAt
		}
		return o.CreatedAt
	}
	var all []*Order
	for _, o := range e.orders {
		t := at(o)
		if o.ShopID != shopID || !q.From.IsZero() && t.Before(q.From) || !q.To.IsZero() && t.After(q.To) {
			continue
		}
		if len(q.Statuses) > 0 && !contains(q.Statuses, o.Status) {
			continue
		}
		all = append(all, o)
	}
	sort.Slice(all, func(i, j int) bool {
		ti, tj := at(all[i]), at(all[j])
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return all[i].ID < all[j].ID
	})
	total := len(all)
	all = window(all, q.Offset, q.Limit)
	out := make([]Order, len(all))
	for i, o := range all {
		out[i] = *o
	}
	return out, total, nil
}
