import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * The support badge of the top bar: how many open tickets await the team's answer (a ticket is
 * new, or its client wrote last). Refreshed by Odoo's bus when a client writes from the portal
 * or by email, or when a ticket is answered or closed; a click opens exactly those tickets.
 */
export class ClientHubSupportSystray extends Component {
    static template = "client_hub.SupportSystray";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ count: -1 });
        onWillStart(() => this.refresh());
        this.env.services.bus_service.subscribe("client_hub/support_badge", () => this.refresh());
    }

    async refresh() {
        this.state.count = await this.orm.call("helpdesk.ticket", "client_hub_awaiting_count", []);
    }

    onClick() {
        this.action.doAction("client_hub.action_client_hub_support_awaiting");
    }
}

registry
    .category("systray")
    .add("client_hub.support", { Component: ClientHubSupportSystray }, { sequence: 40 });
