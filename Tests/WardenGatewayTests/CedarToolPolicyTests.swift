import Foundation
import Testing
import WardenCore
import WardenPolicy

@testable import WardenGateway

@Suite("Cedar tool policy: typed arguments, strict mode, fail closed on crafted input")
struct CedarToolPolicyTests {
    static let update = UpstreamToolDefinition(
        name: "update_invoice_status",
        definition: [
            "name": "update_invoice_status",
            "inputSchema": [
                "type": "object",
                "properties": [
                    "invoice_id": ["type": "string"], "status": ["type": "string"], "amount": ["type": "integer"],
                ],
                "required": ["invoice_id", "status"],
            ],
        ]
    )
    static let classes: [String: [String: EffectClass]] = ["billing": ["update_invoice_status": .mutate]]

    var catalog: ToolCatalog {
        ToolCatalog(
            listings: ["billing": [Self.update]],
            classifications: Self.classes,
            pins: ToolPins(digests: ["billing.update_invoice_status": Self.update.digest])
        )
    }

    func policy(_ text: String) throws -> CedarToolPolicy {
        let schema = try Schema(
            cedarSchema: CedarSchemaBuilder.schemaText(classifications: Self.classes, catalog: catalog)
        )
        return try CedarToolPolicy(text: text, fileName: "test.cedar", schema: schema)
    }

    func decide(_ policy: CedarToolPolicy, roles: Set<String> = ["clerk"], _ arguments: [String: WardenCore.JSONValue])
        throws
        -> WardenCore.Decision
    {
        let entry = try #require(catalog.entries["billing.update_invoice_status"])
        return policy.decide(
            ToolCallRequest(
                principal: Principal(tenant: "t", subject: "agent", issuer: "i", roles: roles),
                entry: entry,
                arguments: arguments,
                meta: [:],
                run: RunContext(sessionID: "s")
            )
        )
    }

    let onlyDisputes = """
        permit (principal in Role::"clerk", action == Action::"billing.update_invoice_status", resource)
        when { context.args.status == "disputed" };
        """

    @Test("the permitted argument value is allowed")
    func allowed() throws {
        #expect(try decide(policy(onlyDisputes), ["invoice_id": "INV-1", "status": "disputed"]).isAllowed)
    }

    static let crafted: [[String: WardenCore.JSONValue]] = [
        ["invoice_id": "INV-1", "status": .array([.string("disputed")])],  // an array where a string is expected
        ["invoice_id": "INV-1", "status": .integer(1)],
        ["invoice_id": "INV-1", "status": "DISPUTED"],
        ["invoice_id": "INV-1", "status": "disputed\u{0}"],
        ["invoice_id": "INV-1", "Status": "disputed"],  // another key: not the typed argument
        ["invoice_id": "INV-1"],  // required argument missing: evaluation error, strict deny
        ["invoice_id": "INV-1", "status": .null],
    ]

    @Test("crafted arguments never widen a permit", arguments: crafted)
    func craftedArguments(_ arguments: [String: WardenCore.JSONValue]) throws {
        #expect(!(try decide(policy(onlyDisputes), arguments).isAllowed))
    }

    @Test("a role outside the permit is denied")
    func otherRole() throws {
        #expect(
            !(try decide(policy(onlyDisputes), roles: ["analyst"], ["invoice_id": "INV-1", "status": "disputed"])
                .isAllowed))
    }

    @Test("entities are built once per agent, roles and tool: the same agent in another role is decided anew")
    func entitiesCachedByRoles() throws {
        let policy = try policy(onlyDisputes)
        for _ in 0..<3 {
            guard case .allow = try decide(policy, roles: ["clerk"], ["invoice_id": "1", "status": "disputed"]) else {
                Issue.record("clerk should be allowed")
                return
            }
            guard case .deny = try decide(policy, roles: ["viewer"], ["invoice_id": "1", "status": "disputed"]) else {
                Issue.record("viewer should be denied")
                return
            }
        }
        #expect(policy.entities.count == 2)
        // Subjects that differ only in canonically equivalent spellings are different agents to Cedar: each gets its
        // own entities (a shared entry would leave the second outside its roles).
        let entry = try #require(catalog.entries["billing.update_invoice_status"])
        for subject in ["agent-K", "agent-\u{212A}"] {
            let decision = policy.decide(
                ToolCallRequest(
                    principal: Principal(tenant: "t", subject: subject, issuer: "i", roles: ["clerk"]), entry: entry,
                    arguments: ["invoice_id": "1", "status": "disputed"], meta: [:], run: RunContext(sessionID: "s")))
            #expect(decision.isAllowed, "subject \(subject.unicodeScalars.map { $0.value })")
        }
    }

    @Test("a policy that does not type-check is refused at load")
    func typeErrorRefused() {
        #expect(throws: PolicyLoadError.self) {
            try policy("permit (principal, action, resource) when { context.args.status > 5 };")
        }
        #expect(throws: PolicyLoadError.self) {
            try policy("permit (principal, action == Action::\"billing.nope\", resource);")
        }
        #expect(throws: PolicyLoadError.self) { try policy("permit (principal, action, resource) when {") }
    }

    @Test("listing: a tool is listed only when some permit's scope could apply")
    func listing() throws {
        let p = try policy(onlyDisputes)
        let entry = try #require(catalog.entries["billing.update_invoice_status"])
        let clerk = Principal(tenant: "t", subject: "a", issuer: "i", roles: ["clerk"])
        let analyst = Principal(tenant: "t", subject: "a", issuer: "i", roles: ["analyst"])
        #expect(p.mayList(principal: clerk, entry: entry))
        #expect(!p.mayList(principal: analyst, entry: entry))
        let forbidAll = try policy(onlyDisputes + "\nforbid (principal, action, resource);")
        #expect(!forbidAll.mayList(principal: clerk, entry: entry))
    }

    @Test("context.time gives UTC hour and weekday")
    func timeContext() {
        // 2026-11-26T23:30:00Z is a Thursday.
        let record = CedarToolPolicy.timeRecord(Date(timeIntervalSince1970: 1_795_735_800))
        #expect(
            record == .record(["epochSeconds": .long(1_795_735_800), "hourUTC": .long(23), "weekdayUTC": .long(4)]))
    }

    @Test("business-hours rules see the time")
    func businessHours() throws {
        let p = try policy(
            """
            permit (principal in Role::"clerk", action, resource)
            when { context.time.hourUTC >= 0 && context.time.hourUTC < 24 && context.time.weekdayUTC <= 6 };
            """
        )
        #expect(try decide(p, ["invoice_id": "INV-1", "status": "open"]).isAllowed)
    }
}

