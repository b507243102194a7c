import Testing

@testable import WardenMCP

/// The pure parts of the stdio transport: framing, environment, restart schedule.
@Suite struct StdioPartsTests {
    @Test func framerSplitsLinesAcrossChunksAndDropsCR() throws {
        var framer = LineFramer(maxLineBytes: 100)
        #expect(try framer.feed(Array("{\"a\":1}\r\n{\"b\"".utf8)) == [Array("{\"a\":1}".utf8)])
        #expect(try framer.feed(Array(":2}\n\n".utf8)) == [Array("{\"b\":2}".utf8)])
        #expect(framer.pendingByteCount == 0)
    }

    @Test func framerRefusesALineOverTheLimit() {
        var framer = LineFramer(maxLineBytes: 8)
        #expect(throws: LineFramer.LineTooLong(limit: 8)) { try framer.feed(Array("123456789".utf8)) }
        var exact = LineFramer(maxLineBytes: 8)
        #expect((try? exact.feed(Array("12345678\n".utf8))) == [Array("12345678".utf8)])
    }

    @Test func environmentIsBuiltFromTheAllowlistAndInjectedValuesOnly() throws {
        let parent = ["PATH": "/bin", "HOME": "/root", "AWS_SECRET_ACCESS_KEY": "gateway-secret", "LANG": "C"]
        let built = try UpstreamEnvironment.build(
            inherit: ["PATH", "HOME", "TERM"],
            from: parent,
            inject: ["API_TOKEN": "upstream-secret", "HOME": "/srv/upstream"]
        )
        #expect(built == ["PATH": "/bin", "HOME": "/srv/upstream", "API_TOKEN": "upstream-secret"])
    }

    @Test(arguments: ["", "A=B", "A\0B"])
    func environmentRefusesInvalidNames(_ name: String) {
        #expect(throws: UpstreamEnvironment.InvalidName.self) {
            try UpstreamEnvironment.build(inherit: [], from: [:], inject: [name: "v"])
        }
    }

    @Test func backoffDoublesFromHalfASecondAndCapsAtThirtySeconds() {
        let backoff = RestartBackoff()
        let delays = (1...9).map { backoff.delay(afterFailures: $0) }
        #expect(
            delays == [
                .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30),
                .seconds(30), .seconds(30),
            ]
        )
        #expect(backoff.delay(afterFailures: 10_000) == .seconds(30))
        #expect(backoff.delay(afterFailures: 0) == .zero)
    }

    @Test func commandIsResolvedThroughTheUpstreamPathOnly() throws {
        let config = StdioUpstreamConfiguration(command: "sh")
        #expect(throws: UpstreamError.self) { try config.executableURL(in: [:]) }
        let url = try config.executableURL(in: ["PATH": "/nonexistent:/bin:/usr/bin"])
        #expect(url.path.hasSuffix("/sh"))
        #expect(throws: UpstreamError.self) {
            try StdioUpstreamConfiguration(command: "/nonexistent/tool").executableURL(in: [:])
        }
    }
}
