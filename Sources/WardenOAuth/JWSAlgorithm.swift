/// The asymmetric JWS algorithms a resource server may accept.
///
/// Only public-key algorithms exist here: `none` and every HMAC algorithm (`HS256`...) cannot be configured,
/// because a resource server that verifies with a published key must never accept a shared-secret signature
/// (the classic "HS256 signed with the RSA public key" confusion).
public enum JWSAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"
    case ps256 = "PS256"
    case ps384 = "PS384"
    case ps512 = "PS512"
    case es256 = "ES256"
    case es384 = "ES384"
    case es512 = "ES512"
    case eddsa = "EdDSA"

    /// The default allowlist: what Entra ID, the common OIDC providers and the development issuer use.
    public static let defaultAllowlist: Set<JWSAlgorithm> = [.rs256, .es256, .eddsa]

    /// The JWK `kty` a key must have to verify this algorithm.
    var keyType: String {
        switch self {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: return "RSA"
        case .es256, .es384, .es512: return "EC"
        case .eddsa: return "OKP"
        }
    }

    /// The JWK `crv` a key must have for this algorithm, when the algorithm fixes one.
    var curve: String? {
        switch self {
        case .es256: return "P-256"
        case .es384: return "P-384"
        case .es512: return "P-521"
        case .eddsa: return "Ed25519"
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: return nil
        }
    }

    /// The algorithm assumed for a JWK that does not name one. RSA keys without `alg` are taken as RS256
    /// (what every mainstream IdP publishes); EC and OKP keys are fixed by their curve.
    static func implied(keyType: String, curve: String?) -> JWSAlgorithm? {
        switch (keyType, curve) {
        case ("RSA", _): return .rs256
        case ("EC", "P-256"): return .es256
        case ("EC", "P-384"): return .es384
        case ("EC", "P-521"): return .es512
        case ("OKP", "Ed25519"): return .eddsa
        default: return nil
        }
    }
}
