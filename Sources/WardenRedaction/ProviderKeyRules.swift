/// The character set of a provider key's body (the part after its fixed prefix).
enum KeyAlphabet: Sendable {
    /// `[A-Za-z0-9]`
    case alphanumeric
    /// `[A-Za-z]`
    case alphabetic
    /// `[A-Z0-9]`
    case upperAlphanumeric
    /// `[A-Z2-7]`, RFC 4648 base32
    case base32
    /// `[0-9a-fA-F]`
    case hex
    /// `[A-Za-z0-9_]`
    case word
    /// `[A-Za-z0-9_-]`
    case base64URL
    /// `[A-Za-z0-9+/=]`
    case base64
    /// `[A-Za-z0-9_=.-]`
    case base64URLDotted
    /// `[0-9a-fA-F-]`
    case hexDashed

    func contains(_ b: UInt8) -> Bool {
        switch self {
        case .alphanumeric: ByteClass.isAlnum(b)
        case .alphabetic: ByteClass.isAlpha(b)
        case .upperAlphanumeric: ByteClass.isUpper(b) || ByteClass.isDigit(b)
        case .base32: ByteClass.isUpper(b) || (b >= UInt8(ascii: "2") && b <= UInt8(ascii: "7"))
        case .hex: ByteClass.isHex(b)
        case .word: ByteClass.isWord(b)
        case .base64URL: ByteClass.isBase64URL(b)
        case .base64: ByteClass.isBase64(b) || b == UInt8(ascii: "=")
        case .base64URLDotted: ByteClass.isBase64URL(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "=")
        case .hexDashed: ByteClass.isHex(b) || b == UInt8(ascii: "-")
        }
    }
}

/// One provider's key format: a fixed prefix and a body of known alphabet and length.
///
/// Rule ids follow gitleaks' default rule set so findings can be cross-referenced with a scanner security teams
/// already run; the formats are the providers' documented token shapes.
struct ProviderKeyRule: Sendable {
    var id: String
    var prefix: [UInt8]
    var body: KeyAlphabet
    var lengths: ClosedRange<Int>
    /// Whether the byte before the prefix must not be a word character (the regex `\b`).
    var needsLeadingBoundary: Bool

    init(_ id: String, _ prefix: String, _ body: KeyAlphabet, _ lengths: ClosedRange<Int>, boundary: Bool = true) {
        self.id = id
        self.prefix = Array(prefix.utf8)
        self.body = body
        self.lengths = lengths
        self.needsLeadingBoundary = boundary
    }
}

