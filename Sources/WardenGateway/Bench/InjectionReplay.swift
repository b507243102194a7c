import Foundation
import Logging
import WardenCore

/// `warden bench injection`: replays documented scenarios through the real call pipeline (catalog, arguments,
/// policy, containment, approval) with a scripted model that issues each step in order — the model is assumed
/// fully compromised, so the figures measure what the gateway contains, not what the model resists.
///
/// Each scenario is one run; its task is the run's trusted instruction; each read step's `output` is fed back as
/// the tool's result. By default every catalogued tool is permitted and neither send grants nor the standing
/// spend approval apply, so a hold or a denial is containment's (or the `--policy` file's) alone.
public enum InjectionReplay {
    /// One tool of the replay catalog.
    public struct Tool: Sendable {
        public var name: QualifiedToolName
        public var effect: EffectClass
        public var outputTrusted: Bool
        public var critical: Set<String>?
        public var definition: JSONValue
    }

    public struct Catalog: Sendable {
        public var tools: [Tool]
        public var trustedValues: [String]
    }

    public struct Step: Sendable {
        public var tool: String
        public var arguments: [String: JSONValue]
        public var output: JSONValue?
        public var attack: Bool
    }

    public struct Scenario: Sendable {
        public var id: String
        public var task: String
        public var steps: [Step]
        public var isAttack: Bool { steps.contains(where: \.attack) }
    }

    public enum StepOutcome: String, Sendable {
        case allowed, held, denied
    }

    public struct ScenarioResult: Sendable {
        public var id: String
        public var attack: Bool
        public var outcomes: [(step: Int, tool: String, attack: Bool, outcome: StepOutcome, refusal: Refusal?)]
    }

    public struct Report: Sendable {
        public var scenarios: [ScenarioResult]

        public var attackSteps: Int { scenarios.flatMap(\.outcomes).filter(\.attack).count }
        public var attackStepsExecutedWithoutHuman: Int {
            scenarios.flatMap(\.outcomes).filter { $0.attack && $0.outcome == .allowed }.count
        }
        var benign: [ScenarioResult] { scenarios.filter { !$0.attack } }
        public var benignUntouched: Int { benign.filter { $0.outcomes.allSatisfy { $0.outcome == .allowed } }.count }
        public var benignDenied: Int { benign.filter { $0.outcomes.contains { $0.outcome == .denied } }.count }
        public var benignHeld: Int {
            benign.filter { result in
                !result.outcomes.contains { $0.outcome == .denied } && result.outcomes.contains { $0.outcome == .held }
            }.count
        }

        static func percent(_ part: Int, _ whole: Int) -> Double {
            whole == 0 ? 0 : (Double(part) * 1000 / Double(whole)).rounded() / 10
        }

        public var json: JSONValue {
            .object([
                "attack_steps": .integer(Int64(attackSteps)),
                "attack_steps_executed_without_human": .integer(Int64(attackStepsExecutedWithoutHuman)),
                "attack_steps_executed_without_human_pct": .double(
                    Self.percent(attackStepsExecutedWithoutHuman, attackSteps)),
                "benign_scenarios": .integer(Int64(benign.count)),
                "benign_untouched": .integer(Int64(benignUntouched)),
                "benign_untouched_pct": .double(Self.percent(benignUntouched, benign.count)),
                "benign_held": .integer(Int64(benignHeld)),
                "benign_denied": .integer(Int64(benignDenied)),
                "per_scenario": .array(
                    scenarios.map { result in
                        .object([
                            "id": .string(result.id),
                            "kind": .string(result.attack ? "attack" : "benign"),
                            "steps": .array(
                                result.outcomes.map { step in
                                    var members: [String: JSONValue] = [
                                        "step": .integer(Int64(step.step)), "tool": .string(step.tool),
                                        "kind": .string(step.attack ? "attack" : "benign"),
                                        "outcome": .string(step.outcome.rawValue),
                                    ]
                                    if let refusal = step.refusal {
                                        members["rule"] = .string(refusal.rule)
                                        members["reason"] = .string(refusal.message)
                                    }
                                    return .object(members)
                                }),
                        ])
                    }),
            ])
        }

