package photo_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gocloud.dev/blob/memblob"

	"ocophub/catalog/photo"
)

func TestCheck(t *testing.T) {
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 2000)...)
	for _, c := range []struct {
		name   string
		data   []byte
		reason string
	}{
		{"jpeg", photo.Sample(800, 600, "jpeg"), ""},
		{"png", photo.Sample(500, 500, "png"), ""},
		{"empty", nil, photo.ReasonEmpty},
		{"pdf named jpg", pdf, photo.ReasonNotAnImage},
		{"truncated jpeg header", []byte{0xFF, 0xD8, 0xFF, 0xE0}, photo.ReasonNotAnImage},
		{"gif", gif1x1, photo.ReasonNotAnImage},
		{"10×10", photo.Sample(10, 10, "png"), photo.ReasonTooSmall},
		{"499 wide", photo.Sample(499, 900, "jpeg"), photo.ReasonTooSmall},
		{"40 MB", make([]byte, 40<<20), photo.ReasonTooLarge},
		{"huge canvas in a small file", pngHeader(30000, 30000), photo.ReasonTooBig},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := photo.Check(c.data)
			if c.reason == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Equal(t, c.reason, photo.Reason(err), err.Error())
		})
	}
}

func TestProcessTurnsUprightAndStripsGPS(t *testing.T) {
	// A 600×800 JPEG whose EXIF says "rotate 90° clockwise" (orientation
	// 6) and carries a GPS position.
	src := withEXIF(photo.Sample(800, 600, "jpeg"))
	require.Contains(t, string(src), "Exif")
	require.Contains(t, string(src), gpsMark)

	p, err := photo.Process(src)
	require.NoError(t, err)
	require.Equal(t, 600, p.Width, "turned upright")
	require.Equal(t, 800, p.Height)
	for _, f := range []photo.File{p.Original, p.Thumb, p.Square} {
		require.NotContains(t, string(f.Data), "Exif")
		require.NotContains(t, string(f.Data), gpsMark)
		require.True(t, photo.ValidKey(f.Key), f.Key)
		require.Equal(t, "image/jpeg", f.ContentType)
	}
	orig, err := jpeg.Decode(bytes.NewReader(p.Original.Data))
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 600, 800), orig.Bounds())
	// The sample is red on the left half: upright, red is at the top.
	r, g, _, _ := orig.At(300, 50).RGBA()
	require.Greater(t, r, uint32(0xc000))
	require.Less(t, g, uint32(0x4000))

	sq, err := jpeg.Decode(bytes.NewReader(p.Square.Data))
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, photo.SquareSide, photo.SquareSide), sq.Bounds())
	require.LessOrEqual(t, len(p.Square.Data), photo.SquareMaxBytes)
	// Padded white at the sides of a portrait photo.
	r, g, b, _ := sq.At(5, photo.SquareSide/2).RGBA()
	require.Greater(t, min(r, g, b), uint32(0xf000))
	th, err := jpeg.Decode(bytes.NewReader(p.Thumb.Data))
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, photo.ThumbSide, photo.ThumbSide), th.Bounds())
}

func TestProcessKeepsPNGAndNoisySquareStaysUnder1MB(t *testing.T) {
	p, err := photo.Process(photo.Sample(700, 500, "png"))
	require.NoError(t, err)
	require.Equal(t, "image/png", p.Original.ContentType)
	_, err = png.Decode(bytes.NewReader(p.Original.Data))
	require.NoError(t, err)

	// Noise is the worst case for JPEG size.
	noisy := image.NewRGBA(image.Rect(0, 0, photo.SquareSide, photo.SquareSide))
	seed := uint32(1)
	for i := range noisy.Pix {
		seed = seed*1664525 + 1013904223
		noisy.Pix[i] = byte(seed >> 24)
	}
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, noisy, &jpeg.Options{Quality: 100}))
	p, err = photo.Process(buf.Bytes())
	require.NoError(t, err)
	require.LessOrEqual(t, len(p.Square.Data), photo.SquareMaxBytes)
}

