package drivertest

import (
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"ocophub/connectors/driver"
)

// WebhookFuzz describes a driver's push signature to FuzzWebhook. Sign and
// Valid are the test's own reading of the platform's rule, written apart
// from the driver's, so the fuzzer checks one against the other.
type WebhookFuzz struct {
	// Driver verifies pushes: an app-level driver, no shop, no token.
	Driver driver.Driver
	// Header is where the platform puts the signature.
	Header string
	// Sign returns the headers that sign body as posted to callbackURL.
	Sign func(callbackURL string, body []byte) http.Header
	// Valid reports whether header carries a correct signature of body.
	Valid func(callbackURL string, header http.Header, body []byte) bool
	// Seeds are pushes of the platform; testdata/fuzz holds more.
	Seeds [][]byte
}

// FuzzWebhook fuzzes push parsing and verification with pushes that are
// correctly signed (sign true) or carry an arbitrary signature: nothing
// panics; a push without a valid signature is always refused with
// PermissionDenied, whatever its body; a signed push gives events with ids
// (an order event names its order) or a coded refusal; and the signature
// of a push does not carry over to a body changed by one byte.
func FuzzWebhook(f *testing.F, w WebhookFuzz) {
	const callback = "https://hub.example.vn/webhooks/push"
	for _, s := range w.Seeds {
		f.Add(callback, s, true, "")
		f.Add(callback, s, false, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	}
	f.Fuzz(func(t *testing.T, callbackURL string, body []byte, sign bool, forged string) {
		header := http.Header{w.Header: {forged}}
		if sign {
			header = w.Sign(callbackURL, body)
		}
		events, err := w.Driver.ParseWebhook(callbackURL, header, body)
		if !w.Valid(callbackURL, header, body) {
			require.Equal(t, driver.CodePermissionDenied, driver.CodeOf(err), "a push without a valid signature was not refused: %q", body)
			require.Nil(t, events)
			return
		}
		if err != nil {
			require.Contains(t, []driver.Code{driver.CodeInvalidArgument, driver.CodePermissionDenied}, driver.CodeOf(err), "%v", err)
			require.Nil(t, events)
			return
		}
		require.NotEmpty(t, events)
		for _, ev := range events {
			require.NotEmpty(t, ev.ID, "every event has an id, for the inbox")
			if ev.Kind == driver.EventOrderStatus {
				require.NotEmpty(t, ev.OrderID)
			}
		}
		tampered := append(slices.Clone(body), ' ')
		_, err = w.Driver.ParseWebhook(callbackURL, header, tampered)
		require.Equal(t, driver.CodePermissionDenied, driver.CodeOf(err), "a signature carried over to another body")
	})
}
