package sandbox

// ApplyStock sets k's stock by the engine's one stock rule (ErrNegativeStock,
// ErrBelowReserved; k is unchanged on error). Call it only from the fn of
// UpdateItem, which holds the engine lock, on a SKU of that item: a front
// whose update call changes fields and stock together stays all-or-nothing.
func (e *Engine) ApplyStock(k *SKU, stock int64) error { return e.setStock(k, stock) }