extension ProviderKeyRule {
    /// The built-in rules: 30+ providers.
    static let builtIn: [ProviderKeyRule] = [
        // Cloud platforms
        .init("aws-access-token", "AKIA", .base32, 16...16),
        .init("aws-access-token", "ASIA", .base32, 16...16),
        .init("aws-access-token", "ABIA", .base32, 16...16),
        .init("aws-access-token", "ACCA", .base32, 16...16),
        .init("gcp-api-key", "AIza", .base64URL, 35...35),
        .init("digitalocean-pat", "dop_v1_", .hex, 64...64),
        .init("digitalocean-access-token", "doo_v1_", .hex, 64...64),
        .init("digitalocean-refresh-token", "dor_v1_", .hex, 64...64),
        .init("flyio-access-token", "fo1_", .base64URL, 43...43),
        .init("databricks-api-token", "dapi", .hex, 32...32),
        .init("pulumi-api-token", "pul-", .hex, 40...40),
        .init("planetscale-api-token", "pscale_tkn_", .base64URLDotted, 32...64),
        .init("planetscale-password", "pscale_pw_", .base64URLDotted, 32...64),
        .init("vault-service-token", "hvs.", .base64URL, 90...120),
        .init("vault-batch-token", "hvb.", .base64URL, 138...300),
        .init("doppler-api-token", "dp.pt.", .alphanumeric, 43...43),
        // Source hosting and package registries
        .init("github-pat", "ghp_", .alphanumeric, 36...36),
        .init("github-oauth", "gho_", .alphanumeric, 36...36),
        .init("github-app-token", "ghu_", .alphanumeric, 36...36),
        .init("github-app-token", "ghs_", .alphanumeric, 36...36),
        .init("github-refresh-token", "ghr_", .alphanumeric, 36...36),
        .init("github-fine-grained-pat", "github_pat_", .word, 82...82),
        .init("gitlab-pat", "glpat-", .base64URLDotted, 20...100),
        .init("gitlab-ptt", "glptt-", .hex, 40...40),
        .init("gitlab-runner-authentication-token", "glrt-", .base64URL, 20...100),
        .init("gitlab-rrt", "GR1348941", .base64URL, 20...20),
        .init("npm-access-token", "npm_", .alphanumeric, 36...36),
        .init("pypi-upload-token", "pypi-AgEIcHlwaS5vcmc", .base64URL, 50...1000),
        .init("rubygems-api-token", "rubygems_", .hex, 48...48),
        // Messaging and email
        .init("slack-bot-token", "xoxb-", .base64URL, 20...255),
        .init("slack-user-token", "xoxp-", .base64URL, 20...255),
        .init("slack-user-token", "xoxe-", .base64URL, 20...255),
        .init("slack-legacy-token", "xoxa-", .base64URL, 20...255),
        .init("slack-legacy-token", "xoxo-", .base64URL, 20...255),
        .init("slack-legacy-token", "xoxs-", .base64URL, 20...255),
        .init("slack-legacy-token", "xoxr-", .base64URL, 20...255),
        .init("slack-app-token", "xapp-", .base64URL, 20...255),
        .init("slack-webhook-url", "hooks.slack.com/services/", .base64, 20...80, boundary: false),
        .init("twilio-api-key", "SK", .hex, 32...32),
        .init("sendgrid-api-token", "SG.", .base64URLDotted, 66...66),
        .init("mailgun-private-api-token", "key-", .hex, 32...32),
        // Payments and commerce
        .init("stripe-access-token", "sk_live_", .alphanumeric, 10...99),
        .init("stripe-access-token", "sk_test_", .alphanumeric, 10...99),
        .init("stripe-access-token", "sk_prod_", .alphanumeric, 10...99),
        .init("stripe-access-token", "rk_live_", .alphanumeric, 10...99),
        .init("stripe-access-token", "rk_test_", .alphanumeric, 10...99),
        .init("stripe-access-token", "rk_prod_", .alphanumeric, 10...99),
        .init("shopify-access-token", "shpat_", .hex, 32...32),
        .init("shopify-custom-access-token", "shpca_", .hex, 32...32),
        .init("shopify-private-app-access-token", "shppa_", .hex, 32...32),
        .init("shopify-shared-secret", "shpss_", .hex, 32...32),
        .init("square-access-token", "sq0atp-", .base64URL, 22...22),
        .init("square-secret", "sq0csp-", .base64URL, 43...43),
        // AI providers
        .init("anthropic-api-key", "sk-ant-", .base64URL, 32...200),
        .init("openai-api-key", "sk-proj-", .base64URL, 40...200),
        .init("openai-api-key", "sk-svcacct-", .base64URL, 40...200),
        .init("openai-api-key", "sk-admin-", .base64URL, 40...200),
        .init("openai-api-key", "sk-", .alphanumeric, 48...48),
        .init("huggingface-access-token", "hf_", .alphabetic, 34...34),
        // Observability and developer tools
        .init("grafana-cloud-api-token", "glc_", .base64, 32...400),
        .init("grafana-service-account-token", "glsa_", .word, 41...41),
        .init("new-relic-user-api-key", "NRAK-", .upperAlphanumeric, 27...27),
        .init("sentry-user-token", "sntryu_", .hex, 64...64),
        .init("linear-api-key", "lin_api_", .alphanumeric, 40...40),
        .init("postman-api-token", "PMAK-", .hexDashed, 59...59),
        .init("atlassian-api-token", "ATATT3", .base64URLDotted, 180...200),
        .init("age-secret-key", "AGE-SECRET-KEY-1", .upperAlphanumeric, 58...58),
    ]
}
