package lazada

import (
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"ocophub/connectors/sandbox"
)

// Keys the front keeps in the engine's Extra maps.
const (
	extraAttributes = "attributes" // Item: Attributes as sent (plus name/description)
	extraImages     = "images"     // Item: image URLs as sent
	skuImages       = "Images"     // SKU: image URLs as sent
)

// skuCoreFields are the SKU fields the engine holds itself; every other
// field of a Sku is kept and echoed back.
var skuCoreFields = map[string]bool{"sellersku": true, "skuid": true, "quantity": true, "price": true, "images": true, "status": true}

// newSKU is a parsed Skus.Sku entry of /product/create.
type newSKU struct {
	sandbox.NewSKU
	images []string
}

// parseSKU reads one Sku of a create payload.
func (f *front) parseSKU(v any) (newSKU, error) {
	sellerSKU, _ := text(field(v, "SellerSku"))
	sellerSKU = strings.TrimSpace(sellerSKU)
	if sellerSKU == "" {
		return newSKU{}, mandatory("SellerSku")
	}
	fail := func(code, format string, args ...any) error {
		e := isv(code, format, args...)
		e.Detail = []detail{{Field: "Sku", SellerSKU: sellerSKU, Message: e.Message}}
		return e
	}
	if !present(field(v, "price")) {
		return newSKU{}, fail("1", "E001: Parameter price is mandatory")
	}
	price, err := money(field(v, "price"))
	if errors.Is(err, errPricePrecision) {
		return newSKU{}, fail("4104", "BIZ_CHECK_PRICE_PRECISION_INVALID: price %v has decimals", field(v, "price"))
	}
	if err != nil || price <= 0 {
		return newSKU{}, fail("4118", "BIZ_CHECK_PRICE_IS_ZERO: price must be a positive amount")
	}
	var qty int64
	if present(field(v, "quantity")) {
		if qty, err = integer(field(v, "quantity")); err != nil || qty < 0 {
			return newSKU{}, fail("4152", "THD_INVENTORY_ERR_INV_PARAM_ILLEGAL: quantity must be a whole number ≥ 0")
		}
	}
	extra := map[string]any{}
	for k, x := range asMap(v) {
		if !skuCoreFields[strings.ToLower(k)] {
			extra[k] = plain(x)
		}
	}
	if sp := field(v, "special_price"); present(sp) {
		special, err := money(sp)
		if err != nil || special <= 0 {
			return newSKU{}, fail("4121", "BIZ_CHECK_SPECIAL_PRICE_PRECISION_INVALID: special_price %v", sp)
		}
		if special >= price {
			return newSKU{}, fail("4157", "BIZ_CHECK_SPECIAL_PRICE_GREATER_THAN_PRICE: The discount price must be cheaper than the regular price")
		}
		extra["special_price"] = special
	}
	imgs, err := f.listingImages(field(v, "Images"))
	if err != nil {
		return newSKU{}, err
	}
	urls := imageURLs(field(v, "Images"))
	if len(urls) > 0 {
		extra[skuImages] = urls
	}
	return newSKU{NewSKU: sandbox.NewSKU{SellerSKU: sellerSKU, Price: price, Stock: qty, Extra: extra}, images: imgs}, nil
}

// imageURLs lists the non-empty URLs of an Images.Image value.
func imageURLs(v any) []string {
	var out []string
	for _, x := range list(field(v, "Image")) {
		if u, _ := text(x); strings.TrimSpace(u) != "" {
			out = append(out, strings.TrimSpace(u))
		}
	}
	return out
}

// payloadParam parses an XML or JSON payload parameter.
func (c *call) payloadParam(name string) (map[string]any, error) {
	raw, err := c.required(name)
	if err != nil {
		return nil, err
	}
	p, err := parsePayload(raw)
	if err != nil {
		return nil, invalidRequestFormat(err.Error())
	}
	return p, nil
}

