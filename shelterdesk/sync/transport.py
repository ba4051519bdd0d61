"""The one small interface every transport offers: move opaque, already-sealed bytes.

A transport never sees a key or plaintext. Envelopes are named by their sender
and sequence range and are immutable (putting the same one again is a no-op);
records are small signed files of the sync layer (acknowledgements, key grants,
device announcements); invitations are one-time enrollment packages. The
folder transport (``folder.py``) implements it over any directory; the HTTP
relay (``relay_client.py``) implements the same protocol over the network.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

# Kinds of record a transport keeps next to the envelopes.
ACKS, KEYS, DEVICES, SNAPSHOTS = "acks", "keys", "devices", "snapshots"
RECORD_KINDS = (ACKS, KEYS, DEVICES, SNAPSHOTS)
_DEVICE_ID = re.compile(r"^[0-9a-f]{32}$")
_RECORD_NAME = re.compile(r"^[0-9a-z][0-9a-z._-]{0,99}$")


@dataclass(frozen=True, order=True)
class EnvelopeRef:
    """Where an envelope is: its sender and sequence range (``env_id`` for relays)."""

    device_id: str
    seq_from: int
    seq_to: int

    @property
    def env_id(self) -> str:
        return f"{self.device_id}/{self.seq_from:016d}-{self.seq_to:016d}"


def valid_device_id(value: str) -> bool:
    return bool(_DEVICE_ID.match(value))


def valid_record_name(value: str) -> bool:
    return bool(_RECORD_NAME.match(value))


@runtime_checkable
class Transport(Protocol):
    """Moves opaque bytes for one organisation (``org_id``); invitations need no org."""

    org_id: str | None

    def put_envelope(self, ref: EnvelopeRef, blob: bytes) -> None:
        """Store an envelope; idempotent (the same ref always holds the same bytes)."""

    def list_envelopes(self, beyond: Mapping[str, int]) -> list[EnvelopeRef]:
        """Envelopes whose seq_to is past ``beyond[device]`` (0 for devices not named)."""

    def get_envelope(self, ref: EnvelopeRef) -> bytes | None:
        """The bytes of an envelope, or None if it is gone."""

    def prune_envelopes(self, upto: Mapping[str, int]) -> int:
        """Delete envelopes whose seq_to is at or below ``upto[device]`` (every laptop holds
        them and a snapshot covers them: sync/pruning.py); returns how many went."""
        return 0

    def put_record(self, kind: str, name: str, blob: bytes) -> None:
        """Store or replace a record (atomically)."""

    def list_records(self, kind: str) -> list[str]:
        ...

    def get_record(self, kind: str, name: str) -> bytes | None:
        ...

    def put_invitation(self, invite_id: str, blob: bytes) -> None:
        ...

    def get_invitation(self, invite_id: str) -> bytes | None:
        ...

    def delete_invitation(self, invite_id: str) -> None:
        ...

    def post_enrollment_request(self, invite_id: str, blob: bytes) -> bool:
        """The new laptop's request of an enrollment exchange; False if one is there already
        (one request per invitation: the first wins)."""
        ...

    def get_enrollment_request(self, invite_id: str) -> bytes | None:
        ...

    def for_org(self, org_id: str) -> Transport:
        """The same place, scoped to one organisation."""

    def as_device(self, org_id: str, device_id: str, sign_key: bytes,
                  roster: Sequence[tuple[str, bytes, bool]] = ()) -> Transport:
        """The same place for one device of an organisation. A transport that authenticates
        (the relay) signs with ``sign_key`` and tells the server the device's peers
        ``roster`` of (device id, public signing key, revoked); others need only the org."""
        return self.for_org(org_id)

    def admit(self, invite_id: str) -> None:
        """Join the organisation at the transport with an invitation (a new device, bound
        with :meth:`as_device`). Nothing to do where there is no access control."""
