import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("client_hub_clients_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("client_hub.menu_client_hub_root", "Open the Client Hub app"),
        {
            content: "Switch to the list of clients",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open a client",
            trigger: ".o_data_row .o_data_cell:contains(Tour Client SA)",
            run: "click",
        },
        {
            content: "The client's form shows its email",
            trigger: ".o_form_view .o_field_widget[name=email] input",
            run() {
                const value = this.anchor.value;
                if (value !== "tour.client@example.com") {
                    throw new Error(`unexpected email ${value}`);
                }
            },
        },
        {
            content: "Breadcrumb names the client",
            trigger: ".o_breadcrumb:contains(Tour Client SA)",
        },
        {
            content: "The dashboard shows the lifetime invoiced card",
            trigger: ".o_client_hub_card:contains(Lifetime invoiced) .o_client_hub_card_value:contains(1,150.00)",
        },
        {
            content: "The overdue card shows the late invoice",
            trigger: ".o_client_hub_card:contains(Overdue) .o_client_hub_card_value:contains(1,000.00)",
        },
        {
            content: "The chart is drawn",
            trigger: ".o_client_hub_chart_field svg.o_client_hub_chart",
        },
        {
            content: "Open the overdue invoices from their card",
            trigger: "button[name=action_client_hub_overdue]",
            run: "click",
        },
        {
            content: "They are listed",
            trigger: ".o_breadcrumb:contains(Overdue documents of Tour Client SA)",
        },
        {
            content: "Only the overdue invoice",
            trigger: ".o_list_renderer .o_data_row:only-child",
        },
    ],
});
