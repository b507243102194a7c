import Dispatch
import Foundation
import Synchronization

/// The process's one timer thread for `withDeadline`.
///
/// A tool call passes two deadlines, and each used to be a dispatch timer source: resuming and cancelling one pokes
/// libdispatch's manager thread (an `eventfd` write and a thread wake-up each), four cross-thread trips per call that
/// a profile of the call path showed beside the ledger's syncs. Here scheduling and cancelling are an insertion and a
/// removal under a lock; the watch thread is woken only when a new deadline falls before the time it already means to
/// look again, which it does at least once a second — so deadlines of a second or more, the usual kind, never wake it.
/// Cancelled deadlines leave their heap slot behind until it surfaces or the heap is compacted.
final class DeadlineWatch: Sendable {
    static let shared = DeadlineWatch()

    /// The longest the watch thread sleeps: a new deadline later than its next look needs no wake-up.
    static let longestSleep: UInt64 = 1_000_000_000

    private struct Pending {
        var at: UInt64
        var id: UInt64
    }

    private struct State {
        var heap: [Pending] = []
        var handlers: [UInt64: @Sendable () -> Void] = [:]
        var lastID: UInt64 = 0
        /// When the watch thread looks next at the latest (uptime nanoseconds).
        var nextLook: UInt64 = 0

        mutating func push(_ entry: Pending) {
            heap.append(entry)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard heap[child].at < heap[parent].at else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }

        mutating func popFirst() {
            heap.swapAt(0, heap.count - 1)
            heap.removeLast()
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var least = parent
                if left < heap.count && heap[left].at < heap[least].at { least = left }
                if right < heap.count && heap[right].at < heap[least].at { least = right }
                if least == parent { return }
                heap.swapAt(parent, least)
                parent = least
            }
        }

        /// Drops the slots of cancelled deadlines.
        mutating func compact() {
            let live = heap.filter { handlers[$0.id] != nil }
            heap = []
            heap.reserveCapacity(live.count)
            for entry in live { push(entry) }
        }
    }

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [self] in watch() }
        thread.name = "warden-deadlines"
        thread.start()
    }

    /// Calls `handler` on the watch thread at `uptimeNanoseconds` (or soon after), unless cancelled first.
    func schedule(at uptimeNanoseconds: UInt64, _ handler: @escaping @Sendable () -> Void) -> UInt64 {
        let (id, wakeUp) = state.withLock { state in
            state.lastID += 1
            state.handlers[state.lastID] = handler
            state.push(Pending(at: uptimeNanoseconds, id: state.lastID))
            guard uptimeNanoseconds < state.nextLook else { return (state.lastID, false) }
            state.nextLook = uptimeNanoseconds
            return (state.lastID, true)
        }
        if wakeUp { wake.signal() }
        return id
    }

    /// Forgets a deadline, and with it its handler (and whatever the handler holds).
    func cancel(_ id: UInt64) {
        state.withLock { state in
            state.handlers[id] = nil
            if state.heap.count > 1024 && state.heap.count > 4 * state.handlers.count { state.compact() }
        }
    }

    private func watch() {
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            let (due, nextLook) = state.withLock { state -> ([@Sendable () -> Void], UInt64) in
                var due: [@Sendable () -> Void] = []
                while let first = state.heap.first, first.at <= now || state.handlers[first.id] == nil {
                    state.popFirst()
                    if let handler = state.handlers.removeValue(forKey: first.id) { due.append(handler) }
                }
                let latest = now.addingReportingOverflow(Self.longestSleep)
                let cap = latest.overflow ? UInt64.max : latest.partialValue
                state.nextLook = min(state.heap.first?.at ?? cap, cap)
                return (due, state.nextLook)
            }
            for handler in due { handler() }
            _ = wake.wait(timeout: DispatchTime(uptimeNanoseconds: nextLook))
        }
    }
}
