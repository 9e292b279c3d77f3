"""Stripe's signed webhook to a paid invoice: client_hub books the payment in the webhook's own
request (and queues its receipt); Odoo's native path leaves it to the post-processing cron
(`payment.cron_post_process_payment_tx`, every 10 minutes) or to the client's status-page poll.
Same run, same database.

Stripe is configured in test mode with a webhook secret; its network API is mocked exactly as
tests/payment_common.py does it (`PaymentProvider._send_api_request` patched: a non-tokenized
`payment_intent.succeeded` event makes no call, and the count is printed). Outgoing email is not
sent (`ir.mail_server` connect/send stubbed); the receipt client_hub emails when an online payment
is booked is still rendered, with its PDF, on both paths, by its background job (the cron
`client_hub.ir_cron_client_hub_payment_receipts`, run here after each turn and timed apart):
wkhtmltopdf fetches the report assets from this process's own WSGI app, served on a free local
port for the run (`report.url` points there meanwhile, assets built before the clock starts), and
the time spent rendering PDFs is shown apart.
Per path, 200 posted invoices and their draft Stripe transactions (`invoice_ids` set, created as
the payment form's `_create_transaction` creates them); then for each, Stripe's signed
`payment_intent.succeeded` event is POSTed to /payment/stripe/webhook through Odoo's whole HTTP
stack in this process (werkzeug test client on ``odoo.http.root``: routing, signature check, ORM,
commit), timed from its arrival to its response:

- client_hub: the webhook alone; the invoice must be paid when it returns (its receipt queued,
  not made: no PDF may be rendered in the webhook);
- native: the same webhooks with client_hub's immediate booking switched off
  (`_client_hub_post_process_now` patched to a no-op), then a run of the cron
  (`payment.transaction._cron_post_process`), which books them (and queues their receipts).

Then, for both, the receipt job; every payment must have exactly one receipt (one per person:
here the payer) and its transaction's receipt flag "sent".

The two paths take turns by 20 payments (a cron run after each native turn), so that load from
elsewhere on a shared machine hits both alike.

Everything the bench created (invoices, payments, transactions, clients) is deleted at the end and
the Stripe provider restored.

    python3 dev/manage.py bench bench/bench_payment.py --db client_hub_bench_e2e
"""
import contextlib
import hashlib
import hmac
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_magic_link import client, setup_odoo
from common import table

