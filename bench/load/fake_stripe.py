"""A local stand-in for Stripe's HTTP API (api.stripe.com/v1), for the load test only.

The load server's `payment_stripe` provider sends its real HTTP requests here instead of Stripe
(`bench/load/addons/client_hub_load_stripe`, loaded with `--load`, changes the base URL only):
customers, PaymentIntents (created by Odoo, honouring `Idempotency-Key` as Stripe does), read back
by Odoo on the client's return; and `POST /v1/payment_intents/<id>/confirm`, Stripe's own call
that Stripe.js makes when the client submits its card, which the simulated clients make.
`GET /_load/intents` lists every intent (the load command's final check reads which ones were
confirmed). Standard library only; answers in JSON like Stripe, with Stripe's error shape.

    python3 bench/load/fake_stripe.py --port 8111 [--latency 0.05]
"""
import argparse
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CARD = {"id": "pm_card_visa", "object": "payment_method", "type": "card",
        "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2034}}


class Stripe:
    def __init__(self):
        self.lock = threading.Lock()
        self.intents = {}
        self.idempotency = {}
        self.ids = itertools.count(1)
        self.calls = {}

    def count(self, key):
        with self.lock:
            self.calls[key] = self.calls.get(key, 0) + 1


STRIPE = Stripe()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-stripe"
    latency = 0.0

    def log_message(self, fmt, *args):  # quiet: the load command prints its own figures
        pass

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status, message):
        self._answer(status, {"error": {"type": "invalid_request_error", "message": message}})

    def _form(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        query = urlsplit(self.path).query
        return {k: v[-1] for k, v in parse_qs("&".join(p for p in (raw, query) if p)).items()}

    def _authorized(self):
        return self.headers.get("Authorization", "").startswith("Bearer sk_test_")

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == "/_load/intents":
            with STRIPE.lock:
                return self._answer(200, {"intents": list(STRIPE.intents.values()), "calls": STRIPE.calls})
        if not self._authorized():
            return self._error(401, "Invalid API Key provided")
        time.sleep(self.latency)
        match = re.fullmatch(r"/v1/payment_intents/([\w-]+)", path)
        if match:
            STRIPE.count("GET payment_intents")
            intent = STRIPE.intents.get(match.group(1))
            return self._answer(200, intent) if intent else self._error(404, "No such payment_intent")
        return self._error(404, f"Unrecognized request URL (GET: {path})")

    def do_POST(self):
        path = urlsplit(self.path).path
        form = self._form()
        # the confirmation is Stripe.js's call with the publishable key; Odoo's calls use the secret key
        match = re.fullmatch(r"/v1/payment_intents/([\w-]+)/confirm", path)
        if match:
            STRIPE.count("POST confirm")
            with STRIPE.lock:
                intent = STRIPE.intents.get(match.group(1))
                if not intent:
                    return self._error(404, "No such payment_intent")
                if intent["status"] != "succeeded":
                    intent.update(status="succeeded", payment_method=CARD, confirmed_at=time.time())
                return self._answer(200, intent)
        if not self._authorized():
            return self._error(401, "Invalid API Key provided")
        time.sleep(self.latency)
        if path == "/v1/customers":
            STRIPE.count("POST customers")
            return self._answer(200, {"id": f"cus_load_{next(STRIPE.ids)}", "object": "customer"})
        if path == "/v1/payment_intents":
            STRIPE.count("POST payment_intents")
            key = self.headers.get("Idempotency-Key")
            with STRIPE.lock:
                if key and key in STRIPE.idempotency:
                    return self._answer(200, STRIPE.intents[STRIPE.idempotency[key]])
                intent_id = f"pi_load_{next(STRIPE.ids):07d}"
                intent = {
                    "id": intent_id, "object": "payment_intent", "status": "requires_payment_method",
                    "client_secret": f"{intent_id}_secret_load", "amount": int(form.get("amount", 0)),
                    "currency": form.get("currency", ""), "description": form.get("description", ""),
                    "customer": form.get("customer"), "payment_method": None, "created": int(time.time()),
                }
                STRIPE.intents[intent_id] = intent
                if key:
                    STRIPE.idempotency[key] = intent_id
            return self._answer(200, intent)
        return self._error(404, f"Unrecognized request URL (POST: {path})")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to each API call")
    args = parser.parse_args()
    Handler.latency = args.latency
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(f"fake Stripe API on http://{args.host}:{args.port}/v1/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
