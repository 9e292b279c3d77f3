# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a client owes by age (issue 23): the five aging buckets on exact dates, sorted, filtered
and summed as the list asks, the same as the client list's Outstanding; the average days late."""
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user

from ..models.res_partner_aging import AGING_FIELDS
from .test_client_list import CLIENTS, TODAY, ClientListCase


class AgingCase(ClientListCase):
    def buckets(self, partner):
        partner.invalidate_recordset()
        return tuple(partner[fname] for fname in AGING_FIELDS)

    def listed(self, partners):
        """{id: buckets} as the list's sums compute them (the SQL of sorting and footers)."""
        rows = self.Partner.with_context(active_test=False)._read_group(
            [("id", "in", partners.ids)], ["id"], [f"{fname}:sum" for fname in AGING_FIELDS]
        )
        return {partner.id: tuple(values) for partner, *values in rows}

    def assertAging(self, partner, expected):
        """The form's buckets and the list's are ``expected`` and add up to its Outstanding."""
        self.env.flush_all()
        self.assertEqual(self.buckets(partner), expected, "form")
        self.assertEqual(self.listed(partner)[partner.id], expected, "list")
        self.assertAlmostEqual(sum(expected), partner.balance_outstanding, places=2)
        [(listed_outstanding,)] = self.Partner.with_context(active_test=False)._read_group(
            [("id", "=", partner.id)], [], ["balance_outstanding:sum"])
        self.assertAlmostEqual(sum(expected), listed_outstanding, places=2, msg="the client list's Outstanding")


class TestAgingBuckets(AgingCase):
    def test_boundaries(self):
        """Days past the due date: 0 is not yet due, 1 and 30 in 1-30, 31 and 60 in 31-60, 61 and
        90 in 61-90, 91 over 90; each amount a power of two so that a misplaced one shows."""
        client = self.client("Boundaries")
        for days_late, amount in ((-5, 1.0), (0, 2.0), (1, 4.0), (30, 8.0), (31, 16.0), (60, 32.0),
                                  (61, 64.0), (90, 128.0), (91, 256.0)):
            self.invoice(client, amount, days_ago=max(days_late, 0), due_in=-min(days_late, 0))
        self.assertAging(client, (3.0, 12.0, 48.0, 192.0, 256.0))
        # a day later every installment moves on, as the overdue figure does
        with freeze_time(TODAY + timedelta(days=1)):
            self.assertAging(client, (1.0, 6.0, 24.0, 96.0, 384.0))

    def test_credit_notes_payments_and_installments(self):
        client = self.client("Mixed")
        self.invoice(client, 1000.0, days_ago=45, due_in=0)  # 45 days late
        self.invoice(client, 300.0, move_type="out_refund", days_ago=40, due_in=0)  # open credit: 31-60
        paid = self.invoice(client, 500.0, days_ago=100, due_in=0)
        self.pay(paid, amount=200.0)  # 300 left, 100 days late
        self.pay(self.invoice(client, 50.0, days_ago=10, due_in=0))  # fully paid: nowhere
        term = self.env["account.payment.term"].create({"name": "30% now, 70% in 60 days", "line_ids": [
            Command.create({"value": "percent", "value_amount": 30.0, "nb_days": 0}),
            Command.create({"value": "percent", "value_amount": 70.0, "nb_days": 60}),
        ]})
        split = self.invoice(client, 1000.0, days_ago=70, post=False)
        split.write({"invoice_payment_term_id": term.id})
        split.action_post()
        # installments by their own due dates: 300 is 70 days late, 700 is 10 days late
        self.assertAging(client, (0.0, 700.0, 700.0, 300.0, 300.0))
        self.assertEqual(client.balance_overdue, 2000.0)

    def test_contacts_read_their_company_figures(self):
        client = self.client("Parent")
        contact = self.Partner.create({"name": "Child", "parent_id": client.id, "type": "invoice"})
        self.invoice(contact, 70.0, days_ago=95, due_in=0)
        self.assertAging(client, (0.0, 0.0, 0.0, 0.0, 70.0))
        self.assertEqual(self.buckets(contact), (0.0, 0.0, 0.0, 0.0, 70.0))

    def test_each_company_its_own_buckets(self):
        other = self.setup_other_company()["company"]
        self.env.user.company_ids |= other
        client = self.client("Two companies")
        self.invoice(client, 100.0, days_ago=40, due_in=0)
        self.invoice(client, 900.0, days_ago=5, due_in=0, company=other)
        self.env.flush_all()
        self.assertEqual(self.buckets(client), (0.0, 0.0, 100.0, 0.0, 0.0))
        there = client.with_company(other)
        self.assertEqual(tuple(there[fname] for fname in AGING_FIELDS), (0.0, 900.0, 0.0, 0.0, 0.0))
        total = self.Partner.with_company(other).formatted_read_group(
            [("id", "=", client.id)], [], ["client_hub_aging_1_30:sum", "client_hub_aging_31_60:sum"])[0]
        self.assertEqual((total["client_hub_aging_1_30:sum"], total["client_hub_aging_31_60:sum"]), (900.0, 0.0))


