import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * The support badge of the top bar: how many open tickets await the team's answer (a ticket is
 * new, or its client wrote last). Refreshed by Odoo's bus when a client writes from the portal
 * or by email, or when a ticket is answered or closed; a click opens exactly those tickets.
 */
const SUPPORT_MENUS = ["client_hub.menu_client_hub_support", "client_hub.menu_helpdesk_client_hub_awaiting"];

export class ClientHubSupportSystray extends Component {
    static template = "client_hub.SupportSystray";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.menu = useService("menu");
        this.state = useState({ count: -1 });
        onWillStart(() => this.refresh());
        this.env.services.bus_service.subscribe("client_hub/support_badge", () => this.refresh());
    }

    async refresh() {
        this.state.count = await this.orm.call("helpdesk.ticket", "client_hub_awaiting_count", []);
    }

    /**
     * Opens the tickets through their menu, so that the web client shows its app (Client Hub, or
     * Helpdesk for a user who only has that one) instead of the app the user was in (Discuss
     * after a sign-in): the current app's menu when it has one, else Client Hub's.
     */
    onClick() {
        const menus = this.menu
            .getAll()
            .filter((menu) => SUPPORT_MENUS.includes(menu.xmlid))
            .sort((a, b) => SUPPORT_MENUS.indexOf(a.xmlid) - SUPPORT_MENUS.indexOf(b.xmlid));
        const currentApp = this.menu.getCurrentApp();
        const menu = menus.find((item) => item.appID === currentApp?.id) || menus[0];
        if (menu) {
            return this.menu.selectMenu(menu);
        }
        return this.action.doAction("client_hub.action_client_hub_support_awaiting", {
            clearBreadcrumbs: true,
        });
    }
}

registry
    .category("systray")
    .add("client_hub.support", { Component: ClientHubSupportSystray }, { sequence: 40 });
