"""The dashboard's inline SVG chart (pure Python)."""
import unittest
import xml.etree.ElementTree as ET

from lib.chart import monthly_bars_svg, nice_ceiling, short_amount

NS = "{http://www.w3.org/2000/svg}"


class TestChart(unittest.TestCase):
    def svg(self, **kw):
        args = {"labels": ["01/26", "02/26", "03/26"],
                    "series": [("Invoiced", [100.0, 0.0, 250.0], "#71639e"), ("Paid", [50.0, 0.0, -5.0], "#28a745")],
                    "currency_symbol": "$", "title": "Invoiced vs. paid"}
        args.update(kw)
        return ET.fromstring(monthly_bars_svg(**args))

    def test_axis_top(self):
        self.assertEqual([nice_ceiling(v) for v in (0, 1, 7, 12, 26, 99, 101, 3450)],
                         [1.0, 1, 10, 20, 50, 100, 200, 5000])

    def test_short_amounts(self):
        self.assertEqual(short_amount(1250, " "), "1 250")
        self.assertEqual(short_amount(25000), "25k")
        self.assertEqual(short_amount(2_500_000), "2.5M")

    def test_bars_proportional_and_never_negative(self):
        bars = [r for r in self.svg().iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
        self.assertEqual(len(bars), 6)
        heights = [float(r.get("height")) for r in bars]
        self.assertAlmostEqual(heights[4] / heights[0], 2.5)  # 250 vs 100 (invoiced series)
        self.assertEqual(heights[5], 0.0)  # negative paid drawn as nothing
        self.assertIn("$250.00", bars[4].find(f"{NS}title").text)

    def test_text_is_escaped(self):
        root = self.svg(labels=["<b>", "x", "y"], title='a"b')
        self.assertEqual(root.get("aria-label"), 'a"b')
        self.assertIn("<b>", [t.text for t in root.iter(f"{NS}text")])

    def test_empty_months(self):
        root = self.svg(series=[("Invoiced", [0.0, 0.0, 0.0], "#000")])
        self.assertTrue(all(float(r.get("height", 0)) == 0.0 for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None))
