package shopee

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"ocophub/connectors/sandbox"
)

// itemFields are the add_item/update_item fields the sandbox reads; every
// other field is kept raw in Item.Extra and echoed back.
type itemFields struct {
	ItemID        flexInt `json:"item_id"`
	ItemName      *string `json:"item_name"`
	Description   *string `json:"description"`
	OriginalPrice money   `json:"original_price"`
	CategoryID    flexInt `json:"category_id"`
	Weight        money   `json:"weight"`
	ItemSKU       *string `json:"item_sku"`
	ItemStatus    string  `json:"item_status"`
	Image         *struct {
		ImageIDList []string `json:"image_id_list"`
	} `json:"image"`
	LogisticInfo []struct {
		LogisticID flexInt `json:"logistic_id"`
		Enabled    *bool   `json:"enabled"`
	} `json:"logistic_info"`
	SellerStock   []stockEntry     `json:"seller_stock"`
	NormalStock   flexInt          `json:"normal_stock"` // the pre-2022 field, still accepted
	AttributeList []attributeValue `json:"attribute_list"`
	Brand         *brandField      `json:"brand"`
}

// itemColumns are the fields with an engine column (or none at all).
var itemColumns = map[string]bool{"item_id": true, "item_name": true, "description": true, "original_price": true,
	"category_id": true, "item_sku": true, "item_status": true, "image": true, "seller_stock": true, "normal_stock": true}

// readItemBody decodes an item body both typed and raw.
func readItemBody(c *call) (itemFields, map[string]json.RawMessage, error) {
	var in itemFields
	var raw map[string]json.RawMessage
	body, err := io.ReadAll(c.r.Body)
	if err == nil {
		err = json.Unmarshal(body, &raw)
	}
	if err == nil {
		err = json.Unmarshal(body, &in)
	}
	if err != nil {
		return in, nil, errDetail(c.module, "the request body is not valid JSON: %v.", err)
	}
	return in, raw, nil
}

// itemStatusValue maps add_item's item_status (default NORMAL).
func itemStatusValue(module, s string) (string, error) {
	switch s {
	case "", "NORMAL":
		return sandbox.ItemLive, nil
	case "UNLIST":
		return sandbox.ItemInactive, nil
	}
	return "", errDetail(module, "item_status must be NORMAL or UNLIST.")
}

// checkImages answers Shopee's "Image not exist." for an id that was not
// uploaded to this platform.
func (f *front) checkImages(ids []string) error {
	for _, id := range ids {
		if !f.e.HasImage(id) {
			return errImageNotExist
		}
	}
	return nil
}

// stockOf reads seller_stock (or the legacy normal_stock).
func stockOf(module string, list []stockEntry, legacy flexInt) (int64, bool, error) {
	total, set, location := sumStock(list)
	if location != "" {
		return 0, false, errParam(module, "You do not have right to use seller location_id, please only fill seller_stock filed.")
	}
	if !set && legacy.Set {
		total, set = legacy.V, true
	}
	if total < 0 {
		return 0, false, errDetail(module, "stock must not be negative.")
	}
	return total, set, nil
}

