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

    public init() {}

    /// `choices`: every string the catalog's schemas enumerate.
    public init(choices: some Sequence<String>) {
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
