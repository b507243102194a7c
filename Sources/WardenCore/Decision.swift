/// The outcome of one gatekeeper check. A refusal always names the rule that refused.
public enum Decision: Sendable, Hashable {
    case allow(reasons: [String])
    case deny(Refusal)

    public var isAllowed: Bool {
        if case .allow = self { return true }
        return false
    }
}

/// Why something was refused: a stable rule id (for clients, logs and the ledger) and a human explanation.
public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, dotted identifier of the control that refused, e.g. `catalog.unknown-tool`.
    public var rule: String
    /// A sentence for a person; never contains argument values, tokens or secrets.
    public var message: String
    /// The approval request a hold raised (`apr-…`), so callers never parse it out of the message (which can quote
    /// agent-written values).
    public var approvalRequest: String?

    public init(rule: String, message: String, approvalRequest: String? = nil) {
        self.rule = rule
        self.message = message
        self.approvalRequest = approvalRequest
    }

    public var description: String { "refused by \(rule): \(message)" }
}
