import Testing
import WardenTracing

/// Yields a fixed sequence, then repeats its last value.
struct ScriptedGenerator: RandomNumberGenerator {
    var values: [UInt64]
    mutating func next() -> UInt64 {
        values.count > 1 ? values.removeFirst() : values[0]
    }
}

@Suite("trace and span ids")
struct IdentifierTests {
    @Test("the all-zero ids cannot be constructed")
    func zeroIDsAreInvalid() {
        #expect(TraceID(high: 0, low: 0) == nil)
        #expect(SpanID(0) == nil)
        #expect(TraceID(hex: String(repeating: "0", count: 32)) == nil)
        #expect(SpanID(hex: String(repeating: "0", count: 16)) == nil)
        #expect(TraceID(high: 0, low: 1) != nil)
        #expect(SpanID(1) != nil)
    }

    @Test("random generation redraws an all-zero draw instead of returning it")
    func randomRedrawsZero() {
        var traceGenerator = ScriptedGenerator(values: [0, 0, 0, 7])
        let trace = TraceID.random(using: &traceGenerator)
        #expect(trace.high == 0 && trace.low == 7)
        var spanGenerator = ScriptedGenerator(values: [0, 0, 9])
        #expect(SpanID.random(using: &spanGenerator).value == 9)
    }

    @Test("system-random ids are distinct")
    func systemRandomIDsDiffer() {
        let traces = Set((0..<64).map { _ in TraceID.random() })
        let spans = Set((0..<64).map { _ in SpanID.random() })
        #expect(traces.count == 64)
        #expect(spans.count == 64)
    }

    @Test("hex is lower case, fixed width and round-trips")
    func hexRoundTrips() throws {
        let trace = try #require(TraceID(high: 0xAB, low: 0x1))
        #expect(trace.hex == "00000000000000ab0000000000000001")
        #expect(TraceID(hex: trace.hex) == trace)
        let span = try #require(SpanID(0xDEAD_BEEF))
        #expect(span.hex == "00000000deadbeef")
        #expect(SpanID(hex: span.hex) == span)
        #expect(SpanID(hex: "00000000DEADBEEF") == nil)
        #expect(TraceID(hex: "abc") == nil)
    }
}
