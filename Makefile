# client_hub developer commands. Everything they create lives in ./var (git-ignored).
PYTHON ?= python3
MANAGE = $(PYTHON) dev/manage.py
# the demo's ports: Odoo, then the mail sink's SMTP and web page (make run PORT=8070)
PORT ?= 8069
MAIL_PORT ?= 2525
MAIL_WEB_PORT ?= 8025
SEED_CLIENTS ?= 2000
DEMO_PORTS = --port $(PORT) --mail-port $(MAIL_PORT) --mail-web-port $(MAIL_WEB_PORT)

.PHONY: setup test test-pure run stop demo-reset screenshots lint hooks i18n seed bench stop-db load capacity

setup:      ## install what is missing, find Odoo 19, start the project PostgreSQL
	$(MANAGE) setup
test:       ## setup if needed, then both tiers; last line: N passed, N failed, N skipped
	$(MANAGE) test
test-pure:  ## only the pure-Python tier
	$(MANAGE) test --pure-only
run:        ## setup if needed, then the demo on http://127.0.0.1:$(PORT) (admin / admin), emails on http://127.0.0.1:$(MAIL_WEB_PORT)
	$(MANAGE) run $(DEMO_PORTS)
stop:       ## stop the demo server and mail sink (after `run --detach`)
	$(MANAGE) stop
demo-reset: ## drop and re-create the demo database, then run
	$(MANAGE) run $(DEMO_PORTS) --reset
screenshots: ## README screenshots from the running demo (docs/screenshots)
	$(MANAGE) screenshots --port $(PORT)
lint:       ## OCA's pre-commit checks (.pre-commit-config.yaml) over every tracked file
	$(MANAGE) lint
hooks:      ## install those checks as a git pre-commit hook (pre-commit install)
	$(MANAGE) hooks
i18n:       ## export i18n/client_hub.pot and i18n/fr.po with Odoo's tooling
	$(MANAGE) i18n
seed:       ## 2,000 clients x 25 invoices into database client_hub_bench (SEED_CLIENTS=300: a smaller one)
	$(MANAGE) seed --fresh --clients $(SEED_CLIENTS)
bench:      ## run bench/bench_*.py
	$(MANAGE) bench
load:       ## Locust on a --workers 4 server, seeded database (USERS=200 DURATION=180 FAULTS=1 SERVERS=2)
	$(PYTHON) -m dev.load
capacity:   ## the capacity curve: USERS 10..200 x 1 and 2 servers (CAPACITY_USERS="10 50" DURATION=120)
	$(PYTHON) -m dev.load_capacity
stop-db:    ## stop the project-local PostgreSQL cluster
	$(MANAGE) stop-db
