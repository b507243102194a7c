/// What the checks (and Cedar's `context.run`) know about the run a call belongs to, read from the run store
/// when the call arrives.
public struct RunContext: Sendable, Hashable {
    /// The run's store key (owner and name).
    public var id: String
    /// The run id the agent uses: the MCP session's by default, or the one it carries (`Warden-Run-Id`).
    public var name: String
    /// The MCP session the call came in on (empty for Warden's own agents).
    public var sessionID: String
    /// The run has read untrusted content.
    public var tainted: Bool
    /// The run has read untrusted content that tries to instruct the agent (instruction signals).
    public var instructed = false
    /// Tool calls the run has made so far (executed or not).
    public var calls: Int
    /// The run has delivered (an outbound action was executed and recorded).
    public var delivered: Bool
    /// This call's critical arguments that no trusted source backs (containment; empty for reads).
    public var untrustedArgs: Set<String> = []
    /// The tools whose untrusted output those arguments came from (`server.tool`).
    public var untrustedSources: Set<String> = []

    public init(
        id: String, name: String? = nil, sessionID: String = "", tainted: Bool = false, calls: Int = 0,
        delivered: Bool = false
    ) {
        self.id = id
        self.name = name ?? id
        self.sessionID = sessionID
        self.tainted = tainted
        self.calls = calls
        self.delivered = delivered
    }

    /// A run for a session, before anything is known about it.
    public init(sessionID: String) {
        self.init(id: sessionID, sessionID: sessionID)
    }
}
