# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from .common import render_pdf_text

ADDRESS = ("Rue Haute 12", "1000", "Brussels", "Belgium")


@tagged("post_install", "-at_install")
class TestClientProfile(AccountTestInvoicingHttpCommon):
    """The client's tax ID, labelled after its country, and its full billing address on every
    document it receives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.env["res.partner"].create({
            "name": "Zygomatic Widgets SA", "is_company": True, "vat": "BE0477472701",
            "street": "Rue Haute 12", "zip": "1000", "city": "Brussels",
            "country_id": cls.env.ref("base.be").id, "email": "accounts@zygomatic.example",
        })
        cls.contact = cls.env["res.partner"].create({"name": "Julie Peeters", "parent_id": cls.client.id})
        cls.env.user.group_ids |= cls.env.ref("sales_team.group_sale_salesman")

    def assertBilledTo(self, text, label="VAT"):
        flat = re.sub(r"\s+", " ", text)
        self.assertIn(f"{label}: BE0477472701", flat)
        for part in ADDRESS:
            self.assertIn(part, flat)

    # -- tax ID validation (base_vat's format rules, no network)
    def test_vat_validated_with_expected_format(self):
        with self.assertRaises(ValidationError) as caught:
            self.client.vat = "BE123"
        self.assertIn("BE0477472701", str(caught.exception), "the error names the expected format")
        self.client.vat = "BE0477472701"
        self.assertEqual(self.contact.vat, "BE0477472701", "contacts share their company's tax ID")

    def test_vat_label_follows_client_country(self):
        self.assertEqual(self.client.client_hub_vat_label, "VAT")
        self.assertEqual(self.contact.client_hub_vat_label, "VAT")
        indian = self.env["res.partner"].create({"name": "Mumbai Co", "country_id": self.env.ref("base.in").id})
        self.assertEqual(indian.client_hub_vat_label, "GSTIN")
        nowhere = self.env["res.partner"].create({"name": "No Country"})
        self.assertTrue(nowhere.client_hub_vat_label)

    # -- documents
    def test_invoice_and_credit_note_pdf(self):
        invoice = self.init_invoice("out_invoice", partner=self.contact, amounts=[100.0], post=True)
        self.assertBilledTo(render_pdf_text(self, "account.account_invoices", invoice))
        refund = self.init_invoice("out_refund", partner=self.client, amounts=[40.0], post=True)
        text = render_pdf_text(self, "account.account_invoices", refund)
        self.assertIn(refund.name, text)
        self.assertBilledTo(text)

    def test_quote_pdf(self):
        product = self.env["product.product"].create({"name": "Consulting hour", "list_price": 120.0})
        order = self.env["sale.order"].create({
            "partner_id": self.client.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
        })
        text = render_pdf_text(self, "sale.action_report_saleorder", order)
        self.assertIn(order.name, text)
        self.assertBilledTo(text)

    def test_portal_invoice_page(self):
        invoice = self.init_invoice("out_invoice", partner=self.client, amounts=[100.0], post=True)
        invoice._portal_ensure_token()
        url = f"/my/invoices/{invoice.id}?access_token={invoice.access_token}&report_type=html"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        text = re.sub(r"<[^>]+>", " ", response.text)
        self.assertBilledTo(text)
