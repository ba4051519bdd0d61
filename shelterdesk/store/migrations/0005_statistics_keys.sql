-- Issue 19: statistics that survive differencing, readable referral numbers, faster aggregates.
--
-- stat_key: each counted record's key for cell-key perturbation (docs/statistics.md).
-- It is the low 24 bits of the record's random UUID (uuid4: those bits are uniformly
-- random), stored so the aggregates can sum keys in SQL. Being a function of the id, it
-- is the same on every laptop of the organisation without any coordination: rows that
-- arrive by sync get the same key their author gave them, so the same people always give
-- the same published number on every laptop.

ALTER TABLE cases ADD COLUMN stat_key INTEGER;
UPDATE cases SET stat_key = abs((instr('0123456789abcdef', lower(substr(id, -1, 1))) - 1) * 1 + (instr('0123456789abcdef', lower(substr(id, -2, 1))) - 1) * 16 + (instr('0123456789abcdef', lower(substr(id, -3, 1))) - 1) * 256 + (instr('0123456789abcdef', lower(substr(id, -4, 1))) - 1) * 4096 + (instr('0123456789abcdef', lower(substr(id, -5, 1))) - 1) * 65536 + (instr('0123456789abcdef', lower(substr(id, -6, 1))) - 1) * 1048576);
CREATE TRIGGER cases_stat_key AFTER INSERT ON cases WHEN NEW.stat_key IS NULL
BEGIN
    UPDATE cases SET stat_key = abs((instr('0123456789abcdef', lower(substr(NEW.id, -1, 1))) - 1) * 1 + (instr('0123456789abcdef', lower(substr(NEW.id, -2, 1))) - 1) * 16 + (instr('0123456789abcdef', lower(substr(NEW.id, -3, 1))) - 1) * 256 + (instr('0123456789abcdef', lower(substr(NEW.id, -4, 1))) - 1) * 4096 + (instr('0123456789abcdef', lower(substr(NEW.id, -5, 1))) - 1) * 65536 + (instr('0123456789abcdef', lower(substr(NEW.id, -6, 1))) - 1) * 1048576) WHERE id = NEW.id;
END;
ALTER TABLE legal_consultations ADD COLUMN stat_key INTEGER;
UPDATE legal_consultations SET stat_key = abs((instr('0123456789abcdef', lower(substr(id, -1, 1))) - 1) * 1 + (instr('0123456789abcdef', lower(substr(id, -2, 1))) - 1) * 16 + (instr('0123456789abcdef', lower(substr(id, -3, 1))) - 1) * 256 + (instr('0123456789abcdef', lower(substr(id, -4, 1))) - 1) * 4096 + (instr('0123456789abcdef', lower(substr(id, -5, 1))) - 1) * 65536 + (instr('0123456789abcdef', lower(substr(id, -6, 1))) - 1) * 1048576);
CREATE TRIGGER legal_consultations_stat_key AFTER INSERT ON legal_consultations WHEN NEW.stat_key IS NULL
BEGIN
    UPDATE legal_consultations SET stat_key = abs((instr('0123456789abcdef', lower(substr(NEW.id, -1, 1))) - 1) * 1 + (instr('0123456789abcdef', lower(substr(NEW.id, -2, 1))) - 1) * 16 + (instr('0123456789abcdef', lower(substr(NEW.id, -3, 1))) - 1) * 256 + (instr('0123456789abcdef', lower(substr(NEW.id, -4, 1))) - 1) * 4096 + (instr('0123456789abcdef', lower(substr(NEW.id, -5, 1))) - 1) * 65536 + (instr('0123456789abcdef', lower(substr(NEW.id, -6, 1))) - 1) * 1048576) WHERE id = NEW.id;
END;
ALTER TABLE medical_services ADD COLUMN stat_key INTEGER;
UPDATE medical_services SET stat_key = abs((instr('0123456789abcdef', lower(substr(id, -1, 1))) - 1) * 1 + (instr('0123456789abcdef', lower(substr(id, -2, 1))) - 1) * 16 + (instr('0123456789abcdef', lower(substr(id, -3, 1))) - 1) * 256 + (instr('0123456789abcdef', lower(substr(id, -4, 1))) - 1) * 4096 + (instr('0123456789abcdef', lower(substr(id, -5, 1))) - 1) * 65536 + (instr('0123456789abcdef', lower(substr(id, -6, 1))) - 1) * 1048576);
CREATE TRIGGER medical_services_stat_key AFTER INSERT ON medical_services WHEN NEW.stat_key IS NULL
BEGIN
    UPDATE medical_services SET stat_key = abs((instr('0123456789abcdef', lower(substr(NEW.id, -1, 1))) - 1) * 1 + (instr('0123456789abcdef', lower(substr(NEW.id, -2, 1))) - 1) * 16 + (instr('0123456789abcdef', lower(substr(NEW.id, -3, 1))) - 1) * 256 + (instr('0123456789abcdef', lower(substr(NEW.id, -4, 1))) - 1) * 4096 + (instr('0123456789abcdef', lower(substr(NEW.id, -5, 1))) - 1) * 65536 + (instr('0123456789abcdef', lower(substr(NEW.id, -6, 1))) - 1) * 1048576) WHERE id = NEW.id;
