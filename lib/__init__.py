# Framework-free logic of client_hub: importable with or without Odoo (the pure test tier
# imports these modules directly). Nothing in this package may import odoo.
