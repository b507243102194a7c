import WardenContainment
import WardenCore
import WardenSchema

/// One `tools/call` as the checks judge it.
public struct ToolCallRequest: Sendable {
    public var principal: Principal
    public var entry: CatalogEntry
    public var arguments: [String: JSONValue]
    /// The request's `_meta` (where a send grant is presented).
    public var meta: [String: JSONValue]
    public var run: RunContext
    /// Containment's assessment of the critical arguments (nil for reads, and where nothing was assessed).
    public var containment: ContainmentAssessment?
    /// Why a person must confirm this call (set by containment); nil when nobody need.
    public var humanRequired: Refusal?

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

/// The tool policy: which principal may call (and see) which tool. The role table and Cedar both conform.
public protocol ToolPolicy: Sendable {
    /// A stable identifier of the policy in force (e.g. the digest of the policy set), for the ledger.
    var identity: String { get }
    func decide(_ call: ToolCallRequest) -> Decision
    /// Whether `principal` could ever be permitted to call `entry` (used to filter `tools/list`).
    func mayList(principal: Principal, entry: CatalogEntry) -> Bool
    /// A hold the policy attached to the call it allowed (Cedar `@hold`), from the allow's reasons.
    func hold(allowedBy reasons: [String]) -> Refusal?
}

extension ToolPolicy {
    public func hold(allowedBy reasons: [String]) -> Refusal? { nil }
}

/// A check that runs after the tool policy allowed a call (containment, send grants, approvals), in order.
public protocol ToolCallGate: Sendable {
    func check(_ call: ToolCallRequest) async -> CheckVerdict
}

/// The checks' verdict on one requested call, with the trail of what was checked.
public struct GatekeeperVerdict: Sendable {
    public enum Outcome: Sendable {
        case allow
        case refuse(Refusal)
        case hold(Refusal)
    }

    public var entry: CatalogEntry?
    public var outcome: Outcome
    /// Rule ids of every check that passed, in order.
    public var trail: [String]
    /// What the checks set aside for this call (only when allowed); the pipeline commits or releases them.
    public var reservations: [Reservation] = []
    /// Containment's assessment (for the decision's ledger entry).
    public var containment: ContainmentAssessment?

    /// The refusal, for a refused or held call.
    public var refusal: Refusal? {
        switch outcome {
        case .allow: return nil
        case .refuse(let refusal), .hold(let refusal): return refusal
        }
    }
}

/// The checks of the call pipeline, in their fixed order: catalog (unknown, unclassified, unpinned, changed,
/// unenforceable → refuse), the arguments against the pinned schema, the tool policy, then the gates in order
/// (containment, send grant, approval). The first refusal or hold wins; nothing after it runs, and whatever the
/// earlier gates reserved is released. Nothing here commits, records or calls.
///
/// Containment's facts (taint, which critical arguments only untrusted content backs) are computed before the
/// tool policy, so Cedar sees them in `context.run`; the built-in containment gate acts on them after it.
public struct Gatekeeper: Sendable {
    public var policy: any ToolPolicy
    public var gates: [any ToolCallGate]
    public var containment: ContainmentRules

    public init(policy: any ToolPolicy, gates: [any ToolCallGate], containment: ContainmentRules = ContainmentRules()) {
        self.policy = policy
        self.gates = gates
        self.containment = containment
    }

