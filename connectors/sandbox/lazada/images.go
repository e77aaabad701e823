package lazada

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxImage is the largest image /image/upload and /image/migrate take
// (UploadImage: "The maximum size of an image file is 1MB").
const maxImage = 1 << 20

// imageHost is the CDN host of the URLs the sandbox hands out, shaped like
// Lazada Vietnam's. Nothing is served there: listings only have to name
// images the sandbox stored.
const imageHost = "https://vn-live-01.slatic.net"

// imageURL is the Lazada-hosted URL of an engine image.
func imageURL(id, ext string) string { return imageHost + "/p/" + id + ext }

// imageID extracts the engine image id from a URL the sandbox handed out
// ("…/p/<id>.jpg" on any host); "" when the URL is not of that shape.
func imageID(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	p := u.Path
	i := strings.LastIndex(p, "/p/")
	if i < 0 {
		return ""
	}
	name := p[i+3:]
	if dot := strings.LastIndexByte(name, '.'); dot > 0 {
		name = name[:dot]
	}
	if strings.Contains(name, "/") {
		return ""
	}
	return name
}

// imageKind sniffs JPEG and PNG, the formats Lazada takes; "" otherwise.
func imageKind(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return ".jpg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return ".png"
	}
	return ""
}

// storeImage checks and stores image bytes and returns data.image.
func (f *front) storeImage(data []byte) (map[string]any, error) {
	if len(data) > maxImage {
		return nil, isv("303", "E303: The image is too large")
	}
	ext := imageKind(data)
	if ext == "" {
		return nil, isv("300", "E300: Upload Image Failed: only JPG and PNG images are accepted")
	}
	id, err := f.e.UploadImage(data)
	if err != nil {
		return nil, isv("300", "E300: Upload Image Failed: %v", err)
	}
	sum := md5.Sum(data)
	return map[string]any{"image": map[string]string{"url": imageURL(id, ext), "hash_code": hex.EncodeToString(sum[:])}}, nil
}

// uploadImage is POST /image/upload: multipart file "image".
func (f *front) uploadImage(c *call) error {
	files := c.files["image"]
	if len(files) == 0 {
		if present(c.param("image")) {
			return isv("302", "E302: Not supported URL: the image parameter must be a file, not a string")
		}
		return isv("30", "E030: Empty Request: no image file")
	}
	if files[0].Size > maxImage {
		return isv("303", "E303: The image is too large")
	}
	file, err := files[0].Open()
	if err != nil {
		return isv("300", "E300: Upload Image Failed: %v", err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxImage+1))
	if err != nil {
		return isv("300", "E300: Upload Image Failed: %v", err)
	}
	img, err := f.storeImage(data)
	if err != nil {
		return err
	}
	return c.ok(img)
}

// migrateImage is POST /image/migrate: payload Request.Image.Url. An image
// the sandbox already holds comes back as it is; another URL is fetched.
func (f *front) migrateImage(c *call) error {
	raw, err := c.required("payload")
	if err != nil {
		return err
	}
	p, err := parsePayload(raw)
	if err != nil {
		return invalidRequestFormat(err.Error())
	}
	src, _ := text(path(p, "Request", "Image", "Url"))
	if src == "" {
		return mandatory("Url")
	}
	if id := imageID(src); id != "" && f.e.HasImage(id) {
		return c.ok(map[string]any{"image": map[string]string{"url": src, "hash_code": id}})
	}
	data, err := fetchImage(c.r.Context(), src)
	if err != nil {
		return isv("304", "E304: Get Response Failed: %v", err)
	}
	img, err := f.storeImage(data)
	if err != nil {
		return err
	}
	return c.ok(img)
}

func fetchImage(ctx context.Context, src string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("image URL answered %s", resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxImage+1))
}

// listingImages reads an Images.Image list and returns the engine image
// ids: every URL must be one the sandbox handed out (code 4138, the image
// "exists in the outer link", otherwise).
func (f *front) listingImages(v any) ([]string, error) {
	var ids []string
	for _, x := range list(field(v, "Image")) {
		u, _ := text(x)
		if strings.TrimSpace(u) == "" {
			continue
		}
		id := imageID(u)
		if id == "" || !f.e.HasImage(id) {
			return nil, isv("4138", "BIZ_CHECK_EXIST_OUTER_IMAGE: the image %s is not hosted by Lazada; upload it with /image/upload or /image/migrate first", u)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
