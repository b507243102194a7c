import Foundation
import WardenCore

/// The cell's working copy of its open runs, so the call path reads no database: run records seen (kept current by
/// the tracker, the only writer of runs in a cell), and the calls made since the last flush (counted in memory,
/// written to the store in one transaction by the once-a-second sweep, before idleness is judged). A lock, not an
/// actor: it is touched twice on every call.
///
/// Records only move forward: what is remembered is merged with what is known (an ended run never reads as open
/// again, a delivery or the delivery requirement is never forgotten, counts never go down), so a copy read before a
/// concurrent change cannot undo it.
///
/// One cell is the only writer of its runs; replicas sharing a store (the PostgreSQL fleet) need the store as the
/// only source, and would not use this cache.
final class RunMemory: Sendable {
    static let capacity = 50_000

    typealias Counted = (count: Int, last: Date)

    struct State: Sendable {
        var records: [String: RunRecord] = [:]
        /// Calls not yet handed to the store.
        var pending: [String: Counted] = [:]
        /// Calls handed to the store, not yet known to be written.
        var inflight: [String: Counted] = [:]
    }

    private let state = Locked(State())

    /// The run as last seen, with the calls counted since.
    func run(_ id: String) -> RunRecord? {
        state.withLock { state in
            guard var record = state.records[id] else { return nil }
            for counted in [state.pending[id], state.inflight[id]].compactMap({ $0 }) {
                record.calls += counted.count
                record.lastActivity = max(record.lastActivity, counted.last)
            }
            return record
        }
    }

    func remember(_ record: RunRecord) {
        state.withLock { state in
            if state.records.count >= Self.capacity { state.records.removeAll(keepingCapacity: true) }
            state.records[record.id] = state.records[record.id].map { Self.merge(known: $0, seen: record) } ?? record
        }
    }

    func markDeliveryRequired(_ id: String) {
        state.withLock { $0.records[id]?.deliveryRequired = true }
    }

    /// `seen` merged into `known`: states only move forward (open → delivered; an end is final), a delivery and
    /// the delivery requirement are kept, counts and activity only grow.
    static func merge(known: RunRecord, seen: RunRecord) -> RunRecord {
        var merged = seen
        let ended: Set<RunRecord.State> = [.escalated, .closed]
        if ended.contains(known.state) || (known.state == .delivered && seen.state == .open) {
            merged.state = known.state
            merged.endReason = known.endReason ?? seen.endReason
            merged.endedAt = known.endedAt ?? seen.endedAt
        }
        merged.deliveredBy = seen.deliveredBy ?? known.deliveredBy
        merged.deliveryRequired = known.deliveryRequired || seen.deliveryRequired
        merged.calls = max(known.calls, seen.calls)
        merged.lastActivity = max(known.lastActivity, seen.lastActivity)
        merged.tainted = known.tainted || seen.tainted
        merged.instructed = known.instructed || seen.instructed
        return merged
    }

    func countCall(_ id: String, at: Date) {
        state.withLock { state in
            let current = state.pending[id] ?? (0, at)
            state.pending[id] = (current.count + 1, max(current.last, at))
        }
    }

    /// Activity without a call (one of Warden's agents waiting for its model or a person): the run is not idle.
    func touch(_ id: String, at: Date) {
        state.withLock { state in
            let current = state.pending[id] ?? (0, at)
            state.pending[id] = (current.count, max(current.last, at))
        }
    }

    /// Hands the counted calls to the caller to write; `written` or `unwritten` must follow.
    func drain() -> [String: Counted] {
        state.withLock { state in
            let drained = state.pending
            state.pending = [:]
            for (id, counted) in drained {
                let current = state.inflight[id] ?? (0, counted.last)
                state.inflight[id] = (current.count + counted.count, max(current.last, counted.last))
            }
            return drained
        }
    }

    /// The drained counts are in the store: they become part of the remembered records.
    func written(_ counts: [String: Counted]) {
        state.withLock { state in
            for (id, counted) in counts {
                state.inflight[id] = nil
                guard var record = state.records[id] else { continue }
                record.calls += counted.count
                record.lastActivity = max(record.lastActivity, counted.last)
                state.records[id] = record
            }
        }
    }

    /// The write failed: the counts go back to pending (written at the next flush).
    func unwritten(_ counts: [String: Counted]) {
        state.withLock { state in
            for (id, counted) in counts {
                state.inflight[id] = nil
                let current = state.pending[id] ?? (0, counted.last)
                state.pending[id] = (current.count + counted.count, max(current.last, counted.last))
            }
        }
    }
}
