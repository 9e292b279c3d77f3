# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Support tickets (OCA helpdesk_mgmt), as the client hub needs them.

- Who must answer: ``client_hub_waiting`` is "team" while the last public message came from the
  client (or the ticket is new), "client" once the team answered; it feeds the backend badge and
  the portal's "awaiting your reply". ``client_hub_last_activity`` is the date of the last public
  message.
- The mail gateway: an email to the support alias from an unknown address opens a ticket for a
  new contact made from the sender's name and address; a reply whose sender is neither a contact
  of the ticket's client nor an internal user is kept as an internal note flagged as coming from
  an unknown sender (forging ``References`` never lets a stranger write into a client's ticket);
  a client's reply reopens a closed ticket when the setting asks for it.
"""
import logging

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import email_normalize, html_sanitize

_logger = logging.getLogger(__name__)

PARAM_REOPEN = "client_hub.support_reopen_on_reply"
BADGE_NOTIFICATION = "client_hub/support_badge"


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    client_hub_invoice_id = fields.Many2one(
        "account.move",
        string="About Invoice",
        index="btree_not_null",
        ondelete="set null",
        domain="[('move_type', 'in', ('out_invoice', 'out_refund')), "
        "('commercial_partner_id', '=', commercial_partner_id)]",
        help="The invoice or credit note the client asked about.",
    )
    client_hub_waiting = fields.Selection(
        [("team", "Awaiting our answer"), ("client", "Awaiting the client")],
        string="Awaiting",
        default="team",
        index=True,
        copy=False,
        help="Awaiting our answer: the ticket is new, or the last public message came from the "
        "client. Awaiting the client: the team answered last.",
    )
    client_hub_last_activity = fields.Datetime(
        string="Last Activity",
        default=fields.Datetime.now,
        copy=False,
        help="Date of the last public message of the conversation.",
    )
    client_hub_is_closed = fields.Boolean(related="stage_id.closed", store=True, string="Is Closed")

    # ------------------------------------------------------------------ who must answer
    @api.model
    def _client_hub_awaiting_domain(self):
        return [("client_hub_waiting", "=", "team"), ("client_hub_is_closed", "=", False)]

    @api.model
    def client_hub_awaiting_count(self):
        """The backend badge: open tickets awaiting the team's answer that the current user may
        see (its record rules apply). One count query."""
        if not self.has_access("read"):
            return -1
        return self.search_count(self._client_hub_awaiting_domain())

    def _client_hub_notify_badge(self):
        """Tell the helpdesk users' web clients to refresh their badge (Odoo's bus)."""
        group = self.env.ref("helpdesk_mgmt.group_helpdesk_user_own", raise_if_not_found=False)
        if group:
            group.sudo().all_user_ids.partner_id._bus_send(BADGE_NOTIFICATION, {"ticket_ids": self.ids})

    def _client_hub_is_team_author(self, author):
        return bool(author) and any(not user.share for user in author.sudo().user_ids)

    def _message_post_after_hook(self, message, msg_vals):
        """Each public message says who must answer next."""
        res = super()._message_post_after_hook(message, msg_vals)
        comment = self.env.ref("mail.mt_comment")
        public = (
            message.message_type in ("comment", "email")
            and not message.is_internal
            and message.subtype_id == comment
        )
        if public:
            waiting = "client" if self._client_hub_is_team_author(message.author_id) else "team"
            self.sudo().write({"client_hub_waiting": waiting, "client_hub_last_activity": message.date})
            self._client_hub_notify_badge()
        return res

    @api.model_create_multi
    def create(self, vals_list):
        """A ticket created for a contact (from the portal, an email, the seeder, an import...)
        carries the contact's name and email, as the backend form's onchange would set them."""
        partners = self.env["res.partner"].sudo().browse(
            {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        )
        for vals in vals_list:
            if vals.get("partner_id"):
                partner = partners.browse(vals["partner_id"])
                if not vals.get("partner_name"):
                    vals["partner_name"] = partner.name
                if not vals.get("partner_email"):
                    vals["partner_email"] = partner.email
        tickets = super().create(vals_list)
        tickets._client_hub_notify_badge()
        return tickets

    def write(self, vals):
        res = super().write(vals)
        if "stage_id" in vals:
            self._client_hub_notify_badge()  # a closed ticket leaves the badge
        return res

    # ------------------------------------------------------------------ the team's agents
    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        """A ticket that reaches a team with nobody assigned (from the portal, by email) is
        followed by the team's members and its leader, with the "ticket created" subtype: they
        are notified of the new ticket, then of the client's replies, until one takes it."""
        res = super()._message_auto_subscribe_followers(updated_values, default_subtype_ids)
        team_id = updated_values.get("team_id")
        if not team_id or updated_values.get("user_id") or any(self.mapped("user_id")):
            return res
        team = self.env["helpdesk.ticket.team"].sudo().browse(team_id)
        agents = (team.user_ids | team.user_id).filtered(lambda user: user.active and not user.share)
        created = self.env.ref("helpdesk_mgmt.hlp_tck_created", raise_if_not_found=False)
        subtypes = set(default_subtype_ids) | ({created.id} if created else set())
        followed = {partner_id for partner_id, _sids, _template in res}
        res += [(partner.id, subtypes, False) for partner in agents.partner_id if partner.id not in followed]
        return res

    # ------------------------------------------------------------------ mail gateway
    @api.model
    def message_new(self, msg, custom_values=None):
        """A new ticket by email: the sender is the ticket's contact, a new contact made from its
        name and address when it is unknown; it follows its ticket, so replies reach it; nobody
        is assigned, the team's agents are notified."""
        if not msg.get("author_id") and msg.get("email_from"):
            partner = self.env["mail.thread"]._partner_find_from_emails_single(
                [msg["email_from"]], no_create=False
            )
            if partner:
                msg["author_id"] = partner.id
                _logger.info("client_hub: contact %s created for a support email from a new sender", partner.id)
        # helpdesk_mgmt's "auto assign" gives a new ticket to the user creating it: here the mail
        # gateway's technical user. Nobody is assigned: the team's agents are notified instead.
        custom_values = dict(custom_values or {})
        custom_values.setdefault("user_id", False)
        ticket = super().message_new(msg, custom_values=custom_values)
        if ticket.partner_id:
            ticket.message_subscribe(partner_ids=ticket.partner_id.ids)
        return ticket

    def _client_hub_sender_belongs(self, author_id, email_from):
        """The sender of a reply may write into this ticket: an internal user, or a contact of the
        ticket's client (when the ticket has no client yet, its own sender address)."""
        self.ensure_one()
        author = self.env["res.partner"].sudo().browse(author_id).exists() if author_id else None
        if author and self._client_hub_is_team_author(author):
            return True
        if self.commercial_partner_id:
            return bool(author) and author.commercial_partner_id == self.commercial_partner_id
        return bool(email_from) and email_normalize(email_from) == email_normalize(self.partner_email or "")

    def message_update(self, msg, update_vals=None):
        """A reply by email. From a stranger (forged ``References``/``In-Reply-To``, a colleague of
        another client...): kept for the team as an internal note flagged as such, never shown to
        the client as theirs. From the client on a closed ticket: reopens it when the setting says
        so."""
        for ticket in self:
            if not ticket._client_hub_sender_belongs(msg.get("author_id"), msg.get("email_from")):
                msg["is_internal"] = True
                warning = Markup("<p><strong>%s</strong></p>") % _(
                    "From an unknown sender (%(sender)s): not a contact of this ticket's client. Kept as "
                    "an internal note; the client does not see it.", sender=msg.get("email_from") or "?",
                )
                msg["body"] = warning + html_sanitize(msg.get("body") or "")
                _logger.warning("client_hub: reply to ticket %s from an unknown sender kept as a note", ticket.id)
                return super().message_update(msg, update_vals=update_vals)
            if ticket.client_hub_is_closed and self._client_hub_reopen_on_reply():
                stage = ticket._client_hub_reopen_stage()
                if stage:
                    update_vals = dict(update_vals or {}, stage_id=stage.id)
        return super().message_update(msg, update_vals=update_vals)

    @api.model
    def _client_hub_reopen_on_reply(self):
        return self.env["ir.config_parameter"].sudo().get_param(PARAM_REOPEN, "True") not in ("False", "0", "")

    def _client_hub_reopen_stage(self):
        """The first open stage of the ticket's team (Odoo's own order)."""
        self.ensure_one()
        teams = self.team_id or self.env["helpdesk.ticket.team"]
        stages = teams._get_applicable_stages()
        return stages.filtered(lambda stage: not stage.closed)[:1]

    # ------------------------------------------------------------------ portal
    def _client_hub_public_attachments(self):
        """The files a client may download from its ticket page: those sent with the ticket and
        with public messages, never those of internal notes (helpdesk_mgmt lists every
        attachment of the ticket)."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"].sudo()
        attachments = Attachment.search(
            [("res_model", "=", self._name), ("res_id", "=", self.id), ("res_field", "=", False)], order="id"
        )
        internal = self.env["mail.message"].sudo().search([
            ("model", "=", self._name), ("res_id", "=", self.id),
            "|", ("is_internal", "=", True), ("subtype_id.internal", "=", True),
        ]).attachment_ids
        return attachments - internal

    # ------------------------------------------------------------------ magic links
    def _client_hub_magic_link_target(self):
        """Replies to a ticket sign its client's contacts straight into the ticket."""
        if self.partner_id:
            return self.partner_id, self.access_url
        return super()._client_hub_magic_link_target()
