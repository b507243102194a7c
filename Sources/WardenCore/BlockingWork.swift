import Dispatch

/// Runs blocking work (file reads) on a dispatch queue and awaits its result: Swift's executor is NIO's event loops
/// in `warden`, and a blocked loop stalls every connection it serves.
public func offTheEventLoops<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try body() })
        }
    }
}
