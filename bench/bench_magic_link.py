"""Magic-link sign-in against Odoo's own password sign-in (/web/login), same server, same run.

Twice: through Odoo's whole HTTP stack in this process (werkzeug test client on ``odoo.http.root``:
server time without the network, with query counts), then over real HTTP against a threaded Odoo
server (``--workers 0``) started on the same database. 200 client contacts get a link each:

- first click: the contact has no portal user yet, it is created on the fly;
- returning click: the same links again (the user exists);
- password: POST /web/login of a portal user (CSRF token fetched beforehand, not timed);
- forged: 200 tokens with a bad signature, with the SQL queries that touch client_hub tables.

The ratio is the password login's median divided by the magic link's (how many times faster).

    python3 dev/manage.py seed --clients 300 && python3 dev/manage.py bench bench/bench_magic_link.py
"""
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

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


def report(args, n_clients, n_moves, results, how, load):
    print(f"\n{how}: {args.requests} sign-ins each, on a database of {n_clients} clients and {n_moves} "
          f"invoices and credit notes; load average {load[0]:.2f} before, {load[1]:.2f} after")
    table(
        [[name, f"{r['median']:.1f}", f"{r['p95']:.1f}", r["queries"] if r["queries"] == "-" else f"{r['queries']:.0f}",
          r["addon"]]
         for name, r in results.items()],
        ["path", "median ms", "p95 ms", "SQL queries", "client_hub queries"],
    )
    password = results["Odoo password login (POST /web/login)"]["median"]
    for name in ("magic link, first click (portal user created)", "magic link, returning click"):
        print(f"ratio: {name} {password / results[name]['median']:.1f}x faster than the password login")
    forged_addon = results["forged token (refused)"]["addon"]
    if forged_addon != "-":
        print(f"forged tokens: {forged_addon} query on client_hub tables (signature checked first)")


# ------------------------------------------------------------------ over real HTTP
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(conf, db):
    """A threaded Odoo server (``--workers 0``, no cron) on free local ports; returns (process, port)."""
    import odoo

    odoo_bin = Path(odoo.__path__[0]).resolve().parent / "odoo-bin"
    port = free_port()
    process = subprocess.Popen([
        sys.executable, str(odoo_bin), "-c", conf, "-d", db, "--db-filter", f"^{db}$", "--workers", "0",
        "--max-cron-threads", "0", "--http-interface", "127.0.0.1", "--http-port", str(port),
        "--gevent-port", str(free_port()), "--log-level", "warn",
    ])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if http_request(port, "GET", "/web/health")[0] == 200:
                return process, port
        except OSError:
            pass
        time.sleep(0.5)
    process.terminate()
    sys.exit("the Odoo server did not answer /web/health within 2 minutes")


def http_request(port, method, path, body=None, cookie=None):
    """One request on a new connection (a visitor's first): (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def timed_http(requests):
    """Each request is a callable returning the seconds it took; the server's queries are not counted."""
    result = summary([make_request() for make_request in requests], [(0, 0)])
    return {**result, "queries": "-", "addon": "-"}


def run_http(conf, db, paths, forged):
    process, port = start_server(conf, db)
    try:
        def get(path, status):
            def run():
                started = time.perf_counter()
                code = http_request(port, "GET", path)[0]
                elapsed = time.perf_counter() - started
                assert code == status, (path, code)
                return elapsed
            return run

        def password_login():
            _status, headers, page = http_request(port, "GET", "/web/login")  # not timed: CSRF token
            csrf = CSRF.search(page).group(1).decode()
            cookie = headers["Set-Cookie"].split(";", 1)[0]
            body = urlencode({"login": "bench.portal@example.com", "password": PASSWORD, "csrf_token": csrf})
            started = time.perf_counter()
            code = http_request(port, "POST", "/web/login", body=body, cookie=cookie)[0]
            elapsed = time.perf_counter() - started
            assert code == 303, code
            return elapsed

        for _i in range(3):  # warm-up: the server's caches, the login page's assets
            http_request(port, "GET", "/web/login")
            http_request(port, "GET", forged[0])
        return {
            "magic link, first click (portal user created)": timed_http([get(p, 303) for p in paths]),
            "magic link, returning click": timed_http([get(p, 303) for p in paths]),
            "Odoo password login (POST /web/login)": timed_http([password_login] * len(paths)),
            "forged token (refused)": timed_http([get(p, 403) for p in forged]),
        }
    finally:
        process.terminate()
        process.wait(timeout=60)


def issue_links(registry, contacts):
    """A fresh link for each contact (committed): (paths, forged paths)."""
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        Link = env["client_hub.magic.link"]
        paths = [urlsplit(Link._issue_url(contact)).path for contact in contacts.with_env(env)]
        cr.commit()
    forged = []
    for path in paths:
        token = path.rsplit("/", 1)[1]
        forged.append(path[: -len(token)] + token[:-6] + ("AAAAAA" if token[-6:] != "AAAAAA" else "BBBBBB"))
    return paths, forged


def clean(registry, contacts):
    """Remove the links and portal users of ``contacts`` (the next run creates them again)."""
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        env["client_hub.magic.link"].search([("partner_id", "in", contacts.ids)]).unlink()
        env["res.users"].with_context(active_test=False).search([("partner_id", "in", contacts.ids)]).unlink()
        cr.commit()


def run_in_process(app, paths, forged):
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "bench.localhost"}
    log = QueryLog()
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

    return {
        "magic link, first click (portal user created)": timed(app, log, environ, [get(p, 303) for p in paths]),
        "magic link, returning click": timed(app, log, environ, [get(p, 303) for p in paths]),
        "Odoo password login (POST /web/login)": timed(app, log, environ, [password_login] * len(paths)),
        "forged token (refused)": timed(app, log, environ, [get(p, 403) for p in forged]),
    }


def main():
    p = parser(__doc__)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--only", choices=("in-process", "http"), help="one of the two runs (default: both)")
    args = p.parse_args()
    app = setup_odoo(args.conf, args.db)

    from odoo import api
    from odoo.modules.registry import Registry

    registry = Registry(args.db)
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
        cr.commit()
    try:
        if args.only != "http":
            paths, forged = issue_links(registry, contacts)
            load = os.getloadavg()[0]
            results = run_in_process(app, paths, forged)
            report(args, n_clients, n_moves, results, "In-process (Odoo's HTTP stack, no network)",
                   (load, os.getloadavg()[0]))
            clean(registry, contacts)
        if args.only != "in-process":
            paths, forged = issue_links(registry, contacts)
            load = os.getloadavg()[0]
            results = run_http(args.conf, args.db, paths, forged)
            report(args, n_clients, n_moves, results, "Over HTTP (a threaded Odoo server, --workers 0)",
                   (load, os.getloadavg()[0]))
    finally:
        clean(registry, contacts)
        with registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            user = env["res.users"].browse(password_user.id)
            bench_partner = user.partner_id
            user.unlink()
            bench_partner.unlink()
            env["ir.config_parameter"].set_param("client_hub.magic_link_max_failures", "")
            cr.commit()


if __name__ == "__main__":
    main()
