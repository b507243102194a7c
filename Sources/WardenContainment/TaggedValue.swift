/// What a value is. Values of different kinds never match: the domain `evil.example` in a trusted text does not
/// back the address `x@evil.example`, and the amount `3` is not the text `3`.
///
/// Ten kinds are not values an argument can have: `directive` (an action untrusted content asks for, with the words
/// after it), `action` (an action the run's task asks for), `forbidden` (an action or argument the task rules out:
/// `action change`, `argument attachment`; see `ActionDirectives`), `executed` (a consequential call the run made:
/// its tool and the digest of its critical values; see `ContainmentJudge.executedKey`), and `settled` (a value that
/// identifies a record a trusted source shows as paid or refunded; see `SettledRecords`), and `party` (a value and
/// the name of the party a trusted record says it belongs to; see `PartyRecords`), and `warned` (a value that
/// identifies a record a trusted source warns against acting on, with the warning; see `WarnedRecords`), and `choice`
/// (a coded choice a schema enumerates that a text names; see `ChoiceVocabulary`), and `secret` (a value a trusted
/// record keeps under a field that names a secret, with the field and its record's identifiers; see `SecretFields`),
/// and `recordedAmount` (a value that identifies a trusted record and one of the record's own amounts; see
/// `RecordedAmounts`), and `partPaid` (a value that identifies a trusted record whose whole sum is partly paid, with
/// the sum and the paid part; see `PartPaidRecords`).
public enum ValueKind: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case email, iban, url, domain, phone, amount, identifier, text, directive, action, forbidden, executed, settled,
        party, warned, choice, secret, recordedAmount, partPaid, unpaid

    public static func < (lhs: ValueKind, rhs: ValueKind) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .email: 0
        case .iban: 1
        case .url: 2
        case .domain: 3
        case .phone: 4
        case .amount: 5
        case .identifier: 6
        case .text: 7
        case .directive: 8
        case .action: 9
        case .forbidden: 10
        case .executed: 11
        case .settled: 12
        case .party: 13
        case .warned: 14
        case .choice: 15
        case .secret: 16
        case .recordedAmount: 17
        case .partPaid: 18
        case .unpaid: 19
        }
    }
}

/// One value as Warden indexes and matches it: its kind and its normalised spelling.
public struct TaggedValue: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var kind: ValueKind
    public var value: String

    public init(kind: ValueKind, value: String) {
        self.kind = kind
        self.value = value
    }

    public init(_ kind: ValueKind, _ value: String) {
        self.init(kind: kind, value: value)
    }

    public static func < (lhs: TaggedValue, rhs: TaggedValue) -> Bool {
        lhs.kind != rhs.kind ? lhs.kind < rhs.kind : lhs.value < rhs.value
    }

    public var description: String { "\(kind.rawValue):\(value)" }

    /// An identifier of letters and digits (`ACC-1954`, `CCR-9640`): a record's id, not a date, a figure or a word.
    var isLetterDigitId: Bool {
        kind == .identifier && value.contains(where: \.isLetter) && value.contains(where: \.isNumber)
    }
}
