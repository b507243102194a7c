/// The four request variables.
public enum Variable: String, Hashable, Sendable {
    case principal, action, resource, context
}

/// Binary operators of the expression language (`&&` and `||` are separate because they short-circuit).
public enum BinaryOp: String, Hashable, Sendable {
    case eq = "=="
    case notEq = "!="
    case less = "<"
    case lessEq = "<="
    case greater = ">"
    case greaterEq = ">="
    case `in` = "in"
    case add = "+"
    case sub = "-"
    case mul = "*"
    case contains, containsAll, containsAny, getTag, hasTag
}

/// One element of a `like` pattern.
public enum PatternElement: Hashable, Sendable {
    case literal(Unicode.Scalar)
    case wildcard
}

/// A Cedar expression.
public indirect enum Expr: Hashable, Sendable {
    case literal(Value)
    case variable(Variable)
    case ifThenElse(Expr, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case not(Expr)
    case negate(Expr)
    case isEmpty(Expr)
    case binary(BinaryOp, Expr, Expr)
    case has(Expr, String)
    case getAttr(Expr, String)
    case like(Expr, [PatternElement])
    case isType(Expr, Name)
    case set([Expr])
    case record([String: Expr])
    /// An extension function or method; a method's receiver is the first argument.
    case call(String, [Expr])
}

/// `permit` or `forbid`.
public enum Effect: String, Hashable, Sendable {
    case permit, forbid
}

/// The constraint a policy's scope puts on the principal or the resource.
public enum ScopeConstraint: Hashable, Sendable {
    case any
    case equals(EntityUID)
    case `in`(EntityUID)
    case `is`(Name)
    case isIn(Name, EntityUID)
}

/// The constraint a policy's scope puts on the action.
public enum ActionConstraint: Hashable, Sendable {
    case any
    case equals(EntityUID)
    /// `action in A` or `action in [A, B, …]`.
    case `in`([EntityUID])
}

/// A `when` or `unless` clause.
public struct Condition: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case when, unless
    }
    public let kind: Kind
    public let body: Expr
    /// Where the `when` / `unless` keyword stands.
    public let location: SourceLocation?

    public init(kind: Kind, body: Expr, location: SourceLocation? = nil) {
        self.kind = kind
        self.body = body
        self.location = location
    }
}

/// A policy identifier: positional (`policy0`, …) unless the caller chose ids.
public typealias PolicyID = String

/// One parsed Cedar policy.
public struct Policy: Hashable, Sendable {
    public let id: PolicyID
    public let effect: Effect
    /// Annotations in source order (`@id("x")` becomes `("id", "x")`; a bare `@flag` has value "").
    public let annotations: [Annotation]
    public let principal: ScopeConstraint
    public let action: ActionConstraint
    public let resource: ScopeConstraint
    public let conditions: [Condition]
    /// Where the policy starts in its source text.
    public let location: SourceLocation

    public struct Annotation: Hashable, Sendable {
        public let key: String
        public let value: String
    }

    /// The value of the annotation `key`, if present.
    public func annotation(_ key: String) -> String? {
        annotations.first { $0.key == key }?.value
    }

    /// The whole condition as one expression: the conjunction of `when` bodies and negated `unless` bodies.
    var conditionExpr: Expr {
        var result: Expr?
        for c in conditions {
            let e: Expr = c.kind == .when ? c.body : .not(c.body)
            result = result.map { .and($0, e) } ?? e
        }
        return result ?? .literal(.bool(true))
    }
}

extension Expr {
    /// The direct subexpressions.
    var children: [Expr] {
        switch self {
        case .literal, .variable: return []
        case .ifThenElse(let a, let b, let c): return [a, b, c]
        case .and(let a, let b), .or(let a, let b), .binary(_, let a, let b): return [a, b]
        case .not(let a), .negate(let a), .isEmpty(let a), .has(let a, _), .getAttr(let a, _), .like(let a, _),
            .isType(let a, _):
            return [a]
        case .set(let items), .call(_, let items): return items
        case .record(let fields): return Array(fields.values)
        }
    }

    /// Whether the tree is deeper than `limit`, computed without recursion so hostile input cannot exhaust the
    /// stack while we measure it.
    func isDeeper(than limit: Int) -> Bool {
        var stack: [(Expr, Int)] = [(self, 1)]
        while let (e, depth) = stack.popLast() {
            if depth > limit { return true }
            for c in e.children { stack.append((c, depth + 1)) }
        }
        return false
    }
}
