/// The outcome of an authorization request.
public enum Decision: String, Hashable, Sendable {
    case allow, deny
}

/// A policy whose condition failed to evaluate for a request.
public struct EvaluationError: Hashable, Sendable, CustomStringConvertible {
    public let policyID: PolicyID
    public let message: String

    public var description: String { "policy `\(policyID)`: \(message)" }
}

/// The decision with its explanation.
public struct Response: Hashable, Sendable {
    public let decision: Decision
    /// On allow, the permits that were satisfied; on deny, the forbids that were satisfied (if any).
    public let reasons: [PolicyID]
    /// Policies whose scope matched but whose condition errored (Cedar skips them).
    public let errors: [EvaluationError]
}

/// How one policy whose scope matched a request fared.
public struct PolicyTrace: Hashable, Sendable {
    public enum Outcome: Hashable, Sendable {
        /// Its conditions held, so it counted toward the decision.
        case satisfied
        /// Its conditions were false.
        case notSatisfied
        /// Its conditions failed to evaluate (Cedar skips it; strict mode denies).
        case error(String)
    }

    public let policyID: PolicyID
    public let effect: Effect
    public let outcome: Outcome
}
