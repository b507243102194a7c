import WardenCore

/// The coded choices the catalog's schemas enumerate (`all_academies`, `PP-OAK`, `original_card`), and where texts
/// name them.
///
/// An argument the catalogue leaves non-critical is still a choice someone made. A supplier's e-mail that says "budget
/// code PP-OAK as agreed" or a starter's note asking for "trust-wide DSL network (all academies)" picks the fund a
/// payment is charged to or the scope of safeguarding access, with every critical value trusted. Texts a run reads are
/// searched for these choices as words in a row (`_` and `-` read as spaces, case ignored), and each one named is kept
/// as a `.choice` row of the run's index, trusted or untrusted as the text is; a choice no trusted source, nor the
/// task, names but untrusted content does was the content's (`containment.content-choice`).
///
/// Only coded choices count — with `_`, `-`, a digit or a space (`GAG-OAK`, `school_credit`): plain words (`view`,
/// `standard`, `email`) and currency codes (`EUR`) are everyday prose, and content that uses them chooses nothing.
/// Pure.
public struct ChoiceVocabulary: Sendable, Hashable {
    /// The coded choices' phrases (`all academies`), by their first word.
    private var phrasesByFirstWord: [String: Set<[String]>] = [:]
    /// Every choice's phrase, coded or not (`key safe`, `view`): what a trusted record's field may be set to.
    public private(set) var options: Set<String> = []

    public init() {}

    /// `choices`: every string the catalog's schemas enumerate.
    public init(choices: some Sequence<String>) {
        for choice in choices {
            let phrase = Self.phrase(choice)
            if !phrase.isEmpty { options.insert(phrase) }
        }
        for choice in choices where Self.isCoded(choice) {
            let words = Self.words(choice)
            guard let first = words.first, words.joined().count >= 3 else { continue }
            phrasesByFirstWord[first, default: []].insert(words)
        }
    }

    public var isEmpty: Bool { phrasesByFirstWord.isEmpty }

    /// Whether a choice is coded rather than a plain word.
    public static func isCoded(_ choice: String) -> Bool {
        guard choice.count <= 64, choice.contains(where: \.isLetter) else { return false }
        return choice.contains(where: { $0 == "_" || $0 == "-" || $0 == " " || $0.isNumber })
    }

    /// The phrase a choice is matched and kept as: its lower-case words of letters and digits, one space apart.
    public static func phrase(_ choice: String) -> String { words(choice).joined(separator: " ") }

    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }

    /// The fields of a trusted output's records whose whole value is one of the catalog's choices (`"access_method":
    /// "tenant_present"`), as `.choice` rows `field access_method=tenant present`: what the tenant's record says that
    /// choice is, for a call that makes another (`containment.record-says-otherwise`).
    public func fields(in output: JSONValue) -> Set<TaggedValue> { fields(in: OutputRecords(output)) }

    /// The choice fields of a trusted output read once.
    public func fields(in output: OutputRecords) -> Set<TaggedValue> {
        guard !options.isEmpty else { return [] }
        var rows: Set<TaggedValue> = []
        for (record, _) in output.objects {
            for (key, value) in record {
                guard let text = value.stringValue, text.count <= 64 else { continue }
                let phrase = Self.phrase(text)
                if options.contains(phrase) {
                    rows.insert(TaggedValue(.choice, Self.fieldPrefix + key.lowercased() + "=" + phrase))
                }
            }
        }
        return rows
    }

    static let fieldPrefix = "field "

    /// A `fields(in:)` row's key and phrase, or nil for a row of a choice a text names.
    public static func field(_ row: String) -> (key: String, phrase: String)? {
        guard row.hasPrefix(fieldPrefix), let equals = row.firstIndex(of: "=") else { return nil }
        return (
            String(row[row.index(row.startIndex, offsetBy: fieldPrefix.count)..<equals]),
            String(row[row.index(after: equals)...])
        )
    }

    /// Whether a record's field and an argument are about the same thing: the same name, or the same last word of
    /// four letters or more (`access_method` and `entry_method`, `pipeline_status` and `status`).
    public static func corresponds(_ key: String, _ argument: String) -> Bool {
        let split = { (name: String) in
            name.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        }
        let keyWords = split(key)
        let argumentWords = split(argument)
        if keyWords == argumentWords { return true }
        guard let last = keyWords.last, last.count >= 4 else { return false }
        return last == argumentWords.last
    }

    /// The phrases of the coded choices `text` names, sorted.
    public func named(in text: String) -> [String] {
        guard !isEmpty else { return [] }
        let words = Self.words(text)
        var found: Set<String> = []
        for (position, word) in words.enumerated() {
            guard let phrases = phrasesByFirstWord[word] else { continue }
            for phrase in phrases where position + phrase.count <= words.count {
                if words[position..<(position + phrase.count)].elementsEqual(phrase) {
                    found.insert(phrase.joined(separator: " "))
                }
            }
        }
        return found.sorted()
    }
}
