"""ZIP of a client's invoice PDFs: client_hub's download (POST /my/invoices/zip) against Odoo's
own (GET /account/download_invoice_documents/<ids>/pdf), same invoices, same run.

(a) 200 invoices whose official PDFs are stored: both routes through Odoo's whole HTTP stack in
    this process (werkzeug test client on ``odoo.http.root``), signed in as the client's contact
    (a portal user, through a magic link); the body is read in blocks and dropped, as a server
    writes it to the socket. Time, archive size, SQL queries, and the memory the serving process
    needs while it answers, two ways:
    - tracemalloc: peak of the Python allocations during the request (request and body), above
      what was allocated before it; a separate, untimed pass (tracemalloc slows Python down);
    - RSS: peak resident size during the request (VmHWM, reset through /proc/self/clear_refs just
      before) minus the resident size before it (VmRSS), the C heap trimmed first (malloc_trim) so
      that memory an earlier request freed but kept does not hide the growth; on the first request
      of each path and on each timed one. In a long-lived process RSS is a lower bound (freed memory
      the allocator keeps is reused without growing it): tracemalloc is the figure relied on.
    The target (under 50 MB) is checked on both.
(b) 50 invoices without stored PDFs, rendered for real by wkhtmltopdf: client_hub's batch rendering
    (``_client_hub_render_official_pdfs``: one report call per batch, PDFs stored as Odoo's send
    wizard stores them, archive written from the file store) against Odoo's one-by-one path
    (``_get_invoice_legal_documents('pdf', allow_fallback=True)`` for each invoice, what its own
    ZIP route above does for an invoice without PDF, archive built in memory). Each in its own
    transaction, rolled back, so that both render the same 50.
(c) The client's wait for the same 50 never-rendered invoices: ``POST /my/invoices/zip`` through
    the HTTP stack with ``client_hub.zip_sync_limit`` at its former default (100: the request
    renders them, the client waits) and at its default (1: the request hands over to the export
    job and answers; then the job, run as the cron worker runs it, until the archive is ready).
    The PDFs each path stored are deleted after it, so that both render the same 50.

wkhtmltopdf fetches the report's CSS from a server: this script serves Odoo on a free local port
from a thread of its own process (as Odoo's HttpCase does) and points ``report.url`` at it, so the
PDFs are the real ones, with their styles.

The client (320 documents) and the stored PDFs of (a) are created once (committed, reused by later
runs); the run commits only the magic link and portal user it signs in with, and deletes them.

    python3 dev/manage.py bench --db client_hub_bench_portal bench/bench_zip.py
"""
import ctypes
import re
import sys
import tempfile
import time
import tracemalloc
import urllib.request
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    QueryLog,
    asset_server,
    clean_portal_access,
    http_app,
    parser,
    percentiles,
    portal_contact,
    seeded_client,
    sign_in,
    table,
)

CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')
PASSWORD = "Bench-Password-2026!"  # noqa: S105 (a throwaway user of the bench database)
ACCOUNTANT = "bench.accountant@example.com"
OURS_A = "client_hub POST /my/invoices/zip (portal; ZIP on disk, streamed)"
NATIVE_ZIP = "Odoo GET /account/download_invoice_documents/<ids>/pdf (internal user; ZIP in memory)"
NATIVE_SINGLE = "Odoo GET /my/invoices/<id>?report_type=pdf&download=true, once per invoice (portal)"
MB = 1024 * 1024
TARGET_MB = 50


