import AsyncHTTPClient
import Foundation
import Testing
import WardenCore

@testable import WardenMCP

/// The Streamable HTTP transport against the real Python demo upstream (official MCP SDK, FastMCP).
@Suite(.serialized, .enabled(if: DemoUpstream.python != nil, Comment(rawValue: DemoUpstream.disabledMessage)))
struct HTTPUpstreamTests {
    private func makeClient(
        _ server: DemoHTTPServer,
        headers: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) throws -> (UpstreamClient, HTTPUpstreamTransport) {
        let transport = try HTTPUpstreamTransport(
            configuration: HTTPUpstreamConfiguration(endpoint: server.endpoint, headers: headers),
            logger: DemoUpstream.logger
        )
        return (UpstreamClient(transport: transport, requestTimeout: timeout, logger: DemoUpstream.logger), transport)
    }

    @Test(arguments: [false, true])
    func initializeListAndCallOverHTTP(jsonResponse: Bool) async throws {
        let server = try await DemoHTTPServer(jsonResponse: jsonResponse)
        defer { server.stop() }
        let (client, transport) = try makeClient(server)

        let initialized = try await client.initialize()
        #expect(initialized.serverInfo.name == "warden-demo")
        #expect(await transport.currentSessionID != nil, "the session id from initialize is remembered")

        let tools = try await client.listTools()
        #expect(tools.contains { $0.name == "pay_invoice" })
        let echoed = try await client.callTool(name: "echo", arguments: ["text": "über HTTP"])
        #expect(echoed.texts == ["über HTTP"])
        let page = try await client.callTool(name: "fetch_webpage", arguments: ["url": "https://example.com"])
        #expect(page.texts.first?.contains("IGNORE ALL PREVIOUS INSTRUCTIONS") == true)
        try await client.ping()
        await client.close()
    }

    @Test func injectedHeaderReachesTheUpstream() async throws {
        let server = try await DemoHTTPServer()
        defer { server.stop() }
        let credential = "Bearer upstream-\(UUID().uuidString)"
        let (client, _) = try makeClient(server, headers: ["Authorization": credential])
        let result = try await client.callTool(name: "http_header_digest", arguments: ["name": "authorization"])
        let digest = Digest.sha256Hex(Array(credential.utf8))
        #expect(result.structuredContent?["sha256"] == .string(digest))
        await client.close()
    }

    @Test func slowCallTimesOutAndTheSessionKeepsServing() async throws {
        let server = try await DemoHTTPServer()
        defer { server.stop() }
        let (client, _) = try makeClient(server)
        try await client.initialize()
        let error = try await #require(throws: UpstreamError.self) {
            try await client.callTool(name: "slow", arguments: ["seconds": 30], timeout: .milliseconds(500))
        }
        #expect(error == .timedOut(method: "tools/call", after: .milliseconds(500)))
        let echoed = try await client.callTool(name: "echo", arguments: ["text": "still here"])
        #expect(echoed.texts == ["still here"])
        await client.close()
    }

    @Test func expiredSessionIsReinitialisedAndTheCallSucceeds() async throws {
        let first = try await DemoHTTPServer()
        let (client, transport) = try makeClient(first)
        try await client.initialize()
        let oldSession = try #require(await transport.currentSessionID)
        let oldGeneration = await transport.sessionGeneration
        // A new server on the same port knows nothing of the old session and answers it with 404.
        first.stop()
        let second = try await DemoHTTPServer(port: first.port)
        defer { second.stop() }

        let echoed = try await client.callTool(name: "echo", arguments: ["text": "new session"])
        #expect(echoed.texts == ["new session"])
        #expect(await transport.sessionGeneration == oldGeneration + 1)
        #expect(await transport.currentSessionID != oldSession)
        await client.close()
    }

    @Test func streamClosedByTheServerIsResumedWithLastEventID() async throws {
        let server = try await DemoHTTPServer(resumable: true)
        defer { server.stop() }
        let (client, _) = try makeClient(server)
        let result = try await client.callTool(name: "echo_after_reconnect", arguments: ["text": "resumed"])
        #expect(result.texts == ["resumed"])
        await client.close()
    }

    @Test func closeDeletesTheSession() async throws {
        let server = try await DemoHTTPServer()
        defer { server.stop() }
        let (client, transport) = try makeClient(server)
        try await client.initialize()
        let session = try #require(await transport.currentSessionID)
        await client.close()

        var probe = HTTPClientRequest(url: server.endpoint)
        probe.method = .POST
        probe.headers.add(name: "Accept", value: "application/json, text/event-stream")
        probe.headers.add(name: "Content-Type", value: "application/json")
        probe.headers.add(name: "Mcp-Session-Id", value: session)
        probe.headers.add(name: "MCP-Protocol-Version", value: MCPProtocolVersion.latest)
        probe.body = .bytes(Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8))
        let response = try await HTTPClient.shared.execute(probe, timeout: .seconds(30))
        #expect(response.status.code == 404, "the deleted session must be unknown to the server")
    }
}

/// HTTP upstream configuration is checked before any request is made.
@Suite struct HTTPUpstreamConfigurationTests {
    @Test(
        "configuration may not set protocol headers or smuggle line breaks",
        arguments: [
            ["Mcp-Session-Id": "x"], ["mcp-protocol-version": "2025-06-18"], ["Host": "evil.example"],
            ["Authorization": "Bearer a\r\nX-Evil: 1"], ["Bad Header": "v"],
        ]
    )
    func invalidHeaderConfigurationIsRefused(_ headers: [String: String]) {
        #expect(throws: HTTPUpstreamConfiguration.Invalid.self) {
            try HTTPUpstreamTransport(
                configuration: HTTPUpstreamConfiguration(endpoint: "http://127.0.0.1:1/mcp", headers: headers),
                logger: DemoUpstream.logger
            )
        }
    }
}
