package stamp

import (
	"bytes"
	"io"
	"math"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"ocophub/catalog"
)

// A4 in millimetres, and the margin printers need around it.
const (
	pageW, pageH = 210.0, 297.0
	pageMargin   = 5.0
	padMM        = 1.5 // inside a stamp, around the code and text
)

// Sheet is an A4 page of identical stamps: Columns × Rows stamps of
// WidthMM × HeightMM. Zero fields take the defaults (30 × 40 mm, as many as
// fit).
type Sheet struct {
	Columns, Rows     int
	WidthMM, HeightMM float64
}

// Normalize fills the defaults and checks the stamps fit on A4 within the
// printer's margin; invalid_argument names the field.
func (s *Sheet) Normalize() error {
	if s.WidthMM == 0 {
		s.WidthMM = 30
	}
	if s.HeightMM == 0 {
		s.HeightMM = 40
	}
	fe := catalog.FieldErrors{}
	// Below 30 × 40 mm the lot and expiry line no longer fit.
	if s.WidthMM < 30 || s.WidthMM > 100 {
		fe.Add("width_mm", "stamp width must be 30–100 mm")
	}
	if s.HeightMM < 40 || s.HeightMM > 150 {
		fe.Add("height_mm", "stamp height must be 40–150 mm")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	maxCols := int((pageW - 2*pageMargin) / s.WidthMM)
	maxRows := int((pageH - 2*pageMargin) / s.HeightMM)
	if s.Columns == 0 {
		s.Columns = maxCols
	}
	if s.Rows == 0 {
		s.Rows = maxRows
	}
	if s.Columns < 1 || s.Columns > maxCols {
		fe.Add("columns", "at most "+strconv.Itoa(maxCols)+" columns of this width fit on A4")
	}
	if s.Rows < 1 || s.Rows > maxRows {
		fe.Add("rows", "at most "+strconv.Itoa(maxRows)+" rows of this height fit on A4")
	}
	return fe.Err()
}

// layout is where a stamp's parts go, relative to its top left corner.
type layout struct {
	module   float64 // mm
	qrSide   float64 // mm, quiet zone included
	qrX, qrY float64
	textY    float64
}

func (s Sheet) layout(sym Symbol) (layout, error) {
	n := sym.Size() + 2*QuietModules
	// The code takes the width, and at most two thirds of the height so
	// the text fits under it.
	side := math.Min(s.WidthMM-2*padMM, s.HeightMM*2/3)
	m, err := ModuleMM(n, side)
	if err != nil {
		return layout{}, err
	}
	l := layout{module: m, qrSide: m * float64(n)}
	l.qrX = (s.WidthMM - l.qrSide) / 2
	l.qrY = padMM / 2
	l.textY = l.qrY + l.qrSide
	return l, nil
}

// Measure is the QR code as printed on the sheet: modules on a side
// (without the quiet zone) and the module size in millimetres.
func (s Sheet) Measure(uri string) (modules int, moduleMM float64, err error) {
	if err := s.Normalize(); err != nil {
		return 0, 0, err
	}
	sym, err := Encode(uri)
	if err != nil {
		return 0, 0, err
	}
	l, err := s.layout(sym)
	return sym.Size(), l.module, err
}

// PDF writes an A4 sheet of the label's stamps, each with a light cut line.
// created stamps the document (a fixed time gives the same bytes).
func PDF(w io.Writer, l Label, s Sheet, created time.Time) error {
	if err := s.Normalize(); err != nil {
		return err
	}
	sym, err := Encode(l.URI)
	if err != nil {
		return err
	}
	lay, err := s.layout(sym)
	if err != nil {
		return err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetTitle("Tem truy xuất "+l.Product+" lô "+l.Lot, true)
	pdf.SetProducer("OCOP Hub", true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes("dejavu", "", fontRegular)
	pdf.AddUTF8FontFromBytes("dejavu", "B", fontBold)
	pdf.AddPage()
	left := (pageW - float64(s.Columns)*s.WidthMM) / 2
	top := (pageH - float64(s.Rows)*s.HeightMM) / 2
	pdf.SetLineWidth(0.1)
	pdf.SetDrawColor(200, 200, 200)
	for r := 0; r < s.Rows; r++ {
		for c := 0; c < s.Columns; c++ {
			x, y := left+float64(c)*s.WidthMM, top+float64(r)*s.HeightMM
			pdf.Rect(x, y, s.WidthMM, s.HeightMM, "D")
			drawStamp(pdf, l, s, sym, lay, x, y)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func drawStamp(pdf *fpdf.Fpdf, l Label, s Sheet, sym Symbol, lay layout, x, y float64) {
	pdf.SetFillColor(0, 0, 0)
	q := float64(QuietModules) * lay.module
	for row, dark := range sym.Dark {
		// One rectangle per run of dark modules: no hairlines between them.
		for col := 0; col < len(dark); {
			if !dark[col] {
				col++
				continue
			}
			start := col
			for col < len(dark) && dark[col] {
				col++
			}
			pdf.Rect(x+lay.qrX+q+float64(start)*lay.module, y+lay.qrY+q+float64(row)*lay.module,
				float64(col-start)*lay.module, lay.module, "F")
		}
	}
	width := s.WidthMM - 2*padMM
	const size = 5.5                 // points
	lineH := size*25.4/72*1.15 + 0.1 // mm
	cy := y + lay.textY
	bottom := y + s.HeightMM - padMM/2
	rest := l.lines()
	pdf.SetFont("dejavu", "B", size)
	name := pdf.SplitText(l.Product, width)
	room := int((bottom-cy)/lineH) - len(rest)
	if room < 1 {
		room = 1
	}
	if len(name) > room {
		name = name[:room]
	}
	for _, line := range name {
		cy += lineH
		centered(pdf, line, x+s.WidthMM/2, cy)
	}
	pdf.SetFont("dejavu", "", size)
	for _, line := range rest {
		if cy+lineH > bottom {
			break
		}
		cy += lineH
		centered(pdf, fitText(pdf, line, width), x+s.WidthMM/2, cy)
	}
}

// centered writes a line with its middle at cx, its baseline at y.
func centered(pdf *fpdf.Fpdf, s string, cx, y float64) {
	pdf.Text(cx-pdf.GetStringWidth(s)/2, y, s)
}

// fitText shortens s until it fits width.
func fitText(pdf *fpdf.Fpdf, s string, width float64) string {
	r := []rune(s)
	for len(r) > 1 && pdf.GetStringWidth(string(r)) > width {
		r = r[:len(r)-1]
	}
	return string(r)
}