def proc_status(key):
    """VmRSS / VmHWM of this process, in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def trim_heap():
    """Give the C heap's free memory back to the system (glibc malloc_trim), so that the RSS
    growth of the next request is not hidden by memory earlier work freed but kept."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def reset_peak_rss():
    """Make VmHWM start again from the current RSS (Linux >= 4.0); False where refused."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


# ------------------------------------------------------------------ data
def prepare(env, args, base_url):
    """The client, its 200 documents with stored PDFs and 50 without, as ids."""
    from odoo import fields

    from odoo.addons.client_hub.lib.statement import parse_query

    client = seeded_client(env, f"Bench ZIP {args.documents}", args.documents, seed=12)
    Move = env["account.move"]
    today = fields.Date.context_today(Move)
    issued = Move.search(Move._client_hub_statement_domain(client, parse_query(), today), order="id")
    if len(issued) < args.stored + args.render:
        sys.exit(f"{client.name} has {len(issued)} issued documents, {args.stored + args.render} needed")
    stored, to_render = issued[: args.stored], issued[args.stored : args.stored + args.render]
    leftovers = to_render.filtered("invoice_pdf_report_id")  # an interrupted run's
    if leftovers:
        leftovers.invoice_pdf_report_id.unlink()
        env.cr.commit()
    warm_report_assets(env.registry, base_url)
    env.cr.commit()  # a snapshot that sees the bundles
    missing = stored.filtered(lambda move: not move.invoice_pdf_report_id)
    if missing:
        print(f"rendering the official PDFs of {len(missing)} documents once (committed, reused)", flush=True)
        started = time.perf_counter()
        with report_url(env, base_url):
            missing._client_hub_render_official_pdfs()
        env.cr.commit()
        print(f"rendered in {time.perf_counter() - started:.0f}s", flush=True)
    return client, stored.ids, to_render.ids


class report_url:
    """``report.url`` pointing at the asset server for the block, restored after it."""

    def __init__(self, env, url):
        self.params, self.url = env["ir.config_parameter"].sudo(), url

    def __enter__(self):
        self.previous = self.params.get_param("report.url")
        self.params.set_param("report.url", self.url)

    def __exit__(self, *exc):
        self.params.set_param("report.url", self.previous or False)


def warm_report_assets(registry, base_url):
    """Have the asset server build the report's asset bundles (and commit them) before any PDF is
    rendered, as `make run` does: the rendering transaction then never races it for them."""
    from odoo import api

    with registry.cursor() as cr:
        qweb = api.Environment(cr, api.SUPERUSER_ID, {})["ir.qweb"]
        urls = [
            attrs.get("href") or attrs.get("src")
            for bundle, css, js, autoprefix in (("web.report_assets_common", True, True, True),
                                                ("web.report_assets_pdf", True, False, True),
                                                ("web.report_assets_pdf", False, True, False))
            for _tag, attrs in qweb._get_asset_nodes(bundle, css=css, js=js, autoprefix=autoprefix)
        ]
        cr.rollback()
    for url in urls:
        if url and url.startswith("/"):
            with urllib.request.urlopen(base_url + url, timeout=300) as response:  # noqa: S310 (our own server)
                response.read()


# ------------------------------------------------------------------ (a) over HTTP
def download(browser, log, environ, requests, trace=False):
    """Requests answered one after the other, each body read block by block and dropped (as a
    server writes it to the socket). Returns their figures: time, queries, bytes, memory."""
    trim_heap()
    rss_before = proc_status("VmRSS")
    peak_reset = reset_peak_rss()
    if trace:
        tracemalloc.start()
        traced_before = tracemalloc.get_traced_memory()[0]
    queries, size = log.total, 0
    started = time.perf_counter()
    for method, path, data in requests:
        response = browser.open(path, method=method, data=data, environ_base=environ, buffered=False)
        try:
            assert response.status_code == 200, (path[:80], response.status_code)
            for block in response.response:
                size += len(block)
        finally:
            response.close()
    elapsed = time.perf_counter() - started
    result = {"ms": elapsed * 1000, "queries": log.total - queries, "bytes": size,
              "rss_growth": proc_status("VmHWM") - rss_before if peak_reset else None}
    if trace:
        result["traced_peak"] = tracemalloc.get_traced_memory()[1] - traced_before
        tracemalloc.stop()
    return result


def check_downloads(browser, environ, requests, expected):
    """The archive (or the PDFs) hold the `expected` PDFs."""
    pdfs = 0
    for method, path, data in requests:
        response = browser.open(path, method=method, data=data, environ_base=environ)
        assert response.status_code == 200, (path[:60], response.status_code)
        if response.data.startswith(b"%PDF"):
            pdfs += 1
            continue
        with tempfile.TemporaryFile() as tmp:
            tmp.write(response.data)
            with zipfile.ZipFile(tmp) as archive:
                assert archive.testzip() is None
                pdfs += sum(1 for name in archive.namelist() if archive.read(name).startswith(b"%PDF"))
    assert pdfs == expected, (requests[0][1][:60], pdfs, expected)


def password_session(app, login, password, environ):
    """A test client signed in through Odoo's /web/login."""
    from werkzeug.test import Client

    browser = Client(app, use_cookies=True)
    page = browser.get("/web/login", environ_base=environ)
    csrf = CSRF.search(page.data).group(1).decode()
    response = browser.post("/web/login", data={"login": login, "password": password, "csrf_token": csrf},
                            environ_base=environ)
    assert response.status_code == 303, response.status_code
    return browser


