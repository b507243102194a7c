import Foundation
import WardenCore

/// The cell's working copy of its open runs, so the call path reads no database: run records seen (kept current by
/// the tracker, the only writer of runs in a cell), and the calls made since the last flush (counted in memory,
/// written to the store in one transaction by the once-a-second sweep, before idleness is judged). A lock, not an
/// actor: it is touched twice on every call.
///
/// One cell is the only writer of its runs; replicas sharing a store (the PostgreSQL fleet) need the store as the
/// only source, and would not use this cache.
final class RunMemory: Sendable {
    static let capacity = 50_000

    typealias Counted = (count: Int, last: Date)

    struct State: Sendable {
        var records: [String: RunRecord] = [:]
        var pending: [String: Counted] = [:]
    }

    private let state = Locked(State())

    /// The run as last seen, with the calls counted since the last flush.
    func run(_ id: String) -> RunRecord? {
        state.withLock { state in
            guard var record = state.records[id] else { return nil }
            if let counted = state.pending[id] {
                record.calls += counted.count
                record.lastActivity = max(record.lastActivity, counted.last)
            }
            return record
        }
    }

    func remember(_ record: RunRecord) {
        state.withLock { state in
            if state.records.count >= Self.capacity { state.records.removeAll(keepingCapacity: true) }
            state.records[record.id] = record
        }
    }

    func countCall(_ id: String, at: Date) {
        state.withLock { state in
            let current = state.pending[id] ?? (0, at)
            state.pending[id] = (current.count + 1, max(current.last, at))
        }
    }

    /// The calls counted since the last drain; the caller writes them (and they are folded into what is remembered).
    func drain() -> [String: Counted] {
        state.withLock { state in
            let drained = state.pending
            state.pending = [:]
            for (id, counted) in drained {
                guard var record = state.records[id] else { continue }
                record.calls += counted.count
                record.lastActivity = max(record.lastActivity, counted.last)
                state.records[id] = record
            }
            return drained
        }
    }

    /// Puts counts back after a failed write (they are written at the next flush).
    func restore(_ counts: [String: Counted]) {
        state.withLock { state in
            for (id, counted) in counts {
                state.records[id]?.calls -= counted.count
                let current = state.pending[id] ?? (0, counted.last)
                state.pending[id] = (current.count + counted.count, max(current.last, counted.last))
            }
        }
    }
}
