import Testing

@testable import WardenPolicy

@Suite struct ParserTests {
    @Test func policiesGetPositionalIDsInFileOrderWhateverTheirIdAnnotationSays() throws {
        let set = try PolicySet(
            text: """
                @id("first") permit(principal, action, resource);
                forbid(principal, action, resource) when { false };
                """)
        #expect(set.policies.map(\.id) == ["policy0", "policy1"])
        #expect(set.policies[0].annotation("id") == "first")
    }

    @Test func callerSuppliedIDsReplacePositionalOnes() throws {
        let set = try PolicySet(text: "permit(principal, action, resource);", ids: ["allow-all"])
        #expect(set.policies.map(\.id) == ["allow-all"])
    }

    @Test func parseErrorNamesFileLineColumnAndPointsAtTheToken() throws {
        let text = "permit(principal, action, resource)\nwhen { context.x == };\n"
        let error = try #require(throws: PolicyParseError.self) { try PolicySet(text: text, fileName: "tenant.cedar") }
        #expect(error.fileName == "tenant.cedar")
        #expect(error.location.line == 2)
        #expect(error.location.column == 21)
        #expect(error.description.hasPrefix("tenant.cedar:2:21: error: "))
        #expect(error.description.hasSuffix("when { context.x == };\n                    ^"))
    }

    @Test func duplicateAnnotationsAreRefused() {
        #expect(throws: PolicyParseError.self) { try PolicySet(text: "@a @a permit(principal, action, resource);") }
    }

    @Test func actionScopeOnlyTakesActionEntities() {
        #expect(throws: PolicyParseError.self) {
            try PolicySet(text: #"permit(principal, action == User::"x", resource);"#)
        }
    }

    @Test func scopeFormsAreParsed() throws {
        let p = try #require(
            try PolicySet(
                text: #"""
                    permit(principal is App::User in App::Group::"g", action in [Action::"a", App::Action::"b"],
                           resource is Doc);
                    """#
            ).policies.first)
        #expect(p.principal == .isIn(Name(["App", "User"]), EntityUID("App::Group", "g")))
        #expect(p.action == .in([EntityUID("Action", "a"), EntityUID("App::Action", "b")]))
        #expect(p.resource == .is(Name(["Doc"])))
    }

    @Test func multiplicationBindsTighterThanAdditionAndComparison() throws {
        #expect(try evaluate("1 + 2 * 3 == 7") == .bool(true))
        #expect(try evaluate("!false && 2 - 1 - 1 == 0") == .bool(true))
        #expect(try evaluate("if 1 < 2 then \"a\" else \"b\"") == .string("a"))
    }

    @Test func ifNeedsParenthesesAsAnOperand() throws {
        #expect(throws: PolicyParseError.self) { try parseExpression("false || if true then true else false") }
        #expect(try evaluate("false || (if true then true else false)") == .bool(true))
    }

    @Test func comparisonsDoNotChain() {
        #expect(throws: PolicyParseError.self) { try parseExpression("1 < 2 < 3") }
    }

    @Test func smallestLongIsWritableAsNegativeLiteral() throws {
        #expect(try evaluate("-9223372036854775808") == .long(Int64.min))
        #expect(throws: PolicyParseError.self) { try parseExpression("9223372036854775808") }
    }

    @Test func stringEscapesIncludingUnicodeBraces() throws {
        #expect(try evaluate(#""a\u{1F600}\n\t\"\\\0\x41""#) == .string("a\u{1F600}\n\t\"\\\0A"))
        #expect(throws: PolicyParseError.self) { try parseExpression(#""\q""#) }
    }

    @Test func likeTreatsEscapedStarAsLiteral() throws {
        #expect(try evaluate(#""a*c" like "a\*c""#) == .bool(true))
        #expect(try evaluate(#""abc" like "a\*c""#) == .bool(false))
        #expect(try evaluate(#""abc" like "a*""#) == .bool(true))
        #expect(try evaluate(#""" like "*""#) == .bool(true))
    }

    @Test func hasChainsExpandToNestedChecks() throws {
        #expect(try evaluate(#"{a: {b: 1}} has a.b"#) == .bool(true))
        #expect(try evaluate(#"{a: {c: 1}} has a.b"#) == .bool(false))
        #expect(throws: EvaluationFailure.self) { try evaluate(#"{a: 1} has a.b"#) }
    }

    @Test func unknownFunctionsAndMethodsAreParseErrors() {
        #expect(throws: PolicyParseError.self) { try parseExpression(#"foo("x")"#) }
        #expect(throws: PolicyParseError.self) { try parseExpression(#"context.bar()"#) }
    }

    @Test func templatesAreRefusedInPolicySetsWithAClearMessage() {
        let error = #expect(throws: PolicyParseError.self) {
            try PolicySet(text: "permit(principal == ?principal, action, resource);")
        }
        #expect(error?.message.contains("template") == true)
    }