// addItem is v2.product.add_item.
func (f *front) addItem(c *call) (any, error) {
	in, raw, err := readItemBody(c)
	if err != nil {
		return nil, err
	}
	m := c.module
	switch {
	case !in.OriginalPrice.Set:
		return nil, errMissing(m, "OriginalPrice")
	case in.Description == nil:
		return nil, errMissing(m, "Description")
	case !in.Weight.Set:
		return nil, errMissing(m, "Weight")
	case in.ItemName == nil || *in.ItemName == "":
		return nil, errMissing(m, "ItemName")
	case !in.CategoryID.Set:
		return nil, errMissing(m, "CategoryId")
	case in.Image == nil || len(in.Image.ImageIDList) == 0:
		return nil, errMissing(m, "ImageIdList")
	case len(in.LogisticInfo) == 0:
		return nil, errMissing(m, "LogisticInfo")
	}
	price, ok := in.OriginalPrice.Dong()
	if !ok {
		return nil, errBusiness("error_invalid_price", "Invalid price, please use the correct format")
	}
	if in.Weight.F <= 0 {
		return nil, errParam(m, "Invalid Weight.")
	}
	for _, l := range in.LogisticInfo {
		if !l.LogisticID.Set || l.Enabled == nil {
			return nil, errParam(m, "Invalid logistic info, logistic_id and enabled are required.")
		}
	}
	status, err := itemStatusValue(m, in.ItemStatus)
	if err != nil {
		return nil, err
	}
	stock, _, err := stockOf(m, in.SellerStock, in.NormalStock)
	if err != nil {
		return nil, err
	}
	if err := f.checkImages(in.Image.ImageIDList); err != nil {
		return nil, err
	}
	if err := f.checkCategory(m, in.CategoryID.V, in.AttributeList, in.Brand); err != nil {
		return nil, err
	}
	extra := map[string]any{}
	for k, v := range raw {
		if !itemColumns[k] {
			extra[k] = v
		}
	}
	sku := ""
	if in.ItemSKU != nil {
		sku = *in.ItemSKU
	}
	extra[extraItemSKU] = sku
	it, err := f.e.CreateItem(c.shopID, sandbox.NewItem{Name: *in.ItemName, Description: *in.Description,
		CategoryID: in.CategoryID.V, Status: status, Images: in.Image.ImageIDList, Extra: extra,
		SKUs: []sandbox.NewSKU{{SellerSKU: sku, Price: price, Stock: stock}}})
	if err != nil {
		return nil, err
	}
	return itemAnswer(it), nil
}

// updateItem is v2.product.update_item: any add_item field but price and
// stock (those have update_price and update_stock).
func (f *front) updateItem(c *call) (any, error) {
	in, raw, err := readItemBody(c)
	if err != nil {
		return nil, err
	}
	m := c.module
	if !in.ItemID.Set {
		return nil, errMissing(m, "ItemId")
	}
	it, err := f.e.Item(c.shopID, in.ItemID.V)
	if err != nil {
		return nil, errItemNotFound
	}
	if in.ItemName != nil && *in.ItemName == "" {
		return nil, errMissing(m, "ItemName")
	}
	if in.Image != nil {
		if len(in.Image.ImageIDList) == 0 {
			return nil, errMissing(m, "ImageIdList")
		}
		if err := f.checkImages(in.Image.ImageIDList); err != nil {
			return nil, err
		}
	}
	status := it.Status
	if in.ItemStatus != "" {
		if status, err = itemStatusValue(m, in.ItemStatus); err != nil {
			return nil, err
		}
	}
	if in.Weight.Set && in.Weight.F <= 0 {
		return nil, errParam(m, "Invalid Weight.")
	}
	if _, a := raw["attribute_list"]; in.CategoryID.Set || a || raw["brand"] != nil {
		category, attrs, brand := it.CategoryID, storedAttributes(it), storedBrand(it)
		if in.CategoryID.Set {
			category = in.CategoryID.V
		}
		if a {
			attrs = in.AttributeList
		}
		if in.Brand != nil {
			brand = in.Brand
		}
		if err := f.checkCategory(m, category, attrs, brand); err != nil {
			return nil, err
		}
	}
	changes := map[string]any{}
	for k, v := range raw {
		if !itemColumns[k] {
			changes[k] = v
		}
	}
	if in.ItemSKU != nil && *in.ItemSKU != itemSKU(it) {
		if k := itemLevelSKU(it); k != nil && !hasModel(it) {
			if _, err := f.e.SetSellerSKU(c.shopID, sandbox.SKURef{ID: k.ID}, *in.ItemSKU); err != nil {
				return nil, err
			}
		}
		changes[extraItemSKU] = *in.ItemSKU
	}
	updated, err := f.e.UpdateItem(c.shopID, in.ItemID.V, func(it *sandbox.Item) error {
		if in.ItemName != nil {
			it.Name = *in.ItemName
		}
		if in.Description != nil {
			it.Description = *in.Description
		}
		if in.CategoryID.Set {
			it.CategoryID = in.CategoryID.V
		}
		if in.Image != nil {
			it.Images = append([]string(nil), in.Image.ImageIDList...)
		}
		it.Status = status
		it.Extra = withExtra(it.Extra, changes)
		return nil
	})
	if errors.Is(err, sandbox.ErrNotFound) {
		return nil, errItemNotFound
	}
	if err != nil {
		return nil, err
	}
	return itemAnswer(updated), nil
}

