/// The kinds of sensitive value the redactor recognises.
///
/// The raw value is the label written into redacted text (`[REDACTED:email]`), so it is part of the log format:
/// do not rename a case without treating it as a format change.
public enum FindingType: String, Sendable, Hashable, CaseIterable, Codable {
    case email
    case phone
    case iban
    case card
    case usSSN = "us_ssn"
    case ukNINO = "uk_nino"
    case ipv4
    case ipv6
    case jwt
    case bearerToken = "bearer_token"
    case privateKey = "private_key"
    case apiKey = "api_key"
    /// A high-entropy value assigned to a key-like name (`token=`, `secret:`, `"api_key": "…"`).
    case secret
    /// A password: in a URL's user info, a connection string, or a `password=` assignment.
    case password

    /// Whether the value is a credential (as opposed to personal data).
    ///
    /// Configuration linting refuses literal credentials; personal data such as an email address is allowed in
    /// configuration (an approver's address, for instance).
    public var isCredential: Bool {
        switch self {
        case .jwt, .bearerToken, .privateKey, .apiKey, .secret, .password: true
        case .email, .phone, .iban, .card, .usSSN, .ukNINO, .ipv4, .ipv6: false
        }
    }

    /// Tie-break between overlapping findings of equal length: the more specific detector wins.
    ///
    /// Validated formats (checksums, fixed prefixes, decodable headers) rank above loose shapes.
    var specificity: Int {
        switch self {
        case .privateKey: 100
        case .jwt: 90
        case .apiKey: 85
        case .iban: 80
        case .card: 75
        case .usSSN, .ukNINO: 70
        case .email: 65
        case .ipv4, .ipv6: 60
        case .password: 50
        case .bearerToken: 40
        case .secret: 30
        case .phone: 20
        }
    }
}
