-- Crypto-shredding and store-and-forward (docs/sync.md §10, "Mixed transports").
--
-- One random key per client: every change of that client's rows leaves this laptop sealed
-- under it (inside the envelope's outer layer), and the key travels only sealed to each
-- laptop's own exchange key, in records that are rewritten without it once the client is
-- erased. Erasing a client sets `key` to NULL here (the trigger below, for a local erasure
-- and for one received by sync alike), so every copy of the client's changes anywhere
-- becomes unreadable. A NULL key is also the memory that the client was shredded.
CREATE TABLE sync_case_keys (
    client_id   TEXT PRIMARY KEY,
    key         BLOB,
    created_at  TEXT NOT NULL,
    shredded_at TEXT
);

-- Which client a synced row belongs to, remembered when it was sealed or applied, so a
-- change to a row deleted since is still sealed under its client's key.
CREATE TABLE sync_case_rows (
    tbl       TEXT NOT NULL,
    row_id    TEXT NOT NULL,
    client_id TEXT NOT NULL,
    PRIMARY KEY (tbl, row_id)
) WITHOUT ROWID;
CREATE INDEX sync_case_rows_by_client ON sync_case_rows (client_id);

-- Changes that arrived sealed under a client key this laptop does not hold yet: kept sealed
-- and applied when the key arrives (the sender's other changes are not held back).
CREATE TABLE sync_sealed_waiting (
    origin    TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    hlc       INTEGER NOT NULL,
    prev      INTEGER NOT NULL DEFAULT 0,
    sealed    TEXT NOT NULL,
    PRIMARY KEY (origin, seq)
);
CREATE INDEX sync_sealed_waiting_by_client ON sync_sealed_waiting (client_id);

-- An erased client row (alive = -1), here or received: its key goes for good.
CREATE TRIGGER sync_case_keys_shred_insert AFTER INSERT ON sync_rows
WHEN NEW.tbl = 'clients' AND NEW.alive = -1
BEGIN
    INSERT INTO sync_case_keys (client_id, key, created_at, shredded_at)
    VALUES (NEW.row_id, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
            strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    ON CONFLICT (client_id) DO UPDATE SET key = NULL,
        shredded_at = coalesce(shredded_at, excluded.shredded_at);
    DELETE FROM sync_case_rows WHERE client_id = NEW.row_id;
    DELETE FROM sync_sealed_waiting WHERE client_id = NEW.row_id;
    -- An open invitation of this laptop carries the keys of its day: withdrawn (sync.engine).
    UPDATE sync_invites SET used_by = 'withdrawn' WHERE own = 1 AND used_by = '';
END;
CREATE TRIGGER sync_case_keys_shred_update AFTER UPDATE OF alive ON sync_rows
WHEN NEW.tbl = 'clients' AND NEW.alive = -1
BEGIN
    INSERT INTO sync_case_keys (client_id, key, created_at, shredded_at)
    VALUES (NEW.row_id, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
            strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    ON CONFLICT (client_id) DO UPDATE SET key = NULL,
        shredded_at = coalesce(shredded_at, excluded.shredded_at);
    DELETE FROM sync_case_rows WHERE client_id = NEW.row_id;
    DELETE FROM sync_sealed_waiting WHERE client_id = NEW.row_id;
    -- An open invitation of this laptop carries the keys of its day: withdrawn (sync.engine).
    UPDATE sync_invites SET used_by = 'withdrawn' WHERE own = 1 AND used_by = '';
END;

-- Envelopes of other laptops, kept verbatim (they are signed by their origin) so that this
-- laptop can offer them to a transport that lacks them; forgotten once every laptop holds them.
CREATE TABLE sync_received (
    device_id   TEXT NOT NULL,
    seq_from    INTEGER NOT NULL,
    seq_to      INTEGER NOT NULL,
    blob        BLOB NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (device_id, seq_from)
);
