from . import client_hub_statement_wizard
from . import client_hub_reminder_pause
from . import client_hub_reminder_preview
