-- Accounts: users with argon2id password hashes, cookie sessions and API
-- tokens (both stored as SHA-256 of a random secret, never the secret),
-- consent grants from co-ops to alliance staff, and the audit log a co-op
-- reads to see who acted on its data.
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    username            TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    role                TEXT NOT NULL,
    alliance_id         INTEGER REFERENCES alliances(id) ON DELETE CASCADE,
    coop_id             INTEGER REFERENCES coops(id) ON DELETE CASCADE,
    password_hash       TEXT NOT NULL,
    disabled            BOOLEAN NOT NULL DEFAULT FALSE,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (role IN ('operator', 'alliance_admin', 'alliance_staff', 'coop_manager', 'coop_seller')),
    -- A role belongs to exactly one kind of tenant.
    CHECK ((role = 'operator' AND alliance_id IS NULL AND coop_id IS NULL)
        OR (role IN ('alliance_admin', 'alliance_staff') AND alliance_id IS NOT NULL AND coop_id IS NULL)
        OR (role IN ('coop_manager', 'coop_seller') AND alliance_id IS NULL AND coop_id IS NOT NULL))
);
CREATE INDEX users_alliance ON users (alliance_id, id);
CREATE INDEX users_coop ON users (coop_id, id);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL,
    client_ip    TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    role         TEXT NOT NULL,
    alliance_id  INTEGER REFERENCES alliances(id) ON DELETE CASCADE,
    coop_id      INTEGER REFERENCES coops(id) ON DELETE CASCADE,
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at   DATETIME,
    last_used_at DATETIME,
    revoked_at   DATETIME,
    CHECK (role IN ('operator', 'alliance_admin', 'coop_manager', 'coop_seller')),
    CHECK ((role = 'operator' AND alliance_id IS NULL AND coop_id IS NULL)
        OR (role = 'alliance_admin' AND alliance_id IS NOT NULL AND coop_id IS NULL)
        OR (role IN ('coop_manager', 'coop_seller') AND alliance_id IS NULL AND coop_id IS NOT NULL))
);
CREATE INDEX api_tokens_alliance ON api_tokens (alliance_id, id);
CREATE INDEX api_tokens_coop ON api_tokens (coop_id, id);

-- A co-op manager's consent: named rights for one alliance staff member
-- until expires_at, unless revoked earlier.
CREATE TABLE consent_grants (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    coop_id       INTEGER NOT NULL REFERENCES coops(id) ON DELETE CASCADE,
    staff_user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    rights        TEXT NOT NULL,
    expires_at    DATETIME NOT NULL,
    granted_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    revoked_at    DATETIME,
    revoked_by    INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX consent_grants_staff ON consent_grants (staff_user_id, expires_at);
CREATE INDEX consent_grants_coop ON consent_grants (coop_id, id);

-- No foreign keys: the history outlives the users and objects it names.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    coop_id     INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    actor_role  TEXT NOT NULL DEFAULT '',
    user_id     INTEGER,
    token_id    INTEGER,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id   INTEGER,
    detail      TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX audit_log_coop ON audit_log (coop_id, id);
