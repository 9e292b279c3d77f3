"""What the data seeder creates, decided without Odoo (deterministic for a given seed).

The Odoo side (``populate/seeder.py``) turns these plans into partners, invoices, credit
notes and payments in batches; keeping the decisions here lets the pure tier test them.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

# Every state an accountant sees on a customer document, in the order a small client gets them.
KINDS = ("paid", "partial", "sent", "overdue", "credit_note", "draft", "cancelled", "posted")
# Relative frequency of each kind once a client has one of each.
KIND_WEIGHTS = {
    "paid": 45, "partial": 8, "sent": 12, "overdue": 12,
    "credit_note": 5, "draft": 8, "cancelled": 3, "posted": 7,
}
POSTED_KINDS = frozenset({"paid", "partial", "sent", "overdue", "credit_note", "posted"})
SENT_KINDS = frozenset({"paid", "partial", "sent", "overdue"})
PAYMENT_TERM_DAYS = 30

_CITIES = (
    ("Lyon", "69002", "FR"), ("Brussels", "1000", "BE"), ("Berlin", "10115", "DE"),
    ("Madrid", "28001", "ES"), ("Milan", "20121", "IT"), ("Amsterdam", "1011", "NL"),
    ("Geneva", "1201", "CH"), ("Boston", "02108", "US"), ("London", "EC1A 1BB", "GB"),
)
_SERVICES = (
    "Consulting", "Project management", "Design workshop", "Support retainer",
    "Training session", "Audit", "Implementation", "Maintenance",
)
_FIRST = ("Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Greta", "Hugo", "Inès", "Jonas")
_LAST = ("Martin", "Bernard", "Dubois", "Laurent", "Moreau", "Schmidt", "Rossi", "Garcia")


@dataclass(frozen=True)
class InvoicePlan:
    kind: str
    invoice_date: date
    due_date: date
    description: str
    quantity: float
    price_unit: float
    paid_fraction: float  # share of the total paid (1.0 = paid in full)
    payment_date: date | None
    foreign_currency: bool

    @property
    def move_type(self) -> str:
        return "out_refund" if self.kind == "credit_note" else "out_invoice"

    @property
    def posted(self) -> bool:
        return self.kind in POSTED_KINDS

    @property
    def sent(self) -> bool:
        return self.kind in SENT_KINDS


@dataclass(frozen=True)
class ClientPlan:
    index: int
    name: str
    email: str
    street: str
    city: str
    zip: str
    country_code: str
    contacts: tuple[tuple[str, str], ...]  # (name, email)
    invoices: tuple[InvoicePlan, ...]


def _kind_sequence(rng: random.Random, count: int) -> list[str]:
    """One of each kind first (so even small clients show every state), then weighted draws."""
    kinds = list(KINDS[:count])
    population, weights = zip(*KIND_WEIGHTS.items(), strict=True)
    kinds += rng.choices(population, weights=weights, k=max(count - len(KINDS), 0))
    return kinds


def _invoice(rng: random.Random, kind: str, today: date, foreign_share: float) -> InvoicePlan:
    if kind == "sent":  # recent, not yet due
        age = rng.randint(0, PAYMENT_TERM_DAYS - 5)
    elif kind == "overdue":  # due date passed, nothing paid
        age = rng.randint(PAYMENT_TERM_DAYS + 5, 400)
    elif kind == "draft":
        age = rng.randint(0, 10)
    else:
        age = rng.randint(0, 720)
    invoice_date = today - timedelta(days=age)
    due_date = invoice_date + timedelta(days=PAYMENT_TERM_DAYS)
    paid_fraction = {"paid": 1.0, "partial": round(rng.uniform(0.2, 0.8), 2)}.get(kind, 0.0)
    payment_date = None
    if paid_fraction:
        payment_date = min(invoice_date + timedelta(days=rng.randint(1, 45)), today)
    return InvoicePlan(
        kind=kind,
        invoice_date=invoice_date,
        due_date=due_date,
        description=rng.choice(_SERVICES),
        quantity=float(rng.randint(1, 12)),
        price_unit=float(rng.randrange(5000, 250000, 50)) / 100,
        paid_fraction=paid_fraction,
        payment_date=payment_date,
        foreign_currency=rng.random() < foreign_share,
    )


def plan_clients(
    n_clients: int,
    invoices_per_client: int,
    seed: int = 1,
    today: date | None = None,
    foreign_share: float = 0.05,
    name_prefix: str = "Seed Client",
) -> Iterator[ClientPlan]:
    """Yield `n_clients` client plans of `invoices_per_client` documents each."""
    if n_clients < 0 or invoices_per_client < 0:
        raise ValueError("counts must be positive")
    today = today or date.today()
    for index in range(1, n_clients + 1):
        # one generator per client: independent of the batch it falls in (not for secrets)
        rng = random.Random(f"{seed}:{index}")  # noqa: S311
        city, zip_code, country = rng.choice(_CITIES)
        slug = f"client{index:05d}"
        contacts = tuple(
            (f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", f"contact{n}.{slug}@example.com")
            for n in range(1, rng.randint(1, 3) + 1)
        )
        yield ClientPlan(
            index=index,
            name=f"{name_prefix} {index:05d}",
            email=f"billing.{slug}@example.com",
            street=f"{rng.randint(1, 200)} Main Street",
            city=city,
            zip=zip_code,
            country_code=country,
            contacts=contacts,
            invoices=tuple(
                _invoice(rng, kind, today, foreign_share)
                for kind in _kind_sequence(rng, invoices_per_client)
            ),
        )
