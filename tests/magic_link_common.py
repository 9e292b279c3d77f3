# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from urllib.parse import parse_qs, unquote, urlsplit

import jwt

from odoo import Command

MAGIC_URL = re.compile(r"https?://[^\"'\s<>]*/portal/magic/[^\"'\s<>]+")


def magic_urls(html):
    """Every magic-link URL of an email body (HTML-unescaped)."""
    return [url.replace("&amp;", "&") for url in MAGIC_URL.findall(html or "")]


def token_of(url):
    return unquote(urlsplit(url).path.rsplit("/", 1)[1])


def redirect_of(url):
    return parse_qs(urlsplit(url).query).get("redirect", [None])[0]


def claims_of(url):
    return jwt.decode(token_of(url), options={"verify_signature": False})


class MagicLinkFixtures:
    """A client with two contacts, a rival client, and a posted invoice."""

    @classmethod
    def setup_magic_link_fixtures(cls):
        if not cls.env.company.chart_template:  # HttpCase: no accounting fixtures of its own
            cls.env["account.chart.template"].try_loading("generic_coa", cls.env.company, install_demo=False)
        Partner = cls.env["res.partner"]
        cls.client = Partner.create({
            "name": "Magic Corp", "is_company": True, "email": "billing@magic.example", "customer_rank": 1,
        })
        cls.mia = Partner.create({"name": "Mia Magic", "parent_id": cls.client.id, "email": "mia@magic.example"})
        cls.max = Partner.create({"name": "Max Magic", "parent_id": cls.client.id, "email": "max@magic.example"})
        cls.rival = Partner.create({
            "name": "Rival Ltd", "is_company": True, "email": "ap@rival.example", "customer_rank": 1,
        })
        cls.invoice = cls.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": cls.mia.id,
            "invoice_line_ids": [Command.create({"name": "Consulting", "price_unit": 500.0, "tax_ids": []})],
        })
        cls.invoice.action_post()
        cls.Link = cls.env["client_hub.magic.link"]
