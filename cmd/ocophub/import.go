package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"ocophub/catalog"
	"ocophub/catalog/csvimport"
	"ocophub/catalog/store"
)

var importFlags struct {
	skipInvalid, dryRun, asJSON bool
}

func init() {
	commandFlags["import"] = func(fs *flag.FlagSet) {
		fs.BoolVar(&importFlags.skipInvalid, "skip-invalid", false, "import the valid rows and skip the bad ones (default: one bad row imports nothing)")
		fs.BoolVar(&importFlags.dryRun, "dry-run", false, "check the file against the database and write nothing")
		fs.BoolVar(&importFlags.asJSON, "json", false, "print the report as JSON")
	}
}

// runImport imports one catalog file and prints what it did, or every bad
// row with its line and column.
func runImport(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: ocophub import [-skip-invalid] [-dry-run] FILE.csv|FILE.xlsx")
	}
	body, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	s, err := openMigrated(ctx, cfg, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	ctx = catalog.WithScope(ctx, catalog.OperatorScope())
	rep, importErr := csvimport.ImportFile(ctx, s, body, args[0], catalog.ImportOptions{
		SkipInvalid: importFlags.skipInvalid, DryRun: importFlags.dryRun, Actor: "cli"})
	if importFlags.asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		printReport(out, args[0], rep)
	}
	if importErr != nil {
		if len(rep.Errors) > 0 {
			fmt.Fprintf(out, "%s: %v\n", args[0], importErr)
			return errReported
		}
		return importErr
	}
	return nil
}

func printReport(w io.Writer, name string, r catalog.ImportReport) {
	for _, e := range r.Errors {
		fmt.Fprintf(w, "%s:%d: column %s: %s (%s)\n", name, e.Line, e.Column, e.Reason, e.Code)
	}
	state := "written"
	if !r.Written {
		state = "NOT written"
	}
	fmt.Fprintf(w, "%s: %d row(s), %s\n", name, r.Rows, state)
	for _, c := range []struct {
		what string
		n    catalog.Counts
	}{{"alliances", r.Alliances}, {"co-ops", r.Coops}, {"products", r.Products}, {"variants", r.Variants}} {
		fmt.Fprintf(w, "  %-9s %d created, %d updated, %d unchanged\n", c.what, c.n.Created, c.n.Updated, c.n.Unchanged)
	}
	fmt.Fprintf(w, "  opening stock set for %d variant(s), kept for %d; %d row(s) skipped\n",
		r.OpeningStockSet, r.OpeningStockKept, r.SkippedRows)
}