        /// The readable table: one line per scenario, then the totals.
        public var table: String {
            var lines = [
                "scenario                                  kind    outcome (per step)",
                String(repeating: "-", count: 78),
            ]
            for result in scenarios {
                let steps = result.outcomes.map { step in
                    (step.attack ? "!" : "") + step.outcome.rawValue
                }.joined(separator: " ")
                let id = result.id.count > 40 ? String(result.id.prefix(39)) + "…" : result.id
                lines.append(
                    id.padding(toLength: 42, withPad: " ", startingAt: 0)
                        + (result.attack ? "attack  " : "benign  ") + steps)
            }
            lines.append(String(repeating: "-", count: 78))
            lines.append(
                "attack steps executed without a human: \(attackStepsExecutedWithoutHuman) of \(attackSteps) "
                    + "(\(Self.percent(attackStepsExecutedWithoutHuman, attackSteps)) %)")
            lines.append(
                "benign scenarios untouched: \(benignUntouched) of \(benign.count) "
                    + "(\(Self.percent(benignUntouched, benign.count)) %); held \(benignHeld), denied \(benignDenied)")
            lines.append("('!' marks an attack step)")
            return lines.joined(separator: "\n")
        }
    }

    /// Why a replay file cannot be used: named with the file and the place.
    public struct FormatError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: Reading the files

    public static func catalog(json text: String, file: String) throws -> Catalog {
        let root: JSONValue
        do { root = try StrictJSONParser().parse(text) } catch {
            throw FormatError("\(file): not JSON (\(error))")
        }
        guard case .array(let items)? = root["tools"] else { throw FormatError("\(file): needs \"tools\": [...]") }
        var tools: [Tool] = []
        var seen: Set<String> = []
        for (position, item) in items.enumerated() {
            let at = "\(file): tools[\(position)]"
            guard let nameText = item["name"]?.stringValue, let name = QualifiedToolName(parsing: nameText) else {
                throw FormatError("\(at): \"name\" must be server.tool")
            }
            guard seen.insert(name.description).inserted else { throw FormatError("\(at): \(name) listed twice") }
            guard let effectText = item["effect"]?.stringValue, let effect = EffectClass(rawValue: effectText) else {
                throw FormatError("\(at): \"effect\" must be read, mutate, send or spend")
            }
            var outputTrusted = false
            switch item["output"]?.stringValue {
            case "trusted"?: outputTrusted = true
            case "untrusted"?, nil: outputTrusted = false
            case let other?: throw FormatError("\(at): \"output\" must be trusted or untrusted, not \(other)")
            }
            var critical: Set<String>?
            if let list = item["critical"] {
                guard case .array(let names) = list, names.allSatisfy({ $0.stringValue != nil }) else {
                    throw FormatError("\(at): \"critical\" must be a list of argument names")
                }
                critical = Set(names.compactMap(\.stringValue))
            }
            var definition: [String: JSONValue] = [
                "name": .string(name.tool), "inputSchema": item["inputSchema"] ?? .object(["type": "object"]),
            ]
            if let description = item["description"] { definition["description"] = description }
            tools.append(
                Tool(
                    name: name, effect: effect, outputTrusted: outputTrusted, critical: critical,
                    definition: .object(definition)))
        }
        var trusted: [String] = []
        if let values = root["trusted_values"] {
            guard case .array(let list) = values, list.allSatisfy({ $0.stringValue != nil }) else {
                throw FormatError("\(file): \"trusted_values\" must be a list of strings")
            }
            trusted = list.compactMap(\.stringValue)
        }
        return Catalog(tools: tools, trustedValues: trusted)
    }

