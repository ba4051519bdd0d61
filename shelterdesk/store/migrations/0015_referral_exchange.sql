-- Referrals that travel (issue 22): the organisation's own key pair, partners' public keys
-- in the directory, and the record of secure referrals sent, received and answered.

-- A partner's public keys, from its organisation code; trusted only once a person has
-- compared the safety number (keys_confirmed_at set). Hex of the raw 32-byte keys.
ALTER TABLE organisations ADD COLUMN signing_key TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN exchange_key TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN code_name TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN keys_confirmed_at TEXT NOT NULL DEFAULT '';
-- The partner's relay mailbox (``https://relay…#<32 hex>``), from its code; may be empty.
ALTER TABLE organisations ADD COLUMN mailbox TEXT NOT NULL DEFAULT '';

-- This organisation's long-term identity (one row, id 'org'): Ed25519 signing and X25519
-- sealing private keys (hex), only ever inside the encrypted vault.
CREATE TABLE org_identity (
    id               TEXT PRIMARY KEY,
    signing_private  TEXT NOT NULL,
    exchange_private TEXT NOT NULL,
    mailbox          TEXT NOT NULL DEFAULT '',  -- our relay mailbox, named in our code
    created_by       TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL
);

-- A referral of ours sent as a sealed file: to whom, in which message, and what came back.
CREATE TABLE exchange_sent (
    referral_id        TEXT PRIMARY KEY REFERENCES referrals(id) ON DELETE CASCADE,
    org_id             TEXT NOT NULL,
    message_id         TEXT NOT NULL,
    sent_at            TEXT NOT NULL,
    their_reference    TEXT NOT NULL DEFAULT '',
    erase_requested_at TEXT NOT NULL DEFAULT '',
    erase_confirmed_at TEXT NOT NULL DEFAULT ''
);

-- A referral another organisation sent us, opened from its sealed file.
CREATE TABLE exchange_received (
    id                 TEXT PRIMARY KEY,
    from_org_id        TEXT NOT NULL,
    sender_referral_id TEXT NOT NULL,
    number             TEXT NOT NULL DEFAULT '',
    case_code          TEXT NOT NULL DEFAULT '',
    payload            TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'received',
    reason             TEXT NOT NULL DEFAULT '',
    outcome            TEXT NOT NULL DEFAULT '',
    -- The case accepted into (erasing that client removes the entry, whose details are hers).
    case_id            TEXT REFERENCES cases(id) ON DELETE CASCADE,
    received_at        TEXT NOT NULL,
    status_changed_at  TEXT NOT NULL,
    erased_at          TEXT NOT NULL DEFAULT '',
    UNIQUE (from_org_id, sender_referral_id)
);

-- Every message id applied or made here: a file opened twice is a replay, refused.
CREATE TABLE exchange_seen (
    message_id TEXT PRIMARY KEY,
    direction  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    at         TEXT NOT NULL
);
