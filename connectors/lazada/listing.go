package lazada

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ocophub/connectors/driver"
)

// noBrand is Lazada's brand for unbranded goods; a product needs a brand.
const noBrand = "No Brand"

// variationName is the custom sales attribute that carries the hub's
// variant names ("Hộp 100g"): Lazada names a SKU only through sales
// attributes declared on the product.
const variationName = "Variation"

// UploadImage stores a JPG or PNG (≤ 1 MB) on Lazada (/image/upload) and
// returns its Lazada URL: product payloads must only name Lazada-hosted
// images. A refused file is CodeInvalidArgument.
func (d *Driver) UploadImage(ctx context.Context, name string, data []byte) (string, error) {
	if name == "" {
		name = "image.jpg"
	}
	var out struct {
		Image struct {
			URL string `json:"url"`
		} `json:"image"`
	}
	r := request{method: http.MethodPost, path: "/image/upload", file: &filePart{field: "image", name: name, data: data}}
	env, err := d.call(ctx, r, &out)
	if err != nil {
		return "", err
	}
	if out.Image.URL == "" {
		return "", &driver.Error{Code: driver.CodeInternal, Message: "/image/upload answered no URL", RequestID: env.RequestID}
	}
	return out.Image.URL, nil
}

// CreateListing creates a product (/product/create) with its SKUs and
// returns it with Lazada's item id and each SKU's SkuId as ModelID. A
// seller SKU already in the shop is CodeAlreadyExists. Lazada lists a new
// product at once (after its QC); Active in l is not sent.
func (d *Driver) CreateListing(ctx context.Context, l driver.Listing) (driver.Listing, error) {
	if len(l.Variants) == 0 {
		return driver.Listing{}, &driver.Error{Code: driver.CodeInvalidArgument, Message: "a listing needs at least one variant"}
	}
	category := l.CategoryID
	if category == "" {
		return driver.Listing{}, &driver.Error{Code: driver.CodeInvalidArgument, Message: "a listing needs a Lazada primary category"}
	}
	p := map[string]any{
		"PrimaryCategory": category,
		"Attributes":      attributes(l),
		"Skus":            map[string]any{"Sku": newSKUs(l.Variants)},
	}
	if len(l.Images) > 0 {
		p["Images"] = map[string]any{"Image": l.Images}
	}
	if v := variation(l.Variants); v != nil {
		p["variation"] = v
	}
	var out struct {
		ItemID  scalar `json:"item_id"`
		SkuList []struct {
			SellerSKU string `json:"seller_sku"`
			ShopSKU   string `json:"shop_sku"`
			SkuID     scalar `json:"sku_id"`
		} `json:"sku_list"`
		ItemStatus string `json:"item_status"`
	}
	env, err := d.call(ctx, post("/product/create", map[string]string{"payload": requestPayload(p)}), &out)
	if err != nil {
		return driver.Listing{}, err
	}
	if out.ItemID == "" {
		return driver.Listing{}, &driver.Error{Code: driver.CodeInternal, Message: "/product/create answered no item_id", RequestID: env.RequestID}
	}
	created := l
	created.ItemID = out.ItemID.String()
	created.Active = out.ItemStatus == "" || isActive(out.ItemStatus)
	created.Variants = slices.Clone(l.Variants)
	for i := range created.Variants {
		v := &created.Variants[i]
		for _, s := range out.SkuList {
			if s.SellerSKU == v.SellerSKU {
				v.ModelID, v.ShopSKU = s.SkuID.String(), s.ShopSKU
			}
		}
	}
	return created, nil
}

// UpdateListing changes title, description, brand, category, attributes,
// images and package sizes of an existing product (/product/update); it
// never sends price or quantity. An unknown item is CodeNotFound.
func (d *Driver) UpdateListing(ctx context.Context, l driver.Listing) error {
	if l.ItemID == "" {
		return &driver.Error{Code: driver.CodeInvalidArgument, Message: "item id is required"}
	}
	update := map[string]any{"ItemId": l.ItemID, "Attributes": attributes(l)}
	if l.CategoryID != "" {
		update["PrimaryCategory"] = l.CategoryID
	}
	if len(l.Images) > 0 { // Lazada replaces images but cannot remove them all
		update["Images"] = map[string]any{"Image": l.Images}
	}
	var skus []map[string]any
	for _, v := range l.Variants {
		if v.ModelID == "" {
			continue
		}
		s := map[string]any{"SkuId": v.ModelID}
		addPackage(s, v)
		if len(s) > 1 {
			skus = append(skus, s)
		}
	}
	if len(skus) > 0 {
		update["Skus"] = map[string]any{"Sku": skus}
	}
	_, err := d.call(ctx, post("/product/update", map[string]string{"payload": requestPayload(update)}), nil)
	return err
}

// FindBySellerSKU returns the product holding a seller SKU
// (/products/get with sku_seller_list), or CodeNotFound. Variant.Stock is
// the SELLABLE stock (what buyers can still order), Reserved what
// campaigns lock.
func (d *Driver) FindBySellerSKU(ctx context.Context, sellerSKU string) (driver.Listing, error) {
	products, err := d.productsBySKU(ctx, []string{sellerSKU})
	if err != nil {
		return driver.Listing{}, err
	}
	for _, p := range products {
		if p.holds(sellerSKU) {
			return p.listing(), nil
		}
	}
	return driver.Listing{}, &driver.Error{Code: driver.CodeNotFound, Message: "no product holds seller SKU " + sellerSKU}
}

