package webui

import (
	"strings"
	"time"

	"ocophub/catalog"
	"ocophub/catalog/store"
	"ocophub/connectors/driver"
)

// explainedCodes are the connectors' error codes, each with a message
// "explain.<code>" that says in plain words what happened and what to do.
var explainedCodes = []driver.Code{
	driver.CodeNotFound, driver.CodeAlreadyExists, driver.CodeInvalidArgument, driver.CodePermissionDenied,
	driver.CodeUnauthenticated, driver.CodeResourceExhausted, driver.CodeUnavailable,
	driver.CodeFailedPrecondition, driver.CodeInternal,
}

// explanationID is the message that explains a channel error as the
// worker stored it on a listing or a push (driver.Error's text, "code
// (vendor): message", possibly after an operation prefix): the earliest
// code named in it, else the generic one.
func explanationID(channelError string) string {
	best, at := "explain.unknown", len(channelError)
	for _, c := range explainedCodes {
		if i := strings.Index(channelError, string(c)); i >= 0 && i < at {
			best, at = "explain."+string(c), i
		}
	}
	return best
}

// Light is a shop's sync health: green, amber or red, with the reason in
// plain words (a message id and its arguments).
type Light struct {
	Color  string // "green", "amber", "red"
	Reason string
	Args   []any
	// Detail is the channel's own error, when there is one.
	Detail string
}

// ExpiryWarning is how long before a grant ends the hub warns.
const ExpiryWarning = 7 * 24 * time.Hour

// lagAllowed is how long listings may wait for their push before a shop
// turns amber.
const lagAllowed = 2 * time.Minute

// grantEnds is when the seller must connect the shop again: the end of
// the authorization when the platform said it, else the end of the
// refresh token (a refresh renews it; a shop that stops refreshing must
// reconnect by then).
func grantEnds(s catalog.Shop) time.Time {
	if !s.AuthorizedUntil.IsZero() {
		return s.AuthorizedUntil
	}
	return s.RefreshExpiresAt
}

// shopLight decides a shop's light: red when pushes cannot happen or the
// last one failed, amber when something will go wrong soon or pushes are
// late, green otherwise.
func shopLight(s catalog.Shop, sync *store.ShopSync, now time.Time) Light {
	if sync == nil {
		sync = &store.ShopSync{Listings: map[catalog.ListingStatus]int{}}
	}
	ends := grantEnds(s)
	lastOK, lastErr := sync.LastOK, sync.LastError
	switch {
	case !s.Connected:
		return Light{Color: "red", Reason: "health.disconnected"}
	case !ends.IsZero() && !ends.After(now):
		return Light{Color: "red", Reason: "health.expired", Args: []any{"Date", dateOf(ends)}}
	case lastErr != nil && (lastOK == nil || lastErr.ID > lastOK.ID):
		return Light{Color: "red", Reason: "health.push_failing", Args: []any{"Time", dateTimeOf(lastErr.At)}, Detail: lastErr.Error}
	case sync.Listings[catalog.ListingError] > 0:
		return Light{Color: "red", Reason: "health.listing_errors", Args: []any{"N", sync.Listings[catalog.ListingError]}}
	case !ends.IsZero() && ends.Sub(now) < ExpiryWarning:
		days := int(ends.Sub(now).Hours()/24) + 1
		return Light{Color: "amber", Reason: "health.expiring", Args: []any{"Days", days, "Date", dateOf(ends)}}
	case sync.Behind > 0 && (lastOK == nil || now.Sub(lastOK.At) > lagAllowed):
		return Light{Color: "amber", Reason: "health.behind", Args: []any{"N", sync.Behind}}
	case lastOK != nil:
		return Light{Color: "green", Reason: "health.ok", Args: []any{"Time", dateTimeOf(lastOK.At)}}
	default:
		return Light{Color: "green", Reason: "health.ok_nothing_yet"}
	}
}
