import Foundation
import Logging
import Testing
import WardenRedaction

/// Collects lines in memory.
final class CollectingSink: LogLineSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    var lines: [String] { lock.withLock { stored } }

    func write(line: String) { lock.withLock { stored.append(line) } }
}

private struct PlantedError: Error, CustomStringConvertible {
    var description: String { "upstream refused key AKIAIOSFODNN7EXAMPLE" }
}

@Suite("Redacting log handler")
struct LogHandlerTests {
    private static let canaries = [
        "canary.pii@example.com", "4111111111111111", "GB82WEST12345698765432", "AKIAIOSFODNN7EXAMPLE",
        "ghp_" + String(repeating: "c4n4", count: 9), "hunter2canary", "536-22-1234", "198.51.100.77",
    ]

    private func logger(_ sink: CollectingSink, clock: @escaping @Sendable () -> Date = { Date() }) -> Logger {
        var logger = Logger(label: "warden.test") { label in
            RedactingLogHandler(label: label, sink: sink, clock: clock)
        }
        logger.logLevel = .debug
        return logger
    }

    private func parse(_ line: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func everyLineIsOneJSONObjectWithTheDocumentedFields() throws {
        let sink = CollectingSink()
        logger(sink).info("started", metadata: ["cell": "acme"], source: "WardenGateway")
        let line = try #require(sink.lines.first)
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try parse(line)
        #expect(Set(object.keys) == ["timestamp", "level", "label", "message", "metadata", "source"])
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "warden.test")
        #expect(object["message"] as? String == "started")
        #expect(object["source"] as? String == "WardenGateway")
        #expect((object["metadata"] as? [String: Any])?["cell"] as? String == "acme")
    }

    @Test func plantedCanariesNeverReachTheSink() throws {
        let sink = CollectingSink()
        var log = logger(sink)
        log[metadataKey: "handler"] = "\(Self.canaries[0])"
        log.warning(
            "user \(Self.canaries[0]) paid \(Self.canaries[1]) into \(Self.canaries[2]) password=\(Self.canaries[5])",
            metadata: [
                "nested": [
                    "key": "\(Self.canaries[3])",
                    "list": ["\(Self.canaries[4])", ["ssn": "\(Self.canaries[6])"]],
                ],
                "peer": .stringConvertible(Self.canaries[7]),
                Self.canaries[0]: "metadata keys are redacted too",
            ])
        log.error("upstream failed", error: PlantedError())
        #expect(sink.lines.count == 2)
        for line in sink.lines {
            _ = try parse(line)
            for canary in Self.canaries { #expect(!line.contains(canary), "canary \(canary) leaked") }
        }
        #expect(sink.lines[0].contains("[REDACTED:email]"))
        #expect(sink.lines[1].contains("[REDACTED:api_key]"))
    }

    @Test func oddInputStillYieldsValidJSON() throws {
        let sink = CollectingSink()
        let odd = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} del \u{7F} emoji 🔐 é"
        logger(sink).debug("\(odd)", metadata: [odd: .array([.string(odd), .dictionary([:]), .array([])])])
        let object = try parse(try #require(sink.lines.first))
        #expect(object["message"] as? String == odd)
    }

    @Test func deeplyNestedMetadataIsTruncatedNotRecursedForever() throws {
        var value = Logger.MetadataValue.string("leaf")
        for _ in 0..<200 { value = .array([value]) }
        let sink = CollectingSink()
        logger(sink).info("deep", metadata: ["v": value])
        let line = try #require(sink.lines.first)
        _ = try parse(line)
        #expect(line.contains("[TRUNCATED:depth]"))
    }

    @Test func timestampIsRFC3339UTCWithMilliseconds() throws {
        let sink = CollectingSink()
        logger(sink, clock: { Date(timeIntervalSince1970: 1_700_000_000.123) }).info("t")
        let object = try parse(try #require(sink.lines.first))
        #expect(object["timestamp"] as? String == "2023-11-14T22:13:20.123Z")
    }

    @Test func handlerAndCallMetadataMergeWithCallWinning() throws {
        let sink = CollectingSink()
        var log = logger(sink)
        log[metadataKey: "a"] = "handler"
        log[metadataKey: "b"] = "handler"
        log.info("m", metadata: ["b": "call"])
        let line = try #require(sink.lines.first)
        let metadata = try #require(try parse(line)["metadata"] as? [String: Any])
        #expect(metadata["a"] as? String == "handler")
        #expect(metadata["b"] as? String == "call")
    }
}

@Suite("Standard output sink")
struct StandardOutputSinkTests {
    @Test func writesTheWholeLineToItsDescriptor() throws {
        var descriptors: [Int32] = [0, 0]
        try #require(pipe(&descriptors) == 0)
        defer { close(descriptors[0]) }
        let line = "{\"message\":\"" + String(repeating: "x", count: 1000) + "\"}\n"
        StandardOutputSink(descriptor: descriptors[1]).write(line: line)
        close(descriptors[1])
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptors[0], &buffer, buffer.count)
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        #expect(String(decoding: received, as: UTF8.self) == line)
    }
}
