# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # The overdue figure sums the open installments past their due date: a partial covering index
    # holds only the open ones (a small share of all journal items), by company and due date, so
    # the client list sorted or filtered by what is overdue reads them from the index alone.
    _client_hub_open_items_idx = models.Index(
        "(company_id, date_maturity) INCLUDE (move_id, amount_residual) "
        "WHERE display_type = 'payment_term' AND reconciled IS NOT TRUE"
    )
