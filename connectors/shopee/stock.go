package shopee

import (
	"context"
	"strconv"

	"ocophub/connectors/driver"
)

const (
	pathUpdateStock = "/api/v2/product/update_stock"
	pathUpdatePrice = "/api/v2/product/update_price"
)

// SetStock is update_stock: ABSOLUTE seller stock, stock_list[{model_id,
// seller_stock[{stock}]}] for the models of one item per call. The Channel
// hands batches of one item (Capabilities().StockBatchPerItem), each one
// call. Updates without ItemID or ModelID are resolved by FindBySellerSKU
// first and may then span items: one call per item. Models in Shopee's
// failure_list fail alone (below the promotion reserve is
// CodeFailedPrecondition, an unknown model CodeNotFound, else
// CodeInvalidArgument); the others succeeded.
func (d *Driver) SetStock(ctx context.Context, updates []driver.StockUpdate) ([]driver.Result, error) {
	us := make([]update, len(updates))
	for i, u := range updates {
		us[i] = update{itemID: u.ItemID, modelID: u.ModelID, sku: u.SellerSKU,
			entry: func(model int64) any {
				return stockEntry{ModelID: model, SellerStock: []stockValue{{Stock: u.Quantity}}}
			}}
	}
	return d.push(ctx, pathUpdateStock, "stock_list", "update_stock", us)
}

// SetPrice is update_price: original_price in whole đồng per model, batched
// and resolved like SetStock.
func (d *Driver) SetPrice(ctx context.Context, updates []driver.PriceUpdate) ([]driver.Result, error) {
	us := make([]update, len(updates))
	for i, u := range updates {
		us[i] = update{itemID: u.ItemID, modelID: u.ModelID, sku: u.SellerSKU,
			entry: func(model int64) any { return priceEntry{ModelID: model, OriginalPrice: u.Price} }}
	}
	return d.push(ctx, pathUpdatePrice, "price_list", "update_price", us)
}

type stockEntry struct {
	ModelID     int64        `json:"model_id"`
	SellerStock []stockValue `json:"seller_stock"`
}

type priceEntry struct {
	ModelID       int64 `json:"model_id"`
	OriginalPrice int64 `json:"original_price"`
}

// update is one SKU of SetStock or SetPrice; entry renders its list entry
// for a resolved model id.
type update struct {
	itemID, modelID, sku string
	entry                func(model int64) any
}

// target is where an update goes.
type target struct{ item, model int64 }

// push sends updates to path, one call per item, and returns one Result
// per update in order. A call that fails as a whole fails the batch: the
// values are absolute, so the Channel's retry of the whole batch is safe.
func (d *Driver) push(ctx context.Context, path, listField, vendor string, updates []update) ([]driver.Result, error) {
	o := d.op()
	results := make([]driver.Result, len(updates))
	targets := make([]target, len(updates))
	resolved := map[string]target{} // seller SKU → ids, filled by lookups
	var items []int64               // items in first-seen order
	byItem := map[int64][]int{}     // item → indexes of its updates
	for i, u := range updates {
		results[i] = driver.Result{SellerSKU: u.sku, ModelID: u.modelID}
		t, err := d.target(ctx, o, u, resolved)
		if err != nil {
			if driver.CodeOf(err) == driver.CodeNotFound || driver.CodeOf(err) == driver.CodeInvalidArgument {
				results[i].Err = err
				continue
			}
			return nil, err
		}
		targets[i] = t
		results[i].ModelID = strconv.FormatInt(t.model, 10)
		if _, ok := byItem[t.item]; !ok {
			items = append(items, t.item)
		}
		byItem[t.item] = append(byItem[t.item], i)
	}
	for _, item := range items {
		idx := byItem[item]
		// Shopee refuses a repeated model_id: the last update of a model
		// wins, and every update of it gets that outcome.
		last := make(map[int64]int, len(idx))
		for _, i := range idx {
			last[targets[i].model] = i
		}
		list := make([]any, 0, len(last))
		for _, i := range idx {
			if last[targets[i].model] == i {
				list = append(list, updates[i].entry(targets[i].model))
			}
		}
		var out struct {
			requestID
			FailureList []failureEntry `json:"failure_list"`
		}
		err := o.do(ctx, post(path, map[string]any{"item_id": item, listField: list}), &out)
		if err != nil {
			return nil, err
		}
		failed := failures(out.FailureList, false)
		for _, i := range idx {
			if reason, ok := failed[targets[i].model]; ok {
				results[i].Err = failure(vendor, reason, out.id)
			}
		}
	}
	return results, nil
}

// target resolves an update's item and model ids, looking the seller SKU
// up when either is missing. Every variant of a listing found is
// remembered, so a batch of one item costs one lookup.
func (d *Driver) target(ctx context.Context, o *op, u update, resolved map[string]target) (target, error) {
	if u.itemID != "" && u.modelID != "" {
		item, err := parseID("item", u.itemID)
		if err != nil {
			return target{}, err
		}
		model, err := parseID("model", u.modelID)
		if err != nil {
			return target{}, err
		}
		return target{item, model}, nil
	}
	if u.sku == "" {
		return target{}, driver.Errorf(driver.CodeInvalidArgument, "", "an update needs item and model ids or a seller SKU")
	}
	if t, ok := resolved[u.sku]; ok {
		return t, nil
	}
	l, err := d.find(ctx, o, u.sku)
	if err != nil {
		return target{}, err
	}
	item, _ := strconv.ParseInt(l.ItemID, 10, 64)
	for _, v := range l.Variants {
		model, _ := strconv.ParseInt(v.ModelID, 10, 64)
		resolved[v.SellerSKU] = target{item, model}
	}
	t, ok := resolved[u.sku]
	if !ok {
		return target{}, driver.Errorf(driver.CodeNotFound, "", "no listing has seller SKU %q", u.sku)
	}
	return t, nil
}
