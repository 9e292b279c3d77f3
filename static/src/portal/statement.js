import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";

/**
 * The statement's download form: "select all" on the page, then an offer to select every
 * document of the list (all pages, same filter), and buttons enabled only when useful.
 * Without JavaScript the form still works: tick boxes, or "Download all".
 */
export class ClientHubStatement extends Interaction {
    static selector = ".o_client_hub_statement_form";
    dynamicContent = {
        ".o_client_hub_select_page": { "t-on-change": this.onSelectPage },
        "input[name='invoice_ids']": { "t-on-change": this.onSelectRow },
        ".o_client_hub_select_all_matching": { "t-on-click.prevent": this.onSelectAllMatching },
    };

    setup() {
        this.allInput = this.el.querySelector(".o_client_hub_all_input");
        this.banner = this.el.querySelector(".o_client_hub_select_all_banner");
        this.selectionButton = this.el.querySelector(".o_client_hub_download_selection");
        // A page restored from the history starts with nothing selected beyond it
        this.setAll(false);
        this.update();
    }

    get rowBoxes() {
        return [...this.el.querySelectorAll("input[name='invoice_ids']")];
    }

    onSelectPage(ev) {
        for (const box of this.rowBoxes) {
            box.checked = ev.currentTarget.checked;
        }
        this.setAll(false);
        this.update();
    }

    onSelectRow() {
        this.setAll(false);
        this.update();
    }

    onSelectAllMatching() {
        this.setAll(true);
        this.update();
    }

    /**
     * The hidden "all=1" field is sent only while every document of the list is selected: a
     * disabled field is not submitted, so "Download all (N)" (a submit button named "all") never
     * comes with a second, empty "all".
     */
    setAll(all) {
        if (this.allInput) {
            this.allInput.disabled = !all;
        }
    }

    update() {
        const boxes = this.rowBoxes;
        const checked = boxes.filter((box) => box.checked).length;
        const pageBox = this.el.querySelector(".o_client_hub_select_page");
        if (pageBox) {
            pageBox.checked = boxes.length > 0 && checked === boxes.length;
            pageBox.indeterminate = checked > 0 && checked < boxes.length;
        }
        const all = Boolean(this.allInput && !this.allInput.disabled);
        if (this.banner) {
            this.banner.classList.toggle("d-none", !(boxes.length && checked === boxes.length));
            this.banner.querySelector(".o_client_hub_page_selected").classList.toggle("d-none", all);
            this.banner.querySelector(".o_client_hub_select_all_matching").classList.toggle("d-none", all);
            this.banner.querySelector(".o_client_hub_all_selected").classList.toggle("d-none", !all);
        }
        if (this.selectionButton) {
            this.selectionButton.disabled = !checked && !all;
        }
    }
}

registry.category("public.interactions").add("client_hub.statement", ClientHubStatement);
