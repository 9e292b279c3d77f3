# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payment reminders: each company's ladder of levels, and what each level brought in."""
from odoo import _, api, fields, models

# the ladder every company gets at install and at its creation: (days after the due date, name,
# statement attached). Names are code terms: French comes from i18n/fr.po.
DEFAULT_LADDER = (
    (-3, "Friendly heads-up", False),
    (1, "Payment reminder", False),
    (7, "Second reminder", False),
    (14, "Firm reminder", False),
    (30, "Final notice", True),
)


def _default_ladder_names(env):
    """{English name: its translation in ``env``'s language} of the default levels."""
    return {
        "Friendly heads-up": env._("Friendly heads-up"),
        "Payment reminder": env._("Payment reminder"),
        "Second reminder": env._("Second reminder"),
        "Firm reminder": env._("Firm reminder"),
        "Final notice": env._("Final notice"),
    }


class ClientHubReminderLevel(models.Model):
    _name = "client_hub.reminder.level"
    _description = "Payment Reminder Level"
    _order = "days, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    days = fields.Integer(
        required=True,
        help="Days after the due date when this reminder goes out; negative: before the due date.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, ondelete="cascade"
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'res.partner')]",
        help="Empty: the addon's payment reminder (or the client's own reminder template).",
    )
    attach_statement = fields.Boolean(help="The client's statement PDF is attached to the email.")
    active = fields.Boolean(default=True)
    # "Does it work?": from the reminders sent (client_hub.reminder.report)
    reminded_count = fields.Integer(string="Invoices Reminded", compute="_compute_results")
    paid_count = fields.Integer(string="Paid Within 7 Days", compute="_compute_results")
    amount_collected = fields.Monetary(
        string="Collected Within 7 Days", compute="_compute_results", currency_field="currency_id"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    _days_company_unique = models.Constraint(
        "UNIQUE(company_id, days)", "A company has one reminder level for a given number of days."
    )

    def _compute_results(self):
        results = {
            level.id: (count, paid, amount)
            for level, count, paid, amount in self.env["client_hub.reminder.report"].sudo()._read_group(
                [("level_id", "in", self.ids)], ["level_id"], ["__count", "paid_count:sum", "amount_collected:sum"]
            )
        }
        for level in self:
            level.reminded_count, level.paid_count, level.amount_collected = results.get(level.id, (0, 0, 0.0))

    @api.model
    def _client_hub_ladders(self, companies=None):
        """{company id: its active levels, ordered by days} of ``companies`` (default: every
        company): one query."""
        domain = [("company_id", "in", companies.ids)] if companies is not None else []
        ladders = {}
        for level in self.sudo().search_fetch(
            domain, ["days", "company_id", "name", "mail_template_id", "attach_statement"]
        ):
            ladders.setdefault(level.company_id.id, self.browse())
            ladders[level.company_id.id] |= level
        return ladders

    @api.model
    def _client_hub_reached(self, ladder, days_late):
        """The highest level of ``ladder`` whose days are at most ``days_late`` (empty: none)."""
        reached = self.browse()
        for level in ladder:
            if level.days <= days_late:
                reached = level
        return reached

    @api.model
    def _client_hub_create_default_ladders(self, companies=None):
        """The default ladder for each company that has no level yet (archived ones count), its
        names in every installed language."""
        companies = companies if companies is not None else self.env["res.company"].sudo().search([])
        Level = self.sudo().with_context(active_test=False, lang="en_US")
        have = {company.id for [company] in Level._read_group([("company_id", "in", companies.ids)], ["company_id"])}
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        vals = [
            {"name": name, "days": days, "attach_statement": attach, "company_id": company.id}
            for company in companies if company.id not in have
            for days, name, attach in DEFAULT_LADDER
        ]
        levels = Level.create(vals)
        levels._client_hub_translate_default_names(langs)
        return levels

    def _client_hub_translate_default_names(self, langs):
        """Give the levels still named as a default level that name's translation in ``langs``
        (the terms of i18n/<lang>.po): at their creation, and when a language is loaded later."""
        for lang in langs:
            names = _default_ladder_names(self.with_context(lang=lang).env)
            for level in self.with_context(lang="en_US"):
                if level.name in names and names[level.name] != level.name:
                    level.update_field_translations("name", {lang: names[level.name]})

    @api.model
    def action_client_hub_results(self):
        """Does it work? Per level, the invoices reminded and what was paid within 7 days."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Reminder Results"),
            "res_model": "client_hub.reminder.report",
            "view_mode": "list,pivot",
            "context": {"group_by": ["level_id"]},
        }
