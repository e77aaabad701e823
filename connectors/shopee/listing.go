package shopee

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"ocophub/connectors/driver"
)

const (
	pathUploadImage  = "/api/v2/media_space/upload_image"
	pathAddItem      = "/api/v2/product/add_item"
	pathInitTier     = "/api/v2/product/init_tier_variation"
	pathUpdateItem   = "/api/v2/product/update_item"
	pathDeleteItem   = "/api/v2/product/delete_item"
	pathUnlistItem   = "/api/v2/product/unlist_item"
	pathSearchItem   = "/api/v2/product/search_item"
	pathItemBaseInfo = "/api/v2/product/get_item_base_info"
	pathModelList    = "/api/v2/product/get_model_list"
)

// tierName is the one variation tier of a listing with several variants
// ("Quy cách": the Vietnamese seller's word for pack size or grade).
const tierName = "Quy cách"

// noModel is the ModelID of the one variant of an item without models:
// Shopee's model_id 0, which update_stock and update_price take.
const noModel = "0"

// UploadImage is media_space/upload_image (public signature, multipart
// field "image", JPG/PNG ≤ 10 MB) and returns the image_id listings use.
func (d *Driver) UploadImage(ctx context.Context, name string, data []byte) (string, error) {
	if name == "" {
		name = "image.jpg"
	}
	var out struct {
		ImageInfo struct {
			ImageID string `json:"image_id"`
		} `json:"image_info"`
	}
	r := request{method: http.MethodPost, path: pathUploadImage, public: true, image: data, imageName: name}
	if err := d.send(ctx, r, &out); err != nil {
		return "", err
	}
	if out.ImageInfo.ImageID == "" {
		return "", driver.Errorf(driver.CodeInternal, "", "upload_image answered without image_id")
	}
	return out.ImageInfo.ImageID, nil
}

// itemBody is the add_item / update_item body.
type itemBody struct {
	ItemID        int64        `json:"item_id,omitempty"`
	ItemName      string       `json:"item_name,omitempty"`
	Description   string       `json:"description,omitempty"`
	OriginalPrice int64        `json:"original_price,omitempty"`
	Weight        float64      `json:"weight,omitempty"` // kg
	Dimension     *dimension   `json:"dimension,omitempty"`
	CategoryID    int64        `json:"category_id,omitempty"`
	Image         *imageList   `json:"image,omitempty"`
	LogisticInfo  []logistic   `json:"logistic_info,omitempty"`
	ItemSKU       string       `json:"item_sku,omitempty"`
	ItemStatus    string       `json:"item_status,omitempty"`
	SellerStock   []stockValue `json:"seller_stock,omitempty"`
	Condition     string       `json:"condition,omitempty"`
	Brand         *brand       `json:"brand,omitempty"`
	AttributeList []attribute  `json:"attribute_list,omitempty"`
	GTINCode      string       `json:"gtin_code,omitempty"`
}

type (
	dimension struct {
		PackageLength int `json:"package_length"`
		PackageWidth  int `json:"package_width"`
		PackageHeight int `json:"package_height"`
	}
	imageList struct {
		ImageIDList []string `json:"image_id_list"`
	}
	logistic struct {
		LogisticID int64 `json:"logistic_id"`
		Enabled    bool  `json:"enabled"`
	}
	brand struct {
		BrandID           int64  `json:"brand_id"`
		OriginalBrandName string `json:"original_brand_name"`
	}
	attribute struct {
		AttributeID        int64            `json:"attribute_id"`
		AttributeValueList []attributeValue `json:"attribute_value_list"`
	}
	attributeValue struct {
		ValueID           int64  `json:"value_id"`
		OriginalValueName string `json:"original_value_name"`
	}
)

// kg is Shopee's weight unit.
func kg(grams int) float64 { return float64(grams) / 1000 }

// cm rounds millimetres up to whole centimetres (Shopee's dimension unit).
func cm(mm int) int { return (mm + 9) / 10 }

func dimensionOf(v driver.Variant) *dimension {
	if v.LengthMM <= 0 || v.WidthMM <= 0 || v.HeightMM <= 0 {
		return nil
	}
	return &dimension{PackageLength: cm(v.LengthMM), PackageWidth: cm(v.WidthMM), PackageHeight: cm(v.HeightMM)}
}

