-- Catalog and stock spine: tenants, products, variants, stock levels, the
-- stock ledger and the transactional outbox.


CREATE TABLE alliances (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    province    TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE coops (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    alliance_id INTEGER NOT NULL REFERENCES alliances(id),
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    province    TEXT NOT NULL,
    commune     TEXT NOT NULL DEFAULT '',
    tax_code    TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX coops_alliance ON coops (alliance_id, id);

CREATE TABLE warehouses (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    coop_id     INTEGER NOT NULL REFERENCES coops(id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (coop_id, code)
);

CREATE TABLE products (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    coop_id        INTEGER NOT NULL REFERENCES coops(id),
    code           TEXT NOT NULL,
    name_vi        TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    description_vi TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    ocop_group     TEXT NOT NULL,
    ocop_stars     INTEGER NOT NULL CHECK (ocop_stars BETWEEN 3 AND 5),
    certificate_no TEXT NOT NULL DEFAULT '',
    certified_on   TEXT NOT NULL,
    expires_on     TEXT NOT NULL,
    search_text    TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (coop_id, code)
);
CREATE INDEX products_coop ON products (coop_id, id);
CREATE INDEX products_stars ON products (ocop_stars, id);
CREATE INDEX products_group ON products (ocop_group, id);
-- q= search scans search_text with LIKE; SQLite serves the embedded demo, not 100k rows.
CREATE INDEX products_search ON products (search_text);

CREATE TABLE variants (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id       INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    coop_id          INTEGER NOT NULL REFERENCES coops(id),
    position         INT NOT NULL DEFAULT 0,
    sku              TEXT NOT NULL,
    name_vi          TEXT NOT NULL,
    name_en          TEXT NOT NULL DEFAULT '',
    gtin13           TEXT,
    net_weight_g     INT NOT NULL DEFAULT 0,
    length_mm        INT NOT NULL DEFAULT 0,
    width_mm         INT NOT NULL DEFAULT 0,
    height_mm        INT NOT NULL DEFAULT 0,
    package_weight_g INT NOT NULL DEFAULT 0,
    price_vnd        INTEGER NOT NULL CHECK (price_vnd >= 0),
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (coop_id, sku)
);
CREATE INDEX variants_product ON variants (product_id, position);
CREATE UNIQUE INDEX variants_gtin ON variants (gtin13) WHERE gtin13 IS NOT NULL;

CREATE TABLE stock_levels (
    variant_id   INTEGER NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    coop_id      INTEGER NOT NULL REFERENCES coops(id),
    on_hand      INTEGER NOT NULL DEFAULT 0,
    reserved     INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 0,
    updated_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (variant_id, warehouse_id),
    CHECK (reserved >= 0 AND on_hand >= reserved)
);

-- The ledger outlives the variants it describes: no foreign keys.
CREATE TABLE stock_movements (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    variant_id     INTEGER NOT NULL,
    warehouse_id   INTEGER NOT NULL,
    coop_id        INTEGER NOT NULL,
    op             TEXT NOT NULL,
    on_hand_delta  INTEGER NOT NULL,
    reserved_delta INTEGER NOT NULL,
    reason         TEXT NOT NULL,
    actor          TEXT NOT NULL,
    order_ref      TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL,
    created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX stock_movements_variant ON stock_movements (variant_id, id);

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    topic      TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    sent_at    DATETIME
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
