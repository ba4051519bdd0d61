"""The organisation's own key pair and partners' keys in the directory (issue 22, item 1).

The private halves live only in the vault (table ``org_identity``); coordinators create
the identity and confirm partners. A partner's keys come from its organisation code and
are trusted for secure referrals only once a coordinator has compared the safety number
(``organisations.keys_confirmed_at``); until then the partner gets paper referrals only.
"""

from __future__ import annotations

from dataclasses import dataclass

from shelterdesk.domain import org_codes
from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.referrals import Organisation
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import N_
from shelterdesk.store import audit
from shelterdesk.store.connection import transaction
from shelterdesk.store.exchange.sealing import REFERRALS, Keys, Protocol, new_keys
from shelterdesk.store.records import organisations
from shelterdesk.store.rows import now
from shelterdesk.store.vault import Session

IDENTITY_ID = "org"


class CoordinatorsOnly(UserFacingError):
    message = N_("Only a coordinator can manage the organisation's keys and its partners' "
                 "keys.")


class NoIdentity(UserFacingError):
    message = N_("This organisation has no keys for secure referrals yet: a coordinator "
                 "creates them (Organisations → Our organisation code…, or `shelterdesk org "
                 "code`).")


class NoPartnerKeys(UserFacingError):
    message = N_("“{name}” has no keys in the directory: add its organisation code first "
                 "(Add secure contact…, or `shelterdesk org add-key`).")


class PartnerNotConfirmed(UserFacingError):
    message = N_("The keys of “{name}” are not confirmed: compare the safety number with them "
                 "first. Until then, send paper referrals only.")


class SafetyNumberMismatch(UserFacingError):
    message = N_("The safety number does not match the one for “{name}”: the keys were not "
                 "confirmed. Check the organisation code with them again; someone may have "
                 "given you a wrong one.")


class OwnCode(UserFacingError):
    message = N_("This is your own organisation's code; add the code of the partner "
                 "organisation.")


def _require_coordinator(session: Session, what: str) -> None:
    if not session.user.has_role(Role.COORDINATOR):
        session.audit("permission.denied", "organisation", "", attempted=what)
        raise CoordinatorsOnly()


def keys(session: Session) -> Keys | None:
    """This organisation's keys, or None before a coordinator created them."""
    with session.lock:
        row = session.connection.execute(
            "SELECT signing_private, exchange_private FROM org_identity WHERE id = ?",
            (IDENTITY_ID,)).fetchone()
    return Keys(bytes.fromhex(row[0]), bytes.fromhex(row[1])) if row else None


def require_keys(session: Session) -> Keys:
    found = keys(session)
    if found is None:
        raise NoIdentity()
    return found


def ensure_identity(session: Session) -> Keys:
    """The organisation's keys, made once (by a coordinator) and kept in the vault."""
    found = keys(session)
    if found is not None:
        return found
    _require_coordinator(session, "org.identity")
    made = new_keys()
    with session.lock, transaction(session.connection) as connection:
        connection.execute(
            "INSERT OR IGNORE INTO org_identity (id, signing_private, exchange_private,"
            " created_by, created_at) VALUES (?, ?, ?, ?, ?)",
            (IDENTITY_ID, made.signing_private.hex(), made.exchange_private.hex(),
             session.user.id, now()))
        audit.append(connection, session.user.id, "org.identity.create", "organisation",
                     IDENTITY_ID, signing_key=made.signing_public.hex()[:16])
    return require_keys(session)


def our_code(session: Session) -> str:
    """Our organisation code (made with the keys on first use): text to read, type or scan."""
    mine = ensure_identity(session)
    return org_codes.encode(org_codes.OrganisationCode(
        session.meta("org_name") or "ShelterDesk", mine.signing_public, mine.exchange_public,
        mailbox=own_mailbox(session)))


def own_mailbox(session: Session) -> str:
    """Our relay mailbox address (empty before a coordinator opened one)."""
    with session.lock:
        row = session.connection.execute("SELECT mailbox FROM org_identity WHERE id = ?",
                                         (IDENTITY_ID,)).fetchone()
    return row[0] if row else ""


def set_own_mailbox(session: Session, address: str) -> None:
    _require_coordinator(session, "org.mailbox")
    ensure_identity(session)
    with session.lock, transaction(session.connection) as connection:
        connection.execute("UPDATE org_identity SET mailbox = ? WHERE id = ?",
                           (address, IDENTITY_ID))
        audit.append(connection, session.user.id, "org.mailbox.open", "organisation",
                     IDENTITY_ID)


@dataclass(frozen=True)
class PartnerKeys:
    """A directory entry's keys and whether a person confirmed them."""

    org: Organisation
    signing_key: bytes
    exchange_key: bytes
    code_name: str
    confirmed_at: str
    mailbox: str = ""

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_at)