// createProduct is POST /product/create. With AssociatedSku (an existing
// SkuId) the SKUs are added to that SKU's product instead.
func (f *front) createProduct(c *call) error {
	p, err := c.payloadParam("payload")
	if err != nil {
		return err
	}
	prod := path(p, "Request", "Product")
	if prod == nil {
		return invalidRequestFormat("Request.Product is missing")
	}
	var skus []newSKU
	seen := map[string]bool{}
	for _, v := range list(path(prod, "Skus", "Sku")) {
		k, err := f.parseSKU(v)
		if err != nil {
			return err
		}
		if _, _, err := f.e.ItemBySellerSKU(c.shop, k.SellerSKU); err == nil || seen[k.SellerSKU] {
			return duplicateSellerSKU(k.SellerSKU)
		}
		seen[k.SellerSKU] = true
		skus = append(skus, k)
	}
	if len(skus) == 0 {
		return mandatory("Skus")
	}
	if assoc := field(prod, "AssociatedSku"); present(assoc) {
		return f.addAssociated(c, assoc, skus)
	}
	catText, _ := text(field(prod, "PrimaryCategory"))
	category, err := strconv.ParseInt(strings.TrimSpace(catText), 10, 64)
	if err != nil || category <= 0 {
		return isv("201", "E201: %q Invalid CategoryId", catText)
	}
	attrs, _ := plain(field(prod, "Attributes")).(map[string]any)
	name, _ := text(field(attrs, "name"))
	if strings.TrimSpace(name) == "" {
		return mandatory("name")
	}
	description, _ := text(field(attrs, "description"))
	images, err := f.listingImages(field(prod, "Images"))
	if err != nil {
		return err
	}
	in := sandbox.NewItem{Name: name, Description: description, CategoryID: category, Images: images,
		Extra: map[string]any{extraAttributes: attrs, extraImages: imageURLs(field(prod, "Images"))}}
	hasImage := len(images) > 0
	for _, k := range skus {
		in.SKUs = append(in.SKUs, k.NewSKU)
		in.Images = append(in.Images, k.images...)
		hasImage = hasImage || len(k.images) > 0
	}
	if !hasImage {
		return isv("4139", "BIZ_CHECK_MAIN_IMAGE_REQUIRE: Main image is require")
	}
	if err := f.checkCategory(category, attrs); err != nil {
		return err
	}
	item, err := f.e.CreateItem(c.shop, in)
	if err != nil {
		return createFailed(err, skus)
	}
	return c.ok(createdData(item, item.SKUs))
}

// addAssociated adds SKUs to the product holding the AssociatedSku SkuId.
func (f *front) addAssociated(c *call, assoc any, skus []newSKU) error {
	skuID, err := integer(assoc)
	if err != nil {
		return isv("4136", "SELLER_SKU_NOT_FOUND: AssociatedSku %v", assoc)
	}
	before, _, ok := f.itemOfSKU(c.shop, skuID)
	if !ok {
		return isv("4136", "SELLER_SKU_NOT_FOUND: AssociatedSku %d", skuID)
	}
	in := make([]sandbox.NewSKU, len(skus))
	for i, k := range skus {
		in[i] = k.NewSKU
	}
	item, err := f.e.AddSKUs(c.shop, before.ID, in)
	if err != nil {
		return createFailed(err, skus)
	}
	return c.ok(createdData(item, item.SKUs[len(before.SKUs):]))
}

func createdData(item sandbox.Item, skus []*sandbox.SKU) map[string]any {
	list := make([]map[string]any, len(skus))
	for i, k := range skus {
		list[i] = map[string]any{"seller_sku": k.SellerSKU, "shop_sku": shopSKU(item.ID, k.ID), "sku_id": k.ID}
	}
	return map[string]any{"item_id": item.ID, "sku_list": list, "item_status": itemStatus(item.Status)}
}

func duplicateSellerSKU(sellerSKU string) error {
	e := isv("4105", "BIZ_CHECK_SELLER_SKU_DUPLICATE: SellerSku repeat")
	e.Detail = []detail{{Field: "SellerSku", SellerSKU: sellerSKU, Message: "SellerSku " + sellerSKU + " already exists in this shop"}}
	return e
}

// createFailed maps an engine error of a create.
func createFailed(err error, skus []newSKU) error {
	var inv *sandbox.InvalidError
	switch {
	case errors.Is(err, sandbox.ErrDuplicateSKU):
		return duplicateSellerSKU(skus[0].SellerSKU)
	case errors.Is(err, sandbox.ErrImageUnknown):
		return isv("4138", "BIZ_CHECK_EXIST_OUTER_IMAGE: The image exists in the outer link")
	case errors.As(err, &inv):
		return isv("500", "E500: Create product failed: %s", inv.Msg)
	}
	return err
}

// itemOfSKU finds the listed or unlisted item holding a SKU id. The engine
// looks SKUs up by seller SKU only, so this walks the shop's items: it
// serves rare calls (AssociatedSku, a sale price named by SkuId alone).
func (f *front) itemOfSKU(shop, skuID int64) (sandbox.Item, *sandbox.SKU, bool) {
	items, _, err := f.e.Items(shop, sandbox.ItemQuery{Statuses: []string{sandbox.ItemLive, sandbox.ItemInactive}})
	if err != nil {
		return sandbox.Item{}, nil, false
	}
	for _, it := range items {
		for _, k := range it.SKUs {
			if k.ID == skuID {
				return it, k, true
			}
		}
	}
	return sandbox.Item{}, nil, false
}

