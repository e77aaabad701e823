package zalo

import (
	"context"
	"encoding/json"
	"strings"

	"ocophub/connectors/driver"
)

// Product statuses of the Store API.
const (
	statusShow = "show"
	statusHide = "hide"
)

// product is a Zalo product as the Store API shows it: one SKU.
type product struct {
	ID          flexString      `json:"id"`
	Name        string          `json:"name"`
	Code        string          `json:"code"`
	Price       flexInt         `json:"price"`
	Quantity    flexInt         `json:"quantity"`
	Description string          `json:"description"`
	Photos      []flexString    `json:"photos"`
	PackageSize json.RawMessage `json:"package_size"`
	Categories  json.RawMessage `json:"categories"`
	Status      string          `json:"status"`
}

// productList is the data of getproductofoa and search.
type productList struct {
	Products []product `json:"products"`
	Total    flexInt   `json:"total"`
}

// productInput is the body of product/create and product/update; absent
// fields do not change.
type productInput struct {
	ID          string       `json:"id,omitempty"`
	Name        string       `json:"name,omitempty"`
	Code        string       `json:"code,omitempty"`
	Price       *int64       `json:"price,omitempty"`
	Quantity    *int64       `json:"quantity,omitempty"`
	Description *string      `json:"description,omitempty"`
	Photos      []string     `json:"photos,omitempty"`
	PackageSize *packageSize `json:"package_size,omitempty"`
	Categories  []string     `json:"categories,omitempty"`
	Status      string       `json:"status,omitempty"`
}

type packageSize struct {
	Weight int `json:"weight"` // grams
}

func statusOf(active bool) string {
	if active {
		return statusShow
	}
	return statusHide
}

// weight reads package_size.weight, 0 when absent or not understood.
func (p product) weight() int {
	var ps struct {
		Weight flexInt `json:"weight"`
	}
	if len(p.PackageSize) == 0 || json.Unmarshal(p.PackageSize, &ps) != nil {
		return 0
	}
	return int(ps.Weight)
}

// category reads the first of categories, given as ids or {id} objects.
func (p product) category() string {
	if len(p.Categories) == 0 {
		return ""
	}
	var ids []flexString
	if json.Unmarshal(p.Categories, &ids) == nil {
		if len(ids) > 0 {
			return string(ids[0])
		}
		return ""
	}
	var objs []struct {
		ID flexString `json:"id"`
	}
	if json.Unmarshal(p.Categories, &objs) == nil && len(objs) > 0 {
		return string(objs[0].ID)
	}
	return ""
}

func (p product) photos() []string {
	if len(p.Photos) == 0 {
		return nil
	}
	out := make([]string, len(p.Photos))
	for i, ph := range p.Photos {
		out[i] = string(ph)
	}
	return out
}

// The Store API calls on products.

func (d *Driver) createProduct(ctx context.Context, token string, in productInput) (product, error) {
	var p product
	err := d.post(ctx, token, "/v2.0/store/product/create", in, &p)
	return p, err
}

func (d *Driver) updateProduct(ctx context.Context, token string, in productInput) (product, error) {
	var p product
	err := d.post(ctx, token, "/v2.0/store/product/update", in, &p)
	return p, err
}

func (d *Driver) removeProduct(ctx context.Context, token, id string) error {
	return d.post(ctx, token, "/v2.0/store/product/remove", map[string]string{"id": id}, nil)
}

func (d *Driver) getProduct(ctx context.Context, token, id string) (product, error) {
	var p product
	err := d.get(ctx, token, "/v2.0/store/product/getproduct", map[string]string{"id": id}, &p)
	return p, err
}

// productByCode finds the product whose code is sellerSKU; found is false
// when there is none.
func (d *Driver) productByCode(ctx context.Context, token, sellerSKU string) (p product, found bool, err error) {
	var list productList
	if err := d.get(ctx, token, "/v2.0/store/product/search", map[string]string{"code": sellerSKU}, &list); err != nil {
		return product{}, false, err
	}
	// search may match more loosely than Zalo's unique code: keep the
	// exact one.
	for _, p := range list.Products {
		if p.Code == sellerSKU {
			return p, true, nil
		}
	}
	return product{}, false, nil
}

