package api

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
	"ocophub/catalog/photo"
)

// PhotoStore is the store's side of product galleries (catalog/store).
type PhotoStore interface {
	photo.Gallery
	ProductImages(ctx context.Context, productID int64) ([]catalog.ProductImage, error)
	ReorderProductImages(ctx context.Context, productID int64, ids []int64) ([]catalog.ProductImage, error)
	DeleteProductImage(ctx context.Context, productID, imageID int64) (catalog.ProductImage, bool, error)
}

// PhotoDeps serves product photos: the gallery routes and the files
// (/media/{key}).
type PhotoDeps struct {
	Store   PhotoStore
	Library *photo.Library
}

// MediaPath is where stored photo files are served: /media/{key}.
const MediaPath = "/media/"

// ImageURLs are the served URLs of an image's files.
type ImageURLs struct {
	Original string `json:"original"`
	Thumb    string `json:"thumb"`
	Square   string `json:"square"`
}

// Image is a gallery image as the API shows it.
type Image struct {
	ID        int64     `json:"id"`
	ProductID int64     `json:"product_id"`
	VariantID *int64    `json:"variant_id"`
	Position  int       `json:"position"`
	Width     int       `json:"width"`
	Height    int       `json:"height"`
	Bytes     int64     `json:"bytes"`
	SHA256    string    `json:"sha256"`
	URLs      ImageURLs `json:"urls"`
}

// ImageOf is the API view of a stored image.
func ImageOf(im catalog.ProductImage) Image {
	return Image{ID: im.ID, ProductID: im.ProductID, VariantID: im.VariantID, Position: im.Position, Width: im.Width,
		Height: im.Height, Bytes: im.Bytes, SHA256: im.SHA256,
		URLs: ImageURLs{Original: MediaPath + im.OriginalKey, Thumb: MediaPath + im.ThumbKey, Square: MediaPath + im.SquareKey}}
}

type photoHandlers struct{ PhotoDeps }

func (h photoHandlers) routes(small, v1 *gin.RouterGroup, root *gin.Engine) {
	v1.POST("/products/:id/images", holdConnection(ImportTimeout), h.upload)
	small.GET("/products/:id/images", h.list)
	small.PUT("/products/:id/images/order", h.reorder)
	small.DELETE("/products/:id/images/:image_id", h.remove)
	serve := func(c *gin.Context) { h.Library.Serve(c.Writer, c.Request, c.Param("key")) }
	root.GET(MediaPath+":key", serve)
	root.HEAD(MediaPath+":key", serve)
}

// upload adds the multipart field `file` (one or several) to the product's
// gallery, optionally as the photo of `variant_id`: all or none. One file
// answers its image; several answer {"items": [...]}.
func (h photoHandlers) upload(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	uploads, err := ReadPhotoUploads(c.Request)
	if err != nil {
		abortWithError(c, err)
		return
	}
	added, err := h.Library.AddToProduct(c.Request.Context(), h.Store, id, uploads)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if len(added) == 1 {
		c.JSON(http.StatusCreated, ImageOf(added[0]))
		return
	}
	c.JSON(http.StatusCreated, gin.H{"items": imagesOf(added)})
}

// ReadPhotoUploads reads the files of the multipart field "file" and the
// optional variant_id (the API's upload and the web UI's photo form).
func ReadPhotoUploads(r *http.Request) ([]photo.Upload, error) {
	if !isForm(r) {
		return nil, &catalog.Error{Code: codeUnsupportedMedia, Message: "send multipart/form-data with the field file"}
	}
	if err := r.ParseMultipartForm(formMemory); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) || errors.Is(err, multipart.ErrMessageTooLarge) {
			return nil, errTooLarge(MaxPhotoBody)
		}
		return nil, invalid("file", "the body is not a readable multipart form")
	}
	var variantID *int64
	if v := r.FormValue("variant_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return nil, invalid("variant_id", "variant_id must be a positive whole number")
		}
		variantID = &n
	}
	files := r.MultipartForm.File["file"]
	if len(files) == 0 {
		return nil, &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "send the photo in the multipart field file",
			Fields: map[string]string{"file": photo.ReasonEmpty}}
	}
	if len(files) > catalog.MaxProductImages {
		return nil, &catalog.Error{Code: catalog.CodeInvalidArgument, Message: "too many files in one request",
			Fields: map[string]string{"file": "too_many_images"}}
	}
	out := make([]photo.Upload, 0, len(files))
	for _, fh := range files {
		if fh.Size > photo.MaxBytes {
			return nil, photo.TooLarge(fh.Size) // refused by its declared size, unread
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, photo.MaxBytes+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, photo.Upload{Name: fh.Filename, Data: data, VariantID: variantID})
	}
	return out, nil
}

func (h photoHandlers) list(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	images, err := h.Store.ProductImages(c.Request.Context(), id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": imagesOf(images)})
}

// reorder takes {"ids": [...]}: every image of the gallery once, the
// cover first.
func (h photoHandlers) reorder(c *gin.Context) {
	var body struct {
		IDs []int64 `json:"ids"`
	}
	id, ok := pathIDAndBody(c, &body)
	if !ok {
		return
	}
	images, err := h.Store.ReorderProductImages(c.Request.Context(), id, body.IDs)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": imagesOf(images)})
}

// remove deletes one photo; its files go too unless another gallery
// holds the same photo (files are content-addressed).
func (h photoHandlers) remove(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	imageID, err := strconv.ParseInt(c.Param("image_id"), 10, 64)
	if err != nil || imageID <= 0 {
		abortWithError(c, invalid("image_id", "image_id must be a positive whole number"))
		return
	}
	ctx := c.Request.Context()
	img, shared, err := h.Store.DeleteProductImage(ctx, id, imageID)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if !shared {
		_ = h.Library.Delete(ctx, img.OriginalKey, img.ThumbKey, img.SquareKey) // an orphan file is harmless
	}
	c.Status(http.StatusNoContent)
}

func imagesOf(images []catalog.ProductImage) []Image {
	out := make([]Image, len(images))
	for i, im := range images {
		out[i] = ImageOf(im)
	}
	return out
}
