package store

import (
	"context"
	"time"

	"ocophub/catalog"
)

// operatorOnly refuses every scope but the operator's: the worker's sweeps
// and the webhook inbox read and change rows of every co-op, and the
// worker alone handles the shops' plain tokens and channel state.
func operatorOnly(ctx context.Context) error {
	if sc, err := scopeOf(ctx); err != nil || !sc.IsOperator() {
		return &catalog.Error{Code: catalog.CodePermissionDenied, Message: "only the operator (the worker, the webhooks) may do this"}
	}
	return nil
}

// StaleConnectedListings are live listings of connected shops whose pushed
// version is behind their variant's stock version, after listing afterID in
// id order: what the relay re-drives after Redis lost its queue or a
// worker crashed between a change and its push. A disconnected shop's
// listings are left out: nothing can push them, and a page full of them
// would hide the ones that can be.
func (s *Store) StaleConnectedListings(ctx context.Context, afterID int64, limit int) ([]catalog.Listing, error) {
	if err := operatorOnly(ctx); err != nil {
		return nil, err
	}
	var rows []listingRow
	err := s.db.WithContext(ctx).Raw(`SELECT l.* FROM listings l
		JOIN shops sh ON sh.id = l.shop_id AND sh.connected
		JOIN (SELECT variant_id, SUM(version) AS v FROM stock_levels GROUP BY variant_id) sv ON sv.variant_id = l.variant_id
		WHERE l.status = ? AND l.pushed_version < sv.v AND l.id > ? ORDER BY l.id LIMIT ?`,
		string(catalog.ListingLive), afterID, limit).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "listing")
	}
	out := make([]catalog.Listing, len(rows))
	for i, r := range rows {
		out[i] = r.asDomain()
	}
	return out, nil
}

// Retention is how long rows nobody needs any more are kept; zero keeps
// them for ever.
type Retention struct {
	// Outbox: events the relay sent. Inbox: pushes processed, and dead
	// letters from their death. Sessions: from their absolute end.
	Outbox, Inbox, Sessions time.Duration
	// PushAudit and AuditLog are the history people read back: kept longest.
	PushAudit, AuditLog time.Duration
}

// pruneBatch is how many rows one DELETE removes, so a first prune of a
// large table never holds one long transaction.
const pruneBatch = 5000

// Prune removes the rows past their retention and returns how many it
// removed per table (tables with nothing to remove are left out).
func (s *Store) Prune(ctx context.Context, r Retention) (map[string]int64, error) {
	if err := operatorOnly(ctx); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	steps := []struct {
		table, where string
		keep         time.Duration
	}{
		{"outbox", "sent_at < ?", r.Outbox},
		{"webhook_inbox", "processed_at < ?", r.Inbox},
		{"webhook_inbox", "dead_at < ?", r.Inbox},
		{"sessions", "expires_at < ?", r.Sessions},
		{"push_audit", "created_at < ?", r.PushAudit},
		{"audit_log", "created_at < ?", r.AuditLog},
	}
	removed := map[string]int64{}
	for _, st := range steps {
		if st.keep <= 0 {
			continue
		}
		before := now.Add(-st.keep)
		for {
			res := s.db.WithContext(ctx).Exec(`DELETE FROM `+st.table+` WHERE id IN (SELECT id FROM `+st.table+
				` WHERE `+st.where+` ORDER BY id LIMIT ?)`, before, pruneBatch)
			if res.Error != nil {
				return removed, translate(res.Error, st.table)
			}
			if res.RowsAffected > 0 {
				removed[st.table] += res.RowsAffected
			}
			if res.RowsAffected < pruneBatch {
				break
			}
		}
	}
	return removed, nil
}
