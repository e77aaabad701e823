package zalo

import (
	"bytes"
	"context"
	"net/http"

	"ocophub/connectors/driver"
)

// UploadImage stores a product photo (JPEG or PNG, at most 1 MB) and
// returns its Zalo id for Listing.Images.
func (d *Driver) UploadImage(ctx context.Context, name string, data []byte) (string, error) {
	token, err := d.accessToken(ctx)
	if err != nil {
		return "", err
	}
	if name == "" {
		name = "photo"
	}
	r := d.http.R().SetHeader("access_token", token).SetQueryParam("upload_type", "product").
		SetFileReader("file", name, bytes.NewReader(data))
	var out struct {
		ID flexString `json:"id"`
	}
	if err := d.store(ctx, r, http.MethodPost, "/v2.0/store/upload/photo", &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", &driver.Error{Code: driver.CodeInternal, Message: "Zalo returned no photo id"}
	}
	return string(out.ID), nil
}

// productFor is the create body of variant i of l.
func productFor(l driver.Listing, i int) productInput {
	v := l.Variants[i]
	price, qty := v.Price, v.Stock
	name, desc := l.Title, l.Description
	if len(l.Variants) > 1 {
		name = variantName(l.Title, v.Name)
		desc = withGroup(l.Description, group{variant: v.Name, skus: sellerSKUs(l)})
	}
	in := productInput{Name: name, Code: v.SellerSKU, Price: &price, Quantity: &qty, Description: &desc,
		Photos: l.Images, Status: statusOf(l.Active)}
	if v.WeightG > 0 {
		in.PackageSize = &packageSize{Weight: v.WeightG}
	}
	if l.CategoryID != "" {
		in.Categories = []string{l.CategoryID}
	}
	return in
}

func sellerSKUs(l driver.Listing) []string {
	skus := make([]string, len(l.Variants))
	for i, v := range l.Variants {
		skus[i] = v.SellerSKU
	}
	return skus
}

// CreateListing creates one product per variant, the anchor (first
// variant) last. A seller SKU already on Zalo is CodeAlreadyExists, except
// a sibling left by an earlier attempt at this same listing, which is
// adopted. A create that fails for good removes the products it made.
func (d *Driver) CreateListing(ctx context.Context, l driver.Listing) (driver.Listing, error) {
	if len(l.Variants) == 0 {
		return driver.Listing{}, invalidArg("a listing needs at least one variant")
	}
	if len(l.Variants) > 1 {
		for _, v := range l.Variants {
			if err := checkGroupSKU(v.SellerSKU); err != nil {
				return driver.Listing{}, err
			}
		}
	}
	token, err := d.accessToken(ctx)
	if err != nil {
		return driver.Listing{}, err
	}
	anchorSKU := l.Variants[0].SellerSKU
	if len(l.Variants) > 1 {
		// Siblings come first; do not touch any if the listing is there.
		if _, found, err := d.productByCode(ctx, token, anchorSKU); err != nil {
			return driver.Listing{}, err
		} else if found {
			return driver.Listing{}, driver.Errorf(driver.CodeAlreadyExists, "-232", "product code %s already exists in this OA", anchorSKU)
		}
	}
	products := make([]product, len(l.Variants))
	var made []string
	for i := 1; i < len(l.Variants); i++ {
		p, isNew, err := d.createOrAdopt(ctx, token, l, i)
		if err != nil {
			d.removeAll(ctx, token, made)
			return driver.Listing{}, err
		}
		if isNew {
			made = append(made, string(p.ID))
		}
		products[i] = p
	}
	anchor, err := d.createProduct(ctx, token, productFor(l, 0))
	if err != nil {
		// After a timeout the anchor may exist, and with it the listing:
		// leave the siblings for the caller's look-up or retry.
		if c := driver.CodeOf(err); c != driver.CodeUnavailable && c != driver.CodeInternal {
			d.removeAll(ctx, token, made)
		}
		return driver.Listing{}, err
	}
	products[0] = anchor
	return toListing(products), nil
}

