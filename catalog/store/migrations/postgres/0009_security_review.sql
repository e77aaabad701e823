-- Security review (issue 16).
-- may_consent: the user's password was set only by the platform or by a
-- manager of the co-op who may give consent, so the account speaks for the
-- co-op. An account an alliance admin made, or whose password it reset,
-- cannot give consent: the admin knows (or knew) its password. Existing
-- accounts start without it (fail closed); the operator restores it by
-- setting a new password.
ALTER TABLE users ADD COLUMN may_consent BOOLEAN NOT NULL DEFAULT FALSE;

-- A disabled user's tokens are revoked from now on; revoke those that
-- outlived their maker before.
UPDATE api_tokens SET revoked_at = now()
 WHERE revoked_at IS NULL AND created_by IN (SELECT id FROM users WHERE disabled);

-- Idempotency-Key: the first answer to a write, replayed for a retry with
-- the same key and body until expires_at.
CREATE TABLE idempotency_keys (
    id           BIGSERIAL PRIMARY KEY,
    principal    TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INT NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    location     TEXT NOT NULL DEFAULT '',
    body         BYTEA,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (principal, key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
