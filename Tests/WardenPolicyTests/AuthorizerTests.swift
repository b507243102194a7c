import Testing

@testable import WardenPolicy

@Suite struct AuthorizerTests {
    let entities = Entities([
        Entity(uid: EntityUID("Agent", "a1"), parents: [EntityUID("Role", "analyst")]),
        Entity(uid: EntityUID("Action", "crm.read"), parents: [EntityUID("Action", "read")]),
        Entity(uid: EntityUID("Action", "mail.send"), parents: [EntityUID("Action", "send")]),
    ])

    func request(_ action: String, _ context: [String: Value] = [:]) -> Request {
        Request(
            principal: EntityUID("Agent", "a1"), action: EntityUID("Action", action),
            resource: EntityUID("System", "crm"), context: context)
    }

    @Test func denyByDefault() throws {
        let auth = Authorizer(policies: try PolicySet(text: ""))
        #expect(auth.isAuthorized(request("crm.read"), entities: entities).decision == .deny)
    }

    @Test func forbidOverridesPermit() throws {
        let auth = Authorizer(
            policies: try PolicySet(
                text: """
                    permit(principal in Role::"analyst", action in Action::"read", resource);
                    forbid(principal, action, resource == System::"crm");
                    """))
        let r = auth.isAuthorized(request("crm.read"), entities: entities)
        #expect(r.decision == .deny)
        #expect(r.reasons == ["policy1"])
    }

    @Test func erroringPolicyIsSkippedAndReported() throws {
        let auth = Authorizer(
            policies: try PolicySet(
                text: """
                    permit(principal, action, resource);
                    forbid(principal, action, resource) when { context.missing == 1 };
                    """))
        let r = auth.isAuthorized(request("crm.read"), entities: entities)
        #expect(r.decision == .allow)
        #expect(r.reasons == ["policy0"])
        #expect(r.errors.map(\.policyID) == ["policy1"])
    }

    @Test func strictModeDeniesWhenAnApplicablePolicyErrors() throws {
        let policies = try PolicySet(
            text: """
                permit(principal, action, resource);
                permit(principal, action, resource) when { context.amount > 10 };
                """)
        let lenient = Authorizer(policies: policies).isAuthorized(request("crm.read"), entities: entities)
        let strict = Authorizer(policies: policies, strict: true).isAuthorized(request("crm.read"), entities: entities)
        #expect(lenient.decision == .allow)
        #expect(strict.decision == .deny)
        #expect(strict.errors.map(\.policyID) == ["policy1"])
    }

    @Test func strictModeIgnoresErrorsInPoliciesWhoseScopeDoesNotMatch() throws {
        let policies = try PolicySet(
            text: """
                permit(principal, action in Action::"read", resource);
                permit(principal, action in Action::"send", resource) when { context.amount > 10 };
                """)
        let strict = Authorizer(policies: policies, strict: true).isAuthorized(request("crm.read"), entities: entities)
        #expect(strict.decision == .allow)
    }

    @Test func couldPermitLeavesConditionsOpenButHonoursUnconditionalForbids() throws {
        let auth = Authorizer(
            policies: try PolicySet(
                text: """
                    permit(principal in Role::"analyst", action in Action::"read", resource) when { context.ok };
                    permit(principal in Role::"analyst", action in Action::"send", resource);
                    forbid(principal, action == Action::"mail.send", resource) when { true };
                    forbid(principal, action in Action::"read", resource) when { context.tainted };
                    """))
        let agent = EntityUID("Agent", "a1")
        let crm = EntityUID("System", "crm")
        #expect(
            auth.couldPermit(
                principal: agent, action: EntityUID("Action", "crm.read"), resource: crm, entities: entities))
        #expect(
            !auth.couldPermit(
                principal: agent, action: EntityUID("Action", "mail.send"), resource: crm, entities: entities))
        #expect(
            !auth.couldPermit(
                principal: agent, action: EntityUID("Action", "crm.write"), resource: crm, entities: entities))
    }
}

@Suite struct PolicySetTests {
    @Test func severalFilesShareOnePositionalIDSequence() throws {
        let set = try PolicySet(sources: [
            (fileName: "a.cedar", text: "permit(principal, action, resource);"),
            (fileName: "b.cedar", text: "forbid(principal, action, resource);\npermit(principal, action, resource);"),
        ])
        #expect(set.policies.map(\.id) == ["policy0", "policy1", "policy2"])
    }

    @Test func parseErrorInTheSecondFileNamesThatFile() {
        let error = #expect(throws: PolicyParseError.self) {
            try PolicySet(sources: [
                (fileName: "a.cedar", text: "permit(principal, action, resource);"),
                (fileName: "b.cedar", text: "permit(principal, action, resource)"),
            ])
        }
        #expect(error?.fileName == "b.cedar")
    }

    @Test func idAnnotationsCanNameRulesButMustBeUnique() throws {
        let set = try PolicySet(
            text: #"@id("read-only") permit(principal, action, resource); forbid(principal, action, resource);"#)
        #expect(try set.namedByIDAnnotations().policies.map(\.id) == ["read-only", "policy1"])
        let clash = try PolicySet(
            text: #"@id("x") permit(principal, action, resource); @id("x") forbid(principal, action, resource);"#)
        #expect(throws: PolicyIDError.self) { try clash.namedByIDAnnotations() }
    }
}

@Suite struct ExplainTests {
    @Test func explainListsScopeMatchesWithTheirOutcome() throws {
        let auth = Authorizer(
            policies: try PolicySet(
                text: """
                    permit(principal, action, resource) when { context.ok };
                    forbid(principal, action, resource) when { context.nope };
                    permit(principal == Agent::"other", action, resource);
                    """))
        let request = Request(
            principal: EntityUID("Agent", "a1"), action: EntityUID("Action", "x"), resource: EntityUID("System", "s"),
            context: ["ok": true])
        let traces = auth.explain(request, entities: .empty)
        #expect(traces.map(\.policyID) == ["policy0", "policy1"])
        #expect(traces.first?.outcome == .satisfied)
        if case .error = traces.last?.outcome {} else { Issue.record("policy1 should have errored") }
    }
}
