-- Security review (issue 16); see the PostgreSQL migration for the why.
ALTER TABLE users ADD COLUMN may_consent BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE api_tokens SET revoked_at = CURRENT_TIMESTAMP
 WHERE revoked_at IS NULL AND created_by IN (SELECT id FROM users WHERE disabled);

CREATE TABLE idempotency_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    principal    TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    location     TEXT NOT NULL DEFAULT '',
    body         BLOB,
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    UNIQUE (principal, key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
