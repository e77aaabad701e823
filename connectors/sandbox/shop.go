package sandbox

import (
	"time"

	"golang.org/x/time/rate"
)

// Shop is a test seller shop with its catalog and fault settings.
type Shop struct {
	ID        int64
	Name      string
	Region    string
	CreatedAt time.Time
	// AuthorizedUntil is when the seller's grant to the app ends (Shopee:
	// 365 days); 0 for shops not yet authorized.
	AuthorizedUntil time.Time

	items    map[int64]*Item
	bySKU    map[string]*SKU
	skuItem  map[int64]*Item // sku id → item
	faults   Faults
	limiter  *rate.Limiter
	pushOff  bool
	lastCall time.Time
}

// ShopView is a shop as the control API shows it.
type ShopView struct {
	ID              int64     `json:"shop_id"`
	Name            string    `json:"name"`
	Region          string    `json:"region"`
	AuthorizedUntil time.Time `json:"authorized_until,omitzero"`
	Faults          Faults    `json:"faults"`
	PushEnabled     bool      `json:"push_enabled"`
}

func (s *Shop) view() ShopView {
	return ShopView{ID: s.ID, Name: s.Name, Region: s.Region, AuthorizedUntil: s.AuthorizedUntil,
		Faults: s.faults, PushEnabled: !s.pushOff}
}

// CreateShop adds a test shop.
func (e *Engine) CreateShop(name, region string) ShopView {
	e.mu.Lock()
	defer e.mu.Unlock()
	if region == "" {
		region = "VN"
	}
	s := &Shop{ID: e.id(), Name: name, Region: region, CreatedAt: e.now(),
		items: map[int64]*Item{}, bySKU: map[string]*SKU{}, skuItem: map[int64]*Item{}}
	e.shops[s.ID] = s
	return s.view()
}

// ShopViews lists the shops in id order.
func (e *Engine) ShopViews() []ShopView {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]ShopView, 0, len(e.shops))
	for _, s := range sortedShops(e.shops) {
		out = append(out, s.view())
	}
	return out
}

// HasShop reports whether the shop exists.
func (e *Engine) HasShop(id int64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.shops[id]
	return ok
}

// shop returns the shop or ErrNotFound; the caller holds mu.
func (e *Engine) shop(id int64) (*Shop, error) {
	s, ok := e.shops[id]
	if !ok {
		return nil, ErrNotFound
	}
	return s, nil
}
