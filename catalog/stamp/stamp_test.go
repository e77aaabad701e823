package stamp

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog"
)

const testURI = "https://hub.example.vn/01/08936000001018/10/2612A?17=271207"

func testLabel(stars catalog.Stars) Label {
	return Label{URI: testURI, Product: "Chè Tân Cương Hảo Đạt – Hộp 100g", Lot: "2612A",
		Expires: catalog.NewDate(2027, 12, 7), GTIN: "8936000001018", Stars: stars}
}

// scan renders the PDF at dpi with poppler, cuts the page into its stamps
// and decodes each stamp's QR code with zbar, as a scanner would: one
// decoded text per stamp that decoded. It returns the page too.
func scan(t *testing.T, pdf []byte, s Sheet, dpi float64) ([]string, image.Image) {
	t.Helper()
	require.NoError(t, s.Normalize())
	dir := t.TempDir()
	in := filepath.Join(dir, "sheet.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o600))
	out, err := exec.Command("pdftoppm", "-r", strconv.Itoa(int(dpi)), "-png", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput()
	require.NoError(t, err, "pdftoppm (scripts/ensure-services.sh installs poppler-utils): %s", out)
	f, err := os.Open(filepath.Join(dir, "page.png"))
	require.NoError(t, err)
	defer f.Close()
	page, err := png.Decode(f)
	require.NoError(t, err)
	px := func(mm float64) int { return int(mm * dpi / 25.4) }
	left := (pageW - float64(s.Columns)*s.WidthMM) / 2
	top := (pageH - float64(s.Rows)*s.HeightMM) / 2
	var stamps []string
	for r := 0; r < s.Rows; r++ {
		for c := 0; c < s.Columns; c++ {
			x, y := left+float64(c)*s.WidthMM, top+float64(r)*s.HeightMM
			cut := page.(interface {
				SubImage(image.Rectangle) image.Image
			}).SubImage(image.Rect(px(x), px(y), px(x+s.WidthMM), px(y+s.HeightMM)))
			name := filepath.Join(dir, fmt.Sprintf("stamp-%02d-%02d.png", r, c))
			var buf bytes.Buffer
			require.NoError(t, png.Encode(&buf, cut))
			require.NoError(t, os.WriteFile(name, buf.Bytes(), 0o600))
			stamps = append(stamps, name)
		}
	}
	var stdout bytes.Buffer
	zbar := exec.Command("zbarimg", append([]string{"-q", "--raw"}, stamps...)...)
	zbar.Stdout = &stdout
	err = zbar.Run()
	require.NoError(t, err, "zbarimg (scripts/ensure-services.sh installs zbar-tools); decoded: %s", stdout.String())
	return strings.Split(strings.TrimSpace(stdout.String()), "\n"), page
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "sheet.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o600))
	out, err := exec.Command("pdftotext", "-layout", in, "-").Output()
	require.NoError(t, err)
	return string(out)
}

// TestSheetScans prints sheets as a co-op would and reads them back: every
// stamp decodes to the exact URI, the text is Vietnamese with its marks,
// and the module measured on the rendered page is within 0.4–1.0 mm.
func TestSheetScans(t *testing.T) {
	tests := []struct {
		name          string
		sheet         Sheet
		stamps        int
		moduleMin     float64
		moduleMaxIncl float64
	}{
		{"default 30×40 mm", Sheet{}, 6 * 7, MinModuleMM, MaxModuleMM},
		{"3×4 of 60×70 mm", Sheet{Columns: 3, Rows: 4, WidthMM: 60, HeightMM: 70}, 12, MinModuleMM, MaxModuleMM},
		{"2×3 of 40×50 mm", Sheet{Columns: 2, Rows: 3, WidthMM: 40, HeightMM: 50}, 6, MinModuleMM, MaxModuleMM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, PDF(&buf, testLabel(4), tt.sheet, time.Unix(0, 0)))
			codes, page := scan(t, buf.Bytes(), tt.sheet, 400)
			require.Len(t, codes, tt.stamps)
			for _, c := range codes {
				require.Equal(t, testURI, c)
			}
			modules, moduleMM, err := tt.sheet.Measure(testURI)
			require.NoError(t, err)
			require.GreaterOrEqual(t, moduleMM, tt.moduleMin)
			require.LessOrEqual(t, moduleMM, tt.moduleMaxIncl)
			measured := measureFirstSymbol(t, page, tt.sheet, 400) / float64(modules)
			t.Logf("%s: %d modules + 2×%d quiet, module %.2f mm (measured on the page %.3f mm)", tt.name, modules, QuietModules, moduleMM, measured)
			require.InDelta(t, moduleMM, measured, 0.03)

			text := pdfText(t, buf.Bytes())
			for _, want := range []string{"Chè Tân Cương Hảo Đạt", "Hộp 100g", "Lô: 2612A", "HSD: 07/12/2027", "GTIN: 8936000001018", "OCOP ★★★★ 4 sao"} {
				require.Contains(t, text, want)
			}
		})
	}
}

