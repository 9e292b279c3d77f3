"""Magic-link sign-in against Odoo's own password sign-in (/web/login), same server, same run.

Both go through Odoo's whole HTTP stack in this process (werkzeug test client on
``odoo.http.root``: routing, session, ORM, rendering), so the figures are server time without
the network. On the bench database (`make seed`), 200 client contacts get a link each:

- first click: the contact has no portal user yet, it is created on the fly;
- returning click: the same links again (the user exists);
- password: POST /web/login of a portal user (CSRF token fetched beforehand, not timed);
- forged: 200 tokens with a bad signature, with the SQL queries that touch client_hub tables.

    make seed && python3 dev/manage.py bench bench/bench_magic_link.py
"""
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import parser, table

PASSWORD = "Bench-Password-2026!"  # noqa: S105 (a throwaway user of the bench database)
CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')


def setup_odoo(conf, db):
    import odoo.http
    from odoo.service import server
    from odoo.tools import config

    config.parse_config(["-c", conf, "-d", db, "--db-filter", f"^{db}$", "--log-level=warn"])
    server.load_server_wide_modules()
    return odoo.http.root


class QueryLog:
    """Counts every SQL query, and those that name a client_hub table."""

    def __init__(self):
        from odoo import sql_db

        self.total = self.addon = 0
        original = sql_db.Cursor.execute
        log = self

        def execute(cursor, query, params=None, log_exceptions=True):
            log.total += 1
            if "client_hub" in str(query):
                log.addon += 1
            return original(cursor, query, params, log_exceptions)

        sql_db.Cursor.execute = execute

    def snapshot(self):
        return self.total, self.addon


def client(app):
    from werkzeug.test import Client

    return Client(app, use_cookies=True)


def timed(app, log, environ, requests):
    """Run each request on a fresh client (no cookie); return its summary. A request is a
    callable ``(client, stopwatch)`` that calls ``stopwatch()`` around the part to time."""
    samples, queries = [], []
    for make_request in requests:
        c = client(app)
        marks = {}

        def stopwatch(c=c, marks=marks):
            marks.setdefault("start", (time.perf_counter(), log.snapshot()))
            marks["end"] = (time.perf_counter(), log.snapshot())

        make_request(c, environ, stopwatch)
        (t0, (q0, a0)), (t1, (q1, a1)) = marks["start"], marks["end"]
        samples.append(t1 - t0)
        queries.append((q1 - q0, a1 - a0))
    return summary(samples, queries)


def summary(samples, queries):
    ms = sorted(s * 1000 for s in samples)
    return {
        "median": statistics.median(ms),
        "p95": ms[int(len(ms) * 0.95) - 1],
        "queries": statistics.median(q for q, _a in queries),
        "addon": max(a for _q, a in queries),
    }


def report(args, n_clients, n_moves, results):
    print(f"\n{args.requests} sign-ins each, on a database of {n_clients} clients and {n_moves} invoices "
          "and credit notes; server time through Odoo's HTTP stack (no network)")
    table(
        [[name, f"{r['median']:.1f}", f"{r['p95']:.1f}", f"{r['queries']:.0f}", r["addon"]]
         for name, r in results.items()],
        ["path", "median ms", "p95 ms", "SQL queries", "client_hub queries"],
    )
    password = results["Odoo password login (POST /web/login)"]["median"]
    for name in ("magic link, first click (portal user created)", "magic link, returning click"):
        print(f"ratio: {name} {password / results[name]['median']:.1f}x faster than the password login")
    forged_addon = results["forged token (refused)"]["addon"]
    print(f"forged tokens: {forged_addon} query on client_hub tables (signature checked first)")


