package stamp

import (
	"fmt"
	"html"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// PNG writes one stamp of the sheet's stamp size at dpi (a label printer's
// resolution, 203 or 300), the QR code with whole pixels per module.
func PNG(w io.Writer, l Label, s Sheet, dpi int) error {
	if err := s.Normalize(); err != nil {
		return err
	}
	sym, lay, err := symbolAndLayout(l, s)
	if err != nil {
		return err
	}
	px := func(mm float64) int { return int(math.Round(mm * float64(dpi) / 25.4)) }
	mod := max(1, px(lay.module))
	img := image.NewGray(image.Rect(0, 0, px(s.WidthMM), px(s.HeightMM)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	n := sym.Size() + 2*QuietModules
	x0 := (img.Bounds().Dx() - n*mod) / 2
	y0 := px(lay.qrY)
	for row, dark := range sym.Dark {
		for col, d := range dark {
			if d {
				r := image.Rect(x0+(col+QuietModules)*mod, y0+(row+QuietModules)*mod, x0+(col+QuietModules+1)*mod, y0+(row+QuietModules+1)*mod)
				draw.Draw(img, r, image.Black, image.Point{}, draw.Src)
			}
		}
	}
	regular, err := face(fontRegular, 5.5, dpi)
	if err != nil {
		return err
	}
	bold, err := face(fontBold, 5.5, dpi)
	if err != nil {
		return err
	}
	lineH := regular.Metrics().Height.Ceil() + 1
	width := img.Bounds().Dx() - px(2*padMM)
	y := y0 + n*mod
	write := func(f font.Face, line string) bool {
		if y+lineH > img.Bounds().Dy() {
			return false
		}
		y += lineH
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: f}
		for d.MeasureString(line).Ceil() > width && len(line) > 1 {
			line = string([]rune(line)[:len([]rune(line))-1])
		}
		d.Dot = fixed.P((img.Bounds().Dx()-d.MeasureString(line).Ceil())/2, y)
		d.DrawString(line)
		return true
	}
	name := wrap(bold, l.Product, width)
	if room := (img.Bounds().Dy()-y)/lineH - len(l.lines()); len(name) > max(1, room) {
		name = name[:max(1, room)]
	}
	for _, line := range name {
		write(bold, line)
	}
	for _, line := range l.lines() {
		write(regular, line)
	}
	return png.Encode(w, img)
}

// wrap splits s into lines of words no wider than width pixels.
func wrap(f font.Face, s string, width int) []string {
	var lines []string
	for _, word := range strings.Fields(s) {
		if n := len(lines); n > 0 && font.MeasureString(f, lines[n-1]+" "+word).Ceil() <= width {
			lines[n-1] += " " + word
			continue
		}
		lines = append(lines, word)
	}
	return lines
}

func face(ttf []byte, points float64, dpi int) (font.Face, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("stamp font: %w", err)
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: points, DPI: float64(dpi), Hinting: font.HintingFull})
}

func symbolAndLayout(l Label, s Sheet) (Symbol, layout, error) {
	sym, err := Encode(l.URI)
	if err != nil {
		return Symbol{}, layout{}, err
	}
	lay, err := s.layout(sym)
	return sym, lay, err
}

// SVG writes one stamp in millimetres: the code as one path, the text as
// text (the printer's sans-serif font).
func SVG(w io.Writer, l Label, s Sheet) error {
	if err := s.Normalize(); err != nil {
		return err
	}
	sym, lay, err := symbolAndLayout(l, s)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%gmm" height="%gmm" viewBox="0 0 %g %g">`, s.WidthMM, s.HeightMM, s.WidthMM, s.HeightMM)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#fff"/><path fill="#000" d="`)
	q := float64(QuietModules) * lay.module
	for row, dark := range sym.Dark {
		for col, d := range dark {
			if d {
				fmt.Fprintf(&b, "M%.3f %.3fh%.3fv%.3fh-%.3fz", lay.qrX+q+float64(col)*lay.module, lay.qrY+q+float64(row)*lay.module, lay.module, lay.module, lay.module)
			}
		}
	}
	b.WriteString(`"/><g font-family="DejaVu Sans Condensed, sans-serif" font-size="1.94" text-anchor="middle">`)
	y := lay.textY
	for i, line := range append([]string{l.Product}, l.lines()...) {
		y += 2.3
		weight := ""
		if i == 0 {
			weight = ` font-weight="bold"`
		}
		fmt.Fprintf(&b, `<text x="%g" y="%.2f"%s>%s</text>`, s.WidthMM/2, y, weight, html.EscapeString(line))
	}
	b.WriteString("</g></svg>\n")
	_, err = io.WriteString(w, b.String())
	return err
}
