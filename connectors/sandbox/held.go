package sandbox

// hold adds (sign 1) or removes (sign -1) the units of o to the held
// counters of its SKUs for status: unpaid orders hold Unpaid units,
// ready_to_ship orders Unshipped ones, other statuses none. The caller
// holds mu.
func (s *Shop) hold(o *Order, status string, sign int64) {
	for _, l := range o.Lines {
		k, _, err := s.sku(SKURef{ID: l.SKUID})
		if err != nil {
			continue
		}
		switch status {
		case OrderUnpaid:
			k.Unpaid += sign * l.Quantity
		case OrderReadyToShip:
			k.Unshipped += sign * l.Quantity
		}
	}
}

// SetTotalStock sets a SKU's warehouse total, the way a platform whose
// stock call counts units still held by open orders does (Lazada's
// price_quantity/update quantity): Stock becomes total minus Unpaid and
// Unshipped. A total below those held units plus the promotion reserve
// fails with ErrBelowReserved and changes nothing.
func (e *Engine) SetTotalStock(shopID int64, ref SKURef, total int64) (SKU, error) {
	return e.changeSKU(shopID, ref, func(k *SKU) error {
		if total < 0 {
			return ErrNegativeStock
		}
		stock := total - k.Unpaid - k.Unshipped
		if stock < k.Reserved || stock < 0 {
			return ErrBelowReserved
		}
		return e.setStock(k, stock)
	})
}
