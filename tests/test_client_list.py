# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client list sorted, filtered and grouped by the four figures (issue 16).

Every check reads a figure three ways and expects the same amount: the dashboard's computation
(the fields as the form reads them, from scratch), the list's SQL expression (what sorting,
filtering and sums use) and the filters' answer. The figures are those of test_client_metrics:
exact amounts, taxes excluded, on a frozen date."""
import json
from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from ..models.res_partner_metrics import CLIENT_HUB_METRICS, ZERO_FIGURES
from ..populate.seeder import Seeder
from .common import ClientHubCommon

TODAY = date(2026, 6, 15)
CLIENTS = [("parent_id", "=", False), ("customer_rank", ">", 0)]  # Client Hub > Clients


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15 10:00:00")
class ClientListCase(ClientHubCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC"))
        cls.env.user.tz = "UTC"
        cls.Partner = cls.env["res.partner"]
        cls.tax_free = cls.env["account.tax"]

    @classmethod
    def client(cls, name, **vals):
        return cls.Partner.create({"name": name, "is_company": True, "customer_rank": 1, **vals})

    def invoice(self, partner, amount, move_type="out_invoice", days_ago=0, due_in=30, post=True,
                currency=None, company=None):
        invoice_date = TODAY - timedelta(days=days_ago)
        Move = self.env["account.move"].with_company(company or self.env.company)
        move = Move.create({
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": invoice_date,
            "invoice_date_due": invoice_date + timedelta(days=due_in),
            "currency_id": (currency or Move.env.company.currency_id).id,
            "invoice_line_ids": [Command.create({
                "name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()],
            })],
        })
        if post:
            move.action_post()
        return move

    def pay(self, move, amount=None, currency=None, date=None):
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": date or move.invoice_date})
        if currency:
            wizard.currency_id = currency
        if amount is not None:
            wizard.write({"amount": amount, "payment_difference_handling": "open"})
        return wizard._create_payments()

    @staticmethod
    def receivable(moves):
        return moves.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    def dashboard(self, partner):
        partner.invalidate_recordset()
        return tuple(partner[fname] for fname in CLIENT_HUB_METRICS)

    @staticmethod
    def listed(partners):
        """{partner id: (invoiced, paid, outstanding, overdue)} as the client list's SQL sums them."""
        rows = partners.with_context(active_test=False)._read_group(
            [("id", "in", partners.ids)], ["id"], [f"{fname}:sum" for fname in CLIENT_HUB_METRICS]
        )
        return {partner.id: tuple(values) for partner, *values in rows}

    def mismatches(self, partners):
        """[(partner, field, listed, dashboard)] where the list's SQL and the dashboard's
        computation (_client_hub_figures_by_client, from scratch) differ."""
        listed = self.listed(partners)
        by_client = partners._client_hub_figures_by_client()
        currency = partners.env.company.currency_id
        found = []
        for partner in partners:
            figures = by_client.get(partner.commercial_partner_id.id, ZERO_FIGURES)
            dashboard = tuple(figures[key] for key in ("invoiced", "paid", "outstanding", "overdue"))
            found += [(partner, fname, mine, theirs)
                      for fname, mine, theirs in zip(CLIENT_HUB_METRICS, listed[partner.id], dashboard, strict=True)
                      if not currency.is_zero(mine - theirs)]
        return found

    def assertFigures(self, partner, invoiced, paid, outstanding, overdue):
        """The dashboard, the list's SQL and the filters all give these exact figures."""
        expected = (invoiced, paid, outstanding, overdue)
        self.env.flush_all()
        self.assertEqual(self.dashboard(partner), expected, "dashboard")
        self.assertEqual(self.listed(partner)[partner.id], expected, "client list")
        for fname, value in zip(CLIENT_HUB_METRICS, expected, strict=True):
            for operator, holds in ((">", value > 0), ("<", value < 0), ("=", value == 0)):
                found = bool(self.Partner.search([("id", "=", partner.id), (fname, operator, 0)]))
                self.assertEqual(found, holds, f"{fname} {operator} 0")
            found = bool(self.Partner.search([("id", "=", partner.id), (fname, "=", value)]))
            self.assertTrue(found, f"{fname} = {value}")
        self.assertFalse(self.mismatches(partner))


