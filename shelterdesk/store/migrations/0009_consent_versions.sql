-- Amending a consent (issue 15): an amendment is a new consent row; the row it replaces
-- stays readable (referrals sent under it still point at it) and records which row
-- superseded it. A superseded consent is never in force. Empty: the current version.
ALTER TABLE consents ADD COLUMN superseded_by TEXT NOT NULL DEFAULT '';
