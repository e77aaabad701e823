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

import (
	_ "embed"
	"time"

	"ocophub/catalog"
)

// CSV is ocop-demo.csv: UTF-8, comma separated, one row per variant.
//
//go:embed ocop-demo.csv
var CSV []byte

// Certificates are the demo products' OCOP certificates as `ocophub dev`
// sets them after the import (the file has only the year): illustrative
// decision numbers, and dates that show each case on any day the demo
// starts. Hảo Đạt's ended on 01/01/2026 (its stars are withdrawn
// everywhere); La Bằng's ends 45 days after today (the dashboard warns);
// the others were renewed in 2025–2026 and run 36 months.
func Certificates(today catalog.Date) map[string]catalog.Certificate {
	renewed := func(number string, year int, month time.Month, day int) catalog.Certificate {
		on := catalog.NewDate(year, month, day)
		return catalog.Certificate{Number: number, CertifiedOn: on, ExpiresOn: on.AddMonths(catalog.CertificateValidity)}
	}
	ending := today.AddDays(45)
	return map[string]catalog.Certificate{
		"CHE-HAODAT":       {Number: "3258/QĐ-UBND", CertifiedOn: catalog.NewDate(2023, 1, 1), ExpiresOn: catalog.NewDate(2026, 1, 1)},
		"CHE-LABANG":       {Number: "2197/QĐ-UBND", CertifiedOn: ending.AddMonths(-catalog.CertificateValidity), ExpiresOn: ending},
		"CHE-DATPHAT":      renewed("1046/QĐ-UBND", 2026, time.March, 12),
		"NGHE-BKFOODS":     renewed("4410/QĐ-UBND", 2025, time.November, 20),
		"TRA-PHUDO":        renewed("3987/QĐ-UBND", 2025, time.October, 6),
		"MATONG-CUCPHUONG": renewed("2716/QĐ-UBND", 2025, time.September, 9),
		"TRA-CUCCHI":       renewed("512/QĐ-UBND", 2026, time.February, 27),
		"TRA-TAMANNGUYEN":  renewed("1380/QĐ-UBND", 2026, time.May, 15),
	}
}
