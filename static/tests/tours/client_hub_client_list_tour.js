import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// Clients owe: North 1,000.00 (600.00 of it overdue), East 300.00, West -120.00 (in credit).
registry.category("web_tour.tours").add("client_hub_client_list_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("client_hub.menu_client_hub_root", "Open the Client Hub app"),
        {
            content: "Switch to the list of clients",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Only the tour's clients",
            trigger: ".o_searchview_input",
            run: "edit Tour List && press Enter",
        },
        {
            content: "They are listed",
            trigger: ".o_list_renderer:has(.o_data_row:contains(Tour List West)):not(:has(.o_data_row:nth-child(4)))",
        },
        {
            content: "The Outstanding column is shown",
            trigger: "th[data-name=balance_outstanding].o_column_sortable",
            run: "click",
        },
        {
            content: "Sorted by outstanding, smallest first: the client in credit",
            trigger: "th[data-name=balance_outstanding] .fa-sort-asc",
        },
        {
            content: "West comes first",
            trigger: ".o_data_row:first-child .o_data_cell[name=complete_name]:contains(Tour List West)",
        },
        {
            content: "Click again: largest first",
            trigger: "th[data-name=balance_outstanding]",
            run: "click",
        },
        {
            content: "The client who owes the most comes first",
            trigger: "th[data-name=balance_outstanding] .fa-sort-desc",
        },
        {
            content: "North first, with what it owes",
            trigger: ".o_data_row:first-child:has(.o_data_cell[name=complete_name]:contains(Tour List North)) .o_data_cell[name=balance_outstanding]:contains(1,000.00)",
        },
        {
            content: "The footer sums the rows",
            trigger: "tfoot .o_list_number:contains(1,180.00)",
        },
        {
            content: "Open the filters",
            trigger: ".o_control_panel .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter the overdue clients",
            trigger: ".o_filter_menu .o_menu_item:contains(Overdue)",
            run: "click",
        },
        {
            content: "Only North is overdue",
            trigger: ".o_list_renderer:has(.o_data_row:contains(Tour List North)):not(:has(.o_data_row:nth-child(2)))",
        },
        {
            content: "Group by salesperson",
            trigger: ".o_group_by_menu .o_menu_item:contains(Salesperson)",
            run: "click",
        },
        {
            content: "The salesperson's group sums what its clients owe",
            trigger: ".o_group_header:contains(Tour Seller) .o_list_number:contains(1,000.00)",
        },
        {
            content: "Remove the overdue filter",
            trigger: ".o_searchview_facet:contains(Overdue) .o_facet_remove",
            run: "click",
        },
        {
            content: "The group now sums all three clients",
            trigger: ".o_group_header:contains(Tour Seller) .o_list_number:contains(1,180.00)",
        },
        {
            content: "Switch to the kanban view",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The salesperson's column sums what its clients owe, with its balance bar",
            trigger: ".o_kanban_group:contains(Tour Seller) .o_column_progress .bg-danger",
        },
        {
            content: "The cards show what each client owes",
            trigger: ".o_kanban_record:contains(Tour List North) .o_client_hub_kanban_figures:contains(1,000.00):contains(600.00)",
        },
    ],
});