func itemStatus(active bool) string {
	if active {
		return "NORMAL"
	}
	return "UNLIST"
}

// category parses a listing's category id: the hub always names one
// (its chosen or suggested category), Shopee refuses an item without.
func (d *Driver) category(s string) (int64, error) {
	if s == "" {
		return 0, driver.Errorf(driver.CodeInvalidArgument, "", "a listing needs a Shopee category")
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, driver.Errorf(driver.CodeInvalidArgument, "", "category id %q is not a Shopee category id", s)
	}
	return id, nil
}

// content fills the fields add_item and update_item share. Brand goes as
// Shopee's "No brand" id 0 with the name; Attributes whose key is a Shopee
// attribute_id (a number) go as free-text values, other keys are not
// Shopee's and are left out.
func content(b *itemBody, l driver.Listing) {
	b.ItemName, b.Description = l.Title, l.Description
	if len(l.Images) > 0 {
		b.Image = &imageList{ImageIDList: l.Images}
	}
	name := l.Brand
	if name == "" {
		name = l.Attributes[brandAttribute]
	}
	if name != "" {
		b.Brand = &brand{OriginalBrandName: name}
	}
	keys := make([]string, 0, len(l.Attributes))
	for k := range l.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if id, err := strconv.ParseInt(k, 10, 64); err == nil && id > 0 {
			b.AttributeList = append(b.AttributeList, attribute{AttributeID: id,
				AttributeValueList: []attributeValue{{OriginalValueName: l.Attributes[k]}}})
		}
	}
}

// CreateListing is add_item, then — for more than one variant —
// init_tier_variation with one tier (tierName) whose options are the
// variant names and one model per variant. A single variant is an item
// without models: its seller SKU is the item_sku and its ModelID noModel.
//
// Several variants are created as safely as Shopee allows. add_item makes
// the item UNLISTED with stock 0 and the first variant's seller SKU as its
// item_sku, so that FindBySellerSKU finds it even before it has models: an
// add_item that timed out after it went through is found, not made twice
// (the driver looks right away and carries on with the item it finds).
// init_tier_variation then gives it its models and their stock, and only
// then is it listed (unlist_item false) if l.Active. If the variants are
// refused (a model_sku already used is CodeAlreadyExists), the new item is
// deleted before the error is returned, so a retry starts clean. If even
// the delete fails, the error's message names the item left behind.
func (d *Driver) CreateListing(ctx context.Context, l driver.Listing) (driver.Listing, error) {
	if len(l.Variants) == 0 {
		return driver.Listing{}, driver.Errorf(driver.CodeInvalidArgument, "", "a listing needs at least one variant")
	}
	categoryID, err := d.category(l.CategoryID)
	if err != nil {
		return driver.Listing{}, err
	}
	first := l.Variants[0]
	single := len(l.Variants) == 1
	body := itemBody{OriginalPrice: first.Price, Weight: kg(first.WeightG), Dimension: dimensionOf(first),
		CategoryID: categoryID, LogisticInfo: []logistic{{LogisticID: d.cfg.LogisticID, Enabled: true}},
		ItemStatus: itemStatus(l.Active), SellerStock: []stockValue{{Stock: first.Stock}}, Condition: "NEW",
		ItemSKU: first.SellerSKU}
	content(&body, l)
	if single {
		body.GTINCode = first.GTIN
	} else {
		// Not buyable until its models (and their stock) exist.
		body.ItemStatus, body.SellerStock = itemStatus(false), []stockValue{{Stock: 0}}
	}
	o := d.op()
	var added struct {
		ItemID int64 `json:"item_id"`
	}
	var models map[string]string // set when an earlier attempt already made them
	if l.ItemID != "" {
		// The Channel found an earlier attempt's unfinished item of this
		// listing: carry on with it (never a second add_item).
		found, ok, lerr := d.earlierItem(ctx, o, l)
		if lerr != nil {
			return driver.Listing{}, lerr
		}
		if !ok || found.ItemID != l.ItemID {
			return driver.Listing{}, driver.Errorf(driver.CodeFailedPrecondition, "",
				"item %s is not an unfinished item of this listing any more; look it up again", l.ItemID)
		}
		added.ItemID, models = resumeFrom(found)
	} else if err := o.do(ctx, post(pathAddItem, body), &added); err != nil {
		if code := driver.CodeOf(err); single || code != driver.CodeUnavailable && code != driver.CodeAlreadyExists {
			return driver.Listing{}, err
		}
		// The add_item may have gone through (a timeout), or an earlier
		// attempt's did and stopped after it (already_exists): carry on
		// with that item, bare or already given its models.
		found, ok, lerr := d.earlierItem(ctx, o, l)
		switch {
		case lerr != nil:
			// The lookup was throttled or failed: a later attempt looks
			// again (never creates blind).
			return driver.Listing{}, lerr
		case !ok:
			return driver.Listing{}, err
		}
		added.ItemID, models = resumeFrom(found)
	}
	out := l
	out.ItemID = strconv.FormatInt(added.ItemID, 10)
	out.CategoryID = strconv.FormatInt(categoryID, 10)
	out.Variants = append([]driver.Variant(nil), l.Variants...)
	if single {
		out.Variants[0].ModelID = noModel
		return out, nil
	}
	if models == nil {
		var err error
		models, err = d.initTierVariation(ctx, o, added.ItemID, l.Variants)
		if code := driver.CodeOf(err); code == driver.CodeResourceExhausted || code == driver.CodeUnavailable || code == driver.CodeUnauthenticated {
			// Worth another try: the item stays bare and unlisted, and the
			// retry's add_item (already_exists) carries on with it.
			return driver.Listing{}, err
		}
		if err != nil {
			// Refused (a model SKU taken…): remove the bare item so a fixed
			// retry starts clean. WithoutCancel: a caller that gave up
			// still should not be left with half an item.
			if derr := o.do(context.WithoutCancel(ctx), post(pathDeleteItem, map[string]int64{"item_id": added.ItemID}), nil); derr != nil {
				return driver.Listing{}, leftBehind(err, added.ItemID, derr)
			}
			return driver.Listing{}, err
		}
	}
	for i := range out.Variants {
		out.Variants[i].ModelID = models[out.Variants[i].SellerSKU]
	}
	if l.Active {
		if err := d.setActive(ctx, o, added.ItemID, true); err != nil {
			// The item is complete but unlisted: the next attempt's
			// add_item (already_exists) finds it and lists it.
			return driver.Listing{}, err
		}
	}
	return out, nil
}