// deleteItem is v2.product.delete_item.
func (f *front) deleteItem(c *call) (any, error) {
	var in struct {
		ItemID flexInt `json:"item_id"`
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if !in.ItemID.Set {
		return nil, errMissing(c.module, "ItemId")
	}
	if err := f.e.DeleteItem(c.shopID, in.ItemID.V); err != nil {
		return nil, errItemNotFound
	}
	return nil, nil
}

// initTierVariation is v2.product.init_tier_variation: it replaces the
// item's SKUs by its models (at most 50, one per tier_index combination).
// Passing no tiers and one model with tier_index [] turns the item back
// into an item without models, as the platform allows.
func (f *front) initTierVariation(c *call) (any, error) {
	m := c.module
	body, err := io.ReadAll(c.r.Body)
	if err != nil {
		return nil, errDetail(m, "the request body could not be read.")
	}
	var in struct {
		ItemID        flexInt `json:"item_id"`
		TierVariation []struct {
			Name       string `json:"name"`
			OptionList []struct {
				Option string `json:"option"`
				Image  *struct {
					ImageID string `json:"image_id"`
				} `json:"image"`
			} `json:"option_list"`
		} `json:"tier_variation"`
		Standardise []struct {
			VariationName string `json:"variation_name"`
			Options       []struct {
				Name    string `json:"variation_option_name"`
				ImageID string `json:"image_id"`
			} `json:"variation_option_list"`
		} `json:"standardise_tier_variation"`
		Model []json.RawMessage `json:"model"`
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, errDetail(m, "the request body is not valid JSON: %v.", err)
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, errDetail(m, "the request body is not valid JSON: %v.", err)
	}
	if !in.ItemID.Set {
		return nil, errMissing(m, "ItemId")
	}
	if len(in.Model) == 0 || len(in.Model) > 50 {
		return nil, errParam(m, "Parameter is not match the constraints, model length should be between 1 to 50.")
	}

	var tiers []tierVariation
	var imageIDs []string
	for _, t := range in.TierVariation {
		tv := tierVariation{Name: t.Name}
		for _, o := range t.OptionList {
			opt := tierOption{Option: o.Option}
			if o.Image != nil && o.Image.ImageID != "" {
				opt.Image = &tierImage{ImageID: o.Image.ImageID, ImageURL: imageURL(o.Image.ImageID)}
				imageIDs = append(imageIDs, o.Image.ImageID)
			}
			tv.OptionList = append(tv.OptionList, opt)
		}
		tiers = append(tiers, tv)
	}
	if len(tiers) == 0 {
		for _, t := range in.Standardise {
			tv := tierVariation{Name: t.VariationName}
			for _, o := range t.Options {
				opt := tierOption{Option: o.Name}
				if o.ImageID != "" {
					opt.Image = &tierImage{ImageID: o.ImageID, ImageURL: imageURL(o.ImageID)}
					imageIDs = append(imageIDs, o.ImageID)
				}
				tv.OptionList = append(tv.OptionList, opt)
			}
			tiers = append(tiers, tv)
		}
	}
	if len(tiers) > 2 {
		return nil, errDetail(m, "an item has at most 2 tiers of variation.")
	}
	for _, t := range tiers {
		if t.Name == "" || len(t.OptionList) == 0 {
			return nil, errDetail(m, "every tier_variation needs a name and options.")
		}
		for _, o := range t.OptionList {
			if o.Option == "" {
				return nil, errDetail(m, "every option of %s needs a name.", t.Name)
			}
		}
	}
	if len(tiers) == 0 && len(in.Model) != 1 {
		return nil, errDetail(m, "tier_variation is required for more than one model.")
	}
	if err := f.checkImages(imageIDs); err != nil {
		return nil, err
	}
	it, err := f.e.Item(c.shopID, in.ItemID.V)
	if err != nil {
		return nil, errItemNotFound
	}

	type modelOut struct {
		TierIndex   []int            `json:"tier_index"`
		ModelID     int64            `json:"model_id"`
		ModelSKU    string           `json:"model_sku"`
		PriceInfo   []map[string]any `json:"price_info"`
		SellerStock []sellerStockOut `json:"seller_stock"`
		Weight      json.RawMessage  `json:"weight,omitempty"`
	}
	skus := make([]sandbox.NewSKU, 0, len(in.Model))
	weights := make([]json.RawMessage, 0, len(in.Model))
	seen := map[string]bool{}
	for i, rawModel := range in.Model {
		var md struct {
			TierIndex     []int        `json:"tier_index"`
			OriginalPrice money        `json:"original_price"`
			ModelSKU      string       `json:"model_sku"`
			SellerStock   []stockEntry `json:"seller_stock"`
			NormalStock   flexInt      `json:"normal_stock"`
		}
		var mraw map[string]json.RawMessage
		if err := json.Unmarshal(rawModel, &md); err != nil {
			return nil, errDetail(m, "model %d: %v.", i, err)
		}
		_ = json.Unmarshal(rawModel, &mraw)
		if len(md.TierIndex) != len(tiers) {
			return nil, errDetail(m, "tier_index of model %d must have %d entries.", i, len(tiers))
		}
		for level, idx := range md.TierIndex {
			if idx < 0 || idx >= len(tiers[level].OptionList) {
				return nil, errDetail(m, "tier_index of model %d is out of the options.", i)
			}
		}
		key := fmt.Sprint(md.TierIndex)
		if seen[key] {
			return nil, errDetail(m, "tier_index %s is repeated.", key)
		}
		seen[key] = true
		price, ok := md.OriginalPrice.Dong()
		if !ok {
			return nil, errBusiness("error_invalid_price", "Invalid price, please use the correct format")
		}
		stock, set, err := stockOf(m, md.SellerStock, md.NormalStock)
		if err != nil {
			return nil, err
		}
		if !set {
			return nil, errMissing(m, "SellerStock")
		}
		extra := map[string]any{}
		for k, v := range mraw {
			switch k {
			case "tier_index", "original_price", "model_sku", "seller_stock", "normal_stock", "model_id":
			default:
				extra[k] = v
			}
		}
		sellerSKU := md.ModelSKU
		if len(tiers) == 0 {
			sellerSKU = itemSKU(it) // back to an item without models
		} else {
			extra[extraTierIndex] = append([]int{}, md.TierIndex...)
		}
		skus = append(skus, sandbox.NewSKU{SellerSKU: sellerSKU, Price: price, Stock: stock, Extra: extra})
		weights = append(weights, mraw["weight"])
	}
	if _, err := f.e.ReplaceSKUs(c.shopID, it.ID, skus); err != nil {
		if errors.Is(err, sandbox.ErrNotFound) {
			return nil, errItemNotFound
		}
		return nil, err
	}
	changes := map[string]any{extraTierVariation: nil, extraStdVariation: nil}
	if len(tiers) > 0 {
		changes[extraTierVariation] = tiers
	}
	if std, ok := raw[extraStdVariation]; ok && len(in.Standardise) > 0 {
		changes[extraStdVariation] = std
	}
	it, err = f.e.UpdateItem(c.shopID, it.ID, func(it *sandbox.Item) error {
		it.Extra = withExtra(it.Extra, changes)
		return nil
	})
	if err != nil {
		return nil, errItemNotFound
	}
	out := struct {
		ItemID        int64           `json:"item_id"`
		TierVariation []tierVariation `json:"tier_variation"`
		Model         []modelOut      `json:"model"`
	}{ItemID: it.ID, TierVariation: append([]tierVariation{}, tiers...)}
	for i, k := range it.SKUs {
		mo := modelOut{TierIndex: append([]int{}, tierIndex(k)...), ModelID: k.ID, ModelSKU: k.SellerSKU,
			PriceInfo: []map[string]any{{"original_price": k.Price}}, SellerStock: []sellerStockOut{{Stock: k.Stock}}}
		if !isModel(k) {
			mo.ModelID, mo.ModelSKU = 0, ""
		}
		if i < len(weights) {
			mo.Weight = weights[i]
		}
		out.Model = append(out.Model, mo)
	}
	return out, nil
}

// unlistItem is v2.product.unlist_item: per-item results.
func (f *front) unlistItem(c *call) (any, error) {
	var in struct {
		ItemList []struct {
			ItemID flexInt `json:"item_id"`
			Unlist *bool   `json:"unlist"`
		} `json:"item_list"`
	}
	if err := decodeBody(c, &in); err != nil {
		return nil, err
	}
	if len(in.ItemList) == 0 || len(in.ItemList) > 50 {
		return nil, errParam(c.module, "Parameter is not match the constraints, item_list length should be between 1 to 50.")
	}
	type failure struct {
		ItemID       int64  `json:"item_id"`
		FailedReason string `json:"failed_reason"`
	}
	type success struct {
		ItemID int64 `json:"item_id"`
		Unlist bool  `json:"unlist"`
	}
	out := struct {
		FailureList []failure `json:"failure_list"`
		SuccessList []success `json:"success_list"`
	}{FailureList: []failure{}, SuccessList: []success{}}
	for _, x := range in.ItemList {
		if !x.ItemID.Set || x.Unlist == nil {
			return nil, errMissing(c.module, "ItemList.ItemId/Unlist")
		}
		status := sandbox.ItemLive
		if *x.Unlist {
			status = sandbox.ItemInactive
		}
		if err := f.e.SetItemStatus(c.shopID, x.ItemID.V, status); err != nil {
			out.FailureList = append(out.FailureList, failure{x.ItemID.V, "Product not found"})
			continue
		}
		out.SuccessList = append(out.SuccessList, success{x.ItemID.V, *x.Unlist})
	}
	return out, nil
}

// pageSize reads page_size: required, 1..limit.
func pageSize(module string, c *call, limit int64) (int, error) {
	n, ok, err := intParam(module, c.q, "page_size")
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, errMissing(module, "PageSize")
	}
	if n < 1 || n > limit {
		return 0, errDetail(module, "page_size must be between 1 and %d.", limit)
	}
	return int(n), nil
}

