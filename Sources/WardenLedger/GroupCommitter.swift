import Dispatch
import Foundation
import Synchronization

/// Makes appends durable in the write-ahead log, in order, with group commit, and keeps the tree state
/// (`TileBuilder`, `CompactRange`) in step with what is durable.
///
/// Why not the writer actor and a storage thread: a durable append sits on the path of every tool call (twice), and
/// each hand-off between threads costs more than a fifth of an `fdatasync` on a fast disk. So the caller that finds
/// no commit in flight becomes the **leader**: it writes and syncs its own batch on its own thread and returns, with
/// no hand-off at all. Appends that arrive while a commit is in flight queue up and are written together by the
/// storage thread in one write and one sync (group commit), so a burst costs a few syncs, not one each.
///
/// The cost of the leader: its thread is blocked for one sync (in the cell an event loop: `warden` makes NIO's loops
/// Swift's global executor, where a nonisolated append runs; in tests a thread of the cooperative pool). Every tool call waits
/// for that sync anyway; what waits in addition is other work on the same loop, for the length of one sync. Under
/// concurrency that would defeat group commit (each leader syncs alone while it keeps its thread from the others), so
/// for `contentionWindow` after an append found a commit in flight, every append goes through the storage thread.
///
/// Exactly one thread at a time holds the log (`State.committing`), so records reach the file, the tree and the
/// returned indices in the same order. After a failed write or sync the file state is unknown: every later append
/// fails (closed) until the writer is reopened and recovery finds the durable prefix.
final class GroupCommitter: Sendable {
    private struct Waiter {
        var entries: [Data]
        var bytes: Int
        var continuation: CheckedContinuation<UInt64, any Error>
    }

    private struct State {
        var builder: TileBuilder
        var range: CompactRange
        var waiters: [Waiter] = []
        var committing = false
        var failure: LedgerStorageError?
        var closed = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        /// When an append last found a commit in flight.
        var lastContention: ContinuousClock.Instant?
        /// Writes-and-syncs so far (what group commit saves shows here).
        var commits = 0
        /// Leaders in a row whose yield let nobody join: after `idleYieldLimit` a leader syncs without yielding,
        /// yielding again every `yieldProbe`th time to look.
        var idleYields = 0
        var leadsSinceProbe = 0
        /// Leaders that did not yield (for tests).
        var skippedYields = 0
    }

    /// A leader's yield costs a trip through its executor's queue; alone (one agent) it only adds that to every append.
    static let idleYieldLimit = 4
    static let yieldProbe = 32

    /// After an append found a commit in flight, appends go through the storage thread for this long: under
    /// concurrency a leader would sync alone and block its thread while the others could have joined a batch.
    static let contentionWindow: Duration = .milliseconds(20)

    /// A consistent view of the tree for a checkpoint.
    struct TreeState {
        var size: UInt64
        var root: TreeHash
        /// Full tiles completed since the last call (each returned once).
        var completedTiles: [TileFile]
        /// The current partial tiles and bundle.
        var partialFiles: [TileFile]
    }

    private let wal: WriteAheadLog
    private let state: Mutex<State>
    private let storage = DispatchQueue(label: "warden.ledger.wal", qos: .userInitiated)

    init(wal: WriteAheadLog, builder: TileBuilder, range: CompactRange) {
        self.wal = wal
        self.state = Mutex(State(builder: builder, range: range))
    }

    /// The number of durable entries.
    var size: UInt64 { state.withLock { $0.range.size } }

    /// How many writes-and-syncs made the entries durable so far.
    var commits: Int { state.withLock { $0.commits } }

    /// How many leaders synced without yielding first.
    var skippedYields: Int { state.withLock { $0.skippedYields } }

    /// The failure that stopped the log, if any.
    var failure: LedgerStorageError? { state.withLock { $0.failure } }

