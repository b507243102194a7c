import Foundation
import Testing
import WardenCore

@testable import WardenMCP

/// The stdio transport against scripted `sh` peers that misbehave on purpose.
@Suite struct StdioFramingTests {
    private func transport(_ script: String, maxMessageBytes: Int = 4096) throws -> StdioUpstreamTransport {
        try StdioUpstreamTransport(
            configuration: StdioUpstreamConfiguration(
                command: "sh",
                arguments: ["-c", script],
                maxMessageBytes: maxMessageBytes,
                backoff: RestartBackoff(initial: .seconds(30), maximum: .seconds(30))
            ),
            parentEnvironment: ["PATH": "/usr/bin:/bin"],
            logger: DemoUpstream.logger
        )
    }

    private let ping = JSONRPCRequest(id: .number(1), method: "ping")

    /// How long a scripted peer has to answer. Generous: the peers answer at once, but `swift test` runs CPU-bound
    /// suites beside these, and on a loaded two-core host a 30-s wait was seen to run out before the answer was read.
    private static let answerWithin: Duration = .seconds(120)

    @Test func responseIsMatchedByIdPastGarbageAndStrangers() async throws {
        let upstream = try transport(
            #"read line; echo 'not json'; echo '{"jsonrpc":"2.0","id":99,"result":{}}'; "#
                + #"echo '{"jsonrpc":"2.0","method":"notifications/message","params":{}}'; "#
                + #"echo '{"jsonrpc":"2.0","id":1,"result":{"ok":true}}'; sleep 5"#
        )
        let response = try await upstream.send(ping, timeout: Self.answerWithin)
        #expect(response == .success(JSONRPCSuccessResponse(id: .number(1), result: ["ok": true])))
        await upstream.close()
    }

    @Test func oversizedMessageEndsTheProcessAndFailsTheRequest() async throws {
        let upstream = try transport(#"read line; printf '%08000d\n' 0; sleep 30"#, maxMessageBytes: 1024)
        let error = try await #require(throws: UpstreamError.self) {
            try await upstream.send(ping, timeout: Self.answerWithin)
        }
        guard case .protocolViolation(let what) = error else {
            Issue.record("expected protocolViolation, got \(error)")
            return
        }
        #expect(what.contains("exceeds 1024 bytes"))
        #expect(await upstream.processID == nil, "the offending process is no longer used")
        await upstream.close()
    }

    @Test func processThatExitsFailsTheInFlightRequestAndWaitsForBackoff() async throws {
        let upstream = try transport("read line; exit 7")
        let error = try await #require(throws: UpstreamError.self) {
            try await upstream.send(ping, timeout: Self.answerWithin)
        }
        #expect(error == .processExited(status: 7))
        // The next start is 30 s away, beyond this request's timeout: refused at once, not hung.
        let next = try await #require(throws: UpstreamError.self) {
            try await upstream.send(JSONRPCRequest(id: .number(2), method: "ping"), timeout: .seconds(1))
        }
        guard case .unavailable = next else {
            Issue.record("expected unavailable, got \(next)")
            return
        }
        await upstream.close()
    }

    @Test func responseWrittenJustBeforeExitIsStillDelivered() async throws {
        let upstream = try transport(#"read line; echo '{"jsonrpc":"2.0","id":1,"result":{}}'; exit 0"#)
        let response = try await upstream.send(ping, timeout: Self.answerWithin)
        #expect(response.id == .number(1))
        await upstream.close()
    }

    @Test func serverToClientPingIsAnswered() async throws {
        // The peer pings Warden, then echoes Warden's answer back as the result of our request.
        let upstream = try transport(
            #"read line; echo '{"jsonrpc":"2.0","id":"srv-1","method":"ping"}'; read answer; "#
                + #"printf '{"jsonrpc":"2.0","id":1,"result":{"answer":%s}}\n' "$answer"; sleep 5"#
        )
        let response = try await upstream.send(ping, timeout: Self.answerWithin)
        let result = try response.get()
        #expect(result["answer"]?["id"] == "srv-1")
        #expect(result["answer"]?["result"] == [:])
        await upstream.close()
    }

    @Test func requestToAnUninitialisedProcessIsRefusedAsAnExpiredSession() async throws {
        let upstream = try transport(#"read line; echo '{"jsonrpc":"2.0","id":1,"result":{}}'; sleep 5"#)
        await #expect(throws: UpstreamError.sessionExpired) {
            try await upstream.send(JSONRPCRequest(id: .number(1), method: "tools/list"), timeout: Self.answerWithin)
        }
        await upstream.close()
    }

    @Test func missingCommandIsUnavailableWithItsName() async throws {
        let upstream = try StdioUpstreamTransport(
            configuration: StdioUpstreamConfiguration(command: "warden-no-such-upstream"),
            parentEnvironment: ["PATH": "/usr/bin:/bin"],
            logger: DemoUpstream.logger
        )
        let error = try await #require(throws: UpstreamError.self) {
            try await upstream.send(ping, timeout: .seconds(5))
        }
        #expect(error.description.contains("warden-no-such-upstream"))
        await upstream.close()
    }
}
