import Logging

extension AccessTokenVerifier {
    /// A verifier for a real identity provider: keys from `jwksURI` when given, otherwise found through the
    /// issuer's RFC 8414 / OIDC metadata; fetched with AsyncHTTPClient under `fetchPolicy`.
    public static func live(
        configuration: ResourceServerConfiguration,
        jwksURI: String? = nil,
        fetchPolicy: FetchPolicy = FetchPolicy(),
        cachePolicy: JWKSCache.Policy = JWKSCache.Policy(),
        logger: Logger = Logger(label: "warden.oauth")
    ) throws -> AccessTokenVerifier {
        if let jwksURI {
            do {
                try fetchPolicy.check(jwksURI)
            } catch {
                throw ResourceServerConfigurationError("jwks_uri: \(error.message)")
            }
        }
        let source: HTTPJWKSFetcher.Source =
            jwksURI.map { .jwksURI($0) } ?? .issuerDiscovery(issuer: configuration.issuer)
        let fetcher = HTTPJWKSFetcher(source: source, policy: fetchPolicy, logger: logger)
        return try AccessTokenVerifier(
            configuration: configuration,
            keys: JWKSCache(fetcher: fetcher, policy: cachePolicy, logger: logger)
        )
    }

    /// A verifier for tokens of the ``DevelopmentIssuer`` (quick start only).
    public static func development(
        configuration: ResourceServerConfiguration,
        issuer: DevelopmentIssuer,
        logger: Logger = Logger(label: "warden.oauth")
    ) throws -> AccessTokenVerifier {
        guard configuration.issuer == issuer.issuer else {
            throw ResourceServerConfigurationError("the configured issuer is not the development issuer")
        }
        return try AccessTokenVerifier(
            configuration: configuration, keys: JWKSCache(fetcher: issuer.jwksFetcher, logger: logger))
    }
}