@Suite("Policies are typed from approved definitions, not from what an upstream offers now")
struct ApprovedDefinitionTypingTests {
    let policy =
        "permit(principal, action, resource); "
        + "forbid(principal, action, resource) when { context.args.status == \"void\" };"

    @Test("an upstream that is down at start, or offers a changed schema, does not change the Cedar schema")
    func typedFromPins() throws {
        let update = CedarToolPolicyTests.update
        var pins = ToolPins()
        pins.pin("billing.update_invoice_status", definition: update.definition, digest: update.digest)
        let classes = CedarToolPolicyTests.classes
        let down = ToolCatalog(listings: [:], classifications: classes, pins: pins)
        #expect(throws: Never.self) {
            _ = try PolicyFileWatcher.compile(text: policy, fileName: "p", classifications: classes, catalog: down)
        }
        let renamed = UpstreamToolDefinition(
            name: "update_invoice_status",
            definition: [
                "name": "update_invoice_status",
                "inputSchema": ["type": "object", "properties": ["state": ["type": "string"]], "required": ["state"]],
            ])
        let changed = ToolCatalog(listings: ["billing": [renamed]], classifications: classes, pins: pins)
        #expect(throws: Never.self) {
            _ = try PolicyFileWatcher.compile(text: policy, fileName: "p", classifications: classes, catalog: changed)
        }
        // Without an approved definition the arguments are unknown to the schema, and such a policy is refused.
        let unapproved = ToolCatalog(listings: ["billing": [renamed]], classifications: classes, pins: ToolPins())
        #expect(throws: PolicyLoadError.self) {
            _ = try PolicyFileWatcher.compile(
                text: policy, fileName: "p", classifications: classes, catalog: unapproved)
        }
    }
}

@Suite("The roles table compiles to Cedar with the same answers")
struct RoleTableAsCedarTests {
    static let table: [String: Set<EffectClass>] = [
        "analyst": [.read], "clerk": [.read, .mutate], "mailer": [.read, .send], "odd \"role\"\\": [.spend],
        "empty": [],
    ]
    static let tools: [(String, EffectClass)] = [
        ("lookup", .read), ("update", .mutate), ("mail", .send), ("pay", .spend),
    ]

    @Test("every role and tool gets the same decision and listing from the table and from its Cedar text")
    func equivalence() throws {
        let definitions = Self.tools.map { UpstreamToolDefinition(name: $0.0, definition: ["name": .string($0.0)]) }
        let classes = ["s": Dictionary(uniqueKeysWithValues: Self.tools.map { ($0.0, $0.1) })]
        var pins = ToolPins()
        for d in definitions { pins.digests["s.\(d.name)"] = d.digest }
        let catalog = ToolCatalog(listings: ["s": definitions], classifications: classes, pins: pins)
        let cedar = try PolicyFileWatcher.compile(
            text: RoleTablePolicy.cedarText(Self.table),
            fileName: "roles",
            classifications: classes,
            catalog: catalog
        )
        let table = RoleTablePolicy(table: Self.table)
        let roleSets: [Set<String>] = [
            [], ["analyst"], ["clerk"], ["mailer"], ["odd \"role\"\\"], ["empty"], ["analyst", "mailer"], ["ANALYST"],
        ]
        for roles in roleSets {
            for entry in catalog.entries.values {
                let principal = Principal(tenant: "t", subject: "a", issuer: "i", roles: roles)
                let call = ToolCallRequest(
                    principal: principal, entry: entry, arguments: [:], meta: [:], run: RunContext(sessionID: "s"))
                #expect(cedar.decide(call).isAllowed == table.decide(call).isAllowed, "\(roles) \(entry.name)")
                #expect(
                    cedar.mayList(principal: principal, entry: entry)
                        == table.mayList(principal: principal, entry: entry))
            }
        }
    }
}
