# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Per-IP rate limit of the magic-link routes, kept in the database so that every worker
process (``--workers``) and every server sees the same count."""
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

WINDOW_MINUTES = 15
# kind: the system parameter of its limit per window
LIMITS = {
    "failure": "client_hub.magic_link_max_failures",
    "request": "client_hub.magic_link_max_requests",
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
        return self.env["ir.config_parameter"]._client_hub_param(LIMITS[kind])

    @api.model
    def _acquire(self, ip, kind, reason=None):
        """Count one ``kind`` attempt of ``ip`` unless its allowance for the current window is used
        up: the id of the row recorded, or 0 (nothing recorded). One atomic step across workers and servers."""
        ip = ip or ""
        now = fields.Datetime.now()
        self.flush_model()
        # The first statement takes the (ip, kind) row of the gate: concurrent requests of the same
        # address wait for this transaction; under REPEATABLE READ the one that waited fails with a
        # serialization error and Odoo retries it on a snapshot that sees this request's row, so a
        # count is never read, then written, by two requests at once.
        self.env.cr.execute(SQL(
            """INSERT INTO client_hub_magic_link_gate (ip, kind, at)
                    VALUES (%(ip)s, %(kind)s, %(now)s)
               ON CONFLICT (ip, kind) DO UPDATE SET at = EXCLUDED.at""",
            ip=ip, kind=kind, now=now,
        ), log_exceptions=False)  # a serialization failure here is expected, and retried
        self.env.cr.execute(SQL(
            """INSERT INTO client_hub_magic_link_attempt (ip, kind, reason, at)
                    SELECT %(ip)s, %(kind)s, %(reason)s, %(now)s
                     WHERE (SELECT count(*) FROM client_hub_magic_link_attempt
                             WHERE ip = %(ip)s AND kind = %(kind)s AND at > %(since)s) < %(limit)s
               RETURNING id""",
            ip=ip, kind=kind, reason=reason, now=now, since=now - timedelta(minutes=WINDOW_MINUTES),
            limit=self._limit(kind),
        ))
        row = self.env.cr.fetchone()
        return row[0] if row else 0

    @api.model
    def _release(self, attempt_id):
        """A sign-in attempt that did not fail gives its slot back."""
        self.env.cr.execute(SQL("DELETE FROM client_hub_magic_link_attempt WHERE id = %s", attempt_id))

    @api.model
    def _fail(self, attempt_id, reason):
        self.env.cr.execute(SQL("UPDATE client_hub_magic_link_attempt SET reason = %s WHERE id = %s",
                                reason, attempt_id))

    @api.autovacuum
    def _gc_attempts(self):
        self.sudo().search([("at", "<", fields.Datetime.now() - timedelta(days=1))]).unlink()