class TestClientListEvents(ClientListCase):
    """Exact figures after each accounting event, and after a due date passes overnight."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acme = cls.client("Acme Events SA")
        cls.contact = cls.Partner.create({"name": "Ada Contact", "parent_id": cls.acme.id})

    def test_posting(self):
        self.assertFigures(self.acme, 0.0, 0.0, 0.0, 0.0)
        draft = self.invoice(self.acme, 1000.0, post=False)
        self.assertFigures(self.acme, 0.0, 0.0, 0.0, 0.0)
        draft.action_post()
        self.assertFigures(self.acme, 1000.0, 0.0, 1000.0, 0.0)
        self.invoice(self.contact, 500.0, days_ago=40)  # a contact's invoice, overdue since 10 days
        self.assertFigures(self.acme, 1500.0, 0.0, 1500.0, 500.0)
        self.assertFigures(self.contact, 1500.0, 0.0, 1500.0, 500.0)

    def test_payment(self):
        invoice = self.invoice(self.acme, 1000.0, days_ago=45)
        self.pay(invoice, amount=400.0)
        self.assertFigures(self.acme, 1000.0, 400.0, 600.0, 600.0)
        self.pay(invoice)
        self.assertFigures(self.acme, 1000.0, 1000.0, 0.0, 0.0)

    def test_reconciliation_and_unreconciliation(self):
        invoice = self.invoice(self.acme, 800.0, days_ago=40)
        payment = self.pay(invoice, amount=300.0)
        self.assertFigures(self.acme, 800.0, 300.0, 500.0, 500.0)
        self.receivable(invoice).remove_move_reconcile()
        # the payment is left unmatched: the invoice is open again
        self.assertFigures(self.acme, 800.0, 0.0, 800.0, 800.0)
        invoice.js_assign_outstanding_line(self.receivable(payment.move_id).id)
        self.assertFigures(self.acme, 800.0, 300.0, 500.0, 500.0)

    def test_credit_note(self):
        invoice = self.invoice(self.acme, 1000.0, days_ago=60)
        credit_note = self.invoice(self.acme, 250.0, move_type="out_refund", days_ago=45)
        # open and past due: it nets the outstanding and the overdue figures
        self.assertFigures(self.acme, 750.0, 0.0, 750.0, 750.0)
        self.receivable(invoice | credit_note).reconcile()
        self.assertFigures(self.acme, 750.0, 0.0, 750.0, 750.0)
        self.assertEqual(invoice.amount_residual, 750.0)

    def test_reversal(self):
        invoice = self.invoice(self.acme, 1000.0, days_ago=60)
        self.invoice(self.acme, 300.0)
        invoice._reverse_moves(cancel=True)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertFigures(self.acme, 300.0, 0.0, 300.0, 0.0)

    def test_reset_to_draft_and_cancel(self):
        invoice = self.invoice(self.acme, 1000.0, days_ago=40)
        self.pay(invoice, amount=100.0)
        self.assertFigures(self.acme, 1000.0, 100.0, 900.0, 900.0)
        invoice.button_draft()  # unreconciled from its payment: the invoice counts no more
        self.assertFigures(self.acme, 0.0, 0.0, 0.0, 0.0)
        invoice.action_post()  # Odoo matches it with its payment again
        self.assertFigures(self.acme, 1000.0, 100.0, 900.0, 900.0)
        invoice.button_draft()
        invoice.button_cancel()
        self.assertEqual(invoice.state, "cancel")
        self.assertFigures(self.acme, 0.0, 0.0, 0.0, 0.0)

    def test_currency_revaluation(self):
        """Booked at the invoice's rate (2 per company unit): a new rate changes nothing; the
        payment at the new rate settles the invoice (Odoo books the exchange difference)."""
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        invoice = self.invoice(self.acme, 1000.0, currency=eur, days_ago=40)
        self.assertFigures(self.acme, 500.0, 0.0, 500.0, 500.0)
        self.env["res.currency.rate"].create({"currency_id": eur.id, "name": TODAY, "rate": 4.0})
        self.assertFigures(self.acme, 500.0, 0.0, 500.0, 500.0)
        self.pay(invoice, amount=400.0, currency=eur, date=TODAY)
        self.assertFigures(self.acme, 500.0, 200.0, 300.0, 300.0)
        self.pay(invoice, currency=eur, date=TODAY)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertFigures(self.acme, 500.0, 500.0, 0.0, 0.0)

    def test_contact_moved_to_another_company(self):
        """Documents stay with the client they were issued to (Odoo keeps their commercial
        entity); the contact then shows its new company's figures."""
        other = self.client("Other Company Ltd")
        self.invoice(other, 70.0)
        self.invoice(self.contact, 400.0, days_ago=40)
        self.assertFigures(self.contact, 400.0, 0.0, 400.0, 400.0)
        self.contact.parent_id = other
        self.assertFigures(self.contact, 70.0, 0.0, 70.0, 0.0)
        self.assertFigures(self.acme, 400.0, 0.0, 400.0, 400.0)
        self.invoice(self.contact, 30.0)  # issued from now on to its new company
        self.assertFigures(other, 100.0, 0.0, 100.0, 0.0)
        self.assertFigures(self.acme, 400.0, 0.0, 400.0, 400.0)

    def test_merge_of_contacts(self):
        duplicate = self.client("ACME Events S.A.")
        self.invoice(self.acme, 100.0)
        self.pay(self.invoice(duplicate, 900.0, days_ago=50), amount=200.0)
        self.assertFigures(duplicate, 900.0, 200.0, 700.0, 700.0)
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.acme | duplicate).ids, dst_partner=self.acme, extra_checks=False
        )
        self.assertFalse(duplicate.exists())
        self.assertFigures(self.acme, 1000.0, 200.0, 800.0, 700.0)

    def test_due_date_passing_overnight(self):
        """No event at all: the next morning, the invoice due yesterday is overdue; two days
        later, so is the credit note, which then nets it."""
        self.invoice(self.acme, 600.0, days_ago=30, due_in=30)  # due today
        self.invoice(self.acme, 200.0, due_in=10)
        self.invoice(self.acme, 150.0, move_type="out_refund", due_in=2)
        overdue = [("id", "=", self.acme.id), ("balance_overdue", ">", 0)]
        self.assertFigures(self.acme, 650.0, 0.0, 650.0, 0.0)
        self.assertFalse(self.Partner.search(overdue))
        with freeze_time("2026-06-16 10:00:00"):
            self.assertFigures(self.acme, 650.0, 0.0, 650.0, 600.0)
            self.assertEqual(self.Partner.search(overdue), self.acme)
        with freeze_time("2026-06-18 10:00:00"):
            self.assertFigures(self.acme, 650.0, 0.0, 650.0, 450.0)


