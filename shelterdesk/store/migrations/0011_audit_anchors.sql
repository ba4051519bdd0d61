-- Audit anchors: signed heads (sequence number and hash) of each laptop's audit chain,
-- this laptop's own and those seen from others (sync/anchors.py). Kept per device: they
-- travel in the signed acknowledgements, not as replicated rows, so deleting one here
-- deletes it nowhere else. Several heads for one (device, seq) are kept: a fork.
CREATE TABLE audit_anchors (
    device_id  TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    head       TEXT NOT NULL,
    signed_at  TEXT NOT NULL,
    signature  BLOB NOT NULL,
    PRIMARY KEY (device_id, seq, head)
) WITHOUT ROWID;