// updateProduct is POST /product/update: ItemId with any of Attributes,
// Images and Skus (each named by SkuId or SellerSku; quantity is sellable
// stock, as Lazada's inventory guide says).
func (f *front) updateProduct(c *call) error {
	p, err := c.payloadParam("payload")
	if err != nil {
		return err
	}
	prod := path(p, "Request", "Product")
	if !present(field(prod, "ItemId")) {
		return mandatory("ItemId")
	}
	itemID, err := integer(field(prod, "ItemId"))
	if err != nil {
		return invalidRequestFormat("ItemId is not a number")
	}
	item, err := f.e.Item(c.shop, itemID)
	if err != nil {
		return batchFailed("501", "E501: Update product failed", []detail{{Field: "ItemId", Message: fmt.Sprintf("ITEM_NOT_FOUND: item %d does not exist", itemID)}})
	}
	attrs, _ := plain(field(prod, "Attributes")).(map[string]any)
	category := item.CategoryID
	if cat := field(prod, "PrimaryCategory"); present(cat) {
		catText, _ := text(cat)
		if category, err = strconv.ParseInt(strings.TrimSpace(catText), 10, 64); err != nil || category <= 0 {
			return isv("201", "E201: %q Invalid CategoryId", catText)
		}
	}
	if attrs != nil || category != item.CategoryID {
		merged := maps.Clone(attrMap(item))
		maps.Copy(merged, attrs)
		if err := f.checkCategory(category, merged); err != nil {
			return err
		}
	}
	var images []string
	imagesGiven := field(prod, "Images") != nil
	if imagesGiven {
		if images, err = f.listingImages(field(prod, "Images")); err != nil {
			return err
		}
	}
	type skuChange struct {
		sku    *sandbox.SKU
		price  int64
		qty    int64
		hasQty bool
		extra  map[string]any
	}
	var changes []skuChange
	var fails []detail
	statusOf := map[int64]string{} // SkuId → engine status its Status field asks for
	for _, v := range list(path(prod, "Skus", "Sku")) {
		k := findSKU(item, v)
		if k == nil {
			label, _ := text(field(v, "SellerSku"))
			fails = append(fails, detail{Field: "SkuId", SellerSKU: label, Message: "4216: skuId is a mandatory field and must be filled in (no such SKU in this item)"})
			continue
		}
		if s, ok := text(field(v, "Status")); ok && strings.TrimSpace(s) != "" {
			st, known := skuStatusValues[strings.ToLower(strings.TrimSpace(s))]
			if !known {
				fails = append(fails, detail{Field: "Status", SellerSKU: k.SellerSKU, Message: fmt.Sprintf("Status %q must be active or inactive (remove a product with /product/remove)", s)})
				continue
			}
			statusOf[k.ID] = st
		}
		ch := skuChange{sku: k, extra: map[string]any{}}
		if present(field(v, "price")) {
			if ch.price, err = money(field(v, "price")); err != nil || ch.price <= 0 {
				fails = append(fails, detail{Field: "price", SellerSKU: k.SellerSKU, Message: "price must be a positive whole number of đồng"})
				continue
			}
		}
		if present(field(v, "quantity")) {
			if ch.qty, err = integer(field(v, "quantity")); err != nil {
				fails = append(fails, detail{Field: "quantity", SellerSKU: k.SellerSKU, Message: "quantity must be a whole number"})
				continue
			}
			ch.hasQty = true
		}
		if imgs := field(v, "Images"); imgs != nil {
			if _, err := f.listingImages(imgs); err != nil {
				fails = append(fails, detail{Field: "Images", SellerSKU: k.SellerSKU, Message: err.(*apiError).Message})
				continue
			}
			ch.extra[skuImages] = imageURLs(imgs)
		}
		for key, x := range asMap(v) {
			if !skuCoreFields[strings.ToLower(key)] {
				ch.extra[key] = plain(x)
			}
		}
		if sp := field(v, "special_price"); present(sp) {
			special, err := money(sp)
			if err != nil {
				fails = append(fails, detail{Field: "special_price", SellerSKU: k.SellerSKU, Message: err.Error()})
				continue
			}
			ch.extra["special_price"] = special
		}
		changes = append(changes, ch)
	}
	wantStatus, d := itemStatusChange(item, statusOf)
	if d != nil {
		fails = append(fails, *d)
	}
	_, err = f.e.UpdateItem(c.shop, itemID, func(it *sandbox.Item) error {
		it.CategoryID = category
		if attrs != nil {
			merged := maps.Clone(attrMap(*it))
			maps.Copy(merged, attrs)
			if name, _ := text(field(attrs, "name")); strings.TrimSpace(name) != "" {
				it.Name = name
			}
			if d, ok := text(field(attrs, "description")); ok {
				it.Description = d
			}
			it.Extra = withExtra(it.Extra, extraAttributes, merged)
		}
		if imagesGiven {
			it.Images = images
			it.Extra = withExtra(it.Extra, extraImages, imageURLs(field(prod, "Images")))
		}
		for _, ch := range changes {
			for _, k := range it.SKUs {
				if k.ID == ch.sku.ID && len(ch.extra) > 0 {
					next := maps.Clone(k.Extra)
					if next == nil {
						next = map[string]any{}
					}
					maps.Copy(next, ch.extra)
					k.Extra = next
				}
			}
		}
		return nil
	})
	if err != nil {
		return batchFailed("501", "E501: Update product failed", []detail{{Field: "ItemId", Message: err.Error()}})
	}
	for _, ch := range changes {
		ref := sandbox.SKURef{ID: ch.sku.ID}
		if ch.price > 0 {
			if _, err := f.e.SetPrice(c.shop, ref, ch.price); err != nil {
				fails = append(fails, detail{Field: "price", SellerSKU: ch.sku.SellerSKU, Message: err.Error()})
				continue
			}
		}
		if ch.hasQty {
			if k, err := f.e.SetStock(c.shop, ref, ch.qty); err != nil {
				fails = append(fails, stockDetail("quantity", ch.sku.SellerSKU, ch.qty, k, err))
			}
		}
	}
	if wantStatus != "" && wantStatus != item.Status {
		if err := f.e.SetItemStatus(c.shop, itemID, wantStatus); err != nil {
			fails = append(fails, detail{Field: "Status", Message: err.Error()})
		}
	}
	if len(fails) > 0 {
		return batchFailed("501", "E501: Update product failed", fails)
	}
	item, err = f.e.Item(c.shop, itemID)
	if err != nil {
		return err
	}
	return c.ok(map[string]any{"item_status": itemStatus(item.Status), "variation": map[string]any{}})
}