class TestClientListSortFilterGroup(ClientListCase):
    """Sorting, filters and sums over real rows, as the list and its groups ask for them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref("sales_team.group_sale_salesman")
        cls.alice = new_test_user(cls.env, "alice.sales", groups="sales_team.group_sale_salesman", name="Alice")
        cls.bob = new_test_user(cls.env, "bob.sales", groups="sales_team.group_sale_salesman", name="Bob")
        cls.vip = cls.env["res.partner.category"].create({"name": "VIP"})
        be, fr = cls.env.ref("base.be"), cls.env.ref("base.fr")
        cls.north = cls.client("North", user_id=cls.alice.id, country_id=be.id, category_id=[Command.set(cls.vip.ids)])
        cls.east = cls.client("East", user_id=cls.alice.id, country_id=fr.id)
        cls.south = cls.client("South", user_id=cls.bob.id, country_id=be.id, category_id=[Command.set(cls.vip.ids)])
        cls.west = cls.client("West", user_id=cls.bob.id, country_id=fr.id)
        cls.quiet = cls.client("Quiet")  # no documents at all

    def setUp(self):
        super().setUp()
        # North: 1,000 open, 600 of it overdue; East: 300 open, not due; South: paid up;
        # West: in credit (an open credit note of 120)
        self.invoice(self.north, 600.0, days_ago=45)
        self.invoice(self.north, 400.0)
        self.invoice(self.east, 300.0)
        self.pay(self.invoice(self.south, 2000.0, days_ago=60))
        self.invoice(self.west, 120.0, move_type="out_refund")
        self.clients = self.north | self.east | self.south | self.west | self.quiet
        self.domain = [*CLIENTS, ("id", "in", self.clients.ids)]
        self.env.flush_all()

    def test_figures(self):
        self.assertFigures(self.north, 1000.0, 0.0, 1000.0, 600.0)
        self.assertFigures(self.east, 300.0, 0.0, 300.0, 0.0)
        self.assertFigures(self.south, 2000.0, 2000.0, 0.0, 0.0)
        self.assertFigures(self.west, -120.0, 0.0, -120.0, 0.0)
        self.assertFigures(self.quiet, 0.0, 0.0, 0.0, 0.0)

    def test_sort_both_directions(self):
        def names(order):
            return self.Partner.search(self.domain, order=order).mapped("name")

        # equal figures come in the usual order (by name)
        self.assertEqual(names("balance_outstanding desc"), ["North", "East", "Quiet", "South", "West"])
        self.assertEqual(names("balance_outstanding asc"), ["West", "Quiet", "South", "East", "North"])
        self.assertEqual(names("balance_overdue desc"), ["North", "East", "Quiet", "South", "West"])
        self.assertEqual(names("balance_overdue asc")[-1], "North")
        self.assertEqual(names("lifetime_invoiced desc"), ["South", "North", "East", "Quiet", "West"])
        self.assertEqual(names("lifetime_invoiced asc"), ["West", "Quiet", "East", "North", "South"])
        self.assertEqual(names("lifetime_paid desc")[0], "South")
        self.assertEqual(names("lifetime_paid asc"), ["East", "North", "Quiet", "West", "South"])
        # a second key still applies after the figure
        self.assertEqual(names("balance_overdue desc, name desc"), ["North", "West", "South", "Quiet", "East"])

    def test_sorted_pages_never_overlap(self):
        pages = [self.Partner.search(self.domain, order="balance_overdue desc", offset=i, limit=2) for i in (0, 2, 4)]
        self.assertEqual(sum(len(page) for page in pages), 5)
        self.assertEqual(set().union(*(page.ids for page in pages)), set(self.clients.ids))

    def test_filters(self):
        def found(*condition):
            return self.Partner.search([*self.domain, *condition])

        self.assertEqual(found(("balance_outstanding", ">", 0)), self.north | self.east)  # owes us money
        self.assertEqual(found(("balance_overdue", ">", 0)), self.north)  # overdue
        self.assertEqual(found(("balance_outstanding", "<", 0)), self.west)  # in credit
        self.assertEqual(found(("balance_outstanding", "=", 0)), self.south | self.quiet)
        self.assertEqual(found(("balance_outstanding", "!=", 0)), self.north | self.east | self.west)
        self.assertEqual(found(("lifetime_paid", ">=", 2000)), self.south)
        self.assertEqual(found(("lifetime_invoiced", "in", [300.0, 2000.0])), self.east | self.south)
        self.assertEqual(found(("lifetime_invoiced", "not in", [0.0])), self.clients - self.quiet)
        # the search view's filters are these domains
        search = self.Partner.get_views([(False, "search")])["views"]["search"]["arch"]
        for name in ("client_hub_owes", "client_hub_overdue", "client_hub_in_credit", "client_hub_group_tag"):
            self.assertIn(f'name="{name}"', search)

    def test_group_by_salesperson_country_tag_with_sums(self):
        sums = [f"{fname}:sum" for fname in CLIENT_HUB_METRICS]
        rows = {
            partner.id: self.dashboard(partner) for partner in self.clients
        }

        def row_sums(partners):
            return tuple(round(sum(rows[p.id][i] for p in partners), 2) for i in range(4))

        total = self.Partner.formatted_read_group(self.domain, [], sums)[0]
        self.assertEqual(tuple(total[s] for s in sums), row_sums(self.clients))  # the list's footer
        for groupby, groups in (
            ("user_id", {self.alice: self.north | self.east, self.bob: self.south | self.west}),
            ("country_id", {self.env.ref("base.be"): self.north | self.south,
                            self.env.ref("base.fr"): self.east | self.west}),
            ("category_id", {self.vip: self.north | self.south}),
        ):
            result = self.Partner.formatted_read_group(
                self.domain, [groupby], [*sums, "__count", "client_hub_currency_id:array_agg_distinct"]
            )
            by_key = {group[groupby][0]: group for group in result if group[groupby]}
            for key, partners in groups.items():
                group = by_key[key.id]
                self.assertEqual(group["__count"], len(partners))
                self.assertEqual(tuple(group[s] for s in sums), row_sums(partners), f"{groupby} {key.name}")
                self.assertEqual(group["client_hub_currency_id:array_agg_distinct"], [self.env.company.currency_id.id])
            # the groups add up to the footer (each client in one group, tags aside)
            if groupby != "category_id":
                self.assertEqual(
                    tuple(round(sum(g[s] for g in result), 2) for s in sums), row_sums(self.clients)
                )
        # grouped and sorted by a figure, as the list asks when a column header is clicked
        grouped = self.Partner.web_read_group(
            self.domain, ["user_id"], ["balance_outstanding:sum"], order="balance_outstanding desc"
        )
        self.assertEqual([g["user_id"] and g["user_id"][0] for g in grouped["groups"]],
                         [self.alice.id, False, self.bob.id])

    def test_footer_is_the_sum_of_the_rows(self):
        spec = {"display_name": {}, **{fname: {} for fname in CLIENT_HUB_METRICS}}
        page = self.Partner.web_search_read(self.domain, spec, limit=80, order="balance_outstanding desc")
        self.assertEqual(page["length"], 5)
        footer = self.Partner.formatted_read_group(self.domain, [], ["balance_outstanding:sum"])[0]
        self.assertEqual(footer["balance_outstanding:sum"], sum(r["balance_outstanding"] for r in page["records"]))
        self.assertEqual(footer["balance_outstanding:sum"], 1180.0)

    def test_balance_state_and_kanban_progress_bar(self):
        states = {p.name: p.client_hub_balance_state for p in self.clients}
        self.assertEqual(states, {"North": "overdue", "East": "owing", "South": "settled", "West": "credit",
                                  "Quiet": "settled"})
        for state in ("overdue", "owing", "credit", "settled"):
            expected = self.clients.filtered(lambda p, s=state: p.client_hub_balance_state == s)
            self.assertEqual(self.Partner.search([*self.domain, ("client_hub_balance_state", "=", state)]), expected)
        self.assertEqual(
            self.Partner.search([*self.domain, ("client_hub_balance_state", "not in", ["settled", "credit"])]),
            self.north | self.east,
        )
        # the kanban grouped by salesperson: each column's bar and its sum of what is owed
        bars = self.Partner.read_progress_bar(self.domain, "user_id", {
            "field": "client_hub_balance_state",
            "colors": {"overdue": "danger", "owing": "warning", "credit": "info", "settled": "success"},
        })
        self.assertEqual(bars[str(self.alice.id)], {"overdue": 1, "owing": 1, "credit": 0, "settled": 0})
        self.assertEqual(bars[str(self.bob.id)], {"overdue": 0, "owing": 0, "credit": 1, "settled": 1})
        kanban = self.env.ref("client_hub.view_client_hub_client_kanban")
        arch = self.Partner.get_views([(kanban.id, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn('sum_field="balance_outstanding"', arch)

    def test_sorting_favorites(self):
        """Shared favorites sort the list and the kanban (which has no header to click) by the
        figures; users without accounting rights do not get them."""
        action = self.env.ref("client_hub.action_client_hub_clients")
        favorites = self.env["ir.filters"].get_filters("res.partner", action.id)
        sorts = {favorite["sort"] for favorite in favorites}
        for fname in CLIENT_HUB_METRICS:
            self.assertIn(f'["{fname} desc"]', sorts)
        self.assertIn('["balance_outstanding asc"]', sorts)
        for favorite in favorites:
            order = ", ".join(json.loads(favorite["sort"]))
            self.assertTrue(self.Partner.search(self.domain, order=order))
        self.assertFalse(self.env["ir.filters"].with_user(self.alice).get_filters("res.partner", action.id))

    def test_field_description(self):
        description = self.Partner.fields_get(CLIENT_HUB_METRICS, ["sortable", "searchable", "aggregator", "groupable"])
        for fname in CLIENT_HUB_METRICS:
            self.assertEqual(
                description[fname],
                {"sortable": True, "searchable": True, "aggregator": "sum", "groupable": False},
                fname,
            )

    def test_accounting_figures_stay_with_accounting_users(self):
        """Salespeople without accounting rights can neither read nor sort by the figures."""
        Partner = self.Partner.with_user(self.alice)
        self.assertFalse(set(Partner.fields_get()) & set(CLIENT_HUB_METRICS))
        with self.assertRaises(AccessError):
            Partner.search(self.domain, order="balance_outstanding desc")
        with self.assertRaises(AccessError):
            Partner.search([("balance_overdue", ">", 0)])
        search = Partner.get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertNotIn("client_hub_owes", search)
        self.assertEqual(len(Partner.search(self.domain)), 5)

    def test_sorted_list_query_count(self):
        """A page of 80 clients sorted by what they owe, with the count, as the list loads it:
        7 queries for 5 or 85 clients: the user's company (emptied by invalidate_all), the sorted
        page with its rows' figures (the sort joins the two per-client aggregates), the currency,
        the page's columns (two queries), the countries, the count."""
        more = self.Partner.create([
            {"name": f"Client {i:02}", "is_company": True, "customer_rank": 1} for i in range(80)
        ])
        for partner in more[:20]:
            self.invoice(partner, 10.0 + len(partner.name))
        self.env.flush_all()
        spec = {
            "display_name": {}, "email": {}, "phone": {}, "country_id": {"fields": {"display_name": {}}},
            "client_hub_currency_id": {"fields": {"display_name": {}}},
            "balance_outstanding": {}, "balance_overdue": {},
        }
        # warm the registry caches (user, company, rules, field descriptions)
        self.Partner.web_search_read(CLIENTS, spec, limit=80, order="balance_outstanding desc", count_limit=10001)
        for domain in (self.domain, CLIENTS):
            self.env.invalidate_all()
            with self.assertQueryCount(7):
                page = self.Partner.web_search_read(
                    domain, spec, limit=80, order="balance_outstanding desc", count_limit=10001
                )
        self.assertEqual(len(page["records"]), 80)
        self.assertEqual(page["length"], self.Partner.search_count(CLIENTS))
        amounts = [r["balance_outstanding"] for r in page["records"]]
        self.assertEqual(amounts, sorted(amounts, reverse=True))
        self.assertEqual(page["records"][0]["id"], self.north.id)
        # the figures read with the sorted page are the dashboard's
        for record in page["records"][:10]:
            figures = self.dashboard(self.Partner.browse(record["id"]))
            self.assertEqual((record["balance_outstanding"], record["balance_overdue"]), figures[2:])