WEBHOOK_SECRET = "whsec_client_hub_bench_only"  # noqa: S105 (Stripe test mode, bench database)
PREFIX = "BENCHPAY"
ENVIRON = {"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "bench.localhost"}


class FakeStripeApi:
    """Stripe's API at the network boundary: nothing answers; every call is recorded."""

    def __init__(self):
        self.calls = []

    def __call__(self, provider, method, endpoint, **kwargs):
        self.calls.append((method, endpoint))
        if endpoint == "customers":
            return {"id": "cus_client_hub_bench"}
        raise AssertionError(f"unexpected Stripe API call: {method} {endpoint}")


class FakeSmtp:
    def quit(self):
        pass


def configure_stripe(env):
    """Stripe in test mode with a webhook secret; returns what to restore."""
    stripe = env["payment.provider"].search([("code", "=", "stripe"), ("company_id", "=", env.company.id)], limit=1)
    card = env.ref("payment.payment_method_card")
    saved = {
        "provider": stripe.read(["state", "stripe_secret_key", "stripe_publishable_key", "stripe_webhook_secret",
                                 "is_published"])[0],
        "methods": stripe.payment_method_ids.ids, "card_active": card.active,
    }
    stripe.write({"state": "test", "stripe_secret_key": "sk_test_client_hub_bench",
                  "stripe_publishable_key": "pk_test_client_hub_bench", "stripe_webhook_secret": WEBHOOK_SECRET,
                  "is_published": True})
    card.active = True
    stripe.payment_method_ids = [(4, card.id)]
    return stripe, card, saved


def restore_stripe(env, saved):
    stripe = env["payment.provider"].browse(saved["provider"]["id"])
    card = env.ref("payment.payment_method_card")
    values = {k: v for k, v in saved["provider"].items() if k != "id"}
    stripe.write(values)
    stripe.payment_method_ids = [(6, 0, saved["methods"])]
    card.active = saved["card_active"]


def fixtures(env, stripe, card, n, clients, label):
    """``n`` posted invoices over ``clients`` client companies, a draft Stripe transaction each."""
    from odoo import Command

    Partner = env["res.partner"]
    companies = Partner.create([{"name": f"Bench Pay {label} {i:02d}", "is_company": True, "customer_rank": 1,
                                 "email": f"ap@bench-pay-{label.lower()}-{i:02d}.example"} for i in range(clients)])
    contacts = Partner.create([{"name": f"Payer {label} {i:02d}", "parent_id": c.id,
                                "email": f"payer@bench-pay-{label.lower()}-{i:02d}.example"}
                               for i, c in enumerate(companies)])
    moves = env["account.move"].create([{
        "move_type": "out_invoice", "partner_id": companies[i % clients].id, "invoice_date": "2026-11-01",
        "invoice_date_due": "2026-12-01",
        "invoice_line_ids": [Command.create({"name": "Consulting", "price_unit": 100.0 + i, "tax_ids": []})],
    } for i in range(n)])
    moves.action_post()
    Tx = env["payment.transaction"]
    txs = Tx
    for i, move in enumerate(moves):
        values = {"invoice_ids": [Command.set(move.ids)]}
        txs |= Tx.create({
            "provider_id": stripe.id, "payment_method_id": card.id,
            "reference": Tx._compute_reference("stripe", prefix=f"{PREFIX}-{label}-{i:03d}", **values),
            "amount": move.amount_residual, "currency_id": move.currency_id.id,
            "partner_id": contacts[i % clients].id, "operation": "online_direct", "tokenize": False,
            "landing_route": "/my/statement", **values,
        })
    return companies | contacts, moves, txs


def webhook(tx_reference, amount_minor, currency, n):
    """Stripe's `payment_intent.succeeded` event, signed as Stripe signs it (at once: Odoo refuses
    events signed more than 10 minutes ago)."""
    intent = {
        "id": f"pi_client_hub_bench_{n}", "object": "payment_intent", "status": "succeeded",
        "amount": amount_minor, "currency": currency.lower(), "description": tx_reference,
        "payment_method": {"id": "pm_client_hub_bench", "type": "card", "card": {"brand": "visa"}},
    }
    body = json.dumps({"id": f"evt_client_hub_bench_{n}", "type": "payment_intent.succeeded",
                       "data": {"object": intent}})
    timestamp = int(time.time())
    signature = hmac.new(WEBHOOK_SECRET.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "Stripe-Signature": f"t={timestamp},v1={signature}"}


def post_webhooks(app, events):
    """Sign and POST each event on a fresh client; per request (from its arrival): milliseconds and
    SQL queries."""
    from odoo import sql_db

    samples = []
    for event in events:
        body, headers = webhook(*event)
        c = client(app)
        q0, t0 = sql_db.sql_counter, time.perf_counter()
        response = c.post("/payment/stripe/webhook", data=body, headers=headers, environ_base=ENVIRON)
        samples.append(((time.perf_counter() - t0) * 1000, sql_db.sql_counter - q0))
        assert response.status_code == 200, (response.status_code, response.data[:300])
    return samples


def payment_states(registry, moves_ids):
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, 1, {})
        moves = env["account.move"].browse(moves_ids)
        return {state: len(moves.filtered(lambda m, s=state: m.payment_state == s))
                for state in set(moves.mapped("payment_state"))}


def run_receipt_job(registry):
    """client_hub's receipt job, as its cron runs it; the milliseconds and SQL queries it took."""
    from odoo import api, sql_db

    q0, t0 = sql_db.sql_counter, time.perf_counter()
    with registry.cursor() as cr:
        api.Environment(cr, api.SUPERUSER_ID, {})["payment.transaction"]._cron_client_hub_send_receipts()
    return (time.perf_counter() - t0) * 1000, sql_db.sql_counter - q0


