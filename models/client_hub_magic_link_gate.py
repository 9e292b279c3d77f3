# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One row per (IP address, kind) of the magic-link rate limit: the lock that makes "count the
attempts of the window, then record one" a single atomic step (see
``client_hub.magic.link.attempt._acquire``)."""
from datetime import timedelta

from odoo import api, fields, models


class ClientHubMagicLinkGate(models.Model):
    _name = "client_hub.magic.link.gate"
    _description = "Client Portal Sign-in Rate Limit Lock"
    _log_access = False

    ip = fields.Char(string="IP Address", required=True, readonly=True)
    kind = fields.Char(required=True, readonly=True)
    at = fields.Datetime(string="Last Taken", required=True, readonly=True)

    _ip_kind_unique = models.Constraint("UNIQUE(ip, kind)", "One lock per IP address and kind.")

    @api.autovacuum
    def _gc_gates(self):
        self.sudo().search([("at", "<", fields.Datetime.now() - timedelta(days=1))]).unlink()
