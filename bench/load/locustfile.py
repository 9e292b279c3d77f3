"""client_hub under load: the whole client journey on a multi-worker Odoo server (issue 14).

Run by `make load` / `python3 dev/manage.py load` (dev/load.py), which seeds what the users need,
starts the server, the fake Stripe API and the mail sink, runs Locust headless, then checks in
the database that nothing was lost. Three kinds of users:

- ``Client`` (all but two): signs in with its own magic link, then journeys: statement, sort and
  filter, an invoice, a ZIP of its three latest documents (one client in ten downloads everything
  on its first journey: a background export it follows to the download), Pay now with Stripe
  (JSON-RPC transaction, the card confirmed at "Stripe", the return to Odoo, the status page and
  its poll, the statement it lands on), a new ticket and a reply to it (JSON-RPC).
- ``StripeWebhooks`` (one): every confirmed payment's ``payment_intent.succeeded`` event, signed,
  twice; for half of them both copies race the client's return. Failed deliveries are retried with
  Stripe's back-off until acknowledged. With ``LOAD_STORM_AT`` (faults), a storm of 1,000
  duplicated events in 10 seconds.
- ``MailServer`` (one): the clients' email answers to the team's message on their prepared ticket,
  piped through Odoo's ``odoo-mailgate`` script as an MTA does; a failed delivery is retried.

Think times and choices use `random` (S311: no secret here).
Input: ``LOAD_DATA`` (JSON written by the prepare step); output: ``LOAD_RESULTS`` (JSON: what was
sent, for the nothing-lost check, and the failures with their time).
"""
# ruff: noqa: S311
import contextlib
import io
import itertools
import json
import os
import random
import resource
import sys
import time
import uuid
import zipfile
from collections import Counter, deque
from pathlib import Path

import gevent
import requests
from gevent import subprocess
from gevent.event import Event
from gevent.pool import Pool
from gevent.queue import Empty, Queue
from locust import HttpUser, between, constant, events, task
from locust.user.task import LOCUST_STATE_STOPPING

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages
from mailreply import client_reply
from stripe_events import signature, succeeded_event

DATA = json.loads(Path(os.environ["LOAD_DATA"]).read_text(encoding="utf-8"))
RESULTS = Path(os.environ["LOAD_RESULTS"])
STORM_AT = float(os.environ["LOAD_STORM_AT"]) if os.environ.get("LOAD_STORM_AT") else None
STORM_EVENTS, STORM_SECONDS = 1000, 10.0
RUN = DATA["run"]

with contextlib.suppress(ValueError, OSError):  # a storm holds a thousand connections at once
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)

STATE = {
    "t0": None, "replies": [], "payments": [], "exports": [], "zips": 0, "webhooks": [], "mail": [],
    "failures": [], "status_5xx": Counter(), "storm": None, "signins": Counter(), "journeys": 0,
}
WEBHOOKS = Queue()
ACTIVE = {"journeys": 0}
_client_numbers = itertools.count()
_event_ids = itertools.count(1)


def now():
    return time.time() - (STATE["t0"] or time.time())


@events.test_start.add_listener
def _started(environment, **_kw):
    STATE["t0"] = time.time()


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **_kw):
    status = getattr(response, "status_code", 0) or 0
    if status >= 500:
        STATE["status_5xx"][name] += 1
    if exception is not None:
        STATE["failures"].append({"t": round(now(), 2), "method": request_type, "name": name, "status": status,
                                  "error": str(exception)[:240]})


@events.quitting.add_listener
def _write_results(environment, **_kw):
    out = {**STATE, "status_5xx": dict(STATE["status_5xx"]), "signins": dict(STATE["signins"])}
    RESULTS.write_text(json.dumps(out, indent=1, default=str), encoding="utf-8")


def no_keep_alive(user):
    """One connection per request, as Odoo's prefork server serves them: a worker closes an idle
    kept-alive connection after 2 seconds, and a request sent on it at that very moment fails
    with no answer (a browser retries it on a new connection; a reverse proxy never reuses it)."""
    user.client.headers["Connection"] = "close"


