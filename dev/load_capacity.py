"""`make capacity` (issue 24): the capacity curve, one server against two behind HAProxy.

    make capacity                                   users 10, 25, 50, 100, 200 x 1 and 2 servers, 120 s each
    make capacity CAPACITY_USERS="10 50" DURATION=60
    python3 -m dev.load_capacity --users 10 25 --servers 1 2 --duration 60 [--db client_hub_bench]

Each point is one `make load` run (dev/load.py, no faults; the module is upgraded once, before the
first) that does not wait for the background jobs (receipts, exports) to finish: `make load` checks
those. After each, var/load/capacity.csv and var/load/capacity.md are written again (an interrupted
curve keeps its points); the Markdown table for the README's capacity curve is printed at the end.
"""
from __future__ import annotations

import csv
import os
import sys

from dev.load import LoadRun, run_load
from dev.load_setup import LOAD

USERS = (10, 25, 50, 100, 200)
FIELDS = ["servers", "users", "requests", "requests_per_s", "p50_ms", "p95_ms", "p99_ms", "failures", "failed_get",
          "load_average", "passed"]


def point(servers: int, users: int, stats_csv, results: dict | None, load_average: float, passed: bool) -> dict:
    """One point of the curve from a run's Locust CSV (its Aggregated line) and results."""
    total = {}
    if stats_csv.exists():
        with stats_csv.open(encoding="utf-8") as fh:
            total = next((r for r in csv.DictReader(fh) if r["Name"] == "Aggregated"), {})
    failures = (results or {}).get("failures", [])

    def number(key):
        try:
            return round(float(total[key]), 1)
        except (KeyError, TypeError, ValueError):
            return None

    return {"servers": servers, "users": users, "requests": int(number("Request Count") or 0),
            "requests_per_s": number("Requests/s"), "p50_ms": number("50%"), "p95_ms": number("95%"),
            "p99_ms": number("99%"), "failures": len(failures) if results else None,
            "failed_get": sum(1 for f in failures if f.get("method") == "GET") if results else None,
            "load_average": round(load_average, 1), "passed": passed}


def _cell(value, unit="") -> str:
    if value is None or value == "":
        return "-"
    value = float(value)
    return f"{value / 1000:.1f} s" if unit == "ms" and value >= 1000 else (
        f"{value:,.0f} ms" if unit == "ms" else f"{value:,.1f}".removesuffix(".0"))


def markdown(points: list[dict]) -> str:
    """users -> requests/s, p95 and failures, one server then two, a line per number of users."""
    by = {(int(p["servers"]), int(p["users"])): p for p in points}
    counts = sorted({s for s, _u in by})
    head = "| users | " + " | ".join(f"{s} server{'s' if s > 1 else ''}: req/s | p95 | failures" for s in counts)
    lines = [head + " |", "|---:|" + "---:|---:|---:|" * len(counts)]
    for users in sorted({u for _s, u in by}):
        cells = []
        for servers in counts:
            p = by.get((servers, users))
            cells += [_cell(p["requests_per_s"]), _cell(p["p95_ms"], "ms"), _cell(p["failures"])] if p else ["-"] * 3
        lines.append(f"| {users} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write(points: list[dict]) -> None:
    LOAD.mkdir(parents=True, exist_ok=True)
    with (LOAD / "capacity.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(points)
    (LOAD / "capacity.md").write_text(markdown(points) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    import argparse
    import json

    from dev.common import say
    from dev.odoo_runtime import context

    p = argparse.ArgumentParser(prog="python3 -m dev.load_capacity", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", default="client_hub_bench")
    p.add_argument("--users", type=int, nargs="+",
                   default=[int(u) for u in (os.environ.get("CAPACITY_USERS") or "").split()] or list(USERS))
    p.add_argument("--servers", type=int, nargs="+", choices=(1, 2), default=[1, 2])
    p.add_argument("--duration", type=int, default=int(os.environ.get("DURATION") or 120), help="seconds per point")
    p.add_argument("--prefix", default="Seed Client")
    args = p.parse_args(argv)
    ctx = context(require=True)
    if not ctx.db_exists(args.db):
        say(f"database {args.db} does not exist: `make seed` (or `python3 dev/manage.py seed --clients 300`)")
        return 2
    points, first = [], True
    for servers in args.servers:
        for users in args.users:
            say(f"capacity: {users} users on {servers} server(s), {args.duration} s")
            opts = LoadRun(db=args.db, users=users, duration=args.duration, upgrade=first, servers=servers,
                           prefix=args.prefix, label=f"capacity-{servers}-servers-{users}-users",
                           jobs_timeout=0)  # a point measures the requests; `make load` checks the jobs
            first = False
            try:
                passed, _text = run_load(ctx, opts)
            except (OSError, RuntimeError) as exc:
                say(f"capacity: that run failed: {exc}")
                passed = False
            out = LOAD / opts.label
            results = json.loads((out / "results.json").read_text()) if (out / "results.json").exists() else None
            points.append(point(servers, users, out / "locust_stats.csv", results, os.getloadavg()[0], passed))
            write(points)
    print(markdown(points), flush=True)
    say(f"capacity curve: {LOAD / 'capacity.csv'} and {LOAD / 'capacity.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
