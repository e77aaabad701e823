-- Webhook inbox retries: each event counts its attempts and waits out a
-- back-off before the next; after the last it is a dead letter (dead_at,
-- error), kept for a person. A push signed but unreadable is stored dead at
-- once. The sweep reads due events from a partial index.
ALTER TABLE webhook_inbox ADD COLUMN attempts INT NOT NULL DEFAULT 1;
ALTER TABLE webhook_inbox ADD COLUMN next_attempt_at TIMESTAMPTZ;
ALTER TABLE webhook_inbox ADD COLUMN dead_at TIMESTAMPTZ;
ALTER TABLE webhook_inbox ADD COLUMN error TEXT NOT NULL DEFAULT '';
UPDATE webhook_inbox SET next_attempt_at = received_at WHERE processed_at IS NULL;
CREATE INDEX webhook_inbox_due ON webhook_inbox (next_attempt_at) WHERE processed_at IS NULL AND dead_at IS NULL;

-- Retention removes rows by age, a batch at a time.
CREATE INDEX webhook_inbox_processed ON webhook_inbox (processed_at) WHERE processed_at IS NOT NULL;
CREATE INDEX webhook_inbox_dead ON webhook_inbox (dead_at) WHERE dead_at IS NOT NULL;
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX push_audit_created ON push_audit (created_at);
CREATE INDEX audit_log_created ON audit_log (created_at);
