package lazada

import (
	"context"
	"errors"
	"slices"
	"time"

	"ocophub/connectors/driver"
)

// maxBatchSKUs is the most SKUs of one stock or price call (code 204
// beyond; inventory-management-api: ≤ 50 SKUs per call).
const maxBatchSKUs = 50

// skuKey names one SKU of a batch the way Lazada's Skus.Sku entries do.
type skuKey struct{ itemID, modelID, sellerSKU string }

func (k skuKey) entry() map[string]any {
	e := make(map[string]any, 4)
	if k.itemID != "" {
		e["ItemId"] = k.itemID
	}
	if k.modelID != "" {
		e["SkuId"] = k.modelID
	}
	if k.sellerSKU != "" {
		e["SellerSku"] = k.sellerSKU
	}
	return e
}

// SetStock sets ABSOLUTE sellable quantities with
// /product/stock/sellable/update — never the adjust endpoint, whose delta
// would apply twice on a retry. Sellable stock is what buyers can still
// order; units of open orders are not in it. Lazada applies each SKU on
// its own: a refused SKU comes back in detail[] (below a campaign lock:
// CodeFailedPrecondition; unknown: CodeNotFound; else
// CodeInvalidArgument) and the others are applied.
func (d *Driver) SetStock(ctx context.Context, updates []driver.StockUpdate) ([]driver.Result, error) {
	keys := make([]skuKey, len(updates))
	entries := make([]map[string]any, len(updates))
	for i, u := range updates {
		keys[i] = skuKey{u.ItemID, u.ModelID, u.SellerSKU}
		entries[i] = keys[i].entry()
		entries[i]["SellableQuantity"] = formatScaled(u.Quantity, 0)
	}
	return d.skuBatch(ctx, "/product/stock/sellable/update", keys, entries)
}

// SetPrice sets prices in đồng with /product/price_quantity/update, Price
// only: a Quantity there would overwrite the warehouse total. A promotion
// is Lazada's special price: SalePrice from SaleStartDate to SaleEndDate
// (Vietnam time), the price crossed out, ended by Lazada at its end date;
// a window already closed ends it early. Per-SKU failures come back like
// SetStock's.
func (d *Driver) SetPrice(ctx context.Context, updates []driver.PriceUpdate) ([]driver.Result, error) {
	keys := make([]skuKey, len(updates))
	entries := make([]map[string]any, len(updates))
	for i, u := range updates {
		keys[i] = skuKey{u.ItemID, u.ModelID, u.SellerSKU}
		entries[i] = keys[i].entry()
		entries[i]["Price"] = formatScaled(u.Price, 0)
		if p := u.Promo; p != nil {
			// Whole seconds: a window closed in the second it opened
			// still ends after it starts.
			from, to := p.From.Truncate(time.Second), p.To.Truncate(time.Second)
			if !to.After(from) {
				to = from.Add(time.Second)
			}
			entries[i]["SalePrice"] = formatScaled(p.Price, 0)
			entries[i]["SaleStartDate"] = from.In(vnTime).Format(saleDateLayout)
			entries[i]["SaleEndDate"] = to.In(vnTime).Format(saleDateLayout)
		}
	}
	return d.skuBatch(ctx, "/product/price_quantity/update", keys, entries)
}

// checkBatch refuses more SKUs than one call takes (the Channel splits
// batches to Capabilities; a direct caller may not).
func checkBatch(n int) error {
	if n > maxBatchSKUs {
		return &driver.Error{Code: driver.CodeInvalidArgument, Message: "more than 50 SKUs in one call"}
	}
	return nil
}

