# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Support tickets (OCA helpdesk_mgmt) as the client hub needs them: who must answer next, the mail
gateway's trust in replies (a stranger or an unauthenticated team address makes a flagged internal
note, which never leaves the company), reopening on a client's reply, a client's files."""
import logging

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, html_sanitize

from ..lib import mail_auth, support_files

_logger = logging.getLogger(__name__)

# set by the mail gateway (mail.thread._message_route_process): the message's Authentication-Results
CONTEXT_AUTH_RESULTS = "client_hub_authentication_results"
UNVERIFIED = "client_hub_unverified_sender"
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
        is assigned, the team's agents are notified. Of the To/Cc (helpdesk_mgmt subscribes every
        known partner among them), only the sender's colleagues stay followers: anybody could
        otherwise have a client's contact emailed, from the company's address, whatever a
        stranger writes to the support alias."""
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
        entity = ticket.partner_id.commercial_partner_id
        outsiders = ticket.message_partner_ids.filtered(
            lambda partner: not self._client_hub_is_team_author(partner)
            and (not entity or partner.commercial_partner_id != entity)
        )
        if outsiders:
            ticket.message_unsubscribe(partner_ids=outsiders.ids)
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

    def _client_hub_untrusted_reason(self, msg):
        """Why this reply by email may not speak for its sender: "unknown" (not a contact of the
        ticket's client nor a team member), "unauthenticated" (claims a team member's address
        the receiving mail server did not authenticate, when the setting asks for it), or None."""
        self.ensure_one()
        author_id = msg.get("author_id")
        author = self.env["res.partner"].sudo().browse(author_id).exists() if author_id else None
        if author and self._client_hub_is_team_author(author):
            if self._client_hub_require_authenticated_staff() and not self._client_hub_sender_authenticated(msg):
                return "unauthenticated"
            return None
        if not self._client_hub_sender_belongs(author_id, msg.get("email_from")):
            return "unknown"
        return None

    @api.model
    def _client_hub_sender_authenticated(self, msg):
        """The receiving mail server's ``Authentication-Results`` say the From address sent it."""
        headers = self.env.context.get(CONTEXT_AUTH_RESULTS)
        if not headers:
            return False
        authserv_id = self.env["ir.config_parameter"]._client_hub_param("client_hub.support_authserv_id") or None
        return mail_auth.sender_authenticated(headers, email_normalize(msg.get("email_from") or ""), authserv_id)

    @api.model
    def _client_hub_require_authenticated_staff(self):
        return self.env["ir.config_parameter"]._client_hub_param("client_hub.support_require_authenticated_staff")

    def message_update(self, msg, update_vals=None):
        """A reply by email, judged ticket by ticket. From a stranger (see ``_client_hub_untrusted_reason``):
        kept as a flagged internal note, its To/Cc neither subscribed nor kept as Cc. From the client on a
        closed ticket: reopens it when the setting says so."""
        trusted = self.browse()
        flagged = None
        for ticket in self:
            reason = ticket._client_hub_untrusted_reason(msg)
            if not reason:
                trusted |= ticket
                continue
            note = ticket._client_hub_flagged_note(msg, reason)
            flagged = flagged or note
            # helpdesk_mgmt subscribes the partners of To/Cc, mail.thread.cc keeps the Cc for
            # the next answers: neither for a sender nobody vouches for
            super(HelpdeskTicket, ticket).message_update(dict(note, to="", cc=""), update_vals=update_vals)
        reopen = trusted.filtered("client_hub_is_closed") if self._client_hub_reopen_on_reply() else self.browse()
        for stage, tickets in reopen.grouped(lambda ticket: ticket._client_hub_reopen_stage()).items():
            if stage:
                reopening = dict(update_vals or {}, stage_id=stage.id)
                super(HelpdeskTicket, tickets).message_update(msg, update_vals=reopening)
                trusted -= tickets
        if trusted:
            super(HelpdeskTicket, trusted).message_update(msg, update_vals=update_vals)
        if flagged:
            # the gateway posts the message from this very dict (mail.thread._message_route_process)
            msg.update(flagged)
        return True

    def _client_hub_flagged_note(self, msg, reason):
        """``msg`` as an internal note of this ticket, headed by why its sender was not believed."""
        sender = msg.get("email_from") or "?"
        if reason == "unauthenticated":
            warning = _(
                "Claims to come from a team member (%(sender)s) but the mail server did not "
                "authenticate it (SPF, DKIM, DMARC). Kept as an internal note; the client does "
                "not see it.", sender=sender,
            )
        else:
            warning = _(
                "From an unknown sender (%(sender)s): not a contact of this ticket's client. Kept as "
                "an internal note; the client does not see it.", sender=sender,
            )
        _logger.warning("client_hub: reply to ticket %s from an %s sender kept as a note", self.id,
                        "unauthenticated team" if reason == "unauthenticated" else "unknown")
        body = Markup("<p><strong>%s</strong></p>") % warning + html_sanitize(msg.get("body") or "")
        return dict(msg, is_internal=True, body=body, **{UNVERIFIED: True})

    # ------------------------------------------------------------------ flagged notes stay inside
    @api.model
    def _client_hub_is_unverified(self, message, msg_vals=None):
        if msg_vals:  # message_post gives every value of the message it created
            return bool(msg_vals.get(UNVERIFIED))
        return bool(message) and message.sudo()[UNVERIFIED]

    def _client_hub_internal_partners(self, partner_ids):
        partners = self.env["res.partner"].sudo().browse(partner_ids or []).exists()
        return partners.filtered(lambda partner: self._client_hub_is_team_author(partner))

    def _get_message_create_valid_field_names(self):
        return super()._get_message_create_valid_field_names() | {UNVERIFIED}

    def message_post(self, **kwargs):
        if kwargs.get(UNVERIFIED):
            # Odoo's gateway pings the author of the message replied to (the client, for a forged
            # In-Reply-To) and may subscribe the customer: internal users only, nobody subscribed
            kwargs["partner_ids"] = self._client_hub_internal_partners(kwargs.get("partner_ids")).ids
            self = self.with_context(mail_post_autofollow=False, mail_post_autofollow_author_skip=True)
        elif not self.env.user._is_internal():
            files = self._client_hub_own_pending_files(kwargs.get("attachment_ids"))
            self._client_hub_check_client_files(files, attachments=kwargs.get("attachments"))
        return super().message_post(**kwargs)

    def _message_update_content(self, message, /, *, body, attachment_ids=None, partner_ids=None, strict=True,
                                **kwargs):
        if attachment_ids and not self.env.user._is_internal():
            files = self._client_hub_own_pending_files(attachment_ids)
            self._client_hub_check_client_files(files, count=len(message.sudo().attachment_ids | files))
        return super()._message_update_content(
            message, body=body, attachment_ids=attachment_ids, partner_ids=partner_ids, strict=strict, **kwargs
        )

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        """A flagged note reaches internal users only (never the client, a stranger or a
        follower without an internal user), whatever the channel (email, inbox, push)."""
        recipients = super()._notify_get_recipients(message, msg_vals=msg_vals, **kwargs)
        if self._client_hub_is_unverified(message, msg_vals):
            recipients = [r for r in recipients if r.get("id") and r.get("uid") and not r.get("share")]
        return recipients

    def _notify_thread_with_out_of_office(self, message, recipients_data, msg_vals=False, **kwargs):
        """No automatic answer (it quotes the message) to a sender nobody vouches for."""
        if self._client_hub_is_unverified(message, msg_vals):
            return self.env["mail.message"]
        return super()._notify_thread_with_out_of_office(message, recipients_data, msg_vals=msg_vals, **kwargs)

    def _message_get_suggested_recipients_batch(self, reply_discussion=False, reply_message=None, **kwargs):
        """Answering a flagged note does not propose its sender, its To/Cc or the author of the
        message it claims to answer."""
        if reply_message and reply_message.sudo()[UNVERIFIED]:
            reply_message = None
        return super()._message_get_suggested_recipients_batch(
            reply_discussion=reply_discussion, reply_message=reply_message, **kwargs
        )

    def _sort_suggested_messages(self, messages):
        return super()._sort_suggested_messages(messages.filtered(lambda message: not message.sudo()[UNVERIFIED]))

    # ------------------------------------------------------------------ a client's files
    @api.model
    def _client_hub_max_upload_mb(self):
        return self.env["ir.config_parameter"]._client_hub_param("client_hub.support_max_upload_mb")

    @api.model
    def _client_hub_file_error(self, name, size):
        """Why a client may not attach this file to a ticket (a sentence), or None."""
        problem = support_files.file_problem(name, size, self._client_hub_max_upload_mb())
        shown = support_files.safe_attachment_name(name)
        if problem == "type":
            return _(
                "%(file)s: this type of file cannot be attached (allowed: PDF, images, office "
                "documents, text, CSV, ZIP and emails).", file=shown,
            )
        if problem == "size":
            return _("%(file)s is larger than %(max)s MB.", file=shown, max=self._client_hub_max_upload_mb())
        return None

    @api.model
    def _client_hub_files_error(self, files, count=None):
        """The first reason a client may not attach these ``(name, size)`` to one message (which
        carries ``count`` files in all, these by default), or None."""
        if (len(files) if count is None else count) > support_files.MAX_FILES:
            return _("Attach at most %(count)s files to a ticket.", count=support_files.MAX_FILES)
        for name, size in files:
            error = self._client_hub_file_error(name, size)
            if error:
                return error
        return None

    @api.model
    def _client_hub_own_pending_files(self, attachment_ids):
        """The files a message by a client will actually bring (Odoo links, for a non-internal
        user, only the pending uploads it created; the others are ignored)."""
        records = self.env["ir.attachment"].sudo().browse(attachment_ids or []).exists()
        return records.filtered(
            lambda record: record.res_model in ("mail.compose.message", "mail.scheduled.message")
            and record.create_uid.id == self.env.uid
        )

    @api.model
    def _client_hub_check_client_files(self, records, attachments=None, count=None):
        """A client's message to a ticket (portal reply, edit): the new-ticket rules for its files
        (``count``: the number the message will carry), else a UserError; their names lose any
        folder part."""
        files = [(record.name, record.file_size) for record in records]
        files += [(item[0], len(item[1] or b"")) for item in attachments or ()]
        error = self._client_hub_files_error(files, count=count)
        if error:
            raise UserError(error)
        for record in records:
            safe = support_files.safe_attachment_name(record.name)
            if safe != record.name:
                record.name = safe

    @api.model
    def _client_hub_reopen_on_reply(self):
        return self.env["ir.config_parameter"]._client_hub_param("client_hub.support_reopen_on_reply")

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
