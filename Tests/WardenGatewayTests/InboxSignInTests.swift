import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import WardenCore
import WardenOAuth

@testable import WardenGateway

/// A fake OpenID provider in process: discovery, a JWKS (an ES256 key published without `kid`, as some providers
/// do), and a token endpoint that returns whatever ID token the test composes for the code it redeems.
final class FakeProvider: OIDCTransport, Sendable {
    static let issuer = "https://idp.example"
    static let clientID = "warden-inbox"
    let key = P256.Signing.PrivateKey()
    /// Claims of the next ID token (the test sets `nonce` from the authorization URL), and how to spoil it.
    let next = Locked<(claims: [String: JSONValue], tamper: Bool)>(([:], false))
    /// The last token request's form (to check the PKCE verifier and the redirect URI).
    let lastForm = Locked<[String: String]>([:])

    func get(_ url: String) async throws -> HTTPDocument {
        switch url {
        case Self.issuer + "/.well-known/openid-configuration":
            return Self.document([
                "issuer": .string(Self.issuer), "authorization_endpoint": .string(Self.issuer + "/authorize"),
                "token_endpoint": .string(Self.issuer + "/token"), "jwks_uri": .string(Self.issuer + "/jwks"),
            ])
        case Self.issuer + "/jwks":
            let point = Array(key.publicKey.x963Representation)
            return Self.document([
                "keys": [
                    [
                        "kty": "EC", "crv": "P-256", "use": "sig",
                        "x": .string(InboxTokens.base64URL(point[1...32])),
                        "y": .string(InboxTokens.base64URL(point[33...64])),
                    ]
                ]
            ])
        default:
            return HTTPDocument(status: 404, body: [])
        }
    }

    func postForm(_ url: String, form: [(String, String)], basic: (user: String, password: String)?) async throws
        -> HTTPDocument
    {
        lastForm.withLock { $0 = Dictionary(form, uniquingKeysWith: { a, _ in a }) }
        let (claims, tamper) = next.withLock { $0 }
        var token = try idToken(claims)
        if tamper {
            // Another subject in the payload, the original signature kept.
            let parts = token.split(separator: ".")
            var payload = claims
            payload["sub"] = "mallory"
            token = parts[0] + "." + InboxTokens.base64URL(CanonicalJSON.encode(.object(payload))) + "." + parts[2]
        }
        return Self.document(["id_token": .string(token), "token_type": "Bearer", "access_token": "opaque"])
    }

    func idToken(_ claims: [String: JSONValue]) throws -> String {
        let header = InboxTokens.base64URL(CanonicalJSON.encode(["alg": "ES256", "typ": "JWT"]))
        let payload = InboxTokens.base64URL(CanonicalJSON.encode(.object(claims)))
        let signature = try key.signature(for: Data((header + "." + payload).utf8))
        return header + "." + payload + "." + InboxTokens.base64URL(signature.rawRepresentation)
    }

    static func document(_ value: JSONValue) -> HTTPDocument {
        HTTPDocument(status: 200, body: CanonicalJSON.encode(value))
    }

    /// Standard claims for `subject` with `roles`, bound to `nonce`.
    static func claims(subject: String, roles: [String], nonce: String) -> [String: JSONValue] {
        let now = Int64(Date().timeIntervalSince1970)
        return [
            "iss": .string(issuer), "aud": .string(clientID), "sub": .string(subject), "nonce": .string(nonce),
            "iat": .integer(now), "exp": .integer(now + 300), "email": .string("\(subject)@example.com"),
            "roles": .array(roles.map { .string($0) }),
        ]
    }
}

/// A cell's approvals (real store and service, temporary folder), an inbox over them and the fake provider.
struct InboxFixture {
    static let origin = "https://inbox.example"
    let directory: String
    let service: ApprovalService
    let provider: FakeProvider
    let routes: InboxRoutes
    let now = Date()

