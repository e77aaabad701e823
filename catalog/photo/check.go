// Package photo turns an uploaded file into the hub's product photos: it
// checks the bytes really are a JPEG, PNG or WebP image of a usable size,
// applies the EXIF orientation, drops every piece of metadata (GPS, camera)
// by re-encoding, and derives the sizes the hub uses (a thumbnail for lists,
// a platform-sized square for listings). Library keeps the results in a
// gocloud.dev/blob bucket under content-addressed keys.
//
// The checks (Check) read only the bytes given; Process decodes and encodes
// in memory; only Library does I/O.
package photo

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // decoders for image.DecodeConfig and imaging.Decode
	_ "image/png"

	_ "golang.org/x/image/webp"

	"ocophub/catalog"
)

// Limits on an upload. Platform numbers are the platforms' own upload
// limits (Shopee media_space/upload_image, Lazada /image/upload, TikTok
// Shop images/upload; connectors/sandbox/README.md cites them); the others
// are the hub's choice.
const (
	// MaxBytes is the largest file the hub takes (hub's choice): above any
	// phone camera's JPEG (12–50 MP photos are 3–15 MB); Shopee takes ≤10
	// MB, Lazada ≤1 MB and TikTok ≤5 MB, but drivers upload the square
	// (SquareMaxBytes), never the original.
	MaxBytes = 20 << 20
	// MinSide is the shortest side the hub takes (hub's choice): enough
	// for a sharp listing photo; above TikTok's 100 px minimum.
	MinSide = 500
	// MaxSide is TikTok's largest side (20000 px).
	MaxSide = 20000
	// MaxPixels bounds the decoded size (hub's choice, 50 MP: the largest
	// phone sensors), so a small file cannot claim a huge canvas.
	MaxPixels = 50_000_000
	// SquareSide is the side of the listing square (hub's choice; Shopee and
	// Lazada show 1:1 images, and recommend at least 500×500).
	SquareSide = 1024
	// SquareMaxBytes keeps the square under Lazada's (and Zalo's) 1 MB
	// upload limit, the smallest of the platforms.
	SquareMaxBytes = 1 << 20
	// ThumbSide is the side of the square thumbnail in lists (hub's choice).
	ThumbSide = 320
)

// Reasons a file is refused: stable words in catalog.Error.Fields["file"]
// (the web UI shows each in Vietnamese).
const (
	ReasonEmpty      = "empty"
	ReasonTooLarge   = "too_large"
	ReasonNotAnImage = "not_an_image"
	ReasonTooSmall   = "too_small"
	ReasonTooBig     = "too_many_pixels"
)

// Info is what Check learns from a file's header.
type Info struct {
	Format        string // jpeg, png or webp
	Width, Height int    // as stored, before EXIF orientation
}

// Check refuses a file that is empty, over MaxBytes, not a JPEG, PNG or
// WebP image, or whose sides are under MinSide or over MaxSide/MaxPixels.
// It reads the header only; Process decodes the whole image.
func Check(data []byte) (Info, error) {
	switch {
	case len(data) == 0:
		return Info{}, refuse(ReasonEmpty, "the file is empty")
	case len(data) > MaxBytes:
		return Info{}, TooLarge(int64(len(data)))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png" && format != "webp") {
		return Info{}, refuse(ReasonNotAnImage, "the file is not a JPEG, PNG or WebP image")
	}
	info := Info{Format: format, Width: cfg.Width, Height: cfg.Height}
	switch {
	case min(cfg.Width, cfg.Height) < MinSide:
		return info, refuse(ReasonTooSmall, "the image is %d×%d px; each side must be at least %d px", cfg.Width, cfg.Height, MinSide)
	case max(cfg.Width, cfg.Height) > MaxSide || cfg.Width*cfg.Height > MaxPixels:
		return info, refuse(ReasonTooBig, "the image is %d×%d px; at most %d px a side and %d megapixels", cfg.Width, cfg.Height, MaxSide, MaxPixels/1_000_000)
	}
	return info, nil
}

// TooLarge is the refusal of a file of size bytes over MaxBytes (known
// from its declared size before it is read).
func TooLarge(size int64) error {
	return refuse(ReasonTooLarge, "the file is %.1f MB; the most is %d MB", float64(size)/(1<<20), MaxBytes>>20)
}

// refuse is the invalid_argument error of a refused file.
func refuse(reason, format string, args ...any) error {
	return &catalog.Error{Code: catalog.CodeInvalidArgument, Message: fmt.Sprintf(format, args...),
		Fields: map[string]string{"file": reason}}
}

// Reason is the stable reason a file was refused ("" when err is not a
// refusal of Check or Process).
func Reason(err error) string {
	if ce, ok := err.(*catalog.Error); ok && ce.Code == catalog.CodeInvalidArgument {
		return ce.Fields["file"]
	}
	return ""
}
