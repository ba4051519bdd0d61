-- Structured consent scopes (issue 15): what a consent lets leave the building, as a JSON
-- array of codes (name, date_of_birth, contact, address, document_number, medical, photo).
-- A consent recorded before this held its scope as free text, which no program can read
-- safely: it now covers nothing but the name until a person ticks more. The free text stays
-- in `scope` for that person to read.
ALTER TABLE consents ADD COLUMN details TEXT NOT NULL DEFAULT '["name"]';