// getItemList is v2.product.get_item_list: offset paging over the items
// by update time.
func (f *front) getItemList(c *call) (any, error) {
	m := c.module
	offset, ok, err := intParam(m, c.q, "offset")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errMissing(m, "Offset")
	}
	if offset < 0 {
		return nil, errDetail(m, "offset must not be negative.")
	}
	size, err := pageSize(m, c, 100)
	if err != nil {
		return nil, err
	}
	names := listParam(c.q, "item_status")
	if len(names) == 0 {
		return nil, errMissing(m, "ItemStatus")
	}
	statuses, err := engineItemStatuses(m, names)
	if err != nil {
		return nil, err
	}
	q := sandbox.ItemQuery{Statuses: statuses, Offset: int(offset), Limit: size}
	if from, ok, err := intParam(m, c.q, "update_time_from"); err != nil {
		return nil, err
	} else if ok {
		q.UpdatedFrom = time.Unix(from, 0)
	}
	if to, ok, err := intParam(m, c.q, "update_time_to"); err != nil {
		return nil, err
	} else if ok {
		q.UpdatedTo = time.Unix(to, 0).Add(time.Second - 1)
	}
	items, total, err := f.e.Items(c.shopID, q)
	if err != nil {
		return nil, err
	}
	type tag struct {
		Kit bool `json:"kit"`
	}
	type entry struct {
		ItemID     int64  `json:"item_id"`
		ItemStatus string `json:"item_status"`
		UpdateTime int64  `json:"update_time"`
		Tag        tag    `json:"tag"`
	}
	out := struct {
		Item        []entry `json:"item"`
		TotalCount  int     `json:"total_count"`
		HasNextPage bool    `json:"has_next_page"`
		NextOffset  int     `json:"next_offset"`
	}{Item: make([]entry, 0, len(items)), TotalCount: total}
	for _, it := range items {
		out.Item = append(out.Item, entry{ItemID: it.ID, ItemStatus: itemStatusName(it.Status), UpdateTime: it.UpdatedAt.Unix()})
	}
	out.NextOffset = int(offset) + len(items)
	out.HasNextPage = out.NextOffset < total
	return out, nil
}

