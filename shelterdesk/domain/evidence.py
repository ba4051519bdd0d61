"""Digital evidence with its chain of custody, and perpetrators as the client describes them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from shelterdesk.domain import codes_case
from shelterdesk.domain import codes_services as codes
from shelterdesk.domain.validation import Checker, Problem, record_text_problems
from shelterdesk.i18n import N_

MAX_EVIDENCE_BYTES = 200 * 1024 * 1024
# Shown (window and command line) in place of evidence or perpetrator content to a case
# worker, who records it but may not read it (domain/permissions.py WRITE_ONLY).
SEALED_TEXT = N_("Sealed: only legal advisors and coordinators can read this")


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass
class EvidenceItem:
    case_id: str
    kind: str
    file_name: str = ""
    media_type: str = ""
    content: bytes = b""
    platform: str = ""
    source_link: str = ""
    description: str = ""
    captured_at: datetime | None = None
    id: str = ""
    sha256: str = ""
    size: int = 0
    # Listed for a writer who may not read it (a case worker): link, file name and
    # description are left empty and shown as sealed (domain/permissions.py WRITE_ONLY).
    sealed: bool = False
    captured_by: str = ""  # the user id of whoever recorded it

    def validate(self) -> list[Problem]:
        check = Checker()
        check.code("kind", self.kind, codes.EVIDENCE_KINDS, required=True)
        check.code("platform", self.platform, codes_case.PLATFORMS)
        if not self.content and not self.source_link:
            check.add("file_name", N_("add a file or a source link"))
        if len(self.content) > MAX_EVIDENCE_BYTES:
            check.add("file_name", N_("is larger than {megabytes} MB"),
                      megabytes=MAX_EVIDENCE_BYTES // (1024 * 1024))
        if self.source_link and not self.source_link.startswith(("http://", "https://")):
            check.add("source_link", N_("must start with http:// or https://"))
        check.problems += record_text_problems(self)
        return check.problems


def custody_problems(kind: str, recipient: str) -> list[Problem]:
    """A custody event names what happened; a hand-over also names who received the item."""
    check = Checker()
    check.code("kind", kind, codes.CUSTODY_EVENTS, required=True)
    if kind.startswith("handed_to"):
        check.required("recipient", recipient.strip())
    return check.problems


@dataclass(frozen=True)
class CustodyEvent:
    evidence_id: str
    kind: str
    at: datetime
    actor_id: str
    recipient: str = ""
    notes: str = ""
    id: str = ""


@dataclass
class Perpetrator:
    case_id: str
    roles: list[str] = field(default_factory=list)
    relationship: str = ""
    sex: str = "unknown"
    nationality: str = ""
    description: str = ""
    accounts: list[dict[str, str]] = field(default_factory=list)  # {"platform", "handle"}
    phones: list[str] = field(default_factory=list)
    evidence_ids: list[str] = field(default_factory=list)
    id: str = ""
    sealed: bool = False  # listed for a writer: description, accounts and phones left out

    def validate(self) -> list[Problem]:
        check = Checker()
        check.codes("roles", self.roles, codes.PERPETRATOR_ROLES, required=True)
        check.code("relationship", self.relationship, codes_case.TRAFFICKER_RELATIONSHIP)
        check.code("sex", self.sex, codes_case.SEX, required=True)
        check.country("nationality", self.nationality)
        for account in self.accounts:
            check.code("platform", account.get("platform", ""), codes_case.PLATFORMS,
                       required=True)
        for phone in self.phones:
            check.phone("phone", phone)
        check.problems += record_text_problems(self)
        return check.problems
