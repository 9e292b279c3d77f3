# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Per-IP rate limit of the magic-link routes, kept in the database so that every worker process and
server sees the same count. Failed sign-ins and new-link requests are recorded; a sign-in reads."""
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
    def _allowed(self, ip, kind):
        """Whether ``ip`` has some of its ``kind`` allowance left in the current window. A read that
        takes no lock: simultaneous sign-ins from one address do not wait for each other."""
        self.env.cr.execute(SQL(
            """SELECT count(*) FROM client_hub_magic_link_attempt
                WHERE ip = %s AND kind = %s AND at > %s""",
            ip or "", kind, fields.Datetime.now() - timedelta(minutes=WINDOW_MINUTES),
        ))
        return self.env.cr.fetchone()[0] < self._limit(kind)

    @api.model
    def _acquire(self, ip, kind, reason=None):
        """Record one ``kind`` attempt of ``ip`` unless its allowance for the window is used up: the
        row's id, or 0. Atomic across workers and servers: the upsert locks the (ip, kind) gate row, and
        a request that waited for it fails to serialize and is run again by Odoo, seeing the other's row."""
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

    @api.autovacuum
    def _gc_attempts(self):
        self.sudo().search([("at", "<", fields.Datetime.now() - timedelta(days=1))]).unlink()