// resumeFrom is an earlier attempt's item: its id, and its models when
// it has them already (nil when bare).
func resumeFrom(found driver.Listing) (int64, map[string]string) {
	id, _ := strconv.ParseInt(found.ItemID, 10, 64)
	if len(found.Variants) == 1 && found.Variants[0].ModelID == noModel {
		return id, nil
	}
	models := make(map[string]string, len(found.Variants))
	for _, v := range found.Variants {
		models[v.SellerSKU] = v.ModelID
	}
	return id, models
}

// earlierItem looks for the item an earlier add_item of l made: unlisted,
// item_sku the first seller SKU, the same title, and either bare (no
// models yet) or holding exactly l's variants. A lookup that failed in a
// way worth retrying (throttled, unavailable) is that error; anything else
// holding the SKU is "not found", and the caller returns the add_item's
// error.
func (d *Driver) earlierItem(ctx context.Context, o *op, l driver.Listing) (driver.Listing, bool, error) {
	found, err := d.find(ctx, o, l.Variants[0].SellerSKU)
	if driver.Transient(err) {
		return driver.Listing{}, false, err
	}
	if err != nil || found.Active || found.Title != l.Title || len(found.Variants) == 0 {
		return driver.Listing{}, false, nil
	}
	bare := len(found.Variants) == 1 && found.Variants[0].ModelID == noModel
	whole := len(found.Variants) == len(l.Variants)
	for _, v := range l.Variants {
		whole = whole && slices.ContainsFunc(found.Variants, func(f driver.Variant) bool { return f.SellerSKU == v.SellerSKU && f.ModelID != "" })
	}
	return found, bare || whole, nil
}