    /// Appends `entries` (already checked for size) and returns the first one's index once all are durable.
    func append(_ entries: [Data], bytes: Int) async throws -> UInt64 {
        let leads: Bool = try state.withLock { state in
            if let failure = state.failure { throw failure }
            guard !state.closed else { throw LedgerStorageError.writerClosed }
            if state.committing { return false }
            if let last = state.lastContention, ContinuousClock.now - last < Self.contentionWindow { return false }
            // Growing the file (1 MiB of zeros and a full sync, once a MiB) is the storage thread's work. Read under
            // the lock with no commit in flight: the last committer's changes are visible.
            if !wal.hasRoom(for: bytes) { return false }
            state.committing = true
            return true
        }
        if leads {
            // Ready work on this thread (in the cell, other requests of the same event loop) may queue behind this
            // commit and share its sync; without the yield they could not run until it is done. While yields keep
            // finding nobody (one agent), leaders skip them, looking again now and then.
            let yields = state.withLock { state in
                if state.idleYields < Self.idleYieldLimit { return true }
                state.leadsSinceProbe += 1
                if state.leadsSinceProbe >= Self.yieldProbe {
                    state.leadsSinceProbe = 0
                    return true
                }
                state.skippedYields += 1
                return false
            }
            if yields { await Task.yield() }
            let joined = state.withLock { state in
                let batch = Self.takeBatch(&state, startingWith: bytes)
                if yields { state.idleYields = batch.isEmpty ? state.idleYields + 1 : 0 }
                return batch
            }
            let (first, resume) = try commit(leading: entries, bytes: bytes, waiters: joined)
            finishCommitting()
            resume()
            return first
        }
        return try await withCheckedThrowingContinuation { continuation in
            let refusal: LedgerStorageError? = state.withLock { state in
                if let failure = state.failure { return failure }
                guard !state.closed else { return .writerClosed }
                state.waiters.append(Waiter(entries: entries, bytes: bytes, continuation: continuation))
                if state.committing {
                    state.lastContention = .now
                } else {
                    // Recent contention, or the leader finished between the two looks: the storage thread commits.
                    state.committing = true
                    storage.async { self.drain() }
                }
                return nil
            }
            if let refusal { continuation.resume(throwing: refusal) }
        }
    }

