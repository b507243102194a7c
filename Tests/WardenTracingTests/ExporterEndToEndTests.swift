import AsyncHTTPClient
import Foundation
import Testing
import WardenTracing

@Suite(
    "spans reach a real OTLP/HTTP JSON receiver (opentelemetry-proto)",
    .enabled(if: OTLPReceiverPeer.python != nil, "\(OTLPReceiverPeer.disabledMessage)"))
struct ExporterEndToEndTests {
    static let resource = ServiceResource(
        serviceName: "warden", serviceVersion: "9.9.9", serviceInstanceID: "tenant-a/replica-0",
        attributes: [("warden.tenant", "tenant-a")])

    /// How long a test lets the exporter finish its retries before shutdown cancels them. Shutdown returns as soon as
    /// the worker is done, so this only bounds a stuck test; 30 s was cut short on a host so loaded that `swift test`
    /// took four times its usual time (a retry cancelled mid-way, counted failed).
    static let shutdownWait: Duration = .seconds(120)

    static func exporter(
        _ endpoint: String, batch: Int = 512, attempts: Int = 5, timeout: Duration = .seconds(10),
        headers: [(name: String, value: String)] = []
    ) throws -> OTLPHTTPExporter {
        let configuration = try OTLPExporterConfiguration(
            endpoint: OTLPEndpoint(endpoint), headers: headers, resource: resource, maxBatchSize: batch,
            flushInterval: .seconds(3600), requestTimeout: timeout,
            retry: RetryPolicy(maxAttempts: attempts, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20)))
        return OTLPHTTPExporter(configuration: configuration)
    }

    static func string(_ attributes: Any?, _ key: String) -> String? {
        let list = attributes as? [[String: Any]] ?? []
        let value = list.first { $0["key"] as? String == key }?["value"] as? [String: Any]
        return value?["stringValue"] as? String ?? value?["intValue"] as? String
    }

    @Test("a tool call's spans arrive with names, ids, parent links, attributes and resource")
    func spansArriveIntact() async throws {
        let receiver = try OTLPReceiverPeer()
        defer { receiver.stop() }
        let exporter = try Self.exporter(receiver.endpoint, headers: [(name: "x-otlp-key", value: "k")])
        exporter.start()
        let tracer = Tracer(
            sink: exporter, sanitizer: { $0.replacingOccurrences(of: "alice@example.com", with: "[email]") })
        let incoming = try TraceParent(parsing: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        var server = tracer.startSpan("tools/call mail.send", kind: .server, parent: SpanContext(remote: incoming))
        server.setAttribute("mcp.tool.name", "mail.send")
        server.setAttribute("warden.recipient", "alice@example.com")
        server.setAttribute("warden.args.count", .int(3))
        server.setAttribute("warden.taint", .bool(true))
        server.setAttribute("warden.score", .double(0.5))
        var upstream = tracer.startSpan("upstream mail.send", kind: .client, parent: server.context)
        upstream.end()
        server.addEvent("grant.consumed")
        server.setStatus(.error(message: "denied: untrusted recipient alice@example.com"))
        server.end()
        await exporter.shutdown(deadline: .now + Self.shutdownWait)

        let received = try receiver.spans()
        #expect(received.count == 2)
        #expect(try receiver.requests().map { $0["status"] as? Int } == [200])
        let byName = Dictionary(
            received.compactMap { line -> (String, [String: Any])? in
                guard let span = line["span"] as? [String: Any], let name = span["name"] as? String else { return nil }
                return (name, span)
            }, uniquingKeysWith: { first, _ in first })
        let serverJSON = try #require(byName["tools/call mail.send"])
        let upstreamJSON = try #require(byName["upstream mail.send"])
        #expect(serverJSON["traceId"] as? String == incoming.traceID.hex)
        #expect(upstreamJSON["traceId"] as? String == incoming.traceID.hex)
        #expect(serverJSON["spanId"] as? String == server.context.spanID.hex)
        #expect(serverJSON["parentSpanId"] as? String == "b7ad6b7169203331")
        #expect(upstreamJSON["parentSpanId"] as? String == server.context.spanID.hex)
        #expect(serverJSON["kind"] as? String == "SPAN_KIND_SERVER")
        #expect(upstreamJSON["kind"] as? String == "SPAN_KIND_CLIENT")
        #expect(Self.string(serverJSON["attributes"], "mcp.tool.name") == "mail.send")
        #expect(Self.string(serverJSON["attributes"], "warden.recipient") == "[email]")
        #expect(Self.string(serverJSON["attributes"], "warden.args.count") == "3")
        let status = try #require(serverJSON["status"] as? [String: Any])
        #expect(status["code"] as? String == "STATUS_CODE_ERROR")
        #expect(status["message"] as? String == "denied: untrusted recipient [email]")
        #expect((serverJSON["events"] as? [[String: Any]])?.first?["name"] as? String == "grant.consumed")
        let resource = try #require(received.first?["resource"] as? [String: Any])
        #expect(resource["service.name"] as? String == "warden")
        #expect(resource["service.version"] as? String == "9.9.9")
        #expect(resource["service.instance.id"] as? String == "tenant-a/replica-0")
        #expect(resource["warden.tenant"] as? String == "tenant-a")
        #expect(received.first?["scope"] as? String == "warden")
        #expect(!String(decoding: try Data(contentsOf: receiver.spansFile), as: UTF8.self).contains("alice"))
        let counters = exporter.counters
        #expect(counters.exportedSpans == 2)
        #expect(counters.failedSpans == 0 && counters.droppedSpans == 0)
    }

    @Test("a 503 with Retry-After is retried and the batch then delivered once")
    func retriesAfter503() async throws {
        let receiver = try OTLPReceiverPeer(failFirst: 2, retryAfter: "0")
        defer { receiver.stop() }
        let exporter = try Self.exporter(receiver.endpoint)
        exporter.start()
        let tracer = Tracer(sink: exporter, sanitizer: { $0 })
        for index in 0..<3 {
            var span = tracer.startSpan("call \(index)")
            span.end()
        }
        await exporter.shutdown(deadline: .now + Self.shutdownWait)
        #expect(try receiver.requests().map { $0["status"] as? Int } == [503, 503, 200])
        #expect(try receiver.spans().count == 3)
        let counters = exporter.counters
        #expect(counters.retries == 2)
        #expect(counters.exportedSpans == 3)
        #expect(counters.failedSpans == 0)
    }

    @Test("with the receiver down, recording still returns at once and the batch is counted failed")
    func receiverDownCountsFailure() async throws {
        let receiver = try OTLPReceiverPeer()
        receiver.stop()  // the port is now closed: connections are refused
        // The HTTP client keeps retrying a refused connection until the request deadline, so keep it short.
        let exporter = try Self.exporter(receiver.endpoint, attempts: 3, timeout: .milliseconds(300))
        exporter.start()
        let tracer = Tracer(sink: exporter, sanitizer: { $0 })
        for index in 0..<5 {
            var span = tracer.startSpan("call \(index)")
            span.end()  // synchronous: returns without waiting on the network
        }
        await exporter.shutdown(deadline: .now + Self.shutdownWait)
        let counters = exporter.counters
        #expect(counters.failedSpans == 5)
        #expect(counters.failedBatches == 1)
        #expect(counters.retries == 2)
        #expect(counters.exportedSpans == 0)
        #expect(counters.queuedSpans == 0)
    }

    @Test("a permanent error (404) is not retried")
    func permanentErrorIsNotRetried() async throws {
        let receiver = try OTLPReceiverPeer()
        defer { receiver.stop() }
        // Point the exporter at a path the receiver answers with 404.
        let exporter = try Self.exporter(receiver.endpoint + "/elsewhere")
        exporter.start()
        let tracer = Tracer(sink: exporter, sanitizer: { $0 })
        var span = tracer.startSpan("call")
        span.end()
        await exporter.shutdown(deadline: .now + Self.shutdownWait)
        #expect(exporter.counters.failedSpans == 1)
        #expect(exporter.counters.retries == 0)
    }

    @Test("shutdown flushes spans still queued, in batches no larger than the batch size")
    func shutdownFlushesInBatches() async throws {
        let receiver = try OTLPReceiverPeer()
        defer { receiver.stop() }
        let exporter = try Self.exporter(receiver.endpoint, batch: 2)
        let tracer = Tracer(sink: exporter, sanitizer: { $0 })
        for index in 0..<5 {
            var span = tracer.startSpan("call \(index)")
            span.end()
        }
        #expect(exporter.counters.queuedSpans == 5)
        await exporter.shutdown(deadline: .now + Self.shutdownWait)
        let names = try receiver.spans().compactMap { ($0["span"] as? [String: Any])?["name"] as? String }
        #expect(Set(names) == Set((0..<5).map { "call \($0)" }))
        let sizes = try receiver.requests().compactMap { $0["spans"] as? Int }
        #expect(sizes.reduce(0, +) == 5)
        #expect(sizes.allSatisfy { $0 <= 2 })
        #expect(exporter.counters.exportedSpans == 5)
    }

    @Test("the receiver rejects what a collector would: hex ids of the wrong size, enum names, unknown fields")
    func receiverRejectsMalformedExports() async throws {
        let receiver = try OTLPReceiverPeer()
        defer { receiver.stop() }
        let span = #"{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"x","kind":1}"#
        let bodies = [
            span.replacingOccurrences(of: "b7ad6b7169203331", with: "b7ad6b71"),
            span.replacingOccurrences(of: #""kind":1"#, with: #""kind":"SPAN_KIND_INTERNAL""#),
            span.replacingOccurrences(of: #""name":"x""#, with: #""name":"x","bogus":1"#),
            span,
        ]
        var statuses: [UInt] = []
        for body in bodies {
            var request = HTTPClientRequest(url: receiver.endpoint + "/v1/traces")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(Array((#"{"resourceSpans":[{"scopeSpans":[{"spans":["# + body + "]}]}]}").utf8))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            statuses.append(response.status.code)
        }
        #expect(statuses == [400, 400, 400, 200])
        #expect(try receiver.spans().count == 1)
    }
}
