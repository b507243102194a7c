import Foundation
import Logging
import WardenCore
import WardenLedger
import WardenWitness

/// The cell's side of witnessing: submits each new ledger checkpoint to the configured witnesses (C2SP
/// tlog-witness), keeps their cosignatures, and raises the alarm when a witness has cosigned more of this log
/// than it now holds (a rollback or fork).
///
/// Only changes of a witness's state become ledger entries (`witness.cosigned` when it first cosigns or
/// recovers, `witness.failing`, `witness.conflict`): recording every cosignature would itself grow the log and
/// cause the next submission, forever.
public struct LedgerWitnessing: Sendable {
    /// Where the newest checkpoint each witness cosigned is kept, outside the ledger directory.
    public static func stateDirectory(dataDirectory: String) -> String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("witnesses").path
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

    public init(
        settings: [WitnessSettings], dataDirectory: String, writer: LedgerWriter, audit: any AuditSink,
        logger: Logger
    ) throws {
        let transitions = WitnessTransitions()
        self.transitions = transitions
        submitter = try WitnessSubmitter(
            source: writer, witnesses: Self.endpoints(settings),
            stateDirectory: Self.stateDirectory(dataDirectory: dataDirectory), logger: logger
        ) { outcome in
            Task {
                guard let event = await transitions.event(for: outcome) else { return }
                if event.kind == "witness.conflict" {
                    logger.error(
                        "ledger witness conflict: the witness cosigned more of this log than it holds",
                        metadata: ["witness": "\(outcome.witness)"])
                }
                try? await audit.record(event)
            }
        }
    }

    /// The submission loop, for the cell's background work.
    public var backgroundWork: CellBackgroundWork {
        let submitter = self.submitter
        return CellBackgroundWork(
            name: "ledger-witnessing", interval: .seconds(1),
            work: { await submitter.run(interval: .seconds(1)) },
            stop: { try? await submitter.shutdown() })
    }

    /// Gauges for `/metrics`: witnesses in conflict (alert on > 0) and witnesses currently failing.
    public func gauges() async -> [MetricGauge] {
        let status = await submitter.status()
        return [
            MetricGauge(
                name: "warden_witness_conflicts",
                help: "Witnesses that cosigned more of this ledger than it holds (rollback or fork; needs a human).",
                value: Double(status.filter(\.conflict).count)),
            MetricGauge(
                name: "warden_witness_failing", help: "Witnesses whose last submission failed.",
                value: Double(status.filter { $0.lastError != nil }.count)),
        ]
    }
}

/// Remembers each witness's last kind of outcome and turns changes into ledger events.
actor WitnessTransitions {
    private var last: [String: String] = [:]

    func event(for outcome: WitnessOutcome) -> AuditEvent? {
        let kind: String
        var facts: [String: JSONValue] = [
            "witness": .string(outcome.witness), "checkpoint_size": .integer(Int64(clamping: outcome.checkpointSize)),
        ]
        switch outcome.kind {
        case .cosigned:
            kind = "witness.cosigned"
        case .conflict(let witnessSize, let logSize):
            kind = "witness.conflict"
            facts["witness_size"] = .integer(Int64(clamping: witnessSize))
            facts["log_size"] = .integer(Int64(clamping: logSize))
        case .refused(let status, let reason) where outcome.isAlarm:
            kind = "witness.conflict"
            facts["status"] = .integer(Int64(status))
            facts["reason"] = .string(reason)
        case .refused(let status, let reason):
            kind = "witness.failing"
            facts["status"] = .integer(Int64(status))
            facts["reason"] = .string(reason)
        case .invalidResponse(let reason), .unreachable(let reason), .localFailure(let reason):
            kind = "witness.failing"
            facts["reason"] = .string(reason)
        }
        guard last[outcome.witness] != kind else { return nil }
        last[outcome.witness] = kind
        return AuditEvent(kind: kind, facts: facts)
    }
}
