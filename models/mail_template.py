# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError

# The documents whose emails a client may replace:
#   kind -> (res.partner field holding the client's template, model, global templates it replaces)
# Every way Odoo sends these documents (send wizard, batch send, composer, automatic
# confirmation) renders one of the global templates listed here.
CLIENT_TEMPLATE_KINDS = {
    "invoice": ("invoice_mail_template_id", "account.move", ("account.email_template_edi_invoice",)),
    "credit_note": ("credit_note_mail_template_id", "account.move", ("account.email_template_edi_credit_note",)),
    "quote": (
        "quote_mail_template_id",
        "sale.order",
        ("sale.email_template_edi_sale", "sale.mail_template_sale_confirmation"),
    ),
    # the first is the one a client's copy starts from: client_hub's, which greets the person it
    # is sent to (online payments send one receipt per person)
    "receipt": (
        "receipt_mail_template_id",
        "account.payment",
        ("client_hub.mail_template_payment_receipt", "account.mail_template_data_payment_receipt"),
    ),
    "reminder": ("reminder_mail_template_id", "res.partner", ("client_hub.mail_template_payment_reminder",)),
}


class MailTemplate(models.Model):
    _inherit = "mail.template"

    client_hub_partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        help="Set on a client's own copy of a global template: sending that client's documents "
        "uses it instead of the global one.",
    )

    # ------------------------------------------------------------------ ownership
    def _client_hub_check_client_access(self):
        """A client's template is edited by whoever may edit the client, and only them."""
        clients = self.client_hub_partner_id
        if clients:
            try:
                clients.check_access("write")
            except AccessError as exc:
                raise AccessError(
                    _("Only users who may edit the client can change its email templates.")
                ) from exc

    def write(self, vals):
        self._client_hub_check_client_access()
        return super().write(vals)

    def unlink(self):
        self._client_hub_check_client_access()
        return super().unlink()

    # ------------------------------------------------------------------ redirection
    @api.model
    def _client_hub_global_kind(self):
        """{template id: kind} of the global templates a client may replace."""
        kinds = {}
        for kind, (_field, _model, xmlids) in CLIENT_TEMPLATE_KINDS.items():
            for xmlid in xmlids:
                template = self.env.ref(xmlid, raise_if_not_found=False)
                if template:
                    kinds[template.id] = kind
        return kinds

    def _client_hub_split(self, res_ids):
        """For a global template: {client template: [res ids]} of the records whose client
        replaced it. Empty for any other template (a client's own copy never redirects)."""
        self.ensure_one()
        if self.client_hub_partner_id or not res_ids or not self.model:
            return {}
        if self.env.context.get("client_hub_no_redirect"):
            return {}
        if self.id not in self._client_hub_global_kind():
            return {}
        records = self.env[self.model].browse(res_ids)
        split = {}
        for record in records:
            template = record._client_hub_mail_template()
            if template and template != self:
                split.setdefault(template, []).append(record.id)
        return split

    def _check_can_be_rendered(self, fnames=None, render_options=None):
        """Saving a template checks *that* template, never a client's replacement."""
        return super(MailTemplate, self.with_context(client_hub_no_redirect=True))._check_can_be_rendered(
            fnames=fnames, render_options=render_options
        )

    def _client_hub_per_template(self, res_ids, render):
        """``render(template, ids)`` on this template's own records and, for records whose client
        replaced it, on the client's template; results merged by record id."""
        split = self._client_hub_split(res_ids) if len(self) == 1 else {}
        if not split:
            return render(self, res_ids)
        redirected = {res_id for ids in split.values() for res_id in ids}
        rest = [res_id for res_id in res_ids if res_id not in redirected]
        result = render(self, rest) if rest else {}
        for template, ids in split.items():
            result.update(render(template, ids))
        return result

    # explicit super(MailTemplate, template) below: it runs on `template`, which may be a
    # client's template rather than self
    def _render_field(self, field, res_ids, *args, **kwargs):
        def render(template, ids):
            return super(MailTemplate, template)._render_field(field, ids, *args, **kwargs)  # noqa: UP008

        return self._client_hub_per_template(res_ids, render)

    def _generate_template(self, res_ids, render_fields, *args, **kwargs):
        def generate(template, ids):
            return super(MailTemplate, template)._generate_template(ids, render_fields, *args, **kwargs)  # noqa: UP008

        return self._client_hub_per_template(res_ids, generate)
