package main

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/catalog/store"
)

// TestWorkerRetentionSettings: retention is kept a few weeks for what is
// only needed for a while and 400 days for the history people read back;
// each is a flag and a variable, and a variable that is not a number of
// days stops the worker with its name.
func TestWorkerRetentionSettings(t *testing.T) {
	saved := workerFlags
	t.Cleanup(func() { workerFlags = saved })
	parse := func(args ...string) {
		t.Helper()
		fs := flag.NewFlagSet("worker", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		addWorkerFlags(fs)
		require.NoError(t, fs.Parse(args))
	}
	day := 24 * time.Hour
	parse()
	require.Equal(t, store.Retention{Outbox: 7 * day, Inbox: 30 * day, Sessions: 30 * day, PushAudit: 400 * day, AuditLog: 400 * day},
		workerRetention())
	require.Equal(t, 12, workerFlags.inboxAttempts)

	t.Setenv("OCOPHUB_RETAIN_AUDIT_LOG_DAYS", "800")
	t.Setenv("OCOPHUB_INBOX_MAX_ATTEMPTS", "5")
	parse("-retain-outbox-days", "0", "-retain-sessions-days", "3")
	got := workerRetention()
	require.Equal(t, time.Duration(0), got.Outbox, "0 keeps them for ever")
	require.Equal(t, 3*day, got.Sessions)
	require.Equal(t, 800*day, got.AuditLog)
	require.Equal(t, 5, workerFlags.inboxAttempts)
	require.NoError(t, workerFlags.err)

	t.Setenv("OCOPHUB_RETAIN_INBOX_DAYS", "a month")
	parse()
	require.ErrorContains(t, workerFlags.err, "OCOPHUB_RETAIN_INBOX_DAYS")
	_, err := newWorker(Config{}, nil)
	require.ErrorContains(t, err, "OCOPHUB_RETAIN_INBOX_DAYS", "the worker does not start")
}
