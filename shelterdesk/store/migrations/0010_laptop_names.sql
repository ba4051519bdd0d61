-- Each laptop's name and the user who last synced on it, for the Laptops list and for
-- "who" in conflicts. They travel only inside encrypted envelopes (``~laptop`` control
-- records), never in the shared folder's or relay's cleartext. Kept apart from
-- sync_devices so a record may arrive before the laptop's keys do. Each field keeps the
-- hybrid clock of its last write: the latest rename or user wins on every laptop alike.
CREATE TABLE sync_laptops (
    device_id TEXT PRIMARY KEY,
    name      TEXT NOT NULL DEFAULT '',
    name_hlc  INTEGER NOT NULL DEFAULT 0,
    user_id   TEXT NOT NULL DEFAULT '',
    user_hlc  INTEGER NOT NULL DEFAULT 0
);
