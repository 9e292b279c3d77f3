"""PO reading and the French-completeness check, including on the shipped files."""
import tempfile
import unittest
from pathlib import Path

from lib import po

REPO = Path(__file__).resolve().parents[2]

POT = '''# header
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#. module: client_hub
#: model:ir.ui.menu,name:client_hub.menu
msgid "Clients"
msgstr ""

#: code:addons/client_hub/models/x.py:0
#, python-format
msgid "Sent %(count)s invoices to %s"
msgstr ""

msgid ""
"A long "
"\\"quoted\\" message"
msgstr ""
'''


class TestPo(unittest.TestCase):
    def write(self, text):
        tmp = Path(tempfile.mkdtemp()) / "x.po"
        tmp.write_text(text, encoding="utf-8")
        return tmp

    def test_parse(self):
        entries = po.parse(POT)
        self.assertEqual([e.msgid for e in entries],
                         ["Clients", "Sent %(count)s invoices to %s", 'A long "quoted" message'])
        self.assertIn("python-format", entries[1].flags)
        self.assertEqual(entries[0].occurrences, [("model:ir.ui.menu,name:client_hub.menu", "")])

    def test_missing_fuzzy_and_placeholders(self):
        fr = POT.replace('msgid "Clients"\nmsgstr ""', 'msgid "Clients"\nmsgstr "Clients"')
        fr = fr.replace('#, python-format\nmsgid "Sent %(count)s invoices to %s"\nmsgstr ""',
                        '#, python-format\nmsgid "Sent %(count)s invoices to %s"\nmsgstr "%s factures"')
        missing = po.missing_translations(self.write(POT), self.write(fr))
        self.assertEqual(len(missing), 2)
        self.assertIn("placeholders differ", missing[0])
        fuzzy = fr.replace('msgid "Clients"', '#, fuzzy\nmsgid "Clients"')
        self.assertIn("Clients", po.missing_translations(self.write(POT), self.write(fuzzy)))

    def test_bad_line(self):
        with self.assertRaises(OSError):
            po.parse('msgid "x"\nmsgstr "y"\nnonsense\n')

    def test_shipped_french_translation_is_complete(self):
        """The shipped fr.po translates every term of the shipped .pot."""
        pot, fr = REPO / "i18n" / "client_hub.pot", REPO / "i18n" / "fr.po"
        self.assertTrue(pot.exists() and fr.exists(), "run `make i18n`")
        self.assertTrue(po.read(pot), "the .pot holds the addon's terms")
        self.assertEqual(po.missing_translations(pot, fr), [])
