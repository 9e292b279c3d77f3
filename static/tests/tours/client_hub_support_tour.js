import { registry } from "@web/core/registry";

/** The client: from the email's magic link to its ticket, through the portal's Support tab. */
registry.category("web_tour.tours").add("client_hub_support_portal_tour", {
    steps: () => [
        {
            content: "The magic link lands on the statement",
            trigger: ".o_client_hub_statement",
        },
        {
            content: "Open the Support tab",
            trigger: ".o_client_hub_portal_nav a[href='/my/tickets']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The client's ticket is listed, awaiting its reply",
            trigger: "tr.o_client_hub_ticket_row:contains(Printer invoice question) .o_client_hub_awaiting_you",
        },
        {
            content: "Open it",
            trigger: "tr.o_client_hub_ticket_row a:contains(Printer invoice question)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The ticket page with the team's answer in the conversation",
            trigger: "h3:contains(Printer invoice question)",
        },
    ],
});

/** The team: the top bar's support badge shows the ticket waiting, a click opens those tickets. */
registry.category("web_tour.tours").add("client_hub_support_badge_tour", {
    steps: () => [
        {
            content: "The support badge counts the tickets awaiting our answer",
            trigger: ".o_client_hub_support_systray .o_client_hub_support_badge:contains(1)",
        },
        {
            content: "Click it",
            trigger: ".o_client_hub_support_systray button",
            run: "click",
        },
        {
            content: "Exactly those tickets, with the 'Awaiting our answer' filter",
            trigger: ".o_facet_value:contains(Awaiting our answer)",
        },
        {
            content: "The ticket the client wrote",
            trigger: ".o_data_row:contains(Need a copy of the contract)",
        },
    ],
});
