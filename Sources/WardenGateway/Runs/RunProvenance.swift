import WardenContainment
import WardenCore

/// What containment knows about one run: the values it has read with their sources, and the random boundary
/// its untrusted results are fenced with.
public struct RunProvenance: Sendable {
    public var index: ProvenanceIndex
    public var fence: UntrustedFence

    public init(index: ProvenanceIndex = ProvenanceIndex(), fence: UntrustedFence = .random()) {
        self.index = index
        self.fence = fence
    }
}

/// The provenance of open runs in memory, so the call path reads no database; a miss reloads from the store.
/// Additions are merged under the lock, so two concurrent reads of one run both land.
final class RunProvenanceCache: Sendable {
    static let capacity = 2_000
    private let runs = Locked([String: RunProvenance]())

    func get(_ id: String) -> RunProvenance? {
        runs.withLock { $0[id] }
    }

    /// Keeps `loaded` unless another call cached the run first (its copy is at least as current).
    func put(_ id: String, _ loaded: RunProvenance) -> RunProvenance {
        runs.withLock { runs in
            if let known = runs[id] { return known }
            if runs.count >= Self.capacity { runs.removeAll(keepingCapacity: true) }
            runs[id] = loaded
            return loaded
        }
    }

    func add(_ id: String, entries: [IndexEntry]) {
        runs.withLock { runs in
            guard var known = runs[id] else { return }
            known.index.add(entries: entries)
            runs[id] = known
        }
    }

    func forget(_ id: String) {
        runs.withLock { $0[id] = nil }
    }
}

extension ProvenanceIndex {
    /// Adds stored rows (grouped by trust and source).
    mutating func add(entries: [IndexEntry]) {
        let groups = Dictionary(grouping: entries) { "\($0.trusted ? 1 : 0)\u{0}\($0.source)" }
        for key in groups.keys.sorted() {
            guard let group = groups[key], let first = group.first else { continue }
            add(values: Set(group.map(\.value)), trusted: first.trusted, source: first.source)
        }
    }
}
