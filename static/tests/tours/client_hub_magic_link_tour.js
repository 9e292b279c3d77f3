import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("client_hub_magic_link_tour", {
    steps: () => [
        {
            content: "The magic link lands on the client's invoice",
            trigger: "#invoice_content",
        },
        {
            content: "The invoice is the one that was sent: its number and its amount",
            trigger: ".breadcrumb:contains(INV/)",
        },
        {
            content: "The invoice total shows in the sidebar",
            trigger: ".o_portal_sidebar h2:contains(500.00)",
        },
        {
            content: "The token is not in the address bar",
            trigger: "body",
            run() {
                if (window.location.pathname.startsWith("/portal/magic")) {
                    throw new Error(`token still in the address bar: ${window.location.pathname}`);
                }
            },
        },
        {
            content: "The client is signed in: its invoices are listed",
            trigger: "a[href='/my/invoices']:not(:visible), a[href^='/my/invoices']",
            run() {
                window.location.href = "/my/invoices";
            },
            expectUnloadPage: true,
        },
        {
            content: "The invoice appears in the client's list",
            trigger: "table tr:contains(INV/)",
        },
    ],
});