END;
ALTER TABLE other_services ADD COLUMN stat_key INTEGER;
UPDATE other_services SET stat_key = abs((instr('0123456789abcdef', lower(substr(id, -1, 1))) - 1) * 1 + (instr('0123456789abcdef', lower(substr(id, -2, 1))) - 1) * 16 + (instr('0123456789abcdef', lower(substr(id, -3, 1))) - 1) * 256 + (instr('0123456789abcdef', lower(substr(id, -4, 1))) - 1) * 4096 + (instr('0123456789abcdef', lower(substr(id, -5, 1))) - 1) * 65536 + (instr('0123456789abcdef', lower(substr(id, -6, 1))) - 1) * 1048576);
CREATE TRIGGER other_services_stat_key AFTER INSERT ON other_services WHEN NEW.stat_key IS NULL
BEGIN
    UPDATE other_services SET stat_key = abs((instr('0123456789abcdef', lower(substr(NEW.id, -1, 1))) - 1) * 1 + (instr('0123456789abcdef', lower(substr(NEW.id, -2, 1))) - 1) * 16 + (instr('0123456789abcdef', lower(substr(NEW.id, -3, 1))) - 1) * 256 + (instr('0123456789abcdef', lower(substr(NEW.id, -4, 1))) - 1) * 4096 + (instr('0123456789abcdef', lower(substr(NEW.id, -5, 1))) - 1) * 65536 + (instr('0123456789abcdef', lower(substr(NEW.id, -6, 1))) - 1) * 1048576) WHERE id = NEW.id;
END;
ALTER TABLE referrals ADD COLUMN stat_key INTEGER;
UPDATE referrals SET stat_key = abs((instr('0123456789abcdef', lower(substr(id, -1, 1))) - 1) * 1 + (instr('0123456789abcdef', lower(substr(id, -2, 1))) - 1) * 16 + (instr('0123456789abcdef', lower(substr(id, -3, 1))) - 1) * 256 + (instr('0123456789abcdef', lower(substr(id, -4, 1))) - 1) * 4096 + (instr('0123456789abcdef', lower(substr(id, -5, 1))) - 1) * 65536 + (instr('0123456789abcdef', lower(substr(id, -6, 1))) - 1) * 1048576);
CREATE TRIGGER referrals_stat_key AFTER INSERT ON referrals WHEN NEW.stat_key IS NULL
BEGIN
    UPDATE referrals SET stat_key = abs((instr('0123456789abcdef', lower(substr(NEW.id, -1, 1))) - 1) * 1 + (instr('0123456789abcdef', lower(substr(NEW.id, -2, 1))) - 1) * 16 + (instr('0123456789abcdef', lower(substr(NEW.id, -3, 1))) - 1) * 256 + (instr('0123456789abcdef', lower(substr(NEW.id, -4, 1))) - 1) * 4096 + (instr('0123456789abcdef', lower(substr(NEW.id, -5, 1))) - 1) * 65536 + (instr('0123456789abcdef', lower(substr(NEW.id, -6, 1))) - 1) * 1048576) WHERE id = NEW.id;
END;
ALTER TABLE stays ADD COLUMN stat_key INTEGER;
UPDATE stays SET stat_key = abs((instr('0123456789abcdef', lower(substr(id, -1, 1))) - 1) * 1 + (instr('0123456789abcdef', lower(substr(id, -2, 1))) - 1) * 16 + (instr('0123456789abcdef', lower(substr(id, -3, 1))) - 1) * 256 + (instr('0123456789abcdef', lower(substr(id, -4, 1))) - 1) * 4096 + (instr('0123456789abcdef', lower(substr(id, -5, 1))) - 1) * 65536 + (instr('0123456789abcdef', lower(substr(id, -6, 1))) - 1) * 1048576);
CREATE TRIGGER stays_stat_key AFTER INSERT ON stays WHEN NEW.stat_key IS NULL
BEGIN
    UPDATE stays SET stat_key = abs((instr('0123456789abcdef', lower(substr(NEW.id, -1, 1))) - 1) * 1 + (instr('0123456789abcdef', lower(substr(NEW.id, -2, 1))) - 1) * 16 + (instr('0123456789abcdef', lower(substr(NEW.id, -3, 1))) - 1) * 256 + (instr('0123456789abcdef', lower(substr(NEW.id, -4, 1))) - 1) * 4096 + (instr('0123456789abcdef', lower(substr(NEW.id, -5, 1))) - 1) * 65536 + (instr('0123456789abcdef', lower(substr(NEW.id, -6, 1))) - 1) * 1048576) WHERE id = NEW.id;
END;

-- Date indexes for the statistics aggregates (a year at 100,000 clients under a second):
-- covering, so a period's services are counted and keyed from the index alone.
CREATE INDEX legal_by_date ON legal_consultations (date, stat_key);
CREATE INDEX medical_by_date ON medical_services (date, stat_key);
CREATE INDEX other_services_by_date ON other_services (date, kind, stat_key);
CREATE INDEX referrals_by_date ON referrals (referred_on);
-- The period's cases and their clients' counted columns, read from compact index pages
-- instead of scattered table rows (each page of an encrypted vault is decrypted to be read).
CREATE INDEX cases_for_statistics ON cases (intake_date, client_id, recruitment_channel,
    recruitment_platform, identified_by, victim_status, exploitation_types, stat_key);
CREATE INDEX clients_for_statistics ON clients (id, sex, date_of_birth, age_estimate,
    nationality);

-- Readable referral numbers (R-26-K7-0042-X); the UUID stays internal. '' for referrals made
-- before this migration until one is printed again (shelterdesk/domain/referral_numbers.py).
ALTER TABLE referrals ADD COLUMN number TEXT NOT NULL DEFAULT '';
CREATE INDEX referrals_by_number ON referrals (number);
