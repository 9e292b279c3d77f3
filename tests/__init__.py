from . import test_i18n, test_invoice_pdf, test_seeder, test_tour_clients
