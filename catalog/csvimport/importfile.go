package csvimport

import (
	"bytes"
	"context"
	"strings"

	"ocophub/catalog"
)

// ImportFile parses a catalog file and imports it into st: xlsx when the
// name ends in .xlsx or the content is a zip, CSV otherwise. Problems found
// by the parser and by the store come back together in one report ordered
// by line. Without opts.SkipInvalid any problem means nothing is written and
// the error is invalid_argument; the CLI and the API both use this.
func ImportFile(ctx context.Context, st catalog.Store, body []byte, name string, opts catalog.ImportOptions) (catalog.ImportReport, error) {
	parse := Parse
	if strings.HasSuffix(strings.ToLower(name), ".xlsx") || bytes.HasPrefix(body, []byte("PK\x03\x04")) {
		parse = ParseXLSX
	}
	batch, parsed, err := parse(bytes.NewReader(body))
	if err != nil {
		rep := catalog.ImportReport{Rows: parsed.Rows, Errors: parsed.Errors}
		return rep, err
	}
	if len(parsed.Errors) > 0 && !opts.SkipInvalid {
		// Still ask the database about the valid rows, so one round of
		// fixes is enough; nothing is written.
		dry := opts
		dry.DryRun, dry.SkipInvalid = true, true
		checked, err := st.Import(ctx, batch, dry)
		if err != nil {
			return catalog.ImportReport{}, err
		}
		rep := catalog.ImportReport{Rows: parsed.Rows, Errors: append(parsed.Errors, checked.Errors...)}
		rep.SortErrors()
		return rep, catalog.ImportRejected(rep)
	}
	rep, err := st.Import(ctx, batch, opts)
	rep.Rows = parsed.Rows
	if len(parsed.Errors) > 0 {
		rep.Errors = append(parsed.Errors, rep.Errors...)
		rep.SkippedRows += distinctLines(parsed.Errors)
		rep.SortErrors()
	}
	return rep, err
}

func distinctLines(errs []catalog.RowError) int {
	lines := map[int]bool{}
	for _, e := range errs {
		if e.Line > 1 {
			lines[e.Line] = true
		}
	}
	return len(lines)
}
