# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import AccessDenied

from .client_hub_magic_link import CREDENTIAL_TYPE, MagicLinkError


class ResUsers(models.Model):
    _inherit = "res.users"

    def _login(self, credential, user_agent_env):
        """A magic link names its contact, not a login: resolve it (creating the contact's portal
        user on the fly) the way auth_passkey resolves a passkey, then let Odoo log in."""
        if credential.get("type") == CREDENTIAL_TYPE:
            link = self.env["client_hub.magic.link"]._check_token(credential.get("token"))
            user = link.partner_id._client_hub_portal_user(origin_company=link.origin_company_id)
            if not user:
                raise MagicLinkError("unavailable")
            credential["login"] = user.login
        return super()._login(credential, user_agent_env=user_agent_env)

    def _check_credentials(self, credential, env):
        if credential.get("type") == CREDENTIAL_TYPE:
            if not self.env.user._is_portal():
                raise AccessDenied()
            self.env["client_hub.magic.link"]._consume_token(credential.get("token"), self.env.user.partner_id)
            # a link proves access to the mailbox; a second factor the user set up still applies
            return {"uid": self.env.user.id, "auth_method": CREDENTIAL_TYPE, "mfa": "default"}
        return super()._check_credentials(credential, env)

    def write(self, vals):
        res = super().write(vals)
        if {"active", "group_ids"} & set(vals):
            lost = self.filtered(lambda user: not (user.active and user._is_portal()))
            self.env["client_hub.magic.link"]._revoke_for_partners(lost.partner_id, "portal")
        return res

    def unlink(self):
        partners = self.partner_id
        res = super().unlink()
        self.env["client_hub.magic.link"]._revoke_for_partners(partners.exists(), "portal")
        return res
