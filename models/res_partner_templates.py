# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Clients: their own email templates (copies of the global ones, see mail_template.py)."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .mail_template import CLIENT_TEMPLATE_KINDS


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Per-client email templates (copies of the global ones, see mail_template.py)
    invoice_mail_template_id = fields.Many2one(
        "mail.template",
        string="Invoice Email",
        domain="[('model', '=', 'account.move'), ('client_hub_partner_id', 'in', [id, False])]",
        help="Used instead of the global invoice email whenever this client's invoices are sent "
        "(and its credit notes, unless a credit note email is set).",
    )
    credit_note_mail_template_id = fields.Many2one(
        "mail.template",
        string="Credit Note Email",
        domain="[('model', '=', 'account.move'), ('client_hub_partner_id', 'in', [id, False])]",
    )
    quote_mail_template_id = fields.Many2one(
        "mail.template",
        string="Quotation and Order Email",
        domain="[('model', '=', 'sale.order'), ('client_hub_partner_id', 'in', [id, False])]",
        help="Used instead of the global quotation and order confirmation emails.",
    )
    receipt_mail_template_id = fields.Many2one(
        "mail.template",
        string="Payment Receipt Email",
        domain="[('model', '=', 'account.payment'), ('client_hub_partner_id', 'in', [id, False])]",
    )

    @api.constrains(*[field for field, _model, _xmlids in CLIENT_TEMPLATE_KINDS.values()])
    def _check_client_hub_templates(self):
        for partner in self:
            for field, model, _xmlids in CLIENT_TEMPLATE_KINDS.values():
                template = partner[field]
                if template and template.model != model:
                    raise ValidationError(
                        _(
                            "The template %(template)s is written for %(wrong)s records; "
                            "%(field)s needs one for %(model)s.",
                            template=template.name,
                            wrong=template.model,
                            field=partner._fields[field].get_description(self.env)["string"],
                            model=self.env["ir.model"]._get(model).name,
                        )
                    )

    def _client_hub_mail_template_for(self, kind):
        """This client's template for a kind of document, or an empty recordset."""
        commercial = self.commercial_partner_id
        template = commercial[CLIENT_TEMPLATE_KINDS[kind][0]]
        if not template and kind == "credit_note":
            template = commercial.invoice_mail_template_id
        return template

    def action_client_hub_customize_template(self):
        """Start the client's own template from a copy of the global one and open it in
        Odoo's template editor (placeholders, preview, attachments, translations)."""
        self.ensure_one()
        kind = self.env.context.get("client_hub_template_kind")
        if kind not in CLIENT_TEMPLATE_KINDS:
            raise UserError(_("Unknown kind of email template."))
        field, _model, xmlids = CLIENT_TEMPLATE_KINDS[kind]
        commercial = self.commercial_partner_id
        commercial.check_access("write")  # ownership first: the copy below runs as superuser
        template = commercial[field]
        if not template or not template.client_hub_partner_id:
            source = template or self.env.ref(xmlids[0], raise_if_not_found=False)
            if not source:
                raise UserError(_("The global template for this kind of document is missing."))
            template = source.sudo().copy(
                {"name": _("%(template)s (%(client)s)", template=source.name, client=commercial.name),
                 "client_hub_partner_id": commercial.id}
            ).sudo(False)
            commercial[field] = template
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.template",
            "res_id": template.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
