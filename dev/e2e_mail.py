"""The client's side of the support e2e check, on the sink's folder of .eml files: finding the
agent's reply addressed to the contact, and writing the answer a mail client would write to it."""
from __future__ import annotations

import re
import time
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from pathlib import Path

from dev import mailbox


def addresses(value: str) -> list[str]:
    return [addr.lower() for _name, addr in getaddresses([value or ""]) if addr]


def find_reply(folder: Path, recipient: str, marker: str, timeout: float = 30) -> Path | None:
    """The .eml the sink stored for ``recipient`` whose body carries ``marker``."""
    deadline = time.time() + timeout
    while True:
        for path in mailbox.messages(folder):
            msg = mailbox.read_message(path)
            html_body, text_body = mailbox.bodies(msg)
            if recipient.lower() in addresses(str(msg.get("X-Envelope-To", ""))) and marker in html_body + text_body:
                return path
        if time.time() > deadline:
            return None
        time.sleep(0.5)


def client_answer(original: EmailMessage, sender: str, answer: str) -> bytes:
    """The answer a mail client writes to ``original``: Re: subject, threading headers
    (RFC 5322: References = the original's References, then its Message-Id), To = its Reply-To,
    the answer on top and the original quoted below, as text and as HTML."""
    subject = str(original.get("Subject", ""))
    msg_id = str(original.get("Message-Id", "")).strip()
    references = str(original.get("References", "")).split()
    references = " ".join(references if msg_id in references else [*references, msg_id])
    html_body, text_body = mailbox.bodies(original)
    inner = re.search(r"<body[^>]*>(.*)</body>", html_body, re.DOTALL | re.IGNORECASE)
    html_body = inner.group(1) if inner else html_body  # what a mail client quotes: the body's content
    if not text_body:
        text_body = re.sub(r"<[^>]+>", "", html_body)
    cite = f"On {original.get('Date', '')}, {original.get('From', '')} wrote:"
    quoted = "\n".join("> " + line if line else ">" for line in text_body.strip().splitlines())
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = str(original.get("Reply-To") or original.get("From"))
    message["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    message["Date"] = formatdate(localtime=True)
    message["Message-Id"] = make_msgid(domain="client.example")
    message["In-Reply-To"] = msg_id
    message["References"] = references
    message["User-Agent"] = "client_hub e2e check"
    message.set_content(f"{answer}\n\n{cite}\n{quoted}\n", cte="quoted-printable")
    message.add_alternative(
        f"<div>{answer}</div><br><div class='moz-cite-prefix'>{cite}</div>"
        f"<blockquote type='cite'>{html_body or text_body}</blockquote>", subtype="html", cte="quoted-printable")
    return message.as_bytes()
