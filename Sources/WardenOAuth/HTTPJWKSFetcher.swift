import Logging

/// The live ``JWKSFetching``: GETs the JWKS from a configured `jwks_uri`, or from the one found through the
/// issuer's metadata (discovered once, rediscovered after a failed fetch).
public actor HTTPJWKSFetcher: JWKSFetching {
    /// Where the key set is found.
    public enum Source: Sendable, Equatable {
        /// A directly configured `jwks_uri`.
        case jwksURI(String)
        /// Discovery from the issuer's RFC 8414 / OIDC metadata.
        case issuerDiscovery(issuer: String)
    }

    private let source: Source
    private let documents: any HTTPDocumentFetching
    private let policy: FetchPolicy
    private let logger: Logger
    private var discoveredJWKSURI: String?

    public init(
        source: Source,
        policy: FetchPolicy = FetchPolicy(),
        documents: (any HTTPDocumentFetching)? = nil,
        logger: Logger = Logger(label: "warden.oauth.jwks")
    ) {
        self.source = source
        self.policy = policy
        self.documents = documents ?? AsyncHTTPDocumentFetcher(policy: policy)
        self.logger = logger
    }

    public func fetchJWKS() async throws -> [UInt8] {
        let url = try await jwksURI()
        do {
            try policy.check(url)
            let document = try await documents.fetch(url)
            guard document.status == 200 else { throw OAuthFetchError("GET \(url): HTTP \(document.status)") }
            return document.body
        } catch {
            discoveredJWKSURI = nil
            throw error
        }
    }

    private func jwksURI() async throws -> String {
        switch source {
        case .jwksURI(let url):
            return url
        case .issuerDiscovery(let issuer):
            if let discoveredJWKSURI { return discoveredJWKSURI }
            let url = try await AuthorizationServerDiscovery.discoverJWKSURI(
                issuer: issuer, documents: documents, policy: policy)
            logger.info("discovered the issuer's jwks_uri", metadata: ["jwks_uri": "\(url)"])
            discoveredJWKSURI = url
            return url
        }
    }
}
