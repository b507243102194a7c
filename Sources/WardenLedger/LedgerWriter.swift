import Foundation

/// The single writer (sequencer) of one tenant's ledger directory.
///
/// ## On-disk design and why it is crash-safe
///
/// - `ledger.wal` is the durable source of truth: an append-only file of records
///   `uint32 length || entry || SHA-256(0x00 || entry)`. `append` returns an index only after the record's
///   batch was written with one `write` and made durable with `fdatasync` (the file was created and its
///   directory fsynced before first use). Concurrent appends that arrive while a sync is in flight are written
///   together by the next one (group commit), so one sync covers many entries; an append that finds no sync in
///   flight is written and synced on its caller's thread, with no hand-off (`GroupCommitter`).
/// - `tile/...` (hash tiles and entry bundles, C2SP tlog-tiles) are derived from the log. Each file is written
///   to a temporary name and renamed, so a reader never sees a half-written tile, and fsynced (files, then
///   their directories) before the checkpoint that covers them is signed, so the static files verify on their
///   own after a power loss. `open` still re-derives and repairs every tile from the log after a crash.
/// - `checkpoint` is the last signed checkpoint, replaced by temporary file + fsync + rename + directory
///   fsync. It only ever covers entries already durable in the log. Before signing, the writer proves (with a
///   consistency proof over the tiles it just wrote) that the new tree extends the last signed one, so it never
///   signs two inconsistent checkpoints.
/// - Recovery on `open`: replay the log, truncate a torn tail (an incomplete or hash-mismatched last batch, at
///   most `WriteAheadLog.maximumTornTail` bytes; larger damage is refused, not repaired), check the
///   persisted checkpoint (its signature, that the log still holds its size and root), rewrite any missing or
///   wrong tile, and sign a checkpoint for entries that were durable but not yet checkpointed.
/// - The log file is locked with `flock`, so a second writer on the same directory fails to open.
///
/// A checkpoint is signed at least every `checkpointInterval` while entries arrive, and on demand with
/// `checkpoint()`. Call `close()` to stop the timer, drain appends and sign a final checkpoint.
public actor LedgerWriter {
    /// Tuning knobs; the defaults match the design (one checkpoint a second).
    public struct Options: Sendable {
        /// How often to sign a checkpoint while entries arrive.
        public var checkpointInterval: Duration
        /// Verifier keys that may have signed the persisted checkpoint (key rotation); the signer's own key is
        /// always trusted.
        public var previousKeys: [Ed25519NoteVerifier]
        /// A checkpoint of this log kept outside the directory (database, witness). The log must still contain
        /// it, so deleting the `checkpoint` file and rewriting the log cannot make the writer sign a different
        /// history; if it is newer than the persisted one, it becomes the persisted one.
        public var knownCheckpoint: SignedCheckpoint?

        public init(
            checkpointInterval: Duration = .seconds(1), previousKeys: [Ed25519NoteVerifier] = [],
            knownCheckpoint: SignedCheckpoint? = nil
        ) {
            self.checkpointInterval = checkpointInterval
            self.previousKeys = previousKeys
            self.knownCheckpoint = knownCheckpoint
        }
    }

    /// The log directory.
    public nonisolated let directory: String
    /// The checkpoint origin line.
    public nonisolated let origin: String
    /// Read access to the tiles, bundles and checkpoint of this log (for serving and proofs).
    public nonisolated let log: TiledLog
    /// Bytes of a torn last batch that recovery removed when this writer opened (0 after a clean shutdown).
    public nonisolated let recoveredTornBytes: UInt64

    private let signer: Ed25519NoteSigner
    private let wal: WriteAheadLog
    private let committer: GroupCommitter
    private let tileQueue = StorageQueue(label: "warden.ledger.tiles")

    private var unstoredTiles: [TileFile] = []
    private var lastCheckpoint: SignedCheckpoint?
    private var closed = false
    private var checkpointTask: Task<SignedCheckpoint, any Error>?
    private var timer: Task<Void, Never>?
    /// The last error of a timer-driven checkpoint, cleared by the next success (for health reporting).
    public private(set) var lastCheckpointError: String?

    private init(
        directory: String, origin: String, signer: Ed25519NoteSigner, recovered: Recovered
    ) {
        self.directory = directory
        self.origin = origin
        self.log = TiledLog(directory: directory)
        self.signer = signer
        self.wal = recovered.wal
        self.committer = GroupCommitter(wal: recovered.wal, builder: recovered.builder, range: recovered.range)
        self.lastCheckpoint = recovered.checkpoint
        self.recoveredTornBytes = recovered.truncatedBytes
    }

    deinit {
        timer?.cancel()
    }

    private struct Recovered: Sendable {
        var wal: WriteAheadLog
        var builder: TileBuilder
        var range: CompactRange
        var checkpoint: SignedCheckpoint?
        var truncatedBytes: UInt64
    }

    /// Opens (creating if needed) the ledger in `directory`, recovers it, and signs a checkpoint covering every
    /// durable entry. Fails closed if the persisted checkpoint does not verify with `signer`'s key (or one of
    /// `options.previousKeys`), names another origin, or is not matched by the log.
    public static func open(
        directory: String, origin: String, signer: Ed25519NoteSigner, options: Options = Options()
    ) async throws -> LedgerWriter {
        guard !origin.isEmpty, !origin.contains("\n") else {
            throw LedgerStorageError.checkpointRejected(reason: "origin must be one non-empty line")
        }
        let verifiers: [any NoteVerifier] = [signer.verifier] + options.previousKeys
        let recovered = try await StorageQueue(label: "warden.ledger.open").run {
            try recover(directory: directory, origin: origin, verifiers: verifiers, known: options.knownCheckpoint)
        }
        let writer = LedgerWriter(directory: directory, origin: origin, signer: signer, recovered: recovered)
        do {
            _ = try await writer.checkpoint()
        } catch {
            try? await writer.close()
            throw error
        }
        await writer.startTimer(interval: options.checkpointInterval)
        return writer
    }

    private static func recover(
        directory: String, origin: String, verifiers: [any NoteVerifier], known: SignedCheckpoint?
    ) throws -> Recovered {
        try POSIXFiles.makeDirectories(directory + "/tile/entries")
        // Make the directory itself durable (a new ledger's name in its parent), before any entry is acknowledged.
        try POSIXFiles.syncDirectory(directory)
        let parent = (directory as NSString).deletingLastPathComponent
        try POSIXFiles.syncDirectory(parent.isEmpty ? "." : parent)
        let log = TiledLog(directory: directory)
        var persisted: SignedCheckpoint?
        if let data = try POSIXFiles.read(log.filePath(.checkpoint)) {
            do {
                persisted = try SignedCheckpoint.open(data, verifiers: verifiers, origin: origin)
            } catch {
                throw LedgerStorageError.checkpointRejected(reason: error.description)
            }
        }
        var expected = persisted.map { [$0] } ?? []
        if let known {
            do {
                expected.append(try SignedCheckpoint.open(known.serialized, verifiers: verifiers, origin: origin))
            } catch {
                throw LedgerStorageError.checkpointRejected(reason: "known checkpoint: \(error.description)")
            }
        }
        let sizes = Set(expected.map(\.checkpoint.size))
        var roots: [UInt64: TreeHash] = [0: RFC6962.emptyRoot]
        var builder = TileBuilder()
        var range = CompactRange()
        let (wal, recovery) = try WriteAheadLog.open(path: directory + "/ledger.wal") { entry, leafHash in
            builder.append(entry: entry, leafHash: leafHash)
            range.append(leafHash)
            if sizes.contains(range.size) { roots[range.size] = range.rootHash }
            if builder.completedCount >= 1024 { try log.store(builder.drainCompleted()) }
        }
        for checkpoint in expected.map(\.checkpoint) {
            guard range.size >= checkpoint.size else {
                throw LedgerStorageError.checkpointAheadOfLog(checkpointSize: checkpoint.size, logSize: range.size)
            }
            guard roots[checkpoint.size] == checkpoint.rootHash else {
                throw LedgerStorageError.checkpointRootMismatch(size: checkpoint.size)
            }
        }
        try log.store(builder.drainCompleted())
        let latest = expected.max { $0.checkpoint.size < $1.checkpoint.size }
        if let latest, latest != persisted {
            try POSIXFiles.replace(log.filePath(.checkpoint), with: latest.serialized, durable: true)
        }
        return Recovered(
            wal: wal, builder: builder, range: range, checkpoint: latest, truncatedBytes: recovery.truncatedBytes)
    }

    // MARK: Appending

    /// The number of durable entries.
    public var size: UInt64 { committer.size }

    /// Appends one entry (at most 65535 bytes) and returns its index once it is durable on disk.
    public nonisolated func append(_ entry: Data) async throws -> UInt64 {
        try await appendBatch([entry]).lowerBound
    }

    /// Appends several entries atomically with respect to other appends (consecutive indices) and returns their
    /// indices once all are durable. Not isolated to the writer: the append goes straight to the group committer,
    /// which syncs on the caller's thread when no commit is in flight (see `GroupCommitter`).
    public nonisolated func appendBatch(_ entries: [Data]) async throws -> Range<UInt64> {
        var bytes = 0
        for entry in entries {
            guard entry.count <= EntryBundle.maximumEntrySize else {
                throw LedgerStorageError.entryTooLarge(size: entry.count, limit: EntryBundle.maximumEntrySize)
            }
            bytes += entry.count + WriteAheadLogFormat.overhead
        }
        guard bytes <= WriteAheadLog.maximumBatchBytes else {
            throw LedgerStorageError.batchTooLarge(bytes: bytes, limit: WriteAheadLog.maximumBatchBytes)
        }
        guard !entries.isEmpty else {
            if let failure = committer.failure { throw failure }
            let size = committer.size
            return size..<size
        }
        let first = try await committer.append(entries, bytes: bytes)
        return first..<(first + UInt64(entries.count))
    }

    // MARK: Checkpoints

    /// The last signed checkpoint (persisted in `checkpoint`).
    public func latestCheckpoint() -> SignedCheckpoint? {
        lastCheckpoint
    }

    /// Signs and persists a checkpoint for every durable entry (or returns the current one when nothing was
    /// appended since), after writing the tiles it needs and checking consistency with the previous one.
    @discardableResult
    public func checkpoint() async throws -> SignedCheckpoint {
        while let running = checkpointTask {
            _ = try? await running.value
        }
        if let failure = committer.failure { throw failure }
        let task = Task { try await self.runCheckpoint() }
        checkpointTask = task
        return try await task.value
    }

    /// Clears `checkpointTask` before the task completes, so callers waiting on it never see a finished task
    /// still registered (awaiting a finished task does not suspend, so they would spin on the actor).
    private func runCheckpoint() async throws -> SignedCheckpoint {
        defer { checkpointTask = nil }
        return try await signCheckpoint()
    }

    private func signCheckpoint() async throws -> SignedCheckpoint {
        let tree = committer.treeState()
        let size = tree.size
        let root = tree.root
        unstoredTiles.append(contentsOf: tree.completedTiles)
        let fullFiles = unstoredTiles.count
        let files = unstoredTiles + tree.partialFiles
        let previous = lastCheckpoint
        let log = self.log
        let signer = self.signer
        let origin = self.origin
        let signed: SignedCheckpoint
        do {
            signed = try await tileQueue.run {
                try log.store(files)
                if let previous {
                    let old = previous.checkpoint
                    if old.size == size {
                        guard old.rootHash == root else {
                            throw LedgerStorageError.inconsistentCheckpoint(
                                oldSize: old.size, newSize: size, reason: "same size, different root")
                        }
                        return previous
                    }
                    guard old.size < size else {
                        throw LedgerStorageError.inconsistentCheckpoint(
                            oldSize: old.size, newSize: size, reason: "log is smaller than the signed checkpoint")
                    }
                    if old.size > 0 {
                        let proof = try log.consistencyProof(oldSize: old.size, newSize: size)
                        do {
                            try MerkleVerification.verifyConsistency(
                                oldSize: old.size, newSize: size, oldRoot: old.rootHash, newRoot: root,
                                proof: proof.hashes)
                        } catch {
                            throw LedgerStorageError.inconsistentCheckpoint(
                                oldSize: old.size, newSize: size, reason: String(describing: error))
                        }
                    }
                }
                let signed = try SignedCheckpoint.sign(
                    Checkpoint(origin: origin, size: size, rootHash: root), signer: signer)
                try POSIXFiles.replace(log.filePath(.checkpoint), with: signed.serialized, durable: true)
                return signed
            }
        } catch let error as LedgerStorageError {
            if case .inconsistentCheckpoint = error { committer.fail(.writerFailed(reason: error.description)) }
            throw error
        }
        unstoredTiles.removeFirst(fullFiles)
        lastCheckpoint = signed
        return signed
    }

    /// Adds witness cosignatures (already verified, e.g. by `WitnessProtocol.cosignatures`) to the persisted
    /// checkpoint, if `checkpoint` is still the latest one; returns false (and changes nothing) otherwise.
    /// The checkpoint file is rewritten durably, so the cosignatures are served with it.
    @discardableResult
    public func attachCosignatures(_ cosignatures: [NoteSignature], to checkpoint: SignedCheckpoint) async throws
        -> Bool
    {
        while let running = checkpointTask {
            _ = try? await running.value
        }
        guard let latest = lastCheckpoint, latest.note.text == checkpoint.note.text else { return false }
        let added = cosignatures.filter { !latest.note.signatures.contains($0) }
        guard !added.isEmpty else { return true }
        let updated = latest.adding(signatures: added)
        let task = Task { try await self.persist(updated) }
        checkpointTask = task
        _ = try await task.value
        return true
    }

    private func persist(_ checkpoint: SignedCheckpoint) async throws -> SignedCheckpoint {
        defer { checkpointTask = nil }
        let path = log.filePath(.checkpoint)
        try await tileQueue.run { try POSIXFiles.replace(path, with: checkpoint.serialized, durable: true) }
        lastCheckpoint = checkpoint
        return checkpoint
    }

    private func startTimer(interval: Duration) {
        timer = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                await self.checkpointIfGrown()
            }
        }
    }

    private func checkpointIfGrown() async {
        guard committer.failure == nil, !closed, committer.size > (lastCheckpoint?.checkpoint.size ?? 0) else { return }
        do {
            _ = try await checkpoint()
            lastCheckpointError = nil
        } catch {
            lastCheckpointError = String(describing: error)
        }
    }

    /// Stops accepting appends, waits for queued ones to become durable, signs a final checkpoint and releases
    /// the directory lock.
    public func close() async throws {
        guard !closed else { return }
        closed = true
        timer?.cancel()
        timer = nil
        await committer.close()
        defer { wal.close() }
        if committer.failure == nil {
            _ = try await checkpoint()
        }
    }

    // MARK: Proofs

    /// The inclusion proof of entry `index` against the latest checkpoint.
    public func proveInclusion(index: UInt64) async throws -> InclusionProof {
        guard let checkpoint = lastCheckpoint?.checkpoint, index < checkpoint.size else {
            throw LedgerStorageError.outOfRange("entry \(index) is not covered by the latest checkpoint")
        }
        let log = self.log
        return try await tileQueue.run { try log.inclusionProof(index: index, treeSize: checkpoint.size) }
    }

    /// The consistency proof from `oldSize` to `newSize` (default: the latest checkpoint's size).
    public func proveConsistency(from oldSize: UInt64, to newSize: UInt64? = nil) async throws -> ConsistencyProof {
        guard let latest = lastCheckpoint?.checkpoint.size else {
            throw LedgerStorageError.outOfRange("no checkpoint yet")
        }
        let target = newSize ?? latest
        guard oldSize <= target, target <= latest else {
            throw LedgerStorageError.outOfRange("sizes \(oldSize)->\(target) with latest checkpoint \(latest)")
        }
        let log = self.log
        return try await tileQueue.run { try log.consistencyProof(oldSize: oldSize, newSize: target) }
    }
}
