# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clients: payment reminders. One email per client and company per run, at the highest level
due, to the invoice address contact, queued; sent exactly once under concurrent runs."""
import logging
from datetime import timedelta
from urllib.parse import urlencode

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.fields import Command
from odoo.tools import SQL

from ..lib.periods import default_period

_logger = logging.getLogger(__name__)

REMINDER_TEMPLATE = "client_hub.mail_template_payment_reminder"
PAY_ALL_PATH = "/my/statement/pay"


class ResPartner(models.Model):
    _inherit = "res.partner"

    client_hub_reminders_paused_until = fields.Date(
        string="Reminders Paused Until",
        tracking=True,
        help="No payment reminder goes to this client until this date (included).",
    )
    client_hub_reminders_pause_reason = fields.Char(string="Pause Reason", tracking=True)
    reminder_mail_template_id = fields.Many2one(
        "mail.template",
        string="Payment Reminder Email",
        domain="[('model', '=', 'res.partner'), ('client_hub_partner_id', 'in', [id, False])]",
        help="Used instead of the global payment reminder whenever this client is reminded.",
    )
    client_hub_last_reminder_date = fields.Date(string="Last Reminder", compute="_compute_client_hub_reminders")
    client_hub_last_reminder_level_id = fields.Many2one(
        "client_hub.reminder.level", string="Last Reminder Level", compute="_compute_client_hub_reminders"
    )
    client_hub_next_reminder_date = fields.Date(string="Next Reminder", compute="_compute_client_hub_reminders")
    client_hub_next_reminder_level_id = fields.Many2one(
        "client_hub.reminder.level", string="Next Reminder Level", compute="_compute_client_hub_reminders"
    )

    # ------------------------------------------------------------------ templates
    def _client_hub_mail_template(self):
        """The client's own reminder template (the redirection of mail_template.py)."""
        self.ensure_one()
        return self.commercial_partner_id._client_hub_mail_template_for("reminder")

    # ------------------------------------------------------------------ last and next reminder
    @api.depends_context("company", "allowed_company_ids")
    def _compute_client_hub_reminders(self):
        """Last reminder sent and next one (level, date) in the current companies: a batch of
        clients costs the same few queries as one."""
        today = fields.Date.context_today(self)
        commercials = self.commercial_partner_id
        companies = self.env.companies
        last = {}
        for partner, level, date in self.env["client_hub.reminder.log"].sudo()._read_group(
            [("partner_id", "in", commercials.ids), ("company_id", "in", companies.ids)],
            ["partner_id", "level_id", "date:day"], order="date:day desc",
        ):
            last.setdefault(partner.id, (level, date))
        nexts = self._client_hub_next_reminders(today, commercials, companies)
        for partner in self:
            commercial_id = partner.commercial_partner_id.id
            level, date = last.get(commercial_id, (False, False))
            partner.client_hub_last_reminder_level_id = level
            partner.client_hub_last_reminder_date = date
            level, date = nexts.get(commercial_id, (False, False))
            partner.client_hub_next_reminder_level_id = level
            partner.client_hub_next_reminder_date = date

    @api.model
    def _client_hub_next_reminders(self, today, commercials, companies):
        """{client id: (level, date)}: the next reminder each client will get (the earliest over
        its companies), after the minimum interval since its last one and after its pause."""
        if not commercials:
            return {}
        Level = self.env["client_hub.reminder.level"]
        ladders = Level._client_hub_ladders(companies)
        items = self.env["account.move"]._client_hub_reminder_items(today, commercials, companies, paused=True)
        sent = self._client_hub_last_reminder_dates(commercials, companies)
        min_days = self.env["ir.config_parameter"]._client_hub_param("client_hub.reminder_min_days")
        per_group = {}
        for move, date_due in items.items():
            per_group.setdefault((move.commercial_partner_id, move.company_id), []).append((move, date_due))
        result = {}
        for (commercial, company), moves in per_group.items():
            ladder = ladders.get(company.id, Level)
            dates = []
            for move, date_due in moves:
                last = move.client_hub_reminder_level_id
                above = ladder.filtered(lambda level, last=last: not last or level.days > last.days)
                if above:
                    dates.append(max(today, date_due + timedelta(days=above[0].days)))
            if not dates:
                continue
            date = min(dates)
            if company.id in sent.get(commercial.id, {}):
                date = max(date, sent[commercial.id][company.id] + timedelta(days=min_days))
            if commercial.client_hub_reminders_paused_until:
                date = max(date, commercial.client_hub_reminders_paused_until + timedelta(days=1))
            level = Level
            for move, date_due in moves:
                reached = Level._client_hub_reached(ladder, (date - date_due).days)
                last = move.client_hub_reminder_level_id
                if reached and (not last or reached.days > last.days) and (not level or reached.days > level.days):
                    level = reached
            if level and (commercial.id not in result or date < result[commercial.id][1]):
                result[commercial.id] = (level, date)
        return result

    @api.model
    def _client_hub_last_reminder_dates(self, commercials, companies):
        """{client id: {company id: date of its last reminder email}}: one query."""
        sent = {}
        for partner, company, date in self.env["client_hub.reminder.log"].sudo()._read_group(
            [("partner_id", "in", commercials.ids), ("company_id", "in", companies.ids)],
            ["partner_id", "company_id"], ["date:max"],
        ):
            sent.setdefault(partner.id, {})[company.id] = date
        return sent

    # ------------------------------------------------------------------ the run
    @api.model
    def _cron_client_hub_payment_reminders(self):
        """The daily run: every client due for a reminder gets one email per company. Each client
        is committed on its own inside the cron: an interrupted run resumes where it stopped."""
        return self._client_hub_send_reminders()

    @api.model
    def _client_hub_send_reminders(self, partners=None, as_of=None, force=False):
        """Send the reminders due (on ``as_of``, default today) to ``partners`` (default: every
        client). ``force`` (Send now) skips the minimum interval. Returns the emails queued."""
        today = fields.Date.context_today(self)
        Move = self.env["account.move"]
        due = Move._client_hub_reminders_due(today, partners=partners, as_of=as_of)
        if not force and due:
            min_days = self.env["ir.config_parameter"]._client_hub_param("client_hub.reminder_min_days")
            clients = self.browse({client.id for client, _company in due})
            sent = self._client_hub_last_reminder_dates(clients, self.env["res.company"].browse(
                {company.id for _client, company in due}))
            due = {
                key: value for key, value in due.items()
                if not (last := sent.get(key[0].id, {}).get(key[1].id)) or (today - last).days >= min_days
            }
        in_cron = bool(self.env.context.get("cron_id"))
        if in_cron:
            self.env["ir.cron"]._commit_progress(remaining=len(due))
        mails = self.env["mail.mail"]
        for client, company in sorted(due, key=lambda key: (key[0].id, key[1].id)):
            mails |= client._client_hub_remind(company, today, as_of=as_of, force=force)
            if in_cron and not self.env["ir.cron"]._commit_progress(1):
                break  # out of time: the cron runs again soon and goes on
        return mails

    def _client_hub_lock_invoices(self, company):
        """Lock this client's open invoices of ``company`` (SKIP LOCKED); False when another run,
        or a payment being recorded, holds one of them: that client waits for the next run."""
        self.ensure_one()
        domain = [*self.env["account.move"]._client_hub_open_invoice_domain(),
                  ("commercial_partner_id", "=", self.id), ("company_id", "=", company.id)]
        query = self.env["account.move"].sudo()._search(domain)
        ids = set(query)
        if not ids:
            return False
        # a row another transaction changed since this one began raises a serialization failure:
        # expected (the caller skips the client), not an error to log
        self.env.cr.execute(SQL(
            "SELECT id FROM account_move WHERE id IN %s ORDER BY id FOR UPDATE SKIP LOCKED", tuple(ids)
        ), log_exceptions=False)
        return {row[0] for row in self.env.cr.fetchall()} == ids

    def _client_hub_remind(self, company, today, as_of=None, force=False):
        """Under the lock of this client's invoices, check again what is due and send one email at
        the highest level due; record the level on each invoice; log it. Returns the mail.mail."""
        self.ensure_one()
        mails = self.env["mail.mail"]
        # the ORM's pending writes go to the database, but not the transaction's precommit hooks
        # (other records' tracking emails): those run when the caller commits, as without reminders
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                if not self._client_hub_lock_invoices(company):
                    _logger.info("client_hub reminders: client %s busy elsewhere, skipped", self.id)
                    return mails
                self.env.invalidate_all()
                Move = self.env["account.move"]
                due = Move._client_hub_reminders_due(today, partners=self, companies=company, as_of=as_of)
                moves = due.get((self, company))
                if not moves:
                    return mails
                if not force:
                    min_days = self.env["ir.config_parameter"]._client_hub_param("client_hub.reminder_min_days")
                    last = self._client_hub_last_reminder_dates(self, company).get(self.id, {}).get(company.id)
                    if last and (today - last).days < min_days:
                        return mails
                mails = self._client_hub_reminder_mail(company, today, moves)
        except (pg_errors.SerializationFailure, pg_errors.LockNotAvailable):
            self.env.invalidate_all(flush=False)
            _logger.info("client_hub reminders: client %s changed during the run, skipped", self.id)
        return mails

    def _client_hub_reminder_recipient(self):
        """The invoice address contact when the client has one with an email, else the client."""
        self.ensure_one()
        contact = self.browse(self.address_get(["invoice"])["invoice"])
        return contact if contact.email else self

    def _client_hub_reminder_context(self, company, today, level, link_url, display_date=None):
        """What the reminder template shows (the context of its rendering): the client's open
        invoices of ``company`` it may be reminded of, their due dates and days late, the total
        overdue per currency, the magic link."""
        self.ensure_one()
        recipient = self._client_hub_reminder_recipient()
        tz_today = display_date or fields.Date.context_today(
            self.with_context(tz=recipient.tz or self.env.context.get("tz")))
        items = self.env["account.move"]._client_hub_reminder_items(today, self, company)
        rows, totals = [], {}
        for move, date_due in sorted(items.items(), key=lambda item: (item[1], item[0].name)):
            late = (tz_today - date_due).days
            rows.append({"name": move.name, "date_due": date_due, "days_late": late,
                         "amount": move.amount_residual, "currency": move.currency_id})
            if late > 0:
                totals[move.currency_id] = totals.get(move.currency_id, 0.0) + move.amount_residual
        return {
            "client_hub_reminder_rows": rows,
            "client_hub_reminder_totals": list(totals.items()),
            "client_hub_reminder_company": company,
            "client_hub_reminder_level_name": level.with_context(lang=recipient.lang).name,
            "client_hub_reminder_url": link_url,
            "client_hub_recipient_id": recipient.id,
            "client_hub_recipient_lang": recipient.lang,
            "client_hub_recipient_name": recipient.name,
        }

    def _client_hub_reminder_preview(self, today):
        """The next reminder of this client as it will be sent (its sign-in link aside): level,
        company, date, recipient, subject and body; None when no reminder is coming."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        level, date = self._client_hub_next_reminders(today, commercial, self.env.companies).get(
            commercial.id, (None, None))
        if not level:
            return None
        company = level.company_id
        values = commercial._client_hub_reminder_context(company, today, level, "#", display_date=date)
        template = commercial._client_hub_reminder_template(level).sudo().with_company(company).with_context(**values)
        rendered = template._generate_template([commercial.id], ("subject", "body_html"))[commercial.id]
        return {
            "level_id": level.id, "company_id": company.id, "date": date,
            "recipient_id": values["client_hub_recipient_id"],
            "subject": rendered.get("subject"), "body_html": rendered.get("body_html"),
        }

    def _client_hub_reminder_template(self, level):
        return level.mail_template_id or self.env.ref(REMINDER_TEMPLATE)

    def _client_hub_pay_url(self, recipient, company, moves):
        """A magic link signing ``recipient`` in straight onto Pay all outstanding (of ``company``,
        and of the invoices' currency when they have one), or the page itself when the contact
        may not use magic links."""
        params = {"company_id": company.id}
        if len(moves.currency_id) == 1:
            params["currency"] = moves.currency_id.name
        path = f"{PAY_ALL_PATH}?{urlencode(params)}"
        Link = self.env["client_hub.magic.link"].sudo()
        if recipient._client_hub_magic_link_allowed():
            return Link._issue_url(recipient, origin=moves.sorted("id")[:1], redirect=path)
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        return f"{base_url.rstrip('/')}{path}"

    def _client_hub_reminder_mail(self, company, today, moves):
        """Queue the email for ``moves`` ({invoice: level}), record and log it."""
        self.ensure_one()
        level = max(moves.values(), key=lambda level: level.days)
        recipient = self._client_hub_reminder_recipient()
        if not recipient.email:
            _logger.warning("client_hub reminders: client %s has no email address", self.id)
            return self.env["mail.mail"]
        invoices = self.env["account.move"].sudo().browse([move.id for move in moves])
        values = self._client_hub_reminder_context(
            company, today, level, self._client_hub_pay_url(recipient, company, invoices)
        )
        template = self._client_hub_reminder_template(level).sudo().with_context(**values)
        email_values = {}
        if level.attach_statement:
            email_values["attachment_ids"] = [Command.link(self._client_hub_reminder_statement(company, today).id)]
        mail = self.env["mail.mail"].sudo().browse(template.with_company(company).send_mail(
            self.id, force_send=False, email_values=email_values,
            email_layout_xmlid="mail.mail_notification_light",
        ))
        # record: each invoice its own level, then the history and the chatters
        for reached in set(moves.values()):
            invoices.filtered(lambda move, reached=reached: moves[move] == reached).with_context(
                tracking_disable=True).write({"client_hub_reminder_level_id": reached.id,
                                              "client_hub_reminder_date": today})
        self.env["client_hub.reminder.log"].sudo().create([{
            "move_id": move.id, "partner_id": self.id, "company_id": company.id, "level_id": moves[move].id,
            "date": today, "recipient_id": recipient.id, "amount_residual": move.amount_residual_signed,
            "mail_id": mail.id,
        } for move in invoices])
        # the chatters name the email, never carry it: its sign-in link is the contact's alone
        self.sudo()._message_log(body=_(
            "Payment reminder “%(level)s” (%(subject)s) sent to %(contact)s about %(invoices)s.",
            level=level.name, subject=mail.subject, contact=recipient.display_name,
            invoices=", ".join(invoices.mapped("name")),
        ))
        note = _("Payment reminder “%(level)s” sent to %(contact)s.", level=level.name, contact=recipient.display_name)
        invoices._message_log_batch(bodies=dict.fromkeys(invoices.ids, note))
        return mail

    def _client_hub_reminder_statement(self, company, today):
        """The client's statement PDF of the default period, as an attachment."""
        Report = self.env["report.client_hub.report_client_statement"].sudo().with_company(company)
        date_from, date_to = default_period(today)
        pdf = Report._render_statement_pdf(self, date_from, date_to, company)
        return self.env["ir.attachment"].sudo().create({
            "name": _("Statement %(client)s.pdf", client=self.name),
            "raw": pdf, "mimetype": "application/pdf", "res_model": "res.partner", "res_id": self.id,
        })

    # ------------------------------------------------------------------ Collections actions
    def action_client_hub_send_reminder(self):
        """Send now: the next reminder of each selected client, without waiting for its date."""
        today = fields.Date.context_today(self)
        commercials = self.commercial_partner_id
        commercials.check_access("write")
        nexts = self._client_hub_next_reminders(today, commercials, self.env.companies)
        mails = self.env["mail.mail"]
        for client in commercials:
            if client.id in nexts:
                mails |= self._client_hub_send_reminders(partners=client, as_of=nexts[client.id][1], force=True)
        if mails:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if mails else "warning",
                "message": _("%(count)s payment reminder(s) queued.", count=len(mails)) if mails
                else _("No payment reminder is due for these clients."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_client_hub_preview_reminder(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Next Payment Reminder"),
            "res_model": "client_hub.reminder.preview",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_client_hub_pause_reminders(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Pause Payment Reminders"),
            "res_model": "client_hub.reminder.pause",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids},
        }

    def action_client_hub_resume_reminders(self):
        self.commercial_partner_id.write({
            "client_hub_reminders_paused_until": False, "client_hub_reminders_pause_reason": False,
        })

    def action_client_hub_overdue_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [*self.env["account.move"]._client_hub_open_invoice_domain(),
                            ("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action
