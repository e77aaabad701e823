package driver

import (
	"errors"
	"net/url"
	"regexp"
)

// secretParams are query parameters that carry secrets on some platform
// (Shopee puts access_token and sign in every URL).
var secretParam = regexp.MustCompile(`(?i)((?:access_token|refresh_token|sign|code|code_verifier|app_secret|partner_key|secret_key)=)[^&\s"']+`)

// Redact hides secret query parameters in s.
func Redact(s string) string { return secretParam.ReplaceAllString(s, "${1}REDACTED") }

// Transport wraps a transport failure (connection refused, timeout, a
// cancelled context) as CodeUnavailable, with the URL's query removed so no
// token or signature reaches a log.
func Transport(err error) *Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			ue = &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
			err = ue
		}
	}
	return &Error{Code: CodeUnavailable, Message: Redact(err.Error())}
}
