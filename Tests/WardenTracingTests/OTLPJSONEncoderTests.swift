import Foundation
import Testing
import WardenTracing

@Suite("OTLP JSON encoding follows the OTLP/HTTP JSON rules field by field")
struct OTLPJSONEncoderTests {
    static let resource = ServiceResource(
        serviceName: "warden", serviceVersion: "1.2.3", serviceInstanceID: "tenant-a/0",
        attributes: [("deployment.environment.name", "test"), ("service.name", "spoofed")])

    /// Records a server span under a remote parent and a root span with every attribute kind.
    func sampleSpans() throws -> [SpanRecord] {
        let sink = CollectingSink()
        let tracer = Tracer(sink: sink, sanitizer: { $0 }, clock: { 1_700_000_000_123_456_789 })
        let incoming = try TraceParent(parsing: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        var server = tracer.startSpan("tools/call", kind: .server, parent: SpanContext(remote: incoming))
        server.setAttribute("s", "quote\" back\\ nl\n ctl\u{01}")
        server.setAttribute("i", .int(-9_007_199_254_740_993))
        server.setAttribute("d", .double(0.25))
        server.setAttribute("nan", .double(.nan))
        server.setAttribute("b", .bool(true))
        server.addEvent("decision", attributes: [("rule", "deny-external")])
        server.setStatus(.error(message: "denied"))
        server.end()
        var root = tracer.startSpan("internal work")
        root.setStatus(.ok)
        root.end()
        return sink.spans
    }

    func decode(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func spansJSON(_ document: [String: Any]) throws -> (resource: [String: Any], scope: [String: Any], [[String: Any]])
    {
        let resourceSpans = try #require(document["resourceSpans"] as? [[String: Any]])
        #expect(resourceSpans.count == 1)
        let resource = try #require(resourceSpans.first?["resource"] as? [String: Any])
        let scopeSpans = try #require(resourceSpans.first?["scopeSpans"] as? [[String: Any]])
        let scope = try #require(scopeSpans.first?["scope"] as? [String: Any])
        let spans = try #require(scopeSpans.first?["spans"] as? [[String: Any]])
        return (resource, scope, spans)
    }

    func attributes(_ object: [String: Any]) throws -> [String: [String: Any]] {
        let list = try #require(object["attributes"] as? [[String: Any]])
        var result: [String: [String: Any]] = [:]
        for entry in list {
            let key = try #require(entry["key"] as? String)
            result[key] = try #require(entry["value"] as? [String: Any])
        }
        return result
    }

    @Test("resource carries service name, version, instance id and extra attributes; scope is warden")
    func resourceAndScope() throws {
        let document = try decode(OTLPJSONEncoder(resource: Self.resource).encode(sampleSpans()))
        let (resource, scope, _) = try spansJSON(document)
        let values = try attributes(resource)
        #expect(values["service.name"]?["stringValue"] as? String == "warden")
        #expect(values["service.version"]?["stringValue"] as? String == "1.2.3")
        #expect(values["service.instance.id"]?["stringValue"] as? String == "tenant-a/0")
        #expect(values["deployment.environment.name"]?["stringValue"] as? String == "test")
        #expect((resource["attributes"] as? [Any])?.count == 4, "a caller attribute must not replace service.name")
        #expect(scope["name"] as? String == "warden")
        #expect(scope["version"] as? String == "1.2.3")
    }

    @Test("ids are lower-case hex strings; the root span has no parentSpanId")
    func idsAreHex() throws {
        let records = try sampleSpans()
        let (_, _, spans) = try spansJSON(decode(OTLPJSONEncoder(resource: Self.resource).encode(records)))
        #expect(spans.count == 2)
        #expect(spans[0]["traceId"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(spans[0]["spanId"] as? String == records[0].spanID.hex)
        #expect(spans[0]["parentSpanId"] as? String == "00f067aa0ba902b7")
        #expect(spans[1]["parentSpanId"] == nil)
        for span in spans {
            let spanID = try #require(span["spanId"] as? String)
            #expect(spanID.count == 16 && spanID == spanID.lowercased())
        }
    }

    @Test("64-bit integers are decimal strings; enums, flags and counts are numbers")
    func numbersFollowProto3JSON() throws {
        let (_, _, spans) = try spansJSON(decode(OTLPJSONEncoder(resource: Self.resource).encode(sampleSpans())))
        let server = spans[0]
        #expect(server["startTimeUnixNano"] as? String == "1700000000123456789")
        #expect(server["endTimeUnixNano"] as? String == "1700000000123456789")
        #expect(!(server["kind"] is String))
        #expect(server["kind"] as? Int == 2)
        #expect(spans[1]["kind"] as? Int == 1)
        // sampled (0x01) | parent-remote-known (0x100) | parent-is-remote (0x200)
        #expect(server["flags"] as? Int == 0x301)
        #expect(spans[1]["flags"] as? Int == 0x101)
        let status = try #require(server["status"] as? [String: Any])
        #expect(status["code"] as? Int == 2)
        #expect(!(status["code"] is String))
        #expect(status["message"] as? String == "denied")
        let rootStatus = try #require(spans[1]["status"] as? [String: Any])
        #expect(rootStatus["code"] as? Int == 1)
        #expect(rootStatus["message"] == nil)
    }

    @Test("attribute values use stringValue, intValue (string), doubleValue, boolValue")
    func attributeValues() throws {
        let (_, _, spans) = try spansJSON(decode(OTLPJSONEncoder(resource: Self.resource).encode(sampleSpans())))
        let values = try attributes(spans[0])
        #expect(values["s"]?["stringValue"] as? String == "quote\" back\\ nl\n ctl\u{01}")
        #expect(values["i"]?["intValue"] as? String == "-9007199254740993")
        #expect(values["d"]?["doubleValue"] as? Double == 0.25)
        #expect(values["nan"]?["doubleValue"] as? String == "NaN")
        #expect(values["b"]?["boolValue"] as? Bool == true)
        #expect(!(values["b"]?["boolValue"] is String))
    }

    @Test("events carry a string timestamp, name and attributes")
    func events() throws {
        let (_, _, spans) = try spansJSON(decode(OTLPJSONEncoder(resource: Self.resource).encode(sampleSpans())))
        let events = try #require(spans[0]["events"] as? [[String: Any]])
        #expect(events.count == 1)
        #expect(events[0]["name"] as? String == "decision")
        #expect(events[0]["timeUnixNano"] as? String == "1700000000123456789")
        #expect(try attributes(events[0])["rule"]?["stringValue"] as? String == "deny-external")
        #expect(spans[1]["events"] == nil)
    }

    @Test("control characters are escaped, not written raw")
    func escapesControlCharacters() throws {
        let bytes = OTLPJSONEncoder(resource: Self.resource).encode(try sampleSpans())
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#"quote\" back\\ nl\n ctl\u0001"#))
        #expect(!bytes.contains(0x01) && !bytes.contains(0x0a))
    }

    @Test("an empty batch is still a well-formed request")
    func emptyBatch() throws {
        let (_, _, spans) = try spansJSON(decode(OTLPJSONEncoder(resource: Self.resource).encode([])))
        #expect(spans.isEmpty)
    }
}
