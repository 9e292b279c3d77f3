# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client portal pages. Thin: figures, lists and files come from the models."""
from odoo import http
from odoo.http import request

from odoo.addons.account_payment.controllers.portal import PortalAccount


class ClientHubPortal(PortalAccount):
    @http.route()
    def portal_my_overdue_invoices(self, access_token=None, **kw):
        """Odoo pays overdue invoices in one payment only when they share a company and a
        currency (it raises otherwise). A client whose overdue invoices come from several
        companies or currencies gets the invoice list filtered on them instead of an error."""
        overdue = request.env["account.move"].search(self._get_overdue_invoices_domain())
        if len(overdue.company_id) > 1 or len(overdue.currency_id) > 1:
            return request.redirect("/my/invoices?filterby=overdue_invoices")
        return super().portal_my_overdue_invoices(access_token=access_token, **kw)
