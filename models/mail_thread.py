# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..lib.mail_auth import HEADER as AUTHENTICATION_RESULTS


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        """The mail gateway: the message's ``Authentication-Results`` headers (top to bottom) go
        with it to ``message_new``/``message_update`` in the context, always set here (whatever a
        caller's context said) so that a model can tell what the receiving server checked."""
        headers = tuple(str(value) for value in (message.get_all(AUTHENTICATION_RESULTS) or ()))
        return super(MailThread, self.with_context(client_hub_authentication_results=headers)
                     )._message_route_process(message, message_dict, routes)

    def _client_hub_magic_link_target(self):
        """``(client, portal path)`` when emails about this record should carry a magic link for
        the client's contacts, else ``(empty partner, None)``. Overridden by the document models."""
        return self.env["res.partner"], None

    def _notify_get_recipients_classify(self, message, recipients_data, model_description, msg_vals=False):
        """The single place where document emails get their links: each contact of the
        document's client gets its own group, hence its own email whose main button is a magic
        link for that contact. Everybody else keeps Odoo's normal links."""
        groups = super()._notify_get_recipients_classify(
            message, recipients_data, model_description, msg_vals=msg_vals
        )
        if len(self) != 1:
            return groups
        client, path = self._client_hub_magic_link_target()
        if not client:
            return groups
        # The mass-mail composer classifies an in-memory message and sends ONE body to all the
        # recipients of a record: a personal link is only safe there when that body has a single
        # recipient. Notifications (a stored message) send one email per group.
        shared_body = not message.id
        if shared_body and sum(len(group["recipients_data"]) for group in groups) != 1:
            return groups
        return self.env["client_hub.magic.link"]._personalize_notification_groups(self, groups, client, path)
