# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import shutil
import subprocess

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


def pdf_text(pdf_bytes):
    """Text of a PDF as an accountant would copy it (poppler's pdftotext)."""
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        raise AssertionError("pdftotext (Debian package poppler-utils) is required: run `make setup`")
    out = subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=pdf_bytes, capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


class ClientHubCommon(AccountTestInvoicingCommon):
    """Accounting fixtures of Odoo's own tests (company, chart, journals, taxes)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))


def render_pdf_text(case, report_ref, records):
    """Render a report through wkhtmltopdf, as a user's download does, and return its text.

    `case` is an HttpCase: wkhtmltopdf fetches the report's assets from its server. Odoo takes an
    HTML shortcut under --test-enable; `force_report_rendering` asks for the real PDF."""
    case.env["ir.config_parameter"].sudo().set_param("report.url", case.base_url())
    pdf, fmt = (
        case.env["ir.actions.report"]
        .with_context(force_report_rendering=True)
        ._render_qweb_pdf(report_ref, records.ids)
    )
    case.assertEqual(fmt, "pdf")
    case.assertTrue(pdf.startswith(b"%PDF"))
    return pdf_text(pdf)
