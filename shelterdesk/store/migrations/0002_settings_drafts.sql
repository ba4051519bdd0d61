-- Settings (vault-wide when user_id is '', else per user) and form drafts kept inside the vault.
CREATE TABLE settings (
    user_id TEXT NOT NULL DEFAULT '',
    key     TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE drafts (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    form       TEXT NOT NULL,
    subject_id TEXT NOT NULL DEFAULT '',
    content    TEXT NOT NULL,
    saved_at   TEXT NOT NULL,
    UNIQUE (user_id, form, subject_id)
);
