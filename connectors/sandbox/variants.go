package sandbox

// ReplaceSKUs swaps all SKUs of an item for new ones in one step: Shopee's
// init_tier_variation turns an item without models (one item-level SKU)
// into an item with models, and may restructure the tiers later. The old
// SKUs' seller SKUs are freed first, so a new SKU may reuse one of them;
// their reserve and sold counts go with them.
func (e *Engine) ReplaceSKUs(shopID, itemID int64, skus []NewSKU) (Item, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, it, err := e.item(shopID, itemID)
	if err != nil {
		return Item{}, err
	}
	seen := map[string]bool{}
	for _, k := range skus {
		if k.Stock < 0 {
			return Item{}, ErrNegativeStock
		}
		if k.SellerSKU == "" {
			continue
		}
		if holder, ok := s.bySKU[k.SellerSKU]; (ok && s.skuItem[holder.ID] != it) || seen[k.SellerSKU] {
			return Item{}, ErrDuplicateSKU
		}
		seen[k.SellerSKU] = true
	}
	for _, k := range it.SKUs {
		delete(s.skuItem, k.ID)
		if s.bySKU[k.SellerSKU] == k {
			delete(s.bySKU, k.SellerSKU)
		}
	}
	it.SKUs = nil
	for _, k := range skus {
		e.addSKU(s, it, k)
	}
	it.UpdatedAt = e.now()
	return it.clone(), nil
}

// SetSellerSKU renames a SKU's seller SKU (Shopee update_item item_sku on an
// item without models); "" removes it from the seller-SKU index.
func (e *Engine) SetSellerSKU(shopID int64, ref SKURef, sellerSKU string) (SKU, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.shop(shopID)
	if err != nil {
		return SKU{}, err
	}
	k, it, err := s.sku(ref)
	if err != nil {
		return SKU{}, err
	}
	if sellerSKU == k.SellerSKU {
		return *k, nil
	}
	if sellerSKU != "" && s.bySKU[sellerSKU] != nil {
		return *k, ErrDuplicateSKU
	}
	if s.bySKU[k.SellerSKU] == k {
		delete(s.bySKU, k.SellerSKU)
	}
	k.SellerSKU = sellerSKU
	if sellerSKU != "" {
		s.bySKU[sellerSKU] = k
	}
	it.UpdatedAt = e.now()
	return *k, nil
}
