-- Alliance promotion campaigns: the campaign and its selection rules, price
-- floors per SKU, the SKUs co-ops opt in (with the units they set aside),
-- and each listing's campaign price state, so starting and ending are
-- idempotent per listing and survive a crashed worker.
CREATE TABLE campaigns (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    alliance_id    INTEGER NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    -- The rules as JSON (the record), and the co-ops their co-op and
    -- province rules selected when the campaign was made, as ",id,id,"
    -- ('' for every co-op of the alliance): what a co-op's offers match.
    rules          TEXT NOT NULL DEFAULT '{}',
    target_coops   TEXT NOT NULL DEFAULT '',
    discount_kind  TEXT NOT NULL,
    discount_value INTEGER NOT NULL,
    channels       TEXT NOT NULL,
    starts_at      DATETIME NOT NULL,
    ends_at        DATETIME NOT NULL,
    status         TEXT NOT NULL DEFAULT 'scheduled',
    started_at     DATETIME,
    ended_at       DATETIME,
    created_by     TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (discount_kind IN ('percent', 'amount') AND discount_value > 0),
    CHECK (status IN ('scheduled', 'running', 'ended', 'cancelled')),
    CHECK (ends_at > starts_at)
);
CREATE INDEX campaigns_alliance ON campaigns (alliance_id, id);
CREATE INDEX campaigns_due ON campaigns (status, starts_at, ends_at);

CREATE TABLE campaign_floors (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    variant_id  INTEGER NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
    floor_vnd   INTEGER NOT NULL CHECK (floor_vnd > 0),
    PRIMARY KEY (campaign_id, variant_id)
);

-- A co-op's SKU in a campaign. reserved_qty is recorded for the hold pool
-- (livestream work) to set aside; nothing holds it yet.
CREATE TABLE campaign_items (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id    INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    coop_id        INTEGER NOT NULL REFERENCES coops(id) ON DELETE CASCADE,
    product_id     INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    variant_id     INTEGER NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
    reserved_qty   INTEGER NOT NULL DEFAULT 0 CHECK (reserved_qty >= 0),
    joined_by      TEXT NOT NULL DEFAULT '',
    joined_role    TEXT NOT NULL DEFAULT '',
    joined_user_id INTEGER,
    created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (campaign_id, variant_id)
);
CREATE INDEX campaign_items_coop ON campaign_items (coop_id, campaign_id);
CREATE INDEX campaign_items_variant ON campaign_items (variant_id);

-- One listing's price in a campaign. gen moves at every change of state;
-- synced_gen is the last gen the channel was told, so synced_gen < gen is
-- a push still owed (the sweep re-drives it).
CREATE TABLE campaign_listings (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id        INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    listing_id         INTEGER NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    shop_id            INTEGER NOT NULL,
    coop_id            INTEGER NOT NULL,
    product_id         INTEGER NOT NULL,
    variant_id         INTEGER NOT NULL,
    platform           TEXT NOT NULL,
    state              TEXT NOT NULL DEFAULT 'pending',
    base_price_vnd     INTEGER NOT NULL DEFAULT 0,
    campaign_price_vnd INTEGER NOT NULL DEFAULT 0,
    restored_price_vnd INTEGER NOT NULL DEFAULT 0,
    reason             TEXT NOT NULL DEFAULT '',
    error              TEXT NOT NULL DEFAULT '',
    gen                INTEGER NOT NULL DEFAULT 0,
    synced_gen         INTEGER NOT NULL DEFAULT 0,
    attempts           INT NOT NULL DEFAULT 0,
    created_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (state IN ('pending', 'applied', 'restored', 'skipped')),
    UNIQUE (campaign_id, listing_id)
);
-- A listing sells at one campaign's price at a time.
CREATE UNIQUE INDEX campaign_listings_applied ON campaign_listings (listing_id) WHERE state = 'applied';
CREATE INDEX campaign_listings_unsynced ON campaign_listings (campaign_id) WHERE synced_gen < gen;
CREATE INDEX campaign_listings_coop ON campaign_listings (coop_id, campaign_id);
