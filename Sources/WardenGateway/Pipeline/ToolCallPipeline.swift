import Foundation
import Logging
import WardenContainment
import WardenCore
import WardenTracing

/// One requested tool call, as it enters the pipeline: from the MCP endpoint, or from Warden's own agents.
public struct ToolCall: Sendable {
    public var principal: Principal
    /// The name the caller asked for (`server.tool`), untrusted.
    public var tool: String
    public var arguments: [String: JSONValue]
    /// `_meta` of the request (where a send grant is presented).
    public var meta: [String: JSONValue]
    /// The run the call belongs to: named by the caller (its session id, or `Warden-Run-Id`), resolved by the
    /// pipeline after the rate limit (so neither a flood nor a malformed name costs a ledger entry).
    public var runName: String
    public var sessionID: String
    /// The run, once resolved.
    public internal(set) var run: RunContext

    public init(
        principal: Principal, tool: String, arguments: [String: JSONValue], meta: [String: JSONValue] = [:],
        runName: String, sessionID: String = ""
    ) {
        self.principal = principal
        self.tool = tool
        self.arguments = arguments
        self.meta = meta
        self.runName = runName
        self.sessionID = sessionID
        self.run = RunContext(id: runName, sessionID: sessionID)
    }
}

/// How a call ended. The MCP endpoint turns it into a JSON-RPC answer; Warden's own agents read it directly.
public enum ToolCallOutcome: Sendable {
    /// The upstream ran the call; its `CallToolResult` after the result stage.
    case executed(result: JSONValue, entry: CatalogEntry)
    /// The upstream failed or timed out; recorded.
    case upstreamFailed(entry: CatalogEntry)
    /// Refused by the rule named; `hidden` when the caller may not even know the tool exists.
    case refused(Refusal, hidden: Bool)
    /// Waiting for a person (the refusal names the approval request).
    case held(Refusal)
    /// Over the agent's rate limit.
    case rateLimited(retryAfterSeconds: Int)
    /// The ledger could not record the decision (nothing was done) or the outcome (the result is withheld).
    case notRecorded(nothingDone: Bool)
    /// `warden.escalate` ended the run escalated; a person is notified.
    case escalated
    /// The run cannot take the call (ended, malformed name, too many open runs); nothing was done.
    case runRefused(RunError)
}

/// The one path of every `tools/call`, independent of HTTP and MCP sessions, in a fixed, visible order:
///
/// rate limit → catalog → arguments → tool policy → containment → send grant → approval (the checks: they
/// decide and reserve, `Gatekeeper`) → **record the decision** (durable) → commit reservations → upstream (under
/// a timeout) → result stage → record the outcome (durable) → run bookkeeping → reply.
///
/// Checks decide; only the pipeline commits, records and calls. A ledger failure before the upstream call
/// releases every reservation, so nothing is consumed by a call that did not happen.
public struct ToolCallPipeline: Sendable {
    public let gatekeeper: GatekeeperHolder
    public let registry: UpstreamRegistry
    public let audit: any AuditSink
    public let upstreamTimeout: Duration
    public let metrics: GatewayMetrics
    public let tracer: Tracer?
    public let runs: RunTracker?
    let logger: Logger
    let rateLimiter: AgentRateLimiter
    let refusals: RefusalTally

    public init(
        gatekeeper: GatekeeperHolder, registry: UpstreamRegistry, audit: any AuditSink, upstreamTimeout: Duration,
        metrics: GatewayMetrics = GatewayMetrics(), tracer: Tracer? = nil, runs: RunTracker? = nil,
        toolCallsPerMinute: Int = 600, logger: Logger
    ) {
        self.gatekeeper = gatekeeper
        self.registry = registry
        self.audit = audit
        self.upstreamTimeout = upstreamTimeout
        self.metrics = metrics
        self.tracer = tracer
        self.runs = runs
        self.logger = logger
        self.rateLimiter = AgentRateLimiter(callsPerMinute: toolCallsPerMinute)
        self.refusals = RefusalTally(audit: audit)
    }

