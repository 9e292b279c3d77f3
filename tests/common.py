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
