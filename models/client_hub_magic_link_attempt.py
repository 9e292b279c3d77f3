# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Per-IP rate limit of the magic-link routes, kept in the database so that every worker
process (``--workers``) sees the same count."""
from datetime import timedelta

from odoo import api, fields, models

WINDOW_MINUTES = 15
# kind: (system parameter, default limit per window)
LIMITS = {
    "failure": ("client_hub.magic_link_max_failures", 10),
    "request": ("client_hub.magic_link_max_requests", 5),
}


class ClientHubMagicLinkAttempt(models.Model):
    _name = "client_hub.magic.link.attempt"
    _description = "Client Portal Sign-in Attempt"
    _order = "id desc"
    _log_access = False

    ip = fields.Char(string="IP Address", required=True, readonly=True)
    kind = fields.Selection(
        [("failure", "Failed sign-in"), ("request", "New link requested")], required=True, readonly=True
    )
    reason = fields.Char(readonly=True)
    at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    _ip_kind_at_idx = models.Index("(ip, kind, at)")

    @api.model
    def _limit(self, kind):
        param, default = LIMITS[kind]
        value = self.env["ir.config_parameter"].sudo().get_param(param)
        try:
            return max(int(value), 1) if value else default
        except (TypeError, ValueError):
            return default

    @api.model
    def _is_limited(self, ip, kind):
        """True when ``ip`` used up its allowance of ``kind`` in the current window."""
        since = fields.Datetime.now() - timedelta(minutes=WINDOW_MINUTES)
        count = self.sudo().search_count(
            [("ip", "=", ip or ""), ("kind", "=", kind), ("at", ">", since)], limit=self._limit(kind)
        )
        return count >= self._limit(kind)

    @api.model
    def _record(self, ip, kind, reason=None):
        self.sudo().create({"ip": ip or "", "kind": kind, "reason": reason})

    @api.autovacuum
    def _gc_attempts(self):
        self.sudo().search([("at", "<", fields.Datetime.now() - timedelta(days=1))]).unlink()
