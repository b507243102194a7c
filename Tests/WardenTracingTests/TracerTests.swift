import Testing
import WardenTracing

@Suite("the tracer sanitizes, bounds and links spans")
struct TracerTests {
    /// Stands in for the gateway's redactor: hides a known secret and marks every string it saw.
    static let redactor: SpanAttributeSanitizer = { text in
        "r:" + text.replacingOccurrences(of: "alice@example.com", with: "[email]")
    }

    func makeTracer(_ sink: CollectingSink, limits: SpanLimits = SpanLimits()) -> Tracer {
        let clock = SteppingClock()
        return Tracer(sink: sink, sanitizer: Self.redactor, limits: limits, clock: { clock.read() })
    }

    @Test("every string on a span passes the sanitizer: name, keys, values, status, events")
    func sanitizerReachesEveryString() throws {
        let sink = CollectingSink()
        let tracer = makeTracer(sink)
        var span = tracer.startSpan("to alice@example.com", kind: .server, attributes: [("a", "alice@example.com")])
        span.setAttribute("b alice@example.com", .string("x alice@example.com"))
        span.setAttribute("n", .int(7))
        span.addEvent("sent to alice@example.com", attributes: [("e", "alice@example.com"), ("ok", true)])
        span.setStatus(.error(message: "refused alice@example.com"))
        span.end()
        let record = try #require(sink.spans.first)
        var strings = [record.name]
        for attribute in record.attributes + record.events.flatMap(\.attributes) {
            strings.append(attribute.key)
            if case .string(let value) = attribute.value { strings.append(value) }
        }
        strings += record.events.map(\.name)
        if case .error(let message) = record.status { strings.append(message) }
        #expect(strings.count == 11)
        for string in strings {
            #expect(string.hasPrefix("r:"), "\(string) bypassed the sanitizer")
            #expect(!string.contains("alice@example.com"))
        }
        #expect(record.attributes.contains(SpanAttribute(key: "r:n", value: .int(7))))
    }

    @Test("the sanitizer sees the whole value before it is cut to the length limit")
    func sanitizesBeforeTruncating() throws {
        let sink = CollectingSink()
        let tracer = makeTracer(sink, limits: SpanLimits(maxValueBytes: 12))
        var span = tracer.startSpan("s")
        span.setAttribute("k", "alice@example.com")
        span.end()
        let value = try #require(sink.spans.first?.attributes.first?.value)
        #expect(value == .string("r:[email]"))
    }

    @Test("long values are cut to the byte limit on a scalar boundary")
    func truncatesOnScalarBoundary() throws {
        let sink = CollectingSink()
        let tracer = Tracer(sink: sink, sanitizer: { $0 }, limits: SpanLimits(maxValueBytes: 5))
        var span = tracer.startSpan("name-longer-than-five")
        span.setAttribute("k", "ééé")  // 6 bytes: the third é does not fit whole
        span.end()
        let record = try #require(sink.spans.first)
        #expect(record.name == "name-")
        #expect(record.attributes.first?.value == .string("éé"))
    }

    @Test("attributes beyond the limit are dropped and counted; an existing key is replaced")
    func boundsAttributeCount() throws {
        let sink = CollectingSink()
        let tracer = Tracer(sink: sink, sanitizer: { $0 }, limits: SpanLimits(maxAttributes: 2, maxEvents: 1))
        var span = tracer.startSpan("s")
        span.setAttribute("a", 1)
        span.setAttribute("b", 2)
        span.setAttribute("a", 3)
        span.setAttribute("c", 4)
        span.setAttribute("d", 5)
        span.addEvent("one")
        span.addEvent("two")
        span.end()
        let record = try #require(sink.spans.first)
        #expect(record.attributes == [SpanAttribute(key: "a", value: 3), SpanAttribute(key: "b", value: 2)])
        #expect(record.droppedAttributesCount == 2)
        #expect(record.events.map(\.name) == ["one"])
        #expect(record.droppedEventsCount == 1)
    }

    @Test("a span from a traceparent joins the caller's trace as a child of the remote span")
    func remoteParentLinks() throws {
        let sink = CollectingSink()
        let tracer = makeTracer(sink)
        let incoming = try TraceParent(parsing: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
        var server = tracer.startSpan("tools/call", kind: .server, parent: SpanContext(remote: incoming))
        var client = tracer.startSpan("upstream", kind: .client, parent: server.context)
        client.end()
        server.end()
        let spans = sink.spans
        #expect(spans.count == 2)
        #expect(spans.allSatisfy { $0.traceID == incoming.traceID })
        #expect(spans[1].parentSpanID == incoming.parentID)
        #expect(spans[1].parentIsRemote)
        #expect(spans[0].parentSpanID == spans[1].spanID)
        #expect(!spans[0].parentIsRemote)
        // Recorded even though the caller said "not sampled", and propagated as sampled.
        #expect(client.traceParent.isSampled)
        #expect(client.traceParent.traceID == incoming.traceID)
        #expect(client.traceParent.parentID == client.context.spanID)
    }

    @Test("a span without a parent starts a new trace")
    func rootStartsNewTrace() {
        let sink = CollectingSink()
        let tracer = makeTracer(sink)
        var first = tracer.startSpan("a")
        var second = tracer.startSpan("b")
        first.end()
        second.end()
        #expect(sink.spans.allSatisfy { $0.parentSpanID == nil })
        #expect(first.context.traceID != second.context.traceID)
    }

    @Test("ending twice records once; end is never before start")
    func endRecordsOnce() throws {
        let sink = CollectingSink()
        let tracer = Tracer(sink: sink, sanitizer: { $0 }, clock: { 5 })
        var span = tracer.startSpan("s")
        span.end()
        span.end()
        #expect(sink.spans.count == 1)
        let record = try #require(sink.spans.first)
        #expect(record.startTimeUnixNano == 5 && record.endTimeUnixNano == 5)
    }

    struct Refused: Error, CustomStringConvertible {
        var description: String { "denied for alice@example.com" }
    }

    @Test("withSpan ends the span and records a thrown error, sanitized, as status error")
    func withSpanRecordsErrors() async throws {
        let sink = CollectingSink()
        let tracer = makeTracer(sink)
        await #expect(throws: Refused.self) {
            try await tracer.withSpan("call", kind: .server) { span in
                span.setAttribute("k", 1)
                throw Refused()
            }
        }
        let value = await tracer.withSpan("ok") { _ in 42 }
        #expect(value == 42)
        let spans = sink.spans
        #expect(spans.count == 2)
        #expect(spans[0].status == .error(message: "r:denied for [email]"))
        #expect(spans[1].status == .unset)
    }
}

@Test("the discarding sink accepts spans and keeps nothing")
func discardingSinkKeepsNothing() {
    let tracer = Tracer(sink: DiscardingSpanSink(), sanitizer: { $0 })
    var span = tracer.startSpan("s")
    span.end()
    #expect(span.isEnded)
}
