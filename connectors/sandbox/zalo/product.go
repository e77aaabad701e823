package zalo

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"

	"ocophub/connectors/sandbox"
)

// A Zalo product has exactly one SKU: the engine item holds one SKU whose
// seller SKU is the product's code.

// Product statuses: the words are the sandbox's choice.
const (
	statusShow = "show" // engine live
	statusHide = "hide" // engine inactive
)

// Paging of getproductofoa (our choice, like Zalo's v2.0 count limits).
const (
	defaultLimit = 10
	maxLimit     = 50
)

// Photo limits (Zalo's OA image upload: jpg or png, at most 1 MB).
const maxPhotoBytes = 1 << 20

// Extra keys: platform fields kept on the engine item as sent.
const (
	extraPackageSize = "package_size"
	extraCategories  = "categories"
	extraIndustry    = "industry"
)

// productView is a product as every Store API answer shows it.
type productView struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Code        string          `json:"code"`
	Price       int64           `json:"price"`
	Quantity    int64           `json:"quantity"`
	Description string          `json:"description"`
	Photos      []string        `json:"photos"`
	PackageSize json.RawMessage `json:"package_size,omitempty"`
	Categories  json.RawMessage `json:"categories,omitempty"`
	Industry    json.RawMessage `json:"industry,omitempty"`
	Status      string          `json:"status"`
	CreateTime  int64           `json:"create_time"` // unix ms
	UpdateTime  int64           `json:"update_time"` // unix ms
}

// productList is getproductofoa's and search's data.
type productList struct {
	Products []productView `json:"products"`
	Total    int           `json:"total"`
}

func toProductView(it sandbox.Item) productView {
	v := productView{ID: formatID(it.ID), Name: it.Name, Description: it.Description, Photos: it.Images,
		Status: statusShow, CreateTime: it.CreatedAt.UnixMilli(), UpdateTime: it.UpdatedAt.UnixMilli()}
	if v.Photos == nil {
		v.Photos = []string{}
	}
	if it.Status == sandbox.ItemInactive {
		v.Status = statusHide
	}
	if len(it.SKUs) > 0 {
		k := it.SKUs[0]
		v.Code, v.Price, v.Quantity = k.SellerSKU, k.Price, k.Stock
	}
	v.PackageSize, _ = it.Extra[extraPackageSize].(json.RawMessage)
	v.Categories, _ = it.Extra[extraCategories].(json.RawMessage)
	v.Industry, _ = it.Extra[extraIndustry].(json.RawMessage)
	return v
}

// productInput is the body of create and update; nil fields are absent.
type productInput struct {
	ID          flexString      `json:"id"`
	Name        *string         `json:"name"`
	Code        *string         `json:"code"`
	Price       *flexInt        `json:"price"`
	Quantity    *flexInt        `json:"quantity"`
	Description *string         `json:"description"`
	Photos      *[]flexString   `json:"photos"`
	PackageSize json.RawMessage `json:"package_size"`
	Categories  json.RawMessage `json:"categories"`
	Industry    json.RawMessage `json:"industry"`
	Status      *string         `json:"status"`
}

// itemStatus maps a status word; ok is false for an unknown word.
func itemStatus(s *string) (string, bool) {
	if s == nil {
		return "", true
	}
	switch *s {
	case statusShow:
		return sandbox.ItemLive, true
	case statusHide:
		return sandbox.ItemInactive, true
	}
	return "", false
}

func (in *productInput) photoIDs() []string {
	if in.Photos == nil {
		return nil
	}
	ids := make([]string, len(*in.Photos))
	for i, p := range *in.Photos {
		ids[i] = string(p)
	}
	return ids
}

