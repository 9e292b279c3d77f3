"""The client statement (/my/statement) against Odoo's own invoice list (/my/invoices), for a client
with 5,000 documents and for one with 50, same data, same run.

Both pages go through Odoo's whole HTTP stack in this process (werkzeug test client on
``odoo.http.root``: routing, session, ORM, QWeb rendering), signed in as the client's contact (a
portal user, through a magic link), so the figures are server time without the network. Each
page is fetched warm: a few unmeasured requests first, then ``--rounds`` rounds, every page once
per round (interleaved, so that a busy moment of the machine hits all pages alike).

Three views of each list: the default one (newest first), the heaviest sort (the statement's
status order, against Odoo's sort by state) and the overdue filter. Besides the time, each row
gives the SQL time of the request (Odoo's own per-request counter) and its query count; the
slowest queries of one request of each default page follow the table.

The two clients are seeded once (committed, reused by later runs, see common.seeded_client); the
run commits only the magic links and portal users it signs in with, and deletes them at the end.

    python3 dev/manage.py bench --db client_hub_bench_portal bench/bench_statement.py
"""
import re
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    QueryLog,
    clean_portal_access,
    http_app,
    parser,
    percentiles,
    portal_contact,
    seeded_client,
    sign_in,
    table,
)

# (view, the statement's URL, Odoo's page for the same view)
VIEWS = [
    ("default (date)", "/my/statement", "/my/invoices"),
    ("sort by status", "/my/statement?sortby=status&order=asc", "/my/invoices?sortby=state"),
    ("filter overdue", "/my/statement?filterby=overdue", "/my/invoices?filterby=overdue_invoices"),
]
ROW = b"o_client_hub_row"
NATIVE_ROW = b'name="invoice_status"'  # one cell per row of Odoo's list


def fetch(client, log, path, environ):
    """One page: server ms, SQL queries, SQL ms (Odoo's per-request counter), body."""
    queries = log.total
    started = time.perf_counter()
    response = client.get(path, environ_base=environ)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    sql_ms = threading.current_thread().query_time * 1000  # reset by Odoo at each request
    return elapsed * 1000, log.total - queries, sql_ms, response.data


def slowest_queries(client, path, environ, count=5):
    """The `count` slowest SQL queries of one request, abbreviated."""
    recorded = []
    thread = threading.current_thread()
    thread.query_hooks = [lambda cr, query, params, start, delay: recorded.append((delay, str(query)))]
    try:
        client.get(path, environ_base=environ)
    finally:
        thread.query_hooks = []
    lines = []
    for delay, query in sorted(recorded, key=lambda item: item[0], reverse=True)[:count]:
        text = " ".join(query.split())
        tables = re.findall(r'(?:FROM|JOIN) "(\w+)"', text)
        shape = "GROUP BY" if "GROUP BY" in text else "COUNT" if "COUNT(" in text else (
            "EXISTS" if "EXISTS" in text else "")
        lines.append(f"  {delay * 1000:6.1f} ms  {text[:70]}... [{', '.join(dict.fromkeys(tables))}] {shape}")
    return lines


def measure_client(log, client, environ, rounds, warmup):
    paths = [path for _view, ours, native in VIEWS for path in (native, ours)]
    for _ in range(warmup):
        for path in paths:
            fetch(client, log, path, environ)
    samples = {path: [] for path in paths}
    queries = {path: [] for path in paths}
    sql = {path: [] for path in paths}
    rows = {}
    for _ in range(rounds):
        for path in paths:
            ms, count, sql_ms, body = fetch(client, log, path, environ)
            samples[path].append(ms)
            queries[path].append(count)
            sql[path].append(sql_ms)
            rows[path] = body.count(ROW) if path.startswith("/my/statement") else body.count(NATIVE_ROW)
    result = {}
    for path in paths:
        median, p95 = percentiles(samples[path])
        result[path] = {"median": median, "p95": p95, "queries": max(queries[path]),
                        "queries_min": min(queries[path]), "rows": rows[path],
                        "sql": percentiles(sql[path])[0]}
    result["slowest"] = {path: slowest_queries(client, path, environ) for path in (VIEWS[0][1], VIEWS[0][2])}
    return result


