package sandbox

import (
	"bytes"
	"image"
	_ "image/jpeg" // decoders for UploadImage
	_ "image/png"
	"sort"
	"time"
)

// Item statuses, neutral; fronts map them to their own words.
const (
	ItemLive     = "live"     // Shopee NORMAL, Lazada active
	ItemInactive = "inactive" // Shopee UNLIST, Lazada inactive
	ItemDeleted  = "deleted"
)

// Item is a listing: a Shopee item, a Lazada product, a Zalo product.
type Item struct {
	ID          int64          `json:"item_id"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	CategoryID  int64          `json:"category_id,omitempty"`
	Status      string         `json:"status"`
	Images      []string       `json:"images,omitempty"`
	Extra       map[string]any `json:"extra,omitempty"` // platform fields echoed back as sent
	SKUs        []*SKU         `json:"skus"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// SKU is a sellable unit of an item: a Shopee model, a Lazada SKU.
type SKU struct {
	ID        int64          `json:"sku_id"`
	SellerSKU string         `json:"seller_sku"`
	Price     int64          `json:"price"`
	Stock     int64          `json:"stock"`    // what buyers can still buy
	Reserved  int64          `json:"reserved"` // locked by promotions: stock may not go below it
	Extra     map[string]any `json:"extra,omitempty"`
	// Promo is the platform's own promotion price of the SKU (Lazada's
	// special price): buyers pay it from From until To, Price crossed out.
	Promo *Promo `json:"promo,omitempty"`
	// StockChangedAt is when a seller call last set the stock: benchmarks
	// measure propagation with it.
	StockChangedAt time.Time `json:"stock_changed_at,omitzero"`
	// Sold counts units bought by buyers.
	Sold int64 `json:"sold"`
	// Unpaid and Unshipped are units bought but still in the seller's
	// warehouse: in unpaid orders, and in paid orders not shipped yet. They
	// are no longer in Stock; a platform whose stock call sets the
	// warehouse total (Lazada quantity) counts them (SetTotalStock).
	Unpaid    int64 `json:"unpaid"`
	Unshipped int64 `json:"unshipped"`
}

// Promo is a promotion price over a window [From, To).
// The SKU holds it by pointer and a change replaces it: clones share it.
type Promo struct {
	Price int64     `json:"price"`
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
}

// PriceAt is what a buyer pays for the SKU at t: the promotion price
// inside its window, else the price.
func (k SKU) PriceAt(t time.Time) int64 {
	if k.Promo != nil && !t.Before(k.Promo.From) && t.Before(k.Promo.To) {
		return k.Promo.Price
	}
	return k.Price
}

// NewSKU describes a SKU to create.
type NewSKU struct {
	SellerSKU string
	Price     int64
	Stock     int64
	Extra     map[string]any
}

// NewItem describes an item to create.
type NewItem struct {
	Name        string
	Description string
	CategoryID  int64
	Status      string // default live
	Images      []string
	Extra       map[string]any
	SKUs        []NewSKU
}

// clone copies an item deeply enough that callers never share engine state.
func (it *Item) clone() Item {
	c := *it
	c.SKUs = make([]*SKU, len(it.SKUs))
	for i, s := range it.SKUs {
		cp := *s
		c.SKUs[i] = &cp
	}
	c.Images = append([]string(nil), it.Images...)
	return c
}

// CreateItem adds an item with its SKUs. Seller SKUs are unique per shop
// and images must have been uploaded first.
func (e *Engine) CreateItem(shopID int64, in NewItem) (Item, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.shop(shopID)
	if err != nil {
		return Item{}, err
	}
	if in.Name == "" {
		return Item{}, Invalidf("item name is required")
	}
	for _, img := range in.Images {
		if e.images[img] == nil {
			return Item{}, ErrImageUnknown
		}
	}
	seen := map[string]bool{}
	for _, k := range in.SKUs {
		if k.SellerSKU != "" && (s.bySKU[k.SellerSKU] != nil || seen[k.SellerSKU]) {
			return Item{}, ErrDuplicateSKU
		}
		seen[k.SellerSKU] = true
		if k.Stock < 0 {
			return Item{}, ErrNegativeStock
		}
	}
	now := e.now()
	it := &Item{ID: e.id(), Name: in.Name, Description: in.Description, CategoryID: in.CategoryID,
		Status: in.Status, Images: in.Images, Extra: in.Extra, CreatedAt: now, UpdatedAt: now}
	if it.Status == "" {
		it.Status = ItemLive
	}
	s.items[it.ID] = it
	for _, k := range in.SKUs {
		e.addSKU(s, it, k)
	}
	return it.clone(), nil
}

// AddSKUs adds SKUs to an existing item (Shopee init_tier_variation).
func (e *Engine) AddSKUs(shopID, itemID int64, skus []NewSKU) (Item, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, it, err := e.item(shopID, itemID)
	if err != nil {
		return Item{}, err
	}
	for _, k := range skus {
		if k.SellerSKU != "" && s.bySKU[k.SellerSKU] != nil {
			return Item{}, ErrDuplicateSKU
		}
	}
	for _, k := range skus {
		e.addSKU(s, it, k)
	}
	it.UpdatedAt = e.now()
	return it.clone(), nil
}

func (e *Engine) addSKU(s *Shop, it *Item, k NewSKU) {
	sku := &SKU{ID: e.id(), SellerSKU: k.SellerSKU, Price: k.Price, Stock: k.Stock, Extra: k.Extra, StockChangedAt: e.now()}
	it.SKUs = append(it.SKUs, sku)
	s.skuItem[sku.ID] = it
	if k.SellerSKU != "" {
		s.bySKU[k.SellerSKU] = sku
	}
}

// UpdateItem applies fn to the item under the lock, for field edits.
func (e *Engine) UpdateItem(shopID, itemID int64, fn func(*Item) error) (Item, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, it, err := e.item(shopID, itemID)
	if err != nil {
		return Item{}, err
	}
	if err := fn(it); err != nil {
		return Item{}, err
	}
	it.UpdatedAt = e.now()
	return it.clone(), nil
}

// SetItemStatus lists or unlists an item.
func (e *Engine) SetItemStatus(shopID, itemID int64, status string) error {
	_, err := e.UpdateItem(shopID, itemID, func(it *Item) error {
		it.Status = status
		return nil
	})
	return err
}

// DeleteItem removes an item and frees its seller SKUs.
func (e *Engine) DeleteItem(shopID, itemID int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, it, err := e.item(shopID, itemID)
	if err != nil {
		return err
	}
	it.Status = ItemDeleted
	it.UpdatedAt = e.now()
	for _, k := range it.SKUs {
		delete(s.bySKU, k.SellerSKU)
	}
	return nil
}

// Item returns one item; a deleted item is ErrNotFound.
func (e *Engine) Item(shopID, itemID int64) (Item, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, it, err := e.item(shopID, itemID)
	if err != nil {
		return Item{}, err
	}
	return it.clone(), nil
}

func (e *Engine) item(shopID, itemID int64) (*Shop, *Item, error) {
	s, err := e.shop(shopID)
	if err != nil {
		return nil, nil, err
	}
	it, ok := s.items[itemID]
	if !ok || it.Status == ItemDeleted {
		return nil, nil, ErrNotFound
	}
	return s, it, nil
}

// ItemBySellerSKU finds the item holding a seller SKU.
func (e *Engine) ItemBySellerSKU(shopID int64, sellerSKU string) (Item, SKU, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.shop(shopID)
	if err != nil {
		return Item{}, SKU{}, err
	}
	k, ok := s.bySKU[sellerSKU]
	if !ok {
		return Item{}, SKU{}, ErrNotFound
	}
	return s.skuItem[k.ID].clone(), *k, nil
}

// SKUBySellerSKU reads one SKU of a shop without copying its item (the
// sync benchmark samples thousands a second).
func (e *Engine) SKUBySellerSKU(shopID int64, sellerSKU string) (SKU, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.shop(shopID)
	if err != nil {
		return SKU{}, err
	}
	k, ok := s.bySKU[sellerSKU]
	if !ok {
		return SKU{}, ErrNotFound
	}
	return *k, nil
}

// ItemQuery filters Items.
type ItemQuery struct {
	Statuses      []string // empty: all but deleted
	UpdatedFrom   time.Time
	UpdatedTo     time.Time
	Offset, Limit int
}

// Items lists a shop's items by update time then id, with the total count
// before paging.
func (e *Engine) Items(shopID int64, q ItemQuery) ([]Item, int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.shop(shopID)
	if err != nil {
		return nil, 0, err
	}
	var all []*Item
	for _, it := range s.items {
		if len(q.Statuses) == 0 && it.Status == ItemDeleted || len(q.Statuses) > 0 && !contains(q.Statuses, it.Status) {
			continue
		}
		if !q.UpdatedFrom.IsZero() && it.UpdatedAt.Before(q.UpdatedFrom) || !q.UpdatedTo.IsZero() && it.UpdatedAt.After(q.UpdatedTo) {
			continue
		}
		all = append(all, it)
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].UpdatedAt.Equal(all[j].UpdatedAt) {
			return all[i].UpdatedAt.Before(all[j].UpdatedAt)
		}
		return all[i].ID < all[j].ID
	})
	total := len(all)
	all = window(all, q.Offset, q.Limit)
	out := make([]Item, len(all))
	for i, it := range all {
		out[i] = it.clone()
	}
	return out, total, nil
}

