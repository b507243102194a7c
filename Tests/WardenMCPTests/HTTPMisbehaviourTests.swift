import Foundation
import Testing
import WardenCore

@testable import WardenMCP

/// The Streamable HTTP transport against a peer that breaks the protocol on purpose.
@Suite(.serialized, .enabled(if: DemoUpstream.python != nil, Comment(rawValue: DemoUpstream.disabledMessage)))
struct HTTPMisbehaviourTests {
    private let request = JSONRPCRequest(id: .number(42), method: "tools/list")

    private func send(to server: DemoHTTPServer, route: String, maxResponseBytes: Int = 64 * 1024)
        async throws(UpstreamError) -> JSONRPCResponse
    {
        let transport: HTTPUpstreamTransport
        do {
            transport = try HTTPUpstreamTransport(
                configuration: HTTPUpstreamConfiguration(
                    endpoint: "http://127.0.0.1:\(server.port)/\(route)",
                    maxResponseBytes: maxResponseBytes
                ),
                logger: DemoUpstream.logger
            )
        } catch {
            throw .transport("\(error)")
        }
        do {
            let response = try await transport.send(request, timeout: .seconds(30))
            await transport.close()
            return response
        } catch {
            await transport.close()
            throw error
        }
    }

    @Test func sseResponseIsFoundAmongNotificationsServerRequestsAndOtherIds() async throws {
        let server = try await DemoHTTPServer.fake()
        defer { server.stop() }
        let response = try await send(to: server, route: "sse-noise")
        #expect(response == .success(JSONRPCSuccessResponse(id: .number(42), result: ["ok": true])))
    }

    @Test func jsonBodyOverTheLimitIsRefused() async throws {
        let server = try await DemoHTTPServer.fake()
        defer { server.stop() }
        await #expect(throws: UpstreamError.messageTooLarge(limit: 64 * 1024)) {
            try await send(to: server, route: "big")
        }
    }

    @Test func endlessSSEStreamIsCutAtTheLimit() async throws {
        let server = try await DemoHTTPServer.fake()
        defer { server.stop() }
        await #expect(throws: UpstreamError.messageTooLarge(limit: 64 * 1024)) {
            try await send(to: server, route: "sse-endless")
        }
    }

    @Test func responseForAnotherIdIsAProtocolViolation() async throws {
        let server = try await DemoHTTPServer.fake()
        defer { server.stop() }
        let error = try await #require(throws: UpstreamError.self) { try await send(to: server, route: "wrong-id") }
        guard case .protocolViolation = error else {
            Issue.record("expected protocolViolation, got \(error)")
            return
        }
    }

    @Test(arguments: ["html", "accepted"])
    func answerThatIsNotAJSONRPCResponseIsAProtocolViolation(route: String) async throws {
        let server = try await DemoHTTPServer.fake()
        defer { server.stop() }
        let error = try await #require(throws: UpstreamError.self) { try await send(to: server, route: route) }
        guard case .protocolViolation = error else {
            Issue.record("expected protocolViolation, got \(error)")
            return
        }
    }

    @Test func httpErrorWithAJSONRPCErrorBodyIsThatError() async throws {
        let server = try await DemoHTTPServer.fake()
        defer { server.stop() }
        let response = try await send(to: server, route: "error-json")
        guard case .error(let error) = response else {
            Issue.record("expected an error response, got \(response)")
            return
        }
        #expect(error.error.code.rawValue == -32001)
    }

    @Test func redirectIsNotFollowedSoCredentialsStayWithTheUpstream() async throws {
        let server = try await DemoHTTPServer.fake()
        defer { server.stop() }
        await #expect(throws: UpstreamError.httpStatus(307)) { try await send(to: server, route: "redirect") }
    }
}
