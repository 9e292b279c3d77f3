"""The files a client may attach to a support ticket: one definition for new tickets and replies.

Framework-free (tested in the pure tier). The portal's new-ticket form and a client's replies
(the ticket page's chatter) apply the same rules: at most ``MAX_FILES`` files to one message,
each of an allowed type and not larger than the configured size; a file keeps its own name
only (no folders, no control characters).
"""
import os
import unicodedata

MAX_FILES = 10
ALLOWED_EXTENSIONS = frozenset({
    ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".txt", ".csv", ".doc", ".docx", ".xls",
    ".xlsx", ".odt", ".ods", ".zip", ".eml", ".msg",
})
MAX_NAME = 200


def safe_attachment_name(name, default="file"):
    """``name`` without any folder (``../../x.txt`` and ``C:\\x\\y.pdf`` keep their last part),
    control or invisible characters and leading dots, at most ``MAX_NAME`` characters (its
    extension kept)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip().lstrip(".").strip()
    if len(name) > MAX_NAME:
        stem, extension = os.path.splitext(name)
        extension = extension[:20]
        name = stem[: MAX_NAME - len(extension)] + extension
    return name or default


def file_extension(name):
    return os.path.splitext(safe_attachment_name(name, default=""))[1].lower()


def file_problem(name, size, max_mb):
    """Why a client may not attach this file: ``"type"`` or ``"size"``, or None."""
    if file_extension(name) not in ALLOWED_EXTENSIONS:
        return "type"
    if size is None or size > max_mb * 1024 * 1024:
        return "size"
    return None
