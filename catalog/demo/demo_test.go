package demo

import (
	"bytes"
	"encoding/csv"
	"testing"

	"ocophub/catalog"
)

// Every demo product has a certificate, and each case shows on any day
// the demo starts after Hảo Đạt's expiry.
func TestCertificatesShowEachCase(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(CSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	today := catalog.NewDate(2026, 12, 7)
	certs := Certificates(today)
	for _, r := range rows[1:] {
		c, ok := certs[r[6]]
		if !ok {
			t.Fatalf("no certificate for %s", r[6])
		}
		if err := c.Validate().Err(); err != nil {
			t.Errorf("%s: %v", r[6], err)
		}
	}
	if len(certs) != 8 {
		t.Errorf("%d certificates for 8 products", len(certs))
	}
	for code, c := range certs {
		switch {
		case code == "CHE-HAODAT":
			if !c.Expired(today) {
				t.Errorf("Hảo Đạt's certificate should have ended on 01/01/2026")
			}
		case code == "CHE-LABANG":
			if w := c.Warning(today); w != 90 || today.DaysUntil(c.ExpiresOn) != 45 {
				t.Errorf("La Bằng's certificate: warning %d, %d days left", w, today.DaysUntil(c.ExpiresOn))
			}
		case !c.ValidOn(today) || c.Warning(today) != 0:
			t.Errorf("%s's certificate should be in force, far from expiry: %+v", code, c)
		}
	}
}
