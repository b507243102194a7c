import Foundation

/// A path to a claim inside the token payload, such as `roles` or `realm_access.roles`.
public struct ClaimPath: Sendable, Hashable, CustomStringConvertible {
    /// The object member names, outermost first.
    public var components: [String]

    public init(_ components: [String]) {
        self.components = components
    }

    /// Parses a dot-separated path (`realm_access.roles`). Claim names that themselves contain dots must use
    /// ``init(_:)``.
    public init(dotted: String) {
        self.components = dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    public var description: String { components.joined(separator: ".") }
}

extension ClaimPath: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self.init(dotted: value)
    }
}

/// Where roles come from in a token, and how the claim is written.
public struct RoleClaimSource: Sendable, Hashable {
    /// How a role claim encodes several values.
    public enum Format: Sendable, Hashable {
        /// A JSON array of strings (Entra ID `roles`), or a single string taken as one role.
        case list
        /// A space-separated string (OAuth `scope`, Entra `scp`), or a JSON array of strings.
        case spaceSeparated
    }

    public var path: ClaimPath
    public var format: Format

    public init(path: ClaimPath, format: Format = .list) {
        self.path = path
        self.format = format
    }

    /// Entra ID / generic `roles` array.
    public static let roles = RoleClaimSource(path: "roles", format: .list)
    /// Entra ID delegated scopes, space separated.
    public static let scp = RoleClaimSource(path: "scp", format: .spaceSeparated)
    /// OAuth `scope`, space separated.
    public static let scope = RoleClaimSource(path: "scope", format: .spaceSeparated)
}

/// What this server, as an OAuth 2.1 resource server, accepts as an access token.
///
/// Every field has a secure default; only ``issuer`` and ``resource`` must be given.
public struct ResourceServerConfiguration: Sendable {
    /// The issuer; the token's `iss` must equal it exactly (no normalisation), and so must the `issuer` in the
    /// authorization server metadata found through discovery.
    public var issuer: String
    /// This server's canonical URI (RFC 8707 resource indicator). The token's `aud` must contain it.
    public var resource: String
    /// Further `aud` values accepted as naming this server. Entra ID puts the application (client) ID or the
    /// App ID URI (`api://...`) in `aud` rather than the resource URI; list those here.
    public var additionalAudiences: [String]
    /// The JWS algorithms accepted. `none` and HMAC cannot be expressed (see ``JWSAlgorithm``).
    public var allowedAlgorithms: Set<JWSAlgorithm>
    /// Tolerance applied to `exp`, `nbf` and `iat` for clocks that disagree.
    public var clockSkew: Duration
    /// Scopes every token must carry (from `scope` / `scp`); a token without them gets 403 `insufficient_scope`.
    public var requiredScopes: Set<String>
    /// Claims roles are read from, in order; the roles are the union.
    public var roleClaims: [RoleClaimSource]
    /// The claim holding the tenant (Entra ID `tid`).
    public var tenantClaim: ClaimPath
    /// When set, the tenant claim must be present and equal this value (tenant binding).
    public var expectedTenant: String?
    /// The claim that names the principal: `sub` by default; Entra ID deployments often use `oid`.
    public var subjectClaim: ClaimPath
    /// Larger bearer tokens are refused before any parsing.
    public var maximumTokenBytes: Int
    /// Require the RFC 9068 header `typ` to be `at+jwt` (or `application/at+jwt`, any case), so an ID token or
    /// any other JWT from the same issuer cannot be replayed here as an access token (RFC 8725 §3.11).
    ///
    /// Turn it off only for identity providers that do not type their access tokens (Entra ID v2 sends
    /// `typ: JWT`). Warden then refuses tokens carrying ID-token-only claims (`nonce`, `at_hash`, `c_hash`)
    /// instead; `aud` must still name this resource either way.
    public var requireAccessTokenType: Bool
    /// Top-level scalar claims copied into ``VerifiedAccessToken/claims`` (for policy context and audit).
    public var selectedClaims: [String]

    public init(
        issuer: String,
        resource: String,
        additionalAudiences: [String] = [],
        allowedAlgorithms: Set<JWSAlgorithm> = JWSAlgorithm.defaultAllowlist,
        clockSkew: Duration = .seconds(60),
        requiredScopes: Set<String> = [],
        roleClaims: [RoleClaimSource] = [.roles],
        tenantClaim: ClaimPath = "tid",
        expectedTenant: String? = nil,
        subjectClaim: ClaimPath = "sub",
        maximumTokenBytes: Int = 16 * 1024,
        requireAccessTokenType: Bool = true,
        selectedClaims: [String] = ["client_id", "azp", "appid"]
    ) {
        self.issuer = issuer
        self.resource = resource
        self.additionalAudiences = additionalAudiences
        self.allowedAlgorithms = allowedAlgorithms
        self.clockSkew = clockSkew
        self.requiredScopes = requiredScopes
        self.roleClaims = roleClaims
        self.tenantClaim = tenantClaim
        self.expectedTenant = expectedTenant
        self.subjectClaim = subjectClaim
        self.maximumTokenBytes = maximumTokenBytes
        self.requireAccessTokenType = requireAccessTokenType
        self.selectedClaims = selectedClaims
    }

    /// The set of `aud` values that name this server.
    var acceptedAudiences: Set<String> { Set([resource] + additionalAudiences) }

    /// Refuses configurations that would weaken verification, naming the rule.
    public func validate() throws(ResourceServerConfigurationError) {
        guard !issuer.isEmpty else { throw .init("issuer must not be empty") }
        guard let resourceURL = URLComponents(string: resource), let scheme = resourceURL.scheme,
            resourceURL.host?.isEmpty == false
        else {
            throw .init("resource must be an absolute URI with a host (RFC 8707)")
        }
        guard resourceURL.fragment == nil else { throw .init("resource must not contain a fragment (RFC 8707)") }
        guard scheme == "https" || scheme == "http" else { throw .init("resource must be an https (or http) URI") }
        guard !allowedAlgorithms.isEmpty else { throw .init("allowedAlgorithms must not be empty") }
        guard clockSkew >= .zero, clockSkew <= .seconds(300) else {
            throw .init("clockSkew must be between 0 and 300 seconds")
        }
        guard (1024...65536).contains(maximumTokenBytes) else {
            throw .init("maximumTokenBytes must be between 1024 and 65536")
        }
        guard !subjectClaim.components.isEmpty, !subjectClaim.components.contains(where: \.isEmpty) else {
            throw .init("subjectClaim must be a non-empty claim path")
        }
        if let expectedTenant, expectedTenant.isEmpty { throw .init("expectedTenant must not be empty when set") }
    }
}

/// A configuration that was refused; the message names the rule.
public struct ResourceServerConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "invalid OAuth resource server configuration: \(message)" }
}
