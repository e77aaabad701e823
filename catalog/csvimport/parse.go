package csvimport

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"

	"ocophub/catalog"
)

// MaxRows is the most data rows one file may have. A bigger catalog is
// imported as several files: the limit bounds the memory of one parse and the
// length of the transaction that imports it.
const MaxRows = 50_000

// MaxErrors is the most problems one parse lists. A file saved in the wrong
// encoding has problems on every row, and a person needs the first ones, not
// a million; the rest are counted in a last CodeTooManyErrors error.
const MaxErrors = 1000

// Codes of catalog.RowError.Code. They are stable: the web UI keys on them.
const (
	CodeRequired      = "required"        // a required cell is empty
	CodeInvalidValue  = "invalid_value"   // a value the catalog rules refuse
	CodeInconsistent  = "inconsistent"    // a row disagrees with an earlier row of the same alliance, co-op or product
	CodeDuplicate     = "duplicate"       // a SKU twice in a co-op, a GTIN twice in the file, a column twice in the header
	CodeUnknownColumn = "unknown_column"  // a header name that is not a column of the format
	CodeMissingColumn = "missing_column"  // a required column is not in the header
	CodeMalformed     = "malformed"       // a row that is not valid CSV, or a value in a column with no header
	CodeTooManyRows   = "too_many_rows"   // the file has more than MaxRows data rows
	CodeTooManyErrors = "too_many_errors" // more than MaxErrors problems; the rest are not listed
)

// Result tells what a parse read besides the batch.
type Result struct {
	// Rows is the number of data rows read; blank rows are not counted.
	Rows int
	// Errors lists the problems found, ordered by line, then column.
	Errors []catalog.RowError
}

var utf8BOM = []byte("\ufeff")

// Parse reads a catalog CSV file: UTF-8 with or without a byte order mark,
// separated by commas or semicolons.
//
// A non-nil error means the file cannot be used at all, and the batch is
// nil: it is empty, is not text (an .xlsx, say), has a header with a missing,
// unknown or repeated column (Result.Errors lists each on line 1), or has
// more than MaxRows rows. Such errors are *catalog.Error with code
// invalid_argument; a failing reader gives its own error, wrapped.
//
// Otherwise the batch holds every valid row. A non-empty Result.Errors then
// means the batch holds only the valid rows: the rows with a problem were
// left out, and a product with no valid row is missing. The caller decides
// whether to import that (catalog.ImportOptions.SkipInvalid) or nothing.
func Parse(r io.Reader) (*catalog.ImportBatch, Result, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	head, err := br.Peek(br.Size())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, Result{}, fmt.Errorf("read catalog csv: %w", err)
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return nil, Result{}, invalidFile("this is an .xlsx workbook, not CSV: upload it as .xlsx")
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffComma(head)
	cr.FieldsPerRecord = -1
	return parse(&csvSource{r: cr}, MaxRows)
}

// sniffComma picks the separator of the header line: Excel under a
// Vietnamese (or any decimal-comma) locale writes "CSV" with semicolons.
func sniffComma(head []byte) rune {
	first, _, _ := bytes.Cut(head, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		return ';'
	}
	return ','
}

func invalidFile(format string, args ...any) error {
	return catalog.Errorf(catalog.CodeInvalidArgument, format, args...)
}

// record is one row of the file as text.
type record struct {
	line  int
	cells []string
	err   error // the row is not valid CSV
	// alt gives, for an .xlsx cell whose displayed text differs from the
	// number stored in it ("95,000.00", "8.94E+12", "15-Jan-23"), that
	// number as an integer, or as an ISO date for a date column; "" when
	// there is none. It is nil for CSV.
	alt func(cell int, date bool) string
}

func (r record) blank() bool {
	if r.err != nil {
		return false
	}
	for _, c := range r.cells {
		if catalog.NormalizeText(c) != "" {
			return false
		}
	}
	return true
}

// source yields the records of a file, io.EOF after the last.
type source interface {
	next() (record, error)
}

type csvSource struct{ r *csv.Reader }

func (s *csvSource) next() (record, error) {
	cells, err := s.r.Read()
	var perr *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return record{}, io.EOF
	case errors.As(err, &perr):
		// The reader resumes on the next line, so later rows are still read.
		return record{line: perr.StartLine, err: perr}, nil
	case err != nil:
		return record{}, fmt.Errorf("read catalog csv: %w", err)
	}
	line, _ := s.r.FieldPos(0)
	return record{line: line, cells: cells}, nil
}

// parse is the row logic shared by CSV and .xlsx.
func parse(src source, maxRows int) (*catalog.ImportBatch, Result, error) {
	hrec, err := src.next()
	switch {
	case errors.Is(err, io.EOF):
		return nil, Result{}, invalidFile("the file is empty: its first row must be the header")
	case err != nil:
		return nil, Result{}, err
	case hrec.err != nil:
		return nil, Result{}, invalidFile("the header row is not valid CSV: %v", hrec.err)
	}
	h, herrs := readHeader(hrec)
	if len(herrs) > 0 {
		sortErrors(herrs)
		return nil, Result{Errors: herrs},
			invalidFile("the header row has %d problem(s): see the errors on line %d", len(herrs), h.line)
	}
	b := newBuilder(h)
	for {
		rec, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, Result{Rows: b.rows}, err
		}
		if rec.blank() {
			continue
		}
		b.rows++
		if b.rows > maxRows {
			tooMany := catalog.RowError{Line: rec.line, Code: CodeTooManyRows,
				Reason: fmt.Sprintf("the file has more than %d rows: split it into smaller files", maxRows)}
			return nil, Result{Rows: b.rows, Errors: []catalog.RowError{tooMany}},
				invalidFile("the file has more than %d rows", maxRows)
		}
		b.add(rec)
	}
	batch := b.finish()
	return batch, Result{Rows: b.rows, Errors: b.errs}, nil
}

// sortErrors orders errors as catalog.ImportReport.SortErrors does.
func sortErrors(errs []catalog.RowError) {
	slices.SortStableFunc(errs, func(a, b catalog.RowError) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}
