import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Synchronization

/// Exports spans to an OTLP/HTTP collector as JSON, from a background task.
///
/// `record` only appends to a bounded in-memory queue under a lock: it never blocks, suspends, throws or does
/// I/O, so tracing can never slow or fail a tool call. A full queue drops the span and counts it. The
/// background task sends batches of up to `maxBatchSize` spans when a batch fills or every `flushInterval`,
/// retries retryable failures per the ``RetryPolicy``, and counts what it gives up on.
///
/// Lifecycle: `start()` once, then `shutdown(deadline:)` before the process exits (it flushes the queue and
/// closes the HTTP client). An exporter that was never started needs no shutdown.
public final class OTLPHTTPExporter: SpanSink {
    private struct State {
        var queue: [SpanRecord] = []
        var counters = ExporterCounters()
        var isClosed = false
        var worker: Task<Void, Never>?
        /// Made at `start`, so an exporter that is never started holds no client needing shutdown.
        var client: HTTPClient?
    }

    private let configuration: OTLPExporterConfiguration
    private let encoder: OTLPJSONEncoder
    private let logger: Logger
    private let state = Mutex(State())
    private let wakeStream: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    public init(configuration: OTLPExporterConfiguration, logger: Logger = Logger(label: "warden.tracing")) {
        self.configuration = configuration
        self.encoder = OTLPJSONEncoder(resource: configuration.resource)
        self.logger = logger
        (wakeStream, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Starts the background export task (idempotent; a no-op after shutdown).
    public func start() {
        state.withLock { state in
            guard state.worker == nil, !state.isClosed else { return }
            // No redirects: following one would send the auth header to wherever the collector points us.
            let client = HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                configuration: HTTPClient.Configuration(redirectConfiguration: .disallow),
                backgroundActivityLogger: Logger(
                    label: "warden.tracing.http", factory: { _ in SwiftLogNoOpLogHandler() })
            )
            state.client = client
            state.worker = Task { [self] in await self.run(client: client) }
        }
    }

    /// Queues a finished span for export; drops and counts it if the queue is full or the exporter is shut
    /// down. Never blocks.
    public func record(_ span: SpanRecord) {
        let batchIsFull = state.withLock { state -> Bool in
            guard !state.isClosed, state.queue.count < configuration.queueCapacity else {
                state.counters.droppedSpans &+= 1
                return false
            }
            state.queue.append(span)
            return state.queue.count >= configuration.maxBatchSize
        }
        if batchIsFull { wake.yield() }
    }

    /// A snapshot of the counters.
    public var counters: ExporterCounters {
        state.withLock { state in
            var counters = state.counters
            counters.queuedSpans = UInt64(state.queue.count)
            return counters
        }
    }

    /// Stops accepting spans, exports what is queued, and closes the HTTP client. Work still running at
    /// `deadline` is cancelled and its spans are counted as failed.
    public func shutdown(deadline: ContinuousClock.Instant) async {
        start()  // a never-started exporter still flushes what it holds
        let (worker, client) = state.withLock { state -> (Task<Void, Never>?, HTTPClient?) in
            state.isClosed = true
            return (state.worker, state.client)
        }
        wake.finish()
        if let worker {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await worker.value }
                group.addTask {
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    worker.cancel()
                }
                await group.next()
                group.cancelAll()
                await group.waitForAll()
            }
        }
        failQueued()
        try? await client?.shutdown()
    }

    // MARK: - Background task

    private func run(client: HTTPClient) async {
        let interval = configuration.flushInterval
        let ticker = Task { [wake] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                wake.yield()
            }
        }
        for await _ in wakeStream {
            await drain(client)
            if Task.isCancelled { break }
        }
        ticker.cancel()
        await drain(client)
    }

    private func drain(_ client: HTTPClient) async {
        while !Task.isCancelled, let batch = takeBatch() {
            await export(batch, client)
        }
    }

    private func takeBatch() -> [SpanRecord]? {
        state.withLock { state in
            guard !state.queue.isEmpty else { return nil }
            let count = min(configuration.maxBatchSize, state.queue.count)
            let batch = Array(state.queue.prefix(count))
            state.queue.removeFirst(count)
            return batch
        }
    }

    private func failQueued() {
        state.withLock { state in
            guard !state.queue.isEmpty else { return }
            state.counters.failedSpans &+= UInt64(state.queue.count)
            state.counters.failedBatches &+= 1
            state.queue.removeAll()
        }
    }

    private func export(_ batch: [SpanRecord], _ client: HTTPClient) async {
        let body = encoder.encode(batch)
        var attempt = 1
        while true {
            let outcome = await post(body, client)
            switch outcome {
            case .accepted(let rejected):
                let rejectedCount = min(rejected, UInt64(batch.count))
                state.withLock { state in
                    state.counters.exportedSpans &+= UInt64(batch.count) - rejectedCount
                    state.counters.rejectedSpans &+= rejectedCount
                }
                if rejectedCount > 0 {
                    logger.warning(
                        "OTLP collector rejected spans (partial success)",
                        metadata: ["otlp.rejected": "\(rejectedCount)", "otlp.host": "\(configuration.endpoint.host)"])
                }
                return
            case .permanent(let reason):
                giveUp(batch, reason: reason, attempts: attempt)
                return
            case .retryable(let reason, let retryAfter):
                guard attempt < configuration.retry.maxAttempts, !Task.isCancelled else {
                    giveUp(batch, reason: reason, attempts: attempt)
                    return
                }
                let delay = configuration.retry.delay(
                    afterAttempt: attempt, retryAfter: retryAfter, jitter: Double.random(in: 0.5...1))
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    giveUp(batch, reason: "shutdown deadline", attempts: attempt)
                    return
                }
                state.withLock { $0.counters.retries &+= 1 }
                attempt += 1
            }
        }
    }

    private func giveUp(_ batch: [SpanRecord], reason: String, attempts: Int) {
        state.withLock { state in
            state.counters.failedSpans &+= UInt64(batch.count)
            state.counters.failedBatches &+= 1
        }
        logger.error(
            "OTLP export failed; batch dropped",
            metadata: [
                "otlp.reason": "\(reason)", "otlp.attempts": "\(attempts)", "otlp.spans": "\(batch.count)",
                "otlp.host": "\(configuration.endpoint.host)",
            ])
    }

    private enum PostOutcome {
        case accepted(rejected: UInt64)
        case retryable(reason: String, retryAfter: Duration?)
        case permanent(reason: String)
    }

    private func post(_ body: [UInt8], _ client: HTTPClient) async -> PostOutcome {
        var request = HTTPClientRequest(url: configuration.endpoint.tracesURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for header in configuration.headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let timeout = TimeAmount.nanoseconds(
            configuration.requestTimeout.components.seconds * 1_000_000_000
                + configuration.requestTimeout.components.attoseconds / 1_000_000_000)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            // Connection refused, reset, TLS failure, timeout: all worth another try.
            return .retryable(reason: "transport: \(type(of: error))", retryAfter: nil)
        }
        let status = Int(response.status.code)
        let payload = try? await response.body.collect(upTo: configuration.maxResponseBytes)
        if (200..<300).contains(status) {
            let partial = payload.flatMap { OTLPPartialSuccess(responseBody: Array(buffer: $0)) }
            return .accepted(rejected: partial?.rejectedSpans ?? 0)
        }
        if RetryPolicy.isRetryable(status: status) {
            let retryAfter = RetryPolicy.parseRetryAfter(response.headers.first(name: "retry-after"))
            return .retryable(reason: "HTTP \(status)", retryAfter: retryAfter)
        }
        return .permanent(reason: "HTTP \(status)")
    }
}
