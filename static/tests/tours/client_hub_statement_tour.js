import { registry } from "@web/core/registry";

/** Signed in by a magic link, the client lands on its statement, sorts it by status, filters a
 * year, ticks two invoices and downloads them: the answer must be a ZIP archive. */
registry.category("web_tour.tours").add("client_hub_statement_tour", {
    steps: () => [
        {
            content: "The magic link lands on the statement, greeting the contact",
            trigger: ".o_client_hub_statement h3:contains(Hello Tess Tour)",
        },
        {
            content: "The token is not in the address bar",
            trigger: "body",
            run() {
                if (window.location.pathname !== "/my/statement") {
                    throw new Error(`expected /my/statement, got ${window.location.pathname}`);
                }
            },
        },
        {
            content: "Sort by status",
            trigger: "a.o_client_hub_sort[data-sortby='status']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Sorted by status: the overdue invoice comes first",
            trigger: "a.o_client_hub_sort[data-sortby='status'] .fa",
            run() {
                const first = document.querySelector("tr.o_client_hub_row span[data-status]");
                if (!window.location.search.includes("sortby=status") || first.dataset.status !== "overdue") {
                    throw new Error(`not sorted by status: ${window.location.search}, first ${first.dataset.status}`);
                }
            },
        },
        {
            content: "Open the year filter",
            trigger: "#client_hub_year",
            run: "click",
        },
        {
            content: "Keep this year's documents",
            trigger: ".dropdown-menu a[data-year]:not([data-year='all']):first",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Filtered by year, still sorted by status",
            trigger: "tr.o_client_hub_row",
            run() {
                const search = window.location.search;
                if (!/year=\d{4}/.test(search) || !search.includes("sortby=status")) {
                    throw new Error(`filter or sort lost: ${search}`);
                }
            },
        },
        {
            content: "Tick the first invoice",
            trigger: "tr.o_client_hub_row:eq(0) input[name='invoice_ids']",
            run: "click",
        },
        {
            content: "Tick the second invoice",
            trigger: "tr.o_client_hub_row:eq(1) input[name='invoice_ids']",
            run: "click",
        },
        {
            content: "Download the selection: a ZIP archive comes back",
            trigger: ".o_client_hub_download_selection:enabled",
            async run() {
                const form = document.querySelector(".o_client_hub_statement_form");
                const response = await fetch(form.action, { method: "POST", body: new FormData(form) });
                const type = response.headers.get("Content-Type");
                const bytes = new Uint8Array(await response.arrayBuffer());
                if (response.status !== 200 || type !== "application/zip" || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
                    throw new Error(`not a ZIP: ${response.status} ${type}`);
                }
                document.body.classList.add("o_client_hub_zip_ok");
            },
        },
        {
            content: "The archive was received",
            trigger: "body.o_client_hub_zip_ok",
        },
    ],
});

/** On a phone, the statement is a list of cards: nothing scrolls sideways, a card opens its invoice. */
registry.category("web_tour.tours").add("client_hub_statement_phone_tour", {
    steps: () => [
        {
            content: "The statement shows its documents",
            trigger: "tr.o_client_hub_row",
        },
        {
            content: "No horizontal scroll at 375 px, and the table is stacked as cards",
            trigger: "body",
            run() {
                const width = document.documentElement.scrollWidth;
                if (window.innerWidth > 400 || width > 375) {
                    throw new Error(`horizontal scroll: page ${width}px wide in a ${window.innerWidth}px window`);
                }
                const head = document.querySelector(".o_client_hub_statement_table thead");
                if (getComputedStyle(head).display !== "none") {
                    throw new Error("the table header still shows on a phone");
                }
            },
        },
        {
            content: "A card opens its invoice",
            trigger: "tr.o_client_hub_row:first .o_client_hub_number a",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Odoo's invoice page, with its preview",
            trigger: "#invoice_content",
        },
    ],
});
