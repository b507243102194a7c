import Foundation
import WardenCore

/// Starts the Python peers in e2e/peers as subprocesses and reads what they recorded.
enum TestPeers {
    /// The Python interpreter with e2e/peers/requirements.txt installed, from WARDEN_TEST_PYTHON.
    static let python: String? = ProcessInfo.processInfo.environment["WARDEN_TEST_PYTHON"].flatMap {
        $0.isEmpty ? nil : $0
    }

    static let disabledMessage =
        "set WARDEN_TEST_PYTHON to a Python with e2e/peers/requirements.txt installed to run the peer tests"

    /// The repository root, found from this file (symlinks resolved, so dev packages work too).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()

    struct StartFailed: Error, CustomStringConvertible {
        var description: String
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "warden-channels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Parses the JSON-lines file a peer wrote; a missing file means nothing arrived.
    static func records(at url: URL) throws -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try StrictJSONParser().parse(String($0))
        }
    }
}

/// A running peer process; `stop()` closes its stdin (it exits) and terminates it.
final class PeerProcess: @unchecked Sendable {
    let process: Process
    let input: Pipe
    let port: Int

    init(script: String, arguments: [String]) throws {
        guard let python = TestPeers.python else { throw TestPeers.StartFailed(description: TestPeers.disabledMessage) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        let scriptPath = TestPeers.repositoryRoot.appendingPathComponent("e2e/peers/\(script)").path
        process.arguments = [scriptPath] + arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first else {
                throw TestPeers.StartFailed(description: "\(script) exited before READY")
            }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard words.count == 2, words[0] == "READY", let port = Int(words[1]) else {
            process.terminate()
            throw TestPeers.StartFailed(description: "\(script) printed no READY line")
        }
        self.process = process
        self.input = input
        self.port = port
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