    @Test func templatesLinkSlotsToEntities() throws {
        let template = try PolicyTemplate(
            text: "permit(principal in ?principal, action, resource == ?resource) when { context.ok };")
        #expect(template.slots == ["principal", "resource"])
        let linked = try template.link(
            id: "link1", principal: EntityUID("Role", "ops"), resource: EntityUID("System", "crm"))
        #expect(linked.principal == .in(EntityUID("Role", "ops")))
        #expect(linked.resource == .equals(EntityUID("System", "crm")))
        #expect(throws: TemplateLinkError.self) { try template.link(id: "x", principal: EntityUID("Role", "ops")) }
        #expect(throws: PolicyParseError.self) {
            try PolicyTemplate(text: "permit(principal, action, resource) when { ?principal == principal };")
        }
    }
}

/// Evaluates a standalone expression with an empty request and store.
func evaluate(_ text: String, entities: Entities = .empty, context: [String: Value] = [:]) throws -> Value {
    let request = Request(
        principal: EntityUID("User", "alice"), action: EntityUID("Action", "view"),
        resource: EntityUID("Doc", "d"), context: context)
    return try Evaluator(request: request, entities: entities).evaluate(try parseExpression(text))
}

@Suite struct ParserLimitTests {
    @Test func deeplyNestedPolicyTextIsRefusedInsteadOfExhaustingTheStack() {
        let parens = String(repeating: "(", count: 5000) + "true" + String(repeating: ")", count: 5000)
        #expect(throws: PolicyParseError.self) {
            try PolicySet(text: "permit(principal, action, resource) when { \(parens) };")
        }
        let chain = Array(repeating: "1", count: 5000).joined(separator: " + ")
        #expect(throws: PolicyParseError.self) {
            try PolicySet(text: "permit(principal, action, resource) when { \(chain) > 0 };")
        }
    }
}

@Suite struct PolicyJSONTests {
    /// Cedar's JSON rendering of the text below (as produced by the reference implementation).
    static let json = #"""
        {"templates":{},"staticPolicies":{"policy0":{"effect":"permit","principal":{"op":"in","entity":{"type":"Role","id":"a"}},
        "action":{"op":"in","entity":{"type":"Action","id":"r"}},"resource":{"op":"is","entity_type":"System","in":{"entity":{"type":"Sys","id":"s"}}},
        "conditions":[{"kind":"when","body":{"&&":{"left":{"like":{"left":{".":{"left":{"Var":"context"},"attr":"a"}},
        "pattern":[{"Literal":"x"},"Wildcard",{"Literal":"*"}]}},"right":{"!":{"arg":{"<":{"left":{"+":{"left":{"Value":1},
        "right":{"*":{"left":{"Value":-2},"right":{"Value":3}}}}},"right":{"Value":4}}}}}}}},
        {"kind":"unless","body":{"contains":{"left":{"Set":[{"Value":1},{"Record":{"a":{"Value":true}}}]},
        "right":{"isInRange":[{"ip":[{"Value":"1.2.3.4"}]},{"ip":[{"Value":"1.0.0.0/8"}]}]}}}}],"annotations":{"id":"x"}},
        "policy1":{"effect":"forbid","principal":{"op":"==","entity":{"type":"User","id":"u"}},"action":{"op":"==","entity":{"type":"Action","id":"x"}},
        "resource":{"op":"All"},"conditions":[]}},"templateLinks":[]}
        """#

    static let text = #"""
        @id("x") permit(principal in Role::"a", action in [Action::"r"], resource is System in Sys::"s")
        when { context.a like "x*\*" && !(1 + -2 * 3 < 4) }
        unless { [1, {a: true}].contains(ip("1.2.3.4").isInRange(ip("1.0.0.0/8"))) };
        forbid(principal == User::"u", action == Action::"x", resource);
        """#

    @Test func jsonPolicyFormatReadsTheSameASTAsTheTextSyntax() throws {
        let fromJSON = try PolicySet(json: PolicyJSONTests.json).policies
        let fromText = try PolicySet(text: PolicyJSONTests.text).policies
        #expect(fromJSON.count == 2)
        for (a, b) in zip(fromJSON, fromText) {
            #expect(a.id == b.id)
            #expect(a.effect == b.effect)
            #expect(a.principal == b.principal && a.action == b.action && a.resource == b.resource)
            #expect(a.conditions.map(\.body) == b.conditions.map(\.body))
            #expect(a.conditions.map(\.kind) == b.conditions.map(\.kind))
            #expect(a.annotations == b.annotations)
        }
    }

    @Test func unknownJSONOperatorsAreRefused() {
        #expect(throws: CedarJSONError.self) {
            try PolicySet(
                json:
                    #"{"effect":"permit","principal":{"op":"All"},"action":{"op":"All"},"resource":{"op":"All"},"conditions":[{"kind":"when","body":{"eval":[]}}]}"#
            )
        }
    }
}