// SKURef names a SKU by id or, when ID is 0, by seller SKU.
type SKURef struct {
	ID        int64
	SellerSKU string
}

// sku resolves a reference; the caller holds mu.
func (s *Shop) sku(ref SKURef) (*SKU, *Item, error) {
	if ref.ID != 0 {
		it, ok := s.skuItem[ref.ID]
		if !ok || it.Status == ItemDeleted {
			return nil, nil, ErrNotFound
		}
		for _, k := range it.SKUs {
			if k.ID == ref.ID {
				return k, it, nil
			}
		}
	}
	if k, ok := s.bySKU[ref.SellerSKU]; ok && ref.SellerSKU != "" {
		return k, s.skuItem[k.ID], nil
	}
	return nil, nil, ErrNotFound
}

// SetStock sets a SKU's stock to an absolute value. Below the promotion
// reserve it fails with ErrBelowReserved.
func (e *Engine) SetStock(shopID int64, ref SKURef, stock int64) (SKU, error) {
	e.mu.Lock()
	hook := e.beforeStockWrite
	e.mu.Unlock()
	if hook != nil {
		hook(shopID, ref)
	}
	return e.changeSKU(shopID, ref, func(k *SKU) error { return e.setStock(k, stock) })
}

// OnStockWrite sets a hook (nil: none) that runs just before a front
// applies an absolute stock write (SetStock), outside the engine's lock:
// a test places a buyer's order there, inside the read→write window of
// the hub's push, exactly where a real buyer's order can land. Tests
// only; the control API does not expose it.
func (e *Engine) OnStockWrite(hook func(shopID int64, ref SKURef)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.beforeStockWrite = hook
}

