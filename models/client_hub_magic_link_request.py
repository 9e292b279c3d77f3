# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
""""Send me a new link": the request is written down, and a job woken at once answers it.

The route does the same work whatever the address (one row, one wake-up of the job), so its
answer takes the same time for a client contact, another person or a typo: looking the address
up, issuing a link and writing the email happen in the job, which then wakes Odoo's mail queue.
The row is in the database, so any worker or server may take it.
"""
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, email_normalize

_logger = logging.getLogger(__name__)

CRON_XMLID = "client_hub.ir_cron_client_hub_magic_link_request"
BATCH_SIZE = 200
# a link that would arrive later than this is not what the visitor waits for any more
ANSWER_WITHIN_MINUTES = 60


class ClientHubMagicLinkRequest(models.Model):
    _name = "client_hub.magic.link.request"
    _description = "Client Portal Sign-in Link Request"
    _order = "id"
    _log_access = False

    email = fields.Char(required=True, readonly=True, help="The address typed, normalized.")
    at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)

    @api.model
    def _enqueue(self, email):
        """Record a request for ``email`` and wake the job. Reads nothing that depends on the
        address: the same statements for every address."""
        email = (email or "").strip()[:254]
        self.sudo().create({"email": email_normalize(email, strict=True) or email.lower()})
        self.env.ref(CRON_XMLID).sudo()._trigger()

    @api.model
    def _cron_send_links(self):
        """Answer the waiting requests: a fresh link to each client contact asked for (once per
        contact per run), nothing to any other address; the requests are then deleted."""
        self.env.cr.execute(SQL(
            """SELECT id, email, at FROM client_hub_magic_link_request
                ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
            BATCH_SIZE,
        ))
        rows = self.env.cr.fetchall()
        if not rows:
            return
        too_old = fields.Datetime.now() - timedelta(minutes=ANSWER_WITHIN_MINUTES)
        Link = self.env["client_hub.magic.link"].sudo()
        answered = set()
        for _request_id, email, at in rows:
            if at < too_old:
                continue
            contact = Link._find_contact_by_email(email)
            if not contact or contact.id in answered:
                continue
            answered.add(contact.id)
            try:
                with self.env.cr.savepoint():
                    contact._client_hub_send_portal_link()
            except Exception:  # one contact's failure does not hold the others' links; logged in full
                _logger.exception("client_hub: sign-in link to contact %s not sent", contact.id)
        self.browse([row[0] for row in rows]).unlink()
        _logger.info("client_hub: %s sign-in link request(s) answered, %s email(s)", len(rows), len(answered))
        if len(rows) == BATCH_SIZE:
            self.env.ref(CRON_XMLID)._trigger()  # more are waiting

    @api.autovacuum
    def _gc_requests(self):
        """Requests the job could not take (cron stopped): not kept past a day."""
        self.sudo().search([("at", "<", fields.Datetime.now() - timedelta(days=1))]).unlink()
