import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import WardenCore

@testable import WardenGateway

/// Bearer tokens `alice`/`bob` name a principal with the `mailer` role (in process only; the e2e suite runs the
/// real OAuth resource server against a real authorization server).
struct NamedTokenAuthenticator: AgentAuthenticator {
    func authenticate(authorization: [String], tokenInQuery: Bool) async -> Result<Principal, AuthenticationFailure> {
        guard let value = authorization.first, value.hasPrefix("Bearer "), !tokenInQuery else {
            return .failure(
                AuthenticationFailure(status: 401, challenge: "Bearer", rule: "auth.missing-token", message: "no"))
        }
        let subject = String(value.dropFirst("Bearer ".count))
        return .success(Principal(tenant: "acme", subject: subject, issuer: "https://idp", roles: ["mailer"]))
    }
}

@Suite("The MCP endpoint over HTTP, in process: sessions, run ids and the delivery contract")
struct MCPEndpointTests {
    static func router(_ f: ToolCallPipelineTests.Fixture, serverTiming: Bool = false) -> Router<BasicRequestContext> {
        var endpoint = MCPHTTPEndpoint(
            path: "/mcp", resourceMetadataURL: "http://127.0.0.1/.well-known/oauth-protected-resource/mcp",
            allowedOrigins: [], maxBodyBytes: 1 << 20, authenticator: NamedTokenAuthenticator(),
            sessions: MCPSessionStore(idleSeconds: 60, maxSessions: 10, maxPerSubject: 2),
            dispatcher: MCPDispatcher(pipeline: f.pipeline), serverVersion: "test", logger: Logger(label: "test"))
        endpoint.serverTiming = serverTiming
        let router = Router()
        endpoint.register(on: router)
        return router
    }

    static func headers(_ token: String, session: String? = nil, run: String? = nil) -> HTTPFields {
        var fields: HTTPFields = [
            .authorization: "Bearer \(token)", .contentType: "application/json", .accept: "application/json",
        ]
        if let session {
            fields[MCPHTTPEndpoint.sessionHeader] = session
            fields[MCPHTTPEndpoint.versionHeader] = "2025-06-18"
        }
        if let run { fields[MCPHTTPEndpoint.runHeader] = run }
        return fields
    }

    static let initialize = ByteBuffer(
        string:
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
    )

    /// A pipeline fixture whose `mailer` agents are held to the delivery contract.
    static func mailersMustDeliver() async throws -> ToolCallPipelineTests.Fixture {
        var settings = DeliverySettings()
        settings.requiredRoles = ["mailer"]
        return try await ToolCallPipelineTests.fixture(delivery: settings)
    }

    static func call(_ tool: String, _ arguments: String) -> ByteBuffer {
        ByteBuffer(
            string: #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":""# + tool + #"","arguments":"#
                + arguments + "}}")
    }

