-- Replication between an organisation's laptops (docs/sync.md).
-- The capture triggers themselves are generated from the schema by store/capture.py and
-- installed right after the migrations; this file holds the tables they and the engine use.

-- This device: its random id, its hybrid logical clock, and its secret sync keys.
-- `applying` is 1 only inside the transaction that applies other devices' changes, so the
-- capture triggers do not echo them. `clock_offset_ms` shifts this device's idea of "now"
-- (tests simulate skewed clocks with it; it is what changing the system clock would do).
-- `halted` is set once this vault is found restored from an older copy: it never syncs again.
CREATE TABLE sync_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    device_id       TEXT NOT NULL,
    hlc             INTEGER NOT NULL DEFAULT 0,
    applying        INTEGER NOT NULL DEFAULT 0,
    clock_offset_ms INTEGER NOT NULL DEFAULT 0,
    org_id          TEXT NOT NULL DEFAULT '',
    sign_key        BLOB,
    kx_key          BLOB,
    capture_version TEXT NOT NULL DEFAULT '',
    halted          TEXT NOT NULL DEFAULT ''
);
INSERT INTO sync_state (id, device_id) VALUES (1, lower(hex(randomblob(16))));

-- Every device this one has heard of, by a small local number (1 is this device): what has
-- been applied from it, and the hash of its last applied envelope (the chain).
CREATE TABLE sync_peers (
    idx         INTEGER PRIMARY KEY,
    device_id   TEXT NOT NULL UNIQUE,
    applied_seq INTEGER NOT NULL DEFAULT 0,
    last_hash   BLOB
);
INSERT INTO sync_peers (idx, device_id) SELECT 1, device_id FROM sync_state;

-- The outbox: this device's own changes, one row per row insert ('+', value = JSON of the
-- columns), row delete ('-') or field change (col = the column). seq is gapless.
-- prev = the clock of what the writer saw before (to tell concurrent edits from later ones).
-- `value` (here and below) has no declared type, hence no affinity: stored exactly as written
-- ("ANY" would mean NUMERIC in an ordinary table and turn the text '007' into 7).
CREATE TABLE change_log (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    hlc    INTEGER NOT NULL,
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    col    TEXT NOT NULL,
    value,
    prev   INTEGER NOT NULL DEFAULT 0
);

-- Merge state. A row's existence is a last-writer-wins register (insert = alive,
-- delete = tombstone); its fields carry the row's clock unless changed since.
CREATE TABLE sync_rows (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    dev    INTEGER NOT NULL,
    alive  INTEGER NOT NULL,
    prev   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;

CREATE TABLE sync_fields (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    col    TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    dev    INTEGER NOT NULL,
    prev   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tbl, row_id, col)
) WITHOUT ROWID;

-- Field values newer than what this device holds of their row (the row not yet received,
-- or deleted): kept, so they apply once the row (re)appears, and never lost.
CREATE TABLE sync_orphans (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    col    TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    dev    INTEGER NOT NULL,
    prev   INTEGER NOT NULL DEFAULT 0,
    value,
    PRIMARY KEY (tbl, row_id, col)
) WITHOUT ROWID;

-- Changes stamped too far in the future (a skewed clock): held, reported, applied once
-- this device's clock reaches them.
CREATE TABLE sync_quarantine (
    origin      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    hlc         INTEGER NOT NULL,
    tbl         TEXT NOT NULL,
    row_id      TEXT NOT NULL,
    col         TEXT NOT NULL,
    value,
    prev        INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL,
    PRIMARY KEY (origin, seq)
);

-- Envelopes this device has built: kept whole until the transport has them, then by hash.
CREATE TABLE sync_sent (
    seq_from INTEGER PRIMARY KEY,
    seq_to   INTEGER NOT NULL,
    epoch    INTEGER NOT NULL,
    hash     BLOB NOT NULL,
    blob     BLOB,
    put_at   TEXT
);

-- The organisation's devices (public keys only) and sync-key epochs.
CREATE TABLE sync_devices (
    device_id     TEXT PRIMARY KEY,
    sign_pub      BLOB NOT NULL,
    kx_pub        BLOB NOT NULL,
    label         TEXT NOT NULL DEFAULT '',
    added_by      TEXT NOT NULL DEFAULT '',
    invite_id     TEXT NOT NULL DEFAULT '',
    added_at      TEXT NOT NULL,
    revoked_after INTEGER,
    revoked_at    TEXT
);