// AdjustStock adds delta (either sign) to a SKU's stock: Lazada's adjust.
func (e *Engine) AdjustStock(shopID int64, ref SKURef, delta int64) (SKU, error) {
	return e.changeSKU(shopID, ref, func(k *SKU) error { return e.setStock(k, k.Stock+delta) })
}

// setStock is the one stock rule of a channel; the caller holds mu.
func (e *Engine) setStock(k *SKU, stock int64) error {
	if stock < 0 {
		return ErrNegativeStock
	}
	if stock < k.Reserved {
		return ErrBelowReserved
	}
	k.Stock = stock
	k.StockChangedAt = e.now()
	return nil
}

// SKU returns one SKU as it is now.
func (e *Engine) SKU(shopID int64, ref SKURef) (SKU, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k, _, err := e.sku(shopID, ref)
	if err != nil {
		return SKU{}, err
	}
	return *k, nil
}

// sku resolves a reference in a shop; the caller holds mu.
func (e *Engine) sku(shopID int64, ref SKURef) (*SKU, *Item, error) {
	s, err := e.shop(shopID)
	if err != nil {
		return nil, nil, err
	}
	return s.sku(ref)
}

// SetPrice sets a SKU's price in đồng.
func (e *Engine) SetPrice(shopID int64, ref SKURef, price int64) (SKU, error) {
	return e.changeSKU(shopID, ref, func(k *SKU) error {
		if price <= 0 {
			return Invalidf("price must be positive")
		}
		k.Price = price
		return nil
	})
}

