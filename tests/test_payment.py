# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pay now and Pay all outstanding with Stripe, over real HTTP: the invoice is paid the moment
Stripe's signed webhook (or the client's return) arrives, once, and only for what is due."""
from unittest.mock import patch
from urllib.parse import urlsplit

import lxml.html

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.client_hub.models.payment_transaction import RECEIPT_ATTEMPTS, RECEIPT_CRON

from .payment_common import Refused, StripePortalCommon

LOGGERS = (
    "odoo.addons.payment_stripe.controllers.main", "odoo.addons.client_hub.controllers.payment",
    "odoo.addons.payment.models.payment_transaction", "odoo.http", "odoo.addons.payment_stripe.models.payment_transaction",
)


@tagged("post_install", "-at_install")
class TestOnlinePayment(StripePortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.client = Partner.create({"name": "Paying Client SA", "is_company": True, "email": "ap@paying.example"})
        cls.lea = Partner.create({"name": "Lea Payer", "parent_id": cls.client.id, "email": "lea@paying.example"})
        cls.rival = Partner.create({"name": "Rival SA", "is_company": True, "email": "ap@rival-pay.example"})
        cls.rick = Partner.create({"name": "Rick Rival", "parent_id": cls.rival.id, "email": "rick@rival-pay.example"})

    def setUp(self):
        super().setUp()
        self.overdue = self.open_invoice(self.client, 500.0)
        self.partial = self.open_invoice(self.lea, 400.0, due="2027-01-31", paid=79.0)  # 321 due
        self.credit = self.open_invoice(self.client, 100.0, move_type="out_refund")
        self.lea_user = self.lea._client_hub_portal_user()
        self.rick_user = self.rick._client_hub_portal_user()

    def pay_invoice(self, invoice, amount):
        self.login(self.lea_user)
        page = self.url_open(f"{invoice.access_url}?payment=True")
        self.assertEqual(page.status_code, 200)
        context = self._get_payment_context(page)
        self.assertEqual(context["landing_route"], "/my/statement")
        return self.tx_of(self.transaction(context["transaction_route"], amount, context.get("access_token")))

    # ------------------------------------------------------------------ paid at once
    def test_pay_now_is_booked_by_the_signed_webhook_alone(self):
        tx = self.pay_invoice(self.partial, 321.0)
        self.assertEqual((tx.state, tx.amount, tx.invoice_ids), ("draft", 321.0, self.partial))
        self.assertIn(("POST", "payment_intents"), self.stripe_api.calls, "Odoo's Stripe intent, inline form")
        response = self.webhook(tx)
        self.assertEqual(response.status_code, 200)
        # no status-page poll, no cron: the webhook's own request booked it
        self.assertEqual(tx.state, "done")
        self.assertTrue(tx.is_post_processed)
        self.assertEqual(self.partial.payment_state, "paid")
        self.assertEqual(tx.payment_id.state, "paid")
        self.assertEqual(self.client.with_company(self.env.company).balance_outstanding, 400.0)  # 500 - 100 left
        # the receipt is the background job's, woken by the webhook: not made in its request
        self.assertEqual(tx.client_hub_receipt_state, "pending")
        self.assertFalse(self.receipts(tx, run_job=False))
        self.assertTrue(self.receipt_job_triggers(), "the receipt job is woken at once")
        # the receipt went out, with the client's sign-in link, to the contact who paid
        receipt = self.receipts(tx)
        self.assertEqual(tx.client_hub_receipt_state, "sent")
        self.assertIn(self.lea, receipt.recipient_ids)
        self.assertIn("/portal/magic/", receipt.filtered(lambda m: self.lea in m.recipient_ids).body_html)
        # back on the statement: the payment is explained and the invoice shows paid
        self.assertEqual(urlsplit(tx.landing_route).path, "/my/statement")
        page = lxml.html.fromstring(self.url_open(tx.landing_route).text)
        self.assertEqual(page.xpath("//div[contains(@class, 'o_client_hub_payment_state')]/@data-state"), ["done"])
        status = page.xpath(f"//tr[@data-id='{self.partial.id}']//span[@data-status]/@data-status")
        self.assertEqual(status, ["paid"])

    # ------------------------------------------------------------------ the receipt
    def run_receipt_job(self):
        """The receipt job, as a cron worker runs it (its own cursor, its commits)."""
        self.assertIs(self.env.ref(RECEIPT_CRON).method_direct_trigger(), True, "the job ran without error")
        self.env.invalidate_all()

    def receipt_job_triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.env.ref(RECEIPT_CRON).id)])

    def receipts(self, tx, run_job=True):
        """The receipts of ``tx``'s payment, once the receipt job has run (``run_job``)."""
        if run_job:
            self.run_receipt_job()
        return self.env["mail.mail"].search([("model", "=", "account.payment"), ("res_id", "=", tx.payment_id.id)])

    def test_the_webhook_answers_with_the_invoice_paid_before_the_receipt_exists(self):
        """The webhook's request books the payment and answers: the invoice is paid, the receipt
        is queued (flag and cron trigger written in that same transaction), no PDF is rendered
        and no email written in it; the job then makes it."""
        tx = self.pay_invoice(self.partial, 321.0)
        Report = type(self.env["ir.actions.report"])
        with patch.object(Report, "_render_qweb_pdf", autospec=True, side_effect=Report._render_qweb_pdf) as render:
            response = self.webhook(tx)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(render.call_count, 0, "no PDF rendered in the webhook's request")
            self.assertEqual((tx.state, tx.is_post_processed, self.partial.payment_state), ("done", True, "paid"))
            self.assertEqual(tx.client_hub_receipt_state, "pending")
            receipt_messages = [("model", "=", "account.payment"), ("res_id", "=", tx.payment_id.id),
                                ("subtype_id", "=", self.env.ref("mail.mt_comment").id)]
            self.assertFalse(self.env["mail.message"].search(receipt_messages))
            self.assertFalse(self.receipts(tx, run_job=False))
            self.assertEqual(len(self.receipt_job_triggers()), 1)
            receipts = self.receipts(tx)
            self.assertEqual(render.call_count, 1, "the receipt's PDF, rendered by the job")
            self.assertEqual(len(self.env["mail.message"].search(receipt_messages)), 1)
        self.assertEqual(receipts.recipient_ids, self.lea)
        self.assertTrue(receipts.attachment_ids, "the receipt's PDF")
        self.assertEqual(tx.client_hub_receipt_state, "sent")

    def test_one_receipt_per_payment_under_a_duplicated_webhook_and_a_concurrent_return(self):
        """Stripe's webhook twice, the client's return and its status poll, and the job run after
        each and twice at the end: one payment, one receipt per person."""
        self.env["res.partner"].create({
            "name": "Ines Invoicing", "type": "invoice", "parent_id": self.client.id,
            "email": "invoices@paying.example",
        })
        tx = self.pay_invoice(self.overdue, 500.0)
        self.webhook(tx)
        self.run_receipt_job()
        self.webhook(tx)
        intent = self.stripe_api.intent_of(tx)
        intent.update(status="succeeded", payment_method={"id": "pm_x", "type": "card", "card": {"brand": "visa"}})
        with mute_logger("odoo.addons.payment.models.payment_transaction"):
            self.url_open(f"/payment/stripe/return?reference={tx.reference}&payment_intent={intent['id']}")
        self.jsonrpc("/payment/status/poll", {})
        self.assertEqual(tx.client_hub_receipt_state, "sent", "nobody queued it again")
        self.run_receipt_job()
        receipts = self.receipts(tx)
        self.assertEqual(sorted(receipts.mapped("recipient_ids.name")), ["Ines Invoicing", "Lea Payer"])
        self.assertEqual(self.env["account.payment"].search_count([("payment_transaction_id", "=", tx.id)]), 1)

    def test_a_receipt_job_killed_half_way_is_taken_again_and_sends_nothing_twice(self):
        """The job fails after the first of two receipts is queued: nothing of that transaction's
        receipts is kept (one savepoint), the payment stays booked and its receipt pending; the
        next run sends both, once; later runs send nothing."""
        self.env["res.partner"].create({
            "name": "Ines Invoicing", "type": "invoice", "parent_id": self.client.id,
            "email": "invoices@paying.example",
        })
        tx = self.pay_invoice(self.overdue, 500.0)
        self.webhook(tx)
        Payment = type(self.env["account.payment"])
        post = Payment.message_post_with_source
        calls = []

        def post_then_die(payment, *args, **kwargs):
            calls.append(payment.id)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return post(payment, *args, **kwargs)

        with patch.object(Payment, "message_post_with_source", post_then_die), \
                mute_logger("odoo.addons.client_hub.models.payment_transaction"):
            receipts = self.receipts(tx)
        self.assertEqual(len(calls), 2, "the first receipt was queued before the failure")
        self.assertFalse(receipts, "nothing of it kept")
        self.assertEqual((tx.client_hub_receipt_state, tx.client_hub_receipt_attempts), ("pending", 1))
        self.assertEqual((self.overdue.payment_state, len(tx.payment_id)), ("paid", 1))
        receipts = self.receipts(tx)
        self.assertEqual(sorted(receipts.mapped("recipient_ids.name")), ["Ines Invoicing", "Lea Payer"])
        self.assertEqual(tx.client_hub_receipt_state, "sent")
        self.assertEqual(self.receipts(tx), receipts, "taken once")

    def test_a_receipt_that_keeps_failing_is_given_up_and_logged(self):
        tx = self.pay_invoice(self.partial, 321.0)
        self.webhook(tx)
        Payment = type(self.env["account.payment"])
        with patch.object(Payment, "_client_hub_send_receipt", side_effect=RuntimeError("SMTP down")) as receipt, \
                self.assertLogs("odoo.addons.client_hub.models.payment_transaction", "ERROR") as logs:
            for _run in range(RECEIPT_ATTEMPTS + 1):
                self.run_receipt_job()
        self.assertEqual(receipt.call_count, RECEIPT_ATTEMPTS, "tried at each run, once per run")
        self.assertEqual((tx.client_hub_receipt_state, tx.client_hub_receipt_attempts), ("failed", RECEIPT_ATTEMPTS))
        self.assertIn(f"given up; send it from payment {tx.payment_id.id}", logs.output[-1])
        self.assertEqual((self.partial.payment_state, tx.payment_id.state), ("paid", "paid"))

    def test_one_receipt_to_the_payer_greeted_by_name(self):
        """One receipt, to the contact who paid, greeting that contact: not a second one to the
        client's company address (the template's default recipient, the payment's partner),
        nor "Dear Paying Client SA" (the payment's partner is the client's commercial entity)."""
        tx = self.pay_invoice(self.partial, 321.0)
        self.webhook(tx)
        receipts = self.receipts(tx)
        self.assertEqual(len(receipts), 1, receipts.mapped("recipient_ids.name"))
        self.assertEqual((receipts.recipient_ids, receipts.email_to), (self.lea, False))
        self.assertRegex(receipts.body_html, r"Dear\s+Lea Payer")
        self.assertNotRegex(receipts.body_html, r"Dear\s+Paying Client SA")
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", self.client.ids)]))
        self.assertFalse(self.env["mail.notification"].search([("res_partner_id", "=", self.client.id)]))

    def test_the_invoice_address_gets_its_own_receipt(self):
        """The client's invoice address (its type 'invoice' contact), when it is not the payer,
        receives one receipt too, greeting it; the payer one; the company address none."""
        ines = self.env["res.partner"].create({
            "name": "Ines Invoicing", "type": "invoice", "parent_id": self.client.id,
            "email": "invoices@paying.example",
        })
        tx = self.pay_invoice(self.overdue, 500.0)
        self.webhook(tx)
        receipts = self.receipts(tx)
        self.assertEqual(sorted(receipts.mapped(lambda mail: mail.recipient_ids.name)), ["Ines Invoicing", "Lea Payer"])
        for receipt in receipts:
            self.assertRegex(receipt.body_html, rf"Dear\s+{receipt.recipient_ids.name}")
        # the invoice address paying itself gets one receipt, not two
        ines_user = ines._client_hub_portal_user()
        self.login(ines_user)
        context = self._get_payment_context(self.url_open(f"{self.partial.access_url}?payment=True"))
        tx2 = self.tx_of(self.transaction(context["transaction_route"], 321.0, context.get("access_token")))
        self.webhook(tx2)
        self.assertEqual(self.receipts(tx2).recipient_ids, ines)

    def test_a_clients_own_receipt_template_greets_the_payer(self):
        action = self.client.with_context(client_hub_template_kind="receipt").action_client_hub_customize_template()
        template = self.env["mail.template"].browse(action["res_id"])
        template.subject = "Paying Client receipt {{ object.name }}"
        tx = self.pay_invoice(self.partial, 321.0)
        self.webhook(tx)
        receipt = self.receipts(tx)
        self.assertEqual(len(receipt), 1)
        self.assertTrue(receipt.subject.startswith("Paying Client receipt "), receipt.subject)
        self.assertRegex(receipt.body_html, r"Dear\s+Lea Payer")

    def test_each_receipt_in_its_recipients_language(self):
        """The payer writes French, the invoice address English: each receipt is in its reader's
        language and greets it; Odoo's own receipt template is left as Odoo wrote it."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["account", "client_hub"], ["fr_FR"], overwrite=True)
        self.lea.lang = "fr_FR"
        self.env["res.partner"].create({
            "name": "Ines Invoicing", "type": "invoice", "parent_id": self.client.id,
            "email": "invoices@paying.example", "lang": "en_US",
        })
        tx = self.pay_invoice(self.overdue, 500.0)
        self.webhook(tx)
        by_name = {mail.recipient_ids.name: mail for mail in self.receipts(tx)}
        self.assertRegex(by_name["Lea Payer"].body_html, r"Bonjour\s+Lea Payer")
        self.assertRegex(by_name["Ines Invoicing"].body_html, r"Dear\s+Ines Invoicing")
        odoo_template = self.env.ref("account.mail_template_data_payment_receipt")
        self.assertNotIn("client_hub", str(odoo_template.body_html))
        self.assertNotIn("client_hub", str(odoo_template.with_context(lang="fr_FR").body_html))

    def test_replayed_webhook_and_return_give_one_payment(self):
        tx = self.pay_invoice(self.overdue, 500.0)
        self.webhook(tx)
        self.webhook(tx)  # Stripe retries, or an attacker replays it
        intent = self.stripe_api.intent_of(tx)
        intent["status"] = "succeeded"
        intent["payment_method"] = {"id": "pm_x", "type": "card", "card": {"brand": "visa"}}
        with mute_logger("odoo.addons.payment.models.payment_transaction"):
            self.url_open(f"/payment/stripe/return?reference={tx.reference}&payment_intent={intent['id']}")
        self.jsonrpc("/payment/status/poll", {})
        payments = self.env["account.payment"].search([("payment_transaction_id", "=", tx.id)])
        self.assertEqual(len(payments), 1)
        self.assertEqual(self.overdue.payment_state, "paid")

    def test_return_alone_is_enough(self):
        tx = self.pay_invoice(self.overdue, 500.0)
        intent = self.stripe_api.intent_of(tx)
        intent.update(status="succeeded", payment_method={"id": "pm_x", "type": "card", "card": {"brand": "visa"}})
        with mute_logger("odoo.addons.payment.models.payment_transaction"):
            self.url_open(f"/payment/stripe/return?reference={tx.reference}&payment_intent={intent['id']}",
                          allow_redirects=False)
        self.assertEqual(self.overdue.payment_state, "paid")
        self.assertEqual(len(tx.payment_id), 1)

    def test_installment_amount_is_accepted(self):
        tx = self.pay_invoice(self.partial, 100.0)  # a part of what is due
        self.webhook(tx)
        self.assertEqual(self.partial.payment_state, "partial")
        self.assertEqual(self.partial.amount_residual, 221.0)

    # ------------------------------------------------------------------ pay all outstanding
    def test_pay_all_outstanding_nets_credit_notes_and_pays_everything(self):
        self.login(self.lea_user)
        statement = lxml.html.fromstring(self.url_open("/my/statement").text)
        buttons = statement.xpath("//div[contains(@class, 'o_client_hub_pay_all')]/a/@href")
        self.assertEqual(len(buttons), 1)
        page = self.url_open(buttons[0])
        self.assertEqual(page.status_code, 200)
        tree = lxml.html.fromstring(page.text)
        rows = {int(r) for r in tree.xpath("//tr[contains(@class, 'o_client_hub_pay_row')]/@data-id")}
        self.assertEqual(rows, set((self.overdue | self.partial | self.credit).ids))
        context = self._get_payment_context(page)
        self.assertEqual(float(context["amount"]), 721.0)  # 500 + 321 - 100
        tx = self.tx_of(self.transaction(context["transaction_route"], 1.0, context["access_token"]))
        self.assertEqual(tx.amount, 721.0, "the amount is the server's, never the browser's")
        self.assertEqual(tx.invoice_ids, self.overdue | self.partial | self.credit)
        self.webhook(tx)
        self.assertEqual((self.overdue | self.partial | self.credit).mapped("payment_state"), ["paid"] * 3)
        self.assertEqual(tx.payment_id.amount, 721.0)
        client = self.client.with_company(self.env.company)
        self.assertEqual((client.balance_outstanding, client.balance_overdue), (0.0, 0.0))
        # nothing left to pay: the page is not offered any more
        self.assertEqual(urlsplit(self.url_open("/my/statement/pay", allow_redirects=False).headers["Location"]).path,
                         "/my/statement")

    def test_pay_all_refuses_a_stale_page(self):
        self.login(self.lea_user)
        page = self.url_open("/my/statement/pay")
        context = self._get_payment_context(page)
        self.open_invoice(self.client, 50.0)  # issued after the page was opened
        with self.assertRaisesRegex(Refused, "Your account changed since this page was opened"), \
                mute_logger(*LOGGERS):
            self.transaction(context["transaction_route"], 721.0, context["access_token"])
        self.assertFalse(self.env["payment.transaction"].search([("invoice_ids", "in", self.overdue.ids)]))

    def test_one_button_per_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        self.open_invoice(self.client, 80.0, currency=eur)
        self.login(self.lea_user)
        tree = lxml.html.fromstring(self.url_open("/my/statement").text)
        currencies = tree.xpath("//div[contains(@class, 'o_client_hub_pay_all')]/a/@data-currency")
        self.assertEqual(sorted(currencies), ["EUR", self.currency.name])
        page = self.url_open("/my/statement/pay?currency=EUR")
        self.assertEqual(float(self._get_payment_context(page)["amount"]), 80.0)
        # with two currencies and no choice, the client is sent back to choose
        self.assertEqual(self.url_open("/my/statement/pay", allow_redirects=False).status_code, 303)

    # ------------------------------------------------------------------ what cannot be paid
    def test_only_own_open_invoices_for_at_most_what_is_due(self):
        draft = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.lea.id,
            "invoice_line_ids": [Command.create({"name": "x", "price_unit": 90.0, "tax_ids": []})],
        })
        paid = self.open_invoice(self.client, 60.0, paid=60.0)
        cancelled = self.open_invoice(self.client, 70.0)
        cancelled.button_draft()
        cancelled.button_cancel()
        rival_invoice = self.open_invoice(self.rival, 55.0)
        self.login(self.lea_user)
        cases = {
            "another client's invoice, with its valid access token": (rival_invoice, 55.0, "not one of yours"),
            "a draft": (draft, 90.0, "isn't posted"),
            "a paid invoice": (paid, 60.0, "already been paid"),
            "a cancelled invoice": (cancelled, 70.0, "isn't posted"),
            "more than what is due (821.00 against 321.00)": (self.partial, 821.0, "more than what is due"),
            "a negative amount": (self.partial, -5.0, "must be positive"),
        }
        for case, (invoice, amount, message) in cases.items():
            with self.subTest(case), self.assertRaisesRegex(Refused, message), mute_logger(*LOGGERS):
                self.transaction(f"/invoice/transaction/{invoice.id}", amount, invoice._portal_ensure_token())
        self.assertFalse(self.env["payment.transaction"].search([]).filtered(
            lambda tx: tx.invoice_ids & (draft | paid | cancelled | rival_invoice | self.partial)))

    def test_only_the_providers_and_methods_offered_for_the_invoice(self):
        """Odoo 19 creates the transaction (and calls the provider) with whatever provider and
        payment method ids the browser sends: only those its payment form offers here."""
        unknown_method = self.env.ref("payment.payment_method_ach_direct_debit")
        self.login(self.lea_user)
        token = self.partial._portal_ensure_token()
        route = f"/invoice/transaction/{self.partial.id}"
        cases = {
            "a disabled provider": {"provider": self.dummy_provider, "payment_method": self.pm_unknown},
            "a method Stripe does not offer here": {"payment_method": unknown_method},
            "another provider's method with Stripe": {"payment_method": self.pm_unknown},
        }
        for case, kwargs in cases.items():
            with self.subTest(case), self.assertRaisesRegex(Refused, "not available"), mute_logger(*LOGGERS):
                self.transaction(route, 321.0, token, **kwargs)
        self.stripe.is_published = False  # Odoo then offers no payment for the invoice
        with self.assertRaisesRegex(Refused, "cannot be paid online"), mute_logger(*LOGGERS):
            self.transaction(route, 321.0, token)
        self.assertFalse(self.env["payment.transaction"].search([("invoice_ids", "in", self.partial.ids)]))
        self.assertNotIn(("POST", "payment_intents"), self.stripe_api.calls)
        self.stripe.is_published = True
        self.assertEqual(self.tx_of(self.transaction(route, 321.0, token)).provider_id, self.stripe)

    def test_the_amount_is_a_finite_number(self):
        """JSON's true is not 1.00; NaN and Infinity (which Python's parser accepts) are refused
        with a message, not a server error; on both invoice routes."""
        self.login(self.lea_user)
        token = self.partial._portal_ensure_token()
        for raw in ("true", "false", "NaN", "Infinity", "-Infinity", "1e999", '"321"', "[321]"):
            for route in (f"/invoice/transaction/{self.partial.id}", "/invoice/transaction/overdue"):
                with self.subTest(amount=raw, route=route), self.assertRaisesRegex(Refused, "must be a number"), \
                        mute_logger(*LOGGERS):
                    self.transaction(route, "RAW", token, raw_amount=raw)
        self.assertFalse(self.env["payment.transaction"].search(
            [("invoice_ids", "in", (self.partial | self.overdue).ids)]))

    def test_pay_all_with_another_company_provider_is_refused(self):
        other = self.setup_other_company(name="Pay Other Co")["company"]
        foreign = self._prepare_provider("stripe", company=other, update_values={
            "stripe_secret_key": "sk_test_other", "stripe_publishable_key": "pk_test_other",
            "stripe_webhook_secret": "whsec_other", "is_published": True,
            "payment_method_ids": [Command.set(self.card.ids)],
        })
        self.login(self.lea_user)
        context = self._get_payment_context(self.url_open("/my/statement/pay"))
        with self.assertRaisesRegex(Refused, "not available"), mute_logger(*LOGGERS):
            self.transaction(context["transaction_route"], 721.0, context["access_token"], provider=foreign)

    # ------------------------------------------------------------------ a quotation paid online
    def test_a_paid_quotation_sends_no_separate_receipt(self):
        """One click on a quotation's Pay with Sales' automatic invoice: the client gets the order
        confirmation and the invoice, which shows it paid, and no third email with a receipt."""
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", "True")
        product = self.env["product.product"].sudo().create({
            "name": "Audit", "type": "service", "invoice_policy": "order", "list_price": 300.0, "taxes_id": [],
        })
        order = self.env["sale.order"].sudo().create({  # the test user is no salesman
            "partner_id": self.lea.id, "order_line": [Command.create({"product_id": product.id})],
        })
        tx = self._create_transaction(
            "redirect", amount=order.amount_total, partner_id=self.lea.id, reference="CH-SO-1",
            sale_order_ids=[Command.set(order.ids)], payment_method_id=self.card.id,
        )
        Payment = type(self.env["account.payment"])
        with patch.object(Payment, "_client_hub_send_receipt", autospec=True) as receipt, mute_logger(*LOGGERS):
            tx._set_done()
            tx._post_process()
            self.run_receipt_job()
        self.assertEqual(order.state, "sale")
        self.assertIn(tx.invoice_ids.payment_state, ("in_payment", "paid"))
        self.assertTrue(tx.invoice_ids.is_move_sent, "the invoice email went out")
        receipt.assert_not_called()
        self.assertFalse(tx.client_hub_receipt_state, "no receipt queued")

    # ------------------------------------------------------------------ the webhook's guard
    def test_webhook_without_a_valid_signature_changes_nothing(self):
        tx = self.pay_invoice(self.overdue, 500.0)
        ts = int(__import__("time").time())
        attempts = {
            "bad secret": {"secret": "whsec_forged"},
            "stale timestamp (11 minutes)": {"timestamp": ts - 11 * 60},
            "missing header": {"header": False},
            "malformed header": {"header": "t=abc,v1"},
            "header without signature": {"header": f"t={ts}"},
        }
        for case, kwargs in attempts.items():
            with self.subTest(case), mute_logger(*LOGGERS):
                response = self.webhook(tx, **kwargs)
            self.assertEqual(response.status_code, 403, case)
        self.assertEqual(tx.state, "draft")
        self.assertFalse(tx.payment_id)
        self.assertEqual(self.overdue.payment_state, "not_paid")
        with mute_logger(*LOGGERS):
            garbage = self.url_open("/payment/stripe/webhook", data="{not json", headers={"Content-Type": "application/json"})
        self.assertEqual(garbage.status_code, 400)

    def test_a_deeply_nested_body_is_refused_before_parsing(self):
        """5,000 levels of JSON, unsigned: a 400, not Python's RecursionError (a server error)."""
        tx = self.pay_invoice(self.overdue, 500.0)
        for body in ('{"a":' * 5000 + "1" + "}" * 5000, "[" * 5000 + "]" * 5000,
                     '{"type": "x", "data": {"object": ' + "[" * 100 + "]" * 100 + "}}"):
            with self.subTest(body=body[:20]), mute_logger(*LOGGERS):
                response = self.url_open("/payment/stripe/webhook", data=body,
                                         headers={"Content-Type": "application/json", "Stripe-Signature": "t=1,v1=x"})
            self.assertEqual(response.status_code, 400)
        # brackets inside strings do not count: an ordinary event still goes through
        self.assertEqual(self.webhook(tx, extra={"metadata": {"note": "[[[[{{{{" * 100}}).status_code, 200)
        self.assertEqual(tx.state, "done")

    def test_unknown_reference_is_acknowledged(self):
        tx = self.pay_invoice(self.overdue, 500.0)
        with mute_logger(*LOGGERS):
            response = self.webhook(tx, reference="NOT-A-REFERENCE")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(tx.state, "draft")

    def test_no_webhook_secret_no_processing(self):
        """Odoo 19 processes unsigned events when no secret is set: not here."""
        tx = self.pay_invoice(self.overdue, 500.0)
        self.stripe.stripe_webhook_secret = False
        with mute_logger(*LOGGERS):
            self.assertEqual(self.webhook(tx, header=False).status_code, 403)
        self.assertEqual(tx.state, "draft")

    # ------------------------------------------------------------------ pending, failed
    def test_pending_and_failed_payments_are_explained(self):
        tx = self.pay_invoice(self.overdue, 500.0)
        self.webhook(tx, status="processing")
        self.assertEqual(tx.state, "pending")
        page = lxml.html.fromstring(self.url_open(tx.landing_route).text)
        self.assertEqual(page.xpath("//div[contains(@class, 'o_client_hub_payment_state')]/@data-state"), ["pending"])
        self.assertFalse(page.xpath(f"//tr[@data-id='{self.overdue.id}']//a[contains(@class, 'o_client_hub_pay_now')]"),
                         "no second payment while one is under way")
        tx2 = self.pay_invoice(self.partial, 321.0)
        self.webhook(tx2, status="requires_payment_method",
                     extra={"last_payment_error": {"message": "Your card was declined."}})
        self.assertEqual(tx2.state, "error")
        text = self.url_open(tx2.landing_route).text
        self.assertIn("Your payment did not go through, and nothing was charged.", text)
        self.assertIn("Your card was declined.", text)
        self.assertEqual(self.partial.payment_state, "partial")

    def test_another_clients_transaction_is_not_shown(self):
        tx = self.pay_invoice(self.overdue, 500.0)
        self.login(self.rick_user)
        page = lxml.html.fromstring(self.url_open(f"/my/statement?payment_tx={tx.id}").text)
        self.assertFalse(page.xpath("//div[contains(@class, 'o_client_hub_payment_state')]"))

    # ------------------------------------------------------------------ no provider, no dead end
    def test_no_published_provider_hides_pay_now(self):
        self.login(self.lea_user)
        tree = lxml.html.fromstring(self.url_open("/my/statement").text)
        self.assertTrue(tree.xpath("//a[contains(@class, 'o_client_hub_pay_now')]"))
        self.stripe.is_published = False
        tree = lxml.html.fromstring(self.url_open("/my/statement").text)
        self.assertFalse(tree.xpath("//a[contains(@class, 'o_client_hub_pay_now')]"))
        self.assertFalse(tree.xpath("//div[contains(@class, 'o_client_hub_pay_all')]"))
        self.assertNotIn('data-bs-target="#pay_with"', self.url_open(self.overdue.access_url).text)

    def test_provider_changes_are_seen_without_clearing_the_registry_cache(self):
        Provider = self.env["payment.provider"]
        company = self.stripe.company_id
        other = self.setup_other_company(name="Provider-less Ltd")["company"]
        with patch.object(type(self.env.registry), "clear_cache") as clear_cache:
            self.assertTrue(Provider._client_hub_company_accepts_payments(company.id))
            self.assertFalse(Provider._client_hub_company_accepts_payments(other.id))
            self.stripe.is_published = False
            self.assertFalse(Provider._client_hub_company_accepts_payments(company.id))
            self.stripe.is_published = True
            self.assertTrue(Provider._client_hub_company_accepts_payments(company.id))
            foreign = self._prepare_provider("stripe", company=other, update_values={
                "stripe_secret_key": "sk_test_other", "stripe_publishable_key": "pk_test_other", "is_published": True,
            })
            self.assertTrue(Provider._client_hub_company_accepts_payments(other.id))
            foreign.unlink()
            self.assertFalse(Provider._client_hub_company_accepts_payments(other.id))
        clear_cache.assert_not_called()

    def test_odoo_overdue_page_sends_to_the_statement(self):
        self.login(self.lea_user)
        response = self.url_open("/my/invoices/overdue", allow_redirects=False)
        self.assertEqual(urlsplit(response.headers["Location"]).path, "/my/statement")
