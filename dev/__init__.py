# Developer tooling of client_hub, one module per concern; `python3 dev/manage.py` is the entry
# point. Standard library only, and nothing here imports odoo: the commands drive Odoo through its
# own executables. Not part of the addon: dev/ is never linked into var/addons/client_hub.
