# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payment reminders: the ladder, who is never reminded, one email per client and company."""
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import ClientHubCommon
from .reminder_common import DUE, ReminderFixtures


def days(n):
    return DUE + timedelta(days=n)


@tagged("post_install", "-at_install")
class TestReminderLadder(ReminderFixtures, ClientHubCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.ladder = cls.env["client_hub.reminder.level"].search([("company_id", "=", cls.company.id)])
        cls.client = cls.make_client("Late Payer")

    def level(self, n):
        return self.ladder.filtered(lambda level: level.days == n)

    def test_default_ladder_of_a_new_company(self):
        self.assertEqual(self.ladder.mapped("days"), [-3, 1, 7, 14, 30])
        other = self.env["res.company"].create({"name": "Brand New Co"})
        levels = self.env["client_hub.reminder.level"].search([("company_id", "=", other.id)])
        self.assertEqual(levels.mapped("days"), [-3, 1, 7, 14, 30])
        self.assertEqual(levels.filtered("attach_statement").mapped("days"), [30])

    def test_the_ladder_day_by_day(self):
        move = self.invoice(self.client)
        sent = []
        for n in (-4, -3, -3, -1, 1, 2, 7, 14, 30, 31, 40):
            mails = self.remind_on(days(n))
            mails = mails.filtered(lambda mail: mail.res_id == self.client.id)
            sent.append((n, move.client_hub_reminder_level_id.days if mails else None))
            if mails:
                self.assertEqual(move.client_hub_reminder_date, days(n))
        self.assertEqual(sent, [(-4, None), (-3, -3), (-3, None), (-1, None), (1, 1), (2, None), (7, 7),
                                (14, 14), (30, 30), (31, None), (40, None)])
        self.assertEqual(len(self.reminders(self.client)), 5)
        self.assertEqual(set(self.reminders(self.client).mapped("state")), {"outgoing"}, "queued, not sent")

    def test_cron_run_by_the_scheduler(self):
        move = self.invoice(self.client)
        cron = self.env.ref("client_hub.ir_cron_payment_reminders")
        self.registry_enter_test_mode()  # the job's cursor sees this test's data
        with freeze_time(days(8)):
            cron.method_direct_trigger()
            cron.method_direct_trigger()
        self.assertEqual(len(self.reminders(self.client)), 1, "the same run twice sends once")
        self.assertEqual(move.client_hub_reminder_level_id, self.level(7))

    def test_catch_up_is_one_email_at_the_highest_level(self):
        move = self.invoice(self.client)
        self.remind_on(days(40))
        self.assertEqual(len(self.reminders(self.client)), 1)
        self.assertEqual(move.client_hub_reminder_level_id, self.level(30))
        self.remind_on(days(41))
        self.assertEqual(len(self.reminders(self.client)), 1)

    def test_minimum_interval_between_two_emails(self):
        self.invoice(self.client)
        self.remind_on(days(1))
        self.invoice(self.client, due=days(2))
        self.remind_on(days(3))  # the second invoice reached level 1, but the client had an email 2 days ago
        self.assertEqual(len(self.reminders(self.client)), 1)
        self.remind_on(days(4))
        self.assertEqual(len(self.reminders(self.client)), 2)

    def test_one_email_for_three_overdue_invoices(self):
        moves = self.invoice(self.client) | self.invoice(self.client, due=days(-8), amount=250.0) \
            | self.invoice(self.client, due=days(-20), amount=40.0)
        self.remind_on(days(1))
        mail = self.reminders(self.client)
        self.assertEqual(len(mail), 1)
        for move in moves:
            self.assertIn(move.name, mail.body_html)
        self.assertEqual(moves.mapped("client_hub_reminder_level_id.days"), [1, 7, 14], "each its own level")
        self.assertIn(self.level(14).name, mail.subject, "the email at the highest level due")
        self.assertIn("390.00", mail.body_html, "total overdue")
        self.assertEqual(len(self.env["client_hub.reminder.log"].search([("partner_id", "=", self.client.id)])), 3)
        self.assertIn(self.level(14).name, self.client.message_ids[0].body, "logged on the client")
        for move in moves:
            self.assertIn("Payment reminder", move.message_ids[0].body, "logged on each invoice")

    def test_partial_payment_is_reminded_for_its_residual(self):
        move = self.invoice(self.client, amount=1000.0)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            {"amount": 400.0, "payment_date": days(-5)}
        )._create_payments()
        self.assertEqual(move.payment_state, "partial")
        self.remind_on(days(1))
        body = self.reminders(self.client).body_html
        self.assertIn("600.00", body)
        self.assertNotIn("1,000.00", body)

    def test_installments_by_their_due_dates(self):
        term = self.env["account.payment.term"].create({
            "name": "Two halves",
            "line_ids": [Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                         Command.create({"value": "percent", "value_amount": 50, "nb_days": 30})],
        })
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.client.id, "invoice_date": DUE,
            "invoice_payment_term_id": term.id,
            "invoice_line_ids": [Command.create({"name": "Work", "price_unit": 200.0, "tax_ids": []})],
        })
        move.action_post()
        self.assertEqual(move.invoice_date_due, days(30))
        self.remind_on(days(7))
        self.assertEqual(move.client_hub_reminder_level_id, self.level(7), "the first installment is 7 days late")

    def test_never_reminded(self):
        paid = self.invoice(self.make_client("Paid Client"))
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=paid.ids).create(
            {"payment_date": days(-1)})._create_payments()
        self.assertIn(paid.payment_state, ("paid", "in_payment"))
        excluded = self.invoice(self.make_client("Excluded Client"))
        excluded.action_client_hub_exclude_reminders()
        disputed = self.invoice(self.make_client("Disputed Client"))
        self.env["helpdesk.ticket"].sudo().create({
            "name": "Wrong hours", "description": "<p>?</p>", "partner_id": disputed.partner_id.id,
            "client_hub_invoice_id": disputed.id,
        })
        paused_client = self.make_client("Paused Client")
        self.invoice(paused_client)
        paused_client.client_hub_reminders_paused_until = days(7)
        pending = self.invoice(self.make_client("Paying Client"))
        stripe = self.env.ref("payment.payment_provider_stripe")
        self.env["payment.transaction"].sudo().create({
            "provider_id": stripe.id, "payment_method_id": self.env.ref("payment.payment_method_card").id,
            "amount": pending.amount_residual, "currency_id": pending.currency_id.id,
            "partner_id": pending.partner_id.id, "reference": "client-hub-pending", "state": "pending",
            "invoice_ids": [Command.set(pending.ids)],
        })
        self.remind_on(days(7))
        for move in paid | excluded | disputed | pending:
            self.assertFalse(self.reminders(move.partner_id), move.partner_id.name)
        self.assertFalse(self.reminders(paused_client))
        self.remind_on(days(8))  # the pause is over
        self.assertEqual(len(self.reminders(paused_client)), 1)

    def test_a_payment_seen_under_the_lock(self):
        """Exactly once: a run whose scan is stale (another run, or a payment, went through in
        between) checks again under the lock of the client's invoices and sends nothing."""
        move = self.invoice(self.client)
        Move = self.env["account.move"]
        with freeze_time(days(1)):
            today = days(1)
            stale = Move._client_hub_reminders_due(today)
            self.assertIn((self.client, self.company), stale)
            self.env["res.partner"]._client_hub_send_reminders()  # the other run
            self.assertEqual(len(self.reminders(self.client)), 1)
            self.assertFalse(self.client._client_hub_remind(self.company, today))
            self.assertEqual(len(self.reminders(self.client)), 1)
        other = self.make_client("Pays Meanwhile")
        paying = self.invoice(other)
        with freeze_time(days(1)):
            stale = Move._client_hub_reminders_due(today)
            self.assertIn((other, self.company), stale)
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=paying.ids).create({})._create_payments()
            self.assertFalse(other._client_hub_remind(self.company, today))
        self.assertFalse(self.reminders(other))
        self.assertEqual(move.client_hub_reminder_level_id, self.level(1))

    def test_next_reminder_and_preview(self):
        self.invoice(self.client)
        with freeze_time(days(-10)):
            self.client.invalidate_recordset()
            self.assertEqual(self.client.client_hub_next_reminder_date, days(-3))
            self.assertEqual(self.client.client_hub_next_reminder_level_id, self.level(-3))
            preview = self.env["client_hub.reminder.preview"].create({"partner_id": self.client.id})
            self.assertEqual(preview.level_id, self.level(-3))
            self.assertIn("Pay all outstanding", preview.body_html)
        self.remind_on(days(1))
        with freeze_time(days(2)):
            self.client.invalidate_recordset()
            self.assertEqual(self.client.client_hub_last_reminder_level_id, self.level(1))
            self.assertEqual(self.client.client_hub_next_reminder_date, days(7))
            self.assertEqual(self.client.client_hub_next_reminder_level_id, self.level(7))
            self.client.action_client_hub_send_reminder()  # Send now: the 7-day reminder today
        self.assertEqual(len(self.reminders(self.client)), 2)
        self.assertIn(self.level(7).name, self.reminders(self.client)[-1].subject)

    def test_pause_wizard(self):
        self.invoice(self.client)
        with freeze_time(days(1)):
            wizard = self.env["client_hub.reminder.pause"].create({
                "partner_ids": [Command.set(self.client.ids)], "date": days(20), "reason": "Agreed payment plan",
            })
            wizard.action_pause()
        self.assertEqual(self.client.client_hub_reminders_pause_reason, "Agreed payment plan")
        self.remind_on(days(1))
        self.assertFalse(self.reminders(self.client))
        with freeze_time(days(1)):
            self.client.invalidate_recordset()
            self.assertEqual(self.client.client_hub_next_reminder_date, days(21))

    def test_invoice_contact_and_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["client_hub"], ["fr_FR"], overwrite=True)
        contact = self.env["res.partner"].create({
            "name": "Compta Late", "parent_id": self.client.id, "type": "invoice",
            "email": "compta@late.example", "lang": "fr_FR",
        })
        self.invoice(self.client)
        self.remind_on(days(1))
        mail = self.reminders(self.client)
        self.assertEqual(mail.recipient_ids, contact)
        self.assertIn("Rappel de paiement", mail.subject)
        self.assertIn("Tout régler", mail.body_html)
        self.assertIn("10/03/2026", mail.body_html, "dates in the contact's language")

    def test_two_companies_two_emails(self):
        company_b = self.setup_other_company(name="Second Company")["company"]
        company_b.email = "billing@second.example"
        self.company.email = "billing@first.example"
        self.invoice(self.client)
        self.invoice(self.client, company=company_b, amount=70.0)
        self.remind_on(days(1))
        mails = self.reminders(self.client)
        self.assertEqual(len(mails), 2)
        self.assertEqual(sorted(mails.mapped("email_from")), sorted([
            self.company.email_formatted, company_b.email_formatted]))
        # the final notice carries the statement of its own company, whoever runs the cron
        with freeze_time(days(30)):  # as the cron: OdooBot, whose companies are not the test user's
            self.env["res.partner"].with_user(self.env.ref("base.user_root"))._client_hub_send_reminders()
        final = self.reminders(self.client).filtered(lambda mail: mail.email_from == company_b.email_formatted)[-1]
        self.assertEqual(len(final.attachment_ids), 1)
        statement = final.attachment_ids.raw.decode()
        self.assertIn(company_b.name, statement)
        self.assertIn("70.00", statement)

    def test_queries_per_reminded_client_are_flat(self):
        def batch(n, tag):
            clients = self.env["res.partner"]
            for i in range(n):
                client = self.make_client(f"Flat {tag} {i}")
                self.invoice(client)
                self.invoice(client, due=days(-3))
                clients |= client
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            mails = self.remind_on(days(1))
            self.assertEqual(len(mails), n)
            return self.env.cr.sql_log_count - before

        batch(1, "warm")
        two, four, six = batch(2, "a"), batch(4, "b"), batch(6, "c")
        self.assertEqual(six - four, four - two, "the same queries for each more client")
        self.assertLessEqual((six - two) / 4, 120, "queries per reminded client")

    def test_collections_list_sorts_and_sums_the_aging(self):
        self.invoice(self.client, amount=100.0)
        view = self.env.ref("client_hub.view_partner_collections_list")
        arch = self.env["res.partner"].get_views([(view.id, "list")])["views"]["list"]["arch"]
        buckets = ("client_hub_aging_1_30", "client_hub_aging_31_60", "client_hub_aging_61_90", "client_hub_aging_90_plus")
        for fname in buckets:
            self.assertIn(f'name="{fname}"', arch)
        action = self.env.ref("client_hub.action_client_hub_collections")
        with freeze_time(days(40)):
            listed = self.env["res.partner"].search(safe_eval(action.domain), order="client_hub_aging_31_60 desc")
            self.assertEqual(listed[:1], self.client)
            self.assertEqual(listed[:1].client_hub_aging_31_60, listed[:1].balance_overdue)

    def test_results_per_level_and_collections_list(self):
        quick = self.invoice(self.client, amount=100.0)
        slow_client = self.make_client("Slow Payer")
        slow = self.invoice(slow_client, amount=50.0)
        settled = self.make_client("Settled Client")
        self.remind_on(days(1))
        action = self.env.ref("client_hub.action_client_hub_collections")
        with freeze_time(days(2)):
            listed = self.env["res.partner"].search(safe_eval(action.domain))
        self.assertIn(self.client, listed)
        self.assertIn(slow_client, listed)
        self.assertNotIn(settled, listed)
        for move, day in ((quick, days(4)), (slow, days(20))):
            self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
                {"payment_date": day})._create_payments()
        level = self.level(1)
        level.invalidate_recordset()
        self.assertEqual((level.reminded_count, level.paid_count, level.amount_collected), (2, 1, 100.0))