def receipt_counts(registry, tx_ids):
    """Per transaction of ``tx_ids``: its receipt flag and the receipt messages on its payment."""
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, 1, {})
        txs = env["payment.transaction"].browse(tx_ids)
        messages = env["mail.message"]._read_group(
            [("model", "=", "account.payment"), ("res_id", "in", txs.payment_id.ids),
             ("subtype_id", "=", env.ref("mail.mt_comment").id)],
            ["res_id"], ["__count"],
        )
        per_payment = dict(messages)
        return {(tx.client_hub_receipt_state, per_payment.get(tx.payment_id.id, 0)) for tx in txs}


def cleanup(registry, created):
    """Delete what the bench committed: payments, invoices, transactions, clients."""
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, 1, {})
        txs = env["payment.transaction"].browse(created["txs"]).exists()
        payments = txs.payment_id | env["account.payment"].search([("payment_transaction_id", "in", txs.ids)])
        moves = env["account.move"].browse(created["moves"]).exists()
        payments.filtered(lambda p: p.state != "draft").action_draft()
        payments.unlink()
        moves.filtered(lambda m: m.state != "draft").button_draft()
        moves.with_context(force_delete=True).unlink()
        env["mail.mail"].search([("model", "=", "account.payment"), ("res_id", "in", payments.ids)]).unlink()
        txs.unlink()
        partners = env["res.partner"].browse(created["partners"]).exists()
        env["res.users"].with_context(active_test=False).search([("partner_id", "in", partners.ids)]).unlink()
        env["client_hub.magic.link"].search([("partner_id", "in", partners.ids)]).unlink()
        partners.unlink()
        restore_stripe(env, created["stripe"])
        env["ir.config_parameter"].set_param("report.url", created["report_url"] or False)
        print(f"cleaned up: {len(payments)} payments, {len(moves)} invoices, {len(txs)} transactions, "
              f"{len(partners)} clients and contacts deleted; Stripe provider restored")


REPORT_BUNDLES = (("web.report_assets_common", True, True, True), ("web.report_assets_pdf", True, False, True),
                  ("web.report_assets_pdf", False, True, False))


