package mem

import (
	"context"
	"strconv"

	"ocophub/connectors/driver"
	"ocophub/connectors/sandbox"
)

// UploadImage stores the image in the engine.
func (d *Driver) UploadImage(ctx context.Context, _ string, data []byte) (string, error) {
	ctx, cancel, err := d.enter(ctx)
	defer cancel()
	if err != nil {
		return "", err
	}
	if len(data) > memImageMaxBytes {
		return "", driver.Errorf(driver.CodeInvalidArgument, "", "image is larger than %d bytes", memImageMaxBytes)
	}
	id, err := d.cfg.Engine.UploadImage(data)
	if err != nil {
		return "", mapErr(err)
	}
	return id, nil
}

// CreateListing creates an item.
func (d *Driver) CreateListing(ctx context.Context, l driver.Listing) (driver.Listing, error) {
	ctx, cancel, err := d.enter(ctx)
	defer cancel()
	if err != nil {
		return driver.Listing{}, err
	}
	category, err := d.checkCategory(l)
	if err != nil {
		return driver.Listing{}, err
	}
	in := sandbox.NewItem{Name: l.Title, Description: l.Description, Images: l.Images, Status: sandbox.ItemLive,
		CategoryID: category, Extra: map[string]any{"attributes": l.Attributes}}
	if !l.Active {
		in.Status = sandbox.ItemInactive
	}
	for _, v := range l.Variants {
		in.SKUs = append(in.SKUs, sandbox.NewSKU{SellerSKU: v.SellerSKU, Price: v.Price, Stock: v.Stock,
			Extra: map[string]any{"name": v.Name}})
	}
	it, err := d.cfg.Engine.CreateItem(d.cfg.ShopID, in)
	if err != nil {
		return driver.Listing{}, mapErr(err)
	}
	return toListing(it), nil
}

func toListing(it sandbox.Item) driver.Listing {
	l := driver.Listing{ItemID: strconv.FormatInt(it.ID, 10), Title: it.Name, Description: it.Description,
		Images: it.Images, Active: it.Status == sandbox.ItemLive}
	if it.CategoryID != 0 {
		l.CategoryID = strconv.FormatInt(it.CategoryID, 10)
	}
	l.Attributes, _ = it.Extra["attributes"].(map[string]string)
	for _, k := range it.SKUs {
		name, _ := k.Extra["name"].(string)
		l.Variants = append(l.Variants, driver.Variant{ModelID: strconv.FormatInt(k.ID, 10), SellerSKU: k.SellerSKU,
			Name: name, Price: k.Price, Stock: k.Stock, Reserved: k.Reserved})
	}
	return l
}

// UpdateListing changes the item's content.
func (d *Driver) UpdateListing(ctx context.Context, l driver.Listing) error {
	ctx, cancel, err := d.enter(ctx)
	defer cancel()
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(l.ItemID, 10, 64)
	if err != nil {
		return driver.Errorf(driver.CodeInvalidArgument, "bad_item_id", "item id %q is not a number", l.ItemID)
	}
	var category int64
	if l.CategoryID != "" {
		if category, err = d.checkCategory(l); err != nil {
			return err
		}
	}
	_, err = d.cfg.Engine.UpdateItem(d.cfg.ShopID, id, func(it *sandbox.Item) error {
		it.Name, it.Description = l.Title, l.Description
		if category != 0 {
			it.CategoryID = category
			it.Extra = map[string]any{"attributes": l.Attributes}
		}
		if len(l.Images) > 0 {
			it.Images = l.Images
		}
		return nil
	})
	return mapIfErr(err)
}

// FindBySellerSKU looks the SKU up in the engine.
func (d *Driver) FindBySellerSKU(ctx context.Context, sellerSKU string) (driver.Listing, error) {
	ctx, cancel, err := d.enter(ctx)
	defer cancel()
	if err != nil {
		return driver.Listing{}, err
	}
	it, _, err := d.cfg.Engine.ItemBySellerSKU(d.cfg.ShopID, sellerSKU)
	if err != nil {
		return driver.Listing{}, mapErr(err)
	}
	return toListing(it), nil
}

// SetStock sets absolute quantities; each SKU succeeds or fails alone.
func (d *Driver) SetStock(ctx context.Context, updates []driver.StockUpdate) ([]driver.Result, error) {
	return eachSKU(ctx, d, updates, func(u driver.StockUpdate) driver.Result {
		_, err := d.cfg.Engine.SetStock(d.cfg.ShopID, ref(u.ModelID, u.SellerSKU), u.Quantity)
		return driver.Result{SellerSKU: u.SellerSKU, ModelID: u.ModelID, Err: mapIfErr(err)}
	})
}

// GetStock reads quantities; each SKU succeeds or fails alone.
func (d *Driver) GetStock(ctx context.Context, refs []driver.StockRef) ([]driver.StockLevel, error) {
	return eachSKU(ctx, d, refs, func(r driver.StockRef) driver.StockLevel {
		k, err := d.cfg.Engine.SKU(d.cfg.ShopID, ref(r.ModelID, r.SellerSKU))
		return driver.StockLevel{SellerSKU: r.SellerSKU, ModelID: r.ModelID, Quantity: k.Stock, Err: mapIfErr(err)}
	})
}

// SetPrice sets prices; each SKU succeeds or fails alone.
func (d *Driver) SetPrice(ctx context.Context, updates []driver.PriceUpdate) ([]driver.Result, error) {
	return eachSKU(ctx, d, updates, func(u driver.PriceUpdate) driver.Result {
		_, err := d.cfg.Engine.SetPrice(d.cfg.ShopID, ref(u.ModelID, u.SellerSKU), u.Price)
		return driver.Result{SellerSKU: u.SellerSKU, ModelID: u.ModelID, Err: mapIfErr(err)}
	})
}

// eachSKU is one call of a batch: entered once (token, faults), then fn
// for every SKU, which succeeds or fails alone.
func eachSKU[U, R any](ctx context.Context, d *Driver, in []U, fn func(U) R) ([]R, error) {
	_, cancel, err := d.enter(ctx)
	defer cancel()
	if err != nil {
		return nil, err
	}
	out := make([]R, len(in))
	for i, u := range in {
		out[i] = fn(u)
	}
	return out, nil
}

// SetActive lists or delists.
func (d *Driver) SetActive(ctx context.Context, itemID string, active bool) error {
	ctx, cancel, err := d.enter(ctx)
	defer cancel()
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(itemID, 10, 64)
	if err != nil {
		return driver.Errorf(driver.CodeInvalidArgument, "bad_item_id", "item id %q is not a number", itemID)
	}
	status := sandbox.ItemInactive
	if active {
		status = sandbox.ItemLive
	}
	return mapIfErr(d.cfg.Engine.SetItemStatus(d.cfg.ShopID, id, status))
}

func ref(modelID, sellerSKU string) sandbox.SKURef {
	id, _ := strconv.ParseInt(modelID, 10, 64)
	return sandbox.SKURef{ID: id, SellerSKU: sellerSKU}
}

func mapIfErr(err error) error {
	if err == nil {
		return nil
	}
	return mapErr(err)
}
