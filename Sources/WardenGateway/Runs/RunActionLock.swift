import WardenCore

/// One consequential call at a time per run, from the moment its run's provenance is read until what it did is
/// recorded in the run.
///
/// The repeat and more-than-named rules compare a call with what the run already did. Two identical payments sent
/// at once would otherwise both be judged before either was recorded, and both would run. Reads are not serialised
/// (what a concurrent read returns was not read *before* the call). Waiters are served in arrival order; a holder
/// always releases (the upstream call runs under a deadline).
public final class RunActionLock: Sendable {
    private struct State {
        var held: Set<String> = []
        var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    }

    private let state = Locked(State())

    public init() {}

    /// Waits until no other consequential call of `run` is in flight, then holds the run.
    public func acquire(_ run: String) async {
        let free = state.withLock { state -> Bool in
            state.held.insert(run).inserted
        }
        if free { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let freeNow = state.withLock { state -> Bool in
                if state.held.insert(run).inserted { return true }
                state.waiters[run, default: []].append(continuation)
                return false
            }
            if freeNow { continuation.resume() }
        }
    }

    /// Hands the run to the next waiter, or frees it.
    public func release(_ run: String) {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard var queue = state.waiters[run], !queue.isEmpty else {
                state.held.remove(run)
                return nil
            }
            let first = queue.removeFirst()
            state.waiters[run] = queue.isEmpty ? nil : queue
            return first
        }
        next?.resume()
    }

    /// Runs held now (for tests).
    var heldCount: Int { state.withLock { $0.held.count } }
}