// getItemBaseInfo is v2.product.get_item_base_info (≤ 50 ids; unknown ids
// are left out).
func (f *front) getItemBaseInfo(c *call) (any, error) {
	ids, err := intListParam(c.module, c.q, "item_id_list")
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, errMissing(c.module, "ItemIdList")
	}
	if len(ids) > 50 {
		return nil, errDetail(c.module, "item_id_list has more than 50 ids.")
	}
	list := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		if it, err := f.e.Item(c.shopID, id); err == nil {
			list = append(list, baseInfo(it))
		}
	}
	return map[string]any{"item_list": list}, nil
}

// getModelList is v2.product.get_model_list.
func (f *front) getModelList(c *call) (any, error) {
	id, ok, err := intParam(c.module, c.q, "item_id")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errMissing(c.module, "ItemId")
	}
	it, err := f.e.Item(c.shopID, id)
	if err != nil {
		return nil, errItemNotFound
	}
	tiers, _ := it.Extra[extraTierVariation].([]tierVariation)
	models := make([]map[string]any, 0, len(it.SKUs))
	for _, k := range it.SKUs {
		if !isModel(k) {
			continue
		}
		mo := make(map[string]any, len(k.Extra)+8)
		for key, v := range k.Extra {
			mo[key] = v
		}
		mo["model_id"] = k.ID
		mo["tier_index"] = tierIndex(k)
		mo["model_sku"] = k.SellerSKU
		mo["model_status"] = "MODEL_NORMAL"
		mo["promotion_id"] = 0
		mo["price_info"] = prices(k)
		mo["stock_info_v2"] = stockInfo(k, true)
		if w, ok := k.Extra["weight"].(json.RawMessage); ok {
			mo["weight"] = strings.Trim(string(w), `"`)
		}
		models = append(models, mo)
	}
	var std any = []any{}
	if raw, ok := it.Extra[extraStdVariation]; ok {
		std = raw
	}
	return map[string]any{"tier_variation": append([]tierVariation{}, tiers...), "model": models,
		"standardise_tier_variation": std}, nil
}

