package lazada

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"ocophub/connectors/sandbox"
)

// Item statuses as Lazada words them: the product's status and its SKUs'.
func itemStatus(s string) string {
	switch s {
	case sandbox.ItemLive:
		return "Active"
	case sandbox.ItemInactive:
		return "InActive"
	case sandbox.ItemDeleted:
		return "Deleted"
	}
	return s
}

func skuStatus(s string) string { return strings.ToLower(itemStatus(s)) }

// shopSKU is Lazada's ShopSku of a SKU ("<item>_VNAMZ-<sku>").
func shopSKU(itemID, skuID int64) string { return fmt.Sprintf("%d_VNAMZ-%d", itemID, skuID) }

// productFilters are the filter values of /products/get and the engine
// statuses they select; soldOut narrows live items to those with no
// sellable unit left. pending and rejected are never true in the sandbox
// (there is no QC).
var productFilters = map[string][]string{
	"all":      nil,
	"live":     {sandbox.ItemLive},
	"inactive": {sandbox.ItemInactive},
	"deleted":  {sandbox.ItemDeleted},
	"sold-out": {sandbox.ItemLive},
	"pending":  {},
	"rejected": {},
}

// Paging limits of /products/get.
const (
	defaultProductLimit = 10
	maxProductLimit     = 50
	maxProductOffset    = 10000
)

// getProducts is GET /products/get.
func (f *front) getProducts(c *call) error {
	filter := c.param("filter")
	if filter == "" {
		filter = "all"
	}
	statuses, ok := productFilters[filter]
	if !ok {
		return isv("36", "E036: Invalid status filter")
	}
	offset, limit, err := paging(c, defaultProductLimit, maxProductLimit, maxProductOffset)
	if err != nil {
		return err
	}
	var times [4]time.Time
	for i, name := range []string{"update_after", "update_before", "create_after", "create_before"} {
		if times[i], err = isoParam(c, name); err != nil {
			return err
		}
	}
	var sellerSKUs map[string]bool
	if raw := c.param("sku_seller_list"); raw != "" {
		names, err := jsonArray(raw)
		if err != nil {
			return isv("70", "E070: You have corrupt data in your sku seller list.")
		}
		sellerSKUs = map[string]bool{}
		for _, n := range names {
			sellerSKUs[n] = true
		}
	}
	var items []sandbox.Item
	if statuses == nil || len(statuses) > 0 {
		items, _, err = f.e.Items(c.shop, sandbox.ItemQuery{Statuses: statuses, UpdatedFrom: times[0], UpdatedTo: times[1]})
		if err != nil {
			return err
		}
	}
	kept := items[:0]
	for _, it := range items {
		if !times[2].IsZero() && it.CreatedAt.Before(times[2]) || !times[3].IsZero() && it.CreatedAt.After(times[3]) {
			continue
		}
		if filter == "sold-out" && !soldOut(it) {
			continue
		}
		if sellerSKUs != nil && !holdsAny(it, sellerSKUs) {
			continue
		}
		kept = append(kept, it)
	}
	total := len(kept)
	kept = kept[min(offset, len(kept)):]
	kept = kept[:min(limit, len(kept))]
	products := make([]map[string]any, len(kept))
	for i, it := range kept {
		products[i] = productJSON(it)
	}
	return c.ok(map[string]any{"total_products": total, "products": products})
}

func soldOut(it sandbox.Item) bool {
	for _, k := range it.SKUs {
		if k.Stock > 0 {
			return false
		}
	}
	return true
}

func holdsAny(it sandbox.Item, sellerSKUs map[string]bool) bool {
	for _, k := range it.SKUs {
		if sellerSKUs[k.SellerSKU] {
			return true
		}
	}
	return false
}

// getProductItem is GET /product/item/get: item_id, or the deprecated
// seller_sku.
func (f *front) getProductItem(c *call) error {
	if raw := c.param("item_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return isv("208", "E208: Item not exist")
		}
		it, err := f.e.Item(c.shop, id)
		if err != nil {
			return isv("208", "E208: Item not exist")
		}
		return c.ok(productJSON(it))
	}
	if sku := c.param("seller_sku"); sku != "" {
		it, _, err := f.e.ItemBySellerSKU(c.shop, sku)
		if err != nil {
			return isv("207", "E207: SKU not exist")
		}
		return c.ok(productJSON(it))
	}
	return isv("200", "E200: Empty SellerSku: item_id or seller_sku is mandatory")
}

