package lazada

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"ocophub/connectors/sandbox"
)

// maxBatchSKUs is the most SKUs of one stock or price call (code 204
// beyond it).
const maxBatchSKUs = 50

// skuTarget is the SKU a Skus.Sku entry of a stock or price call names.
type skuTarget struct {
	ref       sandbox.SKURef
	itemID    int64 // 0 when the entry named no ItemId
	sellerSKU string
}

// target resolves an entry's ItemId / SkuId / SellerSku. A SkuId wins
// over a SellerSku; an ItemId, when given, must hold the SKU.
func (f *front) target(shop int64, v any) (skuTarget, *detail) {
	t := skuTarget{}
	t.sellerSKU, _ = text(field(v, "SellerSku"))
	t.sellerSKU = strings.TrimSpace(t.sellerSKU)
	skuID, skuErr := integer(field(v, "SkuId"))
	if present(field(v, "ItemId")) {
		itemID, err := integer(field(v, "ItemId"))
		if err != nil {
			return t, &detail{Field: "ItemId", SellerSKU: t.sellerSKU, Message: "ItemId is not a number"}
		}
		item, err := f.e.Item(shop, itemID)
		if err != nil {
			return t, &detail{Field: "ItemId", SellerSKU: t.sellerSKU, Message: fmt.Sprintf("ITEM_NOT_FOUND: item %d does not exist", itemID)}
		}
		k := findSKU(item, v)
		if k == nil {
			return t, &detail{Field: "SkuId", SellerSKU: t.sellerSKU, Message: fmt.Sprintf("SELLER_SKU_NOT_FOUND: no such SKU in item %d", itemID)}
		}
		t.itemID, t.ref, t.sellerSKU = itemID, sandbox.SKURef{ID: k.ID}, k.SellerSKU
		return t, nil
	}
	switch {
	case skuErr == nil:
		t.ref = sandbox.SKURef{ID: skuID}
	case t.sellerSKU != "":
		t.ref = sandbox.SKURef{SellerSKU: t.sellerSKU}
	default:
		return t, &detail{Field: "SkuId", Message: "SkuId or SellerSku is mandatory"}
	}
	return t, nil
}

// stockSKUs reads Request.Product.Skus.Sku of a stock or price payload.
func stockSKUs(c *call) ([]any, error) {
	p, err := c.payloadParam("payload")
	if err != nil {
		return nil, err
	}
	skus := list(path(p, "Request", "Product", "Skus", "Sku"))
	if len(skus) == 0 {
		return nil, mandatory("Sku")
	}
	if len(skus) > maxBatchSKUs {
		return nil, isv("204", "E204: Too many SKU in one request (%d > %d)", len(skus), maxBatchSKUs)
	}
	return skus, nil
}

// warehouseQuantity reads a quantity field of an entry, directly or from
// its MultiWarehouseInventories. The sandbox seller has one warehouse,
// "dropshipping".
func warehouseQuantity(v any, name string) (qty int64, given bool, d *detail) {
	if x := field(v, name); present(x) {
		n, err := integer(x)
		if err != nil {
			return 0, false, &detail{Field: name, Message: name + " must be a whole number"}
		}
		qty, given = n, true
	}
	for _, w := range list(path(v, "MultiWarehouseInventories", "MultiWarehouseInventory")) {
		code, _ := text(field(w, "WarehouseCode"))
		if !strings.EqualFold(strings.TrimSpace(code), "dropshipping") {
			return 0, false, &detail{Field: "WarehouseCode", Message: fmt.Sprintf("WAREHOUSE_NOT_FOUND: %q (the sandbox seller has one warehouse, dropshipping)", code)}
		}
		n, err := integer(field(w, name))
		if err != nil {
			return 0, false, &detail{Field: name, Message: name + " must be a whole number"}
		}
		qty, given = n, true
	}
	return qty, given, nil
}

// updatePriceQuantity is POST /product/price_quantity/update. Quantity is
// the warehouse total: sellable stock becomes Quantity minus the units of
// unpaid and unshipped orders, and must stay at or above a campaign lock.
// Each SKU succeeds or fails alone; failures come back as code 501 with
// detail[], the other SKUs keep their changes.
func (f *front) updatePriceQuantity(c *call) error {
	skus, err := stockSKUs(c)
	if err != nil {
		return err
	}
	var fails []detail
	for _, v := range skus {
		if d := f.priceQuantity(c.shop, v); d != nil {
			fails = append(fails, *d)
		}
	}
	if len(fails) > 0 {
		return batchFailed("501", "E501: Update product failed", fails)
	}
	return c.emptyOK()
}

