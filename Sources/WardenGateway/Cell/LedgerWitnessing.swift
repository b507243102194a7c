import Foundation
import Logging
import WardenCore
import WardenLedger
import WardenWitness

/// The cell's side of witnessing: submits each new ledger checkpoint to the configured witnesses (C2SP
/// tlog-witness), keeps their cosignatures, and raises the alarm when a witness has cosigned more of this log
/// than it now holds (a rollback or fork).
///
/// Only changes of a witness's state become ledger entries, debounced (`witness.failing` after three failures
/// in a row, at most one transition a minute per witness; `witness.conflict` at once): recording every
/// cosignature, or every flap of a flaky witness, would itself grow the log and cause the next submission,
/// forever. Entries carry status codes and fixed reason classes, never text a witness sent.
///
/// Every alarm outcome — a witness ahead of the log, a 409 on an agreed size, a 422 (fork) — marks that witness
/// in conflict until the cell restarts; `warden_witness_conflicts` counts them.
public struct LedgerWitnessing: Sendable {
    /// Where the newest checkpoint each witness cosigned is kept, outside the ledger directory.
    public static func stateDirectory(dataDirectory: String) -> String {
        CellLayout(dataDirectory: dataDirectory).witnesses
    }

    public static func endpoints(_ settings: [WitnessSettings]) throws -> [WitnessEndpoint] {
        try settings.map { witness in
            guard let url = URL(string: witness.url) else {
                throw WitnessError.invalidConfiguration("witness URL \(witness.url) does not parse")
            }
            return try WitnessEndpoint(
                url: url, verifier: try Ed25519CosignatureVerifier(verifierKey: witness.verifierKey),
                allowInsecureHTTP: witness.allowInsecureHTTP)
        }
    }

    /// The largest checkpoint any configured witness cosigned (verified under its key), to pin when the ledger
    /// opens: a ledger rolled back below it refuses to open.
    public static func pinnedCheckpoint(dataDirectory: String, settings: [WitnessSettings]) throws
        -> SignedCheckpoint?
    {
        guard !settings.isEmpty else { return nil }
        return try WitnessSubmitter.witnessedCheckpoints(
            stateDirectory: stateDirectory(dataDirectory: dataDirectory), witnesses: endpoints(settings)
        ).first
    }

    let submitter: WitnessSubmitter
    let transitions: WitnessTransitions
    /// Outcomes in the order the submitter reported them, recorded by one consumer (debouncing needs the order).
    let outcomes: AsyncStream<WitnessOutcome>
    let audit: any AuditSink
    let logger: Logger

    public init(
        settings: [WitnessSettings], dataDirectory: String, writer: LedgerWriter, audit: any AuditSink,
        logger: Logger
    ) throws {
        transitions = WitnessTransitions()
        self.audit = audit
        self.logger = logger
        let (stream, continuation) = AsyncStream.makeStream(of: WitnessOutcome.self)
        outcomes = stream
        submitter = try WitnessSubmitter(
            source: writer, witnesses: Self.endpoints(settings),
            stateDirectory: Self.stateDirectory(dataDirectory: dataDirectory), logger: logger
        ) { outcome in continuation.yield(outcome) }
    }

    /// The submission loop and the recorder of its outcomes, for the cell's background work.
    public var backgroundWork: CellBackgroundWork {
        let witnessing = self
        // Both loops run until cancelled: one start after the first second.
        return CellBackgroundWork(
            name: "ledger-witnessing", interval: .seconds(1),
            work: {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await witnessing.submitter.run(interval: .seconds(1)) }
                    group.addTask { await witnessing.recordOutcomes() }
                }
            },
            stop: { try? await witnessing.submitter.shutdown() })
    }

    private func recordOutcomes() async {
        for await outcome in outcomes {
            guard let event = await transitions.event(for: outcome, now: ContinuousClock.now) else { continue }
            if case .witness(.conflict, _) = event {
                logger.critical(
                    "ledger witness conflict: this ledger is not an extension of what the witness cosigned (rolled back or forked)",
                    metadata: ["witness": "\(outcome.witness)"])
            }
            do {
                try await audit.record(event)
            } catch {
                logger.error(
                    "witness event not recorded in the ledger",
                    metadata: ["kind": "\(event.auditEvent.kind)", "error": "\(LogSafe.describe(error))"])
            }
        }
    }

    /// Gauges for `/metrics`: witnesses in conflict (alert on > 0) and witnesses currently failing.
    public func gauges() async -> [MetricGauge] {
        let status = await submitter.status()
        return [
            MetricGauge(
                name: "warden_witness_conflicts",
                help: "Witnesses whose answers show this ledger rolled back or forked (needs a human).",
                value: Double(status.filter(\.conflict).count)),
            MetricGauge(
                name: "warden_witness_failing", help: "Witnesses whose last submission failed.",
                value: Double(status.filter { $0.lastError != nil }.count)),
        ]
    }
}

/// Remembers each witness's recorded state and turns debounced changes into ledger events.
actor WitnessTransitions {
    static let failuresBeforeFailing = 3
    static let minimumInterval = Duration.seconds(60)

    private var recorded: [String: LedgerEvent.WitnessEventKind] = [:]
    private var lastRecordedAt: [String: ContinuousClock.Instant] = [:]
    private var consecutiveFailures: [String: Int] = [:]
    /// Witnesses that raised an alarm since the cell started (sticky).
    private(set) var alarmed: Set<String> = []

    func event(for outcome: WitnessOutcome, now: ContinuousClock.Instant) -> LedgerEvent? {
        let witness = outcome.witness
        var facts: [String: JSONValue] = [
            "witness": .string(witness), "checkpoint_size": .integer(Int64(clamping: outcome.checkpointSize)),
        ]
        let kind: LedgerEvent.WitnessEventKind
        switch outcome.kind {
        case .conflict(let witnessSize, let logSize):
            kind = .conflict
            facts["witness_size"] = .integer(Int64(clamping: witnessSize))
            facts["log_size"] = .integer(Int64(clamping: logSize))
        case .refused(let status, _) where outcome.isAlarm:
            kind = .conflict
            facts["status"] = .integer(Int64(status))
        case .cosigned:
            consecutiveFailures[witness] = 0
            kind = .cosigned
        case .refused(let status, _):
            facts["status"] = .integer(Int64(status))
            facts["reason"] = "refused"
            kind = .failing
        case .invalidResponse:
            facts["reason"] = "invalid-response"
            kind = .failing
        case .unreachable:
            facts["reason"] = "unreachable"
            kind = .failing
        case .localFailure:
            facts["reason"] = "local-failure"
            kind = .failing
        }
        if kind == .conflict {
            // Recorded once per witness, at once: it needs a human, not a debounce.
            guard alarmed.insert(witness).inserted else { return nil }
            return record(kind, facts, witness: witness, now: now)
        }
        if kind == .failing {
            consecutiveFailures[witness, default: 0] += 1
            guard consecutiveFailures[witness, default: 0] >= Self.failuresBeforeFailing else { return nil }
        }
        guard recorded[witness] != kind else { return nil }
        if let last = lastRecordedAt[witness], now - last < Self.minimumInterval, recorded[witness] != nil {
            return nil
        }
        return record(kind, facts, witness: witness, now: now)
    }

    private func record(
        _ kind: LedgerEvent.WitnessEventKind, _ facts: [String: JSONValue], witness: String,
        now: ContinuousClock.Instant
    ) -> LedgerEvent {
        recorded[witness] = kind
        lastRecordedAt[witness] = now
        return .witness(kind, facts: facts)
    }
}
