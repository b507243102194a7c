import Foundation
import Logging
import Testing

@testable import WardenMCP

/// Where the Python demo upstream lives, and the Python that can run it.
enum DemoUpstream {
    /// A Python with the `mcp` package, from `WARDEN_TEST_PYTHON`.
    static let python: String? = {
        guard let path = ProcessInfo.processInfo.environment["WARDEN_TEST_PYTHON"], !path.isEmpty else { return nil }
        return path
    }()

    static let disabledMessage =
        "set WARDEN_TEST_PYTHON to a python with `mcp` installed (e2e/upstreams/requirements.txt)"

    /// The repository root, found from this file (through the dev-package symlink, if any).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var script: String { repositoryRoot.appendingPathComponent("e2e/upstreams/demo_server.py").path }

    static let logger: Logger = {
        var logger = Logger(label: "warden.mcp.tests")
        logger.logLevel = ProcessInfo.processInfo.environment["WARDEN_TEST_LOG"] == "debug" ? .debug : .warning
        return logger
    }()

    static func stdioConfiguration(
        inject: [String: String] = [:],
        backoff: RestartBackoff = RestartBackoff()
    ) throws -> StdioUpstreamConfiguration {
        let python = try #require(python)
        return StdioUpstreamConfiguration(
            command: python,
            arguments: [script, "--transport", "stdio"],
            workingDirectory: repositoryRoot.path,
            injectedEnvironment: inject,
            backoff: backoff
        )
    }
}

/// A demo upstream served over Streamable HTTP in a child process, for one test.
final class DemoHTTPServer: Sendable {
    let process: Process
    let port: Int

    var endpoint: String { "http://127.0.0.1:\(port)/mcp" }

    /// Starts the server (on `port`, or a free one) and waits for its ready line.
    convenience init(port: Int = 0, jsonResponse: Bool = false, resumable: Bool = false) async throws {
        try await self.init(
            arguments: [DemoUpstream.script, "--transport", "http", "--port", String(port)]
                + (jsonResponse ? ["--json-response"] : []) + (resumable ? ["--resumable"] : [])
        )
    }

    /// Starts the misbehaving peer `fake_http_upstream.py`.
    static func fake() async throws -> DemoHTTPServer {
        let script = DemoUpstream.repositoryRoot.appendingPathComponent("e2e/upstreams/fake_http_upstream.py").path
        return try await DemoHTTPServer(arguments: [script])
    }

    init(arguments: [String]) async throws {
        let python = try #require(DemoUpstream.python)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let handle = stdout.fileHandleForReading
        let line: String? = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var buffer = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    buffer.append(chunk)
                    if let text = String(data: buffer, encoding: .utf8), let end = text.firstIndex(of: "\n") {
                        continuation.resume(returning: String(text[..<end]))
                        return
                    }
                }
                continuation.resume(returning: nil)
            }
        }
        let prefix = "WARDEN-UPSTREAM-READY port="
        guard let line, line.hasPrefix(prefix), let chosen = Int(line.dropFirst(prefix.count)) else {
            process.terminate()
            throw ServerDidNotStart()
        }
        self.port = chosen
    }

    struct ServerDidNotStart: Error {}

    /// Kills the server outright: uvicorn's graceful stop would wait for idle keep-alive connections.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}
