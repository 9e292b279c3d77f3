from . import client_hub_statement_wizard