func (f *front) priceQuantity(shop int64, v any) *detail {
	t, d := f.target(shop, v)
	if d != nil {
		return d
	}
	fail := func(fieldName, format string, args ...any) *detail {
		return &detail{Field: fieldName, SellerSKU: t.sellerSKU, Message: fmt.Sprintf(format, args...)}
	}
	var price, sale int64
	var err error
	if x := field(v, "Price"); present(x) {
		if price, err = money(x); err != nil || price <= 0 {
			return fail("Price", "Price %v must be a positive whole number of đồng", x)
		}
	}
	if x := field(v, "SalePrice"); present(x) {
		if sale, err = money(x); err != nil || sale <= 0 {
			return fail("SalePrice", "SalePrice %v must be a positive whole number of đồng", x)
		}
	}
	qty, hasQty, d := warehouseQuantity(v, "Quantity")
	if d != nil {
		d.SellerSKU = t.sellerSKU
		return d
	}
	if hasQty && qty < 0 {
		return fail("Quantity", "Quantity cannot be negative")
	}
	if price > 0 {
		k, err := f.e.SetPrice(shop, t.ref, price)
		if err != nil {
			return fail("Price", "%s", skuError(err))
		}
		t.sellerSKU = k.SellerSKU
	}
	if sale > 0 {
		if d := f.setSalePrice(shop, t, v, sale); d != nil {
			return d
		}
	}
	if hasQty {
		k, err := f.e.SetTotalStock(shop, t.ref, qty)
		if err != nil {
			if errors.Is(err, sandbox.ErrBelowReserved) {
				return fail("Quantity", "Quantity %d is below the units locked by unpaid (%d) and unshipped (%d) orders plus a campaign (%d)",
					qty, k.Unpaid, k.Unshipped, k.Reserved)
			}
			return fail("Quantity", "%s", skuError(err))
		}
	}
	return nil
}

// setSalePrice keeps SalePrice (and its dates) as the SKU's special price.
func (f *front) setSalePrice(shop int64, t skuTarget, v any, sale int64) *detail {
	itemID := t.itemID
	if itemID == 0 {
		if t.ref.ID != 0 {
			it, _, ok := f.itemOfSKU(shop, t.ref.ID)
			if !ok {
				return &detail{Field: "SkuId", SellerSKU: t.sellerSKU, Message: "SELLER_SKU_NOT_FOUND: seller sku not found"}
			}
			itemID = it.ID
		} else {
			it, _, err := f.e.ItemBySellerSKU(shop, t.sellerSKU)
			if err != nil {
				return &detail{Field: "SellerSku", SellerSKU: t.sellerSKU, Message: "SELLER_SKU_NOT_FOUND: seller sku not found"}
			}
			itemID = it.ID
		}
	}
	// The window: SaleStartDate and SaleEndDate ("2006-01-02 15:04:05",
	// Vietnam time, or RFC 3339); without them the special price starts
	// now and runs a year.
	now := f.e.Now()
	from, to := now, now.AddDate(1, 0, 0)
	for name, at := range map[string]*time.Time{"SaleStartDate": &from, "SaleEndDate": &to} {
		if s, ok := text(field(v, name)); ok && s != "" {
			d, err := parseSaleDate(s)
			if err != nil {
				return &detail{Field: name, SellerSKU: t.sellerSKU, Message: fmt.Sprintf("%s %q is not a date like 2026-12-12 08:00:00", name, s)}
			}
			*at = d
		}
	}
	var k *sandbox.SKU
	it, err := f.e.Item(shop, itemID)
	if err == nil {
		for _, c := range it.SKUs {
			if c.ID == t.ref.ID || t.ref.ID == 0 && c.SellerSKU == t.ref.SellerSKU {
				k = c
			}
		}
	}
	if k == nil {
		return &detail{Field: "SalePrice", SellerSKU: t.sellerSKU, Message: skuError(sandbox.ErrNotFound)}
	}
	if sale >= k.Price {
		return &detail{Field: "SalePrice", SellerSKU: t.sellerSKU,
			Message: fmt.Sprintf("BIZ_CHECK_SPECIAL_PRICE_GREATER_THAN_PRICE: SalePrice %d must be below Price %d", sale, k.Price)}
	}
	if !to.After(from) {
		return &detail{Field: "SaleEndDate", SellerSKU: t.sellerSKU, Message: "SaleEndDate must be after SaleStartDate"}
	}
	if _, err := f.e.SetPromo(shop, sandbox.SKURef{ID: k.ID}, sale, from, to); err != nil {
		return &detail{Field: "SalePrice", SellerSKU: t.sellerSKU, Message: skuError(err)}
	}
	return nil
}

