import Foundation

/// The RFC 9728 protected resource metadata document that MCP clients read to find the authorization server.
public struct ProtectedResourceMetadata: Sendable, Equatable, Codable {
    /// This server's canonical URI; must equal the resource the well-known URL was built from (RFC 9728 §3.3).
    public var resource: String
    /// Issuers clients may get tokens from (the MCP spec requires at least one).
    public var authorizationServers: [String]
    public var scopesSupported: [String]?
    /// Only the Authorization header: tokens in the query or the body are refused.
    public var bearerMethodsSupported: [String]
    public var resourceName: String?
    public var resourceDocumentation: String?

    public init(
        resource: String,
        authorizationServers: [String],
        scopesSupported: [String]? = nil,
        resourceName: String? = nil,
        resourceDocumentation: String? = nil
    ) {
        self.resource = resource
        self.authorizationServers = authorizationServers
        self.scopesSupported = scopesSupported
        self.bearerMethodsSupported = ["header"]
        self.resourceName = resourceName
        self.resourceDocumentation = resourceDocumentation
    }

    /// The document a resource server configuration implies.
    public init(
        configuration: ResourceServerConfiguration, scopesSupported: [String]? = nil, resourceName: String? = nil
    ) {
        self.init(
            resource: configuration.resource,
            authorizationServers: [configuration.issuer],
            scopesSupported: scopesSupported
                ?? (configuration.requiredScopes.isEmpty ? nil : configuration.requiredScopes.sorted()),
            resourceName: resourceName
        )
    }

    enum CodingKeys: String, CodingKey {
        case resource
        case authorizationServers = "authorization_servers"
        case scopesSupported = "scopes_supported"
        case bearerMethodsSupported = "bearer_methods_supported"
        case resourceName = "resource_name"
        case resourceDocumentation = "resource_documentation"
    }

    /// The JSON body served at the well-known URL (keys sorted, so the bytes are stable).
    public func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { [UInt8]($0) } ?? []
    }
}

/// The URLs at which a resource's RFC 9728 metadata is served.
public struct ProtectedResourceMetadataLocation: Sendable, Equatable {
    /// `https://host/.well-known/oauth-protected-resource/<path>`: the RFC 9728 §3.1 form, which goes into
    /// `WWW-Authenticate: Bearer resource_metadata=…`. Equals ``root`` when the resource has no path.
    public var url: String
    /// `https://host/.well-known/oauth-protected-resource`: the root form MCP clients fall back to.
    public var root: String
    /// The request path of ``url`` (what the gateway routes).
    public var path: String
    /// The request path of ``root``.
    public var rootPath: String { ProtectedResourceMetadataLocation.wellKnownPath }

    static let wellKnownPath = "/.well-known/oauth-protected-resource"

    /// Builds the locations for a resource URI: the well-known segment goes between the host and the path; a
    /// terminating slash after the host is removed (RFC 9728 §3.1); a query is kept.
    public init(resource: String) throws(ResourceServerConfigurationError) {
        guard var components = URLComponents(string: resource), components.scheme != nil,
            components.host?.isEmpty == false, components.fragment == nil
        else {
            throw ResourceServerConfigurationError("resource must be an absolute URI with a host and no fragment")
        }
        var resourcePath = components.percentEncodedPath
        if resourcePath == "/" { resourcePath = "" }
        let query = components.percentEncodedQuery
        components.percentEncodedPath = ""
        components.percentEncodedQuery = nil
        guard let origin = components.string else {
            throw ResourceServerConfigurationError("resource must be an absolute URI with a host and no fragment")
        }
        self.path = Self.wellKnownPath + resourcePath
        self.url = origin + path + (query.map { "?" + $0 } ?? "")
        self.root = origin + Self.wellKnownPath
    }
}
