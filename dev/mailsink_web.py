"""The mail sink's web page: `/` lists the messages newest first with the links of each body
(sign-in links highlighted), `/m/<file>` shows one (HTML body in a sandboxed frame), `/body/<file>`
is that body alone (CSP sandbox, no script), `/raw/<file>` the .eml. Only stored messages are served."""
from __future__ import annotations

import html
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from dev.mailbox import MAGIC, NAME, attachments, bodies, messages, read_message, summarize

MAX_LISTED = 500

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
            if route not in ("m", "body", "raw") or not NAME.match(name) or not target.is_file():
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
