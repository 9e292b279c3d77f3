# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "client_hub load test: Stripe API on a local fake",
    "summary": "Server-wide (--load) for the load test server only: payment_stripe talks to a local fake API",
    "version": "19.0.1.0.0",
    "license": "AGPL-3",
    "author": "client_hub contributors",
    "depends": [],
    "installable": False,
    "post_load": "post_load",
}
