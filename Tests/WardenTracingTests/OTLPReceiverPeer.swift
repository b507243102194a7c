import Foundation

/// Runs e2e/peers/otlp_receiver.py (a real OTLP/HTTP JSON receiver built on opentelemetry-proto) and reads
/// what it accepted.
final class OTLPReceiverPeer: @unchecked Sendable {
    /// A Python with e2e/peers/requirements-otlp.txt installed, from WARDEN_TEST_PYTHON.
    static let python: String? = ProcessInfo.processInfo.environment["WARDEN_TEST_PYTHON"].flatMap {
        $0.isEmpty ? nil : $0
    }

    static let disabledMessage =
        "set WARDEN_TEST_PYTHON to a Python with e2e/peers/requirements-otlp.txt installed to run the receiver tests"

    /// The repository root, found from this file (symlinks resolved, so dev packages work too).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct StartFailed: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    let spansFile: URL
    let requestsFile: URL
    private let directory: URL
    private let process: Process
    private let input: Pipe

    init(failFirst: Int = 0, retryAfter: String? = nil) throws {
        guard let python = Self.python else { throw StartFailed(description: Self.disabledMessage) }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-otlp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        spansFile = directory.appendingPathComponent("spans.jsonl")
        requestsFile = directory.appendingPathComponent("requests.jsonl")
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        var arguments = [
            Self.repositoryRoot.appendingPathComponent("e2e/peers/otlp_receiver.py").path, spansFile.path,
            "--requests", requestsFile.path, "--fail-first", String(failFirst),
        ]
        if let retryAfter { arguments += ["--retry-after", retryAfter] }
        process.arguments = arguments
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line: [UInt8] = []
        while true {
            guard let byte = output.fileHandleForReading.readData(ofLength: 1).first else {
                throw StartFailed(description: "otlp_receiver.py exited before READY")
            }
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard words.count == 2, words[0] == "READY", let port = Int(words[1]) else {
            process.terminate()
            throw StartFailed(description: "otlp_receiver.py printed no READY line")
        }
        self.port = port
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Each accepted span: {"span": ..., "resource": {...}, "scope": "..."}.
    func spans() throws -> [[String: Any]] { try Self.lines(spansFile) }

    /// Each request the receiver answered: {"status": n, "spans": n?, "error": "..."?}.
    func requests() throws -> [[String: Any]] { try Self.lines(requestsFile) }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    private static func lines(_ url: URL) throws -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return try data.split(separator: UInt8(ascii: "\n")).map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw StartFailed(description: "receiver wrote a line that is not a JSON object")
            }
            return object
        }
    }
}
