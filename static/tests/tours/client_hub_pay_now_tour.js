import { registry } from "@web/core/registry";

/** From the email's magic link to Stripe's card form: the statement's "Pay now" opens Odoo's
 * payment form for the invoice, and Stripe's own card fields are mounted in it (the Stripe
 * script is a stand-in in tests: no network). */
registry.category("web_tour.tours").add("client_hub_pay_now_tour", {
    steps: () => [
        {
            content: "The magic link lands on the statement",
            trigger: ".o_client_hub_statement",
        },
        {
            content: "Pay now on the unpaid invoice",
            trigger: "tr.o_client_hub_row a.o_client_hub_pay_now",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Odoo's payment form opens, for the amount due",
            trigger: "#pay_with #o_payment_form",
        },
        {
            content: "Stripe's card fields are mounted in the form",
            trigger: "#pay_with [name='o_stripe_element_container'] .o_client_hub_stripe_card",
        },
    ],
});
