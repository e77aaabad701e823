// Package csvimport reads a catalog spreadsheet (CSV or .xlsx) into a
// catalog.ImportBatch: alliances, co-ops, products and variants with opening
// stock, each tagged with the file line it came from; and writes the
// catalog out in the same format (Export).
//
// # File format
//
// One row per variant (SKU). The first row is the header; columns are matched
// by name, in any order. These columns must be in the header and have a value
// on every row:
//
//	alliance_code alliance_name province coop_code coop_name product_code
//	product_name_vi ocop_group ocop_stars sku variant_name_vi price_vnd
//
// and the certification, as ocop_certified_year or ocop_certified_on (at
// least one of the two columns, and a value in one of them on every row).
// These columns may be left out or left empty:
//
//	commune product_name_en description_vi description_en gtin13
//	net_weight_g stock coop_tax_code ocop_certificate_no ocop_expires_on
//	variant_name_en length_mm width_mm height_mm package_weight_g
//	coop_province stock@<warehouse code> stock_exported
//
// province is the alliance's, and the co-op's too unless coop_province
// gives the co-op's own.
//
// # Export and stock
//
// Export writes the catalog in these columns (one row per variant), so an
// edited export imports back: products and variants are matched by code and
// SKU and only what changed is written. Stock goes as one stock@CODE column
// per warehouse code (the on-hand quantity) and stock_exported, what the
// export read ("MAIN=120@4": warehouse=on hand@level version). On import a
// stock@ cell is applied only when it differs from what was exported, as an
// adjustment at the exported level version (catalog.StockCell): an
// untouched cell of an old file never moves stock, and an edited cell over
// stock that orders moved since is a stock_changed row error (a cell below
// what orders hold is insufficient_stock), so the whole file is refused and
// the person exports again. A row with stock@ cells takes no opening stock;
// the stock column keeps its meaning for files that are not exports:
// opening stock for a variant with no stock yet.
//
// Any other header name is an error, so a misspelt column is caught instead
// of silently dropped. CSV is UTF-8 with or without a byte order mark,
// separated by commas, or by semicolons as Excel writes CSV under a
// Vietnamese locale (the header line decides).
//
// # Values
//
// Values are checked with the catalog package's parsers and Validate methods,
// so the rules are the same as in the API: GTIN-13 check digit, SKU
// characters, OCOP stars 3 to 5, the group by code or Vietnamese name (with
// or without diacritics), price by catalog.ParseVND ("95000", "95.000 ₫").
// Weights, package sizes and stock are whole non-negative numbers; an empty
// stock is 0. Text is stored in Unicode NFC whatever the file used.
//
// ocop_certified_year gives only a year, so the certificate is taken as
// issued on 1 January of that year: the earliest day it can have been in
// force. A product certified later in the year should give
// ocop_certified_on, which wins when both are present. Without
// ocop_expires_on the certificate expires catalog.CertificateValidity
// months after it was issued (catalog.Certificate.Normalize).
//
// # Grouping
//
// Alliances are matched by alliance_code, co-ops by coop_code, products by
// (coop_code, product_code), variants kept in file order. Every row of the
// same alliance, co-op or product must repeat the same values for it; a
// difference is reported on the later row, naming the earlier line. A co-op
// may belong to one alliance only, a SKU may appear once per co-op and a
// GTIN once per file.
//
// # Errors
//
// Every row is checked in full and every problem is reported as a
// catalog.RowError with the line (the header is line 1), the column, a
// stable Code (the Code… constants) and a plain-English reason. Rows with a
// problem are left out of the batch; the rest is kept. Whether to import the
// valid rows or nothing is the caller's choice (catalog.ImportOptions).
package csvimport