// SetPromo sets (replaces) a SKU's promotion price and window: the
// platform ends it by itself at to. The price must be below the SKU's.
func (e *Engine) SetPromo(shopID int64, ref SKURef, price int64, from, to time.Time) (SKU, error) {
	return e.changeSKU(shopID, ref, func(k *SKU) error {
		switch {
		case price <= 0 || price >= k.Price:
			return Invalidf("promotion price %d must be positive and below the price %d", price, k.Price)
		case !to.After(from):
			return Invalidf("promotion must end after it starts")
		}
		k.Promo = &Promo{Price: price, From: from.UTC(), To: to.UTC()}
		return nil
	})
}

// SetReserved sets the promotion-locked units of a SKU (control API).
func (e *Engine) SetReserved(shopID int64, ref SKURef, reserved int64) (SKU, error) {
	return e.changeSKU(shopID, ref, func(k *SKU) error {
		if reserved < 0 {
			return Invalidf("reserved must not be negative")
		}
		k.Reserved = reserved
		return nil
	})
}

func (e *Engine) changeSKU(shopID int64, ref SKURef, fn func(*SKU) error) (SKU, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k, it, err := e.sku(shopID, ref)
	if err != nil {
		return SKU{}, err
	}
	if err := fn(k); err != nil {
		return *k, err
	}
	it.UpdatedAt = e.now()
	return *k, nil
}

// storedImage is an uploaded image: its bytes, kept as the platforms keep
// them, and what decoding them says.
type storedImage struct {
	data []byte
	info ImageInfo
}

// UploadImage stores an uploaded image's bytes and returns its id. The
// fronts check the format and size the platform takes; the engine decodes
// the header for the control state's width and height.
func (e *Engine) UploadImage(data []byte) (string, error) {
	if len(data) == 0 {
		return "", Invalidf("image is empty")
	}
	info := ImageInfo{Bytes: len(data)}
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		info.Format, info.Width, info.Height = format, cfg.Width, cfg.Height
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	id := e.token("img")
	info.ID = id
	e.images[id] = &storedImage{data: bytes.Clone(data), info: info}
	return id, nil
}

// HasImage reports whether id was uploaded.
func (e *Engine) HasImage(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.images[id] != nil
}

// Image returns an uploaded image's bytes and what decoding them said.
func (e *Engine) Image(id string) ([]byte, ImageInfo, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	img := e.images[id]
	if img == nil {
		return nil, ImageInfo{}, false
	}
	return img.data, img.info, true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// window returns list[offset:offset+limit], clamped; limit 0 means all.
func window[T any](list []T, offset, limit int) []T {
	offset = min(max(offset, 0), len(list))
	list = list[offset:]
	if limit > 0 && len(list) > limit {
		list = list[:limit]
	}
	return list
}
