"""Export for an investigator: a ZIP of the files, a manifest with each SHA-256 and the custody
log, a one-page summary in the chosen language; only with consent or a coordinator's override."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from shelterdesk.domain.errors import PermissionDenied
from shelterdesk.domain.evidence import EvidenceItem
from shelterdesk.domain.referrals import Consent
from shelterdesk.domain.roles import Role
from shelterdesk.i18n import translations
from shelterdesk.reports.evidence_export import (
    TITLE,
    ExportOverrideNotAllowed,
    LawEnforcementConsentRequired,
    NoEvidenceToExport,
    export_for_investigator,
)
from shelterdesk.store import audit
from shelterdesk.store.records import consents, evidence
from shelterdesk.store.records.evidence import EvidenceAltered
from shelterdesk.store.vault import Session, Vault
from tests.cli_helpers import run_cli
from tests.records_helpers import add_role_users, intake, login
from tests.referral_helpers import pdf_text

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
CHAT = "Vakansiya: Dubayda ofisiant, aylıq 2000$. Pasportu gətir.\n".encode()


@pytest.fixture
def case(admin_session: Session):
    add_role_users(admin_session)
    case = intake(admin_session)
    for item in (EvidenceItem(case.id, "screenshot", "profil şəkli.png", "image/png", PNG,
                              platform="instagram"),
                 EvidenceItem(case.id, "chat_export", "chat.txt", "text/plain", CHAT),
                 EvidenceItem(case.id, "profile_link",
                              source_link="https://instagram.com/recruiter_77")):
        evidence.add_evidence(admin_session, item)
    return case


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """Where the person chose to save (the vault lives elsewhere under tmp_path)."""
    folder = tmp_path / "chosen"
    folder.mkdir()
    return folder


def read_zip(path: Path) -> tuple[dict, dict[str, bytes]]:
    with zipfile.ZipFile(path) as bundle:
        files = {name: bundle.read(name) for name in bundle.namelist()}
    return json.loads(files["manifest.json"]), files


def test_refused_without_consent_or_a_coordinators_reason(vault: Vault, admin_session, case,
                                                          out_dir: Path) -> None:
    out = out_dir / "export.zip"
    # Write-only evidence: a case worker exports nothing at all.
    with login(vault, Role.CASE_WORKER) as worker, pytest.raises(PermissionDenied):
        export_for_investigator(worker, case.case_code, out, override_reason="urgent")
    with login(vault, Role.LEGAL_ADVISOR) as worker:
        with pytest.raises(LawEnforcementConsentRequired):
            export_for_investigator(worker, case.case_code, out)
        with pytest.raises(ExportOverrideNotAllowed):
            export_for_investigator(worker, case.case_code, out, override_reason="urgent")
    with pytest.raises(LawEnforcementConsentRequired):
        export_for_investigator(admin_session, case.case_code, out, override_reason="  ")
    assert not out.exists() and not list(out_dir.iterdir())
    events = {e.kind for i in evidence.list_evidence(admin_session, case.id)
              for e in evidence.custody_chain(admin_session, i.id)}
    assert events == {"captured"}


def test_coordinator_override_writes_files_manifest_summary_and_custody(
        admin_session: Session, case, out_dir: Path) -> None:
    out = out_dir / "export.zip"
    done = export_for_investigator(admin_session, case.case_code, out, language="az",
                                   override_reason="Prokurorluğun sorğusu, 12/2026")
    manifest, files = read_zip(out)
    assert done.items == 3 and done.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert manifest["case_code"] == case.case_code and manifest["basis"]["kind"] == "override"
    stored = {i.file_name or i.source_link: i for i in evidence.list_evidence(admin_session,
                                                                                case.id)}
    for entry in manifest["items"]:
        item = stored[entry["original_name"] or entry["source_link"]]
        if entry["file"]:
            assert hashlib.sha256(files[entry["file"]]).hexdigest() == entry["sha256"] \
                == item.sha256
        else:
            assert entry["source_link"] == "https://instagram.com/recruiter_77"
        assert [c["event"] for c in entry["custody"]] == ["captured"]
    assert len([n for n in files if n.startswith("files/")]) == 2  # the link has no file
    summary = PdfReader(io.BytesIO(files["summary.pdf"]))
    assert len(summary.pages) == 1
    text = " ".join(pdf_text(files["summary.pdf"]).split())
    assert translations("az").gettext(TITLE) in text and case.case_code in text
    assert stored["chat.txt"].sha256 in text.replace(" ", "")
    assert hashlib.sha256(files["summary.pdf"]).hexdigest() == manifest["summary_sha256"]
    # The export itself is a custody event of every item, and one audit entry without words.
    for item in stored.values():
        chain = evidence.custody_chain(admin_session, item.id)
        assert chain[-1].kind == "exported" and done.sha256 in chain[-1].notes
    [entry] = [e for e in audit.recent(admin_session.connection, 20)
               if e.action == "evidence.export"]
    assert entry.detail["basis"] == "override" and "Prokuror" not in json.dumps(entry.detail)


def test_a_legal_advisor_exports_with_a_law_enforcement_consent(vault: Vault, admin_session,
                                                               case, out_dir: Path) -> None:
    consents.add_consent(admin_session, Consent(case.id, "law_enforcement", date(2026, 3, 1)))
    out = out_dir / "export.zip"
    with login(vault, Role.LEGAL_ADVISOR) as worker:
        export_for_investigator(worker, case.id, out, language="ru")
    manifest, _files = read_zip(out)
    assert manifest["basis"]["kind"] == "consent"
    consents.withdraw(admin_session, case.id, "law_enforcement", "")
    out.unlink()
    with login(vault, Role.LEGAL_ADVISOR) as worker, \
            pytest.raises(LawEnforcementConsentRequired):
        export_for_investigator(worker, case.id, out)
    assert not out.exists()


def test_an_altered_file_or_an_empty_case_writes_nothing(admin_session: Session, case,
                                                         out_dir: Path) -> None:
    empty = intake(admin_session, given_name="Leyla")
    with pytest.raises(NoEvidenceToExport):
        export_for_investigator(admin_session, empty.id, out_dir / "a.zip",
                                override_reason="x")
    with admin_session.lock:
        admin_session.connection.execute(
            "UPDATE evidence_items SET content = ? WHERE id = ?",
            (b"forged", next(i.id for i in evidence.list_evidence(admin_session, case.id)
                             if i.file_name == "chat.txt")))
    with pytest.raises(EvidenceAltered):
        export_for_investigator(admin_session, case.id, out_dir / "b.zip",
                                override_reason="x")
    assert not list(out_dir.iterdir())


def test_cli_export_refuses_in_one_line_then_writes_with_an_override(
        vault: Vault, admin_session: Session, case, out_dir: Path) -> None:
    from tests.conftest import ADMIN, ADMIN_PASSPHRASE
    from tests.records_helpers import ROLE_PASSPHRASE, ROLE_USERS

    admin_session.close()
    data = str(vault.directory)
    out = out_dir / "out.zip"
    sealed = run_cli("evidence", "export", "--case", case.case_code, "--output", str(out),
                     "--data-dir", data, "--user", ROLE_USERS[Role.CASE_WORKER],
                     passphrase=ROLE_PASSPHRASE)
    assert sealed.returncode == 1 and not out.exists() and "Traceback" not in sealed.stderr
    assert "only legal advisors and coordinators" in sealed.stderr
    refused = run_cli("evidence", "export", "--case", case.case_code, "--output", str(out),
                      "--data-dir", data, "--user", ROLE_USERS[Role.LEGAL_ADVISOR],
                      passphrase=ROLE_PASSPHRASE)
    assert refused.returncode == 1 and not out.exists() and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "law enforcement" in refused.stderr
    done = run_cli("evidence", "export", "--case", case.case_code, "--output", str(out),
                   "--lang", "ru", "--override-reason", "Court order 5/2026", "--json",
                   "--data-dir", data, "--user", ADMIN, passphrase=ADMIN_PASSPHRASE)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["items"] == 3 and zipfile.is_zipfile(out)
