"""Translation completeness of gettext PO/POT files, read with polib (in Odoo's own requirements).

Odoo's exporter writes the files; this only reads them, without Odoo.
"""
from __future__ import annotations

import re
from pathlib import Path

import polib

_PLACEHOLDER = re.compile(r"%\([a-zA-Z_]\w*\)[sdfr]|%[sdfr]|\{[a-zA-Z_]\w*\}")


def parse(text: str) -> list[polib.POEntry]:
    """The entries of a PO text, header left out; a malformed file raises OSError (polib's)."""
    return _entries(polib.pofile(text))


def read(path: Path) -> list[polib.POEntry]:
    return _entries(polib.pofile(str(path), encoding="utf-8"))


def _entries(pofile: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in pofile if entry.msgid and not entry.obsolete]


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def missing_translations(pot: Path, po: Path) -> list[str]:
    """msgids of `pot` that `po` leaves untranslated, fuzzy or with different placeholders."""
    translated = {(entry.msgctxt, entry.msgid): entry for entry in read(po)}
    problems = []
    for entry in read(pot):
        tr = translated.get((entry.msgctxt, entry.msgid))
        if tr is None or not tr.msgstr.strip() or tr.fuzzy:
            problems.append(entry.msgid)
        elif placeholders(tr.msgstr) != placeholders(entry.msgid):
            problems.append(f"{entry.msgid} (placeholders differ: {tr.msgstr!r})")
    return problems
