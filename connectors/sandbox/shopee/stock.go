package shopee

import (
	"errors"

	"ocophub/connectors/sandbox"
)

// failedModel is one failure_list entry of update_stock and update_price.
type failedModel struct {
	ModelID      int64  `json:"model_id"`
	FailedReason string `json:"failed_reason"`
}

// Per-model refusals, in the platform's words.
const (
	reasonWrongModel      = "Wrong model_id."
	reasonItemHasModels   = "Can't to edit item stock directly while item has models."
	reasonPriceHasModels  = "Can't edit item price directly while item has models."
	reasonBelowReserved   = "Can not update item with stock less than reserved stock"
	reasonNegativeStock   = "Wrong parameters, detail: stock must not be negative."
	reasonInvalidPrice    = "Invalid price, please use the correct format"
	reasonMissingStock    = "invalid field SellerStock: value must Not Null"
	reasonLocationUnknown = "The location_id input is not matched the shop's location_id(more/wrong). Please double check."
)

// modelFailure resolves model_id 0/≠0 against the item, or says why not.
func modelFailure(it sandbox.Item, modelID int64, itemLevelReason string) (*sandbox.SKU, string) {
	if modelID == 0 && hasModel(it) {
		return nil, itemLevelReason
	}
	k := modelByID(it, modelID)
	if k == nil {
		return nil, reasonWrongModel
	}
	return k, ""
}

// updateStock is v2.product.update_stock: ABSOLUTE seller stock for 1–50
// models of one item. Models that cannot take the value come back in
// failure_list with HTTP 200 and error "".
func (f *front) updateStock(c *call) (any, error) {
	var in struct {
		ItemID    flexInt `json:"item_id"`
		StockList []struct {
			ModelID     flexInt      `json:"model_id"`
			SellerStock []stockEntry `json:"seller_stock"`
			NormalStock flexInt      `json:"normal_stock"`
		} `json:"stock_list"`
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	m := c.module
	if !in.ItemID.Set {
		return nil, errMissing(m, "ItemId")
	}
	if len(in.StockList) == 0 || len(in.StockList) > 50 {
		return nil, errParam(m, "Parameter is not match the constraints, stock_list length should be between 1 to 50.")
	}
	seen := make(map[int64]bool, len(in.StockList))
	for _, s := range in.StockList {
		if seen[s.ModelID.V] {
			return nil, errParam(m, "Repeat model_id.")
		}
		seen[s.ModelID.V] = true
	}
	it, err := f.e.Item(c.shopID, in.ItemID.V)
	if err != nil {
		return nil, errItemNotFound
	}
	type success struct {
		ModelID int64 `json:"model_id"`
		Stock   int64 `json:"stock"`
	}
	out := struct {
		FailureList []failedModel `json:"failure_list"`
		SuccessList []success     `json:"success_list"`
	}{FailureList: []failedModel{}, SuccessList: make([]success, 0, len(in.StockList))}
	fail := func(model int64, reason string) {
		out.FailureList = append(out.FailureList, failedModel{model, reason})
	}
	for _, s := range in.StockList {
		model := s.ModelID.V
		k, reason := modelFailure(it, model, reasonItemHasModels)
		if k == nil {
			fail(model, reason)
			continue
		}
		total, set, location := sumStock(s.SellerStock)
		if !set && s.NormalStock.Set {
			total, set = s.NormalStock.V, true
		}
		switch {
		case !set:
			fail(model, reasonMissingStock)
			continue
		case location != "":
			fail(model, reasonLocationUnknown)
			continue
		}
		got, err := f.e.SetStock(c.shopID, sandbox.SKURef{ID: k.ID}, total)
		switch {
		case errors.Is(err, sandbox.ErrBelowReserved):
			fail(model, reasonBelowReserved)
		case errors.Is(err, sandbox.ErrNegativeStock):
			fail(model, reasonNegativeStock)
		case err != nil:
			fail(model, reasonWrongModel)
		default:
			out.SuccessList = append(out.SuccessList, success{model, got.Stock})
		}
	}
	return out, nil
}

// updatePrice is v2.product.update_price: original_price per model, whole
// đồng in Vietnam; a price with decimals is a per-model failure.
func (f *front) updatePrice(c *call) (any, error) {
	var in struct {
		ItemID    flexInt `json:"item_id"`
		PriceList []struct {
			ModelID       flexInt `json:"model_id"`
			OriginalPrice money   `json:"original_price"`
		} `json:"price_list"`
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	m := c.module
	if !in.ItemID.Set {
		return nil, errMissing(m, "ItemId")
	}
	if len(in.PriceList) == 0 || len(in.PriceList) > 50 {
		return nil, errParam(m, "Parameter is not match the constraints, price_list length should be between 1 to 50.")
	}
	seen := make(map[int64]bool, len(in.PriceList))
	for _, p := range in.PriceList {
		if seen[p.ModelID.V] {
			return nil, errParam(m, "Repeat model_id.")
		}
		seen[p.ModelID.V] = true
	}
	it, err := f.e.Item(c.shopID, in.ItemID.V)
	if err != nil {
		return nil, errItemNotFound
	}
	type success struct {
		ModelID       int64 `json:"model_id"`
		OriginalPrice int64 `json:"original_price"`
	}
	out := struct {
		FailureList []failedModel `json:"failure_list"`
		SuccessList []success     `json:"success_list"`
	}{FailureList: []failedModel{}, SuccessList: make([]success, 0, len(in.PriceList))}
	for _, p := range in.PriceList {
		model := p.ModelID.V
		k, reason := modelFailure(it, model, reasonPriceHasModels)
		if k == nil {
			out.FailureList = append(out.FailureList, failedModel{model, reason})
			continue
		}
		price, ok := p.OriginalPrice.Dong()
		if !ok {
			out.FailureList = append(out.FailureList, failedModel{model, reasonInvalidPrice})
			continue
		}
		got, err := f.e.SetPrice(c.shopID, sandbox.SKURef{ID: k.ID}, price)
		if err != nil {
			out.FailureList = append(out.FailureList, failedModel{model, reasonWrongModel})
			continue
		}
		out.SuccessList = append(out.SuccessList, success{model, got.Price})
	}
	return out, nil
}