// productLimit is the most products one /products/get page holds.
const productLimit = 50

// productsBySKU is /products/get with sku_seller_list: the products that
// hold any of the seller SKUs, with every SKU of theirs, deleted products
// left out. Seller SKUs are unique in a shop, so up to productLimit SKUs
// are ONE call; a longer answer is paged through.
func (d *Driver) productsBySKU(ctx context.Context, sellerSKUs []string) ([]product, error) {
	var products []product
	for offset := 0; ; {
		var page struct {
			Total    scalar    `json:"total_products"`
			Products []product `json:"products"`
		}
		params := map[string]string{"filter": "all", "sku_seller_list": jsonList(sellerSKUs),
			"limit": strconv.Itoa(productLimit), "offset": strconv.Itoa(offset)}
		if _, err := d.call(ctx, get("/products/get", params), &page); err != nil {
			return nil, err
		}
		for _, p := range page.Products {
			if !strings.EqualFold(p.Status, "deleted") {
				products = append(products, p)
			}
		}
		offset += len(page.Products)
		if total, _ := page.Total.int(); len(page.Products) == 0 || int64(offset) >= total {
			return products, nil
		}
	}
}

// SetActive delists a product with /product/deactivate, or lists it again
// by setting its SKUs' Status to active with /product/update (Lazada has
// no activate API; the SKU ids come from /product/item/get). Both are
// idempotent: a product already in the asked state is left alone.
func (d *Driver) SetActive(ctx context.Context, itemID string, active bool) error {
	if itemID == "" {
		return &driver.Error{Code: driver.CodeInvalidArgument, Message: "item id is required"}
	}
	if !active {
		body := map[string]any{"Request": map[string]any{"Product": map[string]any{"ItemId": itemID}}}
		_, err := d.call(ctx, post("/product/deactivate", map[string]string{"apiRequestBody": payload(body)}), nil)
		var de *driver.Error
		if errors.As(err, &de) && de.Vendor == "E0004" { // "Product Status not online": already delisted
			return nil
		}
		return err
	}
	var item product
	if _, err := d.call(ctx, get("/product/item/get", map[string]string{"item_id": itemID}), &item); err != nil {
		return err
	}
	if isActive(item.Status) {
		return nil
	}
	skus := make([]map[string]any, 0, len(item.Skus))
	for _, s := range item.Skus {
		skus = append(skus, map[string]any{"SkuId": s.SkuID.String(), "Status": "active"})
	}
	update := map[string]any{"ItemId": itemID, "Skus": map[string]any{"Sku": skus}}
	_, err := d.call(ctx, post("/product/update", map[string]string{"payload": requestPayload(update)}), nil)
	return err
}

// requestPayload wraps a product as {"Request":{"Product":…}}.
func requestPayload(product map[string]any) string {
	return payload(map[string]any{"Request": map[string]any{"Product": product}})
}

// attributes are the product's Attributes: the listing's own, then name,
// description and brand (brand_id when it is Lazada's numeric id).
func attributes(l driver.Listing) map[string]any {
	a := make(map[string]any, len(l.Attributes)+3)
	for k, v := range l.Attributes {
		a[k] = v
	}
	a["name"] = l.Title
	a["description"] = l.Description
	switch {
	case l.Brand == "":
		if _, ok := a["brand_id"]; !ok && l.Attributes["brand"] == "" {
			a["brand"] = noBrand
		}
	case isDigits(l.Brand):
		a["brand_id"] = l.Brand
	default:
		a["brand"] = l.Brand
	}
	return a
}

// newSKUs are the Skus.Sku entries of a create.
func newSKUs(vs []driver.Variant) []map[string]any {
	named := variation(vs) != nil
	out := make([]map[string]any, 0, len(vs))
	for _, v := range vs {
		s := map[string]any{
			"SellerSku": v.SellerSKU,
			"quantity":  formatScaled(v.Stock, 0),
			"price":     formatScaled(v.Price, 0),
		}
		if named {
			s["saleProp"] = map[string]string{variationName: v.Name}
		}
		addPackage(s, v)
		out = append(out, s)
	}
	return out
}

// variation declares the custom sales attribute naming the variants, for
// products of more than one named variant.
func variation(vs []driver.Variant) map[string]any {
	if len(vs) < 2 {
		return nil
	}
	options := make([]string, 0, len(vs))
	for _, v := range vs {
		if v.Name == "" {
			return nil
		}
		options = append(options, v.Name)
	}
	return map[string]any{"Variation1": map[string]any{"name": variationName, "hasImage": false, "customize": true,
		"options": map[string]any{"option": options}}}
}

// addPackage adds Lazada's package sizes: weight in kg (at most two
// decimals, rounded up so a light parcel never weighs 0), sides in cm.
func addPackage(s map[string]any, v driver.Variant) {
	if v.WeightG > 0 {
		s["package_weight"] = formatScaled(int64((v.WeightG+9)/10), 2)
	}
	for name, mm := range map[string]int{"package_length": v.LengthMM, "package_width": v.WidthMM, "package_height": v.HeightMM} {
		if mm > 0 {
			s[name] = formatScaled(int64(mm), 1)
		}
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isActive reads product and SKU statuses ("Active", "active", "live").
func isActive(status string) bool {
	return strings.EqualFold(status, "active") || strings.EqualFold(status, "live")
}
