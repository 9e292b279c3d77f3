"""The load test's pure parts: what the simulated browser reads on a page, Stripe's signature, the
fake Stripe API, the Locust pin and the report's verdict (no Odoo, no Locust)."""
import hashlib
import hmac
import json
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "load"))

import pages  # noqa: E402
from mailreply import client_reply  # noqa: E402
from stripe_events import signature, succeeded_event  # noqa: E402

from dev import load, load_report  # noqa: E402
from dev.common import free_port  # noqa: E402

INVOICE_PAGE = """
<form id="o_payment_form" class="o_payment_form" data-mode="payment" data-reference-prefix=""
      data-amount="321.5" data-currency-id="2" data-partner-id="9"
      data-transaction-route="/invoice/transaction/42" data-landing-route="/my/statement"
      data-access-token="abc&amp;def">
  <input id="o_payment_method_3" name="o_payment_radio" type="radio" data-payment-option-type="payment_method"
         data-payment-option-id="3" data-payment-method-code="card" data-provider-id="7"
         data-provider-code="stripe" data-provider-state="test"/>
</form>"""


class TestPages(unittest.TestCase):
    def test_payment_form(self):
        self.assertEqual(pages.payment_form(INVOICE_PAGE), {
            "amount": 321.5, "route": "/invoice/transaction/42", "access_token": "abc&def",
            "landing_route": "/my/statement", "provider_id": 7, "payment_method_id": 3})
        self.assertIsNone(pages.payment_form(INVOICE_PAGE.replace('"stripe"', '"demo"')))

    def test_statement(self):
        html = ('<input type="hidden" name="csrf_token" value="tok1"/>'
                '<tr data-id="5" class="o_client_hub_row"><a href="/my/invoices/5?payment=True">'
                '<tr data-id="6" class="o_client_hub_row"><a href="/my/statement?sortby=date&amp;year=2025">')
        self.assertEqual((pages.csrf(html), pages.rows(html), pages.payable(html), pages.years(html)),
                         ("tok1", [5, 6], [5], ["2025"]))


class TestStripe(unittest.TestCase):
    def test_signature_is_stripes(self):
        payload = succeeded_event({"id": "pi_1", "amount": 100, "description": "INV/1"}, "evt_1")
        header = signature(payload, "whsec_x", timestamp=1700000000)
        digest = hmac.new(b"whsec_x", f"1700000000.{payload}".encode(), hashlib.sha256).hexdigest()
        self.assertEqual(header, f"t=1700000000,v1={digest}")
        self.assertEqual(json.loads(payload)["data"]["object"]["status"], "succeeded")

    def test_fake_api(self):
        port = free_port()
        proc = subprocess.Popen([sys.executable, str(REPO / "bench" / "load" / "fake_stripe.py"), "--port", str(port),
                                 "--latency", "0"], stdout=subprocess.DEVNULL)
        self.addCleanup(proc.wait)
        self.addCleanup(proc.terminate)
        base = f"http://127.0.0.1:{port}"

        def call(path, data=None, key="sk_test_1", headers=None):
            request = urllib.request.Request(base + path, data=data, headers={
                "Authorization": f"Bearer {key}", **(headers or {})})
            with urllib.request.urlopen(request, timeout=5) as response:
                return json.loads(response.read())

        for _ in range(50):
            try:
                call("/_load/intents")
                break
            except OSError:
                time.sleep(0.1)
        body = b"amount=1234&currency=eur&description=INV%2F2026%2F1"
        intent = call("/v1/payment_intents", body, headers={"Idempotency-Key": "k1"})
        self.assertEqual(call("/v1/payment_intents", body, headers={"Idempotency-Key": "k1"})["id"], intent["id"])
        self.assertEqual((intent["amount"], intent["description"], intent["status"]),
                         (1234, "INV/2026/1", "requires_payment_method"))
        call(f"/v1/payment_intents/{intent['id']}/confirm", b"payment_method=pm_card_visa", key="pk_test_1")
        self.assertEqual(call(f"/v1/payment_intents/{intent['id']}")["status"], "succeeded")
        with self.assertRaises(urllib.error.HTTPError):
            call(f"/v1/payment_intents/{intent['id']}", key="wrong")


class TestLoadTooling(unittest.TestCase):
    def test_locust_is_pinned_for_its_own_virtualenv(self):
        self.assertRegex(load.locust_pin(), r"^locust==\d+\.\d+\.\d+$")

    def test_mail_reply_threads_on_the_teams_message(self):
        message_id, raw = client_reply("Ana <ana@client.example>", "support@hub.example", "Ticket 7",
                                       "<abc@hub.example>", "Yes. marker-1", "We updated it.")
        self.assertIn(b"In-Reply-To: <abc@hub.example>", raw)
        self.assertIn(b"Subject: Re: Ticket 7", raw)
        self.assertIn(message_id.encode(), raw)

    def test_report_fails_on_a_5xx_or_a_lost_reply(self):
        out = Path(tempfile.mkdtemp())
        (out / "locust_stats.csv").write_text(
            "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
            "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
            "99.99%,100%\n"
            "GET,/my/statement,10,0,100,110,50,300,1000,2.0,0,100,110,120,130,150,200,250,300,300,300,300\n"
            ",Aggregated,10,0,100,110,50,300,1000,2.0,0,100,110,120,130,150,200,250,300,300,300,300\n")
        checks = {"replies": {"portal_sent": 1, "email_sent": 1, "email_retried": 0, "not_delivered": 0, "wrong": [],
                              "wrong_count": 0},
                  "payments": {"confirmed": 1, "transactions": 1, "payments": 1, "tx_states": {"done": 1}, "wrong": [],
                               "wrong_count": 0, "unconfirmed": 0, "unconfirmed_booked": [], "unposted_payments": 0},
                  "exports": {"count": 1, "done": 1, "wrong": [], "missing": [], "asked_by_clients": 1}}
        results = {"t0": 0, "failures": [], "status_5xx": {}, "webhooks": [{"attempts": [[1, 200]], "race": True}],
                   "mail": [{"ok": True, "attempts": [[1, True]]}], "replies": [{}], "payments": [{}],
                   "exports": [{}], "zips": 1, "journeys": 1, "signins": {"ok": 1}}
        opts = load.LoadRun(db="x", users=1, duration=60)
        kwargs = {"opts": opts, "out": out, "checks": checks, "memory": ({1: 200.0}, {1: "HTTP"}), "locust_rc": 0,
                  "wall": 61, "exports_wait": 0, "faults": None, "workers_after": 5, "server_log": "log",
                  "clients": "10"}
        self.assertTrue(load_report.build(results=results, **kwargs).passed)
        failed = {**results, "status_5xx": {"/my/statement": 1},
                  "failures": [{"t": 3, "name": "/my/statement", "status": 500, "error": "500"}]}
        self.assertFalse(load_report.build(results=failed, **kwargs).passed)
        lost = json.loads(json.dumps(checks))
        lost["replies"].update(wrong_count=1, wrong=[{"ticket": 1, "found": []}])
        report = load_report.build(results=results, **{**kwargs, "checks": lost})
        self.assertFalse(report.passed)
        self.assertIn("replies lost or duplicated", report.text)


if __name__ == "__main__":
    unittest.main()
