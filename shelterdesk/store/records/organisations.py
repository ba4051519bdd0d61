"""The coalition's directory of organisations and the services each offers."""

from __future__ import annotations

from shelterdesk.domain.errors import UserFacingError
from shelterdesk.domain.permissions import Action, Kind
from shelterdesk.domain.referrals import Organisation
from shelterdesk.domain.vocabulary import fold
from shelterdesk.i18n import N_
from shelterdesk.store import access, audit
from shelterdesk.store.connection import IntegrityError, transaction
from shelterdesk.store.rows import NotFound, dumps, ensure_valid, loads, new_id, now
from shelterdesk.store.vault import Session

COLUMNS = "id, name, kind, services, contact_person, phone, email, address"


class OrganisationExists(UserFacingError):
    message = N_("An organisation named “{name}” is already in the directory.")


class UnknownOrganisation(UserFacingError):
    message = N_("No organisation “{name}” in the directory (use its name or id; "
                 "see `shelterdesk org list`).")


def _spellings(name: str) -> set[str]:
    """A name folded (ə → a, as case search does) and with ə typed as e, the other habit."""
    return {fold(name), fold(name.replace("ə", "e").replace("Ə", "E"))}


class AmbiguousOrganisation(UserFacingError):
    message = N_("“{name}” matches several organisations ({names}); give the exact name or "
                 "the id.")


def _from_row(row) -> Organisation:
    return Organisation(id=row[0], name=row[1], kind=row[2], services=loads(row[3]),
                        contact_person=row[4], phone=row[5], email=row[6], address=row[7])


def add_organisation(session: Session, org: Organisation) -> Organisation:
    access.require(session, Kind.ORGANISATION, Action.CREATE)
    ensure_valid(org.validate())
    org.id = new_id()
    try:
        with session.lock, transaction(session.connection) as connection:
            stamp = now()
            connection.execute(
                f"INSERT INTO organisations ({COLUMNS}, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (org.id, org.name.strip(), org.kind, dumps(org.services),
                 org.contact_person.strip(), org.phone.strip(), org.email.strip(),
                 org.address.strip(), stamp, stamp))
            audit.append(connection, session.user.id, "organisation.add", "organisation", org.id)
    except IntegrityError:
        raise OrganisationExists(name=org.name) from None
    return org


def update_organisation(session: Session, org: Organisation) -> None:
    access.require(session, Kind.ORGANISATION, Action.EDIT, org.id)
    ensure_valid(org.validate())
    try:
        with session.lock, transaction(session.connection) as connection:
            cursor = connection.execute(
                "UPDATE organisations SET name = ?, kind = ?, services = ?, contact_person = ?,"
                " phone = ?, email = ?, address = ?, updated_at = ? WHERE id = ?",
                (org.name.strip(), org.kind, dumps(org.services), org.contact_person.strip(),
                 org.phone.strip(), org.email.strip(), org.address.strip(), now(), org.id))
            if cursor.rowcount != 1:
                raise NotFound(kind="organisation")
            audit.append(connection, session.user.id, "organisation.edit", "organisation",
                         org.id)
    except IntegrityError:
        raise OrganisationExists(name=org.name) from None


def list_organisations(session: Session) -> list[Organisation]:
    access.require(session, Kind.ORGANISATION, Action.VIEW)
    with session.lock:
        rows = session.connection.execute(
            f"SELECT {COLUMNS} FROM organisations ORDER BY name COLLATE NOCASE").fetchall()
    return [_from_row(r) for r in rows]


def get_organisation(session: Session, org_id: str) -> Organisation:
    access.require(session, Kind.ORGANISATION, Action.VIEW)
    with session.lock:
        row = session.connection.execute(f"SELECT {COLUMNS} FROM organisations WHERE id = ?",
                                         (org_id,)).fetchone()
    if row is None:
        raise NotFound(kind="organisation")
    return _from_row(row)


def find_organisation(session: Session, name_or_id: str) -> Organisation:
    """ORG on the command line: a name (any case) or an id."""
    access.require(session, Kind.ORGANISATION, Action.VIEW)
    with session.lock:
        row = session.connection.execute(
            f"SELECT {COLUMNS} FROM organisations WHERE id = ? OR name = ? COLLATE NOCASE",
            (name_or_id.strip(), name_or_id.strip())).fetchone()
    if row is None:
        row = _by_folded_name(session, name_or_id)
    if row is None:
        raise UnknownOrganisation(name=name_or_id)
    return _from_row(row)


def _by_folded_name(session: Session, name: str):
    """The one organisation whose name matches without case or diacritics, like case search.

    "huquqi yardim merkezi" finds "Hüquqi Yardım Mərkəzi"; two names that fold alike
    are not guessed between.
    """
    wanted = _spellings(name)
    if not any(wanted):
        return None
    with session.lock:
        rows = session.connection.execute(f"SELECT {COLUMNS} FROM organisations").fetchall()
    matches = [row for row in rows if _spellings(row[1]) & wanted]
    if len(matches) > 1:
        raise AmbiguousOrganisation(name=name, names=", ".join(sorted(r[1] for r in matches)))
    return matches[0] if matches else None