    public func call(_ call: ToolCall) async -> ToolCallOutcome {
        let started = ContinuousClock.now
        var span = tracer?.startSpan("tools/call", kind: .server)
        var call = call
        let outcome = await run(&call, span: &span)
        let elapsed = ContinuousClock.now - started
        let label = Self.label(outcome)
        metrics.toolCall(
            outcome: label,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        span?.setAttribute("warden.outcome", .string(label))
        span?.setStatus(label == "error" ? .error(message: label) : .ok)
        span?.end()
        if let runs { await runs.afterCall(call, outcome: outcome) }
        return outcome
    }

    /// Takes one request from `subject`'s rate budget (also for `initialize` and closing a session, which start
    /// and end runs); nil when allowed, else seconds until one is available.
    public func admit(_ subject: String) -> Int? {
        rateLimiter.take(subject)
    }

    static func label(_ outcome: ToolCallOutcome) -> String {
        switch outcome {
        case .executed(let result, _): return (result["isError"]?.boolValue ?? false) ? "tool-error" : "ok"
        case .escalated: return "ok"
        case .upstreamFailed, .refused, .held: return "tool-error"
        case .rateLimited, .notRecorded, .runRefused: return "error"
        }
    }

    func run(_ call: inout ToolCall, span: inout ActiveSpan?) async -> ToolCallOutcome {
        // Rate limit: one agent's flood (refused calls included) slows down that agent alone.
        if let retryAfter = rateLimiter.take(call.principal.subject) {
            let refusal = Refusal(rule: "limits.agent-rate", message: "too many tool calls by this agent")
            let record = DecisionRecord(call: call, tool: nil, policy: nil, refusal: refusal, held: false)
            guard await recordRefusal(record, rule: refusal.rule) else {
                return .notRecorded(nothingDone: true)
            }
            return .rateLimited(retryAfterSeconds: retryAfter)
        }
        // The run: resolved only now, after the rate limit.
        if let runs {
            do {
                call.run = try await runs.context(
                    name: call.runName, sessionID: call.sessionID, principal: call.principal)
            } catch let error as RunError {
                return .runRefused(error)
            } catch {
                return .notRecorded(nothingDone: true)
            }
        }
        if call.tool == EscalateTool.name { return await escalate(call) }
        // A consequential call is judged against what the run already did, and what it does is recorded before the
        // run's next consequential call is judged: two identical payments at once run at most once.
        // One catalog for the whole call: the lock, the checks and the result stage see the same tools.
        let catalog = registry.catalogNow
        let lookup = catalog.lookup(call.tool)
        if let runs, case .found(let entry) = lookup, entry.effect != .read {
            await runs.actions.acquire(call.run.id)
            defer { runs.actions.release(call.run.id) }
            return await decideAndRun(&call, span: &span, catalog: catalog, lookup: lookup)
        }
        return await decideAndRun(&call, span: &span, catalog: catalog, lookup: lookup)
    }

    /// The checks, the decision, the upstream call and the records, for a call whose run is resolved; `lookup` is
    /// `catalog`'s answer for the call's tool.
    func decideAndRun(_ call: inout ToolCall, span: inout ActiveSpan?, catalog: ToolCatalog, lookup: CatalogLookup)
        async -> ToolCallOutcome
    {
        // What the run has read, and from where (containment); unreadable: nothing is judged without it.
        var provenance: RunProvenance?
        if let runs {
            do {
                provenance = try await runs.provenance(runID: call.run.id)
            } catch {
                logger.error(
                    "run provenance unreadable",
                    metadata: ["rule": "containment", "error": "\(LogSafe.describe(error))"])
                return .notRecorded(nothingDone: true)
            }
        }
        // The checks: catalog, arguments, policy, containment, grant, approval. They decide and reserve.
        let keeper = gatekeeper.current
        // A consequential call's values are also looked up in what the agent's other runs read untrusted.
        var elsewhere: ProvenanceIndex?
        if let runs, case .found(let entry) = lookup {
            let values = ContainmentRules.candidateValues(entry: entry, arguments: call.arguments)
            if !values.isEmpty {
                do {
                    elsewhere = try await runs.untrustedElsewhere(
                        runID: call.run.id, subject: call.principal.subject, values: values)
                } catch {
                    logger.error(
                        "run provenance unreadable",
                        metadata: ["rule": "containment", "error": "\(LogSafe.describe(error))"])
                    return .notRecorded(nothingDone: true)
                }
            }
        }
        let verdict = await keeper.authorize(
            principal: call.principal, requestedTool: call.tool, arguments: call.arguments, meta: call.meta,
            run: call.run, provenance: provenance?.index, elsewhere: elsewhere, catalog: catalog)
        span?.setAttribute("warden.tool", .string(verdict.entry?.name.description ?? "unknown"))
        if let effect = verdict.entry?.effect { span?.setAttribute("warden.effect", .string(effect.rawValue)) }
        var record = DecisionRecord(
            call: call, tool: verdict.entry, policy: keeper.policy.identity, refusal: verdict.refusal,
            held: { if case .hold = verdict.outcome { return true } else { return false } }())
        record.reasons = verdict.trail
        record.containment = verdict.containment
        switch verdict.outcome {
        case .refuse(let refusal), .hold(let refusal):
            let held = record.held
            span?.setAttribute("warden.decision", .string(held ? "hold" : "deny"))
            span?.setAttribute("warden.rule", .string(refusal.rule))
            metrics.decision(outcome: held ? "hold" : "deny", rule: refusal.rule)
            if verdict.entry == nil { record.requestedToolDigest = Digest.sha256Hex(Array(call.tool.utf8)) }
            // Repeats of one agent's refusal under one rule are tallied, not each recorded (RefusalTally).
            let recorded =
                held
                ? await recordOrFail(.toolDecision(record))
                : await recordRefusal(record, rule: refusal.rule)
            guard recorded else { return .notRecorded(nothingDone: true) }
            logger.info("tool call refused", metadata: ["rule": "\(refusal.rule)", "tool": "\(record.toolName)"])
            if held { return .held(refusal) }
            let hidden = verdict.entry.map { !keeper.policy.mayList(principal: call.principal, entry: $0) } ?? true
            return .refused(refusal, hidden: hidden || refusal.rule.hasPrefix("catalog.unknown"))
        case .allow:
            span?.setAttribute("warden.decision", "allow")
            metrics.decision(outcome: "allow", rule: "allowed")
        }
        guard let entry = verdict.entry else { return .notRecorded(nothingDone: true) }
        // Record the decision (durable), and only then use what the checks reserved.
        guard await recordOrFail(.toolDecision(record)) else {
            await verdict.reservations.releaseAll()
            return .notRecorded(nothingDone: true)
        }
        for (index, reservation) in verdict.reservations.enumerated() where !(await reservation.commit()) {
            await Array(verdict.reservations[(index + 1)...]).releaseAll()
            let lapsed = Refusal(
                rule: "pipeline.reservation-lapsed",
                message:
                    "\(reservation.name) could not be used (its hold lapsed and another call took it, or its store "
                    + "failed); nothing was done")
            record.refusal = lapsed
            guard await recordOrFail(.toolExecuted(record, outcome: .notRun, resultDigest: nil)) else {
                return .notRecorded(nothingDone: true)
            }
            return .refused(lapsed, hidden: false)
        }
        // The upstream receives exactly the arguments that were judged.
        let arguments = call.arguments
        let registry = self.registry
        var upstreamSpan = tracer?.startSpan("upstream \(entry.name.server)", kind: .client, parent: span?.context)
        defer { upstreamSpan?.end() }
        let raw: JSONValue
        let upstreamStarted = ContinuousClock.now
        do {
            let upstreamCall: @Sendable () async throws(any Error) -> JSONValue = {
                try await registry.call(entry, arguments: arguments)
            }
            raw = try await withDeadline(
                upstreamTimeout, timedOut: { DeadlineExceeded() as any Error }, cancelled: { CancellationError() },
                upstreamCall)
        } catch {
            CallTiming.current?.addUpstream(.now - upstreamStarted)
            upstreamSpan?.setStatus(.error(message: "upstream-error"))
            logger.warning(
                "upstream call failed", metadata: ["tool": "\(entry.name)", "error": "\(LogSafe.describe(error))"])
            guard await recordOrFail(.toolExecuted(record, outcome: .upstreamError, resultDigest: nil)) else {
                return .notRecorded(nothingDone: false)
            }
            // No answer is no proof that nothing was done: a consequential call that failed or timed out may have
            // acted upstream, so it is remembered as made, and the same call again in a tainted run needs a person.
            if let runs, let effect = entry.effect, effect != .read {
                let source = ContainmentSource.unanswered(tool: entry.name.description, call: call.run.calls + 1)
                let known = provenance?.index ?? ProvenanceIndex()
                let rows = ContainmentRules.executedRows(entry: entry, arguments: call.arguments).filter {
                    if case .unknown = known.provenance(of: [$0]) { return true } else { return false }
                }
                if !rows.isEmpty {
                    do {
                        try await runs.recordRead(
                            runID: call.run.id, tool: entry.name.description, trusted: true,
                            entries: rows.map { IndexEntry(value: $0, trusted: true, source: source) }, signals: [])
                    } catch {
                        logger.error(
                            "failed call not remembered by its run",
                            metadata: ["rule": "containment.repeated-action", "error": "\(LogSafe.describe(error))"])
                        return .notRecorded(nothingDone: false)
                    }
                }
            }
            return .upstreamFailed(entry: entry)
        }
        CallTiming.current?.addUpstream(.now - upstreamStarted)
        // A trusted tool's output vouches only for what it adds: values of the call's own arguments that nothing
        // trusted backed before stay unbacked when the tool echoes them.
        let echoed =
            entry.containment.outputTrusted
            ? ContainmentRules.echoed(
                arguments: call.arguments,
                trustedBy: [keeper.containment.directory, provenance?.index ?? ProvenanceIndex()]) : []
        let read = Self.resultStage(
            raw, entry: entry, call: call, fence: provenance?.fence ?? .random(), echoed: echoed,
            vocabulary: catalog.vocabulary, choices: catalog.choices)
        let result = read.result
        let outcome: LedgerEvent.ExecutionOutcome = (result["isError"]?.boolValue ?? false) ? .toolError : .ok
        record.read = read
        guard await recordOrFail(.toolExecuted(record, outcome: outcome, resultDigest: CanonicalJSON.sha256Hex(result)))
        else { return .notRecorded(nothingDone: false) }
        // The run knows what it read before the agent does: a result whose values could not be kept is withheld.
        // Values the run already knows with the same or stronger backing change nothing; a read that adds nothing
        // to a run whose taint it would not change is not written again (repeat reads stay cheap).
        let known = provenance?.index ?? ProvenanceIndex()
        var fresh = read.entries.filter { !Self.alreadyKnown($0, in: known) }
        // A consequential call that ran is remembered by its critical values: the same call again is a repeat.
        // (Also when it reported an error: the upstream may have acted before failing.)
        if let effect = entry.effect, effect != .read {
            let source = ContainmentSource.output(tool: entry.name.description, call: call.run.calls + 1)
            for row in ContainmentRules.executedRows(entry: entry, arguments: call.arguments) {
                if case .unknown = known.provenance(of: [row]) {
                    fresh.append(IndexEntry(value: row, trusted: true, source: source))
                }
            }
        }
        // A steering read is always recorded (the run becomes `instructed`), even when it adds no value.
        let steers =
            !read.trusted && !call.run.instructed && !InstructionSignals.steering.isDisjoint(with: read.signals)
        if let runs, !fresh.isEmpty || (!read.trusted && !call.run.tainted) || steers {
            do {
                try await runs.recordRead(
                    runID: call.run.id, tool: entry.name.description, trusted: read.trusted, entries: fresh,
                    signals: read.signals)
            } catch {
                logger.error(
                    "run read not recorded; result withheld",
                    metadata: ["rule": "containment.read-unrecorded", "error": "\(LogSafe.describe(error))"])
                return .notRecorded(nothingDone: false)
            }
        }
        return .executed(result: result, entry: entry)
    }

    /// Whether `entry` would not change how `index` judges its value: already trusted, or already untrusted when
    /// the entry is untrusted too.
    static func alreadyKnown(_ entry: IndexEntry, in index: ProvenanceIndex) -> Bool {
        switch index.provenance(of: [entry.value]) {
        case .trusted: return true
        case .untrusted: return !entry.trusted
        case .unknown: return false
        }
    }

    /// The result stage: the output's trust label decides. Every value in it is indexed with its source (the run's
    /// provenance); instruction-like text is flagged; untrusted text goes back to the agent fenced as data, with
    /// the run's random boundary (spotlighting: a signal to the model, never the barrier — containment is).
    static func resultStage(
        _ raw: JSONValue, entry: CatalogEntry, call: ToolCall, fence: UntrustedFence, echoed: Set<TaggedValue> = [],
        vocabulary: ToolVocabulary = ToolVocabulary(), choices: ChoiceVocabulary = ChoiceVocabulary()
    ) -> ResultReading {
        let tool = entry.name.description
        let trusted = entry.containment.outputTrusted
        var index = ProvenanceIndex(dictation: false)
        let source = ContainmentSource.output(tool: tool, call: call.run.calls + 1)
        var signals: Set<String> = []
        var texts: [String] = []
        var result = raw
        if !trusted {
            // What the content asks for goes into the index first, so a flood of values cannot push it out.
            index.add(values: Self.directives(in: raw), trusted: false, source: source)
        } else {
            // Records it shows as paid or refunded (paying one again is a second payment), and whose values are whose.
            // The output is read as records once; every reader gets the same records.
            let records = OutputRecords(raw)
            index.add(values: SettledRecords.values(in: records), trusted: true, source: source)
            index.add(values: SettledRecords.unpaidValues(in: records), trusted: true, source: source)
            index.add(values: PartyRecords.values(in: records), trusted: true, source: source)
            index.add(
                values: WarnedRecords.values(in: records, requested: WarnedRecords.requestedIds(call.arguments)),
                trusted: true, source: source)
            index.add(values: SecretFields.values(in: records), trusted: true, source: source)
            index.add(values: RecordedAmounts.values(in: records), trusted: true, source: source)
            index.add(values: PartPaidRecords.values(in: records), trusted: true, source: source)
            index.add(values: choices.fields(in: records), trusted: true, source: source)
        }
        if case .object(var members) = raw {
            if case .array(let items)? = members["content"] {
                members["content"] = .array(
                    items.map { item in
                        guard case .object(var block) = item else { return item }
                        if let text = block["text"]?.stringValue {
                            index.add(text: text, trusted: trusted, source: source)
                            texts.append(text)
                            if !trusted {
                                signals.formUnion(InstructionSignals.scan(text, vocabulary: vocabulary))
                                block["text"] = .string(fence.wrap(text, source: tool))
                            }
                        }
                        if case .object(var resource)? = block["resource"], let text = resource["text"]?.stringValue {
                            index.add(text: text, trusted: trusted, source: source)
                            texts.append(text)
                            if !trusted {
                                signals.formUnion(InstructionSignals.scan(text, vocabulary: vocabulary))
                                resource["text"] = .string(fence.wrap(text, source: tool))
                                block["resource"] = .object(resource)
                            }
                        }
                        return .object(block)
                    })
            }
            if let structured = members["structuredContent"] {
                index.add(json: structured, trusted: trusted, source: source)
                texts.append(contentsOf: ContainmentJudge.strings(in: structured))
                // Not fenced (a client may validate it against the tool's schema), but scanned: steering text
                // there marks the run like text content does.
                if !trusted {
                    for text in ContainmentJudge.strings(in: structured) {
                        signals.formUnion(InstructionSignals.scan(text, vocabulary: vocabulary))
                    }
                }
            }
            result = .object(members)
        } else {
            index.add(json: raw, trusted: trusted, source: source)
            texts.append(contentsOf: ContainmentJudge.strings(in: raw))
        }
        // The coded choices the texts name; a trusted tool does not back a choice the call itself asked about.
        let asked = Set(ContainmentJudge.strings(in: .object(call.arguments)).flatMap(choices.named(in:)))
        let named = Set(texts.flatMap(choices.named(in:))).subtracting(trusted ? asked : [])
        index.add(values: Set(named.map { TaggedValue(.choice, $0) }), trusted: trusted, source: source)
        var entries = index.entries
        if trusted && !echoed.isEmpty {
            // An echoed free string would back itself by phrase inside the whole output: drop whole texts too.
            let echoesText = echoed.contains {
                $0.kind == .text && $0.value.count >= ProvenanceIndex.minimumPhraseLength
            }
            entries.removeAll { echoed.contains($0.value) || (echoesText && $0.value.kind == .text) }
        }
        return ResultReading(
            result: result, trusted: trusted, entries: entries, signals: signals.sorted(),
            overflowed: index.overflowed)
    }

    /// The directives of every text an agent would read in a result: text content, embedded resources, structured
    /// content (or the whole value when it is not a `CallToolResult`).
    static func directives(in raw: JSONValue) -> Set<TaggedValue> {
        var texts: [String] = []
        if case .object(let members) = raw {
            if case .array(let items)? = members["content"] {
                for case .object(let block) in items {
                    if let text = block["text"]?.stringValue { texts.append(text) }
                    if let text = block["resource"]?["text"]?.stringValue { texts.append(text) }
                }
            }
            if let structured = members["structuredContent"] { texts += ContainmentJudge.strings(in: structured) }
        } else {
            texts = ContainmentJudge.strings(in: raw)
        }
        return Set(texts.flatMap { ActionDirectives.tagged(inText: $0) })
    }

    /// Records a refusal in full the first time per agent, rule and tool in an interval; later ones are tallied.
    /// Unknown names all count as the tool `unknown`, so varying the guessed name does not flood the ledger.
    func recordRefusal(_ record: DecisionRecord, rule: String) async -> Bool {
        guard await refusals.admit(agent: record.agent, rule: rule, tool: record.toolName) else { return true }
        return await recordOrFail(.toolDecision(record))
    }

    func recordOrFail(_ event: LedgerEvent) async -> Bool {
        do {
            try await audit.record(event)
            return true
        } catch {
            logger.error(
                "audit record failed",
                metadata: ["kind": "\(event.auditEvent.kind)", "error": "\(LogSafe.describe(error))"])
            return false
        }
    }

    /// Periodic work: record the refusal tallies and forget refilled rate buckets.
    public func flushTallies() async {
        await refusals.flush()
        rateLimiter.prune()
    }
}

/// The facts of one call's ledger entries (`tool.decision`, then `tool.executed`): names, digests and rule ids,
/// never argument or result contents.
public struct DecisionRecord: Sendable {
    var agent: String
    var session: String
    /// SHA-256 of the run's key (computed once: both entries of a call carry it).
    var runDigest: String
    var toolName: String
    var argumentsDigest: String
    var policy: String?
    var refusal: Refusal?
    var held: Bool
    var reasons: [String] = []
    var requestedToolDigest: String?
    /// Containment's assessment of the call (decision entry): taint, and which critical arguments no trusted
    /// source backs (names only).
    var containment: ContainmentAssessment?
    /// What the call's output was (executed entry): its trust label, how many values were indexed, signals.
    var read: ResultReading?