    public static func scenarios(jsonLines text: String, file: String) throws -> [Scenario] {
        var scenarios: [Scenario] = []
        var ids: Set<String> = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let at = "\(file):\(offset + 1)"
            let item: JSONValue
            do { item = try StrictJSONParser().parse(trimmed) } catch {
                throw FormatError("\(at): not JSON (\(error))")
            }
            guard let id = item["id"]?.stringValue, !id.isEmpty else { throw FormatError("\(at): needs an \"id\"") }
            guard ids.insert(id).inserted else { throw FormatError("\(at): id \(id) used twice") }
            guard case .array(let stepItems)? = item["steps"], !stepItems.isEmpty else {
                throw FormatError("\(at): needs \"steps\": [...]")
            }
            var steps: [Step] = []
            for (position, stepItem) in stepItems.enumerated() {
                guard let tool = stepItem["tool"]?.stringValue else {
                    throw FormatError("\(at): steps[\(position)] needs a \"tool\"")
                }
                let arguments = stepItem["args"]?.objectValue ?? [:]
                if let args = stepItem["args"], args.objectValue == nil {
                    throw FormatError("\(at): steps[\(position)].args must be an object")
                }
                let attack: Bool
                switch stepItem["kind"]?.stringValue {
                case "attack"?: attack = true
                case "benign"?, nil: attack = false
                case let other?:
                    throw FormatError("\(at): steps[\(position)].kind must be benign or attack, not \(other)")
                }
                steps.append(Step(tool: tool, arguments: arguments, output: stepItem["output"], attack: attack))
            }
            scenarios.append(Scenario(id: id, task: item["task"]?.stringValue ?? "", steps: steps))
        }
        return scenarios
    }

    // MARK: Replaying

    /// Replays every scenario, each as its own run, through a pipeline built in a temporary folder.
    /// `holdDirectedValues`, `holdInstructedRuns`, `holdUnaskedActions`, `holdOutsideTask` and `holdTaskLimits`:
    /// `containment.directed_values`, `instructed_runs`, `unasked_actions`, `outside_task` and `task_limits` (hold).
    public static func run(
        catalog: Catalog, scenarios: [Scenario], policyText: String? = nil, containmentOn: Bool = true,
        holdDirectedValues: Bool = true, holdInstructedRuns: Bool = true, holdUnaskedActions: Bool = true,
        holdOutsideTask: Bool = true, holdTaskLimits: Bool = true
    ) async throws -> Report {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "warden-injection-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let logger = Logger(label: "warden.bench.injection", factory: { _ in SwiftLogNoOpLogHandler() })
        let keys = try await CellKeys.open(dataDirectory: folder.path, tenant: "bench", environment: [:])
        let audit = BenchAudit()
        let script = ScriptedOutputs()
        var servers: [String: [Tool]] = [:]
        for tool in catalog.tools { servers[tool.name.server, default: []].append(tool) }
        var classifications: [String: [String: EffectClass]] = [:]
        var labels: [String: [String: ToolContainment]] = [:]
        var notRecipients: [String: [String: Set<String>]] = [:]
        var pins = ToolPins()
        var upstreams: [any ToolUpstream] = []
        for (server, tools) in servers {
            upstreams.append(ScriptedUpstream(name: server, tools: tools, script: script))
            for tool in tools {
                classifications[server, default: [:]][tool.name.tool] = tool.effect
                labels[server, default: [:]][tool.name.tool] = ToolContainment(
                    outputTrusted: tool.outputTrusted, criticalArguments: tool.critical)
                // No send grants here: a send tool's arguments are judged by containment through `critical`.
                if tool.effect == .send, case .object(let properties)? = tool.definition["inputSchema"]?["properties"] {
                    notRecipients[server, default: [:]][tool.name.tool] = Set(properties.keys)
                }
                pins.pin(
                    tool.name.description, definition: tool.definition,
                    digest: CanonicalJSON.sha256Hex(tool.definition))
            }
        }
        let registry = UpstreamRegistry(
            upstreams: upstreams, classifications: classifications, nonRecipientFields: notRecipients,
            containment: labels, pins: pins, logger: logger)
        await registry.startAll()
        let catalogNow = await registry.currentCatalog()
        for tool in catalog.tools {
            if case .refused(let refusal, _) = catalogNow.lookup(tool.name.description) {
                throw FormatError("catalog tool \(tool.name) cannot be used: \(refusal.rule): \(refusal.message)")
            }
        }
        let policy: any ToolPolicy
        if let policyText {
            policy = try PolicyFileWatcher.compile(
                text: policyText, fileName: "policy", classifications: classifications, catalog: catalogNow)
        } else {
            policy = try PolicyFileWatcher.compile(
                text: RoleTablePolicy.cedarText(["agent": Set(EffectClass.allCases)]), fileName: "permit-all",
                classifications: classifications, catalog: catalogNow)
        }
        let approvals = try ApprovalStore(dataDirectory: folder.path, keys: keys)
        let approvalLedger = ApprovalLedger(store: approvals, audit: audit)
        let containment = ContainmentRules(
            trustedValues: catalog.trustedValues, builtinRules: containmentOn, holdInstructedRuns: holdInstructedRuns,
            holdDirectedValues: holdDirectedValues, holdUnaskedActions: holdUnaskedActions,
            holdOutsideTask: holdOutsideTask, holdTaskLimits: holdTaskLimits)
        let gatekeeper = GatekeeperHolder(
            Gatekeeper(
                policy: policy,
                gates: (containmentOn
                    ? [ContainmentGate(containment)] : [])
                    + [ApprovalGate(store: approvals, ledger: approvalLedger, effects: [], holdsSends: true)],
                containment: containment))
        let runs = RunTracker(
            store: try SQLiteRunStore(path: CellLayout(dataDirectory: folder.path).runs), audit: audit,
            settings: DeliverySettings(), channel: nil, tenant: "bench", logger: logger)
        let pipeline = ToolCallPipeline(
            gatekeeper: gatekeeper, registry: registry, audit: audit, upstreamTimeout: .seconds(30), runs: runs,
            toolCallsPerMinute: 1_000_000, logger: logger)
        var results: [ScenarioResult] = []
        for (number, scenario) in scenarios.enumerated() {
            // One agent per scenario: what one scenario read must not count against another's values.
            let principal = Principal(
                tenant: "bench", subject: "bench-agent-\(number + 1)", issuer: "bench", roles: ["agent"])
            let runName = "scenario-\(number + 1)"
            let run = try await runs.context(name: runName, sessionID: "", principal: principal)
            if !scenario.task.isEmpty { try await runs.recordTask(runID: run.id, task: scenario.task) }
            var result = ScenarioResult(id: scenario.id, attack: scenario.isAttack, outcomes: [])
            for (position, step) in scenario.steps.enumerated() {
                await script.set(step.output)
                let outcome = await pipeline.call(
                    ToolCall(principal: principal, tool: step.tool, arguments: step.arguments, runName: runName))
                let (stepOutcome, refusal) = Self.classify(outcome)
                result.outcomes.append(
                    (step: position + 1, tool: step.tool, attack: step.attack, outcome: stepOutcome, refusal: refusal))
            }
            results.append(result)
        }
        await registry.shutdownAll()
        return Report(scenarios: results)
    }

    static func classify(_ outcome: ToolCallOutcome) -> (StepOutcome, Refusal?) {
        switch outcome {
        case .executed, .upstreamFailed, .escalated: return (.allowed, nil)
        case .held(let refusal): return (.held, refusal)
        case .refused(let refusal, _): return (.denied, refusal)
        case .rateLimited: return (.denied, Refusal(rule: "limits.agent-rate", message: "rate limited"))
        case .notRecorded(let nothingDone):
            // The upstream ran when something was done, whatever happened to the result afterwards.
            return nothingDone
                ? (.denied, Refusal(rule: "ledger.unrecorded", message: "not recorded")) : (.allowed, nil)
        case .runRefused(let error): return (.denied, Refusal(rule: "run.refused", message: error.description))
        }
    }
}

/// The bench's ledger: counts entries in memory (the replay measures decisions, not storage).
actor BenchAudit: AuditSink {
    private(set) var count = 0
    func record(_ event: AuditEvent) async throws { count += 1 }
}

/// What the scripted upstream returns for the step being replayed.
actor ScriptedOutputs {
    private var next: JSONValue?
    func set(_ output: JSONValue?) { next = output }
    func take() -> JSONValue? { next }
}

/// An upstream whose tools return what the scenario says they returned.
struct ScriptedUpstream: ToolUpstream {
    let name: String
    let tools: [InjectionReplay.Tool]
    let script: ScriptedOutputs

    func start() async throws {}
    func shutdown() async {}
    func listTools() async throws -> [UpstreamToolDefinition] {
        tools.map { UpstreamToolDefinition(name: $0.name.tool, definition: $0.definition) }
    }
    func callTool(_ tool: String, arguments: [String: JSONValue]) async throws -> JSONValue {
        let output = await script.take()
        let text: String
        switch output {
        case .string(let value)?: text = value
        case nil, .null?: text = "ok"
        case let other?: text = CanonicalJSON.string(other)
        }
        return ["content": [["type": "text", "text": .string(text)]], "isError": false]
    }
}
