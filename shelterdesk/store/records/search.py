"""Full-text search over names, codes, phones and notes, inside the encrypted database (FTS5).

Text is folded before indexing and before querying — lowercase, diacritics
removed, Azerbaijani letters to plain Latin (ə→a, ş→s, ı→i …) and Cyrillic
also transliterated — so ``mammadova`` finds Məmmədova and ``мамедова`` or
``mamedova`` find Мамедова.
"""

from __future__ import annotations

import re

from shelterdesk.domain.vocabulary import fold
from shelterdesk.store.connection import Connection

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "a",
    "ғ": "g", "ү": "u", "ө": "o", "һ": "h", "ј": "y", "й": "y", "ё": "yo",
}
_TOKEN = re.compile(r"\w+", re.UNICODE)


def transliterate(text: str) -> str:
    return "".join(_CYRILLIC.get(ch, ch) for ch in text)


def fold_for_index(*parts: str) -> str:
    """Folded text plus its common Latin spellings (ə as e, Cyrillic transliterated)."""
    text = " ".join(p for p in parts if p)
    # ə is written "a" officially (Məmmədova → Mammadova) and "e" by many (Çələbi → Celebi).
    variants = dict.fromkeys([fold(text), fold(text.lower().replace("ə", "e")),
                              fold(transliterate(text.lower()))])
    return " ".join(variants)


def phone_digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    # Local numbers are often typed without the country code: index the tail too.
    return " ".join(sorted({digits, digits[-9:], digits[-7:]})) if digits else ""


def build_query(text: str) -> str | None:
    """An FTS5 query: every token must match the start of a word (prefix search)."""
    tokens = _TOKEN.findall(fold(text))
    if not tokens:
        return None
    return " AND ".join(f'"{token}"*' for token in tokens[:8])


def index_case(connection: Connection, case_id: str) -> None:
    """(Re)build the index row of one case from the database, in the caller's transaction."""
    row = connection.execute(
        "SELECT cl.given_name, cl.family_name, cl.other_names || ' ' || cl.patronymic,"
        " cl.phone, ca.case_code"
        " FROM cases ca JOIN clients cl ON cl.id = ca.client_id WHERE ca.id = ?",
        (case_id,)).fetchone()
    remove_case(connection, case_id)
    if row is None:
        return
    given, family, other, phone, code = row
    notes = " ".join(r[0] for r in connection.execute(
        "SELECT body FROM notes WHERE case_id = ? ORDER BY created_at", (case_id,)))
    compact_code = code.replace("-", "")
    cursor = connection.execute(
        "INSERT INTO search_index (case_id, names, codes, phones, notes) VALUES (?, ?, ?, ?, ?)",
        (case_id, fold_for_index(given, family, other), f"{code.lower()} {compact_code.lower()}",
         phone_digits(phone), fold_for_index(notes)))
    connection.execute("INSERT INTO search_map (case_id, fts_rowid) VALUES (?, ?)",
                       (case_id, cursor.lastrowid))


def index_new_cases(connection: Connection,
                    rows: list[tuple[str, str, str, str, str, str, str]]) -> None:
    """Index cases just inserted in bulk: (case_id, given, family, other, phone, code, notes)."""
    start = connection.execute("SELECT coalesce(max(rowid), 0) FROM search_index").fetchone()[0]
    entries = []
    for offset, (case_id, given, family, other, phone, code, notes) in enumerate(rows, 1):
        compact = code.replace("-", "").lower()
        entries.append((start + offset, case_id, fold_for_index(given, family, other),
                        f"{code.lower()} {compact}", phone_digits(phone), fold_for_index(notes)))
    connection.executemany(
        "INSERT INTO search_index (rowid, case_id, names, codes, phones, notes)"
        " VALUES (?, ?, ?, ?, ?, ?)", entries)
    connection.executemany("INSERT INTO search_map (case_id, fts_rowid) VALUES (?, ?)",
                           [(e[1], e[0]) for e in entries])


def remove_case(connection: Connection, case_id: str) -> None:
    found = connection.execute("SELECT fts_rowid FROM search_map WHERE case_id = ?",
                               (case_id,)).fetchone()
    if found:
        connection.execute("DELETE FROM search_index WHERE rowid = ?", (found[0],))
        connection.execute("DELETE FROM search_map WHERE case_id = ?", (case_id,))


_CODE_LIKE = re.compile(r"[A-Za-z0-9]{2,6}-\d{2}(-[0-9A-Za-z]{0,6}(-[0-9A-Za-z]?)?)?")


def fts_queries(text: str) -> tuple[str, str] | None:
    """The FTS5 query for any match, and the one for matches in names, codes or phones."""
    if _CODE_LIKE.fullmatch(text.strip()):
        # A case code, whole or begun: one token of the compact form, not "tu" AND "26" …
        compact = re.sub(r"[^0-9a-z]", "", text.strip().lower())
        query = f'codes:"{compact}"*'
        return query, query
    query = build_query(text)
    if query is None:
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 5 and len(digits) >= len(text.strip()) - 3:
        # A local number carries a trunk 0 the international form lacks: match on its tail.
        tail = digits[-9:] if len(digits) >= 9 else digits
        query = f'({query}) OR phones:"{tail}"*'
    return query, f"{{names codes phones}}: ({query})"


# Matching by FTS rowid and mapping through search_map never reads the index's stored
# text; ranking is by tier (a name, code or phone match before a note match), then by
# last activity. (bm25 over thousands of "Məmmədova"s ranks ties, slowly.)
MATCHING_ROWIDS = "SELECT rowid FROM search_index WHERE search_index MATCH ?"


def matching_case_ids(connection: Connection, text: str, limit: int = 500) -> list[str]:
    """Case ids, name/code/phone matches first, then the most recently active."""
    queries = fts_queries(text)
    if queries is None:
        return []
    rows = connection.execute(
        "SELECT m.case_id FROM search_map m JOIN cases ca ON ca.id = m.case_id"
        f" WHERE m.fts_rowid IN ({MATCHING_ROWIDS})"
        f" ORDER BY m.fts_rowid IN ({MATCHING_ROWIDS}) DESC, ca.last_activity_at DESC LIMIT ?",
        (queries[0], queries[1], limit))
    return [r[0] for r in rows]
