"""Starting the load run's Odoo servers (dev/load.py): one `--workers 4` server reached directly, or
several `--workers 2 --proxy-mode` servers on the same database and data directory behind HAProxy
(dev/load_servers.py). What was started is stopped again when something fails."""
from __future__ import annotations

from pathlib import Path

from dev import load_servers
from dev.common import free_port, say
from dev.load_setup import WORKERS_PER_SERVER, write_conf
from dev.odoo_runtime import Context


def start_servers(ctx: Context, opts, out: Path, env: dict):
    """The Odoo server(s) and, for several, HAProxy in front: (servers, balancer or None, base URL,
    report.url). One server is reached directly, as before issue 24."""
    workers = WORKERS_PER_SERVER.get(opts.servers, 2)
    servers, balancers = [], []
    try:
        return _start_servers(ctx, opts, out, env, workers, servers, balancers)
    except BaseException:  # what was started is stopped: the caller gets nothing to stop
        for process in servers + balancers:
            process.stop()
        raise


def _start_servers(ctx, opts, out, env, workers, servers, balancers):
    for n in range(1, opts.servers + 1):
        name = "odoo-load" if opts.servers == 1 else f"odoo{n}"
        port, gevent_port = free_port(), free_port()
        conf = write_conf(ctx, port, gevent_port, opts.db, name=name, workers=workers, proxy=opts.servers > 1)
        log = out / ("server.log" if opts.servers == 1 else f"server-{name}.log")
        servers.append(load_servers.OdooServer(name, [*ctx.odoo.command, "-c", conf], log, env, port, gevent_port))
    balancer = None
    if opts.servers > 1:
        ports = load_servers.Ports(front=free_port(), reports=free_port(), stats=free_port(),
                                   http=[s.http_port for s in servers], gevent=[s.gevent_port for s in servers])
        cfg = out / "haproxy.cfg"
        cfg.write_text(load_servers.render(load_servers.HAPROXY_CFG.read_text(encoding="utf-8"), ports),
                       encoding="utf-8")
        balancer = load_servers.Balancer(load_servers.haproxy_binary(), cfg, out / "haproxy.log", ports.stats)
    for server in servers:
        server.start()
    for server in servers:
        if server.wait_up() is None:
            raise RuntimeError(f"the load server {server.name} did not start, see {server.log}")
    if balancer is None:
        base = f"http://127.0.0.1:{servers[0].http_port}"
        say(f"server up on {base}: {workers} workers, 1 cron worker (log {servers[0].log})")
        return servers, None, base, f"http://127.0.0.1:{servers[0].gevent_port}"
    balancers.append(balancer)
    balancer.start()
    base = f"http://127.0.0.1:{ports.front}"
    if not load_servers.wait_backends_up(balancer, len(servers)):
        raise RuntimeError(f"HAProxy does not see every server up, see {balancer.log}")
    say(f"{len(servers)} servers ({workers} workers and 1 cron worker each) behind HAProxy on {base} "
        f"(config {balancer.cfg}, log {balancer.log}, statistics http://127.0.0.1:{ports.stats}/stats)")
    return servers, balancer, base, f"http://127.0.0.1:{ports.reports}"
