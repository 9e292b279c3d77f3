"""The period of a client statement, as a visitor types it in a URL, and the download's file name.

Framework-free (tested in the pure tier). ``statement_period`` returns the dates (default: from 1
January of this year to today) or raises ``PeriodError``, whose ``reason`` the caller translates."""
import re
from datetime import date, timedelta

from .statement import safe_filename

EARLIEST = date(1900, 1, 1)
MAX_FUTURE_DAYS = 366
MAX_VALUE_SHOWN = 40  # a malformed value is quoted back to the visitor, cut to this length
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
MAX_NAME_LENGTH = 60


class PeriodError(ValueError):
    """A period that cannot be printed; ``reason``: ``malformed_from``/``malformed_to`` (not a
    ``YYYY-MM-DD`` date), ``reversed``, ``too_early`` (before EARLIEST) or ``too_late``."""

    def __init__(self, reason, value=None, date_from=None, date_to=None, limit=None):
        super().__init__(reason)
        self.reason = reason
        self.value = value if value is None else str(value)[:MAX_VALUE_SHOWN]
        self.date_from = date_from
        self.date_to = date_to
        self.limit = limit


def default_period(today):
    """From 1 January of ``today``'s year to ``today``."""
    return date(today.year, 1, 1), today


def parse_date(value, reason):
    """A ``YYYY-MM-DD`` string as a date; anything else raises ``PeriodError(reason)``."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PeriodError(reason, value=value)
    try:
        return date.fromisoformat(value)
    except ValueError:  # 2026-02-30, 2026-13-01
        raise PeriodError(reason, value=value) from None


def check_period(date_from, date_to, today):
    """Raise ``PeriodError`` unless ``date_from <= date_to`` within the accepted range."""
    for day in (date_from, date_to):
        if day < EARLIEST:
            raise PeriodError("too_early", date_from=date_from, date_to=date_to, limit=EARLIEST)
    if date_from > date_to:
        raise PeriodError("reversed", date_from=date_from, date_to=date_to)
    latest = today + timedelta(days=MAX_FUTURE_DAYS)
    if date_to > latest:
        raise PeriodError("too_late", date_from=date_from, date_to=date_to, limit=latest)
    return date_from, date_to


def statement_period(date_from, date_to, today):
    """``(date_from, date_to)`` from the values of the query string (strings or None)."""
    default_from, default_to = default_period(today)
    start = default_from if date_from in (None, "") else parse_date(date_from, "malformed_from")
    end = default_to if date_to in (None, "") else parse_date(date_to, "malformed_to")
    return check_period(start, end, today)


def statement_filename(client_name, date_from, date_to):
    """``<Client>-statement-<date_from>-<date_to>.pdf``: the client's name in ASCII letters, digits
    and underscores (accents dropped, anything else a dash)."""
    name = safe_filename(client_name, default="client", max_length=MAX_NAME_LENGTH, separator="-", keep="_")
    return f"{name}-statement-{date_from.isoformat()}-{date_to.isoformat()}.pdf"


# scheduled statements: months per period, and how many days into the next period a statement not
# sent yet (server down on the 1st, a run interrupted) still goes out
SCHEDULE_MONTHS = {"monthly": 1, "quarterly": 3}
SCHEDULE_CATCH_UP_DAYS = 7


def scheduled_period(frequency, today):
    """``(date_from, date_to)``: the period whose scheduled statement is due on ``today`` (the month
    or calendar quarter that ended before the current one began, when ``today`` is one of the first
    ``SCHEDULE_CATCH_UP_DAYS`` days of the current one), else None."""
    months = SCHEDULE_MONTHS.get(frequency)
    if not months:
        return None
    start = date(today.year, (today.month - 1) // months * months + 1, 1)
    if (today - start).days >= SCHEDULE_CATCH_UP_DAYS:
        return None
    date_to = start - timedelta(days=1)
    # a quarter ends in March, June, September or December: its first month is in the same year
    return date(date_to.year, date_to.month - months + 1, 1), date_to
