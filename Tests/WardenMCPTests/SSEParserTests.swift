import Testing

@testable import WardenMCP

/// The SSE parser follows the event-stream rules and gives the same events however the bytes are chunked.
@Suite struct SSEParserTests {
    private func parse(_ text: String, chunks: [Int]? = nil) throws -> ([SSEEvent], SSEParser) {
        var parser = SSEParser()
        let bytes = Array(text.utf8)
        var events: [SSEEvent] = []
        var start = 0
        for size in chunks ?? [bytes.count] where start < bytes.count {
            let end = min(bytes.count, start + size)
            events += try parser.feed(bytes[start..<end])
            start = end
        }
        if start < bytes.count { events += try parser.feed(bytes[start...]) }
        return (events, parser)
    }

    @Test func dataLinesAreJoinedWithNewlines() throws {
        let (events, _) = try parse("data: first\ndata:second\ndata:  third\n\n")
        #expect(events == [SSEEvent(data: "first\nsecond\n third")])
    }

    @Test func eventTypeIdAndRetryAreRead() throws {
        let (events, parser) = try parse("event: update\nid: 41\nretry: 2500\ndata: x\n\ndata: y\n\n")
        #expect(
            events == [SSEEvent(type: "update", data: "x", lastEventID: "41"), SSEEvent(data: "y", lastEventID: "41")])
        #expect(parser.lastEventID == "41")
        #expect(parser.retryMilliseconds == 2500)
    }

    @Test func allThreeLineEndingsEndLines() throws {
        let (events, _) = try parse("data: a\r\n\r\ndata: b\r\rdata: c\n\n")
        #expect(events.map(\.data) == ["a", "b", "c"])
    }

    @Test func commentsAreCountedAndDropped() throws {
        let (events, parser) = try parse(": keep-alive\n:\ndata: x\n: inside\n\n")
        #expect(events == [SSEEvent(data: "x")])
        #expect(parser.commentCount == 3)
    }

    @Test func primingEventWithOnlyAnIdSetsTheIdWithoutDispatching() throws {
        let (events, parser) = try parse("id: prime-1\n\n")
        #expect(events.isEmpty)
        #expect(parser.lastEventID == "prime-1")
        let (empty, _) = try parse("id: p\ndata:\n\n")
        #expect(empty == [SSEEvent(data: "", lastEventID: "p")])
    }

    @Test func idWithNulIsIgnoredAndEmptyIdResets() throws {
        let (_, ignored) = try parse("id: 1\n\nid: a\u{0}b\n\n")
        #expect(ignored.lastEventID == "1")
        let (_, reset) = try parse("id: 1\n\nid\n\n")
        #expect(reset.lastEventID == nil)
    }

    @Test func malformedRetryIsIgnored() throws {
        let (_, parser) = try parse("retry: 10x\n\nretry: -5\n\n")
        #expect(parser.retryMilliseconds == nil)
    }

    @Test func leadingByteOrderMarkIsSkipped() throws {
        let (events, _) = try parse("\u{FEFF}data: x\n\n")
        #expect(events == [SSEEvent(data: "x")])
    }

    @Test func fieldWithoutColonAndUnknownFieldsAreHandled() throws {
        let (events, _) = try parse("data\nfoo: bar\n\n")
        #expect(events == [SSEEvent(data: "")])
    }

    @Test func unterminatedEventAtEndOfStreamIsNotDispatched() throws {
        let (events, _) = try parse("data: complete\n\ndata: partial\n")
        #expect(events == [SSEEvent(data: "complete")])
    }

    @Test func oversizedLineOrEventIsRefused() {
        var lineParser = SSEParser(maxEventBytes: 16)
        #expect(throws: SSEParserError.eventTooLarge(limit: 16)) {
            try lineParser.feed(Array("data: 0123456789abcdef".utf8))
        }
        var eventParser = SSEParser(maxEventBytes: 16)
        #expect(throws: SSEParserError.eventTooLarge(limit: 16)) {
            try eventParser.feed(Array("data: 0123456789\ndata: 0123456789\n".utf8))
        }
    }

    // MARK: - Chunk-boundary properties

    /// A small deterministic generator, so a failing case can be reproduced from its seed.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Builds a random stream and the events a correct parser must produce from it.
    static func randomStream(seed: UInt64) -> (text: String, expected: [SSEEvent]) {
        var rng = SplitMix64(state: seed)
        let endings = ["\n", "\r\n", "\r"]
        let pieces = ["a", "é", "日本", "{\"k\":1}", " x", "🙂", ":", "data"]
        var text = ""
        var expected: [SSEEvent] = []
        var lastID: String?
        for index in 0..<Int.random(in: 1...6, using: &rng) {
            func end() -> String { endings.randomElement(using: &rng) ?? "\n" }
            if Bool.random(using: &rng) { text += ": comment \(index)" + end() }
            var type = "message"
            if Bool.random(using: &rng) {
                type = "t\(index)"
                text += "event: \(type)" + end()
            }
            if Bool.random(using: &rng) {
                lastID = "id-\(seed)-\(index)"
                text += "id: \(lastID ?? "")" + end()
            }
            var lines: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let line = (0..<Int.random(in: 0...4, using: &rng)).map { _ in pieces.randomElement(using: &rng) ?? "" }
                    .joined()
                lines.append(line)
                text += "data: \(line)" + end()
            }
            // A lone LF right after a CR would merge into one CRLF line ending, so never emit that pair.
            let terminator = end()
            text += text.hasSuffix("\r") && terminator == "\n" ? "\r\n" : terminator
            expected.append(SSEEvent(type: type, data: lines.joined(separator: "\n"), lastEventID: lastID))
        }
        return (text, expected)
    }

    @Test("random streams parse to the expected events in one chunk", arguments: 0..<64)
    func randomStreamParsesToExpectedEvents(seed: UInt64) throws {
        let (text, expected) = Self.randomStream(seed: seed)
        let (events, _) = try parse(text)
        #expect(events == expected)
    }

    @Test("splitting a stream in two at any byte gives the same events", arguments: 0..<16)
    func everyTwoWaySplitGivesTheSameEvents(seed: UInt64) throws {
        let (text, expected) = Self.randomStream(seed: seed)
        let length = text.utf8.count
        for cut in 0...length {
            let (events, _) = try parse(text, chunks: [cut, length - cut])
            #expect(events == expected, "split at byte \(cut)")
        }
    }

    @Test("feeding a stream in random chunk sizes gives the same events", arguments: 0..<64)
    func randomChunkingGivesTheSameEvents(seed: UInt64) throws {
        let (text, expected) = Self.randomStream(seed: seed)
        var rng = SplitMix64(state: seed &* 31 &+ 7)
        for _ in 0..<8 {
            let sizes = (0..<text.utf8.count).map { _ in Int.random(in: 1...5, using: &rng) }
            let (events, _) = try parse(text, chunks: sizes)
            #expect(events == expected)
        }
        let (bytewise, _) = try parse(text, chunks: Array(repeating: 1, count: text.utf8.count))
        #expect(bytewise == expected)
    }
}