def check_failed(name, message):
    """A failure that is not an HTTP status: reported by Locust like the others."""
    events.request.fire(request_type="CHECK", name=name, response_time=0, response_length=0,
                        exception=AssertionError(message), context={})


class Client(HttpUser):
    """A client's contact, signed in by its own magic link."""

    wait_time = between(2, 5)

    def on_start(self):
        no_keep_alive(self)
        self.number = next(_client_numbers)
        self.me = DATA["clients"][self.number % len(DATA["clients"])]
        self.journeys = 0
        self.rpc_id = itertools.count(1)
        self.signed_in = self.sign_in()

    # ------------------------------------------------------------------ helpers
    def stopping(self):
        return self._state == LOCUST_STATE_STOPPING

    def think(self, low=1.0, high=3.0):
        if not self.stopping():
            gevent.sleep(random.uniform(low, high))

    def get(self, path, name, expect=200, **kw):
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False, **kw) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code} instead of {expect}")
                return None
            return response

    def rpc(self, route, params, name):
        """Odoo's JSON-RPC; (result, error message)."""
        body = {"jsonrpc": "2.0", "method": "call", "id": next(self.rpc_id), "params": params}
        with self.client.post(route, json=body, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None, f"HTTP {response.status_code}"
            try:
                answer = response.json()
            except ValueError:
                response.failure("not JSON")
                return None, "not JSON"
            if "error" in answer:
                data = answer["error"].get("data") or {}
                message = data.get("message") or data.get("name") or answer["error"].get("message")
                if message != "retry":  # the status page's poll: "try again" (Odoo's JS does)
                    response.failure(f"JSON-RPC error: {message}"[:240])
                return None, message
            return answer.get("result"), None

    def sign_in(self):
        with self.client.get(self.me["path"], name="/portal/magic/<token>", catch_response=True,
                             allow_redirects=False) as response:
            location = response.headers.get("Location", "")
            ok = response.status_code == 303 and "/my/statement" in location
            if not ok:
                response.failure(f"sign-in: {response.status_code} to {location or '-'}")
            STATE["signins"]["ok" if ok else "refused"] += 1
            return ok

    # ------------------------------------------------------------------ the journey
    @task
    def journey(self):
        if not self.signed_in:
            self.signed_in = self.sign_in()
            if not self.signed_in:
                return
        self.journeys += 1
        ACTIVE["journeys"] += 1
        try:
            self._journey()
            STATE["journeys"] += 1
        finally:
            ACTIVE["journeys"] -= 1

    def _journey(self):
        response = self.get("/my/statement", "/my/statement")
        if response is None:
            return
        statement = response.text
        ids, years = pages.rows(statement), pages.years(statement)
        self.think()
        query = {"sortby": random.choice(["date", "due_date", "name", "amount", "status"]),
                 "order": random.choice(["asc", "desc"]),
                 "filterby": random.choice(["all", "unpaid", "overdue", "paid", "credit_notes"])}
        if years and random.random() < 0.5:
            query["year"] = random.choice(years)
        self.get("/my/statement", "/my/statement?sortby&order&filterby[&year]", params=query)
        self.think()
        if ids:
            self.get(f"/my/invoices/{random.choice(ids)}", "/my/invoices/<id>")
            self.think()
        self.download(pages.csrf(statement))
        self.think()
        self.pay()
        self.think()
        self.ticket()

    def download(self, csrf_token):
        everything = self.number % 10 == 0 and self.journeys == 1
        data = {"csrf_token": csrf_token, **({"all": "1"} if everything else {"invoice_ids": self.me["zip_ids"]})}
        with self.client.post("/my/invoices/zip", data=data, name="/my/invoices/zip" + (" (all)" if everything else ""),
                              catch_response=True, allow_redirects=False) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 303 and pages.EXPORT.search(location):
                export_id = int(pages.EXPORT.search(location).group(1))
                STATE["exports"].append({"id": export_id, "t": round(now(), 2), "client": self.number})
                response.success()
            elif response.status_code == 200 and response.headers.get("Content-Type", "").startswith("application/zip"):
                try:
                    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
                except zipfile.BadZipFile:
                    response.failure("not a ZIP archive")
                    return
                if not everything and len(names) != len(self.me["zip_ids"]):
                    response.failure(f"{len(names)} PDFs in the ZIP, {len(self.me['zip_ids'])} asked for")
                    return
                STATE["zips"] += 1
                response.success()
                return
            else:
                response.failure(f"{response.status_code} {location or response.headers.get('Content-Type')}")
                return
        # a background export: the client follows its page (it refreshes every 5 s), then downloads
        deadline = time.time() + (5 if self.stopping() else 60)
        while time.time() < deadline:
            gevent.sleep(5)
            page = self.get(f"/my/exports/{export_id}", "/my/exports/<id>")
            if page is not None and pages.export_state(page.text) == "done":
                self.get(f"/my/exports/{export_id}/download", "/my/exports/<id>/download")
                return

    def pay(self):
        response = self.get("/my/statement", "/my/statement?filterby=unpaid", params={"filterby": "unpaid"})
        payable = pages.payable(response.text) if response is not None else []
        if not payable:
            return
        invoice_id = random.choice(payable[:5])
        page = self.get(f"/my/invoices/{invoice_id}", "/my/invoices/<id>?payment=True", params={"payment": "True"})
        if page is None:
            return
        form = pages.payment_form(page.text)
        if not form:
            check_failed("Pay now: Stripe card on the invoice page", f"no Stripe option on invoice {invoice_id}")
            return
        self.think(0.5, 1.5)  # the card typed in
        result, _error = self.rpc(form["route"], {
            "provider_id": form["provider_id"], "payment_method_id": form["payment_method_id"], "token_id": None,
            "amount": form["amount"], "flow": "direct", "tokenization_requested": False,
            "landing_route": form["landing_route"], "is_validation": False, "access_token": form["access_token"],
        }, "/invoice/transaction/<id>")
        if not result:
            return
        reference, secret = result["reference"], result["client_secret"]
        intent_id = secret.split("_secret")[0]
        # Stripe.js confirms the card at Stripe (the fake API), which then redirects to Odoo
        try:
            intent = requests.post(f"{DATA['stripe_api']}/payment_intents/{intent_id}/confirm",
                                   data={"payment_method": "pm_card_visa"}, timeout=30,
                                   headers={"Authorization": "Bearer pk_test_client_hub_load"}).json()
        except (requests.RequestException, ValueError) as error:
            check_failed("Stripe confirmation (fake API)", str(error))
            return
        race = random.random() < 0.5
        go = Event() if race else None
        payment = {"reference": reference, "intent": intent_id, "invoice": invoice_id, "amount": form["amount"],
                   "t": round(now(), 2), "race": race, "client": self.number}
        STATE["payments"].append(payment)
        WEBHOOKS.put({"intent": intent, "reference": reference, "go": go})
        if go is not None:
            go.wait(timeout=30)  # the webhooks leave now: the return below races them
        query = {"reference": reference, "payment_intent": intent_id, "payment_intent_client_secret": secret,
                 "redirect_status": "succeeded"}
        returned = self.get("/payment/stripe/return", "/payment/stripe/return", expect=303, params=query)
        payment["returned"] = returned is not None
        if returned is None:
            return
        self.get("/payment/status", "/payment/status")
        for _attempt in range(10):
            status, error = self.rpc("/payment/status/poll", {}, "/payment/status/poll")
            if status or error != "retry":
                break
            gevent.sleep(1)
        if status and status.get("landing_route"):
            payment["state_seen"] = status.get("state")
            self.get(status["landing_route"], "/my/statement?payment_tx=<id>")

    def ticket(self):
        page = self.get("/new/ticket", "/new/ticket")
        if page is None:
            return
        self.think()
        tag = uuid.uuid4().hex[:10]
        data = {"csrf_token": pages.csrf(page.text), "subject": f"Load {RUN} question {tag}",
                "description": f"Could you check the amount of our last invoice? ({tag})"}
        with self.client.post("/submitted/ticket", data=data, name="/submitted/ticket", catch_response=True,
                              allow_redirects=False) as response:
            match = pages.TICKET.search(response.headers.get("Location", ""))
            if response.status_code != 303 or not match:
                response.failure(f"{response.status_code} to {response.headers.get('Location', '-')}")
                return
        ticket_id = int(match.group(1))
        self.get(f"/my/ticket/{ticket_id}", "/my/ticket/<id>")
        self.think()
        marker = f"load-reply-{RUN}-{tag}"
        reply = {"kind": "portal", "ticket": ticket_id, "marker": marker, "t": round(now(), 2)}
        _result, error = self.rpc("/mail/message/post", {
            "thread_model": "helpdesk.ticket", "thread_id": ticket_id,
            "post_data": {"body": f"Here are more details: the amount differs from our order. {marker}",
                          "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
        }, "/mail/message/post")
        reply["ok"] = error is None
        STATE["replies"].append(reply)


class StripeWebhooks(HttpUser):
    """Stripe: posts the signed events of confirmed payments, each twice, retried until
    acknowledged (Stripe retries failed deliveries for days, with a growing delay)."""

    fixed_count = 1
    wait_time = constant(0)

    def on_start(self):
        no_keep_alive(self)
        self.pool = Pool(64)
        self.outstanding = 0
        self.recent = deque(maxlen=40)
        self.storm_done = STORM_AT is None

    def post(self, payload, name):
        headers = {"Content-Type": "application/json", "Stripe-Signature": signature(payload, DATA["webhook_secret"])}
        try:
            response = self.client.post("/payment/stripe/webhook", data=payload, headers=headers, name=name,
                                        timeout=120)
            return response.status_code
        except requests.RequestException:  # recorded by Locust as a failure already
            return 0

    def deliver(self, item, copy, delay=0.0):
        """One copy of an event, retried until acknowledged (or ten minutes)."""
        self.outstanding += 1
        record = {"reference": item["reference"], "copy": copy, "attempts": [], "race": item["go"] is not None}
        STATE["webhooks"].append(record)
        try:
            gevent.sleep(delay)
            wait, deadline = 1.0, time.time() + 600
            while True:
                status = self.post(item["payload"], "/payment/stripe/webhook")
                record["attempts"].append([round(now(), 2), status])
                if status == 200 or time.time() > deadline:
                    return
                gevent.sleep(wait)
                wait = min(wait * 2, 30.0)
        finally:
            self.outstanding -= 1

    def accept(self, item):
        item["payload"] = succeeded_event(item["intent"], f"evt_load_{next(_event_ids):07d}")
        self.recent.append(item)
        if item["go"] is not None:  # both copies leave together, and the client returns at once
            self.pool.spawn(self.deliver, item, 1)
            self.pool.spawn(self.deliver, item, 2)
            gevent.sleep(0)
            item["go"].set()
        else:
            first = random.uniform(0.2, 2.0)
            self.pool.spawn(self.deliver, item, 1, first)
            self.pool.spawn(self.deliver, item, 2, first + random.uniform(1.0, 5.0))

    @task
    def send_events(self):
        while True:
            try:
                item = WEBHOOKS.get(timeout=0.5)
            except Empty:
                item = None
            if item is not None:
                self.accept(item)
            if not self.storm_done and now() >= STORM_AT:
                self.storm_done = True
                gevent.spawn(self.storm)
            if (self._state == LOCUST_STATE_STOPPING and WEBHOOKS.empty() and not self.outstanding
                    and not ACTIVE["journeys"] and (STATE["storm"] is None or STATE["storm"].get("finished"))):
                return

    def storm(self):
        """1,000 duplicated events in 10 seconds: the events of the latest payments (and of those
        confirmed during the storm), over and over, each sent without waiting for the others."""
        storm = STATE["storm"] = {"t": round(now(), 2), "sent": 0, "status": Counter(), "references": Counter(),
                                  "finished": False}
        pool, started = Pool(STORM_EVENTS), time.time()

        def one(item):
            status = self.post(item["payload"], "/payment/stripe/webhook (storm)")
            storm["status"][str(status)] += 1

        for i in range(STORM_EVENTS):
            candidates = list(self.recent)
            if not candidates:
                gevent.sleep(0.1)
                continue
            item = candidates[i % len(candidates)]
            storm["references"][item["reference"]] += 1
            delay = started + i * STORM_SECONDS / STORM_EVENTS - time.time()
            if delay > 0:
                gevent.sleep(delay)
            pool.spawn(one, item)
            storm["sent"] += 1
        storm["dispatch_seconds"] = round(time.time() - started, 1)
        pool.join()
        storm.update(finished=True, seconds=round(time.time() - started, 1), t_end=round(now(), 2),
                     status=dict(storm["status"]), references=dict(storm["references"]))


class MailServer(HttpUser):
    """The mail server: pipes each client's email answer to Odoo's odoo-mailgate script (XML-RPC
    message_process on the running server); a refused delivery is kept and retried, as an MTA
    defers it."""

    fixed_count = 1
    wait_time = constant(0)

    def on_start(self):
        self.todo = deque(DATA["clients"][: DATA.get("active_clients", len(DATA["clients"]))])
        self.retries = []

    def pipe(self, item):
        gate = DATA["mailgate"]
        started = time.time()
        exception = None
        try:
            proc = subprocess.run(
                [gate["python"], gate["script"], "-d", gate["db"], "-u", str(gate["uid"]), "-p", gate["key"],
                 "--host", "127.0.0.1", "--port", str(gate["port"])],
                input=item["raw"], capture_output=True, timeout=180, check=False)
            if proc.returncode:
                exception = RuntimeError(f"odoo-mailgate exit {proc.returncode}: "
                                         f"{proc.stderr.decode(errors='replace').strip().splitlines()[-1:]}")
        except subprocess.TimeoutExpired:
            exception = RuntimeError("odoo-mailgate timed out")
        events.request.fire(request_type="MAIL", name="odoo-mailgate (message_process)",
                            response_time=(time.time() - started) * 1000, response_length=len(item["raw"]),
                            exception=exception, context={})
        item["record"]["attempts"].append([round(now(), 2), exception is None])
        return exception is None

    @task
    def feed(self):
        pace = float(DATA.get("mail_pace", 3.0))
        while True:
            due = [r for r in self.retries if r["due"] <= time.time()]
            if due:
                item = due[0]
                self.retries.remove(item)
            elif self.todo and self._state != LOCUST_STATE_STOPPING:
                client = self.todo.popleft()
                marker = f"load-mail-{RUN}-{uuid.uuid4().hex[:10]}"
                message_id, raw = client_reply(
                    f"{client['name']} <{client['email']}>", DATA["support"], client["ticket_subject"],
                    client["ticket_msgid"], f"Thank you, that answers it. {marker}", client["ticket_said"])
                record = {"kind": "email", "ticket": client["ticket"], "marker": marker, "message_id": message_id,
                          "attempts": []}
                STATE["mail"].append(record)
                item = {"raw": raw, "record": record, "wait": 5.0}
            elif self._state == LOCUST_STATE_STOPPING and not self.retries:
                return
            else:
                gevent.sleep(0.5)
                continue
            if self.pipe(item):
                item["record"]["ok"] = True
            else:
                item["record"]["ok"] = False
                item["due"] = time.time() + item["wait"]
                item["wait"] = min(item["wait"] * 2, 60.0)
                self.retries.append(item)
            gevent.sleep(pace)
