-- Whether an interpreter is needed is a question that may not have been asked: a
-- check box cannot say "not recorded", and an unchecked one printed "No" on referral
-- sheets. interpreter_recorded = 1 means interpreter_needed holds an answer. Older
-- rows keep 0 here: their 1 still reads as yes, their 0 now reads as "not recorded"
-- (which is what an untouched check box meant).
ALTER TABLE cases ADD COLUMN interpreter_recorded INTEGER NOT NULL DEFAULT 0;
