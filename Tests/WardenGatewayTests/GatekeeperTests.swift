import Testing
import WardenCore

@testable import WardenGateway

@Suite("Gatekeeper: catalog, then policy, then gates; first refusal wins")
struct GatekeeperTests {
    let definitions: [String: [UpstreamToolDefinition]] = [
        "billing": [
            UpstreamToolDefinition(
                name: "lookup_invoice",
                definition: [
                    "name": "lookup_invoice", "description": "Read",
                    "inputSchema": ["type": "object", "properties": [:]],
                ]),
            UpstreamToolDefinition(
                name: "update_invoice",
                definition: [
                    "name": "update_invoice", "description": "Write",
                    "inputSchema": ["type": "object", "properties": [:]],
                ]),
            UpstreamToolDefinition(
                name: "send_email",
                definition: [
                    "name": "send_email", "description": "Send", "inputSchema": ["type": "object", "properties": [:]],
                ]),
            UpstreamToolDefinition(
                name: "mystery",
                definition: [
                    "name": "mystery", "description": "?", "inputSchema": ["type": "object", "properties": [:]],
                ]),
        ]
    ]
    let classes: [String: [String: EffectClass]] = [
        "billing": ["lookup_invoice": .read, "update_invoice": .mutate, "send_email": .send]
    ]

    func catalog(pinAll: Bool = true, changed: String? = nil) -> ToolCatalog {
        var pins = ToolPins()
        if pinAll {
            for tool in definitions["billing"] ?? [] { pins.digests["billing.\(tool.name)"] = tool.digest }
        }
        if let changed { pins.digests[changed] = String(repeating: "0", count: 64) }
        return ToolCatalog(listings: definitions, classifications: classes, pins: pins)
    }

    let keeper = Gatekeeper(
        policy: RoleTablePolicy(table: ["analyst": [.read], "clerk": [.read, .mutate], "mailer": [.read, .send]]),
        gates: [
            EffectClassHold(effect: .send, refusal: Refusal(rule: "grant.required", message: "no grant")),
            EffectClassHold(effect: .spend, refusal: Refusal(rule: "approval.required", message: "held")),
        ]
    )

    func principal(_ roles: Set<String>) -> Principal {
        Principal(tenant: "acme", subject: "agent-1", issuer: "https://idp", roles: roles)
    }

    func decide(_ roles: Set<String>, _ tool: String, catalog: ToolCatalog? = nil) async -> Decision {
        await keeper.authorize(
            principal: principal(roles),
            requestedTool: tool,
            arguments: [:],
            meta: [:],
            run: RunContext(sessionID: "s"),
            catalog: catalog ?? self.catalog()
        ).decision
    }

    func rule(_ decision: Decision) -> String? {
        // (A hold reads as a refusal here: the call does not run.)
        if case .deny(let refusal) = decision { return refusal.rule }
        return nil
    }

    @Test("a read role may call read tools and nothing else")
    func readRole() async {
        #expect(await decide(["analyst"], "billing.lookup_invoice").isAllowed)
        #expect(rule(await decide(["analyst"], "billing.update_invoice")) == "policy.role-table")
    }

    @Test("unknown and look-alike names are unknown tools")
    func unknownNames() async {
        for name in [
            "billing.nope", "BILLING.lookup_invoice", "billing.lookup_invoice ", "lookup_invoice",
            "billing.lookup\u{200B}_invoice",
        ] {
            #expect(rule(await decide(["clerk"], name)) == "catalog.unknown-tool", "\(name)")
        }
    }

    @Test("an unclassified tool is denied to everyone and listed to no one")
    func unclassified() async {
        #expect(rule(await decide(["analyst", "clerk", "mailer"], "billing.mystery")) == "catalog.unclassified-tool")
        let visible = keeper.visibleTools(principal: principal(["clerk", "mailer"]), catalog: catalog())
        #expect(!visible.map(\.name.description).contains("billing.mystery"))
    }

    @Test("an unpinned tool is denied until approved")
    func unpinned() async {
        #expect(
            rule(await decide(["analyst"], "billing.lookup_invoice", catalog: catalog(pinAll: false)))
                == "catalog.unpinned-tool")
    }

    @Test("a tool whose definition changed since approval is denied")
    func changedDefinition() async {
        let decision = await decide(
            ["analyst"], "billing.lookup_invoice", catalog: catalog(changed: "billing.lookup_invoice"))
        #expect(rule(decision) == "catalog.tool-definition-changed")
    }

    @Test("send is held for a grant even when the role allows send")
    func sendHeld() async {
        #expect(rule(await decide(["mailer"], "billing.send_email")) == "grant.required")
    }

    @Test("listing shows exactly what the role could call")
    func listing() {
        let names = { (roles: Set<String>) in
            keeper.visibleTools(principal: principal(roles), catalog: catalog()).map(\.name.description)
        }
        #expect(names(["analyst"]) == ["billing.lookup_invoice"])
        #expect(names(["clerk"]) == ["billing.lookup_invoice", "billing.update_invoice"])
        #expect(names([]) == [])
        #expect(names(["unknown-role"]) == [])
    }

    @Test("the advertised definition carries the namespaced name")
    func advertisedName() throws {
        let entry = try #require(catalog().entries["billing.lookup_invoice"])
        #expect(entry.advertisedDefinition["name"] == "billing.lookup_invoice")
    }

    @Test("the action digest binds tool and arguments")
    func actionDigest() throws {
        let entry = try #require(catalog().entries["billing.send_email"])
        let a = ToolCallRequest(
            principal: principal([]), entry: entry, arguments: ["to": "a@x.example"], meta: [:],
            run: RunContext(sessionID: "s"))
        var b = a
        b.arguments = ["to": "b@x.example"]
        #expect(a.actionDigest != b.actionDigest)
    }
}
