-- Statistics the Ministry can combine (issue 22, item 5): quarterly submissions received
-- from other organisations, each already protected by its sender (perturbed counts, no
-- row about a person), signed and sealed to this organisation's key.
CREATE TABLE stats_submissions (
    id          TEXT PRIMARY KEY,
    from_org_id TEXT NOT NULL,
    quarter     TEXT NOT NULL,          -- "2026Q3"
    message_id  TEXT NOT NULL UNIQUE,
    payload     TEXT NOT NULL,          -- the submitted tables (JSON), as signed
    sent_at     TEXT NOT NULL,
    received_at TEXT NOT NULL,
    -- One submission per organisation and quarter: a second one is refused, never merged.
    UNIQUE (from_org_id, quarter)
);
