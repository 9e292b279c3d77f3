"""Shared plumbing of the bench scripts: an Odoo environment on the bench database, a stopwatch
that also counts SQL queries, and the result table. Run through `make bench`, which passes
`--conf var/odoo.conf` and puts Odoo on the path."""
import argparse
import contextlib
import time


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--conf", required=True)
    p.add_argument("--db", default="client_hub_bench")
    return p


@contextlib.contextmanager
def odoo_env(conf, db):
    """An environment whose work is rolled back at the end: benchmarks leave no trace."""
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        try:
            yield env
        finally:
            cr.rollback()


@contextlib.contextmanager
def measure(result):
    """Fill `result` with wall seconds and SQL queries of the block."""
    from odoo import sql_db

    queries, started = sql_db.sql_counter, time.perf_counter()
    yield result
    result["seconds"] = time.perf_counter() - started
    result["queries"] = sql_db.sql_counter - queries


def table(rows, headers):
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