    /// Refuses further appends; returns once no commit is in flight.
    func close() async {
        state.withLock { $0.closed = true }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state in
                if !state.committing { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// The tree as of the last durable entry.
    func treeState() -> TreeState {
        state.withLock { state in
            TreeState(
                size: state.range.size, root: state.range.rootHash, completedTiles: state.builder.drainCompleted(),
                partialFiles: state.builder.partialFiles())
        }
    }

    /// Marks the log failed (a checkpoint that would contradict the last one): appends still queued fail, and no
    /// later one is taken (a commit already writing completes: its entries are durable either way).
    func fail(_ failure: LedgerStorageError) {
        state.withLock { $0.failure = failure }
    }

    // MARK: Committing

    /// The storage thread: commits what queued up, in batches of at most `maximumBatchBytes`, until nothing is left.
    private func drain() {
        while true {
            let (batch, failure) = state.withLock { state in
                state.failure == nil ? (Self.takeBatch(&state, startingWith: 0), nil) : ([], state.failure)
            }
            if let failure {
                _ = stop(failure, failing: [])
                return
            }
            guard !batch.isEmpty else {
                finishCommitting()
                return
            }
            let resume: () -> Void
            do {
                resume = try commit(leading: [], bytes: 0, waiters: batch).resume
            } catch {
                return
            }
            // After the last batch the log is released before its appenders resume: one that appends again at once
            // leads, instead of finding this commit still in flight and counting as contention.
            let idle: [CheckedContinuation<Void, Never>]? = state.withLock { state in
                guard state.waiters.isEmpty, state.failure == nil else { return nil }
                state.committing = false
                defer { state.idleWaiters = [] }
                return state.idleWaiters
            }
            resume()
            if let idle {
                for waiter in idle { waiter.resume() }
                return
            }
        }
    }

    /// One write and sync of `leading` (the caller's own entries) and the waiters' entries, in that order; the tree
    /// grows. Returns the first index, and what hands each waiter its index (the caller resumes them once it has
    /// settled who holds the log). On failure the log stops and every waiter fails.
    private func commit(leading: [Data], bytes: Int, waiters: [Waiter]) throws -> (first: UInt64, resume: () -> Void) {
        let all = leading + waiters.flatMap(\.entries)
        let leaves: [TreeHash]
        do {
            leaves = try write(all, bytes: waiters.reduce(bytes) { $0 + $1.bytes })
        } catch {
            throw stop(error, failing: waiters)
        }
        let first = state.withLock { Self.grow(&$0, entries: all, leaves: leaves) }
        return (
            first,
            {
                var index = first + UInt64(leading.count)
                for waiter in waiters {
                    waiter.continuation.resume(returning: index)
                    index += UInt64(waiter.entries.count)
                }
            }
        )
    }

    /// Takes queued appends, in order, while the batch stays within `maximumBatchBytes` (at least one).
    private static func takeBatch(_ state: inout State, startingWith used: Int) -> [Waiter] {
        var take = 0
        var bytes = used
        while take < state.waiters.count {
            let waiter = state.waiters[take]
            if (used > 0 || take > 0) && bytes + waiter.bytes > WriteAheadLog.maximumBatchBytes { break }
            bytes += waiter.bytes
            take += 1
        }
        let batch = Array(state.waiters[..<take])
        state.waiters.removeFirst(take)
        return batch
    }

    /// One write and one sync of `entries`; their leaf hashes.
    private func write(_ entries: [Data], bytes: Int) throws -> [TreeHash] {
        var records = Data()
        records.reserveCapacity(bytes)
        var leaves: [TreeHash] = []
        leaves.reserveCapacity(entries.count)
        for entry in entries {
            let leafHash = RFC6962.leafHash(entry)
            leaves.append(leafHash)
            WriteAheadLogFormat.append(entry: entry, leafHash: leafHash, to: &records)
        }
        try wal.appendDurably(records)
        return leaves
    }

    /// Adds durable entries to the tree; the index of the first.
    private static func grow(_ state: inout State, entries: [Data], leaves: [TreeHash]) -> UInt64 {
        state.commits += 1
        let first = state.range.size
        for (entry, leafHash) in zip(entries, leaves) {
            state.builder.append(entry: entry, leafHash: leafHash)
            state.range.append(leafHash)
        }
        return first
    }

    /// Releases the log; wakes `close()` when nothing else queued.
    private func finishCommitting() {
        let handOff: Bool
        var idle: [CheckedContinuation<Void, Never>] = []
        handOff = state.withLock { state in
            if !state.waiters.isEmpty { return true }
            state.committing = false
            idle = state.idleWaiters
            state.idleWaiters = []
            return false
        }
        if handOff {
            storage.async { self.drain() }
            return
        }
        for waiter in idle { waiter.resume() }
    }

    /// A failed write or sync: the log stops; `batch` and everything queued fail with it.
    private func stop(_ error: any Error, failing batch: [Waiter]) -> LedgerStorageError {
        // A failure already recorded by `fail()` stays as it was; a failed write or sync becomes `writerFailed`.
        let failure: LedgerStorageError
        if let stopped = error as? LedgerStorageError, case .writerFailed = stopped {
            failure = stopped
        } else {
            failure = .writerFailed(reason: String(describing: error))
        }
        var idle: [CheckedContinuation<Void, Never>] = []
        let queued: [Waiter] = state.withLock { state in
            state.failure = failure
            state.committing = false
            idle = state.idleWaiters
            state.idleWaiters = []
            let queued = state.waiters
            state.waiters = []
            return queued
        }
        for waiter in batch + queued { waiter.continuation.resume(throwing: failure) }
        for waiter in idle { waiter.resume() }
        return failure
    }
}
