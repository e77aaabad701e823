package catalog

import (
	"fmt"
	"time"
)

// StockLevel is the stock of one variant in one warehouse. Available =
// OnHand − Reserved − Held is what can still be promised to a buyer of any
// shop; Held is set aside for a livestream (LiveSession). Version grows
// by one with every change; pushes to channels carry it so a stale push
// never overwrites newer stock.
type StockLevel struct {
	VariantID   int64     `json:"variant_id"`
	WarehouseID int64     `json:"warehouse_id"`
	OnHand      int64     `json:"on_hand"`
	Reserved    int64     `json:"reserved"`
	Held        int64     `json:"held"`
	Version     int64     `json:"version"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Available is what can still be sold on any shop.
func (l StockLevel) Available() int64 { return l.OnHand - l.Reserved - l.Held }

// StockOp is the kind of a stock change.
type StockOp string

// The four stock operations. Orders reserve when they are placed, deduct when
// shipped and release when cancelled; people adjust after a count or harvest.
const (
	OpAdjust  StockOp = "adjust"  // on_hand += delta (either sign)
	OpReserve StockOp = "reserve" // reserved += qty, needs qty available
	OpRelease StockOp = "release" // reserved −= qty
	OpDeduct  StockOp = "deduct"  // on_hand −= qty and reserved −= qty: reserved units left the warehouse

	// A livestream's hold pool: units set aside for one shop.
	OpHold        StockOp = "hold"         // held += qty, needs qty available
	OpUnhold      StockOp = "unhold"       // held −= qty: back to every shop
	OpReserveHeld StockOp = "reserve_held" // held −= qty, reserved += qty: an order of the live shop drew from the hold
)

// Reason says why stock changed; it is kept on every ledger row.
type Reason string

// Reasons a person can give for an adjustment, and the ones the system uses.
const (
	ReasonReceived Reason = "received" // goods in: harvest, production, purchase
	ReasonCount    Reason = "count"    // stock-take correction
	ReasonDamaged  Reason = "damaged"  // spoiled, broken, expired
	ReasonReturned Reason = "returned" // buyer return put back on the shelf
	ReasonImport   Reason = "import"   // opening balance from a catalog import
	ReasonOrder    Reason = "order"    // reserve / release / deduct for an order
	ReasonLive     Reason = "live"     // hold / unhold for a livestream
	ReasonCampaign Reason = "campaign" // hold / unhold of a campaign's reserved quantity
	ReasonOther    Reason = "other"
)

var adjustReasons = map[Reason]bool{
	ReasonReceived: true, ReasonCount: true, ReasonDamaged: true,
	ReasonReturned: true, ReasonImport: true, ReasonOther: true,
}

// StockChange asks for one stock operation on one variant in one warehouse.
type StockChange struct {
	Op          StockOp
	VariantID   int64
	WarehouseID int64
	Quantity    int64  // signed delta for OpAdjust, a positive count otherwise
	Reason      Reason // required for OpAdjust; OpReserve/Release/Deduct use ReasonOrder
	Actor       string // who: a user, "import", "order:<channel>"
	OrderRef    string // the order this change belongs to, if any
	Note        string
	// IfVersion, when set, is the level's version the caller read: the
	// change applies only to that version and fails with conflict otherwise,
	// so an edit made on an old reading (a grid, an exported file) never
	// lands on stock that orders have moved since. 0 is a level not yet
	// written.
	IfVersion *int64
	LotID     int64 // the lot received (or, later, drawn from), 0 for none
}

// Validate checks the request before any row is locked.
func (c *StockChange) Validate() error {
	fe := FieldErrors{}
	if c.VariantID <= 0 {
		fe.Add("variant_id", "variant is required")
	}
	if c.WarehouseID <= 0 {
		fe.Add("warehouse_id", "warehouse is required")
	}
	switch c.Op {
	case OpAdjust:
		if c.Quantity == 0 {
			fe.Add("delta", "delta must not be zero")
		}
		if !adjustReasons[c.Reason] {
			fe.Add("reason", "reason must be one of received, count, damaged, returned, import, other")
		}
	case OpReserve, OpRelease, OpDeduct, OpReserveHeld:
		if c.Quantity <= 0 {
			fe.Add("quantity", "quantity must be positive")
		}
		if c.Reason == "" {
			c.Reason = ReasonOrder
		}
	case OpHold, OpUnhold:
		if c.Quantity <= 0 {
			fe.Add("quantity", "quantity must be positive")
		}
		if c.Reason != ReasonCampaign {
			c.Reason = ReasonLive
		}
	default:
		fe.Add("op", fmt.Sprintf("unknown stock operation %q", c.Op))
	}
	if c.Actor == "" {
		fe.Add("actor", "actor is required")
	}
	return fe.Err()
}

// Apply computes the level after the change, or an insufficient_stock error
// when it would leave on_hand below reserved + held or any below zero. It
// is the one rule every store runs inside its locked transaction. The held
// delta is next.Held − l.Held.
func (c StockChange) Apply(l StockLevel) (next StockLevel, onHandDelta, reservedDelta int64, err error) {
	if c.IfVersion != nil && *c.IfVersion != l.Version {
		return l, 0, 0, &Error{Code: CodeConflict, Message: fmt.Sprintf(
			"the stock changed since it was read (version %d, now %d with %d on hand): read it again", *c.IfVersion, l.Version, l.OnHand)}
	}
	var heldDelta int64
	switch c.Op {
	case OpAdjust:
		onHandDelta = c.Quantity
	case OpReserve:
		reservedDelta = c.Quantity
	case OpRelease:
		reservedDelta = -c.Quantity
	case OpDeduct:
		onHandDelta, reservedDelta = -c.Quantity, -c.Quantity
	case OpHold:
		heldDelta = c.Quantity
	case OpUnhold:
		heldDelta = -c.Quantity
	case OpReserveHeld:
		heldDelta, reservedDelta = -c.Quantity, c.Quantity
	}
	next = l
	next.OnHand += onHandDelta
	next.Reserved += reservedDelta
	next.Held += heldDelta
	next.Version++
	switch {
	case next.Reserved < 0:
		return l, 0, 0, &Error{Code: CodeInsufficientStock,
			Message: fmt.Sprintf("cannot %s %d: only %d reserved", c.Op, c.Quantity, l.Reserved)}
	case next.Held < 0:
		return l, 0, 0, &Error{Code: CodeInsufficientStock,
			Message: fmt.Sprintf("cannot %s %d: only %d held", c.Op, c.Quantity, l.Held)}
	case next.OnHand < next.Reserved+next.Held:
		return l, 0, 0, &Error{Code: CodeInsufficientStock,
			Message: fmt.Sprintf("cannot %s %d: only %d available (on hand %d, reserved %d)",
				c.Op, abs(c.Quantity), l.Available(), l.OnHand, l.Reserved)}
	}
	return next, onHandDelta, reservedDelta, nil
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// Movement is one row of the stock ledger. Summing OnHandDelta and
// ReservedDelta over a level's movements gives the level.
type Movement struct {
	ID            int64     `json:"id"`
	VariantID     int64     `json:"variant_id"`
	WarehouseID   int64     `json:"warehouse_id"`
	Op            StockOp   `json:"op"`
	OnHandDelta   int64     `json:"on_hand_delta"`
	ReservedDelta int64     `json:"reserved_delta"`
	HeldDelta     int64     `json:"held_delta,omitempty"`
	Reason        Reason    `json:"reason"`
	Actor         string    `json:"actor"`
	OrderRef      string    `json:"order_ref,omitempty"`
	Note          string    `json:"note,omitempty"`
	LotID         int64     `json:"lot_id,omitempty"`
	Version       int64     `json:"version"` // the level's version after this movement
	CreatedAt     time.Time `json:"created_at"`
}

// TopicStockChanged is the outbox topic written with every stock change.
const TopicStockChanged = "stock.changed"

// StockChanged is the outbox payload of TopicStockChanged: enough for the
// relay to find the listings to push; the push itself reads current stock.
type StockChanged struct {
	VariantID   int64 `json:"variant_id"`
	WarehouseID int64 `json:"warehouse_id"`
	Version     int64 `json:"version"`
}

// TopicProductChanged is the outbox topic written when a product's
// content or prices change: its listings are updated on every channel.
const TopicProductChanged = "product.changed"

// ProductChanged is the outbox payload of TopicProductChanged.
type ProductChanged struct {
	ProductID int64 `json:"product_id"`
	Version   int64 `json:"version"`
}

// OutboxEvent is a row of the transactional outbox: written in the same
// transaction as the change it announces, relayed later.
type OutboxEvent struct {
	ID        int64
	Topic     string
	Payload   []byte // JSON
	CreatedAt time.Time
	SentAt    *time.Time
}
