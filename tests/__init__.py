from . import test_client_metrics
from . import test_client_profile
from . import test_client_templates
from . import test_i18n
from . import test_invoice_pdf
from . import test_seeder
from . import test_tour_clients
