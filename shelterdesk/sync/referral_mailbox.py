"""Sealed referral files through a relay mailbox (issue 22): open our mailbox at the relay
this laptop syncs with, drop files into a partner's mailbox, collect ours.

The relay sees mailbox ids (it keeps their hashes), arrival times and sizes rounded up to
a power of two from 4 KiB (the file is padded with spaces, which its JSON ignores):
never who sent a file, to whom inside the organisation, or anything in it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.i18n import N_
from shelterdesk.store.exchange import identity, receive, submissions
from shelterdesk.store.exchange.sealing import opens_as
from shelterdesk.store.vault import Session
from shelterdesk.sync.binding import place_for
from shelterdesk.sync.relay import protocol as p
from shelterdesk.sync.relay.mailbox_store import BUCKETS
from shelterdesk.sync.relay_client import RelayTransport
from shelterdesk.sync.setup import saved_transport


class NoRelayForMailbox(UserFacingError):
    message = N_("A mailbox lives on the relay this laptop syncs with, and this laptop syncs "
                 "through a shared folder or not at all. Set up syncing with a relay first, "
                 "or exchange files by hand.")


class NoMailbox(UserFacingError):
    message = N_("“{name}” has no relay mailbox in the directory (its organisation code names "
                 "none): save the file and deliver it by hand.")


class NoOwnMailbox(UserFacingError):
    message = N_("This organisation has no relay mailbox yet: a coordinator opens one "
                 "(Our organisation code…, or `shelterdesk org mailbox`).")


class BadMailboxAddress(UserFacingError):
    message = N_("“{address}” is not a relay mailbox address (https://relay…#32 letters and "
                 "digits).")


class TooLargeForMailbox(UserFacingError):
    message = N_("This file is too large for a relay mailbox (at most 1 MiB): save it and "
                 "deliver it by hand.")


def parse_address(address: str) -> tuple[str, str]:
    """(relay URL, mailbox id) of ``https://relay.example.org#<32 hex>``."""
    url, _, mailbox = address.strip().partition("#")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname \
            or not p.HEX32.match(mailbox):
        raise BadMailboxAddress(address=address)
    return url.rstrip("/"), mailbox


def padded(data: bytes) -> bytes:
    """The file grown with spaces to its size bucket (JSON ignores trailing spaces)."""
    for size in BUCKETS:
        if len(data) <= size:
            return data + b" " * (size - len(data))
    raise TooLargeForMailbox()


def _bound(session: Session) -> RelayTransport:
    transport = saved_transport(session)
    if not isinstance(transport, RelayTransport):
        raise NoRelayForMailbox()
    with session.lock:
        place = place_for(transport, session.connection)
    assert isinstance(place, RelayTransport)
    return place


def open_mailbox(session: Session) -> str:
    """Our mailbox at our relay (made once; its address goes into our organisation code)."""
    existing = identity.own_mailbox(session)
    if existing:
        return existing
    place = _bound(session)
    mailbox = secrets.token_hex(16)
    place._call("PUT", f"/v1/mailboxes/{mailbox}")  # noqa: SLF001 - the signed call
    address = f"{place.url}#{mailbox}"
    identity.set_own_mailbox(session, address)
    return address


def deliver(address: str, data: bytes, *, allow_http: bool = False) -> None:
    """Drop one sealed file into a mailbox (no account needed: the file is signed)."""
    url, mailbox = parse_address(address)
    relay = RelayTransport(url, allow_http=allow_http)
    try:
        relay._send("PUT", f"/v1/mailboxes/{mailbox}/items/{secrets.token_hex(16)}",  # noqa: SLF001
                    padded(data), signed=False, expect=())
    finally:
        relay.close()


def deliver_to_partner(session: Session, org_id: str, data: bytes,
                       action: str = "referral.file.delivered") -> None:
    partner = identity.confirmed_partner(session, org_id)
    if not partner.mailbox:
        raise NoMailbox(name=partner.org.name)
    deliver(partner.mailbox, data)
    session.audit(action, "organisation", org_id)


@dataclass
class Collected:
    """What collecting did: files applied, files refused (their reasons), and confirmations
    of erase requests that could not be delivered (the caller saves them)."""

    applied: list[receive.ReceiveResult] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    replies_to_save: list[tuple[str, bytes]] = field(default_factory=list)


def collect(session: Session, family: str = "referrals") -> Collected:
    """Open every file of one family in our mailbox ("referrals": `.sdreferral` files;
    "statistics": `.sdstats` submissions), then remove it there (a refused one too: it is
    audited here, and would be refused again). Files of the other family stay at the relay
    for whoever collects those (a case worker does not import statistics)."""
    address = identity.own_mailbox(session)
    if not address:
        raise NoOwnMailbox()
    _url, mailbox = parse_address(address)
    place = _bound(session)
    found = Collected()
    items = place._call("GET", f"/v1/mailboxes/{mailbox}/items").json()["items"]  # noqa: SLF001
    for item, _stored_at in items:
        path = f"/v1/mailboxes/{mailbox}/items/{item}"
        response = place._call("GET", path)  # noqa: SLF001
        if response.status_code == 200:
            if _family(session, response.content) != family:
                continue
            suffix = submissions.SUFFIX if family == "statistics" else ".sdreferral"
            name = f"mailbox-{str(item)[:8]}{suffix}"
            opener = submissions.receive if family == "statistics" else receive.receive
            try:
                result = opener(session, response.content, name)
            except UserFacingError as refusal:
                found.refused.append(refusal.user_message())
            else:
                found.applied.append(result)
                if result.reply:
                    _reply(session, result, found)
        place._call("DELETE", path)  # noqa: SLF001
    return found


def _family(session: Session, data: bytes) -> str:
    """Which family a mailbox item belongs to: the one whose key label opens it (the
    envelopes look alike); anything else goes to the referral reader, which refuses it."""
    opens = opens_as(identity.require_keys(session), data, submissions.STATISTICS)
    return "statistics" if opens else "referrals"


def _reply(session: Session, result: receive.ReceiveResult, found: Collected) -> None:
    from shelterdesk.store.exchange import inbox

    entry = inbox.get_received(session, result.target_id)
    try:
        deliver_to_partner(session, entry.from_org_id, result.reply)
    except UserFacingError:
        found.replies_to_save.append((entry.number or entry.id, result.reply))
