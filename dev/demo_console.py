"""What `run` shows of the Odoo processes it starts: their whole output goes to a log file in
var/logs/, the console gets progress lines only (and the problems, one line each).

Odoo's install log is hundreds of lines a person does not read; the seeding script prints its
stages as `PROGRESS <text>`; a record at ERROR (WARNING for the running server) or above is worth
a line, its traceback stays in the log, named in that line.
"""
from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

PREFIX = "[client_hub] "
PROGRESS = "PROGRESS "
LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}
# 2026-12-06 09:20:56,570 13267 ERROR client_hub_demo odoo.addons.mail.models.mail_mail: failed ...
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
                    r"(?P<logger>[\w.-]+): ?(?P<message>.*)$")
LOADING = re.compile(r"Loading module (?P<name>\S+) \((?P<n>\d+)/(?P<total>\d+)\)")


class ConsoleFilter:
    """Called with each line of a process's output; returns the console's line for it, or None.

    ``level``: the records shown (their first line, and where the rest is: ``log``).
    ``traceback``: also the lines that follow a shown record (the running server's tracebacks,
    when someone clicks through the demo). Module loading is shown at each quarter of the count.
    """

    def __init__(self, log: Path | str, level: str = "ERROR", traceback: bool = False):
        self.log = str(log)
        self.level = LEVELS[level]
        self.traceback = traceback
        self.showing = False  # the previous record was shown (its continuation lines follow)
        self.quarter = 0

    def __call__(self, line: str) -> str | None:
        line = line.rstrip("\n")
        if line.startswith(PROGRESS):
            self.showing = False
            return PREFIX + line[len(PROGRESS):]
        record = RECORD.match(line)
        if not record:  # a traceback's line, or a library's stray print
            return line if self.showing and self.traceback else None
        self.showing = LEVELS.get(record["level"], 0) >= self.level
        if self.showing:
            where = "" if self.traceback else f"   (details: {self.log})"
            return f"{PREFIX}{record['level']} {record['logger']}: {record['message'].strip()}{where}"
        loading = LOADING.search(record["message"])
        if loading and int(loading["total"]) > 1:
            n, total = int(loading["n"]), int(loading["total"])
            quarter = 4 * n // total
            if quarter > self.quarter:
                self.quarter = quarter
                return f"{PREFIX}  loading modules: {n}/{total}"
        return None


def stream(cmd: list[str], log: Path, show: Callable[[str], str | None], *, input: str | None = None,
           **popen) -> int:
    """Run ``cmd``, its output (stdout and stderr) into ``log``, and on the console what ``show``
    makes of each line. Returns the exit code."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as fh, subprocess.Popen(
        [str(c) for c in cmd], stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace", **popen,
    ) as proc:
        if input is not None:
            proc.stdin.write(input)
            proc.stdin.close()
        for line in proc.stdout:
            fh.write(line)
            fh.flush()
            shown = show(line)
            if shown is not None:
                sys.stdout.write(shown + "\n")
                sys.stdout.flush()
    return proc.returncode
