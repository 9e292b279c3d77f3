"""`screenshots`: the README's screenshots of the running demo (`make run` first), taken with
headless Chromium driven over the DevTools protocol.

The command asks the demo database for its pages, then runs this module as a script with the
Odoo virtualenv's python (`websocket-client` comes from requirements-test.txt):

    python -m dev.screenshots --url http://127.0.0.1:8069 --out docs/screenshots \
        clients=/odoo/clients client=/odoo/clients/7

which logs in as admin/admin (JSON-RPC), hands the session cookie to Chromium and captures each
page once the web client is idle.
"""
from __future__ import annotations

import argparse
import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from dev.common import DEMO_DB, REPO, VAR, run
from dev.odoo_runtime import context

SHOT_PAGES = """
from odoo.addons.client_hub.populate.seeder import demo_pages
print('\\n'.join('PAGE ' + page for page in demo_pages(env)))
"""


def cmd_screenshots(args) -> int:
    """README screenshots from the running demo (`make run` first), in docs/screenshots."""
    ctx = context(require=True)
    out = VAR / "logs" / "pages.log"
    out.unlink(missing_ok=True)
    ctx.shell(DEMO_DB, SHOT_PAGES, log=out)
    pages = [ln[5:] for ln in out.read_text(encoding="utf-8").splitlines() if ln.startswith("PAGE ")]
    return run([ctx.python, "-m", "dev.screenshots", "--url", f"http://127.0.0.1:{args.port}",
                "--db", DEMO_DB, "--out", REPO / "docs" / "screenshots", *pages],
               check=False, cwd=str(REPO)).returncode


# --------------------------------------------------------------------------------------------
# The Chromium driver (runs in the Odoo virtualenv)
# --------------------------------------------------------------------------------------------
def login(base, db, user, password):
    req = urllib.request.Request(  # noqa: S310 (http URL checked in main)
        f"{base}/web/session/authenticate",
        data=json.dumps({"jsonrpc": "2.0", "params": {"db": db, "login": user, "password": password}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
        cookie = resp.headers.get("Set-Cookie", "")
        body = json.loads(resp.read())
    if body.get("error"):
        raise SystemExit(f"login failed: {body['error']}")
    return cookie.split("session_id=", 1)[1].split(";", 1)[0]


class Chrome:
    def __init__(self, width, height):
        self.profile = tempfile.mkdtemp(prefix="client-hub-shot-")
        binary = shutil.which("chromium") or shutil.which("google-chrome")
        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--window-size={width},{height}", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile, "DevToolsActivePort")
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            target = next(t for t in json.loads(resp.read()) if t["type"] == "page")
        import websocket  # websocket-client: in the Odoo virtualenv, not needed to import this module

        self.ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60)
        self.ids = itertools.count(1)
        self.errors = []  # JavaScript exceptions and console errors, reported per page

    def call(self, method, **params):
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == "Runtime.exceptionThrown":
                self.errors.append(msg["params"]["exceptionDetails"].get("exception", {}).get("description", "?"))
            elif msg.get("method") == "Runtime.consoleAPICalled" and msg["params"]["type"] == "error":
                args = msg["params"]["args"]
                self.errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in args))
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def wait_idle(self, timeout=30):
        """Until the page is loaded and Odoo's web client has no pending RPC for a moment."""
        deadline = time.time() + timeout
        quiet = 0
        while time.time() < deadline:
            busy = "document.querySelector('.o_loading_indicator, .o_blockUI') ? 'busy' : 'idle'"
            state = self.call("Runtime.evaluate", expression=f"document.readyState + '|' + ({busy})")
            state = state["result"].get("value", "")
            quiet = quiet + 1 if state == "complete|idle" else 0
            if quiet >= 4:
                return
            time.sleep(0.5)

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def pdf_page(url, png):
    """Download a PDF the demo serves and turn its first page into ``png`` with poppler."""
    with urllib.request.urlopen(url, timeout=120) as resp:  # noqa: S310 (http URL checked in main)
        pdf = resp.read()
    if not pdf.startswith(b"%PDF"):
        raise SystemExit(f"{url} did not answer a PDF")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp, "page.pdf")
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(source), str(png.with_suffix(""))], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="client_hub_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=860)
    parser.add_argument("--anonymous", action="store_true", help="do not log in (portal pages)")
    parser.add_argument("pages", nargs="+", help="name=/path or name=/path|selector-to-click[|another...]")
    args = parser.parse_args()
    if not args.url.startswith(("http://", "https://")):
        parser.error("--url must be an http(s) URL")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chrome = Chrome(args.width, args.height)
    try:
        chrome.call("Page.enable")
        chrome.call("Runtime.enable")
        chrome.call("Network.enable")
        if not args.anonymous:
            sid = login(args.url, args.db, args.login, args.password)
            chrome.call("Network.setCookie", name="session_id", value=sid, url=args.url, path="/")
        failed = False
        for page in args.pages:
            name, path = page.split("=", 1)
            if path.startswith("pdf:"):  # name=pdf:/path of a PDF: its first page as an image
                pdf_page(args.url + path[4:], out / f"{name}.png")
                print(f"{out / (name + '.png')}: {args.url}{path[4:]}")
                continue
            path, *clicks = path.split("|")  # name=/path|css selector to click first|then this one
            path, _sep, size = path.partition("@")  # name=/path@375x812: a phone-sized window
            if size:
                width, height = (int(v) for v in size.split("x"))
                chrome.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                            deviceScaleFactor=2, mobile=True)
            else:
                chrome.call("Emulation.clearDeviceMetricsOverride")
            if path.startswith("/portal/magic/"):
                # the client's side: a browser of its own, not the admin's (session, language)
                chrome.call("Network.clearBrowserCookies")
            chrome.call("Page.navigate", url=args.url + path)
            time.sleep(1.5)
            chrome.wait_idle()
            for click in clicks:
                chrome.call("Runtime.evaluate", expression=(
                    f"(el => {{ el.click(); el.scrollIntoView({{block: 'start'}}); }})"
                    f"(document.querySelector({json.dumps(click)}))"))
                time.sleep(1.0)
                chrome.wait_idle()
            time.sleep(1.0)
            shot = chrome.call("Page.captureScreenshot", format="png")
            (out / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
            print(f"{out / (name + '.png')}: {args.url}{path}")
            for error in chrome.errors:
                print(f"  JavaScript error on {path}: {error[:2000]}")
            failed = failed or bool(chrome.errors)
            chrome.errors.clear()
    finally:
        chrome.close()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