func TestLibrarySaveReadServe(t *testing.T) {
	ctx := context.Background()
	lib := photo.New(memblob.OpenBucket(nil))
	p, err := photo.Process(photo.Sample(640, 640, "jpeg"))
	require.NoError(t, err)
	require.NoError(t, lib.Save(ctx, p))
	require.NoError(t, lib.Save(ctx, p), "saving the same photo again is harmless")
	got, err := lib.Read(ctx, p.Square.Key)
	require.NoError(t, err)
	require.Equal(t, p.Square.Data, got)

	rec := httptest.NewRecorder()
	lib.Serve(rec, httptest.NewRequest(http.MethodGet, "/media/"+p.Thumb.Key, nil), p.Thumb.Key)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "image/jpeg", rec.Header().Get("Content-Type"))
	require.Equal(t, photo.CacheControl, rec.Header().Get("Cache-Control"))
	require.Equal(t, p.Thumb.Data, rec.Body.Bytes())

	req := httptest.NewRequest(http.MethodGet, "/media/"+p.Thumb.Key, nil)
	req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	rec = httptest.NewRecorder()
	lib.Serve(rec, req, p.Thumb.Key)
	require.Equal(t, http.StatusNotModified, rec.Code)

	for _, key := range []string{"../etc/passwd", strings.Repeat("a", 64) + ".jpg"} {
		rec = httptest.NewRecorder()
		lib.Serve(rec, httptest.NewRequest(http.MethodGet, "/media/x", nil), key)
		require.Equal(t, http.StatusNotFound, rec.Code, key)
	}
	require.NoError(t, lib.Delete(ctx, p.Square.Key))
	_, err = lib.Read(ctx, p.Square.Key)
	require.Error(t, err)
}

var gif1x1 = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// pngHeader is a PNG signature and IHDR claiming w×h, with no pixels.
func pngHeader(w, h uint32) []byte {
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
	b = binary.BigEndian.AppendUint32(b, w)
	b = binary.BigEndian.AppendUint32(b, h)
	b = append(b, 8, 2, 0, 0, 0)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[12:]))
}

const gpsMark = "GPSMARK-21.0285N-105.8542E"

// withEXIF inserts an APP1 EXIF segment after the JPEG's SOI: IFD0 with
// Orientation 6 and a GPS IFD whose GPSLatitudeRef points at gpsMark.
func withEXIF(jpg []byte) []byte {
	le := binary.LittleEndian
	var t []byte
	t = append(t, 'I', 'I', 42, 0)
	t = le.AppendUint32(t, 8)
	// IFD0 at 8: 2 entries.
	t = le.AppendUint16(t, 2)
	t = le.AppendUint16(t, 0x0112) // Orientation
	t = le.AppendUint16(t, 3)      // SHORT
	t = le.AppendUint32(t, 1)
	t = le.AppendUint16(t, 6)
	t = le.AppendUint16(t, 0)
	t = le.AppendUint16(t, 0x8825) // GPS IFD pointer
	t = le.AppendUint16(t, 4)      // LONG
	t = le.AppendUint32(t, 1)
	gpsIFD := uint32(8 + 2 + 2*12 + 4)
	t = le.AppendUint32(t, gpsIFD)
	t = le.AppendUint32(t, 0) // no IFD1
	// GPS IFD: 1 entry, GPSProcessingMethod-like ASCII pointing after it.
	t = le.AppendUint16(t, 1)
	t = le.AppendUint16(t, 0x001B)
	t = le.AppendUint16(t, 2) // ASCII
	t = le.AppendUint32(t, uint32(len(gpsMark)+1))
	t = le.AppendUint32(t, gpsIFD+2+12+4)
	t = le.AppendUint32(t, 0)
	t = append(t, gpsMark...)
	t = append(t, 0)
	payload := append([]byte("Exif\x00\x00"), t...)
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

var _ = color.White
