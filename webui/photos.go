package webui

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/api"
	"ocophub/catalog"
	"ocophub/catalog/photo"
)

// photosView is the product page's photo section (templates/_photos.html).
type photosView struct {
	ProductID int64
	Images    []photoView
	Variants  []catalog.Variant
	// Error is the refusal of the last upload without JavaScript, shown
	// beside the file field.
	Error                              string
	MaxBytes, MaxMB, MaxCount, MinSide int
}

type photoView struct {
	catalog.ProductImage
	Thumb, Original string
	Variant         string // the variant's name when it is its own photo
	First, Last     bool
}

// photos builds the photo section of product pr.
func (ui *UI) photos(ctx context.Context, p *page, pr catalog.Product) (*photosView, error) {
	images, err := ui.d.Store.ProductImages(ctx, pr.ID)
	if err != nil {
		return nil, err
	}
	v := &photosView{ProductID: pr.ID, Variants: pr.Variants, MaxBytes: photo.MaxBytes, MaxMB: photo.MaxBytes >> 20,
		MaxCount: catalog.MaxProductImages, MinSide: photo.MinSide}
	names := map[int64]string{}
	for _, vr := range pr.Variants {
		names[vr.ID] = vr.Name.In(p.Lang)
	}
	for i, im := range images {
		pv := photoView{ProductImage: im, Thumb: api.MediaPath + im.ThumbKey, Original: api.MediaPath + im.OriginalKey,
			First: i == 0, Last: i == len(images)-1}
		if im.VariantID != nil {
			pv.Variant = names[*im.VariantID]
		}
		v.Images = append(v.Images, pv)
	}
	return v, nil
}

// coverURLs are the thumbnails of the products' covers, by product id.
func (ui *UI) coverURLs(ctx context.Context, products []catalog.Product) map[int64]string {
	ids := make([]int64, len(products))
	for i, p := range products {
		ids[i] = p.ID
	}
	covers, err := ui.d.Store.CoverImages(ctx, ids)
	out := map[int64]string{}
	if err != nil {
		ui.d.Logger.WarnContext(ctx, "cover photos", "err", err) // a list without pictures still works
		return out
	}
	for id, im := range covers {
		out[id] = api.MediaPath + im.ThumbKey
	}
	return out
}

// photoUpload is POST /products/:id/photos: the multipart field file (one
// or several) and variant_id, all or none. The page's script sends it with
// Accept: application/json and shows progress; the answer's message is
// shown beside the field. Without the script the form posts itself and
// the page comes back with the message.
func (ui *UI) photoUpload(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		ui.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if ui.d.Photos == nil {
		ui.fail(c, catalog.Errorf(catalog.CodeUnavailable, "no photo storage"))
		return
	}
	uploads, err := api.ReadPhotoUploads(c.Request)
	if err == nil {
		_, err = ui.d.Photos.AddToProduct(ctx, ui.d.Store, id, uploads)
	}
	json := strings.Contains(c.GetHeader("Accept"), "application/json")
	if err == nil {
		if json {
			c.JSON(http.StatusCreated, gin.H{"added": len(uploads)})
			return
		}
		c.Redirect(http.StatusSeeOther, "/products/"+strconv.FormatInt(id, 10)+"?ok=photos_added#photos")
		return
	}
	p := ui.newPage(c, "products", "product.title", nil)
	msg := photoRefusal(p, err, uploads)
	status := api.HTTPStatus(err)
	if json {
		c.JSON(status, gin.H{"message": msg, "reason": photo.Reason(err)})
		return
	}
	if catalog.ErrorCode(err) == catalog.CodeNotFound {
		ui.fail(c, err)
		return
	}
	ui.showProductWith(c, id, status, productData{PhotoError: msg})
}

// photoRefusal is the Vietnamese (or English) message of a refused upload,
// naming the file.
func photoRefusal(p *page, err error, uploads []photo.Upload) string {
	var ce *catalog.Error
	if !errors.As(err, &ce) || ce.Code != catalog.CodeInvalidArgument || ce.Fields["file"] == "" {
		if catalog.ErrorCode(err) == "payload_too_large" {
			return p.T("photo.error.request_too_large", "MB", api.MaxPhotoBody>>20)
		}
		return errorMessage(p, err)
	}
	name := ""
	for i, u := range uploads {
		if _, ok := ce.Fields["files["+strconv.Itoa(i)+"]"]; ok || len(uploads) == 1 {
			name = u.Name
			break
		}
	}
	id := "photo.error." + ce.Fields["file"]
	if ce.Fields["file"] == photo.ReasonEmpty && name == "" {
		id = "photo.error.no_file"
	}
	if p.known(id) == "" {
		return errorMessage(p, err)
	}
	msg := p.T(id, "MB", photo.MaxBytes>>20, "PX", photo.MinSide, "N", catalog.MaxProductImages)
	return strings.ReplaceAll(msg, "{name}", name)
}

// photoMove is POST /products/:id/photos/:image/move with dir=up|down: a
// phone's way to reorder (the first photo is the cover).
func (ui *UI) photoMove(c *gin.Context) {
	id, imageID, ok := ui.photoPath(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	images, err := ui.d.Store.ProductImages(ctx, id)
	if err != nil {
		ui.fail(c, err)
		return
	}
	ids := make([]int64, len(images))
	at := -1
	for i, im := range images {
		ids[i] = im.ID
		if im.ID == imageID {
			at = i
		}
	}
	to := at - 1
	if c.PostForm("dir") == "down" {
		to = at + 1
	}
	if at < 0 || to < 0 || to >= len(ids) {
		c.Redirect(http.StatusSeeOther, "/products/"+strconv.FormatInt(id, 10)+"#photos")
		return
	}
	ids[at], ids[to] = ids[to], ids[at]
	if _, err := ui.d.Store.ReorderProductImages(ctx, id, ids); err != nil {
		ui.fail(c, err)
		return
	}
	ui.wake()
	c.Redirect(http.StatusSeeOther, "/products/"+strconv.FormatInt(id, 10)+"?ok=photos_reordered#photos")
}

// photoDelete is POST /products/:id/photos/:image/delete.
func (ui *UI) photoDelete(c *gin.Context) {
	id, imageID, ok := ui.photoPath(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	img, shared, err := ui.d.Store.DeleteProductImage(ctx, id, imageID)
	if err != nil {
		ui.fail(c, err)
		return
	}
	if !shared && ui.d.Photos != nil {
		_ = ui.d.Photos.Delete(ctx, img.OriginalKey, img.ThumbKey, img.SquareKey) // an orphan file is harmless
	}
	ui.wake()
	c.Redirect(http.StatusSeeOther, "/products/"+strconv.FormatInt(id, 10)+"?ok=photo_deleted#photos")
}

func (ui *UI) photoPath(c *gin.Context) (productID, imageID int64, ok bool) {
	productID, err := pathID(c, "id")
	if err == nil {
		imageID, err = pathID(c, "image")
	}
	if err != nil {
		ui.fail(c, err)
		return 0, 0, false
	}
	return productID, imageID, true
}

// wake tells the worker a gallery changed (its product.changed event).
func (ui *UI) wake() {
	if ui.d.Wake != nil {
		ui.d.Wake()
	}
}
