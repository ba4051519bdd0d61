"""Render both referral documents in az, ru and en from a throwaway vault, as PDF and PNG.

    python3 scripts/referral_screenshots.py [--out docs/screenshots/referrals]

Needs poppler's ``pdftoppm`` for the PNGs (80 dpi, the first page of each document).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SHELTERDESK_KDF_PROFILE", "minimum")

from shelterdesk.reports.referral_print import refer_and_render  # noqa: E402
from shelterdesk.store.vault import Vault  # noqa: E402
from tests.referral_helpers import build_world, consent_for  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "referrals")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        vault = Vault(Path(temp) / "vault")
        vault.create("aysel", "screenshot passphrase", org_name="Təmiz Ürək NGO", prefix="TU")
        with vault.unlock("aysel", "screenshot passphrase") as session:
            world = build_world(session)
            consent_for(session, world)
            consent_for(session, world, "medical_sharing")
            for language in ("az", "ru", "en"):
                for kind, anonymized in (("form", False), ("sheet", True)):
                    _referral, pdf = refer_and_render(
                        session, world.case.id, world.org.id, ["legal", "medical", "shelter"],
                        urgency="urgent", anonymized=anonymized, language=language)
                    stem = args.out / f"{kind}-{language}"
                    pdf_path = Path(temp) / f"{kind}-{language}.pdf"
                    pdf_path.write_bytes(pdf)
                    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", "1",
                                    "-l", "1", str(pdf_path), str(stem)], check=True)
                    print(f"{stem}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
