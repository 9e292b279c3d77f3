import { registry } from "@web/core/registry";

/**
 * The statement's download buttons, clicked as a person clicks them. The form's answer is
 * received in a hidden frame of the page (the form's target): a ZIP is a download, which leaves
 * the page as it is, while an error page would replace the page the tour runs in. A ZIP that needs
 * more than one PDF rendered is prepared in the background: the frame then shows the download's
 * page, which refreshes itself until its "Download" button appears, and the tour clicks that
 * button. The Python side of the test reads each archive the server sends and sets the cookie
 * ``client_hub_tour_zip=<number of archives>-<entries>`` on it, which the step after the click
 * waits for.
 */
// The frame's pages already dealt with (the earlier downloads' answers)
const answered = new WeakSet();

function answerInFrame(button) {
    let frame = document.querySelector("iframe[name='client_hub_answer']");
    if (!frame) {
        frame = document.createElement("iframe");
        frame.name = "client_hub_answer";
        frame.title = "Download";
        frame.className = "d-none";
        document.body.append(frame);
    }
    if (frame.contentDocument) {
        // The page of the previous download, until this one's comes
        answered.add(frame.contentDocument);
    }
    button.form.target = frame.name;
    return frame;
}

function downloadSteps(content, trigger, archive, expectedCount) {
    let expected = null;
    return [
        {
            content,
            trigger,
            async run(helpers) {
                expected = expectedCount(this.anchor);
                answerInFrame(this.anchor);
                await helpers.click();
            },
        },
        {
            content: `ZIP no. ${archive} comes back, every document in it`,
            trigger: "body",
            async run() {
                const frame = document.querySelector("iframe[name='client_hub_answer']");
                for (let wait = 0; wait < 300; wait++) {
                    const sent = document.cookie.match(/client_hub_tour_zip=(\d+)-(\d+)/);
                    if (sent && Number(sent[1]) === archive) {
                        if (Number(sent[2]) !== expected) {
                            throw new Error(`the ZIP holds ${sent[2]} documents, ${expected} expected`);
                        }
                        return;
                    }
                    const answer = frame.contentDocument;
                    const page =
                        answer &&
                        !answered.has(answer) &&
                        answer.location.href !== "about:blank" &&
                        answer.readyState === "complete";
                    if (page && answer.querySelector(".o_client_hub_export")) {
                        // Prepared in the background: the page refreshes itself until it offers
                        // the download, then the client clicks "Download"
                        if (answer.querySelector(".o_client_hub_export_state[data-state='failed']")) {
                            throw new Error("the background download failed");
                        }
                        const button = answer.querySelector(".o_client_hub_export_download");
                        if (button) {
                            answered.add(answer);
                            button.click();
                        }
                    } else if (page) {
                        const error = answer.querySelector(".o_client_hub_error");
                        throw new Error(
                            `a page came back instead of a ZIP: ${error ? error.textContent.trim() : answer.title}`
                        );
                    }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                throw new Error("no ZIP came back within 30 seconds");
            },
        },
    ];
}

/** The number a label shows: "Download all (23)" → 23. */
function countIn(element) {
    return Number(element.textContent.match(/\d+/)[0]);
}

function checkedCount() {
    return document.querySelectorAll("input[name='invoice_ids']:checked").length;
}

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
        ...downloadSteps(
            "Download the selection",
            ".o_client_hub_download_selection:enabled",
            1,
            checkedCount
        ),
    ],
});

/** Every way to download a list, clicked: "Download all (N)", of all years then of one year;
 * "Select all N documents of this list" (more than a page) then "Download selection"; a page
 * selection with one box unticked. Each archive holds exactly the documents asked for. */
registry.category("web_tour.tours").add("client_hub_statement_download_tour", {
    steps: () => [
        {
            content: "The statement of 23 documents",
            trigger: ".o_client_hub_download_all:contains(23)",
        },
        ...downloadSteps("Download all (23)", ".o_client_hub_download_all", 1, countIn),
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
            content: "21 documents this year, on two pages",
            trigger: ".o_client_hub_download_all:contains(21)",
        },
        ...downloadSteps("Download all (21)", ".o_client_hub_download_all", 2, countIn),
        {
            content: "Select the documents of the page",
            trigger: "input.o_client_hub_select_page",
            run: "click",
        },
        {
            content: "Offer to select every document of the list",
            trigger: ".o_client_hub_select_all_banner:not(.d-none) .o_client_hub_select_all_matching",
            run: "click",
        },
        {
            content: "All 21 are selected, not only the 20 of this page",
            trigger: ".o_client_hub_all_selected:not(.d-none):contains(21)",
        },
        ...downloadSteps(
            "Download selection: the whole list",
            ".o_client_hub_download_selection:enabled",
            3,
            () => countIn(document.querySelector(".o_client_hub_all_selected"))
        ),
        {
            content: "Untick one document: back to the page's selection",
            trigger: "tr.o_client_hub_row:first input[name='invoice_ids']",
            run: "click",
        },
        {
            content: "The whole list is no longer selected",
            trigger: ".o_client_hub_select_all_banner.d-none:not(:visible)",
        },
        ...downloadSteps(
            "Download selection: the 19 documents ticked",
            ".o_client_hub_download_selection:enabled",
            4,
            checkedCount
        ),
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
