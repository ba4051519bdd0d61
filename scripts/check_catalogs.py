"""Check the translation catalogs the way a careful reviewer would, before they ship.

    python3 scripts/check_catalogs.py [--translations DIR]

- ``msgfmt --check`` on every catalog and pending fragment (syntax, headers, formats);
- translate-toolkit's ``pofilter`` with the checks that find real faults (placeholders,
  escapes, whitespace, end punctuation, plurals, fuzzy or blank entries). The checks
  that only measure word order and style against English (capitals at the start,
  sentence counts, brackets, quotation marks: «» and “” are right in ru and az) are
  left out: they are noise for languages with other word order;
- mnemonics (``&``): one when the English has one, on a letter that both a US and a
  Russian keyboard can type (not ə, ş, ğ, ı, ö, ü, ç);
- a Russian spell check with hunspell (ru_RU), words of the trade listed in
  ``translations/hunspell-ru-words.txt``.

Prints one line per finding (file, message, problem) and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
POFILTER_TESTS = ("accelerators", "blank", "compendiumconflicts", "doublespacing", "emails",
                  "endpunc", "endwhitespace", "escapes", "filepaths", "functions", "isfuzzy",
                  "newlines", "nplurals", "numbers", "options", "printf", "purepunc",
                  "pythonbraceformat", "startwhitespace", "tabs", "untranslated", "urls",
                  "xmltags")
CHECKED_LANGUAGES = ("az", "ru")
MNEMONIC = re.compile(r"&(.)")
TYPEABLE = re.compile(r"[A-Za-z0-9А-Яа-яЁё]")
RUSSIAN_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")


def catalogs(translations: Path, language: str | None = None) -> list[Path]:
    """The main catalog and pending fragments of a language (or of all)."""
    langs = [language] if language else sorted(
        p.name for p in translations.iterdir() if (p / "LC_MESSAGES").is_dir())
    found = []
    for lang in langs:
        main = translations / lang / "LC_MESSAGES" / "shelterdesk.po"
        found += [main] if main.is_file() else []
        found += sorted((translations / "pending").glob(f"*_{lang}.po"))
    return found


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _read(path: Path, language: str):
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def check_msgfmt(paths: list[Path]) -> list[str]:
    problems = []
    for path in paths:
        done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                              capture_output=True, text=True)
        if done.returncode != 0 or "warning" in done.stderr:
            problems += [f"{path}: msgfmt: {line}" for line in done.stderr.splitlines()
                         if line.strip()] or [f"{path}: msgfmt failed"]
    return problems


def check_pofilter(paths: list[Path], language: str) -> list[str]:
    problems = []
    tests = [arg for test in POFILTER_TESTS for arg in ("-t", test)]
    with tempfile.TemporaryDirectory() as temp:
        for index, path in enumerate(paths):
            out = Path(temp) / f"{index}.po"
            subprocess.run(["pofilter", "--progress=none", f"--language={language}", *tests,
                            "-i", str(path), "-o", str(out)], check=True,
                           capture_output=True, text=True)
            if not out.is_file():
                continue
            for message in _read(out, language):
                for comment in message.user_comments:
                    if comment.startswith("(pofilter)"):
                        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                        problems.append(f"{path}: “{msgid[:60]}”: {comment}")
    return problems


def check_mnemonics(paths: list[Path], language: str) -> list[str]:
    problems = []
    for path in paths:
        for message in _read(path, language):
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            if not msgid:
                continue
            wanted = len(MNEMONIC.findall(msgid.replace("&&", "")))
            for text in _strings(message):
                if not text:
                    continue
                marks = MNEMONIC.findall(text.replace("&&", ""))
                if wanted and len(marks) != wanted:
                    problems.append(f"{path}: “{msgid[:60]}”: {len(marks)} mnemonic(s) where "
                                    f"the original has {wanted}")
                for letter in marks:
                    if not TYPEABLE.fullmatch(letter):
                        problems.append(f"{path}: “{msgid[:60]}”: mnemonic “&{letter}” is on a "
                                        "key missing from US and Russian keyboards")
    return problems


def russian_words(paths: list[Path]) -> dict[str, str]:
    """Every Cyrillic word of the translations -> the msgid it was first seen in."""
    words: dict[str, str] = {}
    for path in paths:
        for message in _read(path, "ru"):
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            for text in _strings(message):
                text = re.sub(r"\{[^}]*\}|`[^`]*`|https?://\S+", " ", text or "")
                text = re.sub(r"\d+-[а-я]+", " ", text.replace("&", ""))  # 3-й, 2-го
                for word in RUSSIAN_WORD.findall(text):
                    words.setdefault(word, msgid)
    return words


def check_russian_spelling(paths: list[Path], allowed_file: Path) -> list[str]:
    words = russian_words(paths)
    allowed = set()
    if allowed_file.is_file():
        allowed = {line.strip() for line in allowed_file.read_text(encoding="utf-8").splitlines()
                   if line.strip() and not line.startswith("#")}
    done = subprocess.run(["hunspell", "-d", "ru_RU", "-l"], input="\n".join(sorted(words)),
                          capture_output=True, text=True, check=True)
    unknown = sorted({w for w in done.stdout.split() if w not in allowed})
    return [f"ru: “{word}” is not a Russian word (in “{words.get(word, '')[:60]}”); fix it, or "
            f"add it to {allowed_file.name} if it is a word of the trade" for word in unknown]


def catalog_fingerprint(translations: Path) -> str:
    """A hash of what the catalogs make the screens say (not of line wraps or comments)."""
    import hashlib

    digest = hashlib.sha256()
    for language in sorted(p.name for p in translations.iterdir()
                           if (p / "LC_MESSAGES").is_dir()):
        entries: dict = {}
        for path in catalogs(translations, language):  # fragments override, as in the app
            for message in _read(path, language):
                if message.id and message.string and not message.fuzzy:
                    entries[(message.context or "", str(message.id))] = str(message.string)
        for (context, msgid), string in sorted(entries.items()):
            digest.update(f"{language}\0{context}\0{msgid}\0{string}\n".encode())
    return digest.hexdigest()


def missing_tools() -> list[str]:
    return [tool for tool in ("msgfmt", "pofilter", "hunspell") if shutil.which(tool) is None]


def run_checks(translations: Path) -> list[str]:
    problems = check_msgfmt(catalogs(translations))
    for language in CHECKED_LANGUAGES:
        paths = catalogs(translations, language)
        problems += check_pofilter(paths, language)
        problems += check_mnemonics(paths, language)
    problems += check_russian_spelling(catalogs(translations, "ru"),
                                       translations / "hunspell-ru-words.txt")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--translations", type=Path, default=ROOT / "translations")
    args = parser.parse_args(argv)
    missing = missing_tools()
    if missing:
        print("check_catalogs: missing " + ", ".join(missing) + " (apt: gettext hunspell "
              "hunspell-ru; pip: translate-toolkit)", file=sys.stderr)
        return 2
    problems = run_checks(args.translations)
    for problem in problems:
        print(problem)
    print(f"check_catalogs: {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
