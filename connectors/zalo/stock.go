package zalo

import (
	"context"

	"ocophub/connectors/driver"
)

// SetStock sets absolute quantities, one product/update per SKU (Zalo's
// quantity is absolute; there is no delta endpoint). A quantity below the
// promotion-reserved units is CodeFailedPrecondition in that SKU's Result.
func (d *Driver) SetStock(ctx context.Context, updates []driver.StockUpdate) ([]driver.Result, error) {
	token, err := d.accessToken(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]driver.Result, 0, len(updates))
	for _, u := range updates {
		q := u.Quantity
		id, err := d.updateSKU(ctx, token, u.ModelID, u.SellerSKU, productInput{Quantity: &q})
		if err != nil && !perSKU(err) {
			return nil, err
		}
		out = append(out, driver.Result{SellerSKU: u.SellerSKU, ModelID: id, Err: err})
	}
	return out, nil
}

// SetPrice sets prices in đồng, one product/update per SKU.
func (d *Driver) SetPrice(ctx context.Context, updates []driver.PriceUpdate) ([]driver.Result, error) {
	token, err := d.accessToken(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]driver.Result, 0, len(updates))
	for _, u := range updates {
		p := u.Price
		id, err := d.updateSKU(ctx, token, u.ModelID, u.SellerSKU, productInput{Price: &p})
		if err != nil && !perSKU(err) {
			return nil, err
		}
		out = append(out, driver.Result{SellerSKU: u.SellerSKU, ModelID: id, Err: err})
	}
	return out, nil
}

// updateSKU updates the product modelID names, or, without one or when it
// is gone, the product whose code is sellerSKU. It returns the id used.
func (d *Driver) updateSKU(ctx context.Context, token, modelID, sellerSKU string, in productInput) (string, error) {
	if modelID != "" {
		in.ID = modelID
		_, err := d.updateProduct(ctx, token, in)
		if driver.CodeOf(err) != driver.CodeNotFound || sellerSKU == "" {
			return modelID, err
		}
	}
	if sellerSKU == "" {
		return "", invalidArg("a model id or a seller SKU is required")
	}
	p, found, err := d.productByCode(ctx, token, sellerSKU)
	if err != nil {
		return modelID, err
	}
	if !found {
		return modelID, driver.Errorf(driver.CodeNotFound, "-230", "no product with code %s in this OA", sellerSKU)
	}
	in.ID = string(p.ID)
	_, err = d.updateProduct(ctx, token, in)
	return in.ID, err
}
