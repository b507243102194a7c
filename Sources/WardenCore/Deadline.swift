import Dispatch
import Synchronization

/// Runs `operation` against a deadline: whichever finishes first wins and the other is cancelled (cancelling the
/// operation cancels, e.g., its HTTP request). The one timeout helper of the code base. A limit too large for the
/// clock is no limit.
///
/// The operation runs in one task of its own and the deadline is an entry in the process's `DeadlineWatch`, not a
/// second task that sleeps nor a timer source of its own: a tool call passes through this twice (the pipeline's
/// deadline and the upstream exchange's), so a task group with a sleeping child cost more than everything else in the
/// call but the ledger, and dispatch timers cost a thread wake-up each. Cancelling the caller cancels the operation.
public func withDeadline<T: Sendable, Failure: Error>(
    _ limit: Duration,
    timedOut: @escaping @Sendable () -> Failure,
    cancelled: @escaping @Sendable () -> Failure,
    _ operation: @escaping @Sendable () async throws(Failure) -> T
) async throws(Failure) -> T {
    // A caller already cancelled starts nothing.
    if Task.isCancelled { throw cancelled() }
    let race = DeadlineRace()
    let work = Task { () async -> Result<T, Failure> in
        let result: Result<T, Failure>
        do throws(Failure) {
            result = .success(try await operation())
        } catch {
            result = .failure(error)
        }
        race.finish()
        return result
    }
    // The expiry is decided on Swift's executor, behind work already queued there: on a loaded machine an operation
    // that finished, or was ready to run, before the limit is not reported as timed out by a timer on another thread.
    // The deadline is forgotten when the operation ends, so nothing keeps the operation's task and result alive until
    // the limit would have passed.
    let expire: @Sendable () -> Void = { Task { if race.expire() { work.cancel() } } }
    let (seconds, attoseconds) = limit.components
    let scaled = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    let nanoseconds = scaled.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000)
    var deadline: UInt64?
    if !scaled.overflow && !nanoseconds.overflow {
        let at = DispatchTime.now().uptimeNanoseconds.addingReportingOverflow(
            UInt64(clamping: max(0, nanoseconds.partialValue)))
        if !at.overflow { deadline = DeadlineWatch.shared.schedule(at: at.partialValue, expire) }
    }
    let result = await withTaskCancellationHandler {
        await work.value
    } onCancel: {
        work.cancel()
    }
    if let deadline { DeadlineWatch.shared.cancel(deadline) }
    if race.expired { throw timedOut() }
    return try result.get()
}

/// Who won: the operation (it finished) or the timer (it expired). Decided once, by whichever comes first.
private final class DeadlineRace: Sendable {
    private let state = Atomic<Int>(0)  // 0 running, 1 finished, 2 expired

    func finish() { _ = state.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing) }
    func expire() -> Bool { state.compareExchange(expected: 0, desired: 2, ordering: .acquiringAndReleasing).exchanged }
    var expired: Bool { state.load(ordering: .acquiring) == 2 }
}

/// A deadline passed (for callers without an error type of their own).
public struct DeadlineExceeded: Error, CustomStringConvertible, LogSafeError {
    public init() {}
    public var description: String { "timed out" }
    public var logDescription: String { description }
}
