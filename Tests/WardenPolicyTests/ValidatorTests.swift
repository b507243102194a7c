import Testing

@testable import WardenPolicy

@Suite struct ValidatorTests {
    let schema: Schema

    init() throws {
        schema = try Schema(
            cedarSchema: """
                entity Role;
                entity Agent in [Role] = { level: Long, team?: String };
                entity System = { owner: Agent };
                action "read", "send" appliesTo {
                    principal: [Agent], resource: [System], context: { tainted: Bool, amount?: Long }
                };
                """)
    }

    func errors(_ text: String) throws -> [ValidationError] {
        Validator.validate(try PolicySet(text: text), schema: schema)
    }

    @Test func wellTypedPolicyValidates() throws {
        #expect(
            try errors(
                #"""
                permit(principal in Role::"analyst", action == Action::"read", resource)
                when { !context.tainted && resource.owner == principal && principal.level >= 2 }
                unless { context has amount && context.amount > 100 };
                """#
            ).isEmpty)
    }

    @Test func unknownAttributeIsAnError() throws {
        let e = try errors(#"permit(principal, action, resource) when { principal.salary > 1 };"#)
        #expect(e.count == 1)
        #expect(e.first?.policyID == "policy0")
    }

    @Test func optionalAttributeNeedsAHasGuard() throws {
        #expect(!(try errors(#"permit(principal, action, resource) when { principal.team == "x" };"#).isEmpty))
        #expect(
            try errors(#"permit(principal, action, resource) when { principal has team && principal.team == "x" };"#)
                .isEmpty)
    }

    @Test func typeMismatchesAreErrors() throws {
        #expect(!(try errors(#"permit(principal, action, resource) when { principal.level == "2" };"#).isEmpty))
        #expect(!(try errors(#"permit(principal, action, resource) when { context.tainted + 1 > 0 };"#).isEmpty))
        #expect(!(try errors(#"permit(principal, action, resource) when { ip("1.2.3.999").isIpv4() };"#).isEmpty))
    }

    @Test func unknownActionsAndTypesAreErrors() throws {
        #expect(!(try errors(#"permit(principal, action == Action::"delete", resource);"#).isEmpty))
        #expect(!(try errors(#"permit(principal is Robot, action, resource);"#).isEmpty))
    }

    @Test func scopeThatNoActionAppliesToIsAnError() throws {
        #expect(!(try errors(#"permit(principal is System, action == Action::"read", resource);"#).isEmpty))
    }

    @Test func shortCircuitedBranchesAreNotChecked() throws {
        #expect(try errors(#"permit(principal, action, resource) when { false && principal.salary > 1 };"#).isEmpty)
    }
}

@Suite struct ValidatorLocationTests {
    @Test func errorsPointAtTheClauseThatHoldsThem() throws {
        let schema = try Schema(
            cedarSchema: "entity A = { n: Long }; action go appliesTo { principal: [A], resource: [A] };")
        let policies = try PolicySet(
            text: """
                permit(principal, action, resource)
                when { principal.n > 1 }
                unless { principal.missing };
                """)
        let errors = Validator.validate(policies, schema: schema)
        #expect(errors.count == 1)
        #expect(errors.first?.location?.line == 3)
    }

    @Test func factsFromEarlierClausesGuardLaterOnes() throws {
        let schema = try Schema(
            cedarSchema: "entity A = { n?: Long }; action go appliesTo { principal: [A], resource: [A] };")
        let guarded = try PolicySet(
            text: "permit(principal, action, resource) when { principal has n } when { principal.n > 1 };")
        #expect(Validator.validate(guarded, schema: schema).isEmpty)
        let unguarded = try PolicySet(text: "permit(principal, action, resource) when { principal.n > 1 };")
        #expect(!Validator.validate(unguarded, schema: schema).isEmpty)
    }
}
