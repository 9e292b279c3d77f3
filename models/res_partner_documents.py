# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clients: the dashboard's document lists and its cards' actions."""
from odoo import _, fields, models

from .account_move import CUSTOMER_DOCUMENTS, PAID_STATES
from .res_partner import ACCOUNTING_FIELD_GROUPS


class ResPartner(models.Model):
    _inherit = "res.partner"

    client_hub_move_ids = fields.Many2many(
        "account.move",
        string="Invoices and Credit Notes",
        compute="_compute_client_hub_documents",
        groups=ACCOUNTING_FIELD_GROUPS,
    )
    client_hub_order_ids = fields.Many2many(
        "sale.order",
        string="Quotations and Orders",
        compute="_compute_client_hub_orders",
        groups="sales_team.group_sale_salesman",
    )
    client_hub_open_ticket_count = fields.Integer(
        string="Open Tickets",
        compute="_compute_client_hub_open_ticket_count",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="Support tickets of the client and its contacts that are not closed.",
    )
    client_hub_ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        string="Support Tickets",
        compute="_compute_client_hub_tickets",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    # ------------------------------------------------------------------ paper trail
    def _client_hub_by_commercial(self, model, commercial_field, order, extra_domain=()):
        """Assign each partner the records of ``model`` belonging to its commercial entity,
        found with a single search for the whole batch."""
        empty = self.env[model]
        commercials = self.commercial_partner_id
        if not commercials:
            return dict.fromkeys(self.ids, empty)
        records = empty.search([(commercial_field, "in", commercials.ids), *extra_domain], order=order)
        grouped = records.grouped(lambda rec: rec.mapped(commercial_field).id)
        return {partner.id: grouped.get(partner.commercial_partner_id.id, empty) for partner in self}

    def _compute_client_hub_documents(self):
        found = self._client_hub_by_commercial(
            "account.move", "commercial_partner_id", "invoice_date desc, id desc",
            [("move_type", "in", CUSTOMER_DOCUMENTS)],
        )
        for partner in self:
            partner.client_hub_move_ids = found[partner.id]

    def _compute_client_hub_orders(self):
        found = self._client_hub_by_commercial(
            "sale.order", "partner_id.commercial_partner_id", "date_order desc, id desc"
        )
        for partner in self:
            partner.client_hub_order_ids = found[partner.id]

    def _compute_client_hub_open_ticket_count(self):
        counts = dict(self.env["helpdesk.ticket"]._read_group(
            [("commercial_partner_id", "in", self.commercial_partner_id.ids), ("client_hub_is_closed", "=", False)],
            ["commercial_partner_id"], ["__count"],
        )) if self.commercial_partner_id else {}
        for partner in self:
            partner.client_hub_open_ticket_count = counts.get(partner.commercial_partner_id, 0)

    def _compute_client_hub_tickets(self):
        found = self._client_hub_by_commercial(
            "helpdesk.ticket", "commercial_partner_id", "create_date desc, id desc"
        )
        for partner in self:
            partner.client_hub_ticket_ids = found[partner.id]

    # ------------------------------------------------------------------ card actions
    def _client_hub_moves_action(self, name, extra_domain):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action.update(
            name=name,
            display_name=name,
            domain=[*self._client_hub_move_domain(), *extra_domain],
            context={"default_move_type": "out_invoice", "default_partner_id": self.commercial_partner_id.id},
        )
        return action

    def action_client_hub_invoiced(self):
        return self._client_hub_moves_action(_("Invoiced to %s", self.commercial_partner_id.name), [])

    def action_client_hub_paid(self):
        return self._client_hub_moves_action(
            _("Paid by %s", self.commercial_partner_id.name),
            [("payment_state", "in", (*PAID_STATES, "partial"))],
        )

    def action_client_hub_outstanding(self):
        return self._client_hub_moves_action(
            _("Open documents of %s", self.commercial_partner_id.name),
            [("amount_residual_signed", "!=", 0)],
        )

    def action_client_hub_overdue(self):
        """The documents behind the overdue figure: those with a past-due open installment."""
        self.ensure_one()
        past_due = self.env["account.move"]._client_hub_past_due_items(fields.Date.context_today(self))
        return self._client_hub_moves_action(
            _("Overdue documents of %s", self.commercial_partner_id.name),
            [("line_ids", "any", past_due)],
        )