    init(
        separationOfDuties: Bool = true, sessions: InboxSessionStore? = nil,
        ledger: (@Sendable (String) async throws -> RunLedgerEntries)? = nil
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("inbox-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keys = try await CellKeys.open(dataDirectory: directory, tenant: "acme", environment: [:])
        let configuration = CellConfiguration(
            tenant: "acme", dataDirectory: directory, publicURL: "http://127.0.0.1:8790",
            agentListener: ListenerConfiguration(host: "127.0.0.1", port: 0, allowlist: IngressAllowlist([])),
            adminListener: nil, limits: Limits(), mcp: MCPSettings(), auth: nil, upstreams: [], roles: [:],
            sourceFile: nil)
        service = try ApprovalService(configuration: configuration, keys: keys)
        provider = FakeProvider()
        var settings = InboxSettings(
            listener: ListenerConfiguration(host: "127.0.0.1", port: 0, allowlist: IngressAllowlist([])),
            publicURL: Self.origin,
            oidc: InboxOIDCSettings(issuer: FakeProvider.issuer, clientID: FakeProvider.clientID))
        settings.separationOfDuties = separationOfDuties
        let oidc = OIDCProvider(
            settings: settings.oidc, redirectURI: Self.origin + "/callback", transport: provider,
            clientSecret: { "s3cr3t-for-tests" })  // pragma: allowlist secret
        routes = try InboxRoutes(
            settings: settings, service: service,
            runs: try SQLiteRunStore(path: CellLayout(dataDirectory: directory).runs), provider: oidc,
            sessions: sessions, ledger: try await ledger?(directory), logger: Logger(label: "inbox-test"))
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        routes.register(on: router)
        return router
    }

    static let payment: [String: JSONValue] = [
        "invoice_id": "INV-1002", "amount": "12400.00", "iban": "DE89370400440532013000", "currency": "EUR",
    ]

    /// Holds `agent`'s payment of `amount` as the approval gate would.
    func hold(agent: String = "clerk-agent", amount: String = "12400.00") async throws -> ApprovalRequest {
        var arguments = Self.payment
        arguments["amount"] = .string(amount)
        return try await service.store.hold(
            actionDigest: ToolCallRequest.actionDigest(tool: "billing.pay_invoice", arguments: arguments),
            agent: agent, tool: "billing.pay_invoice", arguments: arguments, now: now
        ).request
    }

    static func digest(amount: String = "12400.00") -> String {
        var arguments = payment
        arguments["amount"] = .string(amount)
        return ToolCallRequest.actionDigest(tool: "billing.pay_invoice", arguments: arguments)
    }
}

/// Browser-side helpers: cookies from `Set-Cookie`, the query of a redirect, a hidden field of a form.
enum Browser {
    static func setCookies(_ response: TestResponse) -> [String] {
        response.headers[values: .setCookie]
    }

    /// `name=value` of the cookie named `name` in the response's `Set-Cookie` headers.
    static func cookie(_ name: String, in response: TestResponse) -> String? {
        setCookies(response).first { $0.hasPrefix(name + "=") }.map { String($0.prefix { $0 != ";" }) }
    }

    static func query(_ location: String) -> [String: String] {
        FormEncoding.decode(String(location.split(separator: "?", maxSplits: 1).last ?? "")) ?? [:]
    }

    static func field(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func form(_ pairs: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: FormEncoding.encode(pairs))
    }

    static func post(cookie: String?, origin: String? = InboxFixture.origin) -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { fields[.cookie] = cookie }
        if let origin { fields[.origin] = origin }
        return fields
    }

    /// Signs `subject` in through the whole flow; returns the session cookie (nil when refused) and the callback.
    static func signIn(
        _ client: some TestClientProtocol, _ f: InboxFixture, subject: String = "alice", roles: [String] = ["approver"],
        nonce: String? = nil, tamper: Bool = false
    ) async throws -> (cookie: String?, callback: TestResponse) {
        let login = try await client.execute(uri: "/login", method: .get)
        let location = try #require(login.headers[.location])
        let query = query(location)
        let state = try #require(query["state"])
        f.provider.next.withLock {
            $0 = (FakeProvider.claims(subject: subject, roles: roles, nonce: nonce ?? query["nonce"] ?? ""), tamper)
        }
        let loginCookie = try #require(cookie("__Host-warden-login", in: login))
        let callback = try await client.execute(
            uri: "/callback?code=code-1&state=\(state)", method: .get, headers: [.cookie: loginCookie])
        return (cookie("__Host-warden-inbox", in: callback), callback)
    }
}

