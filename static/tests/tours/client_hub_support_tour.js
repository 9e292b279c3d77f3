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
            content: "In the Client Hub app (not the app the user was in), its breadcrumb the tickets",
            trigger: ".o_menu_brand:contains(Client Hub)",
            run() {
                const crumbs = [
                    ...document.querySelectorAll(".o_breadcrumb .breadcrumb-item, .o_breadcrumb .o_last_breadcrumb_item"),
                ].map((el) => el.textContent.trim());
                if (crumbs.join(" / ") !== "Support Tickets") {
                    throw new Error(`breadcrumbs: ${crumbs.join(" / ")}`);
                }
            },
        },
        {
            content: "The ticket the client wrote",
            trigger: ".o_data_row:contains(Need a copy of the contract)",
        },
    ],
});

/** Throws unless the page scrolls no wider than the window (naming what sticks out). */
function assertNoHorizontalScroll(where) {
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) {
        const wide = [...document.body.querySelectorAll("*")]
            .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
            .slice(-4)
            .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
        throw new Error(
            `${where}: horizontal scroll, page ${root.scrollWidth}px wide in ${root.clientWidth}px (${wide.join(", ")})`
        );
    }
}

/** Resolves once ``check()`` stops throwing (styles of a shadow root load after its content), or
 * throws its last error after 5 seconds. */
async function eventually(check) {
    for (let attempt = 0; ; attempt++) {
        try {
            return check();
        } catch (error) {
            if (attempt >= 50) {
                throw error;
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
    }
}

/** Throws unless the element is shown whole inside the window (not hidden, cut or off-screen). */
function assertShown(element, what) {
    if (!element) {
        throw new Error(`${what}: missing`);
    }
    const rect = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (style.display === "none" || style.visibility === "hidden" || !rect.width || !rect.height) {
        throw new Error(`${what}: hidden`);
    }
    if (rect.left < 0 || rect.right > document.documentElement.clientWidth + 0.5) {
        throw new Error(`${what}: outside the window (${rect.left}-${rect.right}px)`);
    }
    if (element.scrollWidth > element.clientWidth + 1) {
        throw new Error(`${what}: clipped (${element.scrollWidth}px of text in ${element.clientWidth}px)`);
    }
}

/** Throws unless the portal's tabs show Support as the current page. */
function assertSupportTab() {
    const current = document.querySelectorAll(".o_client_hub_portal_nav [aria-current='page']");
    if (current.length !== 1 || current[0].getAttribute("href") !== "/my/tickets") {
        throw new Error("the portal's tabs do not show Support as the current page");
    }
}

/**
 * The client's support pages at the window's size (375 px phone, 1280 px desktop): the list, a
 * ticket with an emailed reply, the new-ticket form; no horizontal scroll, nothing clipped, the
 * portal's tabs on each.
 */
registry.category("web_tour.tours").add("client_hub_support_layout_tour", {
    steps: () => [
        {
            content: "The ticket list, with the portal's tabs",
            trigger: "tr.o_client_hub_ticket_row:contains(reorganised delivery addresses)",
        },
        {
            content: "No horizontal scroll; subject, status and dates shown whole; no empty category column",
            trigger: ".o_client_hub_portal_nav",
            run() {
                assertNoHorizontalScroll("ticket list");
                assertSupportTab();
                if (document.querySelector("th[name='th_category']")) {
                    throw new Error("a Category column nobody fills");
                }
                const row = [...document.querySelectorAll("tr.o_client_hub_ticket_row")].find((tr) =>
                    tr.textContent.includes("reorganised delivery addresses")
                );
                assertShown(row.querySelector(".o_client_hub_ticket_subject"), "subject");
                assertShown(row.querySelector(".o_client_hub_ticket_stage .badge"), "status");
                assertShown(row.querySelector(".o_client_hub_ticket_created span"), "creation date");
                assertShown(row.querySelector(".o_client_hub_ticket_activity span"), "last activity");
            },
        },
        {
            content: "Open the ticket",
            trigger: "tr.o_client_hub_ticket_row a:contains(reorganised delivery addresses)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The client's emailed reply in the chat",
            trigger: "#chatterRoot:shadow .o-mail-Message-body:contains(Odoo's chat)",
        },
        {
            content: "No horizontal scroll; the emailed reply wraps inside its bubble",
            trigger: "#chatterRoot:shadow .o-mail-Message",
            async run() {
                await eventually(() => assertNoHorizontalScroll("ticket page"));
                assertSupportTab();
                await eventually(() => {
                    const chat = document.querySelector("#chatterRoot").shadowRoot;
                    const bubbles = [...chat.querySelectorAll(".o-mail-Message-body")];
                    if (!bubbles.length) {
                        throw new Error("no message in the chat");
                    }
                    for (const bubble of bubbles) {
                        assertShown(bubble, "a message of the chat");
                        for (const inner of bubble.querySelectorAll(".overflow-x-auto")) {
                            if (inner.scrollWidth > inner.clientWidth + 1) {
                                throw new Error(`a message scrolls sideways: ${inner.scrollWidth}px in ${inner.clientWidth}px`);
                            }
                        }
                    }
                });
                for (const selector of ["[data-client-hub-date='create_date']", "[data-client-hub-date='last_stage_update']"]) {
                    assertShown(document.querySelector(selector), selector);
                }
            },
        },
        {
            content: "The Support tab leads back to the list",
            trigger: ".o_client_hub_portal_nav a[href='/my/tickets']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the new-ticket form (a phone has its own button: the searchbar's is behind its menu)",
            trigger: "button[name='create_new_ticket']:visible",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The form, with the portal's tabs and no horizontal scroll",
            trigger: "form.o_client_hub_new_ticket input[name='subject']",
            run() {
                assertNoHorizontalScroll("new ticket");
                assertSupportTab();
            },
        },
    ],
});

/** The French portal: the chat of a ticket without public message says so in French. */
registry.category("web_tour.tours").add("client_hub_support_french_tour", {
    steps: () => [
        {
            content: "The ticket page in French",
            trigger: "small:contains(Étape :)",
        },
        {
            content: "The empty conversation, in French",
            trigger: "#chatterRoot:shadow .o-mail-Thread:contains(La conversation est vide.)",
        },
    ],
});
