"""What every command shares: where the checkout is, database names, messages, running commands."""
from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VAR = REPO / "var"  # everything the commands create (git-ignored)
MODULE = "client_hub"
TEST_DB = os.environ.get("CLIENT_HUB_TEST_DB", "client_hub_test")
DEMO_DB = os.environ.get("CLIENT_HUB_DEMO_DB", "client_hub_demo")


class SetupError(RuntimeError):
    """A problem the user must solve; the message says how."""


def say(msg: str = "") -> None:
    print(f"[client_hub] {msg}" if msg else "", flush=True)


def banner(lines: list[str]) -> None:
    width = max(len(line) for line in lines) + 4
    print("\n" + "!" * width, flush=True)
    for line in lines:
        print(f"! {line.ljust(width - 4)} !")
    print("!" * width + "\n", flush=True)


def run(cmd, check=True, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], check=check, **kw)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_requirements(name: str) -> list[str]:
    """The requirement lines of REPO/<name>, comments dropped."""
    lines = (REPO / name).read_text(encoding="utf-8").splitlines()
    return [ln.split("#")[0].strip() for ln in lines if ln.split("#")[0].strip()]


def pins_installed(python: Path, reqs: list[str]) -> bool:
    """True when every `name==version` pin is installed in `python`'s environment."""
    pins = {r.split("==")[0].lower().replace("_", "-"): r.split("==")[1] for r in reqs if "==" in r}
    code = ("import importlib.metadata as m, json, sys; pins = json.loads(sys.argv[1]); "
            "bad = [n for n, v in pins.items() if (lambda d: d is None or d.version != v)("
            "next(iter([d for d in m.distributions() if d.metadata['Name'] and "
            "d.metadata['Name'].lower().replace('_', '-') == n]), None))]; print('ok' if not bad else bad)")
    out = subprocess.run([str(python), "-c", code, json.dumps(pins)], capture_output=True, text=True)
    return out.stdout.strip() == "ok"
