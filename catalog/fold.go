package catalog

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold turns text into its search key: lower case, Vietnamese diacritics
// removed (đ becomes d), spaces collapsed. A seller typing "tra" on a phone
// keyboard without tones must find "Trà", and "che" must find "Chè".
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ':
			return 'd'
		}
		return unicode.ToLower(r)
	}, out)
	return strings.Join(strings.Fields(out), " ")
}

// NormalizeText returns s in Unicode NFC with surrounding space trimmed and
// line breaks as "\n", the one form the hub stores Vietnamese in (input from
// old phone keyboards and spreadsheets is often decomposed NFD; browsers
// send a textarea's lines with "\r\n", so a form saved unchanged would
// otherwise differ from what it showed).
func NormalizeText(s string) string {
	s = strings.NewReplacer("\x00", "", "\r\n", "\n").Replace(s)
	return strings.TrimSpace(norm.NFC.String(s))
}
