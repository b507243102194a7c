import Foundation

/// The cell's working copy of its open runs, so the call path reads no database: run records seen (kept current by
/// the tracker, the only writer of runs in a cell), and the calls made since the last flush (counted in memory,
/// written to the store in one transaction by the once-a-second sweep, before idleness is judged).
///
/// One cell is the only writer of its runs; replicas sharing a store (the PostgreSQL fleet) need the store as the
/// only source, and would not use this cache.
actor RunMemory {
    static let capacity = 50_000

    private var records: [String: RunRecord] = [:]
    private var pending: [String: (count: Int, last: Date)] = [:]

    /// The run as last seen, with the calls counted since the last flush.
    func run(_ id: String) -> RunRecord? {
        guard var record = records[id] else { return nil }
        if let counted = pending[id] {
            record.calls += counted.count
            record.lastActivity = max(record.lastActivity, counted.last)
        }
        return record
    }

    func remember(_ record: RunRecord) {
        if records.count >= Self.capacity { records.removeAll(keepingCapacity: true) }
        records[record.id] = record
    }

    func forget(_ id: String) {
        records[id] = nil
    }

    func countCall(_ id: String, at: Date) {
        let current = pending[id] ?? (0, at)
        pending[id] = (current.count + 1, max(current.last, at))
    }

    /// The calls counted since the last drain; the caller writes them (and folds them into what it remembers).
    func drain() -> [String: (count: Int, last: Date)] {
        let drained = pending
        pending = [:]
        for (id, counted) in drained {
            records[id]?.calls += counted.count
            if let record = records[id] { records[id]?.lastActivity = max(record.lastActivity, counted.last) }
        }
        return drained
    }

    /// Puts counts back after a failed write (they are written at the next flush).
    func restore(_ counts: [String: (count: Int, last: Date)]) {
        for (id, counted) in counts {
            records[id]?.calls -= counted.count
            let current = pending[id] ?? (0, counted.last)
            pending[id] = (current.count + counted.count, max(current.last, counted.last))
        }
    }
}
