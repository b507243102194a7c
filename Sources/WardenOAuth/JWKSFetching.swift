/// The seam through which a ``JWKSCache`` obtains the issuer's current JWKS document.
///
/// The live implementation is ``HTTPJWKSFetcher``; ``DevelopmentIssuer`` and tests provide in-memory ones, so the
/// verification path is the same whether keys come from an IdP, the development issuer or a test.
public protocol JWKSFetching: Sendable {
    /// Returns the raw bytes of the current JWKS document, or throws when it cannot be obtained.
    func fetchJWKS() async throws -> [UInt8]
}

/// A JWKS source backed by a closure (in-memory documents, the development issuer, tests).
public struct ClosureJWKSFetcher: JWKSFetching {
    private let fetch: @Sendable () async throws -> [UInt8]

    public init(_ fetch: @escaping @Sendable () async throws -> [UInt8]) {
        self.fetch = fetch
    }

    public func fetchJWKS() async throws -> [UInt8] {
        try await fetch()
    }
}
