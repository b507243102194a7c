import Testing

@testable import WardenPolicy

@Suite struct JSONFormatTests {
    static let schemaText = """
        namespace App {
            entity Role;
            entity User in [Role] = { level: Long, ip?: ipaddr, manager?: User };
            entity Doc tags String;
            action read appliesTo { principal: [User], resource: [Doc], context: { when: datetime, score?: decimal } };
            action "read-all" in [read];
        }
        """

    @Test func entitiesReadEscapesAndComputeAncestors() throws {
        let json = try JSONValue.parse(
            #"""
            [
              {"uid": {"type": "User", "id": "a"}, "attrs": {"boss": {"__entity": {"type": "User", "id": "b"}},
               "net": {"__extn": {"fn": "ip", "arg": "10.0.0.1"}}}, "parents": [{"type": "Group", "id": "g"}]},
              {"uid": {"type": "Group", "id": "g"}, "attrs": {}, "parents": [{"type": "Group", "id": "top"}]}
            ]
            """#)
        let entities = try CedarJSON.entities(json)
        let a = try #require(entities.entity(EntityUID("User", "a")))
        #expect(a.attributes["boss"] == .entity(EntityUID("User", "b")))
        #expect(a.attributes["net"] == .ext(.ipaddr(try #require(IPAddr(parsing: "10.0.0.1")))))
        #expect(entities.ancestors(of: EntityUID("User", "a")) == [EntityUID("Group", "g"), EntityUID("Group", "top")])
    }

    @Test func schemaDirectedParsingReadsImplicitEntityAndExtensionValues() throws {
        let schema = try Schema(cedarSchema: JSONFormatTests.schemaText)
        let json = try JSONValue.parse(
            #"""
            [{"uid": {"type": "App::User", "id": "a"}, "attrs": {"level": 2, "ip": "10.0.0.1",
              "manager": {"type": "App::User", "id": "b"}}, "parents": []}]
            """#)
        let entities = try CedarJSON.entities(json, schema: schema)
        let a = try #require(entities.entity(EntityUID("App::User", "a")))
        #expect(a.attributes["manager"] == .entity(EntityUID("App::User", "b")))
        #expect(a.attributes["ip"] == .ext(.ipaddr(try #require(IPAddr(parsing: "10.0.0.1")))))
        // Action entities come from the schema, with their groups as parents.
        #expect(entities.isDescendant(EntityUID("App::Action", "read-all"), of: EntityUID("App::Action", "read")))
    }

    @Test func schemaDirectedParsingRefusesNonConformingEntities() throws {
        let schema = try Schema(cedarSchema: JSONFormatTests.schemaText)
        for bad in [
            #"[{"uid": {"type": "App::User", "id": "a"}, "attrs": {}, "parents": []}]"#,
            #"[{"uid": {"type": "App::User", "id": "a"}, "attrs": {"level": "2"}, "parents": []}]"#,
            #"[{"uid": {"type": "App::User", "id": "a"}, "attrs": {"level": 2, "x": 1}, "parents": []}]"#,
            #"[{"uid": {"type": "App::Nope", "id": "a"}, "attrs": {}, "parents": []}]"#,
        ] {
            #expect(throws: CedarJSONError.self) { try CedarJSON.entities(try JSONValue.parse(bad), schema: schema) }
        }
    }

    @Test func contextIsTypedByTheActionInTheSchema() throws {
        let schema = try Schema(cedarSchema: JSONFormatTests.schemaText)
        let context = try CedarJSON.context(
            try JSONValue.parse(#"{"when": "2024-01-01", "score": "0.5"}"#), schema: schema,
            action: EntityUID("App::Action", "read"))
        #expect(context["score"] == .ext(.decimal(CedarDecimal(scaled: 5000))))
        #expect(throws: CedarJSONError.self) {
            try CedarJSON.context(
                try JSONValue.parse(#"{"score": "0.5"}"#), schema: schema, action: EntityUID("App::Action", "read"))
        }
    }

    @Test func jsonSchemaFormMatchesTheHumanSyntax() throws {
        let json = try Schema(
            json: #"""
                {"App": {"entityTypes": {
                    "Role": {},
                    "User": {"memberOfTypes": ["Role"], "shape": {"type": "Record", "attributes": {
                        "level": {"type": "Long"}, "ip": {"type": "Extension", "name": "ipaddr", "required": false},
                        "manager": {"type": "Entity", "name": "User", "required": false}}}},
                    "Doc": {"tags": {"type": "String"}}},
                  "actions": {
                    "read": {"appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Doc"], "context": {
                        "type": "Record", "attributes": {"when": {"type": "Extension", "name": "datetime"},
                        "score": {"type": "Extension", "name": "decimal", "required": false}}}}},
                    "read-all": {"memberOf": [{"id": "read"}]}}}}
                """#)
        let human = try Schema(cedarSchema: JSONFormatTests.schemaText)
        #expect(json.entityTypes == human.entityTypes)
        #expect(json.actions == human.actions)
    }

    @Test func duplicateJSONKeysAreRefused() {
        #expect(throws: CedarJSONError.self) { try JSONValue.parse(#"{"a": 1, "a": 2}"#) }
    }
}

@Suite struct SchemaErrorTests {
    @Test func undeclaredTypeInASchemaPointsAtItsDeclaration() throws {
        let text = "entity User;\nentity Doc = { owner: Usr };\n"
        let error = try #require(throws: PolicyParseError.self) {
            try Schema(cedarSchema: text, fileName: "s.cedarschema")
        }
        #expect(error.location.line == 2)
        #expect(error.message.contains("Usr"))
        #expect(error.description.hasPrefix("s.cedarschema:2:1: error:"))
    }

    @Test func actionInUndeclaredGroupIsRefused() {
        #expect(throws: PolicyParseError.self) {
            try Schema(cedarSchema: #"action view in ["nope"] appliesTo { principal: [], resource: [] };"#)
        }
    }
}

@Suite struct HostileInputTests {
    @Test func deeplyNestedSchemaTypesAreRefused() {
        let deep = String(repeating: "Set<", count: 10_000) + "Long" + String(repeating: ">", count: 10_000)
        #expect(throws: PolicyParseError.self) { try Schema(cedarSchema: "entity A = { a: \(deep) };") }
    }

    @Test func deeplyNestedJSONIsRefused() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: CedarJSONError.self) { try JSONValue.parse(deep) }
    }

    @Test func malformedEntityAttributesAreRefused() {
        #expect(throws: CedarJSONError.self) {
            try Entities(json: #"[{"uid": {"type": "A", "id": "a"}, "attrs": [], "parents": []}]"#)
        }
    }
}

@Suite struct ContextConformanceTests {
    @Test func swiftBuiltContextsAreCheckedAgainstTheSchema() throws {
        let schema = try Schema(cedarSchema: JSONFormatTests.schemaText)
        let read = EntityUID("App::Action", "read")
        let good: [String: Value] = [
            "when": .ext(.datetime(try #require(CedarDatetime(parsing: "2024-01-01"))))
        ]
        try schema.validateContext(good, for: read)
        #expect(throws: CedarJSONError.self) { try schema.validateContext([:], for: read) }
        #expect(throws: CedarJSONError.self) { try schema.validateContext(["when": "2024-01-01"], for: read) }
        var extra = good
        extra["surprise"] = true
        #expect(throws: CedarJSONError.self) { try schema.validateContext(extra, for: read) }
    }
}