def bench_http(log, browsers, environ, ids, rounds):
    portal, internal = browsers
    page = portal.get("/my/statement", environ_base=environ)
    csrf = CSRF.search(page.data).group(1).decode()
    joined = ",".join(map(str, ids))
    paths = {
        OURS_A: (portal, [("POST", "/my/invoices/zip", {"csrf_token": csrf, "invoice_ids": joined})]),
        NATIVE_ZIP: (internal, [("GET", f"/account/download_invoice_documents/{joined}/pdf", None)]),
        NATIVE_SINGLE: (portal, [("GET", f"/my/invoices/{move_id}?report_type=pdf&download=true", None)
                                 for move_id in ids]),
    }
    # Odoo refuses its ZIP route to the client's portal user
    refused = portal.get(paths[NATIVE_ZIP][1][0][1], environ_base=environ).status_code
    results = {}
    # client_hub first, and each path's first request (the warm-up) before the others: the RSS
    # growth of a first request is not hidden by memory an earlier, bigger one freed but kept
    for label, (browser, requests) in paths.items():
        first = download(browser, log, environ, requests)
        runs = [download(browser, log, environ, requests) for _ in range(rounds)]
        traced = download(browser, log, environ, requests, trace=True)
        check_downloads(browser, environ, requests, len(ids))
        median, p95 = percentiles([r["ms"] for r in runs])
        growth = [r["rss_growth"] for r in runs if r["rss_growth"] is not None]
        results[label] = {"median": median, "p95": p95, "queries": max(r["queries"] for r in runs),
                          "bytes": runs[-1]["bytes"], "traced_peak": traced["traced_peak"],
                          "rss_first": first["rss_growth"], "rss_growth": max(growth) if growth else None,
                          "requests": len(requests)}
    # the archive's query count does not depend on the number of documents
    small = ids[: max(1, len(ids) // 10)]
    request = [("POST", "/my/invoices/zip", {"csrf_token": csrf, "invoice_ids": ",".join(map(str, small))})]
    few = download(portal, log, environ, request, trace=True)
    results[OURS_A]["small"] = (len(small), few["queries"], few["traced_peak"], few["bytes"])
    return results, refused


# ------------------------------------------------------------------ (b) rendering
class WkhtmltopdfCounter:
    """Counts the wkhtmltopdf runs of the block (ir.actions.report._run_wkhtmltopdf calls)."""

    def __init__(self, env):
        self.cls = type(env["ir.actions.report"])
        self.calls = 0

    def __enter__(self):
        original = self.original = self.cls._run_wkhtmltopdf
        counter = self

        def run(report, *args, **kwargs):
            counter.calls += 1
            return original(report, *args, **kwargs)

        self.cls._run_wkhtmltopdf = run
        return self

    def __exit__(self, *exc):
        self.cls._run_wkhtmltopdf = self.original


def ours_render(env, moves):
    moves._client_hub_render_official_pdfs()
    with tempfile.TemporaryFile() as archive:
        moves._client_hub_write_zip(archive)
        return archive.tell(), len(moves.filtered("invoice_pdf_report_id"))


def native_render(env, moves):
    from odoo.addons.account.controllers.download_docs import _build_zip_from_data

    docs = [move._get_invoice_legal_documents("pdf", allow_fallback=True) for move in moves]
    return len(_build_zip_from_data(docs)), len(docs)


def bench_render(registry, log, base_url, ids):
    from odoo import api

    results = {}
    for label, render in (
        ("client_hub: _client_hub_render_official_pdfs (batches of 80) + ZIP from the file store", ours_render),
        ("Odoo: _get_invoice_legal_documents per invoice + ZIP in memory", native_render),
    ):
        with registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            moves = env["account.move"].browse(ids)
            assert not moves.filtered("invoice_pdf_report_id")
            try:
                with report_url(env, base_url), WkhtmltopdfCounter(env) as counter:
                    queries = log.total
                    started = time.perf_counter()
                    size, pdfs = render(env, moves)
                    elapsed = time.perf_counter() - started
                    queries = log.total - queries
            finally:
                cr.rollback()  # both render the same documents
        assert pdfs == len(ids), (label, pdfs)
        results[label] = {"seconds": elapsed, "calls": counter.calls, "bytes": size, "queries": queries}
    return results


# ------------------------------------------------------------------ (c) the client's wait
SYNC_LIMIT = "client_hub.zip_sync_limit"


def set_params(registry, values):
    """Commit system parameters (False: unset); returns their former values."""
    from odoo import api

    with registry.cursor() as cr:
        params = api.Environment(cr, api.SUPERUSER_ID, {})["ir.config_parameter"]
        former = {key: params.get_param(key) for key in values}
        for key, value in values.items():
            params.set_param(key, value)
        cr.commit()
    return former


def forget_pdfs(registry, ids):
    """Delete the official PDFs of ``ids`` and the exports of them: the next path renders them again."""
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        moves = env["account.move"].browse(ids)
        moves.invoice_pdf_report_id.unlink()
        env["client_hub.portal.export"].search([("move_ids", "in", ids)]).unlink()
        cr.commit()


def bench_request(registry, log, portal, environ, base_url, ids):
    from odoo import api

    page = portal.get("/my/statement", environ_base=environ)
    data = {"csrf_token": CSRF.search(page.data).group(1).decode(), "invoice_ids": ",".join(map(str, ids))}
    results = {}
    former = set_params(registry, {"report.url": base_url, SYNC_LIMIT: False})
    try:
        for label, limit in ((f"{SYNC_LIMIT} = 100 (the former default): rendered in the request", "100"),
                             (f"{SYNC_LIMIT} = 1 (the default): a background export", False)):
            set_params(registry, {SYNC_LIMIT: limit})
            queries = log.total
            started = time.perf_counter()
            response = portal.post("/my/invoices/zip", data=data, environ_base=environ)
            waited = time.perf_counter() - started
            result = {"status": response.status_code, "request": waited, "queries": log.total - queries}
            if response.status_code == 303:  # the cron worker, woken by the request, runs the job
                with registry.cursor() as cr:
                    env = api.Environment(cr, api.SUPERUSER_ID, {})
                    export = env["client_hub.portal.export"].search([("move_ids", "in", ids)], order="id desc",
                                                                    limit=1)
                    env["client_hub.portal.export"]._cron_process()
                    cr.commit()
                    export.invalidate_recordset()
                    assert export.state == "done", (export.state, export.error)
                result["ready"] = time.perf_counter() - started
            else:
                assert response.status_code == 200 and response.data[:2] == b"PK", response.status_code
                result["ready"] = waited
            results[label] = result
            forget_pdfs(registry, ids)
    finally:
        set_params(registry, former)
    return results


def report_request(args, request_results):
    print(f"\n(c) the client's request for a ZIP of the {args.render} documents of (b), never rendered "
          "(POST /my/invoices/zip, in-process HTTP stack)")
    rows = [[label, r["status"], f"{r['request']:.2f}", r["queries"], f"{r['ready']:.1f}"]
            for label, r in request_results.items()]
    table(rows, ["path", "status", "request s (the client waits)", "SQL queries", "archive ready s"])
    former, ours = request_results.values()
    return [(f"the request no longer waits on wkhtmltopdf: {ours['request']:.2f} s vs {former['request']:.1f} s",
             ours["request"] < 1.0 and ours["status"] == 303)]


# ------------------------------------------------------------------ report
def report(args, info, http_results, render_results, served, request_results=None):
    print(f"\n(a) {args.stored} documents with stored official PDFs, through Odoo's HTTP stack in-process "
          f"(no network), {args.rounds} rounds (median, p95 in brackets); memory: tracemalloc peak (Python "
          "allocations, separate pass: the figure checked) and RSS peak growth (VmHWM after malloc_trim and "
          "/proc/self/clear_refs, minus VmRSS before; first request of the path / largest of the timed ones)")
    rows = []
    for label, r in http_results.items():
        rss = "n/a" if r["rss_growth"] is None else f"{r['rss_first'] / MB:.1f} / {r['rss_growth'] / MB:.1f}"
        rows.append([label, r["requests"], f"{r['bytes'] / MB:.2f}", f"{r['median']:.0f} ({r['p95']:.0f})",
                     r["queries"], f"{r['traced_peak'] / MB:.1f}", rss])
    table(rows, ["path", "requests", "MB sent", "ms", "SQL queries", "tracemalloc peak MB",
                 "RSS peak growth MB (1st / later)"])
    ours, native, single = (http_results[key] for key in (OURS_A, NATIVE_ZIP, NATIVE_SINGLE))
    few, few_queries, few_peak, few_bytes = ours["small"]
    print(f"client_hub's ZIP of {few} documents ({few_bytes / MB:.2f} MB): {few_queries} SQL queries, tracemalloc "
          f"peak {few_peak / MB:.1f} MB; of {args.stored} ({ours['bytes'] / MB:.2f} MB): {ours['queries']}, "
          f"{ours['traced_peak'] / MB:.1f} MB")
    print(f"Odoo's ZIP route answers the client's portal user HTTP {info['refused']}: a client without "
          f"client_hub downloads its {args.stored} PDFs one by one")
    print(f"ratio: client_hub {native['median'] / ours['median']:.1f}x faster than Odoo's ZIP route, "
          f"{single['median'] / ours['median']:.1f}x faster than {args.stored} single downloads; peak Python "
          f"memory {ours['traced_peak'] / MB:.1f} MB vs {native['traced_peak'] / MB:.1f} MB")
    checks = [(f"ZIP of {args.stored}: tracemalloc peak {ours['traced_peak'] / MB:.1f} MB < {TARGET_MB} MB",
               ours["traced_peak"] < TARGET_MB * MB)]
    checks.append((f"ZIP query count independent of the documents ({few_queries} for {few}, {ours['queries']} "
                   f"for {args.stored})", few_queries == ours["queries"]))
    if ours["rss_growth"] is not None:
        rss = max(ours["rss_growth"], ours["rss_first"])
        checks.append((f"ZIP of {args.stored}: RSS peak growth {rss / MB:.1f} MB < {TARGET_MB} MB",
                       rss < TARGET_MB * MB))
    else:
        print("RSS peak growth not measured: /proc/self/clear_refs refused")
    if render_results:
        checks += report_render(args, info, render_results, served)
    if request_results:
        checks += report_request(args, request_results)
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    summary = (f"the ZIP of {args.stored} stored PDFs takes {ours['median']:.0f} ms and "
               f"{ours['traced_peak'] / MB:.1f} MB of Python memory ({native['traced_peak'] / MB:.1f} MB for "
               "Odoo's in-memory ZIP)")
    if render_results:
        ours_b, native_b = render_results.values()
        summary += (f"; {args.render} missing PDFs render {native_b['seconds'] / ours_b['seconds']:.1f}x "
                    "faster in batches")
    print(f"{'PASS' if all(ok for _label, ok in checks) else 'FAIL'}: {summary}")


def report_render(args, info, render_results, served):
    assets = sum(1 for path in served if path.startswith("/web/assets/"))
    print(f"\n(b) ZIP of {args.render} documents without stored PDFs, rendered by wkhtmltopdf "
          f"({info['wkhtmltopdf']}), report assets served by an in-process Odoo server "
          f"({assets} asset requests answered); each path in its own transaction, rolled back")
    rows = [[label, r["calls"], f"{r['seconds']:.1f}", r["queries"], f"{r['bytes'] / MB:.2f}"]
            for label, r in render_results.items()]
    table(rows, ["path", "wkhtmltopdf runs", "seconds", "SQL queries", "archive MB"])
    ours_b, native_b = render_results.values()
    speedup = native_b["seconds"] / ours_b["seconds"]
    print(f"ratio: batch rendering {speedup:.1f}x faster ({ours_b['calls']} wkhtmltopdf run(s) vs "
          f"{native_b['calls']})")
    checks = [(f"render {args.render}: batch {speedup:.1f}x faster than one by one (target 2x)", speedup >= 2)]
    if not assets:
        checks.append(("the report assets were fetched (PDFs with their styles)", False))
    return checks


def accountant(env):
    """An internal user with invoicing rights (Odoo's ZIP route is for internal users)."""
    stale = env["res.users"].with_context(active_test=False).search([("login", "=", ACCOUNTANT)])
    stale_partner = stale.partner_id
    stale.unlink()  # left by an interrupted run
    stale_partner.unlink()
    return env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench Accountant", "login": ACCOUNTANT, "password": PASSWORD,
        "group_ids": [(6, 0, [env.ref("account.group_account_invoice").id])],
    })


