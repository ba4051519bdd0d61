-- Write-only compartments (docs/security.md "Write-only evidence"): a case worker records
-- evidence and perpetrator descriptions she may not read back. She seals each cell to the
-- compartment's X25519 public key (cells "sdc2:"); its private key is derived from the
-- compartment key, which only the readers hold. The public key lies here, signed by the
-- coordinator who published it (a roster statement, '' in a vault without signed roles),
-- one row per compartment key; it travels by sync like any row.
CREATE TABLE compartment_public_keys (
    id           TEXT PRIMARY KEY,            -- compartment/key_id
    compartment  TEXT NOT NULL,
    key_id       TEXT NOT NULL,
    created_at   TEXT NOT NULL,               -- the key's creation: the newest seals new cells
    public_key   BLOB NOT NULL,               -- X25519, 32 bytes
    published_by TEXT NOT NULL DEFAULT '',    -- user id of the coordinator
    statement    TEXT NOT NULL DEFAULT ''     -- her signed statement of it (JSON)
);
