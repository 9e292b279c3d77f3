"""Counting tests across the two tiers and printing the one summary line CI reads."""
from __future__ import annotations

import re
import sys
import unittest
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Counts:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    tours_skipped: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped
        self.tours_skipped += other.tours_skipped
        return self

    @property
    def ok(self) -> bool:
        return self.failed == 0 and (self.passed + self.skipped) > 0

    def line(self) -> str:
        """The closing line: `N passed, N failed, N skipped`."""
        return f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"


# `odoo.tests.result: 2 failed, 1 error(s) of 40 tests when loading database 'x'`
_FINAL = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests? when loading database")
# OdooTestResult.addSkip: `skipped <test description> : <reason>`
_SKIP = re.compile(r" INFO \S+ \S+: skipped (?P<test>.+?) : (?P<reason>.*)$")
_CHROME = re.compile(r"chrome|devtools|browser", re.IGNORECASE)
_INTERESTING = re.compile(
    r"( (ERROR|CRITICAL) | FAIL: | ERROR: |skipped .* : |Starting .*Test|"
    r"failed, \d+ error\(s\) of|post-tests in|tests? when loading|Traceback|client_hub security matrix:)")


def parse_odoo_log(text: str) -> Counts:
    """Counts from an `odoo-bin --test-tags` log. No final line at all counts as one failure."""
    counts = Counts()
    finals = _FINAL.findall(text)
    if not finals:
        counts.failed = 1
        return counts
    failed, errors, run = (int(x) for x in finals[-1])
    for line in text.splitlines():
        match = _SKIP.search(line)
        if match:
            counts.skipped += 1
            if _CHROME.search(match.group("reason")):
                counts.tours_skipped += 1
    counts.failed = failed + errors
    counts.passed = max(run - counts.failed - counts.skipped, 0)
    return counts


def is_interesting_odoo_line(line: str) -> bool:
    """Lines worth echoing live from a long Odoo test log."""
    return bool(_INTERESTING.search(line))


def run_unittest_dir(directory: Path, top: Path, stream=None) -> Counts:
    """Discover and run `test_*.py` under `directory` with the standard library's unittest."""
    stream = stream or sys.stdout
    directory, top = Path(directory), Path(top)
    if str(top) not in sys.path:
        sys.path.insert(0, str(top))
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    # a loader of its own per folder: discover() remembers the top-level folder it was given
    suite = unittest.TestLoader().discover(str(directory), pattern="test_*.py", top_level_dir=str(directory))
    runner = unittest.TextTestRunner(stream=stream, verbosity=1)
    result = runner.run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    return Counts(passed=result.testsRun - failed - skipped, failed=failed, skipped=skipped)