// leftBehind adds to err that item could not be removed after a failure.
func leftBehind(err error, itemID int64, cause error) error {
	de, ok := err.(*driver.Error)
	if !ok {
		return fmt.Errorf("%w (item %d was created without its variants and could not be removed: %v)", err, itemID, cause)
	}
	cp := *de
	cp.Message = fmt.Sprintf("%s (item %d was created without its variants and could not be removed: %v)", de.Message, itemID, cause)
	return &cp
}

// initTierVariation gives item one model per variant and returns their
// model ids by seller SKU.
func (d *Driver) initTierVariation(ctx context.Context, o *op, itemID int64, variants []driver.Variant) (map[string]string, error) {
	type model struct {
		TierIndex     []int        `json:"tier_index"`
		ModelSKU      string       `json:"model_sku"`
		OriginalPrice int64        `json:"original_price"`
		SellerStock   []stockValue `json:"seller_stock"`
		Weight        float64      `json:"weight,omitempty"`
		GTINCode      string       `json:"gtin_code,omitempty"`
	}
	body := struct {
		ItemID        int64   `json:"item_id"`
		TierVariation []tier  `json:"tier_variation"`
		Model         []model `json:"model"`
	}{ItemID: itemID, TierVariation: []tier{{Name: tierName}}}
	used := make(map[string]bool, len(variants))
	for i, v := range variants {
		// Options must be non-empty and distinct: fall back to the SKU.
		name := strings.TrimSpace(v.Name)
		if name == "" || used[name] {
			name = v.SellerSKU
		}
		used[name] = true
		body.TierVariation[0].OptionList = append(body.TierVariation[0].OptionList, tierOption{Option: name})
		body.Model = append(body.Model, model{TierIndex: []int{i}, ModelSKU: v.SellerSKU, OriginalPrice: v.Price,
			SellerStock: []stockValue{{Stock: v.Stock}}, Weight: kg(v.WeightG), GTINCode: v.GTIN})
	}
	var out struct {
		Model []struct {
			ModelID  int64  `json:"model_id"`
			ModelSKU string `json:"model_sku"`
		} `json:"model"`
	}
	if err := o.do(ctx, post(pathInitTier, body), &out); err != nil {
		return nil, err
	}
	ids := make(map[string]string, len(out.Model))
	for _, m := range out.Model {
		ids[m.ModelSKU] = strconv.FormatInt(m.ModelID, 10)
	}
	for _, v := range variants {
		if ids[v.SellerSKU] == "" {
			return nil, driver.Errorf(driver.CodeInternal, "", "init_tier_variation answered without a model for %s", v.SellerSKU)
		}
	}
	return ids, nil
}

// UpdateListing is update_item with the listing's content: title,
// description, category, brand, attributes and images (those given).
func (d *Driver) UpdateListing(ctx context.Context, l driver.Listing) error {
	itemID, err := parseID("item", l.ItemID)
	if err != nil {
		return err
	}
	body := itemBody{ItemID: itemID}
	content(&body, l)
	if l.CategoryID != "" {
		if body.CategoryID, err = d.category(l.CategoryID); err != nil {
			return err
		}
	}
	return d.send(ctx, post(pathUpdateItem, body), nil)
}

// parseID reads one of Shopee's numeric ids.
func parseID(what, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return 0, driver.Errorf(driver.CodeInvalidArgument, "", "%s id %q is not a Shopee id", what, s)
	}
	return id, nil
}

// SetActive is unlist_item: active lists the item (unlist false), inactive
// delists it.
func (d *Driver) SetActive(ctx context.Context, itemID string, active bool) error {
	id, err := parseID("item", itemID)
	if err != nil {
		return err
	}
	return d.setActive(ctx, d.op(), id, active)
}

func (d *Driver) setActive(ctx context.Context, o *op, id int64, active bool) error {
	type entry struct {
		ItemID int64 `json:"item_id"`
		Unlist bool  `json:"unlist"`
	}
	body := map[string][]entry{"item_list": {{ItemID: id, Unlist: !active}}}
	var out struct {
		requestID
		FailureList []failureEntry `json:"failure_list"`
	}
	if err := o.do(ctx, post(pathUnlistItem, body), &out); err != nil {
		return err
	}
	if reason, failed := failures(out.FailureList, true)[id]; failed {
		return failure("unlist_item", reason, out.id)
	}
	return nil
}

