package catalog

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Lot is one receipt of a variant: a harvest or production batch with its
// own code, dates and "one step before" notes (Circular 02/2024/TT-BKHCN:
// where the inputs came from and when). The code is printed on the
// package and in the lot's GS1 Digital Link (AI 10), so it is unique per
// variant. Receiving a lot adds its quantity to the warehouse's stock.
//
// Quantity is what was received; what is left of the lot is not kept yet
// (per-lot stock and first-expiry-first-out allocation come later and
// will add an on-hand column to lots rather than change this one).
type Lot struct {
	ID          int64  `json:"id"`
	VariantID   int64  `json:"variant_id"`
	CoopID      int64  `json:"coop_id"`
	WarehouseID int64  `json:"warehouse_id"`
	Code        string `json:"code"`
	ProducedOn  Date   `json:"produced_on"`
	// ExpiresOn is the use-by day; ShelfLifeDays sets it from ProducedOn
	// when it is not given.
	ExpiresOn     Date   `json:"expires_on"`
	ShelfLifeDays int    `json:"shelf_life_days,omitempty"`
	Quantity      int64  `json:"quantity"`
	Notes         string `json:"notes,omitempty"`
	// GTIN is the variant's, filled by the store when it has one.
	GTIN GTIN `json:"gtin13,omitempty"`
	// DigitalLink is the lot's GS1 Digital Link URI, filled by the API.
	DigitalLink string    `json:"digital_link,omitempty"`
	ReceivedBy  string    `json:"received_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Limits of a lot's fields: GS1 allows 20 characters in AI 10.
const (
	MaxLotCode  = 20
	MaxLotNotes = 2000
)

// Normalize trims the text fields and fills ExpiresOn from the shelf life.
func (l *Lot) Normalize() {
	l.Code = strings.TrimSpace(l.Code)
	l.Notes = NormalizeText(l.Notes)
	if l.ExpiresOn.IsZero() && l.ShelfLifeDays > 0 && !l.ProducedOn.IsZero() {
		l.ExpiresOn = l.ProducedOn.AddDays(l.ShelfLifeDays)
	}
}

// Validate checks a lot to be received on day today (Vietnam's day, Today):
// every field error at once.
func (l *Lot) Validate(today Date) error {
	l.Normalize()
	fe := FieldErrors{}
	if l.VariantID <= 0 {
		fe.Add("variant_id", "variant is required")
	}
	if l.WarehouseID <= 0 {
		fe.Add("warehouse_id", "warehouse is required")
	}
	fe.Check("code", ValidateLotCode(l.Code))
	switch {
	case l.ProducedOn.IsZero():
		fe.Add("produced_on", "production or harvest date is required")
	case today.Before(l.ProducedOn):
		fe.Add("produced_on", "production date cannot be in the future")
	}
	switch {
	case l.ShelfLifeDays < 0:
		fe.Add("shelf_life_days", "shelf life must be positive")
	case l.ExpiresOn.IsZero():
		fe.Add("expires_on", "expiry date or shelf life is required")
	case !l.ProducedOn.IsZero() && !l.ProducedOn.Before(l.ExpiresOn):
		fe.Add("expires_on", "expiry must be after the production date")
	}
	if l.Quantity <= 0 {
		fe.Add("quantity", "quantity must be positive")
	}
	if utf8.RuneCountInString(l.Notes) > MaxLotNotes {
		fe.Add("notes", fmt.Sprintf("notes must be at most %d characters", MaxLotNotes))
	}
	return fe.Err()
}

// ValidateLotCode accepts 1 to 20 characters of GS1's character set 82
// (letters, digits and !"%&'()*+,-./:;<=>?_), what AI 10 may carry.
func ValidateLotCode(code string) error {
	if code == "" {
		return Errorf(CodeInvalidArgument, "lot code is required")
	}
	if len(code) > MaxLotCode {
		return Errorf(CodeInvalidArgument, "lot code must be at most %d characters", MaxLotCode)
	}
	for _, r := range code {
		if !inGS1Set82(r) {
			return Errorf(CodeInvalidArgument, "lot code may hold letters without accents, digits and !\"%%&'()*+,-./:;<=>?_ only, not %q", r)
		}
	}
	return nil
}

func inGS1Set82(r rune) bool {
	switch {
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("!\"%&'()*+,-./:;<=>?_", r)
}

// SuggestLotCode proposes the next lot code of day d: two digits of the
// year, two of the month and a letter counting the month's lots ("2612A",
// then "2612B"), skipping codes the variant already has. Past Z it goes
// on with two letters ("2612AA").
func SuggestLotCode(d Date, taken []string) string {
	prefix := d.t.Format("0601")
	used := map[string]bool{}
	for _, c := range taken {
		used[strings.ToUpper(c)] = true
	}
	for n := 0; ; n++ {
		code := prefix + letters(n)
		if !used[code] {
			return code
		}
	}
}

// letters is n in bijective base 26: 0 → A, 25 → Z, 26 → AA.
func letters(n int) string {
	s := ""
	for n++; n > 0; n = (n - 1) / 26 {
		s = string(rune('A'+(n-1)%26)) + s
	}
	return s
}
