# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon
from odoo.addons.base.models.ir_actions_report import _wkhtml

from .common import render_pdf_text


@tagged("post_install", "-at_install")
class TestInvoicePdf(AccountTestInvoicingHttpCommon):
    """A real PDF through wkhtmltopdf (not the HTML shortcut Odoo takes in tests)."""

    def test_invoice_pdf_text_header_footer(self):
        wkhtml = _wkhtml()
        self.assertEqual(wkhtml.state, "ok", "wkhtmltopdf not found: run `make setup`")
        self.assertTrue(wkhtml.is_patched_qt, f"{wkhtml.bin} lacks the patched Qt: run `make setup`")
        self.env.company.write({"street": "8 Harbour Road", "city": "Boston"})
        client = self.env["res.partner"].create(
            {"name": "Zygomatic Widgets SA", "is_company": True, "street": "Rue Haute 12",
             "city": "Brussels", "zip": "1000", "country_id": self.env.ref("base.be").id}
        )
        invoice = self.init_invoice("out_invoice", partner=client, amounts=[1234.5], post=True)
        text = render_pdf_text(self, "account.account_invoices", invoice)
        self.assertIn(invoice.name, text, "invoice number must be real, extractable text")
        self.assertIn("Zygomatic Widgets SA", text)
        self.assertIn("8 Harbour Road", text, "company header rendered")
        self.assertRegex(text, r"Page\s+1\s*/\s*1", "page footer rendered")