// vietnam is Seller Center's time zone (UTC+7, no daylight saving).
var vietnam = time.FixedZone("ICT", 7*60*60)

// saleDates are the layouts a special price's dates may take.
var saleDates = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", time.RFC3339}

// parseSaleDate reads a special price date; one without an offset is
// Vietnam time, as Seller Center shows it.
func parseSaleDate(s string) (time.Time, error) {
	var err error
	for _, layout := range saleDates {
		var t time.Time
		if t, err = time.ParseInLocation(layout, s, vietnam); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// skuError words an engine error about one SKU.
func skuError(err error) string {
	switch {
	case errors.Is(err, sandbox.ErrNotFound):
		return "SELLER_SKU_NOT_FOUND: seller sku not found"
	case errors.Is(err, sandbox.ErrNegativeStock):
		return negativeSellable + ": the sellable quantity cannot be negative"
	}
	return err.Error()
}

// updateSellable is POST /product/stock/sellable/update: SellableQuantity
// is the absolute sellable stock; below a campaign lock it is refused.
func (f *front) updateSellable(c *call) error {
	return f.sellable(c, func(ref sandbox.SKURef, n int64) (sandbox.SKU, error) { return f.e.SetStock(c.shop, ref, n) })
}

// adjustSellable is POST /product/stock/sellable/adjust: SellableQuantity
// is a delta. The result must stay ≥ 0 (code 212) and ≥ a campaign lock.
// Drivers avoid it (a retried delta applies twice); it is here because the
// platform has it.
func (f *front) adjustSellable(c *call) error {
	return f.sellable(c, func(ref sandbox.SKURef, n int64) (sandbox.SKU, error) { return f.e.AdjustStock(c.shop, ref, n) })
}

func (f *front) sellable(c *call, apply func(sandbox.SKURef, int64) (sandbox.SKU, error)) error {
	skus, err := stockSKUs(c)
	if err != nil {
		return err
	}
	var fails []detail
	allNegative := true // every failure is a negative result: code 212
	for _, v := range skus {
		if d := f.sellableSKU(c.shop, v, apply); d != nil {
			allNegative = allNegative && strings.HasPrefix(d.Message, negativeSellable)
			fails = append(fails, *d)
		}
	}
	switch {
	case len(fails) == 0:
		return c.emptyOK()
	case allNegative:
		return batchFailed("212", "Sellable inventory cannot be negative", fails)
	}
	return batchFailed("501", "E501: Update product failed", fails)
}

func (f *front) sellableSKU(shop int64, v any, apply func(sandbox.SKURef, int64) (sandbox.SKU, error)) *detail {
	t, d := f.target(shop, v)
	if d != nil {
		return d
	}
	qty, given, d := warehouseQuantity(v, "SellableQuantity")
	if d == nil && !given {
		d = &detail{Field: "SellableQuantity", Message: "SellableQuantity is mandatory"}
	}
	if d != nil {
		d.SellerSKU = t.sellerSKU
		return d
	}
	if k, err := apply(t.ref, qty); err != nil {
		sd := stockDetail("SellableQuantity", t.sellerSKU, qty, k, err)
		return &sd
	}
	return nil
}

// deactivateProduct is POST /product/deactivate: apiRequestBody names an
// ItemId and optionally its SKUs by SkuId. The engine lists and delists
// whole items, so naming only some of an item's SKUs is refused.
func (f *front) deactivateProduct(c *call) error {
	p, err := c.payloadParam("apiRequestBody")
	if err != nil {
		return err
	}
	prod := path(p, "Request", "Product")
	if !present(field(prod, "ItemId")) {
		return isv("E0001", "Parameter ItemId is mandatory")
	}
	itemID, err := integer(field(prod, "ItemId"))
	if err != nil {
		return isv("E0001", "Parameter ItemId is mandatory")
	}
	item, err := f.e.Item(c.shop, itemID)
	if err != nil {
		return isv("E0002", "Product:item id not exist")
	}
	skus := field(prod, "Skus")
	entries := list(field(skus, "Sku"))
	if len(entries) == 0 {
		entries = list(skus) // <Skus><SkuId>1</SkuId><SkuId>2</SkuId></Skus>, as Lazada's example
	}
	named := map[int64]bool{}
	for _, e := range entries {
		ids := list(field(e, "SkuId"))
		if len(ids) == 0 && present(field(e, "SellerSku")) {
			return isv("4193", "SkuId is mandatory: deactivating a SKU by SellerSku is not supported")
		}
		for _, x := range ids {
			id, err := integer(x)
			if err != nil || findSKU(item, map[string]any{"SkuId": x}) == nil {
				return isv("E0003", "Seller Sku not exists: SkuId %v", x)
			}
			named[id] = true
		}
	}
	if len(named) > 0 && len(named) < len(item.SKUs) {
		return isv("E0006", "sandbox: deactivating some SKUs of an item is not simulated; omit Skus or name all %d SKUs", len(item.SKUs))
	}
	if item.Status != sandbox.ItemLive {
		return isv("E0004", "Product Status not online")
	}
	if err := f.e.SetItemStatus(c.shop, itemID, sandbox.ItemInactive); err != nil {
		return isv("E0002", "Product:item id not exist")
	}
	return c.ok(struct{}{})
}

// removeProduct is POST /product/remove: sku_id_list
// (["SkuId_<item>_<sku>"], preferred) or seller_sku_list, at most 50. The
// engine removes whole items, so every SKU of an item must be named.
func (f *front) removeProduct(c *call) error {
	param, raw := "sku_id_list", c.param("sku_id_list")
	if raw == "" {
		param, raw = "seller_sku_list", c.param("seller_sku_list")
	}
	if raw == "" {
		return missingParameter("seller_sku_list")
	}
	names, err := jsonArray(raw)
	if err != nil {
		return invalidRequestFormat(param + " must be a JSON array")
	}
	if len(names) > maxBatchSKUs {
		return isv("204", "E204: Too many SKU in one request (%d > %d)", len(names), maxBatchSKUs)
	}
	named := map[int64]map[int64]bool{} // item → SKU ids
	items := map[int64]sandbox.Item{}
	var fails []detail
	for _, n := range names {
		item, skuID, ok := f.removalTarget(c.shop, param, n)
		if !ok {
			fails = append(fails, detail{Field: param, SellerSKU: n, Message: "SELLER_SKU_NOT_FOUND: seller sku not found"})
			continue
		}
		if named[item.ID] == nil {
			named[item.ID] = map[int64]bool{}
		}
		named[item.ID][skuID] = true
		items[item.ID] = item
	}
	for id, skus := range named {
		item := items[id]
		if len(skus) < len(item.SKUs) {
			for _, k := range item.SKUs {
				if skus[k.ID] {
					fails = append(fails, detail{Field: param, SellerSKU: k.SellerSKU,
						Message: fmt.Sprintf("sandbox: removing some SKUs of an item is not simulated; name all %d SKUs of item %d", len(item.SKUs), id)})
				}
			}
			continue
		}
		if err := f.e.DeleteItem(c.shop, id); err != nil {
			fails = append(fails, detail{Field: param, Message: fmt.Sprintf("item %d: %v", id, err)})
		}
	}
	if len(fails) > 0 {
		return batchFailed("503", "E503: Remove product failed", fails)
	}
	return c.ok(struct{}{})
}

// removalTarget resolves one entry of a removal list.
func (f *front) removalTarget(shop int64, param, name string) (sandbox.Item, int64, bool) {
	if param == "seller_sku_list" {
		item, k, err := f.e.ItemBySellerSKU(shop, name)
		return item, k.ID, err == nil
	}
	var itemID, skuID int64
	if _, err := fmt.Sscanf(name, "SkuId_%d_%d", &itemID, &skuID); err != nil {
		return sandbox.Item{}, 0, false
	}
	item, err := f.e.Item(shop, itemID)
	if err != nil || findSKU(item, map[string]any{"SkuId": fmt.Sprint(skuID)}) == nil {
		return sandbox.Item{}, 0, false
	}
	return item, skuID, true
}