class TestClientListMultiCompany(ClientListCase):
    """Each company sees its own figures in its list, in its own currency."""

    def test_each_company_its_own_figures(self):
        other = self.setup_other_company()["company"]
        self.env.user.company_ids |= other
        big_here, big_there = self.client("Big Here"), self.client("Big There")
        self.invoice(big_here, 900.0, days_ago=40)
        self.invoice(big_there, 50.0)
        self.invoice(big_there, 5000.0, days_ago=40, company=other)
        self.invoice(big_here, 10.0, company=other)
        domain = [("id", "in", (big_here | big_there).ids)]
        here = self.Partner.with_company(self.env.company)
        there = self.Partner.with_company(other)
        self.env.flush_all()
        self.assertEqual(here.search(domain, order="balance_outstanding desc"), big_here | big_there)
        self.assertEqual(there.search(domain, order="balance_outstanding desc").ids, [big_there.id, big_here.id])
        self.assertEqual(here.search([*domain, ("balance_overdue", ">", 0)]), big_here)
        self.assertEqual(there.search([*domain, ("balance_overdue", ">", 0)]), big_there)
        self.assertEqual(here.formatted_read_group(domain, [], ["balance_outstanding:sum"])[0]["balance_outstanding:sum"], 950.0)
        total = there.formatted_read_group(domain, [], ["balance_outstanding:sum", "client_hub_currency_id:array_agg_distinct"])[0]
        self.assertEqual(total["balance_outstanding:sum"], 5010.0)
        self.assertEqual(total["client_hub_currency_id:array_agg_distinct"], [other.currency_id.id])
        self.assertEqual(big_there.with_company(other).client_hub_currency_id, other.currency_id)
        self.assertEqual(there.browse(big_there.id).balance_outstanding, 5000.0)
        self.assertEqual(self.mismatches(here.browse(big_there.id)), [])
        self.assertEqual(self.mismatches(there.browse((big_here | big_there).ids)), [])


