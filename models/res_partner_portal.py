# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clients: portal access through magic links, portal users and the companies they may see."""
import logging

from odoo import SUPERUSER_ID, Command, _, api, fields, models

from odoo.addons.auth_signup.models.res_partner import SignupError

from .account_move import CUSTOMER_DOCUMENTS

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    client_hub_magic_link_ids = fields.One2many(
        "client_hub.magic.link",
        "commercial_partner_id",
        string="Portal Links",
        readonly=True,
        help="Sign-in links sent to this client's contacts, newest first.",
    )

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
        """The contact's portal user, created on the fly when missing (portal group, no usable password,
        no invitation email) with the companies that issued the client's documents and ``origin_company``.
        Only called once a valid magic link named this contact."""
        self.ensure_one()
        # runs inside the sign-in, before any user is known: act as the system
        partner = self.with_env(self.env(user=SUPERUSER_ID, su=True))
        user = partner.user_ids.filtered(lambda u: u._is_portal())[:1]
        if user or partner.with_context(active_test=False).user_ids:
            # the companies are granted when a document is posted or a link issued: a returning
            # sign-in only makes sure its link's company was not taken away since
            if user and origin_company and origin_company not in user.company_ids:
                user.write({"company_ids": [Command.link(origin_company.id)]})
                _logger.info("client_hub: portal user %s allowed company %s", user.id, origin_company.id)
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
        self._client_hub_send_portal_link()  # a contact who cannot sign in gets the reason (UserError)
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
