package shopee

import (
	"context"
	"slices"
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
	known := map[string]found{} // seller SKU → ids, filled by lookups
	var items []int64           // items in first-seen order
	byItem := map[int64][]int{} // item → indexes of its updates
	for i, u := range updates {
		results[i] = driver.Result{SellerSKU: u.sku, ModelID: u.modelID}
		t, err := d.target(ctx, o, u, known)
		if err != nil {
			if perSKU(err) {
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

// perSKU reports whether err concerns one SKU alone (an id Shopee lacks or
// that is not Shopee's): the batch carries on without it.
func perSKU(err error) bool {
	c := driver.CodeOf(err)
	return c == driver.CodeNotFound || c == driver.CodeInvalidArgument
}

// target resolves an update's item and model ids, looking the seller SKU
// up when either is missing.
func (d *Driver) target(ctx context.Context, o *op, u update, known map[string]found) (target, error) {
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
	f, err := d.lookup(ctx, o, u.sku, known)
	return f.target, err
}

// found is a SKU a lookup by seller SKU found: where it is, and the stock
// it had then.
type found struct {
	target
	stock int64
}

// lookup finds a seller SKU's item and model (FindBySellerSKU's calls).
// Every variant of the listing found is remembered in known, so a batch of
// one item costs one lookup.
func (d *Driver) lookup(ctx context.Context, o *op, sku string, known map[string]found) (found, error) {
	if sku == "" {
		return found{}, driver.Errorf(driver.CodeInvalidArgument, "", "a SKU needs item and model ids or a seller SKU")
	}
	if f, ok := known[sku]; ok {
		return f, nil
	}
	l, err := d.find(ctx, o, sku)
	if err != nil {
		return found{}, err
	}
	item, _ := strconv.ParseInt(l.ItemID, 10, 64)
	for _, v := range l.Variants {
		model, _ := strconv.ParseInt(v.ModelID, 10, 64)
		known[v.SellerSKU] = found{target{item, model}, v.Stock}
	}
	f, ok := known[sku]
	if !ok {
		return found{}, driver.Errorf(driver.CodeNotFound, "", "no listing has seller SKU %q", sku)
	}
	return f, nil
}

// GetStock reads stock_info_v2 in as few calls as the refs allow:
// get_item_base_info (up to 50 items a call) for items without models (the
// ref's ModelID is "0"), get_model_list (one item a call) for the models
// of an item (any other ModelID). The Channel hands one item per batch
// (StockBatchPerItem), so a batch is ONE call whichever kind its item is.
// Only refs with an item id but no model id need both (has_model tells
// whether the item has models), and refs without an item id are looked up
// by seller SKU as SetStock does (FindBySellerSKU's calls, whose answer
// carries the stock). Given ids decide; the seller SKU picks the model only
// when the model id is missing. The quantity is the seller stock buyers
// can buy, as FindBySellerSKU reads it. An item Shopee lacks (unknown or
// deleted) or a model it lacks is CodeNotFound for those refs alone.
func (d *Driver) GetStock(ctx context.Context, refs []driver.StockRef) ([]driver.StockLevel, error) {
	o := d.op()
	out := make([]driver.StockLevel, len(refs))
	keys := make([]target, len(refs)) // model -1: pick the model by seller SKU
	var pending []int                 // refs answered by the reads below
	var plan stockPlan
	known := map[string]found{}
	for i, r := range refs {
		out[i] = driver.StockLevel{SellerSKU: r.SellerSKU, ModelID: r.ModelID}
		if r.ItemID == "" {
			f, err := d.lookup(ctx, o, r.SellerSKU, known)
			if err != nil && !perSKU(err) {
				return nil, err
			}
			out[i].Err = err
			if err == nil {
				out[i].ModelID, out[i].Quantity = strconv.FormatInt(f.model, 10), f.stock
			}
			continue
		}
		k, err := stockKey(r)
		if err != nil {
			out[i].Err = err
			continue
		}
		keys[i] = k
		pending = append(pending, i)
		plan.add(k)
	}
	read, err := d.readStock(ctx, o, plan)
	if err != nil {
		return nil, err
	}
	for _, i := range pending {
		out[i] = read.level(out[i], keys[i])
	}
	return out, nil
}

// stockKey parses a ref's ids; a missing model id is -1.
func stockKey(r driver.StockRef) (target, error) {
	item, err := parseID("item", r.ItemID)
	if err != nil {
		return target{}, err
	}
	if r.ModelID == "" {
		if r.SellerSKU == "" {
			return target{}, driver.Errorf(driver.CodeInvalidArgument, "", "a SKU needs a model id or a seller SKU")
		}
		return target{item, -1}, nil
	}
	model, err := parseID("model", r.ModelID)
	return target{item, model}, err
}

// stockPlan is which items a GetStock batch reads how, each once, in the
// order the refs name them.
type stockPlan struct {
	base   []int64        // get_item_base_info: items without models, and items of unknown kind
	models []int64        // get_model_list
	bySKU  map[int64]bool // items with refs without a model id: read their models if they have any
}

func (p *stockPlan) add(k target) {
	switch {
	case k.model > 0:
		if !slices.Contains(p.models, k.item) {
			p.models = append(p.models, k.item)
		}
		return
	case k.model < 0:
		if p.bySKU == nil {
			p.bySKU = map[int64]bool{}
		}
		p.bySKU[k.item] = true
	}
	if !slices.Contains(p.base, k.item) {
		p.base = append(p.base, k.item)
	}
}

// stockRead is what the reads found: per item, its seller SKU and stock by
// model id (0 for an item without models). An item missing is one Shopee
// lacks.
type stockRead map[int64]map[int64]skuStock

type skuStock struct {
	sku   string
	stock int64
}

// readStock makes the plan's calls. A call that fails fails the batch (the
// Channel retries reads as it retries writes), except get_model_list of an
// item Shopee lacks, which only its refs feel. An item get_item_base_info
// showed gone or without models is not asked for models.
func (d *Driver) readStock(ctx context.Context, o *op, p stockPlan) (stockRead, error) {
	read := stockRead{}
	models := p.models
	hasModel := map[int64]bool{}
	for start := 0; start < len(p.base); start += searchPage {
		items, err := d.getItemBaseInfo(ctx, o, p.base[start:min(start+searchPage, len(p.base))])
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if it.ItemStatus == "SELLER_DELETE" || it.ItemStatus == "SHOPEE_DELETE" {
				continue
			}
			skus := map[int64]skuStock{}
			read[it.ItemID] = skus
			hasModel[it.ItemID] = it.HasModel
			if !it.HasModel {
				stock, _ := stockOf(it.StockInfoV2)
				skus[0] = skuStock{it.ItemSKU, stock}
			} else if p.bySKU[it.ItemID] && !slices.Contains(models, it.ItemID) {
				models = append(models, it.ItemID)
			}
		}
	}
	for _, item := range models {
		if !hasModel[item] && slices.Contains(p.base, item) {
			continue
		}
		list, err := d.getModelList(ctx, o, item)
		if driver.CodeOf(err) == driver.CodeNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		skus := read[item]
		if skus == nil {
			skus = map[int64]skuStock{}
			read[item] = skus
		}
		for _, m := range list.Model {
			stock, _ := stockOf(m.StockInfoV2)
			skus[m.ModelID] = skuStock{m.ModelSKU, stock}
		}
	}
	return read, nil
}

// level answers one ref from the reads: by model id when given, else by
// seller SKU.
func (r stockRead) level(l driver.StockLevel, k target) driver.StockLevel {
	skus, ok := r[k.item]
	if !ok {
		l.Err = driver.Errorf(driver.CodeNotFound, "", "item %d is not on Shopee", k.item)
		return l
	}
	if k.model >= 0 {
		s, ok := skus[k.model]
		if !ok {
			l.Err = driver.Errorf(driver.CodeNotFound, "", "item %d has no model %d", k.item, k.model)
		}
		l.Quantity = s.stock
		return l
	}
	for model, s := range skus {
		if s.sku == l.SellerSKU {
			l.ModelID, l.Quantity = strconv.FormatInt(model, 10), s.stock
			return l
		}
	}
	l.Err = driver.Errorf(driver.CodeNotFound, "", "item %d has no seller SKU %q", k.item, l.SellerSKU)
	return l
}
