import Testing
import WardenCore

private enum Outcome: Error, Equatable {
    case timedOut
    case cancelled
    case failed
}

private final class Payload: Sendable {}

private actor Flag {
    var raised = false
    func raise() { raised = true }
}

/// `withDeadline` with this suite's errors.
private func limited<T: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws(Outcome) -> T
) async throws(Outcome) -> T {
    try await withDeadline(limit, timedOut: { Outcome.timedOut }, cancelled: { Outcome.cancelled }, operation)
}

@Suite("Deadlines: the operation's result before the limit, a timeout after it, and the loser cancelled")
struct DeadlineTests {
    @Test("an operation that finishes in time returns its value or its own error")
    func finishesInTime() async throws {
        // A generous limit: the deadline is a timer that fires on time even when a loaded machine has not yet run
        // the operation's task (then the timeout is the right answer, and this test would see it).
        let value = try await limited(.seconds(120)) { () async throws(Outcome) -> Int in 42 }
        #expect(value == 42)
        await #expect(throws: Outcome.failed) {
            try await limited(.seconds(120)) {
                () async throws(Outcome) -> Int in throw .failed
            }
        }
    }

    @Test("an operation past its limit ends with the timeout, and it sees its cancellation")
    func timesOut() async throws {
        let sawCancellation = Flag()
        await #expect(throws: Outcome.timedOut) {
            try await limited(.milliseconds(50)) { () async throws(Outcome) -> Int in
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    await sawCancellation.raise()
                    throw .failed
                }
                return 1
            }
        }
        #expect(await sawCancellation.raised)
    }

    @Test("cancelling the caller cancels the operation; a caller already cancelled starts nothing")
    func callerCancellation() async throws {
        let started = Flag()
        let caller = Task {
            try await limited(.seconds(30)) {
                () async throws(Outcome) -> Int in
                await started.raise()
                do { try await Task.sleep(for: .seconds(30)) } catch { throw .cancelled }
                return 1
            }
        }
        while !(await started.raised) { await Task.yield() }
        caller.cancel()
        await #expect(throws: Outcome.cancelled) { try await caller.value }

        let ran = Flag()
        let cancelledFirst = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await limited(.seconds(30)) { () async throws(Outcome) -> Int in
                await ran.raise()
                return 1
            }
        }
        await #expect(throws: Outcome.cancelled) { try await cancelledFirst.value }
        #expect(!(await ran.raised))
    }

    @Test("once the operation is done, nothing keeps its result alive until the limit would have passed")
    func releasesTheResult() async throws {
        weak var released: Payload?
        do {
            let payload = try await limited(.seconds(600)) { () async throws(Outcome) -> Payload in Payload() }
            released = payload
        }
        var waited = 0
        while released != nil && waited < 200 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(released == nil)
    }

    @Test("deadlines fire in their own order, whatever order they were set in and whatever else is pending")
    func manyDeadlines() async throws {
        // A long deadline is pending throughout: a short one set after it must not wait for it.
        let long = Task {
            try await limited(.seconds(300)) { () async throws(Outcome) -> Int in
                do { try await Task.sleep(for: .seconds(300)) } catch { throw .cancelled }
                return 1
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for step in [7, 3, 11, 1, 9, 5, 2, 8] {
                group.addTask {
                    await #expect(throws: Outcome.timedOut) {
                        try await limited(.milliseconds(20 * step)) { () async throws(Outcome) -> Int in
                            do { try await Task.sleep(for: .seconds(300)) } catch { throw .failed }
                            return 1
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        long.cancel()
        await #expect(throws: Outcome.cancelled) { try await long.value }
    }

    @Test("a limit too large for the clock is no limit")
    func hugeLimit() async throws {
        let value = try await limited(.seconds(Int64.max)) { () async throws(Outcome) -> Int in 7 }
        #expect(value == 7)
    }
}