def remove_user(registry, user_id):
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        user = env["res.users"].browse(user_id).exists()
        partner = user.partner_id
        user.unlink()
        partner.unlink()
        cr.commit()


def main():
    p = parser(__doc__)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--documents", type=int, default=320, help="documents of the seeded client")
    p.add_argument("--stored", type=int, default=200, help="documents of (a), with stored PDFs")
    p.add_argument("--render", type=int, default=50, help="documents of (b), rendered")
    p.add_argument("--skip-render", action="store_true", help="only (a)")
    args = p.parse_args()
    app = http_app(args.conf, args.db)

    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools.misc import find_in_path

    registry = Registry(args.db)
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "bench.localhost"}
    info = {"wkhtmltopdf": find_in_path("wkhtmltopdf")}
    contact = internal_id = None
    with asset_server(app) as (base_url, served):
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                client, stored, to_render = prepare(env, args, base_url)
                contact, _user = portal_contact(client)
                internal_id = accountant(env).id
                cr.commit()
                log = QueryLog()
                browsers = (sign_in(app, env, contact, environ),
                            password_session(app, ACCOUNTANT, PASSWORD, environ))
                http_results, refused = bench_http(log, browsers, environ, stored, args.rounds)
                cr.rollback()
            served.clear()
            render_results = {} if args.skip_render else bench_render(registry, log, base_url, to_render)
            request_results = {} if args.skip_render else bench_request(
                registry, log, browsers[0], environ, base_url, to_render)
        finally:
            if contact:
                clean_portal_access(registry, contact)
            if internal_id:
                remove_user(registry, internal_id)
    info["refused"] = refused
    report(args, info, http_results, render_results, served, request_results)


if __name__ == "__main__":
    main()