    @Test("a run id belongs to the principal that started it; closing a session without delivering escalates it")
    func runsOverHTTP() async throws {
        let f = try await Self.mailersMustDeliver()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let app = Application(router: Self.router(f))
        try await app.test(.router) { client in
            let alice = try await client.execute(
                uri: "/mcp", method: .post, headers: Self.headers("alice"), body: Self.initialize)
            let session = try #require(alice.headers[MCPHTTPEndpoint.sessionHeader])
            let listed = try await client.execute(
                uri: "/mcp", method: .post, headers: Self.headers("alice", session: session),
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":3,"method":"tools/list"}"#))
            #expect(String(buffer: listed.body).contains("warden.escalate"))
            // alice starts run r-1 with a call; bob presenting r-1 is refused.
            _ = try await client.execute(
                uri: "/mcp", method: .post, headers: Self.headers("alice", session: session, run: "r-1"),
                body: Self.call("mail.pay", #"{"amount":5}"#))
            let bob = try await client.execute(
                uri: "/mcp", method: .post, headers: Self.headers("bob"), body: Self.initialize)
            let bobSession = try #require(bob.headers[MCPHTTPEndpoint.sessionHeader])
            let stolen = try await client.execute(
                uri: "/mcp", method: .post, headers: Self.headers("bob", session: bobSession, run: "r-1"),
                body: Self.call("mail.pay", #"{"amount":5}"#))
            // bob's r-1 is bob's own run: alice's run r-1 is untouched (one call, still open).
            #expect(!String(buffer: stolen.body).contains("run.refused"))
            // (Calls are counted in memory and written by the sweep.)
            await f.runs.flush()
            let aliceRun = try await f.runs.store.run(id: f.runs.key(name: "r-1", subject: "alice"))
            #expect(aliceRun?.calls == 1 && aliceRun?.state == .open)
            // alice's session, closed with nothing delivered, ends its run escalated.
            let closed = try await client.execute(
                uri: "/mcp", method: .delete, headers: Self.headers("alice", session: session))
            #expect(closed.status == .noContent)
            #expect(try await f.runs.store.run(id: f.runs.key(name: session, subject: "alice"))?.state == .escalated)
        }
        #expect(await f.inbox.notices.isEmpty)  // queued; the sweep delivers it
        await f.runs.sweep()
        #expect(await f.inbox.notices.map(\.by).contains("closed"))
    }

    @Test("with mcp.server_timing, an answer says how long Warden took and how long the upstream did; not by default")
    func serverTiming() async throws {
        let f = try await Self.mailersMustDeliver()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let timing = try #require(HTTPField.Name("Server-Timing"))
        @Sendable func durations(_ value: String?) -> [String: Double] {
            var found: [String: Double] = [:]
            for part in (value ?? "").split(separator: ",") {
                let pieces = part.trimmingCharacters(in: .whitespaces).split(separator: ";")
                guard pieces.count == 2, pieces[1].hasPrefix("dur=") else { continue }
                found[String(pieces[0])] = Double(pieces[1].dropFirst(4))
            }
            return found
        }
        try await Application(router: Self.router(f, serverTiming: true)).test(.router) { client in
            // A caller that has not authenticated learns nothing about Warden's timings.
            var anonymous = Self.headers("alice")
            anonymous[.authorization] = nil
            let refused = try await client.execute(
                uri: "/mcp", method: .post, headers: anonymous, body: Self.initialize)
            #expect(refused.status == .unauthorized && refused.headers[timing] == nil)
            let opened = try await client.execute(
                uri: "/mcp", method: .post, headers: Self.headers("alice"), body: Self.initialize)
            let session = try #require(opened.headers[MCPHTTPEndpoint.sessionHeader])
            #expect(durations(opened.headers[timing])["upstream"] == 0)
            let called = try await client.execute(
                uri: "/mcp", method: .post, headers: Self.headers("alice", session: session),
                body: Self.call("mail.send", #"{"to":"bob@example.com","body":"hi"}"#))
            let split = durations(called.headers[timing])
            let own = try #require(split["warden"])
            let upstream = try #require(split["upstream"])
            #expect(own > 0)
            // The upstream's time counts only when the call reached it.
            #expect((await f.upstream.state.calls > 0) == (upstream > 0))
        }
        try await Application(router: Self.router(f)).test(.router) { client in
            let opened = try await client.execute(
                uri: "/mcp", method: .post, headers: Self.headers("alice"), body: Self.initialize)
            #expect(opened.headers[timing] == nil)
        }
    }

    @Test("a session closed to make room ends its run as evicted, not later as idle")
    func evictionEndsTheRun() async throws {
        let f = try await Self.mailersMustDeliver()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let app = Application(router: Self.router(f))
        try await app.test(.router) { client in
            var sessions: [String] = []
            for _ in 0..<3 {  // the cap is two per subject: the third evicts the first
                let opened = try await client.execute(
                    uri: "/mcp", method: .post, headers: Self.headers("alice"), body: Self.initialize)
                sessions.append(try #require(opened.headers[MCPHTTPEndpoint.sessionHeader]))
            }
            let first = try await f.runs.store.run(id: f.runs.key(name: sessions[0], subject: "alice"))
            #expect(first?.state == .escalated && first?.endReason == "evicted")
            let newest = try await f.runs.store.run(id: f.runs.key(name: sessions[2], subject: "alice"))
            #expect(newest?.state == .open)
        }
    }
}
