// Package demo holds the demo catalog that `ocophub dev` seeds into a fresh
// database: two provincial co-op alliances (Thái Nguyên and Ninh Bình), their
// co-ops, OCOP products and variants with opening stock.
//
// The co-ops and products come from public reporting; star levels (other than
// the two 4-star teas), certification years, prices, stock, weights and the
// GTIN-13 codes are illustrative. The file is in the import format read by
// catalog/csvimport, and its tests parse this very copy, so the seed and the
// importer cannot drift apart.
package demo

import _ "embed"

// CSV is ocop-demo.csv: UTF-8, comma separated, one row per variant.
//
//go:embed ocop-demo.csv
var CSV []byte