    public func authorize(
        principal: Principal,
        requestedTool: String,
        arguments: [String: JSONValue],
        meta: [String: JSONValue],
        run: RunContext,
        provenance: ProvenanceIndex? = nil,
        elsewhere: ProvenanceIndex? = nil,
        catalog: ToolCatalog
    ) async -> GatekeeperVerdict {
        let entry: CatalogEntry
        switch catalog.lookup(requestedTool) {
        case .refused(let refusal, let existing):
            return GatekeeperVerdict(entry: existing, outcome: .refuse(refusal), trail: [])
        case .found(let found):
            entry = found
        }
        // What cannot be judged is refused: arguments must satisfy the pinned schema before policy sees them.
        guard let schema = entry.argumentSchema else {
            let refusal = Refusal(rule: "catalog.schema-unsupported", message: "\(entry.name) has no usable schema")
            return GatekeeperVerdict(entry: entry, outcome: .refuse(refusal), trail: ["catalog"])
        }
        do {
            try schema.validate(arguments: arguments)
        } catch {
            return GatekeeperVerdict(entry: entry, outcome: .refuse(error.refusal), trail: ["catalog"])
        }
        var call = ToolCallRequest(principal: principal, entry: entry, arguments: arguments, meta: meta, run: run)
        if let assessment = containment.assess(
            entry: entry, arguments: arguments, run: provenance ?? ProvenanceIndex(), tainted: run.tainted,
            catalog: catalog, elsewhere: elsewhere)
        {
            call.containment = assessment
            call.run.untrustedArgs = Set(assessment.untrustedArguments)
            call.run.untrustedSources = ContainmentRules.sourceTools(assessment)
        }
        var verdict = await judge(&call, entry: entry)
        verdict.containment = call.containment
        return verdict
    }

    /// The tool policy, then the gates in order.
    func judge(_ call: inout ToolCallRequest, entry: CatalogEntry) async -> GatekeeperVerdict {
        var trail = ["catalog", "arguments"]
        switch policy.decide(call) {
        case .deny(let refusal): return GatekeeperVerdict(entry: entry, outcome: .refuse(refusal), trail: trail)
        case .allow(let reasons):
            trail.append(contentsOf: reasons)
            // A permit annotated @hold: the call waits for a person (a later gate holds it, or it is refused).
            if let hold = policy.hold(allowedBy: reasons) { call.humanRequired = hold }
        }
        var reservations: [Reservation] = []
        var confirmedByHuman = false
        for gate in gates {
            switch await gate.check(call) {
            case .notApplicable:
                continue
            case .needsHuman(let reason, let reserved):
                // Several reasons (a policy @hold, containment, a budget) are all shown to the person.
                call.humanRequired =
                    call.humanRequired.map {
                        Refusal(rule: $0.rule, message: $0.message + "; " + reason.message)
                    } ?? reason
                trail.append(reason.rule)
                reservations += reserved
            case .pass(let evidence, let reserved, let byHuman):
                trail.append(contentsOf: evidence)
                reservations += reserved
                confirmedByHuman = confirmedByHuman || byHuman
            case .refuse(let refusal):
                await reservations.releaseAll()
                return GatekeeperVerdict(entry: entry, outcome: .refuse(refusal), trail: trail)
            case .hold(let refusal):
                await reservations.releaseAll()
                return GatekeeperVerdict(entry: entry, outcome: .hold(refusal), trail: trail)
            }
        }
        // A person had to confirm this call and none did (no gate here can ask one): refused, never let through.
        if let required = call.humanRequired, !confirmedByHuman {
            await reservations.releaseAll()
            let refusal = Refusal(
                rule: required.rule, message: required.message + "; no person can be asked here, so it is refused")
            return GatekeeperVerdict(entry: entry, outcome: .refuse(refusal), trail: trail)
        }
        return GatekeeperVerdict(entry: entry, outcome: .allow, trail: trail, reservations: reservations)
    }

    /// The tools `principal` may see: usable catalog entries the policy could permit.
    public func visibleTools(principal: Principal, catalog: ToolCatalog) -> [CatalogEntry] {
        catalog.usableEntries.filter { policy.mayList(principal: principal, entry: $0) }
    }
}

extension GatekeeperVerdict {
    /// The verdict as allow/deny (a hold does not run the call, so it is a deny here).
    public var decision: Decision {
        switch outcome {
        case .allow: return .allow(reasons: trail)
        case .refuse(let refusal), .hold(let refusal): return .deny(refusal)
        }
    }
}
