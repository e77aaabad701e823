-- Product photos (issue 17 §1): an ordered gallery per product (position 0
-- is the cover), optionally a variant's own photo. The files live in the
-- blob bucket under content-addressed keys; the rows hold the keys.
CREATE TABLE product_images (
    id           BIGSERIAL PRIMARY KEY,
    coop_id      BIGINT NOT NULL REFERENCES coops(id),
    product_id   BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    variant_id   BIGINT REFERENCES variants(id) ON DELETE SET NULL,
    position     INTEGER NOT NULL,
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0),
    bytes        BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    original_key TEXT NOT NULL,
    thumb_key    TEXT NOT NULL,
    square_key   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX product_images_product ON product_images (product_id, position, id);

-- What each shop's platform answered when a photo's square was uploaded
-- (Shopee image_id, Lazada URL, Zalo id), so an unchanged photo is not
-- uploaded again on every update.
CREATE TABLE shop_images (
    shop_id    BIGINT NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
    image_key  TEXT NOT NULL,
    ref        TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (shop_id, image_key)
);
