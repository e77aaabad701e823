-- Livestream sessions: a co-op seller sets units of some variants aside for
-- the shop where the live happens (the hold pool). Held units are not
-- available to any other shop; the live shop is shown its hold; its orders
-- draw from the hold first; leftovers go back when the live ends.
ALTER TABLE stock_levels ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stock_movements ADD COLUMN held_delta INTEGER NOT NULL DEFAULT 0;

-- A shop's stock rule may split the last units between the shops that
-- share them (split_below: 0 = never), so together they never show more
-- than exists.
ALTER TABLE shops ADD COLUMN split_below INTEGER NOT NULL DEFAULT 0;

CREATE TABLE live_sessions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    coop_id        INTEGER NOT NULL REFERENCES coops(id),
    shop_id        INTEGER NOT NULL REFERENCES shops(id),
    title          TEXT NOT NULL,
    status         TEXT NOT NULL,
    planned_end_at DATETIME,
    started_at     DATETIME,
    ended_at       DATETIME,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX live_sessions_coop ON live_sessions (coop_id, id);
CREATE INDEX live_sessions_live ON live_sessions (status, planned_end_at);

-- One row per variant of a session: held is what is left in the pool now.
CREATE TABLE live_holds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id   INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    coop_id      INTEGER NOT NULL REFERENCES coops(id),
    shop_id      INTEGER NOT NULL REFERENCES shops(id),
    variant_id   INTEGER NOT NULL REFERENCES variants(id),
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    requested    INTEGER NOT NULL,
    held         INTEGER NOT NULL DEFAULT 0,
    sold         INTEGER NOT NULL DEFAULT 0,
    returned     INTEGER NOT NULL DEFAULT 0,
    active       BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (session_id, variant_id)
);
-- A variant is in at most one live hold at a time.
CREATE UNIQUE INDEX live_holds_active_variant ON live_holds (variant_id) WHERE active;