// searchItem is v2.product.search_item. item_sku matches the item_sku or
// any model_sku exactly; item_name matches a case-insensitive substring.
// attribute_status (missing attributes) matches nothing: the sandbox has
// no category attributes.
func (f *front) searchItem(c *call) (any, error) {
	m := c.module
	size, err := pageSize(m, c, 100)
	if err != nil {
		return nil, err
	}
	offset := 0
	if s := c.q.Get("offset"); s != "" {
		if offset, err = strconv.Atoi(s); err != nil || offset < 0 {
			return nil, errDetail(m, "offset is invalid.")
		}
	}
	name, sku, attr := c.q.Get("item_name"), c.q.Get("item_sku"), c.q.Get("attribute_status")
	if name == "" && sku == "" && attr == "" {
		return nil, errParam(m, "request must set one of [item_name,attribute_status,item_sku]")
	}
	statuses := []string{sandbox.ItemLive, sandbox.ItemInactive}
	if names := listParam(c.q, "item_status"); len(names) > 0 {
		if statuses, err = engineItemStatuses(m, names); err != nil {
			return nil, err
		}
	}
	items, _, err := f.e.Items(c.shopID, sandbox.ItemQuery{Statuses: statuses})
	if err != nil {
		return nil, err
	}
	lower := strings.ToLower(name)
	var ids []int64
	for _, it := range items {
		switch {
		case sku != "":
			if itemSKU(it) == sku || skuIn(it, sku) {
				ids = append(ids, it.ID)
			}
		case name != "":
			if strings.Contains(strings.ToLower(it.Name), lower) {
				ids = append(ids, it.ID)
			}
		}
	}
	total := len(ids)
	ids = ids[min(offset, total):]
	if len(ids) > size {
		ids = ids[:size]
	}
	next := ""
	if end := offset + len(ids); end < total {
		next = strconv.Itoa(end)
	}
	return struct {
		ItemIDList []int64 `json:"item_id_list"`
		TotalCount int     `json:"total_count"`
		NextOffset string  `json:"next_offset"`
	}{append([]int64{}, ids...), total, next}, nil
}

func skuIn(it sandbox.Item, sku string) bool {
	for _, k := range it.SKUs {
		if k.SellerSKU == sku {
			return true
		}
	}
	return false
}
