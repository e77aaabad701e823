-- Product photos (issue 17 §1); see the PostgreSQL migration for the why.
CREATE TABLE product_images (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    coop_id      INTEGER NOT NULL REFERENCES coops(id),
    product_id   INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    variant_id   INTEGER REFERENCES variants(id) ON DELETE SET NULL,
    position     INTEGER NOT NULL,
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0),
    bytes        INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    original_key TEXT NOT NULL,
    thumb_key    TEXT NOT NULL,
    square_key   TEXT NOT NULL,
    created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX product_images_product ON product_images (product_id, position, id);

CREATE TABLE shop_images (
    shop_id    INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    image_key  TEXT NOT NULL,
    ref        TEXT NOT NULL,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (shop_id, image_key)
);
