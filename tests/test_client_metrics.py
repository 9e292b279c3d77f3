# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..models.account_move import PORTAL_STATUSES


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15 10:00:00")  # "today" and "overdue" never move while the suite runs
class TestClientMetrics(AccountTestInvoicingCommon):
    """Lifetime figures with exact expected amounts (company currency, taxes excluded here so
    the figures read plainly; the tax-included case is covered by test_taxes_included)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.client = cls.env["res.partner"].create({"name": "Metric Client SA", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Mia Contact", "parent_id": cls.client.id})
        cls.env.user.group_ids |= cls.env.ref("sales_team.group_sale_salesman")

    def invoice(self, amount, partner=None, move_type="out_invoice", days_ago=0, due_in=30,
                post=True, currency=None, taxes=None):
        invoice_date = self.today - timedelta(days=days_ago)
        move = self.env["account.move"].create({
            "move_type": move_type,
            "partner_id": (partner or self.client).id,
            "invoice_date": invoice_date,
            "invoice_date_due": invoice_date + timedelta(days=due_in),
            "currency_id": (currency or self.env.company.currency_id).id,
            "invoice_line_ids": [Command.create({
                "name": "Service", "quantity": 1, "price_unit": amount,
                "tax_ids": [Command.set((taxes or self.env["account.tax"]).ids)],
            })],
        })
        if post:
            move.action_post()
        return move

    def pay(self, move, amount=None, currency=None):
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": move.invoice_date})
        if currency:
            wizard.currency_id = currency
        if amount is not None:
            wizard.write({"amount": amount, "payment_difference_handling": "open"})
        wizard.action_create_payments()

    def assertMetrics(self, partner, invoiced, paid, outstanding, overdue):
        partner.invalidate_recordset()
        self.assertEqual(
            (partner.lifetime_invoiced, partner.lifetime_paid, partner.balance_outstanding, partner.balance_overdue),
            (invoiced, paid, outstanding, overdue),
        )
        self.assertAlmostEqual(partner.lifetime_invoiced - partner.lifetime_paid, partner.balance_outstanding)

    def test_no_documents(self):
        self.assertMetrics(self.client, 0.0, 0.0, 0.0, 0.0)

    def test_partial_payment(self):
        self.pay(self.invoice(1000.0), amount=400.0)
        self.assertMetrics(self.client, 1000.0, 400.0, 600.0, 0.0)

    def test_full_payment(self):
        self.pay(self.invoice(1000.0))
        self.invoice(250.0)
        self.assertMetrics(self.client, 1250.0, 1000.0, 250.0, 0.0)

    def test_open_credit_note_nets_outstanding(self):
        self.invoice(1000.0)
        self.invoice(150.0, move_type="out_refund")
        self.assertMetrics(self.client, 850.0, 0.0, 850.0, 0.0)

    def test_reversal(self):
        """A fully reversed invoice: nothing invoiced, nothing owed, nothing collected."""
        invoice = self.invoice(1000.0)
        self.invoice(300.0)
        invoice._reverse_moves(cancel=True)  # the credit note is posted and reconciled
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertMetrics(self.client, 300.0, 0.0, 300.0, 0.0)
        # a reversal still in draft changes nothing
        self.invoice(200.0)._reverse_moves()
        self.assertMetrics(self.client, 500.0, 0.0, 500.0, 0.0)

    def test_overdue(self):
        self.pay(self.invoice(800.0, days_ago=60), amount=300.0)  # due 30 days ago, 500 left
        self.invoice(200.0, days_ago=5)  # not due yet
        self.assertMetrics(self.client, 1000.0, 300.0, 700.0, 500.0)

    def test_past_due_credit_note_nets_overdue(self):
        """An open credit note past its due date lowers the overdue figure, as in a follow-up."""
        self.invoice(1000.0, days_ago=60)  # due 30 days ago
        self.invoice(500.0, days_ago=5)  # not due yet
        self.invoice(276.0, move_type="out_refund", days_ago=45)  # credit note due 15 days ago
        self.assertMetrics(self.client, 1224.0, 0.0, 1224.0, 724.0)

    def test_credit_note_not_yet_due_leaves_overdue(self):
        self.invoice(1000.0, days_ago=60)
        self.invoice(500.0, days_ago=5)
        self.invoice(276.0, move_type="out_refund", days_ago=5)  # due in 25 days
        self.assertMetrics(self.client, 1224.0, 0.0, 1224.0, 1000.0)

    def test_overdue_counts_installments_by_their_own_due_date(self):
        """Half due 40 days after the invoice date (past), half after 60 days (not yet): only the
        first half is overdue, although the invoice's last due date is still ahead."""
        terms = self.env["account.payment.term"].create({
            "name": "Half at 40 days, half at 60",
            "line_ids": [
                Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 40}),
                Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 60}),
            ],
        })
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.client.id,
            "invoice_date": self.today - timedelta(days=50), "invoice_payment_term_id": terms.id,
            "invoice_line_ids": [Command.create({"name": "Service", "price_unit": 1000.0, "tax_ids": []})],
        })
        move.action_post()
        self.assertGreater(move.invoice_date_due, self.today)
        self.assertMetrics(self.client, 1000.0, 0.0, 1000.0, 500.0)
        self.assertEqual(move.client_hub_status, "overdue")
        action = self.client.action_client_hub_overdue()
        self.assertEqual(self.env["account.move"].search(action["domain"]), move)

    def test_overdue_never_exceeds_outstanding(self):
        self.invoice(500.0, days_ago=90)
        self.invoice(450.0, move_type="out_refund")
        self.assertMetrics(self.client, 50.0, 0.0, 50.0, 50.0)

    def test_draft_and_cancelled_never_count(self):
        self.invoice(1000.0, post=False)
        self.invoice(700.0, post=False).button_cancel()
        self.invoice(100.0)
        self.assertMetrics(self.client, 100.0, 0.0, 100.0, 0.0)

    def test_contacts_roll_up(self):
        """A contact's invoice counts for its company; the contact shows the company's figures."""
        self.invoice(100.0)
        self.pay(self.invoice(400.0, partner=self.contact))
        self.assertMetrics(self.client, 500.0, 400.0, 100.0, 0.0)
        self.assertMetrics(self.contact, 500.0, 400.0, 100.0, 0.0)

    def test_foreign_currency_at_invoice_rate(self):
        """1,000 in a currency at 2 per company unit = 500 invoiced, whatever happens later."""
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        self.pay(self.invoice(1000.0, currency=eur), amount=400.0, currency=eur)
        self.assertMetrics(self.client, 500.0, 200.0, 300.0, 0.0)

    def test_taxes_included(self):
        tax = self.company_data["default_tax_sale"]
        tax.amount = 20.0
        self.invoice(100.0, taxes=tax)
        self.assertMetrics(self.client, 120.0, 0.0, 120.0, 0.0)

    def test_per_company(self):
        other = self.setup_other_company()["company"]
        self.invoice(100.0)
        self.env["account.move"].with_company(other).create({
            "move_type": "out_invoice", "partner_id": self.client.id, "invoice_date": self.today,
            "invoice_line_ids": [Command.create({"name": "x", "price_unit": 900.0, "tax_ids": []})],
        }).action_post()
        self.assertMetrics(self.client, 100.0, 0.0, 100.0, 0.0)
        in_other = self.client.with_company(other)
        self.assertEqual(in_other.lifetime_invoiced, 900.0)

    def test_query_count_does_not_grow_with_partners(self):
        partners = self.env["res.partner"].create([{"name": f"P{i}", "is_company": True} for i in range(80)])
        for partner in partners[:10]:
            self.invoice(10.0, partner=partner)
        self.env.flush_all()
        self.client.mapped("balance_overdue")  # warm the registry caches (user, company, rules)
        for batch in (partners[:1], partners):
            self.env.invalidate_all()
            # the same 5 for 1 and for 80 partners: the user's company and timezone (emptied by
            # invalidate_all), the commercial partners, then the two aggregates (totals, overdue)
            with self.assertQueryCount(5):
                batch.mapped("balance_overdue")
                batch.mapped("lifetime_paid")
        self.assertEqual(sum(partners.mapped("lifetime_invoiced")), 100.0)

    def test_status_of_documents(self):
        draft = self.invoice(10.0, post=False)
        cancelled = self.invoice(10.0, post=False)
        cancelled.button_cancel()
        posted = self.invoice(10.0)
        sent = self.invoice(10.0)
        sent.is_move_sent = True
        partial = self.invoice(100.0)
        self.pay(partial, amount=10.0)
        paid = self.invoice(10.0)
        self.pay(paid)
        overdue = self.invoice(10.0, days_ago=40)
        self.assertEqual(
            [m.client_hub_status for m in (draft, cancelled, posted, sent, partial, paid, overdue)],
            ["draft", "cancel", "posted", "sent", "partial", "paid", "overdue"],
        )
        self.assertEqual(
            self.client.client_hub_move_ids.sorted("id"),
            (draft | cancelled | posted | sent | partial | paid | overdue).sorted("id"),
        )

    def test_status_is_one_definition_in_python_and_sql(self):
        """For a document in each status, the status the records compute is the one SQL gives
        (the statement sorts by it), for the backend's status and the client's statement's."""
        draft = self.invoice(10.0, post=False)
        cancelled = self.invoice(10.0, post=False)
        cancelled.button_cancel()
        posted = self.invoice(10.0)
        sent = self.invoice(10.0)
        sent.is_move_sent = True
        partial = self.invoice(100.0)
        self.pay(partial, amount=10.0)
        paid = self.invoice(10.0)
        self.pay(paid)
        in_payment = self.invoice(10.0)
        self.pay(in_payment)
        in_payment.payment_state = "in_payment"  # paid, the payment not yet matched with the bank
        overdue = self.invoice(10.0, days_ago=40)
        overdue_partial = self.invoice(100.0, days_ago=40)
        self.pay(overdue_partial, amount=10.0)
        paid_late = self.invoice(10.0, days_ago=40)
        self.pay(paid_late)
        credit_note = self.invoice(10.0, move_type="out_refund", days_ago=40)
        refunded = self.invoice(10.0, move_type="out_refund")
        self.pay(refunded)
        documents = [draft, cancelled, posted, sent, partial, paid, in_payment, overdue, overdue_partial,
                     paid_late, credit_note, refunded]
        expected = [
            ("draft", "draft"), ("cancel", "cancelled"), ("posted", "open"), ("sent", "open"),
            ("partial", "partial"), ("paid", "paid"), ("paid", "paid"), ("overdue", "overdue"),
            ("overdue", "overdue"), ("paid", "paid"), ("posted", "credit_note"), ("paid", "credit_note"),
        ]
        moves = self.env["account.move"].concat(*documents)
        moves.invalidate_recordset()
        self.assertEqual([(m.client_hub_status, m.client_hub_portal_status) for m in documents], expected)
        self.env.flush_all()
        Move = self.env["account.move"]
        query = Move._search([("id", "in", moves.ids)])
        rows = self.env.execute_query(query.select(
            SQL.identifier(query.table, "id"),
            Move._field_to_sql(query.table, "client_hub_status", query),
            Move._field_to_sql(query.table, "client_hub_portal_status", query),
            Move._client_hub_status_sql(query.table, query, self.today, portal=True, rank=True),
        ))
        in_sql = {move_id: (status, portal_status) for move_id, status, portal_status, _rank in rows}
        self.assertEqual([in_sql[m.id] for m in documents], expected)
        order = [status for status, _label, _badge in PORTAL_STATUSES]
        self.assertEqual({rank for *_values, rank in rows}, {order.index(p) + 1 for _s, p in expected})
        for _move_id, _status, portal_status, rank in rows:
            self.assertEqual(order[rank - 1], portal_status)

    def test_paper_trail_is_searched_once_per_batch(self):
        """The Documents tab lists are one search for any number of clients."""
        partners = self.env["res.partner"].create([{"name": f"D{i}", "is_company": True} for i in range(20)])
        for partner in partners:
            self.invoice(10.0, partner=partner)
        self.env.flush_all()

        def queries(batch):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            batch.mapped("client_hub_move_ids")
            batch.mapped("client_hub_order_ids")
            return self.env.cr.sql_log_count - before

        queries(partners[:1])  # warm the registry caches (user, company, rules)
        self.assertEqual(queries(partners[:1]), queries(partners))
        self.assertEqual(len(partners.client_hub_move_ids), 20)
        self.assertEqual(partners[3].client_hub_move_ids.partner_id, partners[3])

    def test_card_actions_open_matching_documents(self):
        open_invoice = self.invoice(100.0)
        paid = self.invoice(50.0)
        self.pay(paid)
        late = self.invoice(70.0, days_ago=45)
        self.invoice(10.0, post=False)
        Move = self.env["account.move"]
        self.assertEqual(Move.search(self.client.action_client_hub_invoiced()["domain"]),
                         open_invoice | paid | late)
        self.assertEqual(Move.search(self.client.action_client_hub_paid()["domain"]), paid)
        self.assertEqual(Move.search(self.client.action_client_hub_outstanding()["domain"]),
                         open_invoice | late)
        action = self.contact.action_client_hub_overdue()
        self.assertEqual(Move.search(action["domain"]), late)
        self.assertEqual(action["display_name"], "Overdue documents of Metric Client SA")

    def test_chart_last_12_months(self):
        self.pay(self.invoice(1234.0), amount=234.0)
        self.invoice(999.0, days_ago=500)  # older than 12 months: not drawn
        keys, invoiced, paid = self.client._client_hub_monthly()
        self.assertEqual(len(keys), 12)
        this_month = self.today.replace(day=1)
        self.assertEqual(keys[-1], this_month)
        self.assertEqual(invoiced[this_month], 1234.0)
        self.assertEqual(paid[this_month], 234.0)
        self.assertEqual(sum(invoiced.values()), 1234.0)
        self.assertIn("<svg", self.client.client_hub_chart)

    def test_tickets_listed_for_the_whole_company(self):
        self.env.user.group_ids |= self.env.ref("helpdesk_mgmt.group_helpdesk_user")
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Question on line 3", "description": "<p>?</p>", "partner_id": self.contact.id}
        )
        self.env["helpdesk.ticket"].create({"name": "Someone else", "description": "<p>?</p>"})
        self.assertEqual(self.client.client_hub_ticket_ids, ticket)
        self.assertEqual(self.contact.client_hub_ticket_ids, ticket)
