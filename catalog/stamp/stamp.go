// Package stamp draws trace stamps ("tem truy xuất nguồn gốc"): the QR code
// of a lot's GS1 Digital Link with the product name, lot code, expiry, GTIN
// and, while the certificate is in force on the print day, the OCOP stars.
// A4 sheets are PDF (go-pdf/fpdf); one stamp for a label printer is PNG or
// SVG. The QR code follows GS1's rules for retail packages: error
// correction M, a quiet zone of 4 modules, a module of 0.4–1.0 mm.
package stamp

import (
	_ "embed"
	"fmt"
	"math"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"

	"ocophub/catalog"
)

// The font has every Vietnamese letter and the star sign; DejaVu's licence
// is in fonts/LICENSE.
var (
	//go:embed fonts/DejaVuSansCondensed.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	fontBold []byte
)

// QR rules (GS1 General Specifications §5.12.3.1, retail packages).
const (
	QuietModules = 4
	MinModuleMM  = 0.4
	MaxModuleMM  = 1.0
)

// Label is what one stamp shows.
type Label struct {
	URI     string       // the lot's GS1 Digital Link, the QR code's content
	Product string       // product and variant name, Vietnamese
	Lot     string       // lot code
	Expires catalog.Date // use-by day
	GTIN    catalog.GTIN
	// Stars are printed only when set: the caller sets them only while the
	// certificate is in force on the print day (LabelOf).
	Stars catalog.Stars
}

// LabelOf is the stamp of t's lot printed on day printed: stars only if
// the certificate is valid that day.
func LabelOf(t catalog.Trace, uri string, printed catalog.Date) Label {
	name := t.Product.Name.VI
	if t.Variant.Name.VI != "" {
		name += " – " + t.Variant.Name.VI
	}
	l := Label{URI: uri, Product: name, Lot: t.Lot.Code, Expires: t.Lot.ExpiresOn, GTIN: t.Variant.GTIN}
	if t.Product.Certificate.ValidOn(printed) {
		l.Stars = t.Product.Stars
	}
	return l
}

// lines are the stamp's text lines under the code; the first is the name.
func (l Label) lines() []string {
	out := []string{"Lô: " + l.Lot + "   HSD: " + l.Expires.Vietnamese()}
	if l.GTIN != "" {
		out = append(out, "GTIN: "+string(l.GTIN))
	}
	if l.Stars > 0 {
		out = append(out, fmt.Sprintf("OCOP %s %d sao", strings.Repeat("★", int(l.Stars)), int(l.Stars)))
	}
	return out
}

// Symbol is an encoded QR code: Dark[y][x] is a dark module, without the
// quiet zone.
type Symbol struct {
	Dark [][]bool
}

// Size is the number of modules on a side, without the quiet zone.
func (s Symbol) Size() int { return len(s.Dark) }

// Encode makes the QR code of uri at error correction level M.
func Encode(uri string) (Symbol, error) {
	q, err := qrcode.NewWith(uri, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return Symbol{}, fmt.Errorf("encode QR code: %w", err)
	}
	var w matrixWriter
	if err := q.Save(&w); err != nil {
		return Symbol{}, fmt.Errorf("encode QR code: %w", err)
	}
	return Symbol{Dark: w.bitmap}, nil
}

// matrixWriter keeps the encoder's module matrix.
type matrixWriter struct{ bitmap [][]bool }

func (w *matrixWriter) Write(m qrcode.Matrix) error { w.bitmap = m.Bitmap(); return nil }
func (w *matrixWriter) Close() error                { return nil }

// ModuleMM is the module size for a code of n modules (quiet zone
// included) in a square of side mm: the largest tenth of a millimetre that
// fits, at most MaxModuleMM; invalid_argument below MinModuleMM (the stamp
// is too small for its URI).
func ModuleMM(n int, side float64) (float64, error) {
	m := math.Min(MaxModuleMM, math.Floor(side/float64(n)*100)/100)
	if m < MinModuleMM {
		return 0, catalog.Errorf(catalog.CodeInvalidArgument,
			"the stamp is too small: its QR code needs %.0f mm for %d modules of at least %.1f mm", math.Ceil(float64(n)*MinModuleMM), n, MinModuleMM)
	}
	return m, nil
}
