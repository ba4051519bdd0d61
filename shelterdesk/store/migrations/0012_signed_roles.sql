-- Signed roles (docs/security.md "Signed roles"): every role grant, change, disabling and
-- enabling is a statement signed by a coordinator's personal Ed25519 key, chained back to
-- the organisation's founding key (pinned per laptop in meta 'roster_root'). Both tables are
-- replicated; rows are written once and never changed (the id is the statement's hash).
CREATE TABLE roster_statements (
    id         TEXT PRIMARY KEY,          -- sha256 of body and signature, hex
    subject    TEXT NOT NULL,             -- the user id the statement is about
    body       TEXT NOT NULL,             -- canonical JSON, what was signed
    signature  TEXT NOT NULL,             -- Ed25519, base64
    created_at TEXT NOT NULL
);
CREATE INDEX roster_statements_subject ON roster_statements (subject);

-- A coordinator's personal signing key: the private half sealed (AES-256-GCM) under a key
-- derived from that user's own user key, which only her passphrase opens.
CREATE TABLE roster_keys (
    user_id    TEXT PRIMARY KEY REFERENCES users(id),
    public_key TEXT NOT NULL,             -- base64
    sealed     TEXT NOT NULL,             -- base64: nonce (12) | ciphertext
    updated_at TEXT NOT NULL
);

-- Kept on this laptop only: laptop records (~invite, ~revoke, ~device) whose coordinator's
-- own grant has not arrived yet (envelopes from different laptops arrive in any order);
-- tried again after every envelope, applied once the signer is known, dropped if refused.
CREATE TABLE roster_pending (
    origin  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    tbl     TEXT NOT NULL,
    row_id  TEXT NOT NULL,
    hlc     INTEGER NOT NULL,
    value   TEXT NOT NULL,                -- the record's value, JSON
    PRIMARY KEY (origin, seq, tbl, row_id)
);