class TestAgingList(AgingCase):
    """Sorted, filtered, summed and grouped as the Collections list asks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice = new_test_user(cls.env, "alice.aging", groups="sales_team.group_sale_salesman", name="Alice")
        cls.bob = new_test_user(cls.env, "bob.aging", groups="sales_team.group_sale_salesman", name="Bob")
        cls.old = cls.client("Old", user_id=cls.alice.id)
        cls.recent = cls.client("Recent", user_id=cls.alice.id)
        cls.current = cls.client("Current", user_id=cls.bob.id)
        cls.quiet = cls.client("Quiet", user_id=cls.bob.id)

    def setUp(self):
        super().setUp()
        self.invoice(self.old, 400.0, days_ago=120, due_in=0)
        self.invoice(self.old, 100.0, days_ago=10, due_in=0)
        self.invoice(self.recent, 250.0, days_ago=20, due_in=0)
        self.invoice(self.recent, 50.0, days_ago=95, due_in=0)
        self.invoice(self.current, 900.0)
        self.clients = self.old | self.recent | self.current | self.quiet
        self.domain = [*CLIENTS, ("id", "in", self.clients.ids)]
        self.env.flush_all()

    def test_sort_filter_and_sums(self):
        def names(order):
            return self.Partner.search(self.domain, order=order).mapped("name")

        self.assertEqual(names("client_hub_aging_90_plus desc"), ["Old", "Recent", "Current", "Quiet"])
        self.assertEqual(names("client_hub_aging_1_30 desc"), ["Recent", "Old", "Current", "Quiet"])
        self.assertEqual(names("client_hub_aging_not_due desc, name"), ["Current", "Old", "Quiet", "Recent"])
        found = self.Partner.search([*self.domain, ("client_hub_aging_90_plus", ">", 0)])
        self.assertEqual(found, self.old | self.recent)
        sums = [f"{fname}:sum" for fname in AGING_FIELDS]
        footer = self.Partner.formatted_read_group(self.domain, [], [*sums, "balance_outstanding:sum"])[0]
        self.assertEqual(tuple(footer[s] for s in sums), (900.0, 350.0, 0.0, 0.0, 450.0))
        self.assertEqual(sum(footer[s] for s in sums), footer["balance_outstanding:sum"])
        groups = {
            group["user_id"][0]: tuple(group[s] for s in sums)
            for group in self.Partner.formatted_read_group(self.domain, ["user_id"], sums)
        }
        self.assertEqual(groups, {self.alice.id: (0.0, 350.0, 0.0, 0.0, 450.0),
                                  self.bob.id: (900.0, 0.0, 0.0, 0.0, 0.0)})
        for partner in self.clients:
            self.assertEqual(self.listed(partner)[partner.id], self.buckets(partner), partner.name)

    def test_field_description_and_access(self):
        description = self.Partner.fields_get(AGING_FIELDS, ["sortable", "searchable", "aggregator", "groupable"])
        for fname in AGING_FIELDS:
            self.assertEqual(description[fname],
                             {"sortable": True, "searchable": True, "aggregator": "sum", "groupable": False}, fname)
        Partner = self.Partner.with_user(self.alice)
        self.assertFalse(set(Partner.fields_get()) & set(AGING_FIELDS))
        with self.assertRaises(AccessError):
            Partner.search(self.domain, order="client_hub_aging_90_plus desc")

    def test_sorted_page_query_count(self):
        """A page of 80 clients sorted by the over-90 bucket with the five buckets and the
        outstanding: the same queries for 4 or 84 clients (the sorted page, one aggregate query for
        the page's buckets, one for its outstanding, the columns, the currency, the count)."""
        more = self.Partner.create([{"name": f"Aging {i:02}", "is_company": True, "customer_rank": 1}
                                    for i in range(80)])
        for partner in more[:20]:
            self.invoice(partner, 10.0 + len(partner.name), days_ago=100, due_in=0)
        self.env.flush_all()
        spec = {"display_name": {}, "client_hub_currency_id": {"fields": {"display_name": {}}},
                "balance_outstanding": {}, **{fname: {} for fname in AGING_FIELDS}}
        order = "client_hub_aging_90_plus desc"
        self.Partner.web_search_read(CLIENTS, spec, limit=80, order=order, count_limit=10001)
        for domain in (self.domain, CLIENTS):
            self.env.invalidate_all()
            with self.assertQueryCount(8):
                page = self.Partner.web_search_read(domain, spec, limit=80, order=order, count_limit=10001)
        amounts = [r["client_hub_aging_90_plus"] for r in page["records"]]
        self.assertEqual(amounts, sorted(amounts, reverse=True))
        for record in page["records"]:
            self.assertAlmostEqual(sum(record[f] for f in AGING_FIELDS), record["balance_outstanding"], places=2)


class TestAverageDaysLate(AgingCase):
    def test_average_over_twelve_months(self):
        client = self.client("Payer")
        late = self.invoice(client, 100.0, days_ago=40, due_in=10)  # due 30 days ago
        self.pay(late, date=TODAY - timedelta(days=10))  # paid 20 days late
        early = self.invoice(client, 100.0, days_ago=40, due_in=30)  # due 10 days ago
        self.pay(early, date=TODAY - timedelta(days=35))  # paid before its due date: 0
        ancient = self.invoice(client, 100.0, days_ago=500, due_in=0)
        self.pay(ancient, date=TODAY - timedelta(days=400))  # paid over a year ago: not counted
        self.invoice(client, 100.0, days_ago=90, due_in=0)  # still open: not counted
        self.pay(self.invoice(client, 100.0, days_ago=60, due_in=0), amount=40.0,
                 date=TODAY - timedelta(days=5))  # partly paid: not counted
        self.env.flush_all()
        client.invalidate_recordset()
        self.assertEqual((client.client_hub_avg_days_late, client.client_hub_paid_late_basis), (10.0, 2))
        nobody = self.client("Never invoiced")
        self.assertEqual((nobody.client_hub_avg_days_late, nobody.client_hub_paid_late_basis), (0.0, 0))