CREATE TABLE sync_epochs (
    epoch      INTEGER PRIMARY KEY,
    key        BLOB NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

-- Invitations (one-time enrollment codes): the public half of each invitation's key.
CREATE TABLE sync_invites (
    invite_id  TEXT PRIMARY KEY,
    issuer     TEXT NOT NULL,
    invite_pub BLOB NOT NULL,
    expires_at TEXT NOT NULL,
    used_by    TEXT NOT NULL DEFAULT '',
    own        INTEGER NOT NULL DEFAULT 0
);

-- The newest signed acknowledgement seen from each device (its version vector).
CREATE TABLE sync_acks (
    device_id TEXT PRIMARY KEY,
    vector    TEXT NOT NULL,
    signed_at TEXT NOT NULL
);

-- Problems merging cannot settle, for a coordinator: never silently dropped.
CREATE TABLE sync_conflicts (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    tbl         TEXT NOT NULL DEFAULT '',
    row_id      TEXT NOT NULL DEFAULT '',
    other_id    TEXT NOT NULL DEFAULT '',
    col         TEXT NOT NULL DEFAULT '',
    value,
    detail      TEXT NOT NULL DEFAULT '{}',
    found_at    TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, key)
);
CREATE INDEX sync_conflicts_open ON sync_conflicts (found_at) WHERE resolved_at IS NULL;

-- Rows other devices changed, waiting for the domain review after a sync (kept in the apply
-- transactions, so a crash between applying and reviewing loses nothing).
CREATE TABLE sync_review (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;

-- Each user's random user key, and that key wrapped under their passphrase (Argon2id):
-- replicated (inside encrypted envelopes), so one passphrase opens every laptop, while
-- each laptop's key-slot file wraps its own vault key under the user key.
CREATE TABLE user_secrets (
    user_id    TEXT PRIMARY KEY REFERENCES users(id),
    user_key   BLOB NOT NULL,
    credential TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Uniqueness that merging must be able to break, then flag: a bed or a case with two open
-- stays, two organisations of one name. Local writes are still refused by these triggers
-- (as the unique indexes did); applying another device's changes is not.
DROP INDEX one_open_stay_per_bed;
DROP INDEX one_open_stay_per_case;
CREATE INDEX open_stays_by_bed ON stays (bed_id) WHERE discharged_on IS NULL;
CREATE INDEX open_stays_by_case ON stays (case_id) WHERE discharged_on IS NULL;
CREATE TRIGGER stays_one_open_insert BEFORE INSERT ON stays
WHEN NEW.discharged_on IS NULL AND (SELECT applying FROM sync_state) = 0
 AND (EXISTS (SELECT 1 FROM stays WHERE bed_id = NEW.bed_id AND discharged_on IS NULL)
      OR EXISTS (SELECT 1 FROM stays WHERE case_id = NEW.case_id AND discharged_on IS NULL))
BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: one open stay per bed and per case'); END;
CREATE TRIGGER stays_one_open_update BEFORE UPDATE OF bed_id, case_id, discharged_on ON stays
WHEN NEW.discharged_on IS NULL AND (SELECT applying FROM sync_state) = 0
 AND (EXISTS (SELECT 1 FROM stays WHERE bed_id = NEW.bed_id AND discharged_on IS NULL
              AND id != NEW.id)
      OR EXISTS (SELECT 1 FROM stays WHERE case_id = NEW.case_id AND discharged_on IS NULL
                 AND id != NEW.id))
BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: one open stay per bed and per case'); END;

DROP INDEX organisations_by_name;
CREATE INDEX organisations_by_name ON organisations (name COLLATE NOCASE);
CREATE TRIGGER organisations_name_insert BEFORE INSERT ON organisations
WHEN (SELECT applying FROM sync_state) = 0
 AND EXISTS (SELECT 1 FROM organisations WHERE name = NEW.name COLLATE NOCASE)
BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: organisations.name'); END;
CREATE TRIGGER organisations_name_update BEFORE UPDATE OF name ON organisations
WHEN (SELECT applying FROM sync_state) = 0
 AND EXISTS (SELECT 1 FROM organisations WHERE name = NEW.name COLLATE NOCASE AND id != NEW.id)
BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: organisations.name'); END;

-- Custody stays append-only here; an erasure replicated from another device may delete.
DROP TRIGGER custody_events_no_delete;
CREATE TRIGGER custody_events_no_delete BEFORE DELETE ON custody_events
WHEN (SELECT value FROM meta WHERE key = 'erasing') IS NOT 'yes'
 AND (SELECT applying FROM sync_state) = 0
BEGIN SELECT RAISE(ABORT, 'custody events are append-only'); END;
