"""Store and forward at the relay: a laptop may put another laptop's envelope, verbatim.

A laptop that syncs through a folder and a relay carries the envelopes of folder-only
laptops to the relay (and back). The relay accepts such an envelope only if it is what
its origin signed: the origin is a device of the organisation the relay knows (not
revoked), the envelope's cleartext header names that origin and the same sequence range,
and the origin's Ed25519 signature over the rest checks out. The relay learns nothing new
(it already sees who sent what and when); a forwarder cannot alter or invent anything.
"""

from __future__ import annotations

import struct

from shelterdesk.sync import crypto
from shelterdesk.sync.relay.storage import DeviceRow, Ref

# magic 4 | version 1 | org 16 | sender 16 | epoch 4 | seq_from 8 | seq_to 8 (sync/envelope.py)
_PREFIX = struct.Struct(">4sB16s16sIQQ")


def forwarded_ok(origin: DeviceRow | None, org_id: str, ref: Ref, blob: bytes) -> bool:
    """True when ``blob`` is ``ref``'s envelope exactly as its (known, active) origin signed it."""
    if origin is None or origin.revoked or len(blob) < _PREFIX.size + crypto.SIGNATURE_BYTES:
        return False
    _magic, _version, org, sender, _epoch, seq_from, seq_to = _PREFIX.unpack_from(blob)
    if (org.hex(), sender.hex(), seq_from, seq_to) != (org_id, ref.device_id, ref.seq_from,
                                                       ref.seq_to):
        return False
    return crypto.verify(origin.sign_pub, blob[-crypto.SIGNATURE_BYTES:],
                         blob[:-crypto.SIGNATURE_BYTES])
