"""Where a magic link may send its visitor: a relative path inside the client portal, nothing else.

Framework-free (tested in the pure tier). Anything that is not plainly a portal path, including
absolute URLs, scheme-relative ``//host``, backslash tricks (``/\\host``), control characters and
their percent-encoded variants, falls back to the default page.
"""
import re
from urllib.parse import unquote, urlsplit, urlunsplit

from .statement import STATEMENT_URL

PORTAL_HOME = "/my"
# where a sign-in lands when no (safe) page was asked for: the client's statement
PORTAL_LANDING = STATEMENT_URL
# /my, /my/..., made of plain path characters only (no dot segments, no doubled slashes)
_PORTAL_PATH = re.compile(r"^/my(?:/[A-Za-z0-9_\-.~]+)*/?$")
_QUERY = re.compile(r"^[A-Za-z0-9_\-.~=&%+]*$")
MAX_LENGTH = 512


def _fully_unquoted(value):
    """Percent-decode until stable, so ``%252F%252F`` cannot hide ``//``."""
    for _ in range(5):
        decoded = unquote(value)
        if decoded == value:
            return value
        value = decoded
    return None  # still changing after five rounds: nobody needs that


def portal_path(redirect, default=PORTAL_LANDING):
    """Return ``redirect`` when it is a safe relative portal path, else ``default``.

    The query string is kept (it may carry e.g. an access token or a sort order);
    the fragment is dropped.
    """
    if not isinstance(redirect, str) or not redirect or len(redirect) > MAX_LENGTH:
        return default
    if any(ord(c) < 32 or ord(c) == 127 or c in "\\@" for c in redirect):
        return default
    decoded = _fully_unquoted(redirect)
    if decoded is None or any(ord(c) < 32 or ord(c) == 127 or c in "\\@" for c in decoded):
        return default
    if not decoded.startswith("/") or decoded.startswith("//"):
        return default
    parts = urlsplit(redirect)
    if parts.scheme or parts.netloc:
        return default
    path = _fully_unquoted(parts.path)
    if path is None or not _PORTAL_PATH.match(path) or "/../" in f"{path}/" or "/./" in f"{path}/":
        return default
    if parts.query and not _QUERY.match(parts.query):
        return default
    return urlunsplit(("", "", path, parts.query, ""))
