"""What a browser reads on the portal's pages, read with regular expressions (standard library):
the CSRF token, the statement's rows, the payment form of an invoice. Odoo renders these
attributes from its templates in a fixed order."""
import html
import re

CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
ROW = re.compile(r'<tr data-id="(\d+)" class="o_client_hub_row">')
PAY_NOW = re.compile(r'href="/my/invoices/(\d+)\?payment=True"')
YEAR = re.compile(r'[?&;]year=(\d{4})')
TAG = re.compile(r"<(?:form|input)\b[^>]*>", re.S)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')
TICKET = re.compile(r"/my/ticket/(\d+)")
EXPORT = re.compile(r"/my/exports/(\d+)")
EXPORT_STATE = re.compile(r'o_client_hub_export_state" data-state="(\w+)"')


def csrf(text: str) -> str | None:
    match = CSRF.search(text)
    return match.group(1) if match else None


def rows(text: str) -> list[int]:
    return [int(i) for i in ROW.findall(text)]


def payable(text: str) -> list[int]:
    return [int(i) for i in PAY_NOW.findall(text)]


def years(text: str) -> list[str]:
    return sorted(set(YEAR.findall(text)))


def _attrs(tag: str) -> dict:
    return {k: html.unescape(v) for k, v in ATTR.findall(tag)}


def payment_form(text: str) -> dict | None:
    """The payment form of an invoice page: amount, transaction route, access token, and the
    Stripe card option (provider and payment method ids). None without a Stripe option."""
    form = None
    for tag in TAG.findall(text):
        attrs = _attrs(tag)
        if tag.startswith("<form") and attrs.get("id") == "o_payment_form":
            form = attrs
        elif (form is not None and attrs.get("name") == "o_payment_radio"
              and attrs.get("data-provider-code") == "stripe"):
            return {
                "amount": float(form.get("data-amount") or 0),
                "route": form.get("data-transaction-route"),
                "access_token": form.get("data-access-token") or None,
                "landing_route": form.get("data-landing-route"),
                "provider_id": int(attrs["data-provider-id"]),
                "payment_method_id": int(attrs["data-payment-option-id"]),
            }
    return None


def export_state(text: str) -> str | None:
    match = EXPORT_STATE.search(text)
    return match.group(1) if match else None
