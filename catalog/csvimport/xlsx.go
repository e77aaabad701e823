package csvimport

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"ocophub/catalog"
)

// maxUnzipped bounds the unzipped size of an .xlsx: a 50,000-row sheet is a
// few tens of MiB, and a zip bomb must not fill the disk or memory.
const maxUnzipped = 256 << 20

// ParseXLSX reads a catalog from the first sheet of an .xlsx workbook, with
// the same columns, rules and results as Parse; line numbers are the sheet's
// row numbers. Cells are read as Excel displays them; when a displayed
// number or date cannot be read ("95,000.00", "15-Jan-23"), the value
// stored in the cell is used instead.
func ParseXLSX(r io.Reader) (*catalog.ImportBatch, Result, error) {
	f, err := excelize.OpenReader(r, excelize.Options{
		ShortDatePattern: "yyyy-mm-dd", // Excel's locale short date, numFmt 14
		UnzipSizeLimit:   maxUnzipped,
	})
	if err != nil {
		return nil, Result{}, invalidFile("the file is not a readable .xlsx workbook: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, Result{}, invalidFile("the workbook has no sheet")
	}
	props, err := f.GetWorkbookProps()
	if err != nil {
		return nil, Result{}, invalidFile("the workbook is not readable: %v", err)
	}
	src := &xlsxSource{f: f, sheet: sheets[0], date1904: props.Date1904 != nil && *props.Date1904}
	// Cells are read as displayed; the stored value of a cell is looked up
	// only when its display cannot be read (rare), so the sheet's XML is
	// decoded once, not twice.
	if src.shown, err = f.Rows(sheets[0]); err != nil {
		return nil, Result{}, invalidFile("sheet %q is not readable: %v", sheets[0], err)
	}
	defer src.shown.Close()
	return parse(src, MaxRows)
}

type xlsxSource struct {
	f        *excelize.File
	sheet    string
	shown    *excelize.Rows
	row      int
	date1904 bool
}

func (s *xlsxSource) next() (record, error) {
	for s.shown.Next() {
		s.row++
		cells, err := s.shown.Columns()
		if err != nil {
			return record{}, invalidFile("row %d of the sheet is not readable: %v", s.row, err)
		}
		if len(cells) == 0 {
			continue
		}
		return record{line: s.row, cells: cells, alt: s.alt(s.row, cells)}, nil
	}
	if err := s.shown.Error(); err != nil {
		return record{}, invalidFile("the sheet is not readable: %v", err)
	}
	return record{}, io.EOF
}

// alt returns the record's alt: the number stored in a cell whose display
// differs from it, as an integer or, for a date column, an ISO date.
func (s *xlsxSource) alt(row int, shown []string) func(int, bool) string {
	return func(i int, date bool) string {
		if i >= len(shown) {
			return ""
		}
		name, err := excelize.CoordinatesToCellName(i+1, row)
		if err != nil {
			return ""
		}
		stored, err := s.f.GetCellValue(s.sheet, name, excelize.Options{RawCellValue: true})
		if err != nil || stored == shown[i] {
			return ""
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(stored), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		if date {
			t, err := excelize.ExcelDateToTime(v, s.date1904)
			if err != nil {
				return ""
			}
			return t.Format(time.DateOnly)
		}
		if v != math.Trunc(v) || math.Abs(v) >= 1e15 {
			return ""
		}
		return fmt.Sprintf("%d", int64(v))
	}
}