@Suite("Inbox sign-in: OIDC code flow with PKCE, state and nonce checked, the ID token verified, role required")
struct InboxSignInTests {
    @Test("an approver signs in: PKCE S256, state, nonce; the session cookie is __Host-, Secure, HttpOnly, Strict")
    func signInSetsAHardenedSession() async throws {
        let f = try await InboxFixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        try await Application(router: f.router()).test(.router) { client in
            let login = try await client.execute(uri: "/login", method: .get)
            #expect(login.status == .seeOther)
            let location = try #require(login.headers[.location])
            #expect(location.hasPrefix(FakeProvider.issuer + "/authorize?"))
            let query = Browser.query(location)
            #expect(query["response_type"] == "code" && query["code_challenge_method"] == "S256")
            #expect(query["client_id"] == FakeProvider.clientID)
            #expect(query["redirect_uri"] == InboxFixture.origin + "/callback")
            #expect(query["scope"] == "openid email profile")
            #expect((query["state"]?.count ?? 0) >= 43 && (query["nonce"]?.count ?? 0) >= 43)
            let loginCookie = try #require(Browser.setCookies(login).first)
            #expect(loginCookie.contains("SameSite=Lax") && loginCookie.contains("HttpOnly"))
            #expect(loginCookie.contains("Secure") && loginCookie.contains("Path=/"))

            f.provider.next.withLock {
                $0 = (FakeProvider.claims(subject: "alice", roles: ["approver"], nonce: query["nonce"] ?? ""), false)
            }
            let callback = try await client.execute(
                uri: "/callback?code=code-1&state=\(query["state"] ?? "")", method: .get,
                headers: [.cookie: try #require(Browser.cookie("__Host-warden-login", in: login))])
            #expect(callback.status == .ok)
            // The verifier sent to the token endpoint is the one whose S256 challenge went to the browser.
            let form = f.provider.lastForm.withLock { $0 }
            #expect(InboxTokens.pkceChallenge(verifier: form["code_verifier"] ?? "") == query["code_challenge"])
            #expect(form["redirect_uri"] == InboxFixture.origin + "/callback" && form["code"] == "code-1")
            let session = try #require(
                Browser.setCookies(callback).first { $0.hasPrefix("__Host-warden-inbox=") })
            for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
                #expect(session.contains(attribute), "\(attribute) missing from \(session)")
            }
            #expect(!session.contains("Domain"))
            let home = try await client.execute(
                uri: "/", method: .get, headers: [.cookie: String(session.prefix { $0 != ";" })])
            #expect(String(buffer: home.body).contains("alice@example.com"))
        }
    }

    @Test("a callback whose state is not this browser's, or is used twice, signs nobody in")
    func wrongOrReplayedStateIsRefused() async throws {
        let f = try await InboxFixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        try await Application(router: f.router()).test(.router) { client in
            let login = try await client.execute(uri: "/login", method: .get)
            let query = Browser.query(login.headers[.location] ?? "")
            let cookie = try #require(Browser.cookie("__Host-warden-login", in: login))
            f.provider.next.withLock {
                $0 = (FakeProvider.claims(subject: "alice", roles: ["approver"], nonce: query["nonce"] ?? ""), false)
            }
            // Another state than the browser's login cookie (login CSRF), and a callback without the cookie.
            let other = try await client.execute(uri: "/login", method: .get)
            let otherState = Browser.query(other.headers[.location] ?? "")["state"] ?? ""
            let mismatched = try await client.execute(
                uri: "/callback?code=c&state=\(otherState)", method: .get, headers: [.cookie: cookie])
            #expect(mismatched.status == .forbidden)
            #expect(String(buffer: mismatched.body).contains("inbox.sign-in-failed"))
            let cookieless = try await client.execute(
                uri: "/callback?code=c&state=\(query["state"] ?? "")", method: .get)
            #expect(cookieless.status == .forbidden && Browser.cookie("__Host-warden-inbox", in: cookieless) == nil)
            // The right state once: signed in. The same state again: refused.
            let first = try await client.execute(
                uri: "/callback?code=c&state=\(query["state"] ?? "")", method: .get, headers: [.cookie: cookie])
            #expect(first.status == .ok && Browser.cookie("__Host-warden-inbox", in: first) != nil)
            let replay = try await client.execute(
                uri: "/callback?code=c&state=\(query["state"] ?? "")", method: .get, headers: [.cookie: cookie])
            #expect(replay.status == .forbidden && Browser.cookie("__Host-warden-inbox", in: replay) == nil)
        }
    }

