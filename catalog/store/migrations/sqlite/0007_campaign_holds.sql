-- A co-op's reserved quantity for a campaign is held while the campaign
-- runs (a hold like a livestream's): set aside from the shops outside the
-- campaign's channels, drawn first by orders of the campaign's channels,
-- returned at the end. channels is ",shopee,lazada," for a LIKE match.
CREATE TABLE campaign_holds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    coop_id      INTEGER NOT NULL REFERENCES coops(id) ON DELETE CASCADE,
    variant_id   INTEGER NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id) ON DELETE CASCADE,
    channels     TEXT NOT NULL,
    requested    INTEGER NOT NULL CHECK (requested > 0),
    held         INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0),
    sold         INTEGER NOT NULL DEFAULT 0,
    returned     INTEGER NOT NULL DEFAULT 0,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (campaign_id, variant_id)
);
CREATE INDEX campaign_holds_active ON campaign_holds (variant_id) WHERE active;