// skuBatch sends one Skus.Sku batch and gives every SKU its Result.
func (d *Driver) skuBatch(ctx context.Context, path string, keys []skuKey, entries []map[string]any) ([]driver.Result, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	if err := checkBatch(len(entries)); err != nil {
		return nil, err
	}
	product := map[string]any{"Skus": map[string]any{"Sku": entries}}
	env, err := d.call(ctx, post(path, map[string]string{"payload": requestPayload(product)}), nil)
	results := make([]driver.Result, len(keys))
	for i, k := range keys {
		results[i] = driver.Result{SellerSKU: k.sellerSKU, ModelID: k.modelID}
	}
	if err == nil {
		return results, nil
	}
	var de *driver.Error
	if !errors.As(err, &de) || !batchCodes[de.Vendor] || len(env.Detail) == 0 || de.Code == driver.CodeUnavailable {
		return nil, err
	}
	assignDetails(results, env)
	return results, nil
}

// assignDetails gives each detail[] entry to the SKU it names. An entry
// naming no SKU of the batch cannot be placed: every SKU not already
// failed gets it, since which of them were applied is unknown — resending
// an absolute quantity or price is harmless.
func assignDetails(results []driver.Result, env envelope) {
	var unplaced []detail
	for _, dt := range env.Detail {
		placed := false
		for i := range results {
			if results[i].Err == nil && dt.SellerSKU != "" && results[i].SellerSKU == dt.SellerSKU {
				results[i].Err = detailError(env, dt)
				placed = true
				break
			}
		}
		if !placed {
			unplaced = append(unplaced, dt)
		}
	}
	if len(unplaced) == 0 {
		return
	}
	for i := range results {
		if results[i].Err == nil {
			results[i].Err = detailError(env, unplaced[0])
		}
	}
}

func detailError(env envelope, dt detail) *driver.Error {
	return &driver.Error{Code: detailCode(dt.Message), Vendor: env.Code.String(), Message: detailText(dt), RequestID: env.RequestID}
}

// GetStock reads up to 50 seller SKUs in ONE /products/get call
// (sku_seller_list, as FindBySellerSKU looks SKUs up): every product comes
// with each of its SKUs' stock. Lazada finds SKUs here by seller SKU, so
// each ref needs one (CodeInvalidArgument for that ref otherwise); its
// ModelID comes back as the SkuId Lazada shows now. The quantity is the
// SELLABLE stock, as FindBySellerSKU reads it. A seller SKU on no product
// (or only on a deleted one) is CodeNotFound for that ref alone.
func (d *Driver) GetStock(ctx context.Context, refs []driver.StockRef) ([]driver.StockLevel, error) {
	out := make([]driver.StockLevel, len(refs))
	var skus []string
	for i, r := range refs {
		out[i] = driver.StockLevel{SellerSKU: r.SellerSKU, ModelID: r.ModelID}
		switch {
		case r.SellerSKU == "":
			out[i].Err = &driver.Error{Code: driver.CodeInvalidArgument, Message: "Lazada reads stock by seller SKU: the ref has none"}
		case !slices.Contains(skus, r.SellerSKU):
			skus = append(skus, r.SellerSKU)
		}
	}
	if len(skus) == 0 {
		return out, nil
	}
	if err := checkBatch(len(skus)); err != nil {
		return nil, err
	}
	products, err := d.productsBySKU(ctx, skus)
	if err != nil {
		return nil, err
	}
	bySKU := make(map[string]productSKU, len(skus))
	for _, p := range products {
		for _, s := range p.Skus {
			bySKU[s.SellerSku] = s
		}
	}
	for i := range out {
		if out[i].Err != nil {
			continue
		}
		s, ok := bySKU[out[i].SellerSKU]
		if !ok {
			out[i].Err = &driver.Error{Code: driver.CodeNotFound, Message: "no product holds seller SKU " + out[i].SellerSKU}
			continue
		}
		out[i].ModelID, out[i].Quantity = s.SkuID.String(), s.sellable()
	}
	return out, nil
}

// saleDateLayout is how Seller Center writes a special price's dates, in
// Vietnam time.
const saleDateLayout = "2006-01-02 15:04:05"
