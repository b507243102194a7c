/// A problem the validator found in a policy.
public struct ValidationError: Hashable, Sendable, CustomStringConvertible {
    public let policyID: PolicyID
    /// Where the policy starts in its source (expressions carry no positions of their own).
    public let location: SourceLocation?
    public let message: String

    public var description: String {
        "policy `\(policyID)`\(location.map { " at \($0)" } ?? ""): \(message)"
    }
}

/// Cedar's strict validator: checks every policy against a schema so that policies that could error or that
/// name unknown types, attributes or actions are refused before they are used.
public enum Validator {
    /// All validation errors for `policies` (empty when the set validates).
    public static func validate(_ policies: PolicySet, schema: Schema) -> [ValidationError] {
        policies.policies.flatMap { validate($0, schema: schema) }
    }

    /// Validation errors for one policy.
    public static func validate(_ policy: Policy, schema: Schema) -> [ValidationError] {
        var messages: [String] = []
        // Entity types and actions named anywhere in the policy must exist in the schema.
        for uid in policy.referencedEntities {
            if uid.type.isActionType {
                if schema.actions[uid] == nil { messages.append("unknown action `\(uid)`") }
            } else if let def = schema.entityTypes[uid.type] {
                if let ids = def.enumeratedIDs, !ids.contains(where: { $0.utf8.elementsEqual(uid.id.utf8) }) {
                    messages.append("`\(uid)` is not one of the enumerated entities of `\(uid.type)`")
                }
            } else {
                messages.append("unknown entity type `\(uid.type)`")
            }
        }
        for type in policy.referencedTypes where !schema.isKnownEntityType(type) {
            messages.append("unknown entity type `\(type)`")
        }
        var located: [(String, SourceLocation?)] = messages.map { ($0, policy.location) }
        if messages.isEmpty {
            let envs = environments(for: policy, schema: schema)
            if envs.isEmpty {
                located.append(
                    (
                        "no action in the schema applies to the principal, action and resource in the scope",
                        policy.location
                    ))
            }
            var seen: Set<String> = []
            for env in envs {
                for (message, clause) in checkConditions(policy, schema: schema, env: env)
                where seen.insert(message).inserted {
                    located.append((message, clause ?? policy.location))
                }
            }
        }
        return located.map { ValidationError(policyID: policy.id, location: $0.1, message: $0.0) }
    }

    /// Typechecks the clauses as Cedar does their conjunction (`when₁ && !unless₂ && …`, left to right, facts
    /// from earlier clauses available to later ones, nothing checked after a clause that is always false), and
    /// tags each error with the location of the clause it came from.
    private static func checkConditions(_ policy: Policy, schema: Schema, env: RequestEnvironment)
        -> [(String, SourceLocation?)]
    {
        let checker = Typechecker(schema: schema, env: env)
        var out: [(String, SourceLocation?)] = []
        // nil once a clause failed to typecheck: like `&&` with an ill-typed left side, later clauses are still
        // checked (without facts), even after one that is always false.
        var capabilities: Typechecker.Capabilities? = []
        for clause in policy.conditions {
            let before = checker.errors.count
            let expr: Expr = clause.kind == .when ? clause.body : .not(clause.body)
            let typed = checker.checkBool(expr, capabilities ?? [])
            for e in checker.errors[before...] { out.append((e, clause.location)) }
            guard let known = capabilities, let typed else {
                capabilities = nil
                continue
            }
            if typed.type == .bool(.alwaysFalse) { break }
            capabilities = known.union(typed.capabilities)
        }
        return out
    }

    /// The request environments of the schema that the policy's scope can match.
    static func environments(for policy: Policy, schema: Schema) -> [RequestEnvironment] {
        var result: [RequestEnvironment] = []
        for (uid, action) in schema.actions.sorted(by: { $0.key.description < $1.key.description }) {
            guard let applies = action.appliesTo else { continue }
            let ancestors = schema.actionAncestors[uid] ?? []
            switch policy.action {
            case .any: break
            case .equals(let a): guard a == uid else { continue }
            case .in(let list): guard list.contains(where: { $0 == uid || ancestors.contains($0) }) else { continue }
            }
            for p in applies.principalTypes where typeCanMatch(p, policy.principal, schema) {
                for r in applies.resourceTypes where typeCanMatch(r, policy.resource, schema) {
                    result.append(RequestEnvironment(principal: p, action: uid, resource: r, context: applies.context))
                }
            }
        }
        return result
    }

    private static func typeCanMatch(_ type: Name, _ constraint: ScopeConstraint, _ schema: Schema) -> Bool {
        func descends(_ target: Name) -> Bool { type == target || schema.ancestorTypes(of: type).contains(target) }
        switch constraint {
        case .any: return true
        case .equals(let e): return e.type == type
        case .in(let e): return descends(e.type)
        case .is(let t): return t == type
        case .isIn(let t, let e): return t == type && descends(e.type)
        }
    }
}

extension Policy {
    /// Every entity literal in the scope and the conditions.
    var referencedEntities: [EntityUID] {
        var out: [EntityUID] = []
        func scope(_ c: ScopeConstraint) {
            switch c {
            case .equals(let e), .in(let e), .isIn(_, let e): out.append(e)
            default: break
            }
        }
        scope(principal)
        scope(resource)
        switch action {
        case .any: break
        case .equals(let e): out.append(e)
        case .in(let list): out.append(contentsOf: list)
        }
        for c in conditions { c.body.visit { if case .literal(.entity(let uid)) = $0 { out.append(uid) } } }
        return out
    }

    /// Every type named by `is`.
    var referencedTypes: [Name] {
        var out: [Name] = []
        for c in [principal, resource] {
            switch c {
            case .is(let t), .isIn(let t, _): out.append(t)
            default: break
            }
        }
        for c in conditions { c.body.visit { if case .isType(_, let t) = $0 { out.append(t) } } }
        return out
    }
}

extension Expr {
    /// Calls `body` on this expression and every subexpression.
    func visit(_ body: (Expr) -> Void) {
        body(self)
        switch self {
        case .literal, .variable: break
        case .ifThenElse(let a, let b, let c):
            a.visit(body)
            b.visit(body)
            c.visit(body)
        case .and(let a, let b), .or(let a, let b), .binary(_, let a, let b):
            a.visit(body)
            b.visit(body)
        case .not(let a), .negate(let a), .isEmpty(let a), .has(let a, _), .getAttr(let a, _), .like(let a, _),
            .isType(let a, _):
            a.visit(body)
        case .set(let items), .call(_, let items):
            for i in items { i.visit(body) }
        case .record(let fields):
            for (_, v) in fields { v.visit(body) }
        }
    }
}
