import Foundation
import WardenCore

/// The claim checks of an access token whose signature is already verified. Pure: time is passed in.
struct AccessTokenClaims {
    let configuration: ResourceServerConfiguration

    /// Claims that only OpenID Connect ID tokens carry (OIDC Core §2, §3.1.3.6, §3.3.2.11).
    static let idTokenOnlyClaims = ["nonce", "at_hash", "c_hash"]

    /// Checks `iss`, `aud`, `exp`, `nbf`, `iat`, tenant binding and the subject, then reads roles and scopes.
    func validate(
        _ payload: [String: JSONValue],
        now: Date,
        keyID: String,
        algorithm: JWSAlgorithm
    ) -> Result<VerifiedAccessToken, InvalidTokenReason> {
        let skew = configuration.clockSkew.timeInterval
        let claims = JSONValue.object(payload)

        if !configuration.requireAccessTokenType {
            // Without `typ: at+jwt` to tell them apart, an ID token of the same issuer (whose `aud` is a client,
            // which may be configured as an extra audience) could pass as an access token; these claims mark it.
            for name in Self.idTokenOnlyClaims where payload[name] != nil {
                return .failure(.idTokenClaim(name))
            }
        }

        guard let issuerValue = payload["iss"] else { return .failure(.missingClaim("iss")) }
        guard let issuer = issuerValue.stringValue else { return .failure(.malformedClaim("iss")) }
        guard issuer == configuration.issuer else { return .failure(.issuerMismatch) }

        let audiences: [String]
        switch payload["aud"] {
        case nil: return .failure(.missingClaim("aud"))
        case .string(let audience)?: audiences = [audience]
        case .array(let values)?:
            let strings = values.compactMap(\.stringValue)
            guard strings.count == values.count else { return .failure(.malformedClaim("aud")) }
            audiences = strings
        default: return .failure(.malformedClaim("aud"))
        }
        guard !configuration.acceptedAudiences.isDisjoint(with: audiences) else { return .failure(.audienceMismatch) }

        guard let expiryValue = payload["exp"] else { return .failure(.missingClaim("exp")) }
        guard let expiry = expiryValue.numberValue, expiry.isFinite else { return .failure(.malformedClaim("exp")) }
        let expiresAt = Date(timeIntervalSince1970: expiry)
        guard now < expiresAt.addingTimeInterval(skew) else { return .failure(.expired) }

        if let notBeforeValue = payload["nbf"] {
            guard let notBefore = notBeforeValue.numberValue, notBefore.isFinite else {
                return .failure(.malformedClaim("nbf"))
            }
            guard now >= Date(timeIntervalSince1970: notBefore).addingTimeInterval(-skew) else {
                return .failure(.notYetValid)
            }
        }

        var issuedAt: Date?
        if let issuedAtValue = payload["iat"] {
            guard let seconds = issuedAtValue.numberValue, seconds.isFinite else {
                return .failure(.malformedClaim("iat"))
            }
            issuedAt = Date(timeIntervalSince1970: seconds)
            guard now >= Date(timeIntervalSince1970: seconds).addingTimeInterval(-skew) else {
                return .failure(.issuedInFuture)
            }
        }

        var tenantID: String?
        if let tenantValue = claims.value(at: configuration.tenantClaim) {
            guard let tenant = tenantValue.stringValue else {
                return .failure(.malformedClaim(configuration.tenantClaim.description))
            }
            tenantID = tenant
        }
        if let expectedTenant = configuration.expectedTenant {
            guard let tenantID else { return .failure(.missingClaim(configuration.tenantClaim.description)) }
            guard tenantID == expectedTenant else { return .failure(.tenantMismatch) }
        }

        guard let subjectValue = claims.value(at: configuration.subjectClaim) else {
            return .failure(.missingClaim(configuration.subjectClaim.description))
        }
        guard let subject = subjectValue.stringValue, !subject.isEmpty else {
            return .failure(.malformedClaim(configuration.subjectClaim.description))
        }

        var scopes = Set<String>()
        for name in ["scope", "scp"] {
            guard let value = payload[name] else { continue }
            guard let values = Self.strings(value, splittingSpaces: true) else {
                return .failure(.malformedClaim(name))
            }
            scopes.formUnion(values)
        }

        var roles = Set<String>()
        for source in configuration.roleClaims {
            guard let value = claims.value(at: source.path) else { continue }
            guard let values = Self.strings(value, splittingSpaces: source.format == .spaceSeparated) else {
                return .failure(.malformedClaim(source.path.description))
            }
            roles.formUnion(values)
        }

        var selected: [String: String] = [:]
        for name in configuration.selectedClaims {
            if let text = payload[name]?.scalarText { selected[name] = text }
        }
        let clientID = ["client_id", "azp", "appid"].lazy.compactMap { payload[$0]?.stringValue }.first
        let tokenID = payload["jti"]?.stringValue

        return .success(
            VerifiedAccessToken(
                subject: subject,
                issuer: issuer,
                audiences: audiences,
                roles: roles,
                scopes: scopes,
                tenantID: tenantID,
                clientID: clientID,
                expiresAt: expiresAt,
                issuedAt: issuedAt,
                tokenID: tokenID,
                keyID: keyID,
                algorithm: algorithm,
                claims: selected
            )
        )
    }

    /// Reads a string or an array of strings; a string is split on spaces when asked. `nil` for any other shape.
    static func strings(_ value: JSONValue, splittingSpaces: Bool) -> [String]? {
        switch value {
        case .string(let string):
            if splittingSpaces { return string.split(separator: " ").map(String.init) }
            return string.isEmpty ? [] : [string]
        case .array(let elements):
            var result: [String] = []
            for element in elements {
                guard let string = element.stringValue else { return nil }
                if !string.isEmpty { result.append(string) }
            }
            return result
        default:
            return nil
        }
    }
}
