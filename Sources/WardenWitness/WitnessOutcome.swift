import WardenLedger

/// What happened when one checkpoint was submitted to one witness. Sendable, so the gateway can surface it.
public struct WitnessOutcome: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The witness cosigned; the cosignature verified and was attached to the ledger checkpoint.
        case cosigned
        /// The witness refused with an HTTP status (422: it rejected our consistency proof, i.e. its cosigned
        /// tree is not a prefix of this log — a fork, or a broken proof).
        case refused(status: Int, reason: String)
        /// The witness has cosigned more of this log (`witnessSize`) than the log now holds (`logSize`): the
        /// ledger was rolled back or forked. The headline alarm.
        case conflict(witnessSize: UInt64, logSize: UInt64)
        /// The answer could not be trusted: a cosignature that does not verify under the configured witness key,
        /// an oversized body, or a malformed size body.
        case invalidResponse(reason: String)
        /// No answer: connection failure or timeout.
        case unreachable(reason: String)
        /// This side failed: the consistency proof could not be built, or a cosignature could not be recorded.
        case localFailure(reason: String)
    }

    /// The witness name (its key name).
    public var witness: String
    /// The size of the checkpoint that was submitted.
    public var checkpointSize: UInt64
    public var kind: Kind

    public init(witness: String, checkpointSize: UInt64, kind: Kind) {
        self.witness = witness
        self.checkpointSize = checkpointSize
        self.kind = kind
    }

    /// Whether this outcome is evidence that the log is not append-only (rollback or fork), as opposed to a
    /// transient failure: a conflict, or a 409/422 refusal after the sizes were agreed.
    public var isAlarm: Bool { kind.isAlarm }
}

extension WitnessOutcome.Kind {
    /// See ``WitnessOutcome/isAlarm``.
    public var isAlarm: Bool {
        switch self {
        case .conflict: true
        case .refused(let status, _): status == 409 || status == 422
        default: false
        }
    }
}

/// A snapshot of one witness as the submitter sees it (for health endpoints and the CLI).
public struct WitnessStatus: Sendable, Equatable {
    public var witness: String
    public var url: String
    /// The size this witness last cosigned for this log (0 if never).
    public var lastCosignedSize: UInt64
    /// The last failure, cleared by the next cosignature.
    public var lastError: String?
    /// Set once an answer of this witness raised an alarm (rollback, fork, lost state); stays set (it needs a human).
    public var conflict: Bool
}
