"""Shared plumbing of the bench scripts: an Odoo environment on the bench database, a stopwatch
that also counts SQL queries, and the result table. Run through `make bench`, which passes
`--conf var/odoo.conf` and puts Odoo on the path."""
import argparse
import contextlib
import gc
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


# ------------------------------------------------------------------ portal benches (HTTP in-process)
def http_app(conf, db):
    """Odoo's WSGI application in this process, serving `db` only (no network in between)."""
    import odoo.http
    from odoo.service import server
    from odoo.tools import config

    config.parse_config(["-c", conf, "-d", db, "--db-filter", f"^{db}$", "--log-level=warn"])
    server.load_server_wide_modules()
    return odoo.http.root


class QueryLog:
    """Counts the SQL queries of the thread that creates it (in-process requests run in it), not
    those of a server thread answering wkhtmltopdf in the meantime."""

    def __init__(self):
        import threading

        from odoo import sql_db

        self.total = 0
        owner = threading.get_ident()
        original = sql_db.Cursor.execute
        log = self

        def execute(cursor, query, params=None, log_exceptions=True):
            if threading.get_ident() == owner:
                log.total += 1
            return original(cursor, query, params, log_exceptions)

        sql_db.Cursor.execute = execute


def percentiles(samples_ms):
    """(median, p95) of a list of milliseconds."""
    import statistics

    ordered = sorted(samples_ms)
    return statistics.median(ordered), ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def seeded_client(env, prefix, documents, seed):
    """One seeded client named `<prefix> 00001` with `documents` documents, created and committed
    on the first run, reused afterwards. Its contacts get addresses of their own (the seeder
    numbers them per run, so two one-client runs would share them and their portal logins)."""
    import re

    from odoo.addons.client_hub.populate.seeder import Seeder

    name = f"{prefix} 00001"
    Partner = env["res.partner"]
    client = Partner.search([("name", "=", name), ("is_company", "=", True)], limit=1)
    if client:
        return client
    print(f"seeding {name}: {documents} documents (once; committed, reused by later runs)", flush=True)
    started = time.perf_counter()
    result = Seeder(env, seed=seed).seed(n_clients=1, invoices_per_client=documents, name_prefix=prefix)
    client = Partner.search([("name", "=", name), ("is_company", "=", True)], limit=1)
    slug = re.sub(r"[^a-z0-9]+", "-", prefix.lower()).strip("-")
    client.email = f"billing.{slug}@example.com"
    for n, contact in enumerate(client.child_ids.sorted("id"), start=1):
        contact.email = f"contact{n}.{slug}@example.com"
    env.cr.commit()
    vacuum_analyze(env.cr.dbname)
    # the seeded records leave the cache: a run that seeds measures like one that reuses
    env.invalidate_all()
    gc.collect()
    print(f"seeded in {time.perf_counter() - started:.0f}s: {result}", flush=True)
    return client


def vacuum_analyze(dbname):
    """VACUUM ANALYZE after a bulk insert, on a connection of its own (VACUUM runs outside a
    transaction): fresh planner statistics (as `make seed` ends with ANALYZE) and an up-to-date
    visibility map, as autovacuum would leave them, so that the first run measures the same
    database as the next ones (index-only scans of a covering index need the visibility map)."""
    from contextlib import closing

    from odoo import sql_db

    with closing(sql_db.db_connect(dbname).cursor()) as cr:
        cr.rollback()
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE")


def portal_contact(client):
    """The client's first contact and its portal user (created when missing)."""
    contact = client.child_ids.sorted("id")[:1]
    user = contact._client_hub_portal_user()
    assert user, f"no portal user for {contact.email}"
    return contact, user


def sign_in(app, env, contact, environ):
    """A werkzeug test client signed in as `contact` through a magic link (committed first)."""
    from urllib.parse import urlsplit

    from werkzeug.test import Client

    url = urlsplit(env["client_hub.magic.link"]._issue_url(contact))
    env.cr.commit()
    client = Client(app, use_cookies=True)
    response = client.get(url.path, environ_base=environ)
    assert response.status_code == 303, response.status_code
    return client


def clean_portal_access(registry, contacts):
    """Remove the magic links and portal users a bench created for `contacts`."""
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        env["client_hub.magic.link"].search([("partner_id", "in", contacts.ids)]).unlink()
        env["res.users"].with_context(active_test=False).search([("partner_id", "in", contacts.ids)]).unlink()
        cr.commit()


@contextlib.contextmanager
def asset_server(app):
    """Odoo's WSGI application served on a free local port by a thread of this process, for
    wkhtmltopdf to fetch the report's CSS and fonts from (as Odoo's own HttpCase does when it
    renders real PDFs). Yields (base URL, list of the paths it served)."""
    import threading

    from werkzeug.serving import make_server

    served = []

    def logged(environ, start_response):
        served.append(environ.get("PATH_INFO", ""))
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, logged, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="bench-asset-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", served
    finally:
        server.shutdown()
        thread.join()