// itemInfo is one item of get_item_base_info.
type itemInfo struct {
	ItemID      int64  `json:"item_id"`
	ItemName    string `json:"item_name"`
	Description string `json:"description"`
	CategoryID  int64  `json:"category_id"`
	ItemSKU     string `json:"item_sku"`
	ItemStatus  string `json:"item_status"`
	HasModel    bool   `json:"has_model"`
	GTINCode    string `json:"gtin_code"`
	Image       struct {
		ImageIDList []string `json:"image_id_list"`
	} `json:"image"`
	PriceInfo   []priceInfo `json:"price_info"`
	StockInfoV2 stockInfo   `json:"stock_info_v2"`
	Weight      number      `json:"weight"`
	Dimension   struct {
		PackageLength number `json:"package_length"`
		PackageWidth  number `json:"package_width"`
		PackageHeight number `json:"package_height"`
	} `json:"dimension"`
	Brand struct {
		OriginalBrandName string `json:"original_brand_name"`
	} `json:"brand"`
	AttributeList []struct {
		AttributeID        int64 `json:"attribute_id"`
		AttributeValueList []struct {
			OriginalValueName string `json:"original_value_name"`
		} `json:"attribute_value_list"`
	} `json:"attribute_list"`
}

// modelList is get_model_list.
type modelList struct {
	TierVariation []tier `json:"tier_variation"`
	Model         []struct {
		ModelID     int64       `json:"model_id"`
		TierIndex   []int       `json:"tier_index"`
		ModelSKU    string      `json:"model_sku"`
		PriceInfo   []priceInfo `json:"price_info"`
		StockInfoV2 stockInfo   `json:"stock_info_v2"`
		Weight      number      `json:"weight"`
		GTINCode    string      `json:"gtin_code"`
	} `json:"model"`
}

func (m modelList) has(sku string) bool {
	for _, x := range m.Model {
		if x.ModelSKU == sku {
			return true
		}
	}
	return false
}

// FindBySellerSKU is search_item by item_sku, then get_item_base_info of
// the hits and get_model_list of an item with models, page after page. A
// hit counts only if its item_sku or one of its model_sku equals sellerSKU
// exactly (Shopee's search may match more loosely).
func (d *Driver) FindBySellerSKU(ctx context.Context, sellerSKU string) (driver.Listing, error) {
	return d.find(ctx, d.op(), sellerSKU)
}

func (d *Driver) find(ctx context.Context, o *op, sku string) (driver.Listing, error) {
	// Pages are read until the exact SKU is found: Shopee's search may
	// match more loosely, so the item may be on a later page.
	offset := 0
	for {
		q := url.Values{"item_sku": {sku}, "offset": {strconv.Itoa(offset)}, "page_size": {strconv.Itoa(searchPage)},
			"item_status": {"NORMAL", "UNLIST"}}
		var hits struct {
			ItemIDList []int64 `json:"item_id_list"`
			NextOffset number  `json:"next_offset"` // a string, "" on the last page
		}
		if err := o.do(ctx, get(pathSearchItem, q), &hits); err != nil {
			return driver.Listing{}, err
		}
		if l, ok, err := d.matchSKU(ctx, o, hits.ItemIDList, sku); err != nil || ok {
			return l, err
		}
		next := int(hits.NextOffset)
		if len(hits.ItemIDList) == 0 || next <= offset {
			return driver.Listing{}, driver.Errorf(driver.CodeNotFound, "", "no listing has seller SKU %q", sku)
		}
		offset = next
	}
}

// searchPage is the page size of search_item: also the most ids
// get_item_base_info takes at once.
const searchPage = 50

