import Foundation
import Yams

/// The approvers' web inbox (`inbox:`): its own listener, and the OIDC provider people sign in with.
public struct InboxSettings: Sendable {
    /// The inbox's own socket and who may connect to it (an allowlist, like every listener).
    public var listener: ListenerConfiguration
    /// The URL people open (scheme, host, port): the OIDC redirect URI and the only origin a form may come from.
    public var publicURL: String
    public var oidc: InboxOIDCSettings
    /// A session ends this long after sign-in, however active.
    public var sessionHours = 8
    /// A session unused for this long ends.
    public var idleMinutes = 30
    /// A decision needs a sign-in at most this old: a role revoked at the provider stops deciding within it,
    /// whatever the session's lifetime.
    public var decisionMinutes = 60
    /// Refuse a decision by the person the held call belongs to (by `sub`, `email` or `preferred_username`).
    public var separationOfDuties = true

    public init(listener: ListenerConfiguration, publicURL: String, oidc: InboxOIDCSettings) {
        self.listener = listener
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.oidc = oidc
    }

    /// Whether cookies are `Secure` and `__Host-` prefixed (the inbox is reached over https).
    public var isHTTPS: Bool { publicURL.lowercased().hasPrefix("https://") }
}

/// The OpenID Connect provider approvers sign in with (authorization code flow with PKCE).
public struct InboxOIDCSettings: Sendable {
    public var issuer: String
    public var clientID: String
    /// `secret://name`; nil for a public client (PKCE only).
    public var clientSecret: SecretTemplate?
    /// Permit a plain-http issuer on a loopback address (tests and local IdPs only).
    public var allowLoopbackHTTP = false
    /// The ID-token claim (dotted path) that lists the person's roles.
    public var roleClaim = "roles"
    /// The role a person needs to open the inbox and decide.
    public var approverRole = "approver"
    public var scopes = ["openid", "email", "profile"]

    public init(issuer: String, clientID: String) {
        self.issuer = issuer
        self.clientID = clientID
    }
}

extension ConfigurationLoader {
    /// `inbox:`; nil when absent (no inbox).
    static func inboxSettings(_ reader: YAMLReader?, base: String) throws(ConfigurationError) -> InboxSettings? {
        guard let reader else { return nil }
        var m = try reader.mapping()
        let listener = try listener(reader, base: base, mapping: &m)
        let urlReader = try m.required("public_url")
        let publicURL = try urlReader.nonEmptyString()
        try requireURL(publicURL, reader: urlReader)
        try requireHTTPSUnlessLoopback(publicURL, reader: urlReader)
        var settings = InboxSettings(
            listener: listener, publicURL: publicURL, oidc: try inboxOIDC(try m.required("oidc")))
        if let r = m.optional("session_hours") { settings.sessionHours = try r.integer(in: 1...24) }
        if let r = m.optional("idle_minutes") { settings.idleMinutes = try r.integer(in: 1...480) }
        if let r = m.optional("decision_minutes") { settings.decisionMinutes = try r.integer(in: 1...1_440) }
        if let r = m.optional("separation_of_duties") { settings.separationOfDuties = try r.bool() }
        try m.finish()
        return settings
    }

    /// The listener keys (`bind`, `allow`, `tls`) of the inbox's own mapping, parsed by the one listener parser
    /// (errors keep their file, line and key).
    private static func listener(
        _ reader: YAMLReader, base: String, mapping m: inout MappingReader
    ) throws(ConfigurationError) -> ListenerConfiguration {
        var pairs: [(Node, Node)] = []
        for key in ["bind", "allow", "tls"] {
            _ = m.optional(key)
            if let member = m.members.first(where: { $0.0 == key }) { pairs.append((member.1, member.2)) }
        }
        let listenerNode = Node.mapping(Node.Mapping(pairs, .implicit, .any, reader.node.mark))
        return try listener(YAMLReader(file: reader.file, node: listenerNode, path: reader.path), base: base)
    }

    static func inboxOIDC(_ reader: YAMLReader) throws(ConfigurationError) -> InboxOIDCSettings {
        var m = try reader.mapping()
        let issuerReader = try m.required("issuer")
        let issuer = try issuerReader.nonEmptyString()
        try requireURL(issuer, reader: issuerReader)
        var settings = InboxOIDCSettings(issuer: issuer, clientID: try m.required("client_id").nonEmptyString())
        if let secretReader = m.optional("client_secret") {
            let secret = try secretReader.secretTemplate()
            guard secret.secretNames.count == 1, secret.literalText.isEmpty else {
                throw secretReader.error("client_secret must be exactly one secret://name reference")
            }
            settings.clientSecret = secret
        }
        if let r = m.optional("allow_loopback_http") { settings.allowLoopbackHTTP = try r.bool() }
        if let r = m.optional("role_claim") { settings.roleClaim = try r.nonEmptyString() }
        if let r = m.optional("approver_role") { settings.approverRole = try r.nonEmptyString() }
        if let r = m.optional("scopes") {
            let scopes = try r.stringList()
            guard scopes.contains("openid") else { throw r.error("scopes must include openid") }
            settings.scopes = scopes
        }
        try m.finish()
        if issuer.lowercased().hasPrefix("http://") && !settings.allowLoopbackHTTP {
            throw issuerReader.error("the issuer must be https (allow_loopback_http: true permits http on loopback)")
        }
        return settings
    }

    /// Session cookies of an inbox reached over plain http could be read on the wire: only loopback may.
    /// The inbox's origin: `https://host[:port]` (http only on a loopback address), no path, user, query or default
    /// port, because the origin is what every form post is checked against and what scopes the session cookie.
    static func requireHTTPSUnlessLoopback(_ text: String, reader: YAMLReader) throws(ConfigurationError) {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = url.host?.lowercased(), !host.isEmpty
        else { throw reader.error("public_url must be an absolute https URL") }
        guard url.user == nil, url.password == nil, url.query == nil, url.fragment == nil,
            url.path.isEmpty || url.path == "/"
        else { throw reader.error("public_url is an origin: no path, user, query or fragment") }
        if let port = url.port, (scheme == "https" && port == 443) || (scheme == "http" && port == 80) {
            throw reader.error("public_url names its scheme's default port; leave the port out")
        }
        guard scheme == "http" else { return }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        let ipv4Loopback = octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
        guard host == "localhost" || host == "::1" || host == "[::1]" || ipv4Loopback else {
            throw reader.error("public_url must be https (plain http only on a loopback address)")
        }
    }
}