def partner_keys(session: Session, org_id: str) -> PartnerKeys | None:
    org = organisations.get_organisation(session, org_id)
    with session.lock:
        row = session.connection.execute(
            "SELECT signing_key, exchange_key, code_name, keys_confirmed_at, mailbox"
            " FROM organisations WHERE id = ?", (org_id,)).fetchone()
    if not row or not row[0]:
        return None
    return PartnerKeys(org, bytes.fromhex(row[0]), bytes.fromhex(row[1]), row[2], row[3],
                       row[4])


def confirmed_partner(session: Session, org_id: str) -> PartnerKeys:
    """The partner's keys, refused unless present and confirmed."""
    found = partner_keys(session, org_id)
    name = organisations.get_organisation(session, org_id).name
    if found is None:
        raise NoPartnerKeys(name=name)
    if not found.confirmed:
        raise PartnerNotConfirmed(name=name)
    return found


def add_partner_code(session: Session, org_name_or_id: str, code_text: str) -> PartnerKeys:
    """Store a partner's keys (and mailbox) from its code. New or changed keys are
    unconfirmed until compared; the same keys again (a new mailbox) stay confirmed."""
    _require_coordinator(session, "org.add_key")
    code = org_codes.decode(code_text)
    org = organisations.find_organisation(session, org_name_or_id)
    mine = keys(session)
    if mine is not None and code.signing_key == mine.signing_public:
        raise OwnCode()
    with session.lock, transaction(session.connection) as connection:
        connection.execute(
            "UPDATE organisations SET keys_confirmed_at = CASE WHEN signing_key = ? AND"
            " exchange_key = ? THEN keys_confirmed_at ELSE '' END, signing_key = ?,"
            " exchange_key = ?, code_name = ?, mailbox = ?, updated_at = ? WHERE id = ?",
            (code.signing_key.hex(), code.exchange_key.hex(), code.signing_key.hex(),
             code.exchange_key.hex(), code.name, code.mailbox, now(), org.id))
        audit.append(connection, session.user.id, "org.key.add", "organisation", org.id,
                     signing_key=code.signing_key.hex()[:16])
    found = partner_keys(session, org.id)
    assert found is not None
    return found


def safety_number(session: Session, org_name_or_id: str) -> str:
    """The number both organisations read to each other: the same on both sides."""
    org = organisations.find_organisation(session, org_name_or_id)
    theirs = partner_keys(session, org.id)
    if theirs is None:
        raise NoPartnerKeys(name=org.name)
    mine = ensure_identity(session)
    return org_codes.safety_number((mine.signing_public, mine.exchange_public),
                                   (theirs.signing_key, theirs.exchange_key))


def confirm_partner(session: Session, org_name_or_id: str,
                    number: str | None = None) -> PartnerKeys:
    """A coordinator says the safety numbers matched: the keys may now carry referrals.
    ``number``, when given, is the number the partner read out: it must match ours."""
    _require_coordinator(session, "org.confirm")
    org = organisations.find_organisation(session, org_name_or_id)
    if partner_keys(session, org.id) is None:
        raise NoPartnerKeys(name=org.name)
    if number is not None and "".join(ch for ch in number if ch.isdigit()) != \
            safety_number(session, org.id).replace(" ", ""):
        session.audit("org.key.mismatch", "organisation", org.id)
        raise SafetyNumberMismatch(name=org.name)
    with session.lock, transaction(session.connection) as connection:
        connection.execute("UPDATE organisations SET keys_confirmed_at = ?, updated_at = ?"
                           " WHERE id = ?", (now(), now(), org.id))
        audit.append(connection, session.user.id, "org.key.confirm", "organisation", org.id)
    found = partner_keys(session, org.id)
    assert found is not None
    return found


def partner_by_signing_key(session: Session, signing_key: bytes) -> PartnerKeys | None:
    with session.lock:
        row = session.connection.execute(
            "SELECT id FROM organisations WHERE signing_key = ?",
            (signing_key.hex(),)).fetchone()
    return partner_keys(session, row[0]) if row else None


def seal_for_partner(session: Session, org_id: str, message: dict,
                     protocol: Protocol = REFERRALS) -> bytes:
    """A message signed with our key and sealed to a confirmed partner's key."""
    from shelterdesk.store.exchange.sealing import seal

    partner = confirmed_partner(session, org_id)
    return seal(require_keys(session), partner.signing_key, partner.exchange_key, message,
                protocol)


def can_send_securely(session: Session, org_id: str) -> bool:
    """Whether a referral to this organisation can travel sealed (both keys in place)."""
    found = partner_keys(session, org_id) if org_id else None
    return found is not None and found.confirmed and keys(session) is not None


def key_states(session: Session) -> dict[str, str]:
    """Each directory entry's state for the list: "" (paper only), "added" or "confirmed"."""
    with session.lock:
        rows = session.connection.execute(
            "SELECT id, signing_key, keys_confirmed_at FROM organisations").fetchall()
    return {r[0]: ("confirmed" if r[2] else "added") if r[1] else "" for r in rows}