class TestClientListSeeded(ClientListCase):
    """On seeded data (every kind of document, payments, foreign currency), the list's figures
    of every client are the dashboard's, computed from scratch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Seeder(cls.env, seed=7, today=TODAY).seed(n_clients=12, invoices_per_client=10, batch_size=5,
                                                 name_prefix="List Seed")
        cls.seeded = cls.Partner.search([("name", "=like", "List Seed %")])

    def test_every_seeded_client_agrees(self):
        self.env.flush_all()
        self.assertEqual(self.mismatches(self.seeded), [])
        clients = self.seeded.filtered(lambda p: not p.parent_id)
        self.assertEqual(len(clients), 12)
        metrics = clients._client_hub_figures_by_client()
        domain = [("id", "in", clients.ids)]
        for fname, key in (("balance_outstanding", "outstanding"), ("lifetime_invoiced", "invoiced")):
            ordered = self.Partner.search(domain, order=f"{fname} desc")
            values = [metrics.get(p.id, ZERO_FIGURES)[key] for p in ordered]
            self.assertEqual(values, sorted(values, reverse=True), fname)
        owing = {p.id for p in clients if metrics.get(p.id, ZERO_FIGURES)["outstanding"] > 0}
        overdue = {p.id for p in clients if metrics.get(p.id, ZERO_FIGURES)["overdue"] > 0}
        self.assertTrue(overdue and owing > overdue, "the seed has clients owing and overdue")
        self.assertEqual(set(self.Partner.search([*domain, ("balance_outstanding", ">", 0)]).ids), owing)
        self.assertEqual(set(self.Partner.search([*domain, ("balance_overdue", ">", 0)]).ids), overdue)
        # a page sorted or filtered by a figure reads its rows' figures with the sort: the same
        spec = {fname: {} for fname in (*CLIENT_HUB_METRICS, "client_hub_balance_state")}
        for page_domain, order in ((domain, "balance_overdue desc"), ([*domain, ("balance_outstanding", "!=", 0)], None)):
            self.env.invalidate_all()
            for record in self.Partner.web_search_read(page_domain, spec, order=order)["records"]:
                figures = metrics.get(record["id"], ZERO_FIGURES)
                self.assertEqual(
                    tuple(record[fname] for fname in spec),
                    (figures["invoiced"], figures["paid"], figures["outstanding"], figures["overdue"],
                     self.Partner._client_hub_balance_state(figures["outstanding"], figures["overdue"])),
                )
        total = self.Partner.formatted_read_group(domain, [], ["balance_overdue:sum"])[0]["balance_overdue:sum"]
        self.assertAlmostEqual(total, sum(m["overdue"] for m in metrics.values()), places=2)
        # and still after a month without any event
        with freeze_time(fields.Date.to_string(TODAY + timedelta(days=31))):
            self.assertEqual(self.mismatches(self.seeded), [])
