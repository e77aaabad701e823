package shopee

import (
	"encoding/json"
	"strings"

	"ocophub/connectors/sandbox"
)

// How Shopee items sit in the engine. A Shopee item without models is an
// engine item with one item-level SKU (model_id 0 on the wire; its seller
// SKU is the item_sku). An item with models has one engine SKU per model,
// marked by Extra["tier_index"]; its model_id is the SKU id. The add_item
// fields the engine has no column for are kept raw in Item.Extra and
// echoed back; item_sku and the tier structure are kept there too.
//
// Extra maps are shared with clones the engine hands out: they are never
// changed in place, only replaced.
const (
	extraItemSKU       = "item_sku"
	extraTierIndex     = "tier_index"
	extraTierVariation = "tier_variation"
	extraStdVariation  = "standardise_tier_variation"
)

// imageURL is where an uploaded image is said to live (Shopee VN's CDN
// pattern).
func imageURL(id string) string { return "https://cf.shopee.vn/file/" + id }

// Item statuses, engine → Shopee.
func itemStatusName(s string) string {
	switch s {
	case sandbox.ItemLive:
		return "NORMAL"
	case sandbox.ItemInactive:
		return "UNLIST"
	default:
		return "SELLER_DELETE"
	}
}

// noSuchStatus is an engine status no item has: Shopee statuses the
// sandbox never produces (BANNED, REVIEWING, SHOPEE_DELETE) filter to it.
const noSuchStatus = "shopee:none"

// engineItemStatuses maps an item_status filter to engine statuses.
func engineItemStatuses(module string, names []string) ([]string, error) {
	out := make([]string, 0, len(names))
	for _, n := range names {
		switch n {
		case "NORMAL":
			out = append(out, sandbox.ItemLive)
		case "UNLIST":
			out = append(out, sandbox.ItemInactive)
		case "SELLER_DELETE":
			out = append(out, sandbox.ItemDeleted)
		case "BANNED", "REVIEWING", "SHOPEE_DELETE":
			out = append(out, noSuchStatus)
		default:
			return nil, errDetail(module, "item_status %q is not one of NORMAL/BANNED/UNLIST/REVIEWING/SELLER_DELETE/SHOPEE_DELETE.", n)
		}
	}
	return out, nil
}

func isModel(k *sandbox.SKU) bool {
	_, ok := k.Extra[extraTierIndex]
	return ok
}

func hasModel(it sandbox.Item) bool {
	for _, k := range it.SKUs {
		if isModel(k) {
			return true
		}
	}
	return false
}

// itemLevelSKU is the SKU of an item without models (nil otherwise).
func itemLevelSKU(it sandbox.Item) *sandbox.SKU {
	for _, k := range it.SKUs {
		if !isModel(k) {
			return k
		}
	}
	return nil
}

// modelByID finds a model of the item; model 0 is the item-level SKU.
func modelByID(it sandbox.Item, modelID int64) *sandbox.SKU {
	if modelID == 0 {
		return itemLevelSKU(it)
	}
	for _, k := range it.SKUs {
		if k.ID == modelID && isModel(k) {
			return k
		}
	}
	return nil
}

func itemSKU(it sandbox.Item) string {
	s, _ := it.Extra[extraItemSKU].(string)
	return s
}

func tierIndex(k *sandbox.SKU) []int {
	ti, _ := k.Extra[extraTierIndex].([]int)
	return ti
}

