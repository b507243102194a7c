import WardenLedger

/// The log whose checkpoints a `WitnessSubmitter` has cosigned: Warden's `LedgerWriter`, or a test double.
public protocol CheckpointSource: Sendable {
    /// The latest signed checkpoint, nil before the first one.
    func latestCheckpoint() async -> SignedCheckpoint?
    /// The consistency proof from `oldSize` to `newSize` (nil: the latest checkpoint's size).
    func proveConsistency(from oldSize: UInt64, to newSize: UInt64?) async throws -> ConsistencyProof
    /// Adds verified witness cosignatures to `checkpoint` if it is still the latest; false otherwise.
    func attachCosignatures(_ cosignatures: [NoteSignature], to checkpoint: SignedCheckpoint) async throws -> Bool
}

extension LedgerWriter: CheckpointSource {}
