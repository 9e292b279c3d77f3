# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from odoo.addons.auth_signup.models.res_partner import SignupError

from ..lib.chart import monthly_bars_svg
from .mail_template import CLIENT_TEMPLATE_KINDS

_logger = logging.getLogger(__name__)

CUSTOMER_DOCUMENTS = ("out_invoice", "out_refund")
# what _client_hub_figure_sums adds up for each group of documents
FIGURE_SUMS = ("invoiced", "outstanding", "past_due", "invoiced_currency", "outstanding_currency", "past_due_currency")
ACCOUNTING_GROUPS = "account.group_account_invoice,account.group_account_readonly"
# the four lifetime figures: computed for the records read, SQL expressions for sorting, filtering
# and grouping (see _field_to_sql)
CLIENT_HUB_METRICS = ("lifetime_invoiced", "lifetime_paid", "balance_outstanding", "balance_overdue")
CLIENT_HUB_FIGURE_FIELDS = (*CLIENT_HUB_METRICS, "client_hub_balance_state")
# comparisons the figures can be filtered with (Odoo normalises "=" to "in")
METRIC_OPERATORS = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}
# where a client stands, from its figures (the kanban's progress bar)
BALANCE_STATES = [
    ("overdue", "Overdue"),
    ("owing", "Owes, not yet due"),
    ("credit", "In credit"),
    ("settled", "Nothing due"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Per-client email templates (copies of the global ones, see mail_template.py)
    invoice_mail_template_id = fields.Many2one(
        "mail.template",
        string="Invoice Email",
        domain="[('model', '=', 'account.move'), ('client_hub_partner_id', 'in', [id, False])]",
        help="Used instead of the global invoice email whenever this client's invoices are sent "
        "(and its credit notes, unless a credit note email is set).",
    )
    credit_note_mail_template_id = fields.Many2one(
        "mail.template",
        string="Credit Note Email",
        domain="[('model', '=', 'account.move'), ('client_hub_partner_id', 'in', [id, False])]",
    )
    quote_mail_template_id = fields.Many2one(
        "mail.template",
        string="Quotation and Order Email",
        domain="[('model', '=', 'sale.order'), ('client_hub_partner_id', 'in', [id, False])]",
        help="Used instead of the global quotation and order confirmation emails.",
    )
    receipt_mail_template_id = fields.Many2one(
        "mail.template",
        string="Payment Receipt Email",
        domain="[('model', '=', 'account.payment'), ('client_hub_partner_id', 'in', [id, False])]",
    )
    client_hub_magic_link_ids = fields.One2many(
        "client_hub.magic.link",
        "commercial_partner_id",
        string="Portal Links",
        readonly=True,
        help="Sign-in links sent to this client's contacts, newest first.",
    )
    client_hub_vat_label = fields.Char(
        string="Client Tax ID Label",
        compute="_compute_client_hub_vat_label",
        help="How the client's country names its tax ID (VAT, TIN, GSTIN, ABN...).",
    )

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
    client_hub_chart = fields.Html(
        string="Invoiced vs. Paid",
        compute="_compute_client_hub_chart",
        sanitize=False,
        groups=ACCOUNTING_GROUPS,
    )
    client_hub_move_ids = fields.Many2many(
        "account.move",
        string="Invoices and Credit Notes",
        compute="_compute_client_hub_documents",
        groups=ACCOUNTING_GROUPS,
    )
    client_hub_order_ids = fields.Many2many(
        "sale.order",
        string="Quotations and Orders",
        compute="_compute_client_hub_orders",
        groups="sales_team.group_sale_salesman",
    )

    @api.depends("country_id", "commercial_partner_id.country_id")
    @api.depends_context("company", "lang")
    def _compute_client_hub_vat_label(self):
        company_label = self.env.company.account_fiscal_country_id.vat_label
        for partner in self:
            country = partner.commercial_partner_id.country_id or partner.country_id
            partner.client_hub_vat_label = country.vat_label or company_label or _("Tax ID")

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

    # ------------------------------------------------------------------ email templates
    @api.constrains(*[field for field, _model, _xmlids in CLIENT_TEMPLATE_KINDS.values()])
    def _check_client_hub_templates(self):
        for partner in self:
            for field, model, _xmlids in CLIENT_TEMPLATE_KINDS.values():
                template = partner[field]
                if template and template.model != model:
                    raise ValidationError(
                        _(
                            "The template %(template)s is written for %(wrong)s records; "
                            "%(field)s needs one for %(model)s.",
                            template=template.name,
                            wrong=template.model,
                            field=partner._fields[field].get_description(self.env)["string"],
                            model=self.env["ir.model"]._get(model).name,
                        )
                    )

    def _client_hub_mail_template_for(self, kind):
        """This client's template for a kind of document, or an empty recordset."""
        commercial = self.commercial_partner_id
        template = commercial[CLIENT_TEMPLATE_KINDS[kind][0]]
        if not template and kind == "credit_note":
            template = commercial.invoice_mail_template_id
        return template

    def action_client_hub_customize_template(self):
        """Start the client's own template from a copy of the global one and open it in
        Odoo's template editor (placeholders, preview, attachments, translations)."""
        self.ensure_one()
        kind = self.env.context.get("client_hub_template_kind")
        if kind not in CLIENT_TEMPLATE_KINDS:
            raise UserError(_("Unknown kind of email template."))
        field, _model, xmlids = CLIENT_TEMPLATE_KINDS[kind]
        commercial = self.commercial_partner_id
        commercial.check_access("write")  # ownership first: the copy below runs as superuser
        template = commercial[field]
        if not template or not template.client_hub_partner_id:
            source = template or self.env.ref(xmlids[0], raise_if_not_found=False)
            if not source:
                raise UserError(_("The global template for this kind of document is missing."))
            template = source.sudo().copy(
                {"name": _("%(template)s (%(client)s)", template=source.name, client=commercial.name),
                 "client_hub_partner_id": commercial.id}
            ).sudo(False)
            commercial[field] = template
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.template",
            "res_id": template.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    # ------------------------------------------------------------------ metrics
    def _client_hub_company_move_domain(self):
        """Posted customer invoices and credit notes of the current company: what the figures add up."""
        return [
            ("move_type", "in", CUSTOMER_DOCUMENTS),
            ("state", "=", "posted"),
            ("company_id", "=", self.env.company.id),
        ]

    def _client_hub_move_domain(self):
        return [
            ("commercial_partner_id", "in", self.commercial_partner_id.ids),
            *self._client_hub_company_move_domain(),
        ]

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

    # ------------------------------------------------------------------ sort, filter, group
    # The client list sorts, filters and sums the four figures in SQL, over the very documents
    # and with the very domains _client_hub_metrics reads: each figure becomes an expression over
    # two per-client aggregates of the current company, LEFT JOINed on the row's commercial
    # partner. Nothing is stored, so nothing can go stale (an accounting write, a due date passing
    # overnight); the cost is one aggregate per sorted, filtered or grouped query.
    @api.model
    def _client_hub_grouped_sql(self, model_name, domain, groupby, aggregates):
        """``SELECT <groupby> AS partner_id, <aggregate> AS <name>... GROUP BY <groupby>``: the
        query ``env[model_name]._read_group(domain, [groupby], aggregates)`` would run (same
        domain, same record rules), as SQL to join."""
        model = self.env[model_name]
        query = model._search(domain)
        key = model._read_group_groupby(query.table, groupby, query)
        columns = [SQL("%s AS partner_id", key)]
        columns += [
            SQL("%s AS %s", model._read_group_select(spec, query), SQL.identifier(name))
            for name, spec in aggregates.items()
        ]
        query.groupby = key
        return query.select(*columns)

    @api.model
    def _client_hub_past_due_sql(self):
        """``SELECT partner_id, past_due``: per commercial partner, the residual of the open
        receivable items past due (the domain of _client_hub_overdue_item_domain, with the
        record rules of both models), its documents joined once as a table (the ORM's
        ``move_id any`` would scan them twice: as a sub-query, then to group by)."""
        Line, Move = self.env["account.move.line"], self.env["account.move"]
        query = Line._search(Move._client_hub_past_due_items(fields.Date.context_today(self)))
        moves = Move._search(self._client_hub_company_move_domain())
        move_alias = query.make_alias(query.table, "client_hub_move")
        documents = moves.subselect(
            Move._field_to_sql(moves.table, "id", moves),
            Move._field_to_sql(moves.table, "commercial_partner_id", moves),
        )
        query.add_join("JOIN", move_alias, documents, SQL(
            "%s = %s", SQL.identifier(move_alias, "id"), Line._field_to_sql(query.table, "move_id", query),
        ))
        key = SQL.identifier(move_alias, "commercial_partner_id")
        query.groupby = key
        return query.select(
            SQL("%s AS partner_id", key),
            SQL("SUM(%s) AS past_due", Line._field_to_sql(query.table, "amount_residual", query)),
        )

    def _client_hub_join(self, alias, query, link, subquery):
        """LEFT JOIN ``subquery`` (one row per commercial partner) on the row's commercial partner."""
        join_alias = query.make_alias(alias, link)
        query.add_join(
            "LEFT JOIN",
            join_alias,
            SQL("(%s)", subquery),
            SQL("%s = %s", SQL.identifier(join_alias, "partner_id"),
                self._field_to_sql(alias, "commercial_partner_id", query)),
        )
        return join_alias

    def _client_hub_metric_sql(self, alias, fname, query):
        """The figure ``fname`` of the rows of ``alias`` as an SQL expression (0 without documents)."""
        company_moves = self._client_hub_company_move_domain()
        totals = self._client_hub_join(alias, query, "client_hub_totals", self._client_hub_grouped_sql(
            "account.move", company_moves, "commercial_partner_id",
            {"invoiced": "amount_total_signed:sum", "outstanding": "amount_residual_signed:sum"},
        ))
        invoiced = SQL("COALESCE(%s, 0)", SQL.identifier(totals, "invoiced"))
        outstanding = SQL("COALESCE(%s, 0)", SQL.identifier(totals, "outstanding"))
        if fname == "lifetime_invoiced":
            return invoiced
        if fname == "balance_outstanding":
            return outstanding
        if fname == "lifetime_paid":
            return SQL("(%s - %s)", invoiced, outstanding)
        past_due = self._client_hub_join(alias, query, "client_hub_past_due", self._client_hub_past_due_sql())
        return SQL(
            "GREATEST(0, LEAST(COALESCE(%s, 0), %s))", SQL.identifier(past_due, "past_due"), outstanding
        )

    def _field_to_sql(self, alias, field_expr, query=None):
        if field_expr in (*CLIENT_HUB_METRICS, "client_hub_balance_state"):
            if query is None:
                raise ValueError(f"{field_expr} needs a query to join its aggregates")
            self._check_field_access(self._fields[field_expr], "read")
        if field_expr in CLIENT_HUB_METRICS:
            return self._client_hub_metric_sql(alias, field_expr, query)
        if field_expr == "client_hub_balance_state":
            outstanding = self._client_hub_metric_sql(alias, "balance_outstanding", query)
            return SQL(
                "(CASE WHEN %s > 0 THEN 'overdue' WHEN %s > 0 THEN 'owing' WHEN %s < 0 THEN 'credit' "
                "ELSE 'settled' END)",
                self._client_hub_metric_sql(alias, "balance_overdue", query), outstanding, outstanding,
            )
        if field_expr == "client_hub_currency_id":
            # the figures' currency is the current company's: one value for every row
            return SQL("%s::integer", self.env.company.currency_id.id)
        return super()._field_to_sql(alias, field_expr, query)

    def _read_group_groupby(self, alias, groupby_spec, query):
        if groupby_spec.split(":")[0] in (*CLIENT_HUB_METRICS, "client_hub_currency_id"):
            # amounts are summed, never grouped by; the currency is one for the whole list
            raise ValueError(f"Clients cannot be grouped by {groupby_spec!r}")
        return super()._read_group_groupby(alias, groupby_spec, query)

    def _order_to_sql(self, order, query, alias=None, reverse=False):
        """Clients with the same figure (many owe nothing) come in the usual order, so that pages
        of a list sorted by a figure never overlap."""
        if order and any(term.split()[0] in CLIENT_HUB_METRICS for term in order.split(",") if term.strip()):
            order = f"{order}, {self._order}"
        return super()._order_to_sql(order, query, alias=alias, reverse=reverse)

    @api.model
    def search_fetch(self, domain, field_names=None, offset=0, limit=None, order=None):
        """A page sorted or filtered by a figure has the per-client aggregates joined already: it
        reads its rows' figures from that same query, so that the page needs no aggregate of its
        own (the list sorted by Outstanding: one query instead of three)."""
        figures = [fname for fname in field_names or () if fname in CLIENT_HUB_FIGURE_FIELDS]
        if not figures or not self._client_hub_uses_figures(domain, order):
            return super().search_fetch(domain, field_names, offset=offset, limit=limit, order=order)
        query = self._search(domain, offset=offset, limit=limit, order=order or self._order)
        if query.is_empty():
            return super().search_fetch(domain, field_names, offset=offset, limit=limit, order=order)
        rows = self.env.execute_query(query.select(
            SQL.identifier(query.table, "id"),
            *(self._field_to_sql(query.table, fname, query)
              for fname in ("lifetime_invoiced", "balance_outstanding", "balance_overdue")),
        ))
        records = self.browse(row[0] for row in rows)
        # the very values _compute_client_hub_metrics gives (same SQL sums, same arithmetic)
        values = {fname: [] for fname in CLIENT_HUB_FIGURE_FIELDS}
        for _id, invoiced, outstanding, overdue in rows:
            values["lifetime_invoiced"].append(invoiced)
            values["lifetime_paid"].append(invoiced - outstanding)
            values["balance_outstanding"].append(outstanding)
            values["balance_overdue"].append(overdue)
            values["client_hub_balance_state"].append(self._client_hub_balance_state(outstanding, overdue))
        for fname, column in values.items():
            self._fields[fname]._insert_cache(records, column)
        records.fetch([fname for fname in field_names if fname not in CLIENT_HUB_FIGURE_FIELDS])
        return records

    @api.model
    def _client_hub_uses_figures(self, domain, order):
        """Whether a search sorts or filters by a figure (and thus joins the aggregates)."""
        if order and any(term.split()[0] in CLIENT_HUB_FIGURE_FIELDS for term in order.split(",") if term.strip()):
            return True
        return any(
            condition.field_expr in CLIENT_HUB_FIGURE_FIELDS for condition in Domain(domain).iter_conditions()
        )

    def _search_lifetime_invoiced(self, operator, value):
        return self._client_hub_metric_condition("lifetime_invoiced", operator, value)

    def _search_lifetime_paid(self, operator, value):
        return self._client_hub_metric_condition("lifetime_paid", operator, value)

    def _search_balance_outstanding(self, operator, value):
        return self._client_hub_metric_condition("balance_outstanding", operator, value)

    def _search_balance_overdue(self, operator, value):
        return self._client_hub_metric_condition("balance_overdue", operator, value)

    def _search_client_hub_balance_state(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        states = tuple(v for v in value if v) or (None,)
        sql_operator = SQL("IN") if operator == "in" else SQL("NOT IN")

        def to_sql(model, alias, query):
            return SQL("%s %s %s", model._field_to_sql(alias, "client_hub_balance_state", query), sql_operator, states)

        return Domain.custom(to_sql=to_sql)

    def _client_hub_metric_condition(self, fname, operator, value):
        """``(fname, operator, value)`` as a condition on the figure's SQL expression, e.g.
        ``('balance_outstanding', '>', 0)``: clients without documents count as 0."""
        if operator in ("in", "not in"):
            values = tuple(float(v) for v in value if v is not False and v is not None)
            if not values:
                return Domain.TRUE if operator == "not in" else Domain.FALSE
            sql_operator = SQL("IN") if operator == "in" else SQL("NOT IN")
        elif operator in METRIC_OPERATORS:
            values = float(value)
            sql_operator = SQL(METRIC_OPERATORS[operator])
        else:
            return NotImplemented

        def to_sql(model, alias, query):
            return SQL("%s %s %s", model._field_to_sql(alias, fname, query), sql_operator, values)

        return Domain.custom(to_sql=to_sql)

    def _client_hub_listed_figures(self):
        """{partner id: (invoiced, paid, outstanding, overdue)} as the client list sorts, filters
        and sums them (the SQL expressions above), in one query."""
        rows = self.with_context(active_test=False)._read_group(
            [("id", "in", self.ids)], ["id"], [f"{fname}:sum" for fname in CLIENT_HUB_METRICS]
        )
        return {partner.id: tuple(values) for partner, *values in rows}

    def _client_hub_figure_mismatches(self):
        """The clients whose listed figures differ from their dashboard's (computed from scratch
        by _client_hub_metrics): [(partner, field, listed, dashboard)], empty when all agree."""
        listed = self._client_hub_listed_figures()
        metrics = self._client_hub_metrics()
        mismatches = []
        currency = self.env.company.currency_id
        for partner in self:
            invoiced, outstanding, overdue = metrics.get(partner.commercial_partner_id.id, (0.0, 0.0, 0.0))
            dashboard = (invoiced, invoiced - outstanding, outstanding, overdue)
            for fname, mine, theirs in zip(CLIENT_HUB_METRICS, listed[partner.id], dashboard, strict=True):
                if not currency.is_zero(mine - theirs):
                    mismatches.append((partner, fname, mine, theirs))
        return mismatches

    # ------------------------------------------------------------------ 12-month chart
    def _client_hub_monthly(self, months=12):
        """Invoiced (by invoice date) and paid (by reconciliation date) per month."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        start = (today - relativedelta(months=months - 1)).replace(day=1)
        keys = [start + relativedelta(months=i) for i in range(months)]
        invoiced = dict.fromkeys(keys, 0.0)
        paid = dict.fromkeys(keys, 0.0)
        domain = [*self._client_hub_move_domain(), ("invoice_date", ">=", start)]
        for month, amount in self.env["account.move"]._read_group(
            domain, ["invoice_date:month"], ["amount_total_signed:sum"]
        ):
            invoiced[month] = amount
        for month, amount in self.env["account.partial.reconcile"]._read_group(
            [
                ("debit_move_id.move_id.commercial_partner_id", "=", self.commercial_partner_id.id),
                ("debit_move_id.move_id.move_type", "=", "out_invoice"),
                ("debit_move_id.move_id.state", "=", "posted"),
                ("company_id", "=", self.env.company.id),
                ("max_date", ">=", start),
            ],
            ["max_date:month"],
            ["amount:sum"],
        ):
            paid[month] = amount
        return keys, invoiced, paid

    @api.depends_context("company", "lang")
    def _compute_client_hub_chart(self):
        for partner in self:
            if not partner.id:
                partner.client_hub_chart = False
                continue
            keys, invoiced, paid = partner._client_hub_monthly()
            lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
            partner.client_hub_chart = monthly_bars_svg(
                labels=[month.strftime("%m/%y") for month in keys],
                series=[
                    (_("Invoiced"), [invoiced[k] for k in keys], "#71639e"),
                    (_("Paid"), [paid[k] for k in keys], "#28a745"),
                ],
                currency_symbol=partner.currency_id.symbol or "",
                thousands_sep=lang.thousands_sep or ",",
                title=_("Invoiced vs. paid over the last 12 months"),
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
            [("payment_state", "in", ("paid", "in_payment", "partial", "reversed"))],
        )

    def action_client_hub_outstanding(self):
        return self._client_hub_moves_action(
            _("Open documents of %s", self.commercial_partner_id.name),
            [("amount_residual_signed", "!=", 0)],
        )

    def action_client_hub_overdue(self):
        """The documents behind the overdue figure: invoices with a past-due open installment,
        and the past-due open credit notes that net it."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        items = self._client_hub_overdue_item_domain(today)[1:]
        return self._client_hub_moves_action(
            _("Overdue documents of %s", self.commercial_partner_id.name),
            [("line_ids", "any", items)],
        )

    # ------------------------------------------------------------------
    # Portal access through magic links
    # ------------------------------------------------------------------
    def _client_hub_magic_link_allowed(self):
        """Whether this contact may sign in to the portal with a magic link: active, with an
        email address, not an internal user, and not a portal user whose access was removed."""
        self.ensure_one()
        if not self.active or not self.email_normalized:
            return False
        users = self.sudo().with_context(active_test=False).user_ids
        if any(not user._is_portal() and not user._is_public() for user in users.filtered("active")):
            return False  # internal users keep Odoo's normal sign-in
        return not users or any(user.active and user._is_portal() for user in users)

    def _client_hub_issuing_companies(self):
        """The companies of this database that issued documents to this contact's commercial
        entity (posted invoices and credit notes, quotations sent and orders, support tickets).
        Runs as the system: it decides what the contact's portal user may see."""
        commercial = self.commercial_partner_id
        if not commercial:
            return self.env["res.company"]
        env = self.env(su=True)
        companies = env["res.company"]
        for model, domain in (
            ("account.move", [("commercial_partner_id", "in", commercial.ids),
                              ("move_type", "in", CUSTOMER_DOCUMENTS), ("state", "=", "posted")]),
            ("sale.order", [("partner_id.commercial_partner_id", "in", commercial.ids),
                            ("state", "in", ("sent", "sale"))]),
            ("helpdesk.ticket", [("commercial_partner_id", "in", commercial.ids)]),
        ):
            for (company,) in env[model].with_context(active_test=False)._read_group(domain, ["company_id"]):
                companies |= company
        return companies

    def _client_hub_sync_portal_companies(self, origin_company=None):
        """Allow this contact's portal user(s) exactly the companies that issued documents to its
        commercial entity, and ``origin_company`` (the company of the document a link was sent
        with): Odoo's multi-company rules then show the portal every document sent to the
        client, whichever company issued it, and nothing of the others. Writes only when the set
        changes (a change of companies clears the registry caches)."""
        self.ensure_one()
        users = self.with_env(self.env(su=True)).user_ids.filtered(lambda u: u._is_portal())
        if not users:
            return users
        wanted = self._client_hub_issuing_companies() | (origin_company or self.env["res.company"])
        if not wanted:
            return users  # nothing issued yet (e.g. a new-link request): keep what it has
        for user in users:
            if user.company_ids == wanted:
                continue
            main = user.company_id if user.company_id in wanted else (origin_company or wanted[:1])
            user.with_context(client_hub_company_sync=True).write(
                {"company_ids": [Command.set(wanted.ids)], "company_id": main.id}
            )
            _logger.info("client_hub: portal user %s allowed companies %s", user.id, wanted.ids)
        return users

    @api.model
    def _client_hub_grant_companies(self, pairs):
        """``pairs``: (commercial partner, company) of documents just issued. The portal users of
        those clients' contacts get the companies they miss (never lose one here)."""
        wanted = {}
        for commercial, company in pairs:
            if commercial and company:
                wanted.setdefault(commercial.id, set()).add(company.id)
        if not wanted:
            return
        users = self.env["res.users"].sudo().search(
            [("share", "=", True), ("partner_id.commercial_partner_id", "in", list(wanted))]
        )
        for user in users:
            missing = wanted[user.partner_id.commercial_partner_id.id] - set(user.company_ids.ids)
            if missing and user._is_portal():
                user.write({"company_ids": [Command.link(company_id) for company_id in sorted(missing)]})
                _logger.info("client_hub: portal user %s allowed companies %s", user.id, sorted(missing))

    def _client_hub_portal_user(self, origin_company=None):
        """The contact's portal user, created on the fly when missing: portal group, no usable
        password, no invitation email, allowed the companies that issued the client's documents.
        Only called once a valid magic link named this contact."""
        self.ensure_one()
        # runs inside the sign-in, before any user is known: act as the system
        partner = self.with_env(self.env(user=SUPERUSER_ID, su=True))
        user = partner.user_ids.filtered(lambda u: u._is_portal())[:1]
        if user or partner.with_context(active_test=False).user_ids:
            if user:
                partner._client_hub_sync_portal_companies(origin_company)
            return user
        companies = partner._client_hub_issuing_companies() | (origin_company or partner.env["res.company"])
        company = origin_company or partner.company_id or companies[:1] or partner.env.company
        companies |= company
        try:
            user = (
                partner.env["res.users"]
                .with_company(company)
                # no invitation email, and no chatter noise: the sign-in itself is logged below
                .with_context(
                    no_reset_password=True, tracking_disable=True, mail_create_nolog=True, mail_notrack=True
                )
                ._create_user_from_template({
                    "email": partner.email_normalized,
                    "login": partner.email_normalized,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "company_ids": [Command.set(companies.ids)],
                })
            )
        except SignupError:
            _logger.warning("client_hub: no portal user for contact %s (login already taken)", partner.id)
            return self.env["res.users"]
        _logger.info("client_hub: portal user %s created for contact %s on magic-link sign-in", user.id, partner.id)
        return user

    def _client_hub_send_portal_link(self):
        """Email this contact a fresh sign-in link (the template is in data/). The email is
        queued and Odoo's mail queue woken at once: it leaves within seconds, never from inside
        the request that asked for it, and without waiting for the queue's next periodic run."""
        self.ensure_one()
        links = self.env["client_hub.magic.link"]
        url = links._issue_url(self)
        template = self.env.ref("client_hub.mail_template_magic_link").sudo()
        template.with_context(
            client_hub_magic_link_url=url, client_hub_magic_link_days=links._lifetime_days()
        ).send_mail(
            self.id, force_send=False, email_layout_xmlid="mail.mail_notification_light"
        )
        self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()

    def action_client_hub_send_portal_link(self):
        self.ensure_one()
        self.check_access("write")
        if not self._client_hub_magic_link_allowed():
            raise UserError(
                _("%(contact)s cannot receive a portal link: the contact needs an email address, "
                  "must be active and must not be an internal user.", contact=self.display_name)
            )
        self._client_hub_send_portal_link()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("A portal link was sent to %s.", self.email_formatted),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_client_hub_revoke_links(self):
        self.check_access("write")
        contacts = self.env["res.partner"].sudo().with_context(active_test=False).search(
            [("commercial_partner_id", "in", self.commercial_partner_id.ids)]
        )
        revoked = self.env["client_hub.magic.link"]._revoke_for_partners(contacts, "manual")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if revoked else "info",
                "message": _("%s portal link(s) revoked.", len(revoked)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def write(self, vals):
        emails_before = {p.id: p.email_normalized for p in self} if "email" in vals else {}
        res = super().write(vals)
        links = self.env["client_hub.magic.link"]
        if "active" in vals and not vals["active"]:
            links._revoke_for_partners(self, "archived")
        if emails_before:
            changed = self.filtered(lambda p: p.email_normalized != emails_before[p.id])
            links._revoke_for_partners(changed, "email")
        return res