def main():
    p = parser(__doc__)
    p.add_argument("--requests", type=int, default=200)
    args = p.parse_args()
    app = setup_odoo(args.conf, args.db)

    from odoo import api
    from odoo.modules.registry import Registry

    registry = Registry(args.db)
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "bench.localhost"}
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        # no rate limit in the way of 200 sign-ins from one address
        env["ir.config_parameter"].set_param("client_hub.magic_link_max_failures", "1000000")
        # portal users an interrupted run left behind (the seeder creates none)
        env["res.users"].search([("share", "=", True), ("login", "=like", "%.client%@example.com")]).unlink()
        candidates = env["res.partner"].search(
            [("email", "!=", False), ("parent_id", "!=", False), ("user_ids", "=", False),
             ("commercial_partner_id.customer_rank", ">", 0)],
            limit=args.requests * 10, order="id",
        )
        # one contact per address (a seeded database may hold several clients with the same emails)
        taken = set(env["res.users"].with_context(active_test=False).search([]).mapped("login"))
        contacts = env["res.partner"]
        for contact in candidates:
            if contact.email_normalized not in taken and len(contacts) < args.requests:
                taken.add(contact.email_normalized)
                contacts |= contact
        if len(contacts) < args.requests:
            sys.exit(f"the bench database has {len(contacts)} client contacts with an email: run `make seed`")
        Link = env["client_hub.magic.link"]
        paths = []
        for contact in contacts:
            url = urlsplit(Link._issue_url(contact))
            paths.append(url.path)
        stale = env["res.users"].with_context(active_test=False).search([("login", "=", "bench.portal@example.com")])
        stale_partner = stale.partner_id
        stale.unlink()  # left by an interrupted run
        stale_partner.unlink()
        password_user = env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bench Portal User", "login": "bench.portal@example.com", "password": PASSWORD,
            "group_ids": [(6, 0, [env.ref("base.group_portal").id])],
        })
        n_clients = env["res.partner"].search_count([("customer_rank", ">", 0), ("parent_id", "=", False)])
        n_moves = env["account.move"].search_count([("move_type", "in", ("out_invoice", "out_refund"))])
        forged = []
        for path in paths:
            token = path.rsplit("/", 1)[1]
            forged.append(path[: -len(token)] + token[:-6] + ("AAAAAA" if token[-6:] != "AAAAAA" else "BBBBBB"))
        cr.commit()

    log = QueryLog()
    try:
        # warm-up: registry, routing map, assets of the login page
        for _i in range(3):
            client(app).get("/web/login", environ_base=environ)
            client(app).get(forged[0], environ_base=environ)

        def get(path, status):
            def run(c, environ, stopwatch):
                stopwatch()
                response = c.get(path, environ_base=environ)
                stopwatch()
                assert response.status_code == status, (path, response.status_code)
            return run

        def password_login(c, environ, stopwatch):
            page = c.get("/web/login", environ_base=environ)  # not timed: fetches the CSRF token
            csrf = CSRF.search(page.data).group(1).decode()
            stopwatch()
            response = c.post("/web/login", data={"login": "bench.portal@example.com", "password": PASSWORD,
                                                  "csrf_token": csrf}, environ_base=environ)
            stopwatch()
            assert response.status_code == 303, response.status_code

        results = {
            "magic link, first click (portal user created)": timed(app, log, environ, [get(p, 303) for p in paths]),
            "magic link, returning click": timed(app, log, environ, [get(p, 303) for p in paths]),
            "Odoo password login (POST /web/login)": timed(app, log, environ, [password_login] * len(paths)),
            "forged token (refused)": timed(app, log, environ, [get(p, 403) for p in forged]),
        }
        report(args, n_clients, n_moves, results)
    finally:
        with registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            created = env["res.users"].search([("partner_id", "in", contacts.ids)]) | env["res.users"].browse(
                password_user.id
            )
            links = env["client_hub.magic.link"].search([("partner_id", "in", contacts.ids)])
            links.unlink()
            bench_partner = env["res.users"].browse(password_user.id).partner_id
            created.unlink()
            bench_partner.unlink()
            env["ir.config_parameter"].set_param("client_hub.magic_link_max_failures", "")
            cr.commit()


if __name__ == "__main__":
    main()
