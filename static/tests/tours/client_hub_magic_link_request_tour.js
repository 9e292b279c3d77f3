import { registry } from "@web/core/registry";

// A client locked out of its portal asks for a new link, as a person does: types its address on
// the sign-in page and clicks Send. The page says the link is being sent now.
registry.category("web_tour.tours").add("client_hub_magic_link_request_tour", {
    steps: () => [
        {
            content: "Type the address our emails reach the client at",
            trigger: "form.o_client_hub_magic_link_request input[name=email]",
            run: "edit mia@magic.example",
        },
        {
            content: "Send",
            trigger: "form.o_client_hub_magic_link_request button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page says the link is on its way now, for the address typed",
            trigger: ".o_client_hub_magic_link:contains(we are sending it a new sign-in link now):contains(mia@magic.example)",
        },
    ],
});
