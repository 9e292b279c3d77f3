# Copyright 2026 client_hub contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.client_hub.models.ir_config_parameter import CLIENT_HUB_PARAMS
from odoo.addons.client_hub.models.res_config_settings import STORED_AS_TEXT


@tagged("post_install", "-at_install")
class TestClientHubParams(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.params = cls.env["ir.config_parameter"].sudo()
        cls.params.search([("key", "in", list(CLIENT_HUB_PARAMS))]).unlink()

    def read_param(self, key, value):
        self.params.set_param(key, value)
        return self.params._client_hub_param(key)

    def test_unset_reads_the_default(self):
        for key, param in CLIENT_HUB_PARAMS.items():
            with self.subTest(key=key):
                self.assertEqual(self.params._client_hub_param(key), param.default)

    def test_numbers(self):
        key = "client_hub.support_max_upload_mb"
        self.assertEqual(self.read_param(key, " 3 "), 3)
        self.assertEqual(self.read_param(key, "100"), 100)
        for garbage in ("abc", "1.5", "0", "-2", "101", "1e3"):
            with self.subTest(value=garbage):
                self.assertEqual(self.read_param(key, garbage), 10)
        self.assertEqual(self.read_param("client_hub.zip_sync_limit", "0"), 0)
        self.assertEqual(self.read_param("client_hub.zip_sync_limit", "-1"), CLIENT_HUB_PARAMS["client_hub.zip_sync_limit"].default)
        self.assertEqual(self.read_param("client_hub.magic_link_max_failures", "5000"), 5000)  # no upper bound

    def test_booleans(self):
        for key, default in (("client_hub.support_reopen_on_reply", True),
                             ("client_hub.magic_link_single_use", False)):
            for value, expected in (("False", False), ("0", False), ("True", True), ("1", True),
                                    ("garbage", default)):
                with self.subTest(key=key, value=value):
                    self.assertIs(self.read_param(key, value), expected)
        self.assertIs(self.read_param("client_hub.support_require_authenticated_staff", "False"), False)

    def test_text(self):
        self.assertEqual(self.read_param("client_hub.support_authserv_id", "  mx.example.com "), "mx.example.com")

    def test_settings_defaults_are_the_table_s(self):
        settings = self.env["res.config.settings"].create({})
        fields = {name: field.config_parameter for name, field in settings._fields.items()
                  if getattr(field, "config_parameter", None) in CLIENT_HUB_PARAMS}
        fields.update(STORED_AS_TEXT)
        self.assertEqual(len(fields), len(CLIENT_HUB_PARAMS) - 2)  # the rate limits are not on the screen
        for name, key in fields.items():
            with self.subTest(field=name):
                default = CLIENT_HUB_PARAMS[key].default
                self.assertEqual(settings[name] or default if default == "" else settings[name], default)

    def test_settings_bounds_are_the_table_s(self):
        for name, key in (("client_hub_magic_link_lifetime_days", "client_hub.magic_link_lifetime_days"),
                          ("client_hub_zip_sync_limit", "client_hub.zip_sync_limit"),
                          ("client_hub_support_max_upload_mb", "client_hub.support_max_upload_mb"),
                          ("client_hub_reminder_min_days", "client_hub.reminder_min_days")):
            param = CLIENT_HUB_PARAMS[key]
            with self.subTest(field=name):
                self.env["res.config.settings"].create({name: param.low})
                self.env["res.config.settings"].create({name: param.high})
                for outside in (param.low - 1, param.high + 1):
                    with self.assertRaises(ValidationError):
                        self.env["res.config.settings"].create({name: outside})

    def test_default_on_boolean_can_be_turned_off(self):
        self.env["res.config.settings"].create({"client_hub_support_reopen_on_reply": False}).execute()
        self.assertEqual(self.params.get_param("client_hub.support_reopen_on_reply"), "False")
        self.assertIs(self.env["helpdesk.ticket"]._client_hub_reopen_on_reply(), False)
        self.assertIs(self.env["res.config.settings"].create({}).client_hub_support_reopen_on_reply, False)
