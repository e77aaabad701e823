package zalo

import (
	"context"

	"ocophub/connectors/driver"
)

// SetStock sets absolute quantities, one product/update per SKU (Zalo's
// quantity is absolute; there is no delta endpoint). A quantity below the
// promotion-reserved units is CodeFailedPrecondition in that SKU's Result.
func (d *Driver) SetStock(ctx context.Context, updates []driver.StockUpdate) ([]driver.Result, error) {
	return eachSKU(ctx, d, updates, func(token string, u driver.StockUpdate) (driver.Result, error) {
		q := u.Quantity
		id, err := d.updateSKU(ctx, token, u.ModelID, u.SellerSKU, productInput{Quantity: &q})
		return driver.Result{SellerSKU: u.SellerSKU, ModelID: id, Err: err}, err
	})
}

// SetPrice sets prices in đồng, one product/update per SKU.
func (d *Driver) SetPrice(ctx context.Context, updates []driver.PriceUpdate) ([]driver.Result, error) {
	return eachSKU(ctx, d, updates, func(token string, u driver.PriceUpdate) (driver.Result, error) {
		p := u.Price
		id, err := d.updateSKU(ctx, token, u.ModelID, u.SellerSKU, productInput{Price: &p})
		return driver.Result{SellerSKU: u.SellerSKU, ModelID: id, Err: err}, err
	})
}

// eachSKU makes the calls of a batch, SKU after SKU, with the OA's token.
// fn returns the SKU's result and its error: one that concerns that SKU
// alone (perSKU) stays in the result, any other fails the batch.
func eachSKU[U, R any](ctx context.Context, d *Driver, in []U, fn func(token string, u U) (R, error)) ([]R, error) {
	token, err := d.accessToken(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]R, 0, len(in))
	for _, u := range in {
		r, err := fn(token, u)
		if err != nil && !perSKU(err) {
			return nil, err
		}
		out = append(out, r)
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
	p, err := d.productOfCode(ctx, token, sellerSKU)
	if err != nil {
		return modelID, err
	}
	in.ID = string(p.ID)
	_, err = d.updateProduct(ctx, token, in)
	return in.ID, err
}

// productOfCode is the product whose code is sellerSKU: the fallback of a
// SKU whose model id is missing or gone (a product removed and created
// again under the same code has a new id). None is CodeNotFound.
func (d *Driver) productOfCode(ctx context.Context, token, sellerSKU string) (product, error) {
	if sellerSKU == "" {
		return product{}, invalidArg("a model id or a seller SKU is required")
	}
	p, found, err := d.productByCode(ctx, token, sellerSKU)
	if err != nil {
		return product{}, err
	}
	if !found {
		return product{}, driver.Errorf(driver.CodeNotFound, "-230", "no product with code %s in this OA", sellerSKU)
	}
	return p, nil
}

// GetStock reads each SKU's product with getproduct?id= (ModelID: the
// Zalo product of that variant, see the package doc), one call per SKU —
// Zalo has no batch read, and StockBatch is 1. Like SetStock, a SKU
// without a model id, or whose product is gone, is read from the product
// whose code is its seller SKU (search?code=, one more call). The quantity
// is the product's quantity, absolute as SetStock sets it. A SKU with no
// product is CodeNotFound in its StockLevel.
func (d *Driver) GetStock(ctx context.Context, refs []driver.StockRef) ([]driver.StockLevel, error) {
	return eachSKU(ctx, d, refs, func(token string, r driver.StockRef) (driver.StockLevel, error) {
		p, err := d.readSKU(ctx, token, r.ModelID, r.SellerSKU)
		if err != nil {
			return driver.StockLevel{SellerSKU: r.SellerSKU, ModelID: r.ModelID, Err: err}, err
		}
		return driver.StockLevel{SellerSKU: r.SellerSKU, ModelID: string(p.ID), Quantity: int64(p.Quantity)}, nil
	})
}

// readSKU reads the product modelID names or, without one or when it is
// gone, the product whose code is sellerSKU.
func (d *Driver) readSKU(ctx context.Context, token, modelID, sellerSKU string) (product, error) {
	if modelID != "" {
		p, err := d.getProduct(ctx, token, modelID)
		if driver.CodeOf(err) != driver.CodeNotFound || sellerSKU == "" {
			return p, err
		}
	}
	return d.productOfCode(ctx, token, sellerSKU)
}