// skuStatusValues are the Status values /product/update takes on a Sku
// (update-a-product guide: 'active', 'inactive' or 'deleted') and the
// engine status each means; deleted is left to /product/remove.
var skuStatusValues = map[string]string{"active": sandbox.ItemLive, "inactive": sandbox.ItemInactive}

// itemStatusChange reads the Sku Status fields of an update as the item
// status they ask for ("" for none). The engine lists and delists whole
// items (as /product/deactivate), so a change must name every SKU of the
// item with the same value (sandbox limit).
func itemStatusChange(item sandbox.Item, statusOf map[int64]string) (string, *detail) {
	want := ""
	for _, st := range statusOf {
		if want != "" && st != want {
			return "", &detail{Field: "Status", Message: "sandbox: SKUs of one item with different statuses are not simulated"}
		}
		want = st
	}
	if want != "" && want != item.Status && len(statusOf) < len(item.SKUs) {
		return "", &detail{Field: "Status", Message: fmt.Sprintf("sandbox: changing the status of some SKUs of an item is not simulated; name all %d SKUs of item %d", len(item.SKUs), item.ID)}
	}
	return want, nil
}

// findSKU finds the SKU a Sku entry names by SkuId, else SellerSku.
func findSKU(item sandbox.Item, v any) *sandbox.SKU {
	id, idErr := integer(field(v, "SkuId"))
	seller, _ := text(field(v, "SellerSku"))
	for _, k := range item.SKUs {
		if (idErr == nil && k.ID == id) || (idErr != nil && seller != "" && k.SellerSKU == seller) {
			return k
		}
	}
	return nil
}

// withExtra returns a copy of extra with key set: the engine hands out
// shallow copies of items, so the maps are replaced, never changed.
func withExtra(extra map[string]any, key string, v any) map[string]any {
	next := maps.Clone(extra)
	if next == nil {
		next = map[string]any{}
	}
	next[key] = v
	return next
}

// attrMap is the Attributes map of an item.
func attrMap(it sandbox.Item) map[string]any {
	m, _ := it.Extra[extraAttributes].(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// negativeSellable starts the message of a stock change refused because the
// result would be negative (Lazada's code 212).
const negativeSellable = "INV_NEGATIVE_SELLABLE"

// stockDetail explains a refused stock change of one SKU.
func stockDetail(fieldName, sellerSKU string, asked int64, k sandbox.SKU, err error) detail {
	msg := err.Error()
	switch {
	case errors.Is(err, sandbox.ErrNegativeStock):
		msg = fmt.Sprintf("%s: sellable quantity cannot be negative (%s %d)", negativeSellable, fieldName, asked)
	case errors.Is(err, sandbox.ErrBelowReserved):
		msg = fmt.Sprintf("negative sellable on channel inventory: %s %d is below the %d units locked by a campaign", fieldName, asked, k.Reserved)
	case errors.Is(err, sandbox.ErrNotFound):
		msg = "SELLER_SKU_NOT_FOUND: seller sku not found"
	}
	return detail{Field: fieldName, SellerSKU: sellerSKU, Message: msg}
}
