import Foundation
import Testing
import WardenCore

@testable import WardenMCP

/// The stdio transport against the real Python demo upstream (official MCP SDK, FastMCP).
@Suite(.serialized, .enabled(if: DemoUpstream.python != nil, Comment(rawValue: DemoUpstream.disabledMessage)))
struct StdioUpstreamTests {
    private func makeClient(
        inject: [String: String] = [:],
        parentEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        timeout: Duration = .seconds(60)
    ) throws -> (UpstreamClient, StdioUpstreamTransport) {
        let transport = try StdioUpstreamTransport(
            configuration: try DemoUpstream.stdioConfiguration(inject: inject),
            parentEnvironment: parentEnvironment,
            logger: DemoUpstream.logger
        )
        return (UpstreamClient(transport: transport, requestTimeout: timeout, logger: DemoUpstream.logger), transport)
    }

    @Test func initializeListAndCallOverStdio() async throws {
        let (client, _) = try makeClient()
        let initialized = try await client.initialize()
        #expect(initialized.serverInfo.name == "warden-demo")
        #expect(MCPProtocolVersion.isSupported(initialized.protocolVersion))

        let names = Set(try await client.listTools().map(\.name))
        for expected in [
            "lookup_invoice", "update_invoice_status", "send_email", "pay_invoice", "fetch_webpage", "echo", "crash",
            "slow", "env_var_digest",
        ] {
            #expect(names.contains(expected), "missing tool \(expected)")
        }

        let echoed = try await client.callTool(name: "echo", arguments: ["text": "hello über 🙂"])
        #expect(echoed.texts == ["hello über 🙂"])
        #expect(!echoed.isError)

        let invoice = try await client.callTool(name: "lookup_invoice", arguments: ["invoice_id": "INV-1001"])
        #expect(invoice.structuredContent?["customer"] == "Acme GmbH")

        let missing = try await client.callTool(name: "lookup_invoice", arguments: ["invoice_id": "INV-0"])
        #expect(missing.isError, "a tool's own failure is a result with isError, not a JSON-RPC error")
        try await client.ping()
        await client.close()
    }

    @Test func concurrentCallsEachGetTheirOwnResponse() async throws {
        let (client, _) = try makeClient()
        let texts = (0..<8).map { "call-\($0)" }
        let results = try await withThrowingTaskGroup(of: (String, [String]).self) { group in
            for text in texts {
                group.addTask {
                    (text, try await client.callTool(name: "echo", arguments: ["text": .string(text)]).texts)
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        for text in texts { #expect(results[text] == [text]) }
        await client.close()
    }

    @Test func upstreamJSONRPCErrorSurfacesAsATypedError() async throws {
        let (client, _) = try makeClient()
        // tools/call without a tool name: the SDK answers -32602.
        let error = try await #require(throws: UpstreamError.self) {
            try await client.request(MCPMethod.toolsCall, params: ["arguments": [:]])
        }
        guard case .rpcError(let object) = error else {
            Issue.record("expected rpcError, got \(error)")
            return
        }
        #expect(object.code == .invalidParams)
        await client.close()
    }

    @Test func crashFailsTheCallThenTheProcessRestartsAndTheNextCallWorks() async throws {
        let (client, transport) = try makeClient()
        try await client.initialize()
        let firstGeneration = await transport.sessionGeneration
        let firstPID = try #require(await transport.processID)

        let error = try await #require(throws: UpstreamError.self) {
            try await client.callTool(name: "crash", arguments: [:])
        }
        #expect(error == .processExited(status: 3))

        let echoed = try await client.callTool(name: "echo", arguments: ["text": "after restart"])
        #expect(echoed.texts == ["after restart"])
        #expect(await transport.sessionGeneration > firstGeneration)
        #expect(await transport.restartCount == 1)
        #expect(await transport.processID != firstPID)
        await client.close()
    }

    @Test func slowCallTimesOutAndTheUpstreamKeepsServing() async throws {
        let (client, _) = try makeClient()
        try await client.initialize()
        let error = try await #require(throws: UpstreamError.self) {
            try await client.callTool(name: "slow", arguments: ["seconds": 30], timeout: .milliseconds(500))
        }
        #expect(error == .timedOut(method: "tools/call", after: .milliseconds(500)))
        let echoed = try await client.callTool(name: "echo", arguments: ["text": "still here"])
        #expect(echoed.texts == ["still here"])
        await client.close()
    }

    @Test func upstreamSeesInjectedSecretsButNotTheGatewayEnvironment() async throws {
        let secret = "upstream-credential-\(UUID().uuidString)"
        var parent = ProcessInfo.processInfo.environment
        parent["WARDEN_GATEWAY_SECRET"] = "must-not-leak"
        let (client, _) = try makeClient(inject: ["DEMO_API_TOKEN": secret], parentEnvironment: parent)

        let injected = try await client.callTool(name: "env_var_digest", arguments: ["name": "DEMO_API_TOKEN"])
        let digest = Digest.sha256Hex(Array(secret.utf8))
        #expect(injected.structuredContent?["set"] == true)
        #expect(injected.structuredContent?["sha256"] == .string(digest))

        let leaked = try await client.callTool(name: "env_var_digest", arguments: ["name": "WARDEN_GATEWAY_SECRET"])
        #expect(leaked.structuredContent?["set"] == false)

        let names = try await client.callTool(name: "env_var_names", arguments: [:])
        let seen = Set(names.structuredContent?["result"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(seen.contains("DEMO_API_TOKEN"))
        // Python itself may add LC_CTYPE when it coerces a C locale; nothing else may appear.
        #expect(seen.isSubset(of: ["PATH", "HOME", "LANG", "LC_CTYPE", "DEMO_API_TOKEN"]), "unexpected: \(seen)")
        await client.close()
    }

    @Test func closeStopsTheProcessAndFailsLaterCalls() async throws {
        let (client, transport) = try makeClient()
        try await client.initialize()
        await client.close()
        #expect(await transport.processID == nil)
        await #expect(throws: UpstreamError.closed) { try await client.ping() }
    }
}
