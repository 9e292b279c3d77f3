# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clients: the lifetime figures (dashboard, portal statement) and how they are computed."""
from odoo import api, fields, models

from .res_partner import ACCOUNTING_GROUPS, CUSTOMER_DOCUMENTS

# what _client_hub_figure_sums adds up for each group of documents
FIGURE_SUMS = ("invoiced", "outstanding", "past_due", "invoiced_currency", "outstanding_currency", "past_due_currency")
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
    # stored: reading computes them (_client_hub_metrics), sorting, filtering and grouping turn
    # them into SQL over the same documents (_client_hub_metric_sql).
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
        groups=ACCOUNTING_GROUPS,
        help="Posted customer invoices minus posted credit notes, taxes included, "
        "for the whole company of this contact.",
    )
    lifetime_paid = fields.Monetary(
        compute="_compute_client_hub_metrics",
        search="_search_lifetime_paid",
        currency_field="client_hub_currency_id",
        groups=ACCOUNTING_GROUPS,
        help="What was collected against those invoices (payments and reconciled credit notes).",
    )
    balance_outstanding = fields.Monetary(
        string="Outstanding",
        compute="_compute_client_hub_metrics",
        search="_search_balance_outstanding",
        currency_field="client_hub_currency_id",
        groups=ACCOUNTING_GROUPS,
        help="What the client owes now on open invoices, net of open credit notes.",
    )
    balance_overdue = fields.Monetary(
        string="Overdue",
        compute="_compute_client_hub_metrics",
        search="_search_balance_overdue",
        currency_field="client_hub_currency_id",
        groups=ACCOUNTING_GROUPS,
        help="What the client owes past its due date, as a follow-up counts it: the open amounts "
        "of its invoices (each installment by its own due date) minus its open credit notes whose "
        "due date is past; never below zero, never above the outstanding balance.",
    )
    client_hub_balance_state = fields.Selection(
        BALANCE_STATES,
        string="Balance",
        compute="_compute_client_hub_metrics",
        search="_search_client_hub_balance_state",
        groups=ACCOUNTING_GROUPS,
        help="Overdue when part of the outstanding balance is past due; owes, not yet due; in "
        "credit when the outstanding balance is negative; nothing due otherwise.",
    )

    def _client_hub_overdue_item_domain(self, today):
        """Open receivable items (installments) of the client's posted invoices and credit notes
        whose due date is past: what a follow-up would chase."""
        return [
            ("move_id", "any", self._client_hub_move_domain()),
            *self.env["account.move"]._client_hub_past_due_items(today),
        ]

    @api.model
    def _client_hub_figure_sums(self, move_domain, groupby, today, in_currency=False, by_year=False):
        """The one computation every figure of client_hub is made of (the dashboard, the client
        list's values, the portal statement): two aggregate queries, whatever the number of
        documents. ``{key: sums}``, ``key`` the tuple of the ``groupby`` values (fields of
        ``account.move``) of the documents of ``move_domain``; ``sums`` holds, in the company
        currency at each document's own rate as Odoo's accounting stores them, ``invoiced`` (net
        of credit notes), ``outstanding`` and ``past_due`` (the signed residual of the open
        receivable items past their due date: invoice installments positive, credit notes
        negative); with ``in_currency``, the same three in the documents' own currency too
        (``invoiced_currency``...), for groups of one currency; with ``by_year``, ``years``:
        the number of documents per year of their invoice date."""
        Move, Line = self.env["account.move"], self.env["account.move.line"]
        sums = {}

        def entry(key):
            return sums.setdefault(key, dict.fromkeys(FIGURE_SUMS, 0.0))

        aggregates = ["amount_total_signed:sum", "amount_residual_signed:sum"]
        if in_currency:
            # amount_residual is unsigned: a credit note's is subtracted (hence move_type)
            aggregates += ["amount_total_in_currency_signed:sum", "amount_residual:sum"]
        extra = [*(["move_type"] if in_currency else []), *(["invoice_date:year"] if by_year else [])]
        if by_year:
            aggregates += ["__count"]
        for row in Move._read_group(move_domain, [*groupby, *extra], aggregates):
            details = dict(zip(extra, row[len(groupby):len(groupby) + len(extra)], strict=True))
            values = row[-len(aggregates):]
            figures = entry(tuple(row[:len(groupby)]))
            figures["invoiced"] += values[0]
            figures["outstanding"] += values[1]
            if in_currency:
                total, residual = values[2], values[3]
                figures["invoiced_currency"] += total
                figures["outstanding_currency"] += -residual if details["move_type"] == "out_refund" else residual
            if by_year:
                year = details["invoice_date:year"]
                years = figures.setdefault("years", {})
                years[year and year.year] = years.get(year and year.year, 0) + values[-1]
        line_aggregates = ["amount_residual:sum", *(["amount_residual_currency:sum"] if in_currency else [])]
        for row in Line._read_group(
            [("move_id", "any", move_domain), *Move._client_hub_past_due_items(today)],
            [f"move_id.{fname}" for fname in groupby], line_aggregates,
        ):
            figures = entry(tuple(row[:len(groupby)]))
            figures["past_due"] += row[len(groupby)]
            if in_currency:
                figures["past_due_currency"] += row[-1]
        return sums

    @api.model
    def _client_hub_figures(self, sums, suffix=""):
        """(invoiced, outstanding, overdue) from the sums of _client_hub_figure_sums. Overdue is
        what accounting chases in a follow-up: the past-due residual, floored at zero and never
        above the outstanding balance (a credit note not yet due counts against it)."""
        invoiced, outstanding = sums["invoiced" + suffix], sums["outstanding" + suffix]
        return invoiced, outstanding, max(0.0, min(sums["past_due" + suffix], outstanding))

    def _client_hub_metrics(self):
        """{commercial partner id: (invoiced, outstanding, overdue)} of the current company, in two
        aggregate queries whatever the number of partners and invoices."""
        today = fields.Date.context_today(self)
        return {
            partner.id: self._client_hub_figures(sums)
            for (partner,), sums in self._client_hub_figure_sums(
                self._client_hub_move_domain(), ["commercial_partner_id"], today,
            ).items()
            if partner
        }

    def _client_hub_statement_figures(self, today):
        """The portal statement's figures of this client (a commercial partner), from one call of
        the dashboard's computation over its issued documents in the companies of the current
        environment: ``(summary, years)``.

        ``summary``: the headline, one block per company and currency the client is billed in
        (dicts of ``company``, ``currency``, ``invoiced``, ``paid``, ``outstanding``,
        ``overdue``), each in the documents' own currency, never converted (a client billed in
        euros by a company keeping its books in dollars sees euros); a company's own currency
        first, then the others by code. The backend's figures (``lifetime_paid``...) are the same
        sums converted into the company's currency: equal to the block when the client is billed in
        that currency only. A client with no document gets one block of zeros in its company's
        currency. ``years``: {year: number of documents} (the year filter's choices, and the
        statement's count when nothing else filters it).

        Read as the system: the caller passes the signed-in contact's own commercial partner
        (its accounting figures need rights a portal user does not have); the documents are
        limited to that partner and to the companies the contact may see."""
        self.ensure_one()
        companies = self.env.companies
        domain = [
            ("commercial_partner_id", "=", self.id),
            ("move_type", "in", CUSTOMER_DOCUMENTS),
            ("state", "=", "posted"),
            ("company_id", "in", companies.ids),
        ]
        sums = self.sudo()._client_hub_figure_sums(
            domain, ["company_id", "currency_id"], today, in_currency=True, by_year=True,
        )
        summary, years = [], {}
        for (company, currency), figures in sums.items():
            for year, count in figures.get("years", {}).items():
                years[year] = years.get(year, 0) + count
            invoiced, outstanding, overdue = self._client_hub_figures(figures, "_currency")
            summary.append({
                "company": company.with_env(self.env),
                "currency": currency.with_env(self.env),
                "invoiced": invoiced,
                "paid": invoiced - outstanding,
                "outstanding": outstanding,
                "overdue": overdue,
            })
        if not summary:
            company = self.env.user.company_id.sudo()
            summary.append({"company": company.with_env(self.env), "currency": company.currency_id.with_env(self.env),
                            **dict.fromkeys(("invoiced", "paid", "outstanding", "overdue"), 0.0)})
        summary.sort(key=lambda block: (
            block["company"].id, block["currency"] != block["company"].currency_id, block["currency"].name,
        ))
        return summary, years

    @api.depends_context("company")
    def _compute_client_hub_currency_id(self):
        self.client_hub_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    def _compute_client_hub_metrics(self):
        metrics = self._client_hub_metrics() if self.ids else {}
        for partner in self:
            invoiced, outstanding, overdue = metrics.get(partner.commercial_partner_id.id, (0.0, 0.0, 0.0))
            partner.lifetime_invoiced = invoiced
            partner.balance_outstanding = outstanding
            partner.lifetime_paid = invoiced - outstanding
            partner.balance_overdue = overdue
            partner.client_hub_balance_state = partner._client_hub_balance_state(outstanding, overdue)

    def _client_hub_balance_state(self, outstanding, overdue):
        currency = self.env.company.currency_id
        if currency.compare_amounts(overdue, 0.0) > 0:
            return "overdue"
        if currency.compare_amounts(outstanding, 0.0) > 0:
            return "owing"
        return "credit" if currency.compare_amounts(outstanding, 0.0) < 0 else "settled"