    @Test("an ID token with another nonce, a tampered payload, another audience or issuer, or expired is refused")
    func badIDTokensAreRefused() async throws {
        let f = try await InboxFixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        try await Application(router: f.router()).test(.router) { client in
            let wrongNonce = try await Browser.signIn(client, f, nonce: "not-the-nonce")
            #expect(wrongNonce.cookie == nil && wrongNonce.callback.status == .forbidden)
            #expect(String(buffer: wrongNonce.callback.body).contains("inbox.id-token-invalid"))
            let tampered = try await Browser.signIn(client, f, tamper: true)
            #expect(tampered.cookie == nil && String(buffer: tampered.callback.body).contains("inbox.id-token-invalid"))
        }
        let verifier = IDTokenVerifier(issuer: FakeProvider.issuer, clientID: FakeProvider.clientID, roleClaim: "roles")
        let jwks = try await f.provider.get(FakeProvider.issuer + "/jwks").body
        let good = FakeProvider.claims(subject: "alice", roles: ["approver"], nonce: "n")
        let person = try await verifier.verify(try f.provider.idToken(good), jwks: jwks, nonce: "n", now: Date())
        #expect(person.subject == "alice" && person.roles == ["approver"])
        let spoiled: [(String, JSONValue)] = [
            ("aud", "another-client"), ("iss", "https://evil.example"), ("exp", .integer(1_000_000)), ("sub", ""),
        ]
        for (claim, value) in spoiled {
            var claims = good
            claims[claim] = value
            await #expect(throws: InboxRefusal.tokenInvalid, "\(claim)") {
                try await verifier.verify(try f.provider.idToken(claims), jwks: jwks, nonce: "n", now: Date())
            }
        }
        // Signed by a key the provider does not publish.
        let stranger = FakeProvider()
        await #expect(throws: InboxRefusal.tokenInvalid) {
            try await verifier.verify(try stranger.idToken(good), jwks: jwks, nonce: "n", now: Date())
        }
        // `alg: none` never verifies.
        let none =
            InboxTokens.base64URL(CanonicalJSON.encode(["alg": "none"])) + "."
            + InboxTokens.base64URL(CanonicalJSON.encode(.object(good))) + ".c2ln"
        await #expect(throws: InboxRefusal.tokenInvalid) {
            try await verifier.verify(none, jwks: jwks, nonce: "n", now: Date())
        }
    }

    @Test("a person without the approver role is refused with inbox.role-required and gets no session")
    func withoutTheRoleNoSession() async throws {
        let f = try await InboxFixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        try await Application(router: f.router()).test(.router) { client in
            let (cookie, callback) = try await Browser.signIn(client, f, subject: "bob", roles: ["viewer"])
            #expect(cookie == nil && callback.status == .forbidden)
            #expect(String(buffer: callback.body).contains("inbox.role-required"))
        }
    }

    @Test("an agent's bearer token never opens the inbox, with or without a session")
    func bearerTokensAreRefused() async throws {
        let f = try await InboxFixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        try await Application(router: f.router()).test(.router) { client in
            let bearer = try await client.execute(uri: "/", method: .get, headers: [.authorization: "Bearer eyJ.x.y"])
            #expect(bearer.status == .unauthorized && String(buffer: bearer.body).contains("inbox.bearer-refused"))
            let (cookie, _) = try await Browser.signIn(client, f)
            let both = try await client.execute(
                uri: "/", method: .get, headers: [.authorization: "Bearer eyJ.x.y", .cookie: try #require(cookie)])
            #expect(both.status == .unauthorized)
            let login = try await client.execute(uri: "/login", method: .get, headers: [.authorization: "Bearer x"])
            #expect(login.status == .unauthorized)
        }
    }
}
