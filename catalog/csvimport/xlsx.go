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
	src := &xlsxSource{date1904: props.Date1904 != nil && *props.Date1904}
	// One iterator reads cells as displayed, the other the stored values;
	// they walk the same sheet in step.
	if src.shown, err = f.Rows(sheets[0]); err != nil {
		return nil, Result{}, invalidFile("sheet %q is not readable: %v", sheets[0], err)
	}
	defer src.shown.Close()
	if src.stored, err = f.Rows(sheets[0]); err != nil {
		return nil, Result{}, invalidFile("sheet %q is not readable: %v", sheets[0], err)
	}
	defer src.stored.Close()
	return parse(src, MaxRows)
}

type xlsxSource struct {
	shown, stored *excelize.Rows
	row           int
	date1904      bool
}

func (s *xlsxSource) next() (record, error) {
	for s.shown.Next() {
		s.stored.Next()
		s.row++
		cells, err := s.shown.Columns()
		if err != nil {
			return record{}, invalidFile("row %d of the sheet is not readable: %v", s.row, err)
		}
		stored, err := s.stored.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return record{}, invalidFile("row %d of the sheet is not readable: %v", s.row, err)
		}
		if len(cells) == 0 {
			continue
		}
		return record{line: s.row, cells: cells, alt: s.alt(cells, stored)}, nil
	}
	if err := s.shown.Error(); err != nil {
		return record{}, invalidFile("the sheet is not readable: %v", err)
	}
	return record{}, io.EOF
}

// alt returns the record's alt: the number stored in a cell whose display
// differs from it, as an integer or, for a date column, an ISO date.
func (s *xlsxSource) alt(shown, stored []string) func(int, bool) string {
	return func(i int, date bool) string {
		if i >= len(stored) || i >= len(shown) || stored[i] == shown[i] {
			return ""
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(stored[i]), 64)
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
