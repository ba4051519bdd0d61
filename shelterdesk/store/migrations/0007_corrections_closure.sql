-- Issue 15 (i15b): patronymics, earlier versions of corrected records, closing and
-- reopening cases with a reason.

ALTER TABLE clients ADD COLUMN patronymic TEXT NOT NULL DEFAULT '';

-- A retired bed leaves the board; its past stays remain.
ALTER TABLE beds ADD COLUMN retired_at TEXT;

ALTER TABLE cases ADD COLUMN closed_on TEXT;
ALTER TABLE cases ADD COLUMN closure_reason TEXT NOT NULL DEFAULT '';

-- A correction never destroys the earlier text: before a record changes, its
-- content as it was is kept here (JSON of the stored columns), with who replaced
-- it, when and why. case_id is NULL for records that belong to no case (users,
-- shelters, rooms, beds); it references cases so erasing a client erases them.
CREATE TABLE record_versions (
    id           TEXT PRIMARY KEY,
    record_table TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    case_id      TEXT REFERENCES cases(id),
    version      INTEGER NOT NULL,
    content      TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    corrected_by TEXT NOT NULL,
    corrected_at TEXT NOT NULL
);
CREATE INDEX record_versions_by_record ON record_versions (record_table, record_id, version);
CREATE INDEX record_versions_by_case ON record_versions (case_id);

-- Every closing and reopening of a case, with its date and reason.
CREATE TABLE case_closures (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    event      TEXT NOT NULL,  -- close | reopen
    on_date    TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    actor_id   TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX case_closures_by_case ON case_closures (case_id, created_at);