// measureFirstSymbol is the width in millimetres of the dark part of the
// first stamp's QR code on a page rendered at dpi: the symbol without its
// quiet zone, from its leftmost to its rightmost dark pixel.
func measureFirstSymbol(t *testing.T, page image.Image, s Sheet, dpi float64) float64 {
	t.Helper()
	require.NoError(t, s.Normalize())
	sym, err := Encode(testURI)
	require.NoError(t, err)
	lay, err := s.layout(sym)
	require.NoError(t, err)
	px := func(mm float64) int { return int(mm * dpi / 25.4) }
	left := (pageW - float64(s.Columns)*s.WidthMM) / 2
	top := (pageH - float64(s.Rows)*s.HeightMM) / 2
	// Inside the stamp's code area, away from its cut line and its text.
	x0, x1 := px(left+lay.qrX)+2, px(left+lay.qrX+lay.qrSide)-2
	y0, y1 := px(top+lay.qrY)+2, px(top+lay.qrY+lay.qrSide)-2
	minX, maxX := x1, x0
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			r, _, _, _ := page.At(x, y).RGBA()
			if r < 0x8000 {
				minX, maxX = min(minX, x), max(maxX, x)
			}
		}
	}
	require.Less(t, minX, maxX, "no dark pixels where the code should be")
	return float64(maxX-minX+1) * 25.4 / dpi
}

// TestStarsOnlyWhileCertified: a stamp printed after the certificate
// expired carries no stars and no OCOP claim.
func TestStarsOnlyWhileCertified(t *testing.T) {
	tr := catalog.Trace{
		Product: catalog.Product{Name: catalog.Text{VI: "Chè Tân Cương"}, Stars: 4,
			Certificate: catalog.Certificate{CertifiedOn: catalog.NewDate(2023, 1, 1), ExpiresOn: catalog.NewDate(2026, 1, 1)}},
		Variant: catalog.Variant{Name: catalog.Text{VI: "Hộp 100g"}, GTIN: "8936000001018"},
		Lot:     catalog.Lot{Code: "2512A", ExpiresOn: catalog.NewDate(2026, 12, 1)},
	}
	tests := []struct {
		printed catalog.Date
		stars   catalog.Stars
	}{
		{catalog.NewDate(2025, 12, 31), 4},
		{catalog.NewDate(2026, 1, 1), 0}, // the day it expires
		{catalog.NewDate(2026, 6, 1), 0},
	}
	for _, tt := range tests {
		l := LabelOf(tr, testURI, tt.printed)
		require.Equal(t, tt.stars, l.Stars, tt.printed.String())
		require.Equal(t, "Chè Tân Cương – Hộp 100g", l.Product)
	}
	var buf bytes.Buffer
	require.NoError(t, PDF(&buf, LabelOf(tr, testURI, catalog.NewDate(2026, 6, 1)), Sheet{Columns: 1, Rows: 1}, time.Unix(0, 0)))
	text := pdfText(t, buf.Bytes())
	require.Contains(t, text, "Lô: 2512A")
	require.NotContains(t, text, "OCOP")
	require.NotContains(t, text, "★")
}

// TestSingleStamp: the PNG for a label printer decodes to the URI; the SVG
// holds the code and the text.
func TestSingleStamp(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, PNG(&buf, testLabel(5), Sheet{}, 300))
	path := filepath.Join(t.TempDir(), "stamp.png")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
	out, err := exec.Command("zbarimg", "-q", "--raw", path).Output()
	require.NoError(t, err)
	require.Equal(t, testURI, strings.TrimSpace(string(out)))
	img, err := png.Decode(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	require.Equal(t, image.Pt(354, 472), img.Bounds().Size(), "30×40 mm at 300 dpi")

	buf.Reset()
	require.NoError(t, SVG(&buf, testLabel(5), Sheet{}))
	svg := buf.String()
	require.True(t, strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg" width="30mm" height="40mm"`))
	require.Contains(t, svg, "Lô: 2612A")
	require.Contains(t, svg, "OCOP ★★★★★ 5 sao")
}

func TestSheetLimits(t *testing.T) {
	tests := []struct {
		sheet Sheet
		field string
	}{
		{Sheet{Columns: 7}, "columns"},
		{Sheet{Rows: 8}, "rows"},
		{Sheet{WidthMM: 25}, "width_mm"},
		{Sheet{HeightMM: 35}, "height_mm"},
		{Sheet{HeightMM: 200}, "height_mm"},
	}
	for _, tt := range tests {
		err := tt.sheet.Normalize()
		var ce *catalog.Error
		require.ErrorAs(t, err, &ce)
		require.Contains(t, ce.Fields, tt.field)
	}
	_, err := ModuleMM(45, 15) // 0.33 mm a module
	require.Equal(t, catalog.CodeInvalidArgument, catalog.ErrorCode(err))
	m, err := ModuleMM(41, 27)
	require.NoError(t, err)
	require.Equal(t, 0.65, m)
	m, err = ModuleMM(29, 60)
	require.NoError(t, err)
	require.Equal(t, MaxModuleMM, m)
}
