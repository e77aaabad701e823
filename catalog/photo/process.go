package photo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"

	"github.com/disintegration/imaging"
)

// File is one encoded output: its bytes, content type and
// content-addressed key (SHA-256 of the bytes + extension).
type File struct {
	Data        []byte
	ContentType string
	Key         string
}

// Photo is an upload made ready to store.
type Photo struct {
	Width, Height int  // of Original, EXIF orientation applied
	Original      File // the full image re-encoded: no EXIF, GPS or other metadata
	Thumb         File // ThumbSide square, cropped to fill, for lists
	Square        File // SquareSide square, padded white, ≤ SquareMaxBytes: what drivers upload
}

// Process checks data (Check), decodes it, turns it upright by its EXIF
// orientation and encodes the three files. Encoding from pixels keeps none
// of the source's metadata. A PNG stays PNG (it may be a drawing with
// sharp edges or transparency); JPEG and WebP become JPEG (the standard
// library has no WebP encoder, and every platform takes JPEG).
func Process(data []byte) (Photo, error) {
	info, err := Check(data)
	if err != nil {
		return Photo{}, err
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return Photo{}, refuse(ReasonNotAnImage, "the image cannot be decoded")
	}
	b := img.Bounds()
	p := Photo{Width: b.Dx(), Height: b.Dy()}
	if info.Format == "png" {
		p.Original, err = encodePNG(img)
	} else {
		p.Original, err = encodeJPEG(onWhite(img), 90)
	}
	if err != nil {
		return Photo{}, err
	}
	if p.Thumb, err = encodeJPEG(imaging.Fill(onWhite(img), ThumbSide, ThumbSide, imaging.Center, imaging.CatmullRom), 80); err != nil {
		return Photo{}, err
	}
	if p.Square, err = square(img); err != nil {
		return Photo{}, err
	}
	return p, nil
}

// square scales img so its long side is SquareSide and centres it on a
// white SquareSide square, at the best JPEG quality under SquareMaxBytes.
func square(img image.Image) (File, error) {
	b := img.Bounds()
	w, h := SquareSide, SquareSide
	if b.Dx() > b.Dy() {
		h = 0
	} else {
		w = 0
	}
	scaled := imaging.Resize(img, w, h, imaging.CatmullRom)
	canvas := imaging.OverlayCenter(imaging.New(SquareSide, SquareSide, color.White), scaled, 1)
	var f File
	var err error
	for q := 88; q >= 40; q -= 8 {
		if f, err = encodeJPEG(canvas, q); err != nil || len(f.Data) <= SquareMaxBytes {
			return f, err
		}
	}
	return f, nil // q40 of a 1024 square is far under 1 MB
}

// onWhite flattens transparency onto white, as JPEG has no alpha.
func onWhite(img image.Image) image.Image {
	b := img.Bounds()
	return imaging.Overlay(imaging.New(b.Dx(), b.Dy(), color.White), img, image.Pt(0, 0), 1)
}

func encodeJPEG(img image.Image, quality int) (File, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return File{}, err
	}
	return file(buf.Bytes(), "image/jpeg", ".jpg"), nil
}

func encodePNG(img image.Image) (File, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return File{}, err
	}
	return file(buf.Bytes(), "image/png", ".png"), nil
}

func file(data []byte, contentType, ext string) File {
	sum := sha256.Sum256(data)
	return File{Data: data, ContentType: contentType, Key: hex.EncodeToString(sum[:]) + ext}
}

// SHA256 is the hex SHA-256 in a key made by Process.
func SHA256(key string) string {
	if len(key) < 64 {
		return ""
	}
	return key[:64]
}
