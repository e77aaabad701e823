-- Catalog and stock spine: tenants, products, variants, stock levels, the
-- stock ledger and the transactional outbox.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE alliances (
    id          BIGSERIAL PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    province    TEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE coops (
    id          BIGSERIAL PRIMARY KEY,
    alliance_id BIGINT NOT NULL REFERENCES alliances(id),
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    province    TEXT NOT NULL,
    commune     TEXT NOT NULL DEFAULT '',
    tax_code    TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX coops_alliance ON coops (alliance_id, id);

CREATE TABLE warehouses (
    id          BIGSERIAL PRIMARY KEY,
    coop_id     BIGINT NOT NULL REFERENCES coops(id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (coop_id, code)
);

CREATE TABLE products (
    id             BIGSERIAL PRIMARY KEY,
    coop_id        BIGINT NOT NULL REFERENCES coops(id),
    code           TEXT NOT NULL,
    name_vi        TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    description_vi TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    ocop_group     TEXT NOT NULL,
    ocop_stars     SMALLINT NOT NULL CHECK (ocop_stars BETWEEN 3 AND 5),
    certificate_no TEXT NOT NULL DEFAULT '',
    certified_on   TEXT NOT NULL,
    expires_on     TEXT NOT NULL,
    search_text    TEXT NOT NULL DEFAULT '',
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (coop_id, code)
);
CREATE INDEX products_coop ON products (coop_id, id);
CREATE INDEX products_stars ON products (ocop_stars, id);
CREATE INDEX products_group ON products (ocop_group, id);
-- q= search: a trigram index serves LIKE '%…%' on the folded text.
CREATE INDEX products_search ON products USING gin (search_text gin_trgm_ops);

CREATE TABLE variants (
    id               BIGSERIAL PRIMARY KEY,
    product_id       BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    coop_id          BIGINT NOT NULL REFERENCES coops(id),
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
    price_vnd        BIGINT NOT NULL CHECK (price_vnd >= 0),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (coop_id, sku)
);
CREATE INDEX variants_product ON variants (product_id, position);
CREATE UNIQUE INDEX variants_gtin ON variants (gtin13) WHERE gtin13 IS NOT NULL;

CREATE TABLE stock_levels (
    variant_id   BIGINT NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
    warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
    coop_id      BIGINT NOT NULL REFERENCES coops(id),
    on_hand      BIGINT NOT NULL DEFAULT 0,
    reserved     BIGINT NOT NULL DEFAULT 0,
    version      BIGINT NOT NULL DEFAULT 0,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (variant_id, warehouse_id),
    CHECK (reserved >= 0 AND on_hand >= reserved)
);

-- The ledger outlives the variants it describes: no foreign keys.
CREATE TABLE stock_movements (
    id             BIGSERIAL PRIMARY KEY,
    variant_id     BIGINT NOT NULL,
    warehouse_id   BIGINT NOT NULL,
    coop_id        BIGINT NOT NULL,
    op             TEXT NOT NULL,
    on_hand_delta  BIGINT NOT NULL,
    reserved_delta BIGINT NOT NULL,
    reason         TEXT NOT NULL,
    actor          TEXT NOT NULL,
    order_ref      TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    version        BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX stock_movements_variant ON stock_movements (variant_id, id);

CREATE TABLE outbox (
    id         BIGSERIAL PRIMARY KEY,
    topic      TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at    TIMESTAMPTZ
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
