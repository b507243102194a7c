import Testing

@testable import WardenRedaction

private let jwtHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"  // {"alg":"HS256","typ":"JWT"}
private let jwtPayload = "eyJzdWIiOiIxMjM0NTY3ODkwIn0"  // {"sub":"1234567890"}
private let jwt = "\(jwtHeader).\(jwtPayload).c2lnbmF0dXJlLWJ5dGVz"

@Suite("JWTs and bearer tokens")
struct TokenTests {
    @Test func jwtWithAlgHeaderIsFound() {
        #expect(matches(.jwt, in: "id_token=\(jwt)&x=1") == [jwt])
    }

    @Test func unsignedJWTIsStillFound() {
        #expect(matches(.jwt, in: "t \(jwtHeader).\(jwtPayload). end") == ["\(jwtHeader).\(jwtPayload)."])
    }

    @Test func base64JSONWithoutAlgIsNotAJWT() {
        // {"notjust":"this"}
        #expect(matches(.jwt, in: "eyJub3RqdXN0IjoidGhpcyJ9.eyJhIjoxfQ.c2ln") == [])
    }

    @Test func bearerTokenIsFoundAndTheJWTTypeWins() {
        #expect(matches(.bearerToken, in: "Authorization: Bearer abc123DEF456ghi789") == ["abc123DEF456ghi789"])
        #expect(found("Authorization: Bearer \(jwt)").map(\.0) == [.jwt])
    }

    @Test func authorizationHeaderValuesOfOtherSchemesAreFound() {
        #expect(
            matches(.bearerToken, in: "Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l") == ["YWxhZGRpbjpvcGVuc2VzYW1l"])
        #expect(matches(.bearerToken, in: #"{"authorization":"Token 9f8e7d6c5b4a3210"}"#) == ["9f8e7d6c5b4a3210"])
    }

    @Test func proseAndParametersAfterBearerAreNotTokens() {
        #expect(matches(.bearerToken, in: "bearer authentication failed; token_type=Bearer scope=read") == [])
    }
}

@Suite("Private keys")
struct PrivateKeyTests {
    private let block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc==\n-----END RSA PRIVATE KEY-----"

    @Test func wholePEMBlockIsFound() {
        #expect(matches(.privateKey, in: "key:\n\(block)\nnext") == [block])
    }

    @Test func truncatedBlockIsRedactedToTheEnd() {
        let text = "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAA"
        #expect(matches(.privateKey, in: "x " + text) == [text])
    }

    @Test func publicKeysAndCertificatesAreNotPrivateKeys() {
        #expect(matches(.privateKey, in: "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----") == [])
    }
}

@Suite("Provider API keys")
struct ProviderKeyTests {
    private static let samples: [(rule: String, key: String)] = [
        ("aws-access-token", "AKIA" + "IOSFODNN7EXAMPLE"),
        ("github-pat", "ghp_" + String(repeating: "a1B2", count: 9)),
        ("github-oauth", "gho_" + String(repeating: "a1B2", count: 9)),
        ("github-app-token", "ghs_" + String(repeating: "a1B2", count: 9)),
        ("github-fine-grained-pat", "github_pat_" + String(repeating: "A1b_", count: 20) + "x9"),
        ("gitlab-pat", "glpat-" + String(repeating: "x-Y_", count: 5)),
        ("slack-bot-token", "xoxb-" + "123456789012-1234567890123-" + String(repeating: "aB3", count: 8)),
        ("stripe-access-token", "sk_live_" + String(repeating: "4eC39H", count: 4)),
        ("stripe-access-token", "rk_live_" + String(repeating: "4eC39H", count: 4)),
        ("gcp-api-key", "AIza" + String(repeating: "Sy-7_", count: 7)),
        ("openai-api-key", "sk-proj-" + String(repeating: "Ab3-_x", count: 12)),
        ("openai-api-key", "sk-" + String(repeating: "Ab3x", count: 12)),
        ("anthropic-api-key", "sk-ant-api03-" + String(repeating: "Zx9_-", count: 18) + "AA"),
        ("twilio-api-key", "SK" + String(repeating: "0a1b2c3d", count: 4)),
        (
            "sendgrid-api-token",
            "SG." + String(repeating: "ab1_Z", count: 4) + "xy." + String(repeating: "Q", count: 43)
        ),
        ("npm-access-token", "npm_" + String(repeating: "a1B2", count: 9)),
        ("pypi-upload-token", "pypi-AgEIcHlwaS5vcmc" + String(repeating: "Ab-_9", count: 12)),
        ("shopify-access-token", "shpat_" + String(repeating: "0a1b2c3d", count: 4)),
        ("digitalocean-pat", "dop_v1_" + String(repeating: "0a1b2c3d", count: 8)),
        ("huggingface-access-token", "hf_" + String(repeating: "aBcD", count: 8) + "xy"),
        ("new-relic-user-api-key", "NRAK-" + String(repeating: "A1B", count: 9)),
        ("linear-api-key", "lin_api_" + String(repeating: "a1B2", count: 10)),
        ("databricks-api-token", "dapi" + String(repeating: "0a1b2c3d", count: 4)),
        (
            "age-secret-key",
            "AGE-SECRET-KEY-1" + String(repeating: "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", count: 2).prefix(58)
        ),
    ]

    @Test func atLeastTwentyProvidersAreCovered() {
        #expect(Set(Self.samples.map(\.rule)).count >= 20)
    }

