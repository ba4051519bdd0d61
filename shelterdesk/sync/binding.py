"""The transport as seen by this device: bound to its organisation, key and known peers."""

from __future__ import annotations

from shelterdesk.store.connection import Connection
from shelterdesk.store.replication import registry
from shelterdesk.sync.devices import require_identity
from shelterdesk.sync.transport import Transport


def place_for(transport: Transport, connection: Connection) -> Transport:
    """``transport`` scoped to this device (which must have joined an organisation)."""
    ident = require_identity(connection)
    assert ident.sign_key is not None
    roster = [(d.device_id, d.sign_pub, d.revoked) for d in registry.devices(connection)]
    return transport.as_device(ident.org_id, ident.device_id, ident.sign_key, roster)