// The group line of multi-variant listings (see the package doc).
const (
	groupPrefix = "[OCOP] Phân loại: "
	groupSKUs   = " | Nhóm: "
	skuSep      = ", "
	// nameSep joins a listing's title and a variant's name.
	nameSep = " - "
)

// group is what the group line of a product says.
type group struct {
	variant string   // the product's variant name
	skus    []string // the listing's seller SKUs, the anchor's first
}

func (g group) anchor() string { return g.skus[0] }

// splitGroup separates a description into the listing's own text and the
// group line; ok is false when there is no group line.
func splitGroup(desc string) (text string, g group, ok bool) {
	i := strings.LastIndexByte(desc, '\n')
	line := desc[i+1:]
	if !strings.HasPrefix(line, groupPrefix) {
		return desc, group{}, false
	}
	rest := line[len(groupPrefix):]
	j := strings.LastIndex(rest, groupSKUs)
	if j < 0 {
		return desc, group{}, false
	}
	skus := strings.Split(rest[j+len(groupSKUs):], skuSep)
	for _, s := range skus {
		if s == "" {
			return desc, group{}, false
		}
	}
	if i >= 0 {
		text = strings.TrimSuffix(desc[:i], "\n")
	}
	return text, group{variant: rest[:j], skus: skus}, true
}

// withGroup appends the group line to a listing's description.
func withGroup(text string, g group) string {
	line := groupPrefix + oneLine(g.variant) + groupSKUs + strings.Join(g.skus, skuSep)
	if text == "" {
		return line
	}
	return text + "\n\n" + line
}

func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// variantName is the product name of one variant of a multi-variant
// listing.
func variantName(title, variant string) string {
	if variant = oneLine(variant); variant == "" {
		return title
	}
	return title + nameSep + variant
}

// checkGroupSKU refuses seller SKUs the group line cannot carry.
func checkGroupSKU(sku string) error {
	if strings.ContainsAny(sku, ",| \t\r\n") {
		return invalidArg("seller SKU %q of a listing with several variants must not contain ',', '|' or spaces on Zalo", sku)
	}
	return nil
}

// listingOf returns the products of the listing p belongs to, in the
// order of its variants (the anchor first). A product without a group
// line is a listing by itself. A group whose anchor is gone is not a
// listing (its create never finished): CodeNotFound.
func (d *Driver) listingOf(ctx context.Context, token string, p product) ([]product, error) {
	_, g, ok := splitGroup(p.Description)
	if !ok {
		return []product{p}, nil
	}
	members := make([]product, 0, len(g.skus))
	for i, sku := range g.skus {
		if sku == p.Code {
			members = append(members, p)
			continue
		}
		q, found, err := d.productByCode(ctx, token, sku)
		if err != nil {
			return nil, err
		}
		if found {
			if _, qg, ok := splitGroup(q.Description); !ok || qg.anchor() != g.anchor() {
				found = false // the code now belongs to another listing
			}
		}
		if !found {
			if i == 0 {
				return nil, driver.Errorf(driver.CodeNotFound, "", "listing of %s is incomplete on Zalo: its first product %s is missing", p.Code, sku)
			}
			continue
		}
		members = append(members, q)
	}
	return members, nil
}

// toListing makes the hub listing of a group of products (anchor first).
func toListing(members []product) driver.Listing {
	anchor := members[0]
	text, g, grouped := splitGroup(anchor.Description)
	title := anchor.Name
	if grouped && g.variant != "" {
		title = strings.TrimSuffix(title, nameSep+g.variant)
	}
	l := driver.Listing{ItemID: string(anchor.ID), Title: title, Description: text, CategoryID: anchor.category(),
		Images: anchor.photos(), Active: anchor.Status != statusHide}
	for _, p := range members {
		v := driver.Variant{ModelID: string(p.ID), SellerSKU: p.Code, Price: int64(p.Price), Stock: int64(p.Quantity),
			WeightG: p.weight()}
		if _, pg, ok := splitGroup(p.Description); ok {
			v.Name = pg.variant
		}
		l.Variants = append(l.Variants, v)
	}
	return l
}
