-- Compartments (docs/security.md "Compartments"): legal, medical and evidence content is
-- AES-256-GCM ciphertext under a key of its own, which only the people whose roles may
-- read it hold. Each user's X25519 public key lies here in the open; the private key only
-- inside their credential (wrapped under their passphrase). A grant is one compartment
-- key sealed to one user's public key: a row per (user, compartment, key), so grants made
-- on two laptops at once merge as a union. They travel by sync like any row.
ALTER TABLE user_secrets ADD COLUMN public_key BLOB;

CREATE TABLE compartment_grants (
    id          TEXT PRIMARY KEY,             -- user_id/compartment/key_id
    user_id     TEXT NOT NULL REFERENCES users(id),
    compartment TEXT NOT NULL,                -- legal, medical, evidence
    key_id      TEXT NOT NULL,                -- random; written into every cell it seals
    created_at  TEXT NOT NULL,                -- the key's creation: the newest seals new cells
    public_key  BLOB NOT NULL,                -- the recipient key it was sealed to
    sealed      BLOB NOT NULL
);
CREATE INDEX compartment_grants_by_user ON compartment_grants (user_id, compartment);