// createOrAdopt creates the product of sibling variant i, or adopts the
// product an earlier attempt made for it (its group names the same
// anchor), bringing it up to date.
func (d *Driver) createOrAdopt(ctx context.Context, token string, l driver.Listing, i int) (product, bool, error) {
	in := productFor(l, i)
	p, err := d.createProduct(ctx, token, in)
	if driver.CodeOf(err) != driver.CodeAlreadyExists {
		return p, err == nil, err
	}
	old, found, ferr := d.productByCode(ctx, token, in.Code)
	if ferr != nil {
		return product{}, false, ferr
	}
	if _, g, ok := splitGroup(old.Description); !found || !ok || g.anchor() != l.Variants[0].SellerSKU {
		return product{}, false, err
	}
	in.ID, in.Code = string(old.ID), ""
	p, err = d.updateProduct(ctx, token, in)
	return p, false, err
}

// removeAll removes products made by a create that failed, best effort:
// the create's own error is what the caller needs.
func (d *Driver) removeAll(ctx context.Context, token string, ids []string) {
	ctx = context.WithoutCancel(ctx)
	for _, id := range ids {
		_ = d.removeProduct(ctx, token, id)
	}
}

// FindBySellerSKU returns the listing holding sellerSKU (searching Zalo by
// product code, then its group's other codes), or CodeNotFound.
func (d *Driver) FindBySellerSKU(ctx context.Context, sellerSKU string) (driver.Listing, error) {
	token, err := d.accessToken(ctx)
	if err != nil {
		return driver.Listing{}, err
	}
	p, found, err := d.productByCode(ctx, token, sellerSKU)
	if err != nil {
		return driver.Listing{}, err
	}
	if !found {
		return driver.Listing{}, driver.Errorf(driver.CodeNotFound, "", "no product with code %s in this OA", sellerSKU)
	}
	members, err := d.listingOf(ctx, token, p)
	if err != nil {
		return driver.Listing{}, err
	}
	return toListing(members), nil
}

// listingByID reads the products of the listing itemID names.
func (d *Driver) listingByID(ctx context.Context, token, itemID string) ([]product, error) {
	if itemID == "" {
		return nil, invalidArg("item id is required")
	}
	p, err := d.getProduct(ctx, token, itemID)
	if err != nil {
		return nil, err
	}
	return d.listingOf(ctx, token, p)
}

// UpdateListing sets title, description, category and images on every
// product of the listing (stock, price and the set of variants do not
// change). Variant names come from l.Variants where given.
func (d *Driver) UpdateListing(ctx context.Context, l driver.Listing) error {
	if l.Title == "" {
		return invalidArg("title is required")
	}
	token, err := d.accessToken(ctx)
	if err != nil {
		return err
	}
	members, err := d.listingByID(ctx, token, l.ItemID)
	if err != nil {
		return err
	}
	names := make(map[string]string, len(l.Variants))
	for _, v := range l.Variants {
		if v.Name != "" {
			names[v.SellerSKU] = v.Name
		}
	}
	for i := len(members) - 1; i >= 0; i-- { // the anchor last
		p := members[i]
		name, desc := l.Title, l.Description
		if _, g, ok := splitGroup(p.Description); ok {
			if n, ok := names[p.Code]; ok {
				g.variant = n
			}
			name, desc = variantName(l.Title, g.variant), withGroup(l.Description, g)
		}
		in := productInput{ID: string(p.ID), Name: name, Description: &desc, Photos: l.Images}
		if l.CategoryID != "" {
			in.Categories = []string{l.CategoryID}
		}
		if _, err := d.updateProduct(ctx, token, in); err != nil {
			return err
		}
	}
	return nil
}

// SetActive shows (true) or hides (false) every product of the listing,
// the anchor last; products already so are left alone.
func (d *Driver) SetActive(ctx context.Context, itemID string, active bool) error {
	token, err := d.accessToken(ctx)
	if err != nil {
		return err
	}
	members, err := d.listingByID(ctx, token, itemID)
	if err != nil {
		return err
	}
	want := statusOf(active)
	for i := len(members) - 1; i >= 0; i-- {
		if members[i].Status == want {
			continue
		}
		if _, err := d.updateProduct(ctx, token, productInput{ID: string(members[i].ID), Status: want}); err != nil {
			return err
		}
	}
	return nil
}
