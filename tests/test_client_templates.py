# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import MailCase


@tagged("post_install", "-at_install")
class TestClientTemplates(AccountTestInvoicingCommon, MailCase):
    """Each kind of document: the overriding client gets exactly its own subject and body, the
    others keep the global template, contacts follow their company, batches mix correctly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids |= cls.env.ref("sales_team.group_sale_manager") | cls.env.ref(
            "mail.group_mail_template_editor"
        )
        Partner = cls.env["res.partner"]
        cls.acme = Partner.create({"name": "Acme SA", "is_company": True, "email": "billing@acme.example"})
        cls.acme_contact = Partner.create(
            {"name": "Ada Acme", "parent_id": cls.acme.id, "email": "ada@acme.example"}
        )
        cls.other = Partner.create({"name": "Other Ltd", "is_company": True, "email": "ap@other.example"})
        cls.templates = {}
        for kind, subject, body in (
            ("invoice", "Acme invoice {{ object.name }}", "<p>Dear Acme team, invoice <t t-out='object.name'/>.</p>"),
            ("credit_note", "Acme credit {{ object.name }}", "<p>Dear Acme team, credit note.</p>"),
            ("quote", "Acme quote {{ object.name }}", "<p>Dear Acme team, your quote.</p>"),
            ("receipt", "Acme receipt {{ object.name }}", "<p>Dear Acme team, thank you.</p>"),
        ):
            action = cls.acme.with_context(client_hub_template_kind=kind).action_client_hub_customize_template()
            template = cls.env["mail.template"].browse(action["res_id"])
            template.write({"subject": subject, "body_html": body})
            cls.templates[kind] = template

    # ------------------------------------------------------------------ helpers
    def invoice(self, partner, move_type="out_invoice"):
        return self.init_invoice(move_type, partner=partner, amounts=[100.0], post=True)

    def sent_mails(self, records):
        return self._new_mails.filtered(lambda m: m.model == records._name and m.res_id in records.ids)

    def send_invoices(self, moves):
        with self.mock_mail_gateway():
            if len(moves) == 1:
                wizard = self.env["account.move.send.wizard"].with_context(
                    active_model="account.move", active_ids=moves.ids
                ).create({})
                wizard.action_send_and_print()
            else:
                self.env["account.move.send.batch.wizard"].with_context(
                    active_model="account.move", active_ids=moves.ids
                ).create({}).action_send_and_print(force_synchronous=True)
        return {move: self.sent_mails(move) for move in moves}

    # ------------------------------------------------------------------ tests
    def test_customize_starts_from_a_copy_of_the_global_template(self):
        tmpl = self.templates["invoice"]
        glob = self.env.ref("account.email_template_edi_invoice")
        self.assertEqual(self.acme.invoice_mail_template_id, tmpl)
        self.assertEqual(tmpl.client_hub_partner_id, self.acme)
        self.assertEqual((tmpl.model, tmpl.report_template_ids), (glob.model, glob.report_template_ids))
        self.assertIn("Acme SA", tmpl.name)
        # opening it again edits the same copy
        again = self.acme.with_context(client_hub_template_kind="invoice").action_client_hub_customize_template()
        self.assertEqual(again["res_id"], tmpl.id)

    def test_invoice_single_send(self):
        inv_acme, inv_other = self.invoice(self.acme), self.invoice(self.other)
        wizard = self.env["account.move.send.wizard"].with_context(
            active_model="account.move", active_ids=inv_acme.ids
        ).create({})
        self.assertEqual(wizard.template_id, self.templates["invoice"], "the wizard shows the client's template")
        mail = self.send_invoices(inv_acme)[inv_acme]
        self.assertEqual(mail.subject, f"Acme invoice {inv_acme.name}")
        self.assertIn("Dear Acme team", mail.body_html)
        self.assertTrue(mail.attachment_ids, "the invoice PDF is still attached")
        # the document button is the client's sign-in link, landing on this invoice (magic links)
        self.assertIn("/portal/magic/", mail.body_html, "the document link is still there")
        self.assertIn(f"?redirect=%2Fmy%2Finvoices%2F{inv_acme.id}", mail.body_html)
        other_mail = self.send_invoices(inv_other)[inv_other]
        self.assertNotIn("Acme", other_mail.subject)
        self.assertIn(inv_other.name, other_mail.subject)

    def test_contact_of_overriding_company(self):
        inv = self.invoice(self.acme_contact)
        mail = self.send_invoices(inv)[inv]
        self.assertEqual(mail.subject, f"Acme invoice {inv.name}")

    def test_batch_send_mixes_clients(self):
        inv_acme, inv_other, inv_contact = self.invoice(self.acme), self.invoice(self.other), self.invoice(self.acme_contact)
        mails = self.send_invoices(inv_acme | inv_other | inv_contact)
        self.assertEqual(mails[inv_acme].subject, f"Acme invoice {inv_acme.name}")
        self.assertEqual(mails[inv_contact].subject, f"Acme invoice {inv_contact.name}")
        self.assertNotIn("Acme", mails[inv_other].subject)
        self.assertNotIn("Dear Acme", mails[inv_other].body_html)

    def test_credit_note(self):
        refund = self.invoice(self.acme, "out_refund")
        mail = self.send_invoices(refund)[refund]
        self.assertEqual(mail.subject, f"Acme credit {refund.name}")
        # without a credit note template, the client's invoice template covers credit notes
        self.acme.credit_note_mail_template_id = False
        refund2 = self.invoice(self.acme, "out_refund")
        self.assertEqual(self.send_invoices(refund2)[refund2].subject, f"Acme invoice {refund2.name}")
        other_refund = self.invoice(self.other, "out_refund")
        self.assertNotIn("Acme", self.send_invoices(other_refund)[other_refund].subject)

    def quote(self, partner):
        product = self.env["product.product"].create({"name": "Consulting", "list_price": 100.0})
        return self.env["sale.order"].create(
            {"partner_id": partner.id, "order_line": [Command.create({"product_id": product.id})]}
        )

    def send_quote(self, order):
        action = order.action_quotation_send()
        with self.mock_mail_gateway():
            self.env["mail.compose.message"].with_context(**action["context"]).create({}).action_send_mail()
        return self.sent_mails(order)

    def test_quote_and_automatic_confirmation(self):
        order, other_order = self.quote(self.acme_contact), self.quote(self.other)
        mails = self.send_quote(order)
        self.assertTrue(mails)
        self.assertEqual(set(mails.mapped("subject")), {f"Acme quote {order.name}"})
        self.assertTrue(all("your quote" in body for body in mails.mapped("body_html")))
        other_mails = self.send_quote(other_order)
        self.assertTrue(other_mails)
        self.assertFalse(any("Acme" in subject for subject in other_mails.mapped("subject")))
        with self.mock_mail_gateway():  # confirmation email sent automatically
            order.with_context(send_email=True).action_confirm()
        confirmation = self.sent_mails(order)
        self.assertTrue(confirmation)
        self.assertEqual(set(confirmation.mapped("subject")), {f"Acme quote {order.name}"})

    def test_receipts_single_and_mass(self):
        payments = self.env["account.payment"]
        for partner in (self.acme, self.other):
            payments |= self.env["account.payment"].create(
                {"amount": 50.0, "payment_type": "inbound", "partner_type": "customer", "partner_id": partner.id}
            )
        payments.action_post()
        receipt = self.env.ref("account.mail_template_data_payment_receipt")
        with self.mock_mail_gateway():
            self.env["mail.compose.message"].with_context(
                default_model="account.payment", default_res_ids=payments.ids,
                default_composition_mode="mass_mail", default_template_id=receipt.id,
            ).create({}).action_send_mail()
        acme_pay, other_pay = payments
        self.assertEqual(self.sent_mails(acme_pay).subject, f"Acme receipt {acme_pay.name}")
        self.assertIn("thank you", self.sent_mails(acme_pay).body_html)
        self.assertNotIn("Acme", self.sent_mails(other_pay).subject)

    def test_broken_placeholder_refused_at_save(self):
        self.invoice(self.acme)  # Odoo checks a template by rendering it on an existing record
        with self.assertRaises(ValidationError), mute_logger("odoo.addons.mail.models.mail_template"):
            self.templates["invoice"].write({"subject": "{{ object.no_such_field }}"})
        self.assertEqual(self.templates["invoice"].subject, "Acme invoice {{ object.name }}")

    def test_wrong_model_cannot_be_chosen(self):
        with self.assertRaisesRegex(ValidationError, "sale.order"):
            self.other.invoice_mail_template_id = self.templates["quote"]

    def test_global_templates_untouched(self):
        glob = self.env.ref("account.email_template_edi_invoice")
        subject = glob.subject
        self.acme.invoice_mail_template_id = False
        self.templates["invoice"].unlink()
        self.acme.unlink()
        self.assertTrue(glob.exists())
        self.assertEqual(glob.subject, subject)
        self.assertFalse(self.templates["quote"].exists(), "the client's own copies go with it")

    def test_only_who_may_edit_the_client_edits_its_templates(self):
        # may edit contacts and templates in general (so the refusals below come from the
        # ownership check, not from missing access rights)
        user = self.env["res.users"].create({
            "name": "Editor", "login": "editor", "email": "editor@example.com",
            "group_ids": [Command.set([
                self.env.ref("base.group_user").id, self.env.ref("base.group_partner_manager").id,
                self.env.ref("mail.group_mail_template_editor").id, self.env.ref("account.group_account_invoice").id,
            ])],
        })
        self.acme.invalidate_recordset()
        # an internal user without rights on this client's record
        self.env["ir.rule"].create({
            "name": "no Acme", "model_id": self.env["ir.model"]._get_id("res.partner"),
            "domain_force": f"[('id', '!=', {self.acme.id})]", "perm_read": False,
            "perm_write": True, "perm_create": False, "perm_unlink": False,
        })
        with self.assertRaises(AccessError):
            self.templates["invoice"].with_user(user).write({"subject": "hijacked"})
        with self.assertRaises(AccessError):
            self.acme.with_user(user).with_context(
                client_hub_template_kind="invoice").action_client_hub_customize_template()
        self.assertEqual(self.templates["invoice"].subject, "Acme invoice {{ object.name }}")
        # the same user customizes and edits the template of a client it may edit
        action = self.other.with_user(user).with_context(
            client_hub_template_kind="invoice").action_client_hub_customize_template()
        own = self.env["mail.template"].browse(action["res_id"])
        own.with_user(user).write({"subject": "Other invoice {{ object.name }}"})
        self.assertEqual((own.client_hub_partner_id, own.subject), (self.other, "Other invoice {{ object.name }}"))

    def test_client_language(self):
        """The client's language decides the email's language, as in native Odoo."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.acme.lang = "fr_FR"
        tmpl = self.templates["invoice"]
        tmpl.with_context(lang="fr_FR").subject = "Facture Acme {{ object.name }}"
        inv = self.invoice(self.acme_contact)
        self.acme_contact.lang = "fr_FR"
        mail = self.send_invoices(inv)[inv]
        self.assertEqual(mail.subject, f"Facture Acme {inv.name}")
