import Testing
import WardenTracing

@Suite("the exporter queue is bounded and never blocks the caller")
struct ExporterQueueTests {
    static let resource = ServiceResource(serviceName: "warden", serviceVersion: "0", serviceInstanceID: "t")

    static func exporter(capacity: Int) throws -> OTLPHTTPExporter {
        // Nothing is expected to serve OTLP on loopback port 9; these tests end with an immediate deadline.
        let configuration = try OTLPExporterConfiguration(
            endpoint: OTLPEndpoint("http://127.0.0.1:9"), resource: resource, queueCapacity: capacity,
            retry: RetryPolicy(maxAttempts: 1))
        return OTLPHTTPExporter(configuration: configuration)
    }

    /// Starts and ends `count` spans through a tracer that sends them to `exporter`.
    static func recordSpans(_ count: Int, to exporter: OTLPHTTPExporter) {
        let tracer = Tracer(sink: exporter, sanitizer: { $0 })
        for index in 0..<count {
            var span = tracer.startSpan("span \(index)")
            span.end()
        }
    }

    @Test("spans beyond the queue capacity are dropped and counted, never waited on")
    func fullQueueDrops() async throws {
        let exporter = try Self.exporter(capacity: 4)
        Self.recordSpans(10, to: exporter)
        let counters = exporter.counters
        #expect(counters.queuedSpans == 4)
        #expect(counters.droppedSpans == 6)
        #expect(counters.exportedSpans == 0)
        await exporter.shutdown(deadline: .now)
    }

    @Test("spans still queued when the shutdown deadline passes are counted as failed, not lost silently")
    func shutdownDeadlineCountsFailed() async throws {
        let exporter = try Self.exporter(capacity: 8)
        Self.recordSpans(3, to: exporter)
        await exporter.shutdown(deadline: .now)
        let counters = exporter.counters
        #expect(counters.failedSpans == 3)
        #expect(counters.exportedSpans == 0 && counters.queuedSpans == 0 && counters.droppedSpans == 0)
    }

    @Test("after shutdown new spans are dropped and counted")
    func closedExporterDrops() async throws {
        let exporter = try Self.exporter(capacity: 4)
        await exporter.shutdown(deadline: .now)
        Self.recordSpans(1, to: exporter)
        #expect(exporter.counters.droppedSpans == 1)
        #expect(exporter.counters.queuedSpans == 0)
    }

    @Test("an exporter that is never started can be released without a shutdown")
    func unstartedExporterNeedsNoShutdown() throws {
        // In debug builds a live HTTP client that is released without shutdown traps; this must not.
        try {
            let exporter = try Self.exporter(capacity: 1)
            let tracer = Tracer(sink: exporter, sanitizer: { $0 })
            var span = tracer.startSpan("s")
            span.end()
            #expect(exporter.counters.queuedSpans == 1)
        }()
    }
}
