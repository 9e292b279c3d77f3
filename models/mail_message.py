# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    client_hub_unverified_sender = fields.Boolean(
        string="Unverified Sender",
        readonly=True,
        copy=False,
        help="Received by email from a sender nobody vouches for (not a contact of the ticket's "
        "client, or a team member's address the mail server did not authenticate): kept as an "
        "internal note that only internal users are notified of.",
    )
