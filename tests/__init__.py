from . import test_client_metrics, test_client_profile, test_i18n, test_invoice_pdf, test_seeder, test_tour_clients
