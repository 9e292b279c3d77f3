/* exported clientHubCheckPages */
/**
 * The portal's bar, page by page, in the browser of tests/test_portal_a11y.py: no horizontal
 * scroll, no clipped text, and no serious or critical axe-core violation.
 *
 * Each page is shown in a frame as large as the window (so at the window's width: its media
 * queries are the page's own). A page is either loaded by its address (`url`: the portal's
 * pages, with their JavaScript and their real address), or fetched and its HTML shown
 * (`fetch`: the sign-in pages, which refuse to be framed, asked for with the visitor's
 * Accept-Language; the download in preparation, without its automatic refresh). axe-core
 * (`axeUrl`, served by the test) is injected in each page, and each page must be in the
 * language asked for (`lang`).
 *
 * Logs "test successful" when every page passes; otherwise console.error lists every problem of
 * every page (rule, impact, help, the elements concerned), so that one run says all there is.
 */
async function clientHubCheckPages(config) {
    "use strict";
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

    async function waitFor(predicate, what, timeout = 15000) {
        const start = Date.now();
        while (!predicate()) {
            if (Date.now() - start > timeout) {
                throw new Error(`timed out waiting for ${what}`);
            }
            await sleep(50);
        }
    }

    /** The element of `selector`, where " >>> " steps into the shadow root of what precedes it. */
    function query(doc, selector) {
        let scope = doc;
        for (const part of selector.split(" >>> ")) {
            const el = scope?.querySelector(part);
            if (!el) {
                return null;
            }
            scope = el.shadowRoot || el;
        }
        return scope;
    }

    /** Until the DOM (and the shadow roots in it) stops changing and no animation runs. */
    async function settle(doc) {
        let changed = Date.now();
        const observer = new MutationObserver(() => {
            changed = Date.now();
        });
        const roots = [doc, ...[...doc.querySelectorAll("*")].map((el) => el.shadowRoot).filter(Boolean)];
        for (const root of roots) {
            observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
        }
        try {
            await waitFor(() => Date.now() - changed > 300, "the page to settle");
        } finally {
            observer.disconnect();
        }
        await doc.fonts.ready;
        // Transitions and other animations that end (a modal fading in); not a spinner's loop
        const ending = doc
            .getAnimations()
            .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity);
        await Promise.all(ending.map((animation) => animation.finished.catch(() => null)));
    }

    /** A new frame as large as the window, showing the page; its document once settled. */
    async function show(page) {
        document.querySelector("iframe.o_client_hub_page_under_test")?.remove();
        const frame = document.createElement("iframe");
        frame.className = "o_client_hub_page_under_test";
        frame.title = page.name;
        frame.style.cssText = "position: fixed; inset: 0; width: 100%; height: 100%; border: 0; z-index: 2147483647";
        const loaded = new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
        if (page.fetch) {
            const init = page.init || { headers: { "Accept-Language": config.acceptLanguage } };
            const response = await fetch(page.fetch, { credentials: "same-origin", ...init });
            // The page's automatic refresh (a download in preparation) would reload it mid-check
            frame.srcdoc = (await response.text()).replace(/<meta http-equiv="refresh"[^>]*>/, "");
        } else {
            frame.src = page.url;
        }
        document.body.appendChild(frame);
        await loaded;
        const doc = frame.contentDocument;
        await waitFor(() => doc.readyState === "complete", "the page to load");
        if (page.ready) {
            await waitFor(() => query(doc, page.ready), page.ready);
        }
        await settle(doc);
        return doc;
    }

    /** The page a form of another page answers with: its CSRF token, the fields a person fills. */
    async function submit(page) {
        const form = (await show({ name: page.name, fetch: page.submit.from })).querySelector(page.submit.form);
        const data = new FormData(form);
        for (const [name, value] of Object.entries(page.submit.fields)) {
            data.set(name, value);
        }
        const init = {
            method: "POST",
            body: new URLSearchParams(data),
            headers: { "Accept-Language": config.acceptLanguage },
        };
        return show({ ...page, fetch: form.getAttribute("action"), init });
    }

    function describe(el) {
        const id = el.id ? `#${el.id}` : "";
        const classes = [...el.classList].slice(0, 3).map((name) => `.${name}`).join("");
        const text = (el.innerText || "").trim().replace(/\s+/g, " ").slice(0, 60);
        return `<${el.tagName.toLowerCase()}${id}${classes}> "${text}"`;
    }

    function visuallyHidden(el, win) {
        for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
            const style = win.getComputedStyle(node);
            if (
                node.matches(".visually-hidden, .visually-hidden-focusable:not(:focus), .sr-only") ||
                style.clip === "rect(0px, 0px, 0px, 0px)" ||
                style.clipPath === "inset(50%)"
            ) {
                return true;
            }
        }
        return false;
    }

    function layoutProblems(doc) {
        const win = doc.defaultView;
        const root = doc.documentElement;
        const problems = [];
        if (root.lang !== config.lang) {
            problems.push(`the page is in "${root.lang}", not in "${config.lang}"`);
        }
        if (root.scrollWidth > root.clientWidth) {
            const wide = [...doc.body.querySelectorAll("*")].filter(
                (el) => el.getBoundingClientRect().right > root.clientWidth + 1 && !visuallyHidden(el, win)
            );
            // The innermost elements that stick out: what to fix
            const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
            problems.push(
                `horizontal scroll: the page is ${root.scrollWidth}px wide in a ${root.clientWidth}px window; ` +
                    `sticking out: ${innermost.slice(0, 5).map(describe).join("; ")}`
            );
        }
        for (const el of doc.body.querySelectorAll("*")) {
            if (!el.getClientRects().length || !(el.innerText || "").trim()) {
                continue;
            }
            const style = win.getComputedStyle(el);
            const clips = ["hidden", "clip"].includes(style.overflowX) || style.textOverflow === "ellipsis";
            if (
                clips &&
                style.visibility !== "hidden" &&
                el.scrollWidth > el.clientWidth + 1 &&
                !visuallyHidden(el, win)
            ) {
                problems.push(`clipped text (${el.scrollWidth}px in ${el.clientWidth}px): ${describe(el)}`);
            }
        }
        return problems;
    }

    /** Axe in the page and in its frames of the same origin (the invoice's), which it then checks. */
    function inject(doc, axeSource) {
        const script = doc.createElement("script");
        script.textContent = axeSource;
        doc.head.appendChild(script);
        for (const frame of doc.querySelectorAll("iframe")) {
            const inner = frame.contentDocument;
            if (inner?.head) {
                inject(inner, axeSource);
            }
        }
    }

    async function axeProblems(doc, axeSource) {
        inject(doc, axeSource);
        const results = await doc.defaultView.axe.run(doc, { resultTypes: ["violations"] });
        return results.violations
            .filter((violation) => ["serious", "critical"].includes(violation.impact))
            .map((violation) => {
                const nodes = violation.nodes.slice(0, 6).map((node) => {
                    const check = [...node.any, ...node.all, ...node.none][0];
                    const html = node.html.replace(/\s+/g, " ").slice(0, 160);
                    return `${node.target.join(" ")} ${html}${check ? ` (${check.message})` : ""}`;
                });
                const more = violation.nodes.length > 6 ? ` and ${violation.nodes.length - 6} more` : "";
                return `axe ${violation.id} (${violation.impact}): ${violation.help}: ${nodes.join("; ")}${more}`;
            });
    }

    const axeSource = await (await fetch(config.axeUrl)).text();
    // The frames are as wide as the window: no scroll bar of this page takes room from them
    document.documentElement.style.overflow = "hidden";
    const report = [];
    for (const page of config.pages) {
        if (page.logout) {
            // The visitor's browser says its language here too: the session keeps it
            await fetch("/web/session/logout?redirect=/web/health", {
                credentials: "same-origin",
                headers: { "Accept-Language": config.acceptLanguage },
            });
        }
        let problems = [];
        try {
            const checked = (async () => {
                const doc = await (page.submit ? submit(page) : show(page));
                return [...layoutProblems(doc), ...(await axeProblems(doc, axeSource))];
            })();
            const late = sleep(45000).then(() => {
                throw new Error("not checked within 45 seconds");
            });
            problems = await Promise.race([checked, late]);
        } catch (error) {
            problems = [`could not check the page: ${error}`];
        }
        const summary = `${page.name} (${page.url || page.fetch || page.submit.from}):\n  - ${problems.join("\n  - ")}`;
        console.info(`${config.label} ${problems.length ? summary : page.name + ": ok"}`);
        if (problems.length) {
            report.push(summary);
        }
    }
    if (report.length) {
        console.error(`${config.label}: ${report.length} page(s) below the bar\n${report.join("\n")}`);
    } else {
        console.log("test successful");
    }
}