// matchSKU reads the items of one search page and returns the one whose
// item_sku or a model_sku is sku exactly, if any. An item without models
// matches on its item_sku first; an item with models (whose item_sku, when
// set, is its first variant's seller SKU) on its models or its item_sku.
func (d *Driver) matchSKU(ctx context.Context, o *op, itemIDs []int64, sku string) (driver.Listing, bool, error) {
	if len(itemIDs) == 0 {
		return driver.Listing{}, false, nil
	}
	items, err := d.getItemBaseInfo(ctx, o, itemIDs)
	if err != nil {
		return driver.Listing{}, false, err
	}
	for _, it := range items {
		if !it.HasModel && it.ItemSKU == sku {
			return listingOf(it, modelList{}), true, nil
		}
	}
	for _, it := range items {
		if !it.HasModel {
			continue
		}
		models, err := d.getModelList(ctx, o, it.ItemID)
		if err != nil {
			return driver.Listing{}, false, err
		}
		if models.has(sku) || it.ItemSKU == sku {
			return listingOf(it, models), true, nil
		}
	}
	return driver.Listing{}, false, nil
}

// getItemBaseInfo is get_item_base_info of at most searchPage items: one
// call. Shopee leaves unknown ids out of item_list.
func (d *Driver) getItemBaseInfo(ctx context.Context, o *op, itemIDs []int64) ([]itemInfo, error) {
	ids := make([]string, len(itemIDs))
	for i, id := range itemIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	var base struct {
		ItemList []itemInfo `json:"item_list"`
	}
	err := o.do(ctx, get(pathItemBaseInfo, url.Values{"item_id_list": {strings.Join(ids, ",")}}), &base)
	return base.ItemList, err
}

// getModelList is get_model_list of one item: one call.
func (d *Driver) getModelList(ctx context.Context, o *op, itemID int64) (modelList, error) {
	var models modelList
	err := o.do(ctx, get(pathModelList, url.Values{"item_id": {strconv.FormatInt(itemID, 10)}}), &models)
	return models, err
}

// listingOf is an item in the hub's terms.
func listingOf(it itemInfo, models modelList) driver.Listing {
	l := driver.Listing{ItemID: strconv.FormatInt(it.ItemID, 10), Title: it.ItemName, Description: it.Description,
		Brand: it.Brand.OriginalBrandName, Images: it.Image.ImageIDList, Active: it.ItemStatus == "NORMAL"}
	if it.CategoryID != 0 {
		l.CategoryID = strconv.FormatInt(it.CategoryID, 10)
	}
	for _, a := range it.AttributeList {
		var values []string
		for _, v := range a.AttributeValueList {
			values = append(values, v.OriginalValueName)
		}
		if l.Attributes == nil {
			l.Attributes = map[string]string{}
		}
		l.Attributes[strconv.FormatInt(a.AttributeID, 10)] = strings.Join(values, ",")
	}
	weight := int(float64(it.Weight)*1000 + 0.5)
	mm := func(n number) int { return int(float64(n) * 10) }
	dim := func(v *driver.Variant) {
		v.WeightG, v.LengthMM, v.WidthMM, v.HeightMM = weight, mm(it.Dimension.PackageLength), mm(it.Dimension.PackageWidth), mm(it.Dimension.PackageHeight)
	}
	if !it.HasModel {
		v := driver.Variant{ModelID: noModel, SellerSKU: it.ItemSKU, Price: priceOf(it.PriceInfo), GTIN: it.GTINCode}
		v.Stock, v.Reserved = stockOf(it.StockInfoV2)
		dim(&v)
		l.Variants = []driver.Variant{v}
		return l
	}
	for _, m := range models.Model {
		v := driver.Variant{ModelID: strconv.FormatInt(m.ModelID, 10), SellerSKU: m.ModelSKU,
			Name: optionName(models.TierVariation, m.TierIndex), Price: priceOf(m.PriceInfo), GTIN: m.GTINCode}
		v.Stock, v.Reserved = stockOf(m.StockInfoV2)
		dim(&v)
		if m.Weight > 0 {
			v.WeightG = int(float64(m.Weight)*1000 + 0.5)
		}
		l.Variants = append(l.Variants, v)
	}
	return l
}

// optionName joins a model's option names ("Hộp 100g", "Đỏ,XL").
func optionName(tiers []tier, index []int) string {
	var parts []string
	for level, i := range index {
		if level < len(tiers) && i >= 0 && i < len(tiers[level].OptionList) {
			parts = append(parts, tiers[level].OptionList[i].Option)
		}
	}
	return strings.Join(parts, ",")
}
