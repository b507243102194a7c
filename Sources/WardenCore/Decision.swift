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

    public init(rule: String, message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "refused by \(rule): \(message)" }
}
