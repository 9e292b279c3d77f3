"""The client statement's query parameters and download names, checked without Odoo.

Framework-free (tested in the pure tier). The portal routes pass the raw query string values in;
anything unknown falls back to the default instead of failing, so that a hand-edited URL never
gives an error page.
"""
import re
import unicodedata
from dataclasses import dataclass

# contract: sortby = date | due_date | name | amount | status, order = asc | desc
SORT_KEYS = ("date", "due_date", "name", "amount", "status")
ORDERS = ("asc", "desc")
DEFAULT_SORT = "date"
DEFAULT_ORDER = "desc"
# contract: filterby = all | unpaid | overdue | paid | credit_notes
FILTERS = ("all", "unpaid", "overdue", "paid", "credit_notes")
DEFAULT_FILTER = "all"
PAGE_SIZE = 20
MAX_IDS = 5000
# the statement page; the routes of its PDF, ZIP and payment are under it
STATEMENT_URL = "/my/statement"
_YEAR = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class StatementQuery:
    sortby: str = DEFAULT_SORT
    order: str = DEFAULT_ORDER
    filterby: str = DEFAULT_FILTER
    year: int | None = None

    def url_args(self):
        """The query string arguments a sort link, a filter link or the pager keeps."""
        args = {"sortby": self.sortby, "order": self.order, "filterby": self.filterby}
        if self.year:
            args["year"] = str(self.year)
        return args

    def toggled(self, sortby):
        """The query a column header links to: same filter, that column, the other direction
        when it is already the sorted one. A first click sorts dates and amounts newest/largest
        first, numbers in order, statuses in business order (what needs attention first)."""
        if sortby == self.sortby:
            order = "asc" if self.order == "desc" else "desc"
        else:
            order = "asc" if sortby in ("name", "status") else "desc"
        return StatementQuery(sortby, order, self.filterby, self.year)


def parse_year(value):
    """A four-digit year between 1900 and 2999, or None."""
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or not _YEAR.match(value.strip()):
        return None
    year = int(value.strip())
    return year if 1900 <= year <= 2999 else None


def parse_query(sortby=None, order=None, filterby=None, year=None):
    """The statement's parameters, every unknown value replaced by its default."""
    return StatementQuery(
        sortby=sortby if sortby in SORT_KEYS else DEFAULT_SORT,
        order=order if order in ORDERS else DEFAULT_ORDER,
        filterby=filterby if filterby in FILTERS else DEFAULT_FILTER,
        year=parse_year(year),
    )


class InvalidIds(ValueError):
    """Some submitted document ids are not ids at all."""


def parse_ids(values):
    """Document ids from a form: ``invoice_ids`` repeated and/or comma-separated. Returns the ids
    in the order given, without duplicates; raises :class:`InvalidIds` on anything that is not a
    positive integer (a request with one bad id is refused as a whole, never partly served)."""
    if values is None:
        return []
    if isinstance(values, str | int):
        values = [values]
    ids = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not part.isascii() or len(part) > 12 or int(part) == 0:
                raise InvalidIds(part[:40])
            if int(part) not in ids:
                ids.append(int(part))
    if len(ids) > MAX_IDS:
        raise InvalidIds(f"more than {MAX_IDS} documents")
    return ids


def safe_filename(name, default="document", max_length=120, separator="_", keep="._-"):
    """``name`` made safe as a file name in any file system, archive or header: accents folded, every
    run of characters other than ASCII letters, digits and ``keep`` replaced by ``separator``."""
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(f"[^A-Za-z0-9{re.escape(keep)}]+", separator, folded, flags=re.ASCII).strip("._-")
    return cleaned[:max_length].strip("._-") or default


def unique_names(names):
    """The same names, made unique by numbering repeats (``INV_1.pdf``, ``INV_1-2.pdf``)."""
    seen, result = set(), []
    for name in names:
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        candidate, number = name, 1
        while candidate.lower() in seen:
            number += 1
            candidate = f"{stem}-{number}.{ext}" if ext else f"{stem}-{number}"
        seen.add(candidate.lower())
        result.append(candidate)
    return result
