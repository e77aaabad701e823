-- Channels: shops (marketplace accounts) with encrypted tokens, listings
-- (variant × shop), orders brought in, the webhook inbox and the push audit.
CREATE TABLE shops (
    id                 BIGSERIAL PRIMARY KEY,
    coop_id            BIGINT NOT NULL REFERENCES coops(id),
    platform           TEXT NOT NULL,
    external_id        TEXT NOT NULL,
    name               TEXT NOT NULL DEFAULT '',
    buffer_units       BIGINT NOT NULL DEFAULT 0,
    ratio_percent      BIGINT NOT NULL DEFAULT 100,
    max_shown          BIGINT NOT NULL DEFAULT 0,
    warehouse_ids      TEXT NOT NULL DEFAULT '',
    connected          BOOLEAN NOT NULL DEFAULT TRUE,
    token_key_id       TEXT NOT NULL DEFAULT '',
    token_ciphertext   BYTEA,
    access_expires_at  TIMESTAMPTZ,
    refresh_expires_at TIMESTAMPTZ,
    authorized_until   TIMESTAMPTZ,
    orders_cursor      TIMESTAMPTZ,
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (platform, external_id)
);
CREATE INDEX shops_coop ON shops (coop_id, id);

CREATE TABLE listings (
    id                BIGSERIAL PRIMARY KEY,
    shop_id           BIGINT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    coop_id           BIGINT NOT NULL REFERENCES coops(id),
    product_id        BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    variant_id        BIGINT NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
    title             TEXT NOT NULL DEFAULT '',
    price_vnd         BIGINT NOT NULL DEFAULT 0,
    category_id       TEXT NOT NULL DEFAULT '',
    attributes        TEXT NOT NULL DEFAULT '',
    external_item_id  TEXT NOT NULL DEFAULT '',
    external_model_id TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'draft',
    error             TEXT NOT NULL DEFAULT '',
    pushed_version    BIGINT NOT NULL DEFAULT 0,
    pushed_quantity   BIGINT NOT NULL DEFAULT 0,
    pushed_base       BIGINT NOT NULL DEFAULT 0,
    pushed_avail      BIGINT NOT NULL DEFAULT 0,
    pushed_at         TIMESTAMPTZ,
    sold_since_push   BIGINT NOT NULL DEFAULT 0,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (shop_id, variant_id)
);
CREATE INDEX listings_variant ON listings (variant_id);

CREATE TABLE orders (
    id              BIGSERIAL PRIMARY KEY,
    shop_id         BIGINT NOT NULL REFERENCES shops(id),
    coop_id         BIGINT NOT NULL REFERENCES coops(id),
    platform        TEXT NOT NULL,
    external_id     TEXT NOT NULL,
    status          TEXT NOT NULL,
    platform_status TEXT NOT NULL DEFAULT '',
    stock_state     TEXT NOT NULL DEFAULT 'none',
    total_vnd       BIGINT NOT NULL DEFAULT 0,
    tracking        TEXT NOT NULL DEFAULT '',
    flagged         TEXT NOT NULL DEFAULT '',
    placed_at       TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (shop_id, external_id)
);
CREATE INDEX orders_coop ON orders (coop_id, id);

CREATE TABLE order_lines (
    id           BIGSERIAL PRIMARY KEY,
    order_id     BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    position     INT NOT NULL,
    seller_sku   TEXT NOT NULL,
    variant_id   BIGINT,
    warehouse_id BIGINT,
    quantity     BIGINT NOT NULL,
    price_vnd    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX order_lines_order ON order_lines (order_id, position);

-- Every change of an order's status or stock state, for the audit.
CREATE TABLE order_events (
    id          BIGSERIAL PRIMARY KEY,
    order_id    BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    stock_state TEXT NOT NULL,
    tracking    TEXT NOT NULL DEFAULT '',
    flagged     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order ON order_events (order_id, id);

-- Every verified push, stored before it is acknowledged; unique per event
-- so a push delivered twice is processed once.
CREATE TABLE webhook_inbox (
    id           BIGSERIAL PRIMARY KEY,
    platform     TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    shop_ext_id  TEXT NOT NULL DEFAULT '',
    order_ext_id TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    processed_at TIMESTAMPTZ,
    UNIQUE (platform, event_id)
);

CREATE TABLE push_audit (
    id          BIGSERIAL PRIMARY KEY,
    listing_id  BIGINT NOT NULL,
    shop_id     BIGINT NOT NULL,
    coop_id     BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    before_qty  BIGINT,
    after_qty   BIGINT,
    version     BIGINT NOT NULL DEFAULT 0,
    result      TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    latency_ms  BIGINT NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX push_audit_listing ON push_audit (listing_id, id);
CREATE INDEX push_audit_coop ON push_audit (coop_id, id);
