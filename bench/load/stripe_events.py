"""Stripe's webhook events, signed as Stripe signs them: header
``Stripe-Signature: t=<timestamp>,v1=<HMAC-SHA256 of "<timestamp>.<payload>" with the endpoint's
secret>`` (the same as tests/payment_common.py). Standard library only."""
import hashlib
import hmac
import json
import time


def succeeded_event(intent: dict, event_id: str) -> str:
    obj = dict(intent)
    obj["status"] = "succeeded"
    obj.setdefault("payment_method", {"id": "pm_card_visa", "type": "card", "card": {"brand": "visa"}})
    return json.dumps({"id": event_id, "object": "event", "type": "payment_intent.succeeded",
                       "data": {"object": obj}})


def signature(payload: str, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
