package catalog

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// LocalPath returns p when it is a clean path of this site, fallback
// otherwise: a redirect target taken from a request ("next") must never
// leave the hub. Browsers drop tabs and newlines from a URL and read "\"
// as "/", so "/\t/evil.example" is "//evil.example" to them: any control
// or space character and any backslash is refused, as is anything with a
// scheme or a host.
func LocalPath(p, fallback string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsRune(p, '\\') ||
		strings.IndexFunc(p, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 ||
		!utf8.ValidString(p) {
		return fallback
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(u.Path, "//") {
		return fallback
	}
	return p
}

// SpreadsheetCell makes a value safe to put in a CSV or xlsx cell that
// people open in Excel, LibreOffice or Google Sheets: a text starting with
// = + - @ TAB or CR would be run as a formula (OWASP "CSV injection"), so it
// gets a leading apostrophe and stays text. A plain number ("-12") is left
// as it is: it is no formula.
func SpreadsheetCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "\t\r") {
		return s
	}
	return "'" + s
}

// SpreadsheetRow applies SpreadsheetCell to every cell of a row.
func SpreadsheetRow(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = SpreadsheetCell(c)
	}
	return out
}

// Bounds of a product search: each term is one LIKE over the search text,
// so the number of terms and the length of the query bound the work of one
// request (3,000 terms held a connection for 10 s).
const (
	MaxSearchTerms  = 8
	MaxSearchLength = 200 // characters, after folding
)

// SearchTerms are the distinct words of a folded query, in order.
func SearchTerms(folded string) []string {
	var out []string
	for _, w := range strings.Fields(folded) {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// checkSearch reports a query over the bounds, after repeated words are
// dropped.
func checkSearch(fe FieldErrors, folded string) {
	terms := SearchTerms(folded)
	switch {
	case utf8.RuneCountInString(strings.Join(terms, " ")) > MaxSearchLength:
		fe.Add("q", "the search is longer than "+strconv.Itoa(MaxSearchLength)+" characters")
	case len(terms) > MaxSearchTerms:
		fe.Add("q", "the search has more than "+strconv.Itoa(MaxSearchTerms)+" words")
	}
}

// Idempotency-Key (an IETF draft, as Stripe and others use it): a client
// that retries a write sends the key of the first try and gets its answer
// again, with no second effect.
const (
	IdempotencyTTL = 24 * time.Hour // an answer is replayed this long
	// IdempotencyPending frees a key whose request died. It outlasts the
	// longest request deadline (api.ImportTimeout, 5 minutes) with a
	// margin: a key freed sooner lets a retry run beside a first try that
	// is still at work.
	IdempotencyPending = 10 * time.Minute
	maxIdempotencyKey  = 255
)

// ValidIdempotencyKey reports whether k is 1 to 255 visible ASCII
// characters.
func ValidIdempotencyKey(k string) bool {
	if k == "" || len(k) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// ErrKeyReused is the answer to an Idempotency-Key sent again with another
// request (another route or body).
var ErrKeyReused = &Error{Code: CodeFailedPrecondition, Message: "this Idempotency-Key was used for another request"}

// Replay is the first answer to a request sent with an Idempotency-Key.
type Replay struct {
	Status      int
	ContentType string
	Location    string
	Body        []byte
}

// Idempotency keeps the answers of requests sent with an Idempotency-Key
// (*store.Store implements it), per caller: one caller's key is never
// another's.
type Idempotency interface {
	// ClaimKey claims key for a request with fingerprint: the claim's id
	// and no replay when the request is the first and must run (then
	// FinishKey or ReleaseKey with that id); the first answer when it ran
	// already; ErrKeyReused for another request under the key; conflict
	// while the first still runs.
	ClaimKey(ctx context.Context, caller, key, fingerprint string) (id int64, replay *Replay, err error)
	// FinishKey keeps the answer of claim id, and ReleaseKey frees it. They
	// touch that claim only: a first try that outlived IdempotencyPending
	// never overwrites or frees the claim of the retry that followed.
	FinishKey(ctx context.Context, id int64, r Replay) error
	ReleaseKey(ctx context.Context, id int64) error
}
