import WardenCore
import WardenSchema

/// One `tools/call` as the gatekeeper judges it.
public struct ToolCallRequest: Sendable {
    public var principal: Principal
    public var entry: CatalogEntry
    public var arguments: [String: JSONValue]
    /// The request's `_meta` (where a send grant is presented).
    public var meta: [String: JSONValue]
    public var run: RunContext

    public init(
        principal: Principal,
        entry: CatalogEntry,
        arguments: [String: JSONValue],
        meta: [String: JSONValue],
        run: RunContext
    ) {
        self.principal = principal
        self.entry = entry
        self.arguments = arguments
        self.meta = meta
        self.run = run
    }

    /// Digest of tool and arguments: what approvals and grants bind to.
    public var actionDigest: String {
        Self.actionDigest(tool: entry.name.description, arguments: arguments)
    }

    /// SHA-256 (hex) of the canonical JSON `{"arguments": …, "tool": "server.tool"}`.
    public static func actionDigest(tool: String, arguments: [String: JSONValue]) -> String {
        CanonicalJSON.sha256Hex(.object(["tool": .string(tool), "arguments": .object(arguments)]))
    }
}

/// What Warden knows about the run a call belongs to (taint and delivery state are filled by later controls).
public struct RunContext: Sendable {
    public var sessionID: String
    public var tainted: Bool

    public init(sessionID: String, tainted: Bool = false) {
        self.sessionID = sessionID
        self.tainted = tainted
    }
}

/// The tool policy: which principal may call (and see) which tool. The role table and Cedar both conform.
public protocol ToolPolicy: Sendable {
    /// A stable identifier of the policy in force (e.g. the digest of the policy set), for the ledger.
    var identity: String { get }
    func decide(_ call: ToolCallRequest) -> Decision
    /// Whether `principal` could ever be permitted to call `entry` (used to filter `tools/list`).
    func mayList(principal: Principal, entry: CatalogEntry) -> Bool
}

/// A control that runs after the policy allowed a call (send grants, approvals, injection containment).
public protocol ToolCallGate: Sendable {
    func check(_ call: ToolCallRequest) async -> Decision
}

/// The verdict on one requested call, with the trail of what was checked.
public struct GatekeeperVerdict: Sendable {
    public var entry: CatalogEntry?
    public var decision: Decision
    /// Rule ids of every check that passed, in order.
    public var trail: [String]
}

/// The single place every tool call and tool listing is decided.
///
/// Order matters and is fixed: catalog (unknown, unclassified, unpinned, changed → deny), then the arguments
/// against the pinned schema, then the tool policy, then the gates in order. The first refusal wins; nothing after it runs.
public struct Gatekeeper: Sendable {
    public var policy: any ToolPolicy
    public var gates: [any ToolCallGate]

    public init(policy: any ToolPolicy, gates: [any ToolCallGate]) {
        self.policy = policy
        self.gates = gates
    }

    public func authorize(
        principal: Principal,
        requestedTool: String,
        arguments: [String: JSONValue],
        meta: [String: JSONValue],
        run: RunContext,
        catalog: ToolCatalog
    ) async -> GatekeeperVerdict {
        let entry: CatalogEntry
        switch catalog.lookup(requestedTool) {
        case .refused(let refusal, let existing):
            return GatekeeperVerdict(entry: existing, decision: .deny(refusal), trail: [])
        case .found(let found):
            entry = found
        }
        // What cannot be judged is refused: arguments must satisfy the pinned schema before policy sees them.
        guard let schema = entry.argumentSchema else {
            return GatekeeperVerdict(
                entry: entry,
                decision: .deny(
                    Refusal(rule: "catalog.schema-unsupported", message: "\(entry.name) has no usable schema")),
                trail: ["catalog"])
        }
        do {
            try schema.validate(arguments: arguments)
        } catch {
            return GatekeeperVerdict(entry: entry, decision: .deny(error.refusal), trail: ["catalog"])
        }
        let call = ToolCallRequest(principal: principal, entry: entry, arguments: arguments, meta: meta, run: run)
        var trail = ["catalog", "arguments"]
        let policyDecision = policy.decide(call)
        guard case .allow(let reasons) = policyDecision else {
            return GatekeeperVerdict(entry: entry, decision: policyDecision, trail: trail)
        }
        trail.append(contentsOf: reasons)
        for gate in gates {
            let decision = await gate.check(call)
            guard case .allow(let gateReasons) = decision else {
                return GatekeeperVerdict(entry: entry, decision: decision, trail: trail)
            }
            trail.append(contentsOf: gateReasons)
        }
        return GatekeeperVerdict(entry: entry, decision: .allow(reasons: trail), trail: trail)
    }

    /// The tools `principal` may see: usable catalog entries the policy could permit.
    public func visibleTools(principal: Principal, catalog: ToolCatalog) -> [CatalogEntry] {
        catalog.usableEntries.filter { policy.mayList(principal: principal, entry: $0) }
    }
}
