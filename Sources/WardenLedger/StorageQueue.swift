import Dispatch

/// A serial thread for blocking file I/O, so `write`/`fsync` never block Swift's cooperative thread pool and
/// the writer actor keeps accepting appends (to batch them) while a sync is in flight.
final class StorageQueue: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
