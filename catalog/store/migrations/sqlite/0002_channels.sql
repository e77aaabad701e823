-- Channels: shops (marketplace accounts) with encrypted tokens, listings
-- (variant × shop), orders brought in, the webhook inbox and the push audit.
CREATE TABLE shops (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    coop_id            INTEGER NOT NULL REFERENCES coops(id),
    platform           TEXT NOT NULL,
    external_id        TEXT NOT NULL,
    name               TEXT NOT NULL DEFAULT '',
    buffer_units       INTEGER NOT NULL DEFAULT 0,
    ratio_percent      INTEGER NOT NULL DEFAULT 100,
    max_shown          INTEGER NOT NULL DEFAULT 0,
    warehouse_ids      TEXT NOT NULL DEFAULT '',
    connected          BOOLEAN NOT NULL DEFAULT TRUE,
    token_key_id       TEXT NOT NULL DEFAULT '',
    token_ciphertext   BLOB,
    access_expires_at  DATETIME,
    refresh_expires_at DATETIME,
    authorized_until   DATETIME,
    orders_cursor      DATETIME,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (platform, external_id)
);
CREATE INDEX shops_coop ON shops (coop_id, id);

CREATE TABLE listings (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id           INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    coop_id           INTEGER NOT NULL REFERENCES coops(id),
    product_id        INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    variant_id        INTEGER NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
    title             TEXT NOT NULL DEFAULT '',
    price_vnd         INTEGER NOT NULL DEFAULT 0,
    category_id       TEXT NOT NULL DEFAULT '',
    attributes        TEXT NOT NULL DEFAULT '',
    external_item_id  TEXT NOT NULL DEFAULT '',
    external_model_id TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'draft',
    error             TEXT NOT NULL DEFAULT '',
    pushed_version    INTEGER NOT NULL DEFAULT 0,
    pushed_quantity   INTEGER NOT NULL DEFAULT 0,
    pushed_base       INTEGER NOT NULL DEFAULT 0,
    pushed_avail      INTEGER NOT NULL DEFAULT 0,
    pushed_at         DATETIME,
    sold_since_push   INTEGER NOT NULL DEFAULT 0,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at        DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (shop_id, variant_id)
);
CREATE INDEX listings_variant ON listings (variant_id);

CREATE TABLE orders (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id         INTEGER NOT NULL REFERENCES shops(id),
    coop_id         INTEGER NOT NULL REFERENCES coops(id),
    platform        TEXT NOT NULL,
    external_id     TEXT NOT NULL,
    status          TEXT NOT NULL,
    platform_status TEXT NOT NULL DEFAULT '',
    stock_state     TEXT NOT NULL DEFAULT 'none',
    total_vnd       INTEGER NOT NULL DEFAULT 0,
    tracking        TEXT NOT NULL DEFAULT '',
    flagged         TEXT NOT NULL DEFAULT '',
    placed_at       DATETIME NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (shop_id, external_id)
);
CREATE INDEX orders_coop ON orders (coop_id, id);

CREATE TABLE order_lines (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id     INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    position     INT NOT NULL,
    seller_sku   TEXT NOT NULL,
    variant_id   INTEGER,
    warehouse_id INTEGER,
    quantity     INTEGER NOT NULL,
    price_vnd    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX order_lines_order ON order_lines (order_id, position);

-- Every change of an order's status or stock state, for the audit.
CREATE TABLE order_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id    INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    stock_state TEXT NOT NULL,
    tracking    TEXT NOT NULL DEFAULT '',
    flagged     TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX order_events_order ON order_events (order_id, id);

-- Every verified push, stored before it is acknowledged; unique per event
-- so a push delivered twice is processed once.
CREATE TABLE webhook_inbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    platform     TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    shop_ext_id  TEXT NOT NULL DEFAULT '',
    order_ext_id TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    received_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    processed_at DATETIME,
    UNIQUE (platform, event_id)
);

CREATE TABLE push_audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    listing_id  INTEGER NOT NULL,
    shop_id     INTEGER NOT NULL,
    coop_id     INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    before_qty  INTEGER,
    after_qty   INTEGER,
    version     INTEGER NOT NULL DEFAULT 0,
    result      TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    latency_ms  INTEGER NOT NULL DEFAULT 0,
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX push_audit_listing ON push_audit (listing_id, id);
CREATE INDEX push_audit_coop ON push_audit (coop_id, id);
