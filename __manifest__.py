# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Client Hub",
    "summary": "Client profiles, 360° dashboard, per-client email templates, "
    "magic-link client portal and support tickets",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/client-hub/client_hub",
    "author": "client_hub contributors",
    "license": "AGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "mail",
        "portal",
        "base_vat",
        "account_payment",
        "payment_stripe",
        "sale_management",
        "helpdesk_mgmt",
    ],
    "external_dependencies": {
        "python": ["pyjwt"],
    },
    "data": [
        "security/client_hub_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "data/magic_link_data.xml",
        "data/payment_receipt_data.xml",
        "report/report_templates.xml",
        "views/client_hub_magic_link_views.xml",
        "views/portal_magic_link_templates.xml",
        "views/portal_company_templates.xml",
        "views/portal_statement_templates.xml",
        "views/portal_export_templates.xml",
        "views/portal_pay_templates.xml",
        "views/portal_support_templates.xml",
        "views/portal_accessibility_templates.xml",
        "views/magic_link_email_templates.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/client_hub_menus.xml",
        "data/client_hub_filters_data.xml",
        "report/client_hub_statement_report.xml",
        "views/statement_pdf_templates.xml",
        "wizard/client_hub_statement_wizard_views.xml",
        "views/res_partner_statement_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "client_hub/static/src/scss/client_hub.scss",
            "client_hub/static/src/support/**/*",
        ],
        "web.assets_frontend": [
            "client_hub/static/src/portal/**/*",
        ],
        "portal.assets_chatter": [
            "client_hub/static/src/chatter/**/*.xml",
        ],
        "portal.assets_chatter_style": [
            "client_hub/static/src/mail/message_wrap.css",
            "client_hub/static/src/chatter/**/*.scss",
        ],
        "mail.assets_message_email": [
            "client_hub/static/src/mail/message_wrap.css",
        ],
        "web.assets_tests": [
            "client_hub/static/tests/tours/**/*.js",
        ],
    },
}
