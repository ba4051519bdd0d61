"""The transport a command line or the Sync settings name: a shared folder or a relay.

Kept apart from :mod:`shelterdesk.sync.transport` (the interface), which the
implementations import, so that no module imports one that imports it.
"""

from __future__ import annotations

from pathlib import Path

from shelterdesk.sync.folder import FolderTransport
from shelterdesk.sync.relay_client import RelayTransport
from shelterdesk.sync.transport import Transport


def open_transport(*, folder: str | Path | None = None, relay: str | None = None,
                   org_id: str | None = None, allow_http: bool = False,
                   admission_token: str = "") -> Transport:
    """The transport a command line or settings page names (``admission_token``: the relay
    operator's token that lets this laptop found its organisation there)."""
    if relay:
        return RelayTransport(relay, org_id, allow_http=allow_http,
                              admission_token=admission_token)
    if folder is None:
        raise ValueError("a folder or a relay is needed")
    return FolderTransport(Path(folder), org_id)
