package shopee

import (
	"bytes"
	"io"
	"net/http"
)

// Upload limits of v2.media_space.upload_image.
const (
	maxImageBytes = 10 << 20
	maxImages     = 9
)

type imageInfo struct {
	ImageID      string `json:"image_id"`
	ImageURLList []struct {
		ImageURLRegion string `json:"image_url_region"`
		ImageURL       string `json:"image_url"`
	} `json:"image_url_list"`
}

func newImageInfo(id string) imageInfo {
	info := imageInfo{ImageID: id}
	info.ImageURLList = append(info.ImageURLList, struct {
		ImageURLRegion string `json:"image_url_region"`
		ImageURL       string `json:"image_url"`
	}{"VN", imageURL(id)})
	return info
}

// uploadImage is v2.media_space.upload_image: multipart field `image`,
// JPG/JPEG/PNG of at most 10 MB each, fewer than 10 files. The answer has
// the first image in image_info and all of them in image_info_list.
func (f *front) uploadImage(c *call) (any, error) {
	m := c.module
	if err := c.r.ParseMultipartForm(1 << 20); err != nil {
		return nil, errDetail(m, "the body must be multipart/form-data with the field image.")
	}
	defer c.r.MultipartForm.RemoveAll()
	files := c.r.MultipartForm.File["image"]
	if len(files) == 0 {
		return nil, errMissing(m, "Image")
	}
	if len(files) > maxImages {
		return nil, errDetail(m, "image number should be less than %d.", maxImages+1)
	}
	type listEntry struct {
		ID        int       `json:"id"`
		Error     string    `json:"error"`
		Message   string    `json:"message"`
		ImageInfo imageInfo `json:"image_info"`
	}
	out := struct {
		ImageInfo     imageInfo   `json:"image_info"`
		ImageInfoList []listEntry `json:"image_info_list"`
	}{}
	for i, fh := range files {
		if fh.Size > maxImageBytes {
			return nil, errDetail(m, "image %d is larger than 10 MB.", i)
		}
		file, err := fh.Open()
		if err != nil {
			return nil, errDetail(m, "image %d could not be read.", i)
		}
		data, err := io.ReadAll(file)
		file.Close()
		if err != nil || !isJPEGOrPNG(data) {
			return nil, errDetail(m, "image %d must be JPG, JPEG or PNG.", i)
		}
		id, err := f.e.UploadImage(data)
		if err != nil {
			return nil, err
		}
		info := newImageInfo(id)
		if i == 0 {
			out.ImageInfo = info
		}
		out.ImageInfoList = append(out.ImageInfoList, listEntry{ID: i, ImageInfo: info})
	}
	return out, nil
}

func isJPEGOrPNG(b []byte) bool {
	ct := http.DetectContentType(b)
	return ct == "image/jpeg" || ct == "image/png" || bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF})
}
