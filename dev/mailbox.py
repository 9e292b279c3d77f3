"""A folder of .eml files: storing what the mail sink receives (one file per message, envelope
added) and reading it back (bodies, links, attachments, a summary), tolerant of broken messages.
Standard library only: the mail sink's web page, the e2e check and the pure tests use it."""
from __future__ import annotations

import contextlib
import itertools
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path

MAGIC = "/portal/magic/"
NAME = re.compile(r"^[\w.-]+\.eml$")  # a stored message's file name
_URL = re.compile(r"https?://[^\s<>\"'()]+")
_counter = itertools.count(1)
_lock = threading.Lock()


# --------------------------------------------------------------------------------------------
# Storing
# --------------------------------------------------------------------------------------------
def _header_value(text: str) -> str:
    """Safe as one header line: no line break can sneak in from an envelope address."""
    return re.sub(r"[\r\n]+", " ", text)


def store(directory: Path, content: bytes | str, mail_from: str | None, rcpt_tos: list[str]) -> Path:
    """Write one message as `<timestamp>-<n>.eml` (names sort by arrival) and return its path."""
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogateescape")
    envelope = (f"X-Envelope-From: {_header_value(mail_from or '')}\r\n"
                f"X-Envelope-To: {_header_value(', '.join(rcpt_tos or []))}\r\n").encode("utf-8", "replace")
    directory.mkdir(parents=True, exist_ok=True)
    with _lock:
        name = f"{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}-{next(_counter):04d}.eml"
    tmp = directory / f".{name}.part"
    tmp.write_bytes(envelope + content)
    tmp.replace(directory / name)  # readers never see half a message
    return directory / name


# --------------------------------------------------------------------------------------------
# Reading (every step tolerates broken input: a sink must show what it got)
# --------------------------------------------------------------------------------------------
class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href.strip())


def _decoded(part) -> str:
    try:
        return part.get_content()
    except Exception:  # unknown charset, broken transfer encoding, ...
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)


def bodies(msg: EmailMessage) -> tuple[str, str]:
    """The (HTML, text) bodies of a message; attachments are not bodies."""
    found = {"text/html": [], "text/plain": []}
    for part in msg.walk() if msg.is_multipart() else [msg]:
        try:
            ctype = part.get_content_type()
            attachment = part.get_content_disposition() == "attachment"
        except Exception:  # a part whose headers cannot be read: not a body we can show
            ctype, attachment = "", True
        if ctype in found and not attachment and not part.is_multipart():
            found[ctype].append(_decoded(part))
    return "\n".join(found["text/html"]), "\n".join(found["text/plain"])


def attachments(msg: EmailMessage) -> list[str]:
    names = []
    for part in msg.walk() if msg.is_multipart() else []:
        try:
            if part.get_content_disposition() == "attachment" or (part.get_filename() and not part.is_multipart()):
                names.append(part.get_filename() or part.get_content_type())
        except Exception:
            names.append("(unreadable attachment)")
    return names


def links(html_body: str, text_body: str) -> list[str]:
    """http(s) links of the bodies, in order, each once."""
    found: list[str] = []
    parser = _Links()
    with contextlib.suppress(Exception):  # html.parser is lenient; whatever it found still counts
        parser.feed(html_body)
        parser.close()
    found += [h for h in parser.hrefs if h.startswith(("http://", "https://"))]
    found += [m.rstrip(".,;:!?") for m in _URL.findall(text_body)]
    return list(dict.fromkeys(found))


def _header(msg: EmailMessage, name: str) -> str:
    try:
        return str(msg.get(name, "") or "")
    except Exception:  # a header the parser cannot make sense of
        try:
            return str(msg.get_all(name, [""])[0])
        except Exception:
            return "(unreadable)"


@dataclass
class Summary:
    name: str
    date: str = ""
    sender: str = ""
    to: str = ""
    subject: str = ""
    links: list[str] = field(default_factory=list)
    error: str = ""


def read_message(path: Path) -> EmailMessage:
    with path.open("rb") as fh:
        return BytesParser(policy=policy.default).parse(fh)


def summarize(path: Path) -> Summary:
    summary = Summary(path.name)
    try:
        summary.date = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
        msg = read_message(path)
        summary.sender = _header(msg, "From") or _header(msg, "X-Envelope-From")
        summary.to = _header(msg, "To") or _header(msg, "X-Envelope-To")
        summary.subject = _header(msg, "Subject")
        summary.links = links(*bodies(msg))
    except Exception as exc:
        summary.error = f"{type(exc).__name__}: {exc}"
    return summary


def messages(directory: Path) -> list[Path]:
    """Stored messages, newest first (names start with their arrival time)."""
    if not directory.is_dir():
        return []
    return sorted((p for p in directory.iterdir() if NAME.match(p.name)), key=lambda p: p.name, reverse=True)