// withExtra returns a copy of m with the changes applied (nil values
// delete).
func withExtra(m map[string]any, changes map[string]any) map[string]any {
	out := make(map[string]any, len(m)+len(changes))
	for k, v := range m {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// Wire shapes shared by the product APIs.
type (
	priceInfo struct {
		Currency      string `json:"currency"`
		OriginalPrice int64  `json:"original_price"`
		CurrentPrice  int64  `json:"current_price"`
	}
	stockSummary struct {
		TotalReservedStock  int64 `json:"total_reserved_stock"`
		TotalAvailableStock int64 `json:"total_available_stock"`
	}
	sellerStockOut struct {
		Stock      int64 `json:"stock"`
		IfSaleable *bool `json:"if_saleable,omitempty"`
	}
	// stockInfoV2 is stock_info_v2 as get_item_base_info and
	// get_model_list show it (their pages in https://open.shopee.com/documents,
	// v2.product.get_item_base_info). shopee_stock, the units
	// in Shopee's own warehouses, is always empty: the sandbox has none.
	stockInfoV2 struct {
		SummaryInfo stockSummary     `json:"summary_info"`
		SellerStock []sellerStockOut `json:"seller_stock"`
		ShopeeStock []sellerStockOut `json:"shopee_stock"`
	}
	imageBlock struct {
		ImageIDList  []string `json:"image_id_list"`
		ImageURLList []string `json:"image_url_list"`
	}
	tierOption struct {
		Option string     `json:"option"`
		Image  *tierImage `json:"image,omitempty"`
	}
	tierImage struct {
		ImageID  string `json:"image_id,omitempty"`
		ImageURL string `json:"image_url,omitempty"`
	}
	tierVariation struct {
		Name       string       `json:"name"`
		OptionList []tierOption `json:"option_list"`
	}
)

func prices(k *sandbox.SKU) []priceInfo {
	return []priceInfo{{Currency: "VND", OriginalPrice: k.Price, CurrentPrice: k.Price}}
}

// stockInfo is stock_info_v2: the seller stock is what buyers can buy
// (engine stock); reserved is the promotion lock within it.
func stockInfo(k *sandbox.SKU, saleable bool) stockInfoV2 {
	s := sellerStockOut{Stock: k.Stock}
	if saleable {
		yes := true
		s.IfSaleable = &yes
	}
	return stockInfoV2{SummaryInfo: stockSummary{TotalReservedStock: k.Reserved, TotalAvailableStock: k.Stock},
		SellerStock: []sellerStockOut{s}, ShopeeStock: []sellerStockOut{}}
}

func images(ids []string) imageBlock {
	b := imageBlock{ImageIDList: append([]string{}, ids...), ImageURLList: make([]string, len(ids))}
	for i, id := range ids {
		b.ImageURLList[i] = imageURL(id)
	}
	return b
}

// echoExtra copies the raw add_item fields to an answer.
func echoExtra(it sandbox.Item, m map[string]any) {
	for k, v := range it.Extra {
		switch k {
		case extraTierVariation, extraStdVariation:
		default:
			m[k] = v
		}
	}
}

// itemAnswer is the item as add_item and update_item echo it.
func itemAnswer(it sandbox.Item) map[string]any {
	m := make(map[string]any, len(it.Extra)+12)
	echoExtra(it, m)
	m["item_id"] = it.ID
	m["item_name"] = it.Name
	m["description"] = it.Description
	m["category_id"] = it.CategoryID
	m["item_status"] = itemStatusName(it.Status)
	m["item_sku"] = itemSKU(it)
	m["images"] = images(it.Images)
	if k := itemLevelSKU(it); k != nil && !hasModel(it) {
		m["price_info"] = struct {
			CurrentPrice  int64 `json:"current_price"`
			OriginalPrice int64 `json:"original_price"`
		}{k.Price, k.Price}
		m["seller_stock"] = []sellerStockOut{{Stock: k.Stock}}
	}
	return m
}

// baseInfo is the item as get_item_base_info shows it.
func baseInfo(it sandbox.Item) map[string]any {
	m := make(map[string]any, len(it.Extra)+16)
	echoExtra(it, m)
	if w, ok := it.Extra["weight"].(json.RawMessage); ok {
		m["weight"] = strings.Trim(string(w), `"`) // a string here, a number in add_item
	}
	if _, ok := m["condition"]; !ok {
		m["condition"] = "NEW"
	}
	if _, ok := m["description_type"]; !ok {
		m["description_type"] = "normal"
	}
	m["item_id"] = it.ID
	m["category_id"] = it.CategoryID
	m["item_name"] = it.Name
	m["description"] = it.Description
	m["item_sku"] = itemSKU(it)
	m["create_time"] = it.CreatedAt.Unix()
	m["update_time"] = it.UpdatedAt.Unix()
	m["image"] = images(it.Images)
	m["item_status"] = itemStatusName(it.Status)
	models := hasModel(it)
	m["has_model"] = models
	if k := itemLevelSKU(it); k != nil && !models {
		m["price_info"] = prices(k)
		m["stock_info_v2"] = stockInfo(k, false)
	}
	return m
}

// modelName joins the model's option names ("Đỏ,XL") as Shopee's order
// items show them.
func modelName(it sandbox.Item, k *sandbox.SKU) string {
	tiers, _ := it.Extra[extraTierVariation].([]tierVariation)
	var parts []string
	for level, idx := range tierIndex(k) {
		if level < len(tiers) && idx >= 0 && idx < len(tiers[level].OptionList) {
			parts = append(parts, tiers[level].OptionList[idx].Option)
		}
	}
	return strings.Join(parts, ",")
}
