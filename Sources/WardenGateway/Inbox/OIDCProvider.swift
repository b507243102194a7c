import Foundation
import WardenCore
import WardenOAuth

/// The identity provider's endpoints, from its discovery document (`/.well-known/openid-configuration`).
struct OIDCEndpoints: Sendable, Equatable {
    var authorization: String
    var token: String
    var jwks: String
}

/// The inbox's OIDC client: discovery, the authorization request (code flow, PKCE S256, `state`, `nonce`) and the
/// code exchange. Any failure is a refusal; nobody is signed in on a path that met one.
actor OIDCProvider {
    let settings: InboxOIDCSettings
    let redirectURI: String
    private let transport: any OIDCTransport
    private let policy: FetchPolicy
    /// Resolves the client secret at sign-in (nil for a public client); a missing secret refuses sign-in only.
    private let clientSecret: @Sendable () async throws -> String?
    private var endpoints: OIDCEndpoints?
    private var discoveredAt: Date?

    init(
        settings: InboxOIDCSettings, redirectURI: String, transport: (any OIDCTransport)? = nil,
        clientSecret: @escaping @Sendable () async throws -> String?
    ) {
        self.settings = settings
        self.redirectURI = redirectURI
        self.policy = FetchPolicy(allowsLoopbackHTTP: settings.allowLoopbackHTTP)
        self.transport = transport ?? LiveOIDCTransport(policy: policy)
        self.clientSecret = clientSecret
    }

    /// The provider's endpoints, rediscovered every 15 minutes (and after a failure).
    func discover(now: Date = Date()) async throws(InboxRefusal) -> OIDCEndpoints {
        if let endpoints, let discoveredAt, now.timeIntervalSince(discoveredAt) < 900 { return endpoints }
        let base = settings.issuer.hasSuffix("/") ? String(settings.issuer.dropLast()) : settings.issuer
        guard let document = try? await transport.get(base + "/.well-known/openid-configuration"),
            document.status == 200, case .object(let metadata)? = (try? StrictJSONParser().parse(document.body)),
            // OIDC Discovery §4.3: the document must name exactly the configured issuer.
            metadata["issuer"]?.stringValue == settings.issuer,
            let authorization = metadata["authorization_endpoint"]?.stringValue,
            let token = metadata["token_endpoint"]?.stringValue, let jwks = metadata["jwks_uri"]?.stringValue,
            (try? policy.check(authorization)) != nil, (try? policy.check(token)) != nil,
            (try? policy.check(jwks)) != nil
        else {
            endpoints = nil
            throw .providerUnavailable
        }
        let found = OIDCEndpoints(authorization: authorization, token: token, jwks: jwks)
        endpoints = found
        discoveredAt = now
        return found
    }

    /// Where the browser goes to sign in: the authorization request for this login's `state`, `nonce` and PKCE.
    func authorizationURL(for login: PendingLogin) async throws(InboxRefusal) -> String {
        let endpoint = try await discover().authorization
        let query = FormEncoding.encode([
            ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", redirectURI),
            ("scope", settings.scopes.joined(separator: " ")), ("state", login.state), ("nonce", login.nonce),
            ("code_challenge", InboxTokens.pkceChallenge(verifier: login.verifier)),
            ("code_challenge_method", "S256"),
        ])
        return endpoint + (endpoint.contains("?") ? "&" : "?") + query
    }

    /// Exchanges the authorization code (with the PKCE verifier) and verifies the ID token it returns.
    func signIn(code: String, login: PendingLogin, now: Date = Date()) async throws(InboxRefusal) -> InboxPerson {
        let endpoints = try await discover(now: now)
        let secret: String?
        do {
            secret = try await clientSecret()
        } catch {
            throw .providerUnavailable
        }
        var form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
            ("code_verifier", login.verifier),
        ]
        if secret == nil { form.append(("client_id", settings.clientID)) }
        let basic = secret.map { (user: settings.clientID, password: $0) }
        guard let answer = try? await transport.postForm(endpoints.token, form: form, basic: basic),
            answer.status == 200, case .object(let members)? = (try? StrictJSONParser().parse(answer.body)),
            let idToken = members["id_token"]?.stringValue
        else { throw .tokenInvalid }
        guard let jwks = try? await transport.get(endpoints.jwks), jwks.status == 200 else {
            throw .providerUnavailable
        }
        let verifier = IDTokenVerifier(
            issuer: settings.issuer, clientID: settings.clientID, roleClaim: settings.roleClaim)
        return try await verifier.verify(idToken, jwks: jwks.body, nonce: login.nonce, now: now)
    }
}
