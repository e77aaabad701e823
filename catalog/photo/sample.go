package photo

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// Sample draws a simple w×h picture (left half red, right half a soft
// green, a white band in the middle third of the height) and encodes it
// as "jpeg" or "png". Tests and the demo catalog use it: nothing is
// downloaded.
func Sample(w, h int, format string) []byte {
	return Illustration(w, h, format, color.RGBA{0xd0, 0x20, 0x20, 0xff}, color.RGBA{0x60, 0xa0, 0x50, 0xff})
}

// Illustration is Sample in two colours of the caller's.
func Illustration(w, h int, format string, left, right color.Color) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := left
			if x >= w/2 {
				c = right
			}
			if x >= w/2 && y > h/3 && y < 2*h/3 {
				c = color.White
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if format == "png" {
		_ = png.Encode(&buf, img)
	} else {
		_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	}
	return buf.Bytes()
}