    @Test func eachProviderKeyIsFoundWithItsGitleaksRuleID() {
        for sample in Self.samples {
            let findings = Redactor().findings(in: "export KEY=\(sample.key) # rotated")
            #expect(findings.map(\.rule) == [sample.rule], "\(sample.rule)")
            #expect(findings.map(\.type) == [.apiKey], "\(sample.rule)")
        }
    }

    @Test func truncatedOrOverlongKeysAreNotProviderKeys() {
        let short = "ghp_" + String(repeating: "a1B2", count: 8)
        let long = "AKIA" + "IOSFODNN7EXAMPLE" + "X"
        #expect(matches(.apiKey, in: "x \(short) \(long) y") == [])
    }

    @Test func prefixInsideAWordIsNotAKey() {
        #expect(matches(.apiKey, in: "xghp_" + String(repeating: "a1B2", count: 9)) == [])
    }

    @Test func azureStorageAccountKeyInAConnectionStringIsFound() {
        let key = String(repeating: "Ab9+", count: 22) + "=="
        let text = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=\(key);EndpointSuffix=core.windows.net"
        #expect(Redactor().findings(in: text).map(\.rule) == ["azure-storage-account-key"])
        #expect(matches(.apiKey, in: text) == [key])
    }
}

@Suite("Key-like assignments and passwords")
struct AssignmentTests {
    @Test func passwordsAreRedactedWhateverTheyLookLike() {
        #expect(matches(.password, in: "password=hunter2 user=bob") == ["hunter2"])
        #expect(matches(.password, in: "Server=db;User Id=sa;Password=S3cr3t!x;Encrypt=true") == ["S3cr3t!x"])
        #expect(matches(.password, in: #"{"db_password": "correct horse"}"#) == ["correct horse"])
    }

    @Test func randomValuesUnderSecretNamesAreFound() {
        #expect(matches(.secret, in: #"{"api_key":"q8Zk3vP0xL2mN7wR"}"#) == ["q8Zk3vP0xL2mN7wR"])
        #expect(matches(.secret, in: "client_secret: 7f3c9a1e5b2d8f40") == ["7f3c9a1e5b2d8f40"])
        #expect(matches(.secret, in: #"log "{\"token\":\"Zx81kQ93mmAl02\"}""#) == ["Zx81kQ93mmAl02"])
    }

    @Test func lowEntropyValuesReferencesAndRedactedValuesAreNotSecrets() {
        let text =
            "token_type=Bearer secret: true token=abc password: secret://db-password api_key=${API_KEY} "
            + "password=[REDACTED:password] max_tokens=4096"
        #expect(found(text).isEmpty)
    }

    @Test func passwordInURLUserInfoIsFound() {
        #expect(found("dsn=postgres://admin:s3cr@t@db.example.com:5432/app").map(\.1) == ["s3cr@t"])
        #expect(matches(.password, in: "https://user@example.com/x https://example.com:8443/") == [])
    }
}

@Suite("Provider rule catalogue")
struct ProviderRuleCatalogueTests {
    @Test func ruleIDsAreUniqueAndCoverTheBriefsProviders() {
        let ids = Redactor.providerKeyRuleIDs
        #expect(Set(ids).count == ids.count)
        for required in [
            "aws-access-token", "github-pat", "gitlab-pat", "slack-bot-token", "stripe-access-token", "gcp-api-key",
            "openai-api-key", "anthropic-api-key", "twilio-api-key", "sendgrid-api-token", "npm-access-token",
            "pypi-upload-token",
        ] {
            #expect(ids.contains(required), "\(required)")
        }
    }
}

@Suite("Every built-in provider rule")
struct BuiltInProviderRuleTests {
    /// Characters of each alphabet, cycled to build a key body of the rule's minimum length.
    private static func sampleBody(_ alphabet: KeyAlphabet, length: Int) -> String {
        let characters: String
        switch alphabet {
        case .alphanumeric: characters = "aB3dE5gH7jK9"
        case .alphabetic: characters = "aBcDeFgHiJ"
        case .upperAlphanumeric: characters = "A1B2C3D4E5"
        case .base32: characters = "AB2C3D4E5F6G7"
        case .hex: characters = "0a1b2c3d4e5f"
        case .word: characters = "aB3_dE5_gH7"
        case .base64URL: characters = "aB3-dE5_gH7"
        case .base64: characters = "aB3+dE5/gH7"
        case .base64URLDotted: characters = "aB3-dE5_gH7"
        case .hexDashed: characters = "0a1b-2c3d"
        }
        return String((0..<length).map { Array(characters)[$0 % characters.count] })
    }

    @Test func eachRuleMatchesAKeyOfItsDocumentedShapeAndNothingLonger() {
        for rule in ProviderKeyRule.builtIn {
            let prefix = String(decoding: rule.prefix, as: UTF8.self)
            let key = prefix + Self.sampleBody(rule.body, length: rule.lengths.lowerBound)
            let findings = Redactor().findings(in: "value \(key) end")
            #expect(findings.map(\.rule) == [rule.id], "\(rule.id) \(prefix)")
            #expect(findings.first?.byteRange == 6..<(6 + key.utf8.count), "\(rule.id) \(prefix)")
            let tooLong =
                key + Self.sampleBody(rule.body, length: rule.lengths.upperBound - rule.lengths.lowerBound + 1)
            let longer = Redactor().findings(in: "value \(tooLong) end").filter { $0.rule == rule.id }
            #expect(longer.isEmpty, "\(rule.id) matched an over-long key")
        }
    }
}
