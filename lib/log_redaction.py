# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Sign-in tokens never reach the server's logs (pure Python, no Odoo import).

Odoo writes each request line to the ``werkzeug`` logger (``odoo.service.server``'s request
handler): ``"GET /portal/magic/<token>?redirect=... HTTP/1.1" 303 - ...``. The filter below,
installed on that logger when the addon is imported, rewrites such a record's message to
``/portal/magic/<redacted>`` before any handler (file, syslog, console) sees it. Records that
name no magic link pass untouched; the fixed pages of the route (request, confirm) keep their
name."""
import logging
import re

REDACTED = "<redacted>"
# the path after /portal/magic/: a token (URL-quoted, so without "/"), or email/<token> (the
# address confirmation's); the fixed pages request, confirm and email/confirm carry no token
_PATH = re.compile(r"/portal/magic/((?:[^\s?#\"'/]+/?)+)")
_FIXED = {"request", "confirm", "email/confirm"}


def _redact_path(match):
    path = match.group(1)
    if path.rstrip("/") in _FIXED:
        return match.group(0)
    prefix = "email/" if path.startswith("email/") else ""
    return f"/portal/magic/{prefix}{REDACTED}"


def redact(text):
    return _PATH.sub(_redact_path, text)


class MagicLinkTokenFilter(logging.Filter):
    """Replaces the token of ``/portal/magic/<token>`` in a record by ``<redacted>``."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:
            return True
        if "/portal/magic/" in message:
            redacted = redact(message)
            if redacted != message:
                record.msg, record.args = redacted, ()
        return True


def install(logger_names=("werkzeug",)):
    """Add the filter once to each logger (importing the addon again adds nothing)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, MagicLinkTokenFilter) for existing in logger.filters):
            logger.addFilter(MagicLinkTokenFilter())
