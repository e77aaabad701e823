package catalog

import (
	"strconv"
	"time"
)

// LiveStatus is where a livestream session is in its life.
type LiveStatus string

// A session is live from its start until it is ended (by hand or at its
// planned end); there is no draft: starting is what creates it.
const (
	LiveOn    LiveStatus = "live"
	LiveEnded LiveStatus = "ended"
)

// LiveSession is a livestream on one shop. Starting it moves each hold
// out of shared stock into the session's hold pool: other shops stop
// showing those units at once, the live shop shows exactly its hold, and
// the live shop's orders draw from the hold. Ending it returns leftovers.
type LiveSession struct {
	ID           int64      `json:"id"`
	CoopID       int64      `json:"coop_id"`
	ShopID       int64      `json:"shop_id"`
	Title        string     `json:"title"`
	Status       LiveStatus `json:"status"`
	PlannedEndAt *time.Time `json:"planned_end_at,omitempty"`
	StartedAt    *time.Time `json:"started_at,omitempty"`
	EndedAt      *time.Time `json:"ended_at,omitempty"`
	Holds        []LiveHold `json:"holds"`
	Version      int64      `json:"version"`
	CreatedAt    time.Time  `json:"created_at"`
}

// LiveHold is one variant's hold pool in a session.
type LiveHold struct {
	VariantID   int64  `json:"variant_id"`
	WarehouseID int64  `json:"warehouse_id"`
	SKU         string `json:"sku"`
	// Requested is the hold asked for at start plus top-ups, less
	// reductions; Held is what is left in the pool now; Sold counts units
	// of the live shop's orders during the session; Returned what went
	// back to shared stock at the end.
	Requested int64 `json:"requested"`
	Held      int64 `json:"held"`
	Sold      int64 `json:"sold"`
	Returned  int64 `json:"returned"`
}

// LiveStart asks to start a session.
type LiveStart struct {
	ShopID       int64           `json:"shop_id"`
	Title        string          `json:"title"`
	PlannedEndAt *time.Time      `json:"planned_end_at,omitempty"`
	Holds        []LiveHoldInput `json:"holds"`
}

// LiveHoldInput is one variant and the units to set aside for the live.
type LiveHoldInput struct {
	VariantID int64 `json:"variant_id"`
	Quantity  int64 `json:"quantity"`
}

// Validate checks a start request before anything is locked.
func (in *LiveStart) Validate(now time.Time) error {
	fe := FieldErrors{}
	in.Title = NormalizeText(in.Title)
	if in.ShopID <= 0 {
		fe.Add("shop_id", "the shop of the live is required")
	}
	if in.Title == "" {
		fe.Add("title", "title is required")
	}
	if in.PlannedEndAt != nil && !in.PlannedEndAt.After(now) {
		fe.Add("planned_end_at", "the planned end must be in the future")
	}
	if len(in.Holds) == 0 {
		fe.Add("holds", "at least one variant is required")
	}
	seen := map[int64]bool{}
	for i, h := range in.Holds {
		field := "holds[" + strconv.Itoa(i) + "]"
		switch {
		case h.VariantID <= 0:
			fe.Add(field+".variant_id", "variant is required")
		case seen[h.VariantID]:
			fe.Add(field+".variant_id", "variant appears twice")
		case h.Quantity <= 0:
			fe.Add(field+".quantity", "hold must be at least 1 unit")
		}
		seen[h.VariantID] = true
	}
	return fe.Err()
}

// LiveReport is what a session did, for the seller after the live.
type LiveReport struct {
	SessionID int64           `json:"session_id"`
	From      time.Time       `json:"from"`
	To        time.Time       `json:"to"`
	Lines     []LiveReportRow `json:"lines"`
	// PeakPerMinute is the most orders (all shops, the session's
	// variants) placed in one minute of the session.
	PeakPerMinute int64 `json:"peak_orders_per_minute"`
	// Pushes counts stock writes to every shop for the session's variants
	// during the session.
	Pushes int64 `json:"pushes"`
}

// LiveReportRow is one variant on one channel during the session.
type LiveReportRow struct {
	VariantID int64    `json:"variant_id"`
	SKU       string   `json:"sku"`
	Platform  Platform `json:"platform"`
	ShopID    int64    `json:"shop_id"`
	Units     int64    `json:"units"`
	Revenue   VND      `json:"revenue"`
}

// LiveLowHold is when a hold is about to run out: the console warns and
// offers a one-tap top-up. A tenth of what was asked, at least 3 units.
func LiveLowHold(h LiveHold) bool {
	return h.Held <= max(3, h.Requested/10)
}
