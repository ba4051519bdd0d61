-- Case records: clients, cases, services, shelters and stays, organisations, referrals,
-- consents, evidence with custody, perpetrators, notes, follow-ups, and the search index.
-- Ids are random UUIDs; multi-valued codes are JSON arrays; dates are ISO 8601 text.

CREATE TABLE clients (
    id              TEXT PRIMARY KEY,
    given_name      TEXT NOT NULL,
    family_name     TEXT NOT NULL DEFAULT '',
    other_names     TEXT NOT NULL DEFAULT '',
    sex             TEXT NOT NULL DEFAULT 'unknown',
    date_of_birth   TEXT,
    age_estimate    INTEGER,
    nationality     TEXT NOT NULL DEFAULT '',
    languages       TEXT NOT NULL DEFAULT '[]',
    phone           TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    document_number TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE cases (
    id                      TEXT PRIMARY KEY,
    client_id               TEXT NOT NULL REFERENCES clients(id),
    case_code               TEXT NOT NULL UNIQUE,
    status                  TEXT NOT NULL DEFAULT 'open',
    intake_date             TEXT NOT NULL,
    exploitation_types      TEXT NOT NULL DEFAULT '[]',
    recruitment_channel     TEXT NOT NULL DEFAULT '',
    recruitment_platform    TEXT NOT NULL DEFAULT '',
    means_of_control        TEXT NOT NULL DEFAULT '[]',
    victim_status           TEXT NOT NULL DEFAULT 'presumed',
    status_decision_date    TEXT,
    status_authority        TEXT NOT NULL DEFAULT '',
    identified_by           TEXT NOT NULL DEFAULT '',
    countries_origin        TEXT NOT NULL DEFAULT '[]',
    countries_transit       TEXT NOT NULL DEFAULT '[]',
    countries_destination   TEXT NOT NULL DEFAULT '[]',
    vulnerabilities         TEXT NOT NULL DEFAULT '[]',
    trafficker_relationship TEXT NOT NULL DEFAULT '',
    risk_level              TEXT NOT NULL DEFAULT 'medium',
    interpreter_needed      INTEGER NOT NULL DEFAULT 0,
    needs_summary           TEXT NOT NULL DEFAULT '',
    assigned_worker_id      TEXT NOT NULL DEFAULT '',
    last_activity_at        TEXT NOT NULL,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX cases_by_client ON cases (client_id);
CREATE INDEX cases_by_activity ON cases (last_activity_at DESC, id DESC);
CREATE INDEX cases_by_intake ON cases (intake_date);

CREATE TABLE legal_consultations (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases(id),
    date             TEXT NOT NULL,
    topic            TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    outcome          TEXT NOT NULL DEFAULT '',
    next_step        TEXT NOT NULL DEFAULT '',
    next_step_date   TEXT,
    duration_minutes INTEGER,
    interpreter_used INTEGER NOT NULL DEFAULT 0,
    advisor_id       TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL
);
CREATE INDEX legal_by_case ON legal_consultations (case_id, date);

CREATE TABLE medical_services (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases(id),
    date           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    summary        TEXT NOT NULL DEFAULT '',
    provider       TEXT NOT NULL DEFAULT '',
    follow_up_date TEXT,
    staff_id       TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);
CREATE INDEX medical_by_case ON medical_services (case_id, date);

CREATE TABLE other_services (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases(id),
    date            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    provider_org_id TEXT NOT NULL DEFAULT '',
    staff_id        TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX other_services_by_case ON other_services (case_id, date);

CREATE TABLE organisations (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    services       TEXT NOT NULL DEFAULT '[]',
    contact_person TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX organisations_by_name ON organisations (name COLLATE NOCASE);

CREATE TABLE shelters (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE rooms (
    id         TEXT PRIMARY KEY,
    shelter_id TEXT NOT NULL REFERENCES shelters(id),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE beds (
    id         TEXT PRIMARY KEY,
    room_id    TEXT NOT NULL REFERENCES rooms(id),
    label      TEXT NOT NULL,
    reserved   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE stays (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases(id),
    bed_id           TEXT NOT NULL REFERENCES beds(id),
    admitted_on      TEXT NOT NULL,
    discharged_on    TEXT,
    discharge_reason TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    CHECK (discharged_on IS NULL OR discharged_on >= admitted_on)
);
-- A bed holds one open stay; a case is in one bed at a time.
CREATE UNIQUE INDEX one_open_stay_per_bed ON stays (bed_id) WHERE discharged_on IS NULL;
CREATE UNIQUE INDEX one_open_stay_per_case ON stays (case_id) WHERE discharged_on IS NULL;
CREATE INDEX stays_by_case ON stays (case_id);

CREATE TABLE consents (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases(id),
    purpose      TEXT NOT NULL,
    method       TEXT NOT NULL,
    to_org_id    TEXT NOT NULL DEFAULT '',
    scope        TEXT NOT NULL DEFAULT '',
    given_on     TEXT NOT NULL,
    expires_on   TEXT,
    withdrawn_on TEXT,
    recorded_by  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX consents_by_case ON consents (case_id);

CREATE TABLE referrals (
    id                TEXT PRIMARY KEY,
    case_id           TEXT NOT NULL REFERENCES cases(id),
    to_org_id         TEXT NOT NULL REFERENCES organisations(id),
    services          TEXT NOT NULL DEFAULT '[]',
    urgency           TEXT NOT NULL DEFAULT 'routine',
    status            TEXT NOT NULL DEFAULT 'draft',
    referred_on       TEXT NOT NULL,
    status_changed_on TEXT NOT NULL,
    outcome           TEXT NOT NULL DEFAULT '',
    anonymized        INTEGER NOT NULL DEFAULT 0,
    consent_id        TEXT NOT NULL DEFAULT '',
    override_reason   TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL
);
CREATE INDEX referrals_by_case ON referrals (case_id);
CREATE INDEX referrals_by_status ON referrals (status, referred_on);

CREATE TABLE evidence_items (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    platform    TEXT NOT NULL DEFAULT '',
    source_link TEXT NOT NULL DEFAULT '',
    file_name   TEXT NOT NULL DEFAULT '',
    media_type  TEXT NOT NULL DEFAULT '',
    size        INTEGER NOT NULL DEFAULT 0,
    sha256      TEXT NOT NULL DEFAULT '',
    content     BLOB,
    description TEXT NOT NULL DEFAULT '',
    captured_by TEXT NOT NULL DEFAULT '',
    captured_at TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX evidence_by_case ON evidence_items (case_id);

-- Append-only: the triggers refuse any change to a recorded custody event.
CREATE TABLE custody_events (
    id          TEXT PRIMARY KEY,
    evidence_id TEXT NOT NULL REFERENCES evidence_items(id),
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    recipient   TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX custody_by_evidence ON custody_events (evidence_id, at);
CREATE TRIGGER custody_events_no_update BEFORE UPDATE ON custody_events
BEGIN SELECT RAISE(ABORT, 'custody events are append-only'); END;
CREATE TRIGGER custody_events_no_delete BEFORE DELETE ON custody_events
WHEN (SELECT value FROM meta WHERE key = 'erasing') IS NOT 'yes'
BEGIN SELECT RAISE(ABORT, 'custody events are append-only'); END;

CREATE TABLE perpetrators (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases(id),
    roles        TEXT NOT NULL DEFAULT '[]',
    relationship TEXT NOT NULL DEFAULT '',
    sex          TEXT NOT NULL DEFAULT 'unknown',
    nationality  TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    accounts     TEXT NOT NULL DEFAULT '[]',
    phones       TEXT NOT NULL DEFAULT '[]',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX perpetrators_by_case ON perpetrators (case_id);

CREATE TABLE perpetrator_evidence (
    perpetrator_id TEXT NOT NULL REFERENCES perpetrators(id),
    evidence_id    TEXT NOT NULL REFERENCES evidence_items(id),
    PRIMARY KEY (perpetrator_id, evidence_id)
);

CREATE TABLE notes (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    author_id  TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notes_by_case ON notes (case_id, created_at);

CREATE TABLE follow_ups (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    due_on      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    assigned_to TEXT NOT NULL DEFAULT '',
    done_at     TEXT,
    done_by     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX follow_ups_open ON follow_ups (due_on) WHERE done_at IS NULL;
CREATE INDEX follow_ups_by_case ON follow_ups (case_id);

-- Full-text search inside the encrypted database. Text is folded by the store
-- (lowercase, diacritics and Azerbaijani letters to plain Latin) before it goes in.
CREATE VIRTUAL TABLE search_index USING fts5 (
    case_id UNINDEXED,
    names,
    codes,
    phones,
    notes,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Which index row belongs to which case (local to this device; never synced).
CREATE TABLE search_map (
    case_id   TEXT PRIMARY KEY REFERENCES cases(id),
    fts_rowid INTEGER NOT NULL UNIQUE
);
