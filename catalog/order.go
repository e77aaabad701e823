package catalog

import "time"

// OrderStatus is the hub's order status (drivers map platform statuses).
type OrderStatus string

// The order statuses.
const (
	OrderUnpaid      OrderStatus = "unpaid"
	OrderReadyToShip OrderStatus = "ready_to_ship"
	OrderShipped     OrderStatus = "shipped"
	OrderDelivered   OrderStatus = "delivered"
	OrderCancelled   OrderStatus = "cancelled"
	// OrderUnknown is a platform status no driver maps (one the platform
	// added later): the order is kept and flagged for a person. A new one
	// reserves its units, as the channel took them at checkout: holding
	// them until a known status arrives can never oversell.
	OrderUnknown OrderStatus = "unknown"
)

// StockState is what an order has done to stock so far; with the next
// status it decides the stock operations, so ingesting the same order
// twice changes nothing.
type StockState string

// The stock states of an order.
const (
	StockNone     StockState = "none"     // nothing yet (or nothing to do: unknown SKU)
	StockReserved StockState = "reserved" // units reserved for the buyer
	StockDeducted StockState = "deducted" // units left the warehouse
	StockReleased StockState = "released" // cancelled: reservation given back
)

// StockPlan is the operations that move an order from state from to the
// state its status calls for. Unpaid, ready and unknown orders reserve; shipped and
// delivered deduct (reserving first if the order arrives already shipped);
// cancelled releases a reservation. Cancelling after shipping changes no
// stock: returned goods are counted back in by hand (ReasonReturned).
func StockPlan(from StockState, status OrderStatus) (ops []StockOp, to StockState) {
	switch status {
	case OrderUnpaid, OrderReadyToShip, OrderUnknown:
		if from == StockNone {
			return []StockOp{OpReserve}, StockReserved
		}
	case OrderShipped, OrderDelivered:
		switch from {
		case StockNone:
			return []StockOp{OpReserve, OpDeduct}, StockDeducted
		case StockReserved:
			return []StockOp{OpDeduct}, StockDeducted
		}
	case OrderCancelled:
		if from == StockReserved {
			return []StockOp{OpRelease}, StockReleased
		}
		if from == StockNone {
			return nil, StockReleased
		}
	}
	return nil, from
}

// Order is a marketplace order brought into the hub, unique on (shop,
// external id).
type Order struct {
	ID         int64       `json:"id"`
	ShopID     int64       `json:"shop_id"`
	CoopID     int64       `json:"coop_id"`
	Platform   Platform    `json:"platform"`
	ExternalID string      `json:"external_id"`
	Status     OrderStatus `json:"status"`
	// PlatformStatus is the channel's own word, for people.
	PlatformStatus string     `json:"platform_status"`
	StockState     StockState `json:"stock_state"`
	Total          VND        `json:"total"`
	Tracking       string     `json:"tracking,omitempty"`
	// Flagged explains why the order needs a person (an unknown SKU):
	// such orders are kept, never dropped.
	Flagged   string      `json:"flagged,omitempty"`
	Lines     []OrderLine `json:"lines"`
	PlacedAt  time.Time   `json:"placed_at"`
	Version   int64       `json:"version"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// OrderLine is one SKU of an order. VariantID is 0 when the channel's
// seller SKU matches no variant of the co-op.
type OrderLine struct {
	SellerSKU   string `json:"seller_sku"`
	VariantID   int64  `json:"variant_id,omitempty"`
	WarehouseID int64  `json:"warehouse_id,omitempty"`
	Quantity    int64  `json:"quantity"`
	Price       VND    `json:"price"`
}