def counts(env, client, user):
    """Documents each list holds for the contact (as the contact: record rules apply)."""
    from odoo import fields

    from odoo.addons.client_hub.lib.statement import parse_query

    Move = env["account.move"].with_user(user)
    today = fields.Date.context_today(Move)
    ours = Move.search_count(Move._client_hub_statement_domain(client, parse_query(), today))
    overdue = Move.search_count(Move._client_hub_statement_domain(client, parse_query(filterby="overdue"), today))
    native = Move.search_count([("state", "not in", ("cancel", "draft"))])
    return {"statement": ours, "overdue": overdue, "native": native,
            "documents": env["account.move"].search_count([("commercial_partner_id", "=", client.id)])}


def main():
    p = parser(__doc__)
    p.add_argument("--rounds", type=int, default=25)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--large", type=int, default=5000, help="documents of the large client")
    p.add_argument("--small", type=int, default=50, help="documents of the small client")
    args = p.parse_args()
    app = http_app(args.conf, args.db)

    from odoo import api
    from odoo.modules.registry import Registry

    registry = Registry(args.db)
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "bench.localhost"}
    sizes = (args.small, args.large)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        clients = {n: seeded_client(env, f"Bench Statement {n}", n, seed=11) for n in sizes}
        contacts = env["res.partner"]
        try:
            users, info = {}, {}
            for n, client in clients.items():
                contact, users[n] = portal_contact(client)
                contacts |= contact
                info[n] = counts(env, client, users[n])
            cr.commit()
            log = QueryLog()
            results = {}
            for n in sizes:
                browser = sign_in(app, env, users[n].partner_id, environ)
                results[n] = measure_client(log, browser, environ, args.rounds, args.warmup)
        finally:
            cr.rollback()
            clean_portal_access(registry, contacts)
    report(args, sizes, info, results)


def report(args, sizes, info, results):
    print(f"\nServer time through Odoo's HTTP stack in-process (no network), warm, {args.rounds} rounds "
          "(median, p95 in brackets); SQL queries per request")
    for n in sizes:
        i = info[n]
        print(f"  client with {i['documents']} documents: {i['statement']} issued on the statement "
              f"({i['overdue']} overdue), {i['native']} on Odoo's /my/invoices")
    rows = []
    for n in sizes:
        for view, ours, native in VIEWS:
            o, nat = results[n][ours], results[n][native]
            rows.append([
                f"{info[n]['documents']} docs", view,
                f"{nat['median']:.1f} ({nat['p95']:.1f})", f"{nat['sql']:.1f}", nat["queries"], nat["rows"],
                f"{o['median']:.1f} ({o['p95']:.1f})", f"{o['sql']:.1f}", o["queries"], o["rows"],
                f"{nat['median'] / o['median']:.2f}x",
            ])
    table(rows, ["client", "view", "/my/invoices ms", "SQL ms", "queries", "rows",
                 "/my/statement ms", "SQL ms", "queries", "rows", "native/ours"])
    small, large = sizes
    for path in (VIEWS[0][1], VIEWS[0][2]):
        print(f"slowest SQL queries of {path} at {large} documents (one request):")
        print("\n".join(results[large]["slowest"][path]))
    checks = []
    for view, ours, _native in VIEWS:
        q_small, q_large = results[small][ours]["queries"], results[large][ours]["queries"]
        checks.append((f"statement '{view}': {q_small} queries at {small} documents, {q_large} at {large}",
                       q_small == q_large))
        varying = [n for n in sizes if results[n][ours]["queries_min"] != results[n][ours]["queries"]]
        if varying:
            checks.append((f"statement '{view}': query count varies between rounds at {varying}", False))
    for n in sizes:
        ours, native = results[n][VIEWS[0][1]], results[n][VIEWS[0][2]]
        checks.append((f"statement no slower than /my/invoices at {n} documents: "
                       f"{ours['median']:.1f} ms vs {native['median']:.1f} ms", ours["median"] <= native["median"]))
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    big = results[large]
    conclusion = (
        f"at {large} documents the statement answers in {big[VIEWS[0][1]]['median']:.1f} ms "
        f"({big[VIEWS[0][2]]['median'] / big[VIEWS[0][1]]['median']:.1f}x Odoo's invoice list), "
        f"status sort {big[VIEWS[1][1]]['median']:.1f} ms, overdue filter {big[VIEWS[2][1]]['median']:.1f} ms; "
        f"query count {'constant' if all(ok for label, ok in checks if 'queries' in label) else 'NOT constant'} "
        f"from {small} to {large} documents"
    )
    print("(Odoo's overdue filter lists only the invoices addressed to the contact itself, not its company's)")
    print(f"{'PASS' if all(ok for _label, ok in checks) else 'FAIL'}: {conclusion}")


if __name__ == "__main__":
    main()
