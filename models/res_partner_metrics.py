# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clients: the lifetime figures (dashboard, portal statement) and how they are computed."""
from odoo import api, fields, models

from .account_move import CUSTOMER_DOCUMENTS
from .res_partner import ACCOUNTING_FIELD_GROUPS

# the figures of a client without documents
ZERO_FIGURES = dict.fromkeys(("invoiced", "paid", "outstanding", "overdue"), 0.0)
# the four lifetime figures: computed for the records read, SQL expressions for sorting, filtering
# and grouping (see _field_to_sql)
CLIENT_HUB_METRICS = ("lifetime_invoiced", "lifetime_paid", "balance_outstanding", "balance_overdue")
CLIENT_HUB_FIGURE_FIELDS = (*CLIENT_HUB_METRICS, "client_hub_balance_state")
# where a client stands, from its figures (the kanban's progress bar)
BALANCE_STATES = [
    ("overdue", "Overdue"),
    ("owing", "Owes, not yet due"),
    ("credit", "In credit"),
    ("settled", "Nothing due"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Lifetime metrics: company currency, whole commercial entity, current company. Nothing is
    # stored: reading computes them (_client_hub_figures_by_client), sorting, filtering and grouping
    # turn them into SQL over the same documents (_client_hub_figure_sql).
    client_hub_currency_id = fields.Many2one(
        "res.currency",
        string="Figures Currency",
        compute="_compute_client_hub_currency_id",
        help="The currency of the lifetime figures: the current company's.",
    )
    lifetime_invoiced = fields.Monetary(
        compute="_compute_client_hub_metrics",
        search="_search_lifetime_invoiced",
        currency_field="client_hub_currency_id",
        groups=ACCOUNTING_FIELD_GROUPS,
        help="Posted customer invoices minus posted credit notes, taxes included, "
        "for the whole company of this contact.",
    )
    lifetime_paid = fields.Monetary(
        compute="_compute_client_hub_metrics",
        search="_search_lifetime_paid",
        currency_field="client_hub_currency_id",
        groups=ACCOUNTING_FIELD_GROUPS,
        help="What was collected against those invoices (payments and reconciled credit notes).",
    )
    balance_outstanding = fields.Monetary(
        string="Outstanding",
        compute="_compute_client_hub_metrics",
        search="_search_balance_outstanding",
        currency_field="client_hub_currency_id",
        groups=ACCOUNTING_FIELD_GROUPS,
        help="What the client owes now on open invoices, net of open credit notes.",
    )
    balance_overdue = fields.Monetary(
        string="Overdue",
        compute="_compute_client_hub_metrics",
        search="_search_balance_overdue",
        currency_field="client_hub_currency_id",
        groups=ACCOUNTING_FIELD_GROUPS,
        help="What the client owes past its due date, as a follow-up counts it: the open amounts "
        "of its invoices (each installment by its own due date) minus its open credit notes whose "
        "due date is past; never below zero, never above the outstanding balance.",
    )
    client_hub_balance_state = fields.Selection(
        BALANCE_STATES,
        string="Balance",
        compute="_compute_client_hub_metrics",
        search="_search_client_hub_balance_state",
        groups=ACCOUNTING_FIELD_GROUPS,
        help="Overdue when part of the outstanding balance is past due; owes, not yet due; in "
        "credit when the outstanding balance is negative; nothing due otherwise.",
    )

    @api.model
    def _client_hub_figures(self, move_domain, groupby, today, in_currency=False, by_year=False):
        """The one computation of every figure (dashboard, client list, statement): ``{key: figures}``
        per tuple of ``groupby`` values (fields of ``account.move``) of the documents of
        ``move_domain``, two aggregate queries whatever their number. ``figures``: ``invoiced`` (net
        of credit notes), ``paid``, ``outstanding``, ``overdue``, in the company's currency at each
        document's own rate as accounting stores them, or with ``in_currency`` in the documents' own
        currency (for groups of one currency); with ``by_year``, ``years``: {year: documents}."""
        Move, Line = self.env["account.move"], self.env["account.move.line"]
        sums = {}

        def entry(key):
            return sums.setdefault(key, {"invoiced": 0.0, "outstanding": 0.0, "past_due": 0.0})

        if in_currency:
            # amount_residual is unsigned: a credit note's is subtracted (hence move_type)
            aggregates = ["amount_total_in_currency_signed:sum", "amount_residual:sum"]
        else:
            aggregates = ["amount_total_signed:sum", "amount_residual_signed:sum"]
        extra = [*(["move_type"] if in_currency else []), *(["invoice_date:year"] if by_year else [])]
        if by_year:
            aggregates += ["__count"]
        for row in Move._read_group(move_domain, [*groupby, *extra], aggregates):
            details = dict(zip(extra, row[len(groupby):len(groupby) + len(extra)], strict=True))
            total, residual = row[len(groupby) + len(extra):][:2]
            figures = entry(tuple(row[:len(groupby)]))
            figures["invoiced"] += total
            figures["outstanding"] += -residual if details.get("move_type") == "out_refund" else residual
            if by_year:
                year = details["invoice_date:year"]
                years = figures.setdefault("years", {})
                years[year and year.year] = years.get(year and year.year, 0) + row[-1]
        # the signed residual of the open receivable items past due: invoice installments
        # positive, credit notes negative
        for row in Line._read_group(
            [("move_id", "any", move_domain), *Move._client_hub_past_due_items(today)],
            [f"move_id.{fname}" for fname in groupby],
            ["amount_residual_currency:sum" if in_currency else "amount_residual:sum"],
        ):
            entry(tuple(row[:len(groupby)]))["past_due"] += row[-1]
        for figures in sums.values():
            # overdue as a follow-up chases it: never below zero, never above what is outstanding (a
            # credit note not yet due counts against it); the same as _client_hub_figure_sql
            past_due = figures.pop("past_due")
            figures["overdue"] = max(0.0, min(past_due, figures["outstanding"]))
            figures["paid"] = figures["invoiced"] - figures["outstanding"]
        return sums

    def _client_hub_figures_by_client(self):
        """Per page of clients: {commercial partner id: figures} in the current company, in its
        currency (the backend's fields)."""
        return {
            partner.id: figures
            for (partner,), figures in self._client_hub_figures(
                self._client_hub_move_domain(), ["commercial_partner_id"], fields.Date.context_today(self),
            ).items()
            if partner
        }

    def _client_hub_figures_by_currency(self, today):
        """Per client, company and currency (the portal statement): ``(summary, years)``, the figures
        of this commercial partner's issued documents in the companies of the environment.

        ``summary``: one dict per company and currency (``company``, ``currency`` and the figures)
        in the documents' own currency, never converted; a company's own currency first; one block
        of zeros in the user's company's currency without documents. ``years``: {year: documents}.
        Read as the system: the caller passes the signed-in contact's own commercial partner."""
        self.ensure_one()
        domain = [
            ("commercial_partner_id", "=", self.id),
            ("move_type", "in", CUSTOMER_DOCUMENTS),
            ("state", "=", "posted"),
            ("company_id", "in", self.env.companies.ids),
        ]
        sums = self.sudo()._client_hub_figures(
            domain, ["company_id", "currency_id"], today, in_currency=True, by_year=True,
        )
        summary, years = [], {}
        for (company, currency), figures in sums.items():
            for year, count in figures.pop("years", {}).items():
                years[year] = years.get(year, 0) + count
            summary.append({"company": company.with_env(self.env), "currency": currency.with_env(self.env), **figures})
        if not summary:
            company = self.env.user.company_id.sudo()
            summary.append({"company": company.with_env(self.env), "currency": company.currency_id.with_env(self.env),
                            **ZERO_FIGURES})
        summary.sort(key=lambda block: (
            block["company"].id, block["currency"] != block["company"].currency_id, block["currency"].name,
        ))
        return summary, years

    @api.depends_context("company")
    def _compute_client_hub_currency_id(self):
        self.client_hub_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    def _compute_client_hub_metrics(self):
        by_client = self._client_hub_figures_by_client() if self.ids else {}
        for partner in self:
            figures = by_client.get(partner.commercial_partner_id.id, ZERO_FIGURES)
            partner.lifetime_invoiced = figures["invoiced"]
            partner.balance_outstanding = figures["outstanding"]
            partner.lifetime_paid = figures["paid"]
            partner.balance_overdue = figures["overdue"]
            partner.client_hub_balance_state = partner._client_hub_balance_state(
                figures["outstanding"], figures["overdue"])

    def _client_hub_balance_state(self, outstanding, overdue):
        currency = self.env.company.currency_id
        if currency.compare_amounts(overdue, 0.0) > 0:
            return "overdue"
        if currency.compare_amounts(outstanding, 0.0) > 0:
            return "owing"
        return "credit" if currency.compare_amounts(outstanding, 0.0) < 0 else "settled"