// productJSON is a product as /products/get and /product/item/get show it.
// quantity is the warehouse total (sellable plus units of unpaid and
// unshipped orders), Available the sellable stock.
func productJSON(it sandbox.Item) map[string]any {
	attrs := map[string]any{}
	for k, v := range attrMap(it) {
		attrs[k] = v
	}
	attrs["name"] = it.Name
	if it.Description != "" {
		attrs["description"] = it.Description
	}
	images, _ := it.Extra[extraImages].([]string)
	if images == nil {
		images = []string{}
	}
	skus := make([]map[string]any, len(it.SKUs))
	for i, k := range it.SKUs {
		m := map[string]any{}
		for key, v := range k.Extra {
			m[key] = v
		}
		total := k.Stock + k.Unpaid + k.Unshipped
		if _, ok := m["special_price"]; !ok {
			m["special_price"] = 0
		}
		if k.Promo != nil {
			m["special_price"] = k.Promo.Price
			m["special_from_time"] = k.Promo.From.In(vietnam).Format("2006-01-02 15:04")
			m["special_to_time"] = k.Promo.To.In(vietnam).Format("2006-01-02 15:04")
		}
		if _, ok := m[skuImages]; !ok {
			m[skuImages] = []string{}
		}
		m["SkuId"] = k.ID
		m["SellerSku"] = k.SellerSKU
		m["ShopSku"] = shopSKU(it.ID, k.ID)
		m["Url"] = fmt.Sprintf("https://www.lazada.vn/products/i%d-s%d.html", it.ID, k.ID)
		m["Status"] = skuStatus(it.Status)
		m["price"] = k.Price
		m["quantity"] = total
		m["Available"] = k.Stock
		m["multiWarehouseInventories"] = []map[string]any{{
			"warehouseCode": "dropshipping", "quantity": total, "totalQuantity": total,
			"sellableQuantity": k.Stock, "withholdQuantity": k.Unpaid, "occupyQuantity": k.Unshipped,
		}}
		m["fblWarehouseInventories"] = []any{}
		channel := []map[string]any{}
		if k.Reserved > 0 {
			channel = append(channel, map[string]any{"channelName": "sandbox-campaign", "sellableQuantity": k.Reserved,
				"startTime": it.CreatedAt.In(vnTime).Format("2006-01-02 15:04:05"), "endTime": "2099-12-31 23:59:59"})
		}
		m["channelInventories"] = channel
		skus[i] = m
	}
	return map[string]any{
		"item_id":          it.ID,
		"primary_category": it.CategoryID,
		"attributes":       attrs,
		"skus":             skus,
		"images":           images,
		"marketImages":     []string{},
		"status":           itemStatus(it.Status),
		"subStatus":        "",
		"created_time":     strconv.FormatInt(it.CreatedAt.UnixMilli(), 10),
		"updated_time":     strconv.FormatInt(it.UpdatedAt.UnixMilli(), 10),
		"trialProduct":     false,
		"variation":        map[string]any{},
		"suspendedSkus":    []any{},
	}
}

// paging reads offset and limit (codes 14 and 19 when out of range).
func paging(c *call, defLimit, maxLimit, maxOffset int) (offset, limit int, err error) {
	limit = defLimit
	if raw := c.param("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxLimit {
			return 0, 0, isv("19", "E019: %q Invalid Limit (1 to %d)", raw, maxLimit)
		}
		limit = n
	}
	if raw := c.param("offset"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || (maxOffset > 0 && n > maxOffset) {
			return 0, 0, isv("14", "E014: %q Invalid Offset", raw)
		}
		offset = n
	}
	return offset, limit, nil
}

// isoParam reads an optional ISO 8601 date parameter with an offset
// ("2018-02-10T16:00:00+08:00"; code 17 otherwise).
func isoParam(c *call, name string) (time.Time, error) {
	raw := c.param(name)
	if raw == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		return time.Time{}, isv("17", "E017: %q Invalid Date Format (want YYYY-MM-DDTHH:mm:ss±HH:MM)", raw)
	}
	return t, nil
}

// vnTime is Vietnam's zone, in which Lazada VN shows times.
var vnTime = time.FixedZone("ICT", 7*3600)
