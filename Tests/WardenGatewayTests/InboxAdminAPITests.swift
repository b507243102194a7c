import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WardenCore

@testable import WardenGateway

/// Bearer `NAME:role1,role2` is the principal NAME with those roles (in process only).
struct RoleTokenAuthenticator: AgentAuthenticator {
    func authenticate(authorization: [String], tokenInQuery: Bool) async -> Result<Principal, AuthenticationFailure> {
        guard let value = authorization.first, value.hasPrefix("Bearer "), !tokenInQuery else {
            return .failure(
                AuthenticationFailure(status: 401, challenge: "Bearer", rule: "auth.missing-token", message: "no"))
        }
        let parts = value.dropFirst("Bearer ".count).split(separator: ":", maxSplits: 1)
        let roles = parts.count > 1 ? Set(parts[1].split(separator: ",").map(String.init)) : []
        return .success(Principal(tenant: "acme", subject: String(parts[0]), issuer: "https://idp", roles: roles))
    }
}

@Suite("Admin approvals API: the same service as the CLI and the inbox, behind the admin or approver role")
struct InboxAdminAPITests {
    @Test("list, show, approve and deny as JSON; roles and self-approval enforced")
    func approvalsAPI() async throws {
        let f = try await InboxFixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let first = try await f.hold()
        let second = try await f.hold(amount: "99.00")
        let router = Router()
        ApprovalsEndpoint(service: f.service, authenticator: RoleTokenAuthenticator()).register(on: router)
        try await Application(router: router).test(.router) { client in
            let anonymous = try await client.execute(uri: "/approvals", method: .get)
            #expect(anonymous.status == .unauthorized)
            let auditor = try await client.execute(
                uri: "/approvals", method: .get, headers: [.authorization: "Bearer carol:auditor"])
            #expect(auditor.status == .forbidden && String(buffer: auditor.body).contains("admin.role-required"))
            let listed = try await client.execute(
                uri: "/approvals", method: .get, headers: [.authorization: "Bearer carol:approver"])
            let body = String(buffer: listed.body)
            #expect(listed.status == .ok && body.contains(first.id) && body.contains(second.id))
            #expect(body.contains("pay EUR 12,400.00"))
            let shown = try await client.execute(
                uri: "/approvals/\(first.id)", method: .get, headers: [.authorization: "Bearer carol:admin"])
            #expect(String(buffer: shown.body).contains("DE89370400440532013000"))

            let own = try await client.execute(
                uri: "/approvals/\(first.id)/approve", method: .post,
                headers: [.authorization: "Bearer clerk-agent:approver"],
                body: ByteBuffer(string: #"{}"#))
            #expect(own.status == .forbidden && String(buffer: own.body).contains("approval.self-approval"))
            let extra = try await client.execute(
                uri: "/approvals/\(first.id)/approve", method: .post,
                headers: [.authorization: "Bearer carol:approver"],
                body: ByteBuffer(string: #"{"approver":"carol","amount":1}"#))
            #expect(extra.status == .badRequest)
            // An admin may read, not decide; nobody decides in someone else's name.
            let adminOnly = try await client.execute(
                uri: "/approvals/\(first.id)/approve", method: .post, headers: [.authorization: "Bearer carol:admin"],
                body: ByteBuffer(string: #"{"reason":"ok"}"#))
            #expect(adminOnly.status == .forbidden)
            let impersonated = try await client.execute(
                uri: "/approvals/\(first.id)/approve", method: .post,
                headers: [.authorization: "Bearer carol:approver"],
                body: ByteBuffer(string: #"{"approver":"alice","reason":"ok"}"#))
            #expect(
                impersonated.status == .forbidden
                    && String(buffer: impersonated.body).contains("approval.approver-mismatch"))
            let approved = try await client.execute(
                uri: "/approvals/\(first.id)/approve", method: .post,
                headers: [.authorization: "Bearer carol:approver"],
                body: ByteBuffer(string: #"{"approver":"carol","reason":"ok"}"#))
            #expect(approved.status == .ok && String(buffer: approved.body).contains(#""state":"approved""#))
            let again = try await client.execute(
                uri: "/approvals/\(first.id)/deny", method: .post, headers: [.authorization: "Bearer carol:approver"],
                body: ByteBuffer(string: #"{}"#))
            #expect(again.status == .conflict && String(buffer: again.body).contains("approval.already-decided"))
            let denied = try await client.execute(
                uri: "/approvals/\(second.id)/deny", method: .post, headers: [.authorization: "Bearer dave:approver"],
                body: ByteBuffer(string: #"{"reason":"too small to bother"}"#))
            #expect(denied.status == .ok)
            let unknown = try await client.execute(
                uri: "/approvals/apr-nope", method: .get, headers: [.authorization: "Bearer carol:admin"])
            #expect(unknown.status == .notFound)
        }
        #expect(try await f.service.store.request(id: first.id)?.approver == "carol")
        #expect(try await f.service.store.request(id: second.id)?.reason == "too small to bother")
    }
}

@Suite("inbox: configuration")
struct InboxConfigurationTests {
    static let base = """
        tenant: acme
        listeners:
          agents: { bind: 127.0.0.1:8790, allow: [127.0.0.1/32] }
        upstreams:
          billing:
            transport: builtin-demo
            tools: { pay_invoice: spend }
        roles:
          analyst: [read]

        """

    static func load(_ inbox: String) throws -> CellConfiguration {
        try ConfigurationLoader.parse(base + inbox, file: "warden.yaml", baseDirectory: "/srv/warden")
    }

    static func error(_ inbox: String) -> ConfigurationError? {
        do {
            _ = try load(inbox)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            return nil
        }
    }

    @Test("the inbox's listener, public URL and OIDC client, with defaults")
    func parses() throws {
        let configuration = try Self.load(
            """
            inbox:
              bind: 0.0.0.0:8443
              allow: [10.0.0.0/8]
              public_url: https://approvals.acme.example/
              oidc:
                issuer: https://login.acme.example
                client_id: warden-inbox
                client_secret: secret://inbox-client
            """)
        let inbox = try #require(configuration.inbox)
        #expect(inbox.listener.port == 8443 && inbox.listener.host == "0.0.0.0")
        #expect(inbox.publicURL == "https://approvals.acme.example" && inbox.isHTTPS)
        #expect(inbox.oidc.clientSecret?.secretNames == ["inbox-client"])
        #expect(inbox.oidc.roleClaim == "roles" && inbox.oidc.approverRole == "approver")
        #expect(inbox.oidc.scopes == ["openid", "email", "profile"])
        #expect(inbox.sessionHours == 8 && inbox.idleMinutes == 30 && inbox.separationOfDuties)
    }

    @Test("unsafe or incomplete settings are errors that name the line and key")
    func refusals() {
        let plainHTTP = Self.error(
            """
            inbox:
              bind: 0.0.0.0:8443
              allow: [10.0.0.0/8]
              public_url: http://approvals.acme.example
              oidc: { issuer: https://login.acme.example, client_id: c }
            """)
        #expect(plainHTTP?.key == "inbox.public_url" && plainHTTP?.line == 13)
        let literal = Self.error(
            """
            inbox:
              bind: 127.0.0.1:8443
              allow: [127.0.0.1/32]
              public_url: http://127.0.0.1:8443
              oidc: { issuer: https://login.acme.example, client_id: c, client_secret: hunter2 }
            """)
        #expect(literal?.key == "inbox.oidc.client_secret")
        let noAllow = Self.error(
            """
            inbox:
              bind: 127.0.0.1:8443
              public_url: http://127.0.0.1:8443
              oidc: { issuer: https://login.acme.example, client_id: c }
            """)
        #expect(noAllow?.message.contains("allow") == true, "\(String(describing: noAllow))")
        let httpIssuer = Self.error(
            """
            inbox:
              bind: 127.0.0.1:8443
              allow: [127.0.0.1/32]
              public_url: http://127.0.0.1:8443
              oidc: { issuer: http://127.0.0.1:9400, client_id: c }
            """)
        #expect(httpIssuer?.key == "inbox.oidc.issuer")
        let unknown = Self.error(
            """
            inbox:
              bind: 127.0.0.1:8443
              allow: [127.0.0.1/32]
              public_url: http://127.0.0.1:8443
              oidc: { issuer: https://login.acme.example, client_id: c }
              sessions: 3
            """)
        #expect(unknown?.key == "inbox.sessions")
    }
}
