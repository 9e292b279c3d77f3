#!/usr/bin/env python3
"""A local mail sink for the demo: SMTP in, one .eml file per message, a small web page to read them.

    python dev/mailsink.py --smtp-port 2525 --web-port 8025 --dir var/mail

`make run` starts it in the background with the Odoo virtualenv's python (aiosmtpd is pinned in
requirements-test.txt) and `make stop` stops it. It listens on 127.0.0.1 only:

- SMTP on --smtp-port: every message is stored as it came, in --dir, with the envelope sender and
  recipients added as X-Envelope-From / X-Envelope-To headers (a Bcc only shows there);
- HTTP on --web-port: `/` lists the messages newest first (date, from, to, subject) with the links of
  each body (sign-in links /portal/magic/... highlighted); `/m/<file>` shows one message, its HTML
  body in a sandboxed frame (no script runs, links open in a new tab); `/raw/<file>` is the .eml.

A message that cannot be parsed is still stored and listed. Apart from the SMTP server (aiosmtpd,
imported by main() only), this is the standard library: the pure test tier imports it as is.
"""
from __future__ import annotations

import argparse
import contextlib
import html
import itertools
import os
import re
import signal
import sys
import threading
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

MAGIC = "/portal/magic/"
MAX_LISTED = 500
_NAME = re.compile(r"^[\w.-]+\.eml$")
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
    return sorted((p for p in directory.iterdir() if _NAME.match(p.name)), key=lambda p: p.name, reverse=True)


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------
STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35em .6em; border-bottom: 1px solid #ddd; }
th { background: #f4f4f4; }
.links a { display: block; word-break: break-all; font-size: 12px; color: #555; }
.links a.magic { color: #fff; background: #71639e; padding: .15em .4em; border-radius: 3px; margin: .15em 0; }
.error { color: #a00; }
iframe { width: 100%; height: 70vh; border: 1px solid #ccc; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }
dt { font-weight: bold; }
"""
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; frame-src 'self'"
BODY_CSP = "sandbox allow-popups allow-popups-to-escape-sandbox; script-src 'none'; object-src 'none'"


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>{body}</body></html>")


def _links_html(urls: list[str]) -> str:
    return "".join(
        f"<a href='{html.escape(u)}' target='_blank' rel='noreferrer'"
        f"{' class=magic' if MAGIC in u else ''}>{'sign-in link: ' if MAGIC in u else ''}{html.escape(u)}</a>"
        for u in urls)


def index_page(directory: Path) -> str:
    paths = messages(directory)
    rows = []
    for path in paths[:MAX_LISTED]:
        s = summarize(path)
        subject = html.escape(s.subject or "(no subject)")
        error = f"<div class='error'>could not read it: {html.escape(s.error)}</div>" if s.error else ""
        rows.append(
            f"<tr><td>{html.escape(s.date)}</td><td>{html.escape(s.sender)}</td><td>{html.escape(s.to)}</td>"
            f"<td><a href='/m/{html.escape(s.name)}'>{subject}</a>{error}</td>"
            f"<td class='links'>{_links_html(s.links)}</td></tr>")
    table = ("<table><tr><th>Date</th><th>From</th><th>To</th><th>Subject</th><th>Links</th></tr>"
             + "".join(rows) + "</table>") if rows else "<p>No message yet.</p>"
    more = f"<p>{len(paths) - MAX_LISTED} older messages not listed.</p>" if len(paths) > MAX_LISTED else ""
    return _page("Mail sink", f"<h1>Mail sink</h1><p>{len(paths)} message(s) received by the demo, newest "
                              f"first, stored in <code>{html.escape(str(directory))}</code>. "
                              f"<a href='/'>Refresh</a></p>{table}{more}")


def message_page(path: Path) -> str:
    s = summarize(path)
    head = "".join(f"<dt>{k}</dt><dd>{html.escape(v)}</dd>" for k, v in
                   (("Date", s.date), ("From", s.sender), ("To", s.to), ("Subject", s.subject)))
    parts = [f"<p><a href='/'>&larr; all messages</a> · <a href='/raw/{html.escape(s.name)}'>raw .eml</a></p>",
             f"<h1>{html.escape(s.subject or '(no subject)')}</h1><dl>{head}</dl>"]
    if s.error:
        parts.append(f"<p class='error'>could not read it: {html.escape(s.error)}</p>")
    else:
        msg = read_message(path)
        html_body, text_body = bodies(msg)
        files = attachments(msg)
        if files:
            parts.append("<p>Attachments: " + ", ".join(html.escape(f) for f in files) + "</p>")
        if s.links:
            parts.append(f"<h2>Links</h2><div class='links'>{_links_html(s.links)}</div>")
        if html_body:
            parts.append(f"<h2>Body</h2><iframe sandbox='allow-popups allow-popups-to-escape-sandbox' "
                         f"src='/body/{html.escape(s.name)}'></iframe>")
        else:
            parts.append(f"<h2>Body</h2><pre>{html.escape(text_body)}</pre>")
    return _page(s.subject or s.name, "".join(parts))


def body_document(path: Path) -> str:
    """The HTML body alone, served sandboxed (CSP) so that it runs no script even opened directly;
    links open in a new tab."""
    html_body, text_body = bodies(read_message(path))
    if not html_body:
        html_body = f"<pre>{html.escape(text_body)}</pre>"
    return "<!DOCTYPE html><meta charset='utf-8'><base target='_blank'>" + html_body


class Handler(BaseHTTPRequestHandler):
    directory: Path = Path()
    server_version = "client_hub-mailsink"

    def do_GET(self):
        path = unquote(self.path.split("?", 1)[0])
        try:
            if path == "/":
                return self._send(200, index_page(self.directory), "text/html", PAGE_CSP)
            route, _, name = path[1:].partition("/")
            target = self.directory / name
            if route not in ("m", "body", "raw") or not _NAME.match(name) or not target.is_file():
                return self._send(404, _page("Not found", "<p>No such message. <a href='/'>All messages</a></p>"),
                                  "text/html", PAGE_CSP)
            if route == "m":
                return self._send(200, message_page(target), "text/html", PAGE_CSP)
            if route == "body":
                return self._send(200, body_document(target), "text/html", BODY_CSP)
            return self._send(200, target.read_bytes(), "text/plain", "sandbox",
                              disposition=f"inline; filename={name}")
        except Exception as exc:  # never let one message take the page down
            return self._send(500, _page("Error", f"<p class='error'>{html.escape(repr(exc))}</p>"),
                              "text/html", PAGE_CSP)

    def _send(self, status: int, body: str | bytes, ctype: str, csp: str, disposition: str = ""):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Content-Security-Policy", csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        if disposition:
            self.send_header("Content-Disposition", disposition)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass  # the page is polled by hand; received messages are what the log is for


def web_server(directory: Path, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    handler = type("SinkHandler", (Handler,), {"directory": Path(directory)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


# --------------------------------------------------------------------------------------------
# SMTP (aiosmtpd) and the process
# --------------------------------------------------------------------------------------------
class SmtpHandler:
    def __init__(self, directory: Path):
        self.directory = Path(directory)

    async def handle_DATA(self, server, session, envelope):
        try:
            path = store(self.directory, envelope.original_content or envelope.content or b"",
                         envelope.mail_from, list(envelope.rcpt_tos))
        except Exception as exc:
            print(f"mailsink: could not store a message: {exc!r}", flush=True)
            return "451 Requested action aborted: cannot store the message"
        print(f"mailsink: {path.name} from {envelope.mail_from} to {', '.join(envelope.rcpt_tos)}", flush=True)
        return "250 Message accepted for delivery"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smtp-port", type=int, default=2525)
    parser.add_argument("--web-port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, default=Path("var/mail"))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    from aiosmtpd.controller import Controller

    args.dir.mkdir(parents=True, exist_ok=True)
    controller = Controller(SmtpHandler(args.dir), hostname=args.host, port=args.smtp_port,
                            enable_SMTPUTF8=True)
    controller.start()
    web = web_server(args.dir, args.web_port, args.host)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"mailsink: pid {os.getpid()}, SMTP on {args.host}:{args.smtp_port}, "
          f"web page on http://{args.host}:{args.web_port}, messages in {args.dir}", flush=True)
    try:
        web.serve_forever(poll_interval=0.5)
    finally:
        web.server_close()
        controller.stop()
        print("mailsink: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