// extras returns the platform fields present in the input, merged over old.
func (in *productInput) extras(old map[string]any) map[string]any {
	m := make(map[string]any, len(old)+3)
	for k, v := range old {
		m[k] = v
	}
	for k, raw := range map[string]json.RawMessage{extraPackageSize: in.PackageSize, extraCategories: in.Categories, extraIndustry: in.Industry} {
		if len(raw) > 0 {
			m[k] = append(json.RawMessage(nil), raw...)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// createProduct is POST /v2.0/store/product/create.
func (f *front) createProduct(w http.ResponseWriter, r *http.Request, oa int64) {
	var in productInput
	if !decodeBody(w, r, &in) {
		return
	}
	status, ok := itemStatus(in.Status)
	switch {
	case in.Name == nil || *in.Name == "":
		writeError(w, codeInvalidParam, "Parameter is invalid: name is required")
		return
	case in.Price == nil || *in.Price <= 0:
		writeError(w, codeInvalidParam, "Parameter is invalid: price must be a positive integer (VND)")
		return
	case in.Quantity != nil && *in.Quantity < 0:
		writeError(w, codeInvalidParam, "Parameter is invalid: quantity must not be negative")
		return
	case !ok:
		writeError(w, codeInvalidParam, "Parameter is invalid: status must be show or hide")
		return
	}
	if id, bad := f.unknownCategory(in.Categories); bad {
		writeError(w, codeInvalidParam, "Parameter is invalid: category "+id+" does not exist")
		return
	}
	sku := sandbox.NewSKU{Price: int64(*in.Price)}
	if in.Code != nil {
		sku.SellerSKU = *in.Code
	}
	if in.Quantity != nil {
		sku.Stock = int64(*in.Quantity)
	}
	item := sandbox.NewItem{Name: *in.Name, Status: status, Images: in.photoIDs(), Extra: in.extras(nil), SKUs: []sandbox.NewSKU{sku}}
	if in.Description != nil {
		item.Description = *in.Description
	}
	it, err := f.e.CreateItem(oa, item)
	if err != nil {
		writeEngineError(w, err, codeNoProduct)
		return
	}
	writeData(w, toProductView(it))
}

// updateProduct is POST /v2.0/store/product/update: the fields present
// change, all or none (one engine call). quantity is absolute. The code
// (seller SKU) cannot change.
func (f *front) updateProduct(w http.ResponseWriter, r *http.Request, oa int64) {
	var in productInput
	if !decodeBody(w, r, &in) {
		return
	}
	id, ok := parseID(in.ID)
	if !ok {
		writeError(w, codeInvalidParam, "Parameter is invalid: id is required")
		return
	}
	status, ok := itemStatus(in.Status)
	switch {
	case !ok:
		writeError(w, codeInvalidParam, "Parameter is invalid: status must be show or hide")
		return
	case in.Name != nil && *in.Name == "":
		writeError(w, codeInvalidParam, "Parameter is invalid: name must not be empty")
		return
	case in.Price != nil && *in.Price <= 0:
		writeError(w, codeInvalidParam, "Parameter is invalid: price must be a positive integer (VND)")
		return
	case in.Quantity != nil && *in.Quantity < 0:
		writeError(w, codeInvalidParam, "Parameter is invalid: quantity must not be negative")
		return
	}
	if id, bad := f.unknownCategory(in.Categories); bad {
		writeError(w, codeInvalidParam, "Parameter is invalid: category "+id+" does not exist")
		return
	}
	photos := in.photoIDs()
	for _, p := range photos {
		if !f.e.HasImage(p) {
			writeEngineError(w, sandbox.ErrImageUnknown, codeNoProduct)
			return
		}
	}
	hasExtras := len(in.PackageSize) > 0 || len(in.Categories) > 0 || len(in.Industry) > 0
	it, err := f.e.UpdateItem(oa, id, func(it *sandbox.Item) error {
		// The engine lock is held. Every check that can fail runs before
		// the first change, and ApplyStock changes nothing when it fails.
		if len(it.SKUs) == 0 {
			return sandbox.ErrNotFound
		}
		k := it.SKUs[0]
		if in.Code != nil && *in.Code != k.SellerSKU {
			return sandbox.Invalidf("code cannot be changed; remove the product and create it again")
		}
		if in.Quantity != nil {
			if err := f.e.ApplyStock(k, int64(*in.Quantity)); err != nil {
				return err
			}
		}
		if in.Name != nil {
			it.Name = *in.Name
		}
		if in.Description != nil {
			it.Description = *in.Description
		}
		if in.Photos != nil {
			it.Images = photos
		}
		if status != "" {
			it.Status = status
		}
		if hasExtras {
			it.Extra = in.extras(it.Extra) // a new map: clones handed out share the old one
		}
		if in.Price != nil {
			k.Price = int64(*in.Price)
		}
		return nil
	})
	if err != nil {
		writeEngineError(w, err, codeNoProduct)
		return
	}
	writeData(w, toProductView(it))
}

// removeProduct is POST /v2.0/store/product/remove {"id"}.
func (f *front) removeProduct(w http.ResponseWriter, r *http.Request, oa int64) {
	var in struct {
		ID flexString `json:"id"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	id, ok := parseID(in.ID)
	if !ok {
		writeError(w, codeInvalidParam, "Parameter is invalid: id is required")
		return
	}
	if err := f.e.DeleteItem(oa, id); err != nil {
		writeEngineError(w, err, codeNoProduct)
		return
	}
	writeData(w, map[string]string{"id": formatID(id)})
}

// getProduct is GET /v2.0/store/product/getproduct?id=.
func (f *front) getProduct(w http.ResponseWriter, r *http.Request, oa int64) {
	q, ok := readQuery(r)
	id, idOK := parseID(flexString(q.get("id")))
	if !ok || !idOK {
		writeError(w, codeInvalidParam, "Parameter is invalid: id is required")
		return
	}
	it, err := f.e.Item(oa, id)
	if err != nil {
		writeEngineError(w, err, codeNoProduct)
		return
	}
	writeData(w, toProductView(it))
}

// listProducts is GET /v2.0/store/product/getproductofoa?offset=&limit=,
// oldest product first; an offset past the end gives an empty page.
func (f *front) listProducts(w http.ResponseWriter, r *http.Request, oa int64) {
	offset, limit, ok := paging(w, r)
	if !ok {
		return
	}
	items, _, err := f.e.Items(oa, sandbox.ItemQuery{})
	if err != nil {
		writeEngineError(w, err, codeNoProduct)
		return
	}
	sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	total := len(items)
	items = items[min(offset, total):min(offset+limit, total)]
	out := productList{Products: make([]productView, len(items)), Total: total}
	for i, it := range items {
		out.Products[i] = toProductView(it)
	}
	writeData(w, out)
}

// searchProducts is GET /v2.0/store/product/search?code=: the product with
// that code (seller SKU), as a list of zero or one.
func (f *front) searchProducts(w http.ResponseWriter, r *http.Request, oa int64) {
	q, ok := readQuery(r)
	code := q.get("code")
	if !ok || code == "" {
		writeError(w, codeInvalidParam, "Parameter is invalid: code is required")
		return
	}
	out := productList{Products: []productView{}}
	it, _, err := f.e.ItemBySellerSKU(oa, code)
	switch {
	case err == nil:
		out.Products, out.Total = append(out.Products, toProductView(it)), 1
	case !errors.Is(err, sandbox.ErrNotFound):
		writeEngineError(w, err, codeNoProduct)
		return
	}
	writeData(w, out)
}

// uploadPhoto is POST /v2.0/store/upload/photo?upload_type=product with a
// multipart "file": a JPEG or PNG of at most 1 MB, answered with data.id.
func (f *front) uploadPhoto(w http.ResponseWriter, r *http.Request, oa int64) {
	if t := r.URL.Query().Get("upload_type"); t != "" && t != "product" {
		writeError(w, codeInvalidParam, "Parameter is invalid: upload_type must be product")
		return
	}
	if err := r.ParseMultipartForm(2 * maxPhotoBytes); err != nil {
		writeError(w, codeInvalidParam, "Parameter is invalid: the body must be multipart/form-data with a file")
		return
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		writeError(w, codeInvalidParam, "Parameter is invalid: file is required")
		return
	}
	defer file.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(file, maxPhotoBytes+1)); err != nil {
		writeError(w, codeInvalidParam, "Parameter is invalid: file cannot be read")
		return
	}
	switch {
	case buf.Len() > maxPhotoBytes:
		writeError(w, codeInvalidParam, "Parameter is invalid: photo is larger than 1 MB")
		return
	case buf.Len() == 0:
		writeError(w, codeInvalidParam, "Parameter is invalid: file is empty")
		return
	}
	if ct := http.DetectContentType(buf.Bytes()); ct != "image/jpeg" && ct != "image/png" {
		writeError(w, codeInvalidParam, "Parameter is invalid: photo must be JPEG or PNG, got "+ct)
		return
	}
	id, err := f.e.UploadImage(buf.Bytes())
	if err != nil {
		writeEngineError(w, err, codeNoProduct)
		return
	}
	writeData(w, map[string]string{"id": id})
}

// oaView is GET /v2.0/oa/getoa's data: who the token belongs to.
type oaView struct {
	OAID        string `json:"oa_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	IsVerified  bool   `json:"is_verified"`
	CreateTime  int64  `json:"create_time,omitempty"`
}

// getOA is GET /v2.0/oa/getoa: the OA (shop) of the access token, so a
// driver can learn its OA id from a token.
func (f *front) getOA(w http.ResponseWriter, r *http.Request, oa int64) {
	for _, s := range f.e.ShopViews() {
		if s.ID == oa {
			writeData(w, oaView{OAID: formatID(s.ID), Name: s.Name, Description: "Sandbox OA (" + s.Region + ")", IsVerified: true})
			return
		}
	}
	writeError(w, codeInvalidToken, "Access token is invalid")
}

// paging reads offset and limit; on a bad value it answers and reports
// false.
func paging(w http.ResponseWriter, r *http.Request) (offset, limit int, ok bool) {
	q, ok := readQuery(r)
	off, offOK := q.int("offset", 0)
	lim, limOK := q.int("limit", defaultLimit)
	if s := q.get("count"); s != "" && q.get("limit") == "" {
		lim, limOK = q.int("count", defaultLimit) // the v2.0 OA APIs call it count
	}
	switch {
	case !ok || !offOK || !limOK || off < 0 || lim <= 0:
		writeError(w, codeInvalidParam, "Parameter is invalid: offset must be ≥ 0 and limit > 0")
		return 0, 0, false
	case lim > maxLimit:
		writeError(w, codeOverLimit, "Parameter exceeds the allowed limit: limit must be at most 50")
		return 0, 0, false
	}
	return int(min(off, 1<<31)), int(lim), true
}
