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

A message that cannot be parsed is still stored and listed. This file is the process: the SMTP
side (aiosmtpd, imported by main() only) and the command line; dev/mailbox.py stores and reads the
messages, dev/mailsink_web.py serves the page. The pure test tier imports all three as they are.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

# Run as a script (`python dev/mailsink.py`, with Odoo's virtualenv): the checkout's root goes on
# sys.path in place of dev/ itself, so that the package imports as `dev`.
_DEV = Path(__file__).resolve().parent
if sys.path and sys.path[0] and Path(sys.path[0]).resolve() == _DEV:
    sys.path[0] = str(_DEV.parent)
elif str(_DEV.parent) not in sys.path:
    sys.path.insert(0, str(_DEV.parent))

from dev.mailbox import store  # noqa: E402
from dev.mailsink_web import web_server  # noqa: E402


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
