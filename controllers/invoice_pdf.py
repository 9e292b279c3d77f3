# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The PDF of one invoice from Odoo's portal page (``/my/invoices/<id>?report_type=pdf``), rendered
once: the first download of an invoice never sent renders its official PDF and stores it exactly as
Odoo's send wizard does (``invoice_pdf_report_file``), and every later download, viewed or saved,
serves that file. Odoo alone renders a pro forma at every click until the invoice is sent, and
renders the report again for every view of the PDF in the browser.

Thin: the access is Odoo's own check (the signed-in contact's record rules, or the document's
access token); the rendering and storing is ``account.move._client_hub_pdf_attachments``.
"""
from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.account_payment.controllers.portal import PortalAccount


class ClientHubInvoicePdf(PortalAccount):
    @http.route()
    def portal_my_invoice_detail(self, invoice_id, access_token=None, report_type=None, download=False, **kw):
        if report_type == "pdf":
            try:
                invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
            except (AccessError, MissingError):
                invoice_sudo = None  # Odoo's route below answers it
            # access checked just above: the contact's own document, or the holder of its token;
            # a download of a stored PDF goes straight to Odoo's route, which serves it
            stored = invoice_sudo and download and invoice_sudo.invoice_pdf_report_id
            pdf = invoice_sudo._client_hub_pdf_attachments() if invoice_sudo and not stored else None
            if pdf and not download:
                content = pdf.raw
                headers = self._get_http_headers(invoice_sudo, report_type, content, download)
                return request.make_response(content, list(headers.items()))
        # a download: Odoo's route serves the official documents, the PDF now among them
        return super().portal_my_invoice_detail(
            invoice_id, access_token=access_token, report_type=report_type, download=download, **kw
        )
