# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's statement PDF in the portal. Thin: the period is checked in lib/periods.py, the
ledger and the PDF come from report.client_hub.report_client_statement."""
from odoo import fields, http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..lib.periods import PeriodError, statement_filename, statement_period

STATEMENT_PAGE = "/my/statement"


class ClientHubStatementPdf(CustomerPortal):
    @http.route(f"{STATEMENT_PAGE}/pdf", type="http", auth="user", website=True, readonly=True)
    def portal_my_statement_pdf(self, date_from=None, date_to=None, **kw):
        """``GET /my/statement/pdf?date_from=YYYY-MM-DD&date_to=YYYY-MM-DD``: the signed-in
        client's statement for the period (default: this year so far), as a download."""
        user = request.env.user
        Report = request.env["report.client_hub.report_client_statement"]
        try:
            start, end = statement_period(date_from, date_to, fields.Date.context_today(user))
        except PeriodError as error:
            return self._statement_period_refused(Report._period_error_message(error))
        # Ownership: the statement printed is always the signed-in user's own commercial entity,
        # over the companies this user is allowed; no id is read from the request. Only now does
        # the report run as the system (portal users cannot read journal items), for that client.
        client = user.partner_id.commercial_partner_id
        pdf = Report.sudo()._render_statement_pdf(client, start, end, user.company_ids)
        filename = statement_filename(client.name, start, end)
        return request.make_response(pdf, headers=[
            ("Content-Type", "application/pdf"),
            ("Content-Length", str(len(pdf))),
            ("Content-Disposition", f"attachment; filename={filename}"),
            ("Cache-Control", "no-store"),
        ])

    def _statement_period_refused(self, message):
        values = self._prepare_portal_layout_values()
        values.update(message=message, statement_url=STATEMENT_PAGE, page_name="statement")
        return request.render("client_hub.portal_statement_pdf_refused", values, status=400)
