# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clients: scheduled statements. On the first days of a month (of a quarter), each client asking
for them gets, from each company it has documents in, one email with the statement PDF of the
period just ended, its aging buckets, the total outstanding and a magic link onto *Pay all
outstanding*. Exactly once per client and period: the period sent is stored on the client, read
and written under a row lock, and each client is committed on its own (an interrupted run resumes,
two runs at once never both send)."""
import logging

from odoo import Command, api, fields, models
from odoo.tools import SQL

from ..lib.periods import scheduled_period, statement_filename
from .account_move import CUSTOMER_DOCUMENTS
from .res_partner_aging import AGING_FIELDS

_logger = logging.getLogger(__name__)

STATEMENT_FREQUENCIES = [("none", "None"), ("monthly", "Monthly"), ("quarterly", "Quarterly")]
PAY_ALL_PATH = "/my/statement/pay"


class ResPartner(models.Model):
    _inherit = "res.partner"

    client_hub_statement_frequency = fields.Selection(
        STATEMENT_FREQUENCIES,
        string="Scheduled Statement",
        default="none",
        required=True,
        help="Email this client its statement of account on the first day of each month or quarter "
        "(January, April, July, October): the statement PDF of the period just ended, what it owes "
        "by age and a link to pay it all. A client that owes nothing and had no document in the "
        "period gets nothing.",
    )
    client_hub_statement_last_sent = fields.Date(
        string="Last Statement Period",
        readonly=True,
        copy=False,
        help="The last day of the last period whose scheduled statement was sent.",
    )

    # ------------------------------------------------------------------ the cron job
    @api.model
    def _cron_client_hub_statements(self):
        """Send the scheduled statements due today (the date of the context's time zone), one
        client at a time, each committed: a run stopped half way resumes at the next run."""
        today = fields.Date.context_today(self)
        todo = []
        for frequency, _label in STATEMENT_FREQUENCIES:
            period = scheduled_period(frequency, today)
            if not period:
                continue
            clients = self.with_context(active_test=True).search([
                ("client_hub_statement_frequency", "=", frequency),
                "|", ("is_company", "=", True), ("parent_id", "=", False),
                "|", ("client_hub_statement_last_sent", "=", False),
                ("client_hub_statement_last_sent", "<", period[1]),
            ], order="id")
            todo += [(client.id, *period) for client in clients]
        Cron = self.env["ir.cron"]
        Cron._commit_progress(remaining=len(todo))  # each client's lock is then the first read of its transaction
        queued = False
        for index, (client_id, date_from, date_to) in enumerate(todo):
            try:
                with self.env.cr.savepoint():
                    queued |= bool(self.browse(client_id)._client_hub_send_scheduled_statement(date_from, date_to))
            except Exception:  # one client's failure (a PDF that cannot render) never holds up the others
                _logger.exception("client_hub: scheduled statement of partner %s failed, retried next run", client_id)
                self.env.invalidate_all()
            if not Cron._commit_progress(1, remaining=len(todo) - index - 1):
                break  # out of time: the cron runs again at once and takes the rest
        if queued:  # the emails leave now, not at the mail queue's next hourly run
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()

    def _client_hub_send_scheduled_statement(self, date_from, date_to):
        """Queue this client's statement of ``date_from``-``date_to``, one email per company it has
        documents in, unless that period went out already or another run holds the client now.
        Returns the emails queued (mail.mail)."""
        self.ensure_one()
        self.env.flush_all()
        locked = self.env.execute_query(SQL(
            "SELECT client_hub_statement_last_sent FROM res_partner WHERE id = %s FOR UPDATE SKIP LOCKED", self.id,
        ))
        if not locked or (locked[0][0] and locked[0][0] >= date_to):
            return self.env["mail.mail"]
        self.invalidate_recordset(["client_hub_statement_last_sent"])
        mails = self.env["mail.mail"]
        for company in self._client_hub_statement_companies(date_from, date_to):
            mails |= self._client_hub_queue_statement(company, date_from, date_to)
        self.client_hub_statement_last_sent = date_to
        return mails

    def _client_hub_statement_companies(self, date_from, date_to):
        """The companies whose statement of the period this client gets: those it owes money to,
        or that booked a document or payment of it in the period."""
        self.ensure_one()
        Move = self.env["account.move"].sudo()
        owing = Move._read_group([
            ("commercial_partner_id", "=", self.id), ("move_type", "in", CUSTOMER_DOCUMENTS), ("state", "=", "posted"),
        ], ["company_id"], ["amount_residual_signed:sum"])
        Report = self.env["report.client_hub.report_client_statement"]
        active = self.env["account.move.line"].sudo()._read_group([
            *Report._receivable_domain(self, self.env["res.company"].sudo().search([])),
            ("date", ">=", date_from), ("date", "<=", date_to),
        ], ["company_id"], ["__count"])
        companies = self.env["res.company"].sudo().browse(
            {company.id for company, amount in owing if company.currency_id.compare_amounts(amount, 0.0) > 0}
            | {company.id for company, _count in active}
        )
        return companies.sorted(lambda company: (company.sequence, company.id))

    def _client_hub_statement_recipient(self):
        """Who receives the client's statement: its invoice address contact, else (or when that
        contact has no email address) the client."""
        contact = self.browse(self.address_get(["invoice"])["invoice"])
        return contact if contact.email_normalized else self

    def _client_hub_queue_statement(self, company, date_from, date_to):
        """Render the statement PDF of ``company`` through the report, and queue the email."""
        recipient = self._client_hub_statement_recipient()
        if not recipient.email_normalized:
            _logger.warning("client_hub: no email address for the statement of partner %s", self.id)
            return self.env["mail.mail"]
        client = self.with_company(company).with_context(allowed_company_ids=company.ids)
        env_lang = client.with_context(lang=recipient.lang or client.env.lang, tz=recipient.tz or "UTC")
        pdf = env_lang.env["report.client_hub.report_client_statement"]._render_statement_pdf(
            self, date_from, date_to, company,
        )
        attachment = self.env["ir.attachment"].sudo().create({
            "name": statement_filename(self.name, date_from, date_to),
            "raw": pdf,
            "mimetype": "application/pdf",
            "res_model": "res.partner",
            "res_id": self.id,
        })
        buckets = client._client_hub_aging().get(self.id, dict.fromkeys(AGING_FIELDS, 0.0))
        outstanding = sum(buckets.values())
        pay_url = False
        if company.currency_id.compare_amounts(outstanding, 0.0) > 0 and recipient._client_hub_magic_link_allowed():
            pay_url = self.env["client_hub.magic.link"]._issue_url(
                recipient, redirect=f"{PAY_ALL_PATH}?company_id={company.id}",
            )
        template = self.env.ref("client_hub.mail_template_client_statement")
        mail_id = template.with_company(company).with_context(
            client_hub_statement_client=self,
            client_hub_statement_company=company,
            client_hub_statement_date_from=date_from,
            client_hub_statement_date_to=date_to,
            client_hub_statement_aging=buckets,
            client_hub_statement_outstanding=outstanding,
            client_hub_statement_pay_url=pay_url,
        ).send_mail(recipient.id, email_values={"attachment_ids": [Command.link(attachment.id)]})
        _logger.info("client_hub: statement %s-%s of partner %s queued (company %s)",
                     date_from, date_to, self.id, company.id)
        return self.env["mail.mail"].browse(mail_id)
