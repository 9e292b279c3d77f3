"""A small reader for gettext PO/POT files, enough to check translation completeness.

Odoo's own exporter writes the files; this only reads them, without polib or Odoo.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_PLACEHOLDER = re.compile(r"%\([a-zA-Z_]\w*\)[sdfr]|%[sdfr]|\{[a-zA-Z_]\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgstr: str = ""
    msgctxt: str = ""
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _unquote(chunk: str) -> str:
    chunk = chunk.strip()
    if not (chunk.startswith('"') and chunk.endswith('"')):
        raise ValueError(f"not a quoted PO string: {chunk!r}")
    body = chunk[1:-1]
    return (body.replace('\\\\', '\x00').replace('\\"', '"').replace('\\n', '\n')
            .replace('\\t', '\t').replace('\x00', '\\'))


def parse(text: str) -> list[Entry]:
    entries: list[Entry] = []
    current = Entry()
    key = None

    def flush():
        nonlocal current, key
        if key is not None:
            entries.append(current)
        current, key = Entry(), None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#,"):
            if key in ("msgstr",):
                flush()
            current.flags.update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#:"):
            if key in ("msgstr",):
                flush()
            current.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ")):
            word, rest = line.split(" ", 1)
            if word in ("msgctxt", "msgid") and key == "msgstr":
                flush()
            key = word
            setattr(current, word, _unquote(rest))
        elif line.startswith('"') and key:
            setattr(current, key, getattr(current, key) + _unquote(line))
        else:
            raise ValueError(f"unexpected PO line: {raw!r}")
    flush()
    return [e for e in entries if e.msgid]  # drop the header entry


def read(path: Path) -> list[Entry]:
    return parse(Path(path).read_text(encoding="utf-8"))


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def missing_translations(pot: Path, po: Path) -> list[str]:
    """msgids of `pot` that `po` leaves untranslated, fuzzy or with different placeholders."""
    translated = {(e.msgctxt, e.msgid): e for e in read(po)}
    problems = []
    for entry in read(pot):
        tr = translated.get((entry.msgctxt, entry.msgid))
        if tr is None or not tr.msgstr.strip() or tr.fuzzy:
            problems.append(entry.msgid)
        elif placeholders(tr.msgstr) != placeholders(entry.msgid):
            problems.append(f"{entry.msgid} (placeholders differ: {tr.msgstr!r})")
    return problems