@contextlib.contextmanager
def asset_server(app):
    """This process's Odoo served on a free local port, for wkhtmltopdf's asset requests."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def warm_report_assets(registry, app):
    """Build the report asset bundles before any PDF is rendered inside a booking transaction
    (dev/demo.py does the same for the demo: a server building them then would wait for it)."""
    from odoo import api

    with registry.cursor() as cr:
        qweb = api.Environment(cr, 1, {})["ir.qweb"]
        urls = [attrs.get("href") or attrs.get("src") for bundle, css, js, prefix in REPORT_BUNDLES
                for _tag, attrs in qweb._get_asset_nodes(bundle, css=css, js=js, autoprefix=prefix)]
    for url in urls:
        client(app).get(url, environ_base=ENVIRON)


class PdfTimer:
    """Wall time spent rendering PDFs (wkhtmltopdf included), however deep in the call."""

    def __init__(self):
        from odoo.addons.base.models.ir_actions_report import IrActionsReport

        self.seconds = 0.0
        self.count = 0
        original = IrActionsReport._render_qweb_pdf
        timer = self

        def timed(report, report_ref, res_ids=None, data=None):
            t0 = time.perf_counter()
            try:
                return original(report, report_ref, res_ids=res_ids, data=data)
            finally:
                timer.seconds += time.perf_counter() - t0
                timer.count += 1

        self.patch = patch.object(IrActionsReport, "_render_qweb_pdf", timed)

    def take(self):
        seconds, count = self.seconds, self.count
        self.seconds, self.count = 0.0, 0
        return seconds, count


def summary(samples):
    ms = sorted(s for s, _q in samples)
    return {"total": sum(ms), "median": statistics.median(ms), "p95": ms[int(len(ms) * 0.95) - 1],
            "queries": statistics.median(q for _s, q in samples), "n": len(ms)}


def main():
    from common import parser

    p = parser(__doc__)
    p.add_argument("--payments", type=int, default=200)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--chunk", type=int, default=20, help="payments per turn of each path (and per cron run)")
    args = p.parse_args()
    app = setup_odoo(args.conf, args.db)

    from odoo import api, sql_db
    from odoo.modules.registry import Registry
    from odoo.tools import config

    from odoo.addons.client_hub.models.payment_transaction import PaymentTransaction as ClientHubTransaction
    from odoo.addons.payment import utils as payment_utils

    registry = Registry(args.db)
    # client_hub posts the receipt with no From of its own (its mail.message has no email_from): the
    # server's default sender stands in, as --email-from does (a fresh database has no alias domain)
    config["email_from"] = config.get("email_from") or "notifications@bench-company.example"
    stripe_api = FakeStripeApi()
    mail_patches = (
        patch("odoo.addons.base.models.ir_mail_server.IrMail_Server._connect__", lambda *a, **k: FakeSmtp()),
        patch("odoo.addons.base.models.ir_mail_server.IrMail_Server.send_email",
              lambda self, message, *a, **k: message["Message-Id"]),
        patch("odoo.addons.payment.models.payment_provider.PaymentProvider._send_api_request",
              autospec=True, side_effect=stripe_api),
    )
    created = {"txs": [], "moves": [], "partners": [], "stripe": None, "report_url": None}
    pdf = PdfTimer()
    with contextlib.ExitStack() as stack:
        for mocked in (*mail_patches, pdf.patch):
            stack.enter_context(mocked)
        base_url = stack.enter_context(asset_server(app))
        with registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            created["report_url"] = env["ir.config_parameter"].get_param("report.url") or ""
            env["ir.config_parameter"].set_param("report.url", base_url)
            stripe, card, created["stripe"] = configure_stripe(env)
            paths = {}
            for label, n in (("WARM", args.warmup), ("OURS", args.payments), ("NATIVE", args.payments)):
                partners, moves, txs = fixtures(env, stripe, card, n, min(args.clients, n), label)
                created["txs"] += txs.ids
                created["moves"] += moves.ids
                created["partners"] += partners.ids
                paths[label] = {
                    "moves": moves.ids, "txs": txs.ids,
                    "events": [(tx.reference, payment_utils.to_minor_currency_units(tx.amount, tx.currency_id),
                                tx.currency_id.name, f"{label}{i}") for i, tx in enumerate(txs)],
                }
            n_moves = env["account.move"].search_count([("move_type", "in", ("out_invoice", "out_refund"))])
            cr.commit()
        try:
            # warm-up: report assets, routing map, registry, Stripe controller (booked at once, not counted)
            warm_report_assets(registry, app)
            post_webhooks(app, paths["WARM"]["events"])
            run_receipt_job(registry)
            pdf.take()
            ours, native, cron = [], [], {"ms": 0.0, "queries": 0, "runs": 0}
            pdf_ours, pdf_native, native_unpaid = [0.0, 0], [0.0, 0], 0
            job = {"ms": 0.0, "queries": 0, "pdf_s": 0.0, "pdfs": 0, "runs": 0}

            def receipts_job():
                ms, queries = run_receipt_job(registry)
                seconds, count = pdf.take()
                job.update(ms=job["ms"] + ms, queries=job["queries"] + queries, pdf_s=job["pdf_s"] + seconds,
                           pdfs=job["pdfs"] + count, runs=job["runs"] + 1)

            def run_ours(chunk):
                ours.extend(post_webhooks(app, paths["OURS"]["events"][chunk]))
                pdf_ours[:] = [a + b for a, b in zip(pdf_ours, pdf.take(), strict=True)]
                receipts_job()

            def run_native(chunk):
                nonlocal native_unpaid
                with patch.object(ClientHubTransaction, "_client_hub_post_process_now", lambda self: None):
                    native.extend(post_webhooks(app, paths["NATIVE"]["events"][chunk]))
                    native_unpaid += payment_states(registry, paths["NATIVE"]["moves"][chunk]).get("not_paid", 0)
                    q0, t0 = sql_db.sql_counter, time.perf_counter()
                    with registry.cursor() as cr:  # the cron's run: every transaction done since the last one
                        api.Environment(cr, api.SUPERUSER_ID, {})["payment.transaction"]._cron_post_process()
                    cron["ms"] += (time.perf_counter() - t0) * 1000
                    cron["queries"] += sql_db.sql_counter - q0
                    cron["runs"] += 1
                pdf_native[:] = [a + b for a, b in zip(pdf_native, pdf.take(), strict=True)]
                receipts_job()

            # the paths take turns by chunks, so that load from elsewhere on the machine hits both alike
            for k, start in enumerate(range(0, args.payments, args.chunk)):
                chunk = slice(start, start + args.chunk)
                for step in ((run_ours, run_native) if k % 2 == 0 else (run_native, run_ours)):
                    step(chunk)
            ours_states = payment_states(registry, paths["OURS"]["moves"])
            native_states = payment_states(registry, paths["NATIVE"]["moves"])
            receipts = receipt_counts(registry, paths["OURS"]["txs"] + paths["NATIVE"]["txs"])
        finally:
            cleanup(registry, created)

    ours_s, native_s = summary(ours), summary(native)
    n = args.payments
    cron_ms, cron_queries = cron["ms"], cron["queries"]
    native_total = native_s["total"] + cron_ms
    print(f"\n{n} Stripe payments per path, each a signed payment_intent.succeeded webhook POSTed through "
          f"Odoo's whole HTTP stack in-process (no network), database of {n_moves} invoices; Stripe API calls: "
          f"{len(stripe_api.calls)}")
    print(f"invoice states: client_hub after its webhooks {ours_states}; native: {native_unpaid} of {n} still "
          f"unpaid after their webhooks, after the cron {native_states}")
    table([
        ["client_hub: webhook books the payment", f"{ours_s['median']:.1f}", f"{ours_s['p95']:.1f}",
         f"{ours_s['queries']:.0f}", f"{ours_s['total'] / 1000:.2f}", f"{ours_s['total'] / n:.1f}"],
        ["native: webhook (transaction done, invoice unpaid)", f"{native_s['median']:.1f}", f"{native_s['p95']:.1f}",
         f"{native_s['queries']:.0f}", f"{native_s['total'] / 1000:.2f}", f"{native_s['total'] / n:.1f}"],
        [f"native: then the cron ({cron['runs']} runs of {args.chunk})", "", "", f"{cron_queries / n:.0f} per payment",
         f"{cron_ms / 1000:.2f}", f"{cron_ms / n:.1f}"],
        ["native total: webhook + cron", "", "", f"{native_s['queries'] + cron_queries / n:.0f} per payment",
         f"{native_total / 1000:.2f}", f"{native_total / n:.1f}"],
    ], ["path", "median ms", "p95 ms", "SQL queries (median)", f"total s ({n})", "ms per payment"])
    for label, (_seconds, count) in (("client_hub", pdf_ours), ("native", pdf_native)):
        print(f"PDFs rendered in the webhooks and the post-processing cron ({label}): {count}")
    print(f"the receipt job, in the background, both paths ({job['runs']} runs, {2 * n} receipts): "
          f"{job['ms'] / (2 * n):.1f} ms and {job['queries'] / (2 * n):.0f} queries per receipt, of which "
          f"{job['pdfs']} PDFs rendered, {job['pdf_s'] * 1000 / (2 * n):.1f} ms per receipt; "
          f"(receipt flag, receipts per payment): {receipts}")
    print(f"ratio: server time to a paid invoice, client_hub {ours_s['total'] / native_total:.2f}x the native "
          f"webhook + cron ({ours_s['total'] / n:.1f} vs {native_total / n:.1f} ms per payment); natively the "
          "invoice stays unpaid until the cron runs (up to 10 minutes) or the client's status page polls")
    assert ours_states == {"paid": n}, ours_states
    assert pdf_ours[1] == 0, "a PDF was rendered in a webhook's request"
    assert receipts == {("sent", 1)}, receipts
    assert native_states == {"paid": n}, native_states
    assert native_unpaid == n, native_unpaid


if __name__ == "__main__":
    main()
