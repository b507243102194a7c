/// Decides requests against a policy set with Cedar's rules: a satisfied `forbid` wins, then a satisfied `permit`
/// allows, and otherwise the answer is deny.
///
/// A policy whose condition errors is skipped and reported in `errors` (Cedar's behaviour). With `isStrict`, any
/// error in a policy whose scope matches the request turns the decision into deny: the gateway must fail closed.
public struct Authorizer: Sendable {
    public let policySet: PolicySet
    /// Deny whenever a policy that applies to the request errors.
    public let isStrict: Bool
    private let compiled: [CompiledPolicy]
    private let index: PolicyIndex

    /// What evaluation needs from a policy, behind one reference so the hot loop does not copy policy values.
    private final class CompiledPolicy: Sendable {
        let id: PolicyID
        let effect: Effect
        let principal: ScopeConstraint
        let action: ActionConstraint
        let resource: ScopeConstraint
        let condition: Expr
        let isUnconditional: Bool

        init(_ p: Policy) {
            id = p.id
            effect = p.effect
            principal = p.principal
            action = p.action
            resource = p.resource
            condition = p.conditionExpr
            isUnconditional = p.hasTriviallyTrueConditions
        }

        func scopeMatches(_ p: EntityUID, _ a: EntityUID, _ r: EntityUID, _ entities: Entities) -> Bool {
            action.matches(a, in: entities) && principal.matches(p, in: entities) && resource.matches(r, in: entities)
        }
    }

    public init(policies: PolicySet, strict: Bool = false) {
        policySet = policies
        isStrict = strict
        compiled = policies.policies.map(CompiledPolicy.init)
        index = PolicyIndex(policies.policies)
    }

    /// Decides `request`, evaluating only the policies the scope index selects.
    public func isAuthorized(_ request: Request, entities: Entities) -> Response {
        let candidates = index.candidates(
            principal: request.principal, action: request.action, resource: request.resource, entities: entities)
        return decide(request, entities: entities, candidates: candidates)
    }

    /// Decides `request` by evaluating every policy (the reference the index must agree with).
    public func isAuthorizedWithoutIndex(_ request: Request, entities: Entities) -> Response {
        decide(request, entities: entities, candidates: Array(policySet.policies.indices))
    }

    private func decide(_ request: Request, entities: Entities, candidates: [Int]) -> Response {
        let evaluator = Evaluator(request: request, entities: entities)
        var permits: [PolicyID] = []
        var forbids: [PolicyID] = []
        var errors: [EvaluationError] = []
        for i in candidates {
            let policy = compiled[i]
            guard policy.scopeMatches(request.principal, request.action, request.resource, entities) else { continue }
            do {
                guard try evaluator.bool(policy.condition) else { continue }
                if policy.effect == .permit { permits.append(policy.id) } else { forbids.append(policy.id) }
            } catch {
                errors.append(EvaluationError(policyID: policy.id, message: error.message))
            }
        }
        if !forbids.isEmpty { return Response(decision: .deny, reasons: forbids, errors: errors) }
        if isStrict && !errors.isEmpty { return Response(decision: .deny, reasons: [], errors: errors) }
        if !permits.isEmpty { return Response(decision: .allow, reasons: permits, errors: errors) }
        return Response(decision: .deny, reasons: [], errors: errors)
    }

    /// Every policy whose scope matches the request, with what its conditions did: for `warden policy explain`.
    public func explain(_ request: Request, entities: Entities) -> [PolicyTrace] {
        let evaluator = Evaluator(request: request, entities: entities)
        var traces: [PolicyTrace] = []
        let candidates = index.candidates(
            principal: request.principal, action: request.action, resource: request.resource, entities: entities)
        for i in candidates {
            let policy = compiled[i]
            guard policy.scopeMatches(request.principal, request.action, request.resource, entities) else { continue }
            let outcome: PolicyTrace.Outcome
            do {
                outcome = try evaluator.bool(policy.condition) ? .satisfied : .notSatisfied
            } catch {
                outcome = .error(error.message)
            }
            traces.append(PolicyTrace(policyID: policy.id, effect: policy.effect, outcome: outcome))
        }
        return traces
    }

    /// Whether some context could permit this principal, action and resource: some `permit` has a matching scope
    /// (its conditions are left open) and no `forbid` with a matching scope is unconditional. Used to decide what
    /// `tools/list` shows; the call itself is still decided with the full context.
    public func couldPermit(principal: EntityUID, action: EntityUID, resource: EntityUID, entities: Entities) -> Bool {
        var permitted = false
        for i in index.candidates(principal: principal, action: action, resource: resource, entities: entities) {
            let policy = compiled[i]
            guard policy.scopeMatches(principal, action, resource, entities) else { continue }
            switch policy.effect {
            case .permit: permitted = true
            case .forbid: if policy.isUnconditional { return false }
            }
        }
        return permitted
    }
}