    init(call: ToolCall, tool: CatalogEntry?, policy: String?, refusal: Refusal?, held: Bool) {
        agent = call.principal.subject
        session = call.run.sessionID.isEmpty ? "" : Digest.sha256Hex(Array(call.run.sessionID.utf8))
        runDigest = Digest.sha256Hex(Array(call.run.id.utf8))
        toolName = tool?.name.description ?? "unknown"
        argumentsDigest = CanonicalJSON.sha256Hex(.object(call.arguments))
        self.policy = policy
        self.refusal = refusal
        self.held = held
    }

    var facts: [String: JSONValue] {
        var facts: [String: JSONValue] = [
            "agent": .string(agent), "tool": .string(toolName), "arguments_sha256": .string(argumentsDigest),
            "run": .string(runDigest),
        ]
        if !session.isEmpty { facts["session"] = .string(session) }
        if let policy { facts["policy"] = .string(policy) }
        if let requestedToolDigest { facts["requested_tool_sha256"] = .string(requestedToolDigest) }
        if let refusal {
            facts["decision"] = .string(held ? "hold" : "deny")
            facts["rule"] = .string(refusal.rule)
        } else {
            facts["decision"] = "allow"
        }
        facts["reasons"] = .array(reasons.map { .string($0) })
        if let containment {
            var assessed: [String: JSONValue] = [
                "tainted": .bool(containment.tainted),
                "untrusted_args": .array(containment.untrustedArguments.map { .string($0) }),
            ]
            if !containment.directed.isEmpty {
                assessed["directed_args"] = .array(containment.directed.map { .string($0.name) })
            }
            if containment.unaskedAction { assessed["unasked_action"] = true }
            if !containment.outsideTask.isEmpty {
                assessed["outside_task"] = .array(containment.outsideTask.map { .string($0.name) })
            }
            if !containment.forbidden.isEmpty { assessed["task_forbids"] = true }
            if containment.repeated != nil { assessed["repeated"] = true }
            if !containment.settled.isEmpty { assessed["already_settled"] = true }
            if !containment.warned.isEmpty { assessed["record_warns"] = true }
            if !containment.contentChoices.isEmpty { assessed["content_choice"] = true }
            if !containment.recordSaysOtherwise.isEmpty { assessed["record_says_otherwise"] = true }
            if !containment.secretsSent.isEmpty { assessed["secret_in_message"] = true }
            if !containment.amountsNotRecorded.isEmpty { assessed["amount_not_recorded"] = true }
            if !containment.moreThanNamed.isEmpty { assessed["more_than_named"] = true }
            facts["containment"] = .object(assessed)
        }
        return facts
    }

    /// Facts of the `tool.executed` entry about what was read.
    var readFacts: [String: JSONValue] {
        guard let read else { return [:] }
        return [
            "output": .string(read.trusted ? "trusted" : "untrusted"),
            "values_indexed": .integer(Int64(read.entries.count)),
            "signals": .array(read.signals.map { .string($0) }),
            // More values than the run's index keeps: the rest read as unknown (held in a tainted run).
            "values_overflowed": .bool(read.overflowed),
        ]
    }
}

/// What the result stage made of an upstream's result.
struct ResultReading: Sendable {
    /// What the agent receives (untrusted text fenced).
    var result: JSONValue
    var trusted: Bool
    /// The values found, with their source, for the run's provenance index.
    var entries: [IndexEntry]
    /// Instruction-like patterns found in untrusted text (recorded; never the only barrier).
    var signals: [String]
    var overflowed: Bool
}
