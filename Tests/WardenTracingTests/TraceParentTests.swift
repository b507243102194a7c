import Testing
import WardenTracing

@Suite("traceparent is parsed strictly and written as version 00")
struct TraceParentTests {
    static let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test("a valid version 00 header parses into its fields")
    func parsesValidHeader() throws {
        let parsed = try TraceParent(parsing: Self.valid)
        #expect(parsed.traceID.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parsed.parentID.hex == "00f067aa0ba902b7")
        #expect(parsed.flags == 0x01)
        #expect(parsed.isSampled)
    }

    @Test("serializing a parsed header gives the same text back")
    func roundTrips() throws {
        for header in [Self.valid, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"] {
            #expect(try TraceParent(parsing: header).headerValue == header)
        }
    }

    @Test("unknown flag bits are kept, only bit 0 means sampled")
    func keepsFlags() throws {
        let parsed = try TraceParent(parsing: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fe")
        #expect(parsed.flags == 0xfe)
        #expect(!parsed.isSampled)
    }

    @Test(
        "every malformed form is refused with the rule it broke",
        arguments: [
            ("", TraceParentError.malformedVersion),
            ("0", .malformedVersion),
            ("zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", .malformedVersion),
            ("0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", .malformedVersion),
            ("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", .forbiddenVersion),
            ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", .wrongLength(56)),
            ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0", .wrongLength(54)),
            ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ", .wrongLength(56)),
            (" 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", .malformedVersion),
            ("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", .missingSeparator(position: 2)),
            ("00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01", .missingSeparator(position: 35)),
            ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01", .missingSeparator(position: 52)),
            ("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", .malformedTraceID),
            ("00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", .malformedTraceID),
            ("00-00000000000000000000000000000000-00f067aa0ba902b7-01", .zeroTraceID),
            ("00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01", .malformedParentID),
            ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bx-01", .malformedParentID),
            ("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", .zeroParentID),
            ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0G", .malformedFlags),
            ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-AA", .malformedFlags),
            ("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0", .wrongLength(54)),
            ("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", .malformedFutureVersionSuffix),
            ("01-00000000000000000000000000000000-00f067aa0ba902b7-01-x", .zeroTraceID),
        ])
    func refusesMalformed(header: String, expected: TraceParentError) {
        #expect(throws: expected) { try TraceParent(parsing: header) }
        #expect(TraceParent(header: header) == nil)
    }

    @Test("a higher version is read as version 00 for its first 55 characters")
    func parsesFutureVersion() throws {
        let exact = try TraceParent(parsing: "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        let extended = try TraceParent(parsing: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-ever")
        #expect(exact.traceID.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(extended.parentID.hex == "00f067aa0ba902b7")
        #expect(extended.headerValue == Self.valid)
    }
}
