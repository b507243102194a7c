/// Runs `operation` against a deadline: whichever finishes first wins and the other is cancelled (cancelling the
/// operation cancels, e.g., its HTTP request). The one timeout helper of the code base.
public func withDeadline<T: Sendable, Failure: Error>(
    _ limit: Duration,
    timedOut: @escaping @Sendable () -> Failure,
    cancelled: @escaping @Sendable () -> Failure,
    _ operation: @escaping @Sendable () async throws(Failure) -> T
) async throws(Failure) -> T {
    let result: Result<T, Failure> = await withTaskGroup(of: Result<T, Failure>?.self) { group in
        group.addTask {
            do throws(Failure) {
                return .success(try await operation())
            } catch {
                return .failure(error)
            }
        }
        group.addTask {
            do {
                try await Task.sleep(for: limit)
            } catch {
                return nil
            }
            return .failure(timedOut())
        }
        var first: Result<T, Failure> = .failure(cancelled())
        while let next = await group.next() {
            if let next {
                first = next
                break
            }
        }
        group.cancelAll()
        return first
    }
    return try result.get()
}

/// A deadline passed (for callers without an error type of their own).
public struct DeadlineExceeded: Error, CustomStringConvertible, LogSafeError {
    public init() {}
    public var description: String { "timed out" }
    public var logDescription: String { description }
}
