import Synchronization
import WardenTracing

/// A sink that keeps what it is given, to look at spans without an exporter.
final class CollectingSink: SpanSink {
    private let storage = Mutex<[SpanRecord]>([])

    func record(_ span: SpanRecord) {
        storage.withLock { $0.append(span) }
    }

    var spans: [SpanRecord] { storage.withLock { $0 } }
}

/// A clock that advances by one microsecond each time it is read, from a fixed start.
final class SteppingClock: Sendable {
    private let now = Mutex<UInt64>(1_700_000_000_000_000_000)

    func read() -> UInt64 {
        now.withLock { value in
            value += 1000
            return value
        }
    }
}
