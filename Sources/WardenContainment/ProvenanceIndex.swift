import WardenCore

/// Where a value came from, as far as the run has seen.
public enum ValueProvenance: Sendable, Hashable {
    /// A trusted source names it (the first such source recorded).
    case trusted(source: String)
    /// It appears only in untrusted content (sources sorted, at most five).
    case untrusted(sources: [String])
    /// It appears nowhere the run has seen.
    case unknown
}

/// One row of the index, for persistence by the caller (Warden stores rows and rebuilds the index from them).
public struct IndexEntry: Sendable, Hashable, Codable {
    public var value: TaggedValue
    public var trusted: Bool
    public var source: String

    public init(value: TaggedValue, trusted: Bool, source: String) {
        self.value = value
        self.trusted = trusted
        self.source = source
    }
}

/// The values a run has seen, with where they came from.
///
/// Rows that cannot change an answer are not kept: a second row for a value some trusted source already names,
/// or the same value from the same source again. Replaying the kept rows rebuilds the same index.
public struct ProvenanceIndex: Sendable {
    /// The phrase rule's minimum length: shorter free text is matched only whole.
    public static let minimumPhraseLength = 12
    public static let defaultLimit = 20_000

    public private(set) var entries: [IndexEntry] = []
    /// Set once a value could not be added because the index holds `limit` rows.
    public private(set) var overflowed = false
    public let limit: Int

    private var seen: Set<IndexEntry> = []
    private var firstTrusted: [TaggedValue: String] = [:]
    private var untrustedSources: [TaggedValue: [String]] = [:]
    private var phrases: [Phrase] = []
    /// Runs of `ContainmentJudge.passageLength` words that untrusted content dictated (a dictating sentence and the
    /// `dictatedReach` words after it), with their sources: computed once per row, so judging a call does not re-read the run.
    public private(set) var dictatedRuns: [String: [String]] = [:]
    /// Set once a dictated run found no room (`dictatedRunLimit`): what the content dictated is not all known.
    public private(set) var dictationOverflowed = false
    public static let dictatedRunLimit = 50_000
    private let dictation: Bool
    /// How many words after a dictating sentence count as what it dictates.
    public static let dictatedReach = 80

    private struct Phrase: Sendable {
        var bytes: [UInt8]
        var trusted: Bool
        var source: String
    }

    /// `dictation: false` for an index that only collects rows (a tool result's, before they join the run's): what
    /// content dictated is worked out once, in the index a call is judged against.
    public init(entries: [IndexEntry] = [], limit: Int = ProvenanceIndex.defaultLimit, dictation: Bool = true) {
        self.limit = max(0, limit)
        self.dictation = dictation
        for entry in entries { insert(entry) }
    }

    public var count: Int { entries.count }

    /// Adds every value of `text`; returns the rows that were new (what the caller must persist).
    @discardableResult
    public mutating func add(text: String, trusted: Bool, source: String) -> [IndexEntry] {
        add(values: ValueExtractor.values(inText: text), trusted: trusted, source: source)
    }

    /// Adds every value of a JSON document (a tool result); returns the rows that were new.
    @discardableResult
    public mutating func add(json: JSONValue, trusted: Bool, source: String) -> [IndexEntry] {
        add(values: ValueExtractor.values(in: json), trusted: trusted, source: source)
    }

    /// Adds `values`, in sorted order so rows are deterministic; returns the rows that were new.
    @discardableResult
    public mutating func add(values: Set<TaggedValue>, trusted: Bool, source: String) -> [IndexEntry] {
        var added: [IndexEntry] = []
        for value in values.sorted() {
            let entry = IndexEntry(value: value, trusted: trusted, source: source)
            if insert(entry) { added.append(entry) }
        }
        return added
    }

    @discardableResult
    private mutating func insert(_ entry: IndexEntry) -> Bool {
        guard firstTrusted[entry.value] == nil, !seen.contains(entry) else { return false }
        // Only untrusted rows are capped: a flood of untrusted values cannot push out what a trusted source said
        // (values that find no room read as unknown, which a tainted run holds).
        guard entry.trusted || entries.count < limit else {
            overflowed = true
            return false
        }
        entries.append(entry)
        seen.insert(entry)
        if entry.trusted {
            firstTrusted[entry.value] = entry.source
            untrustedSources[entry.value] = nil
        } else {
            untrustedSources[entry.value, default: []].append(entry.source)
        }
        if entry.value.kind == .text && entry.value.value.count >= Self.minimumPhraseLength {
            phrases.append(Phrase(bytes: Array(entry.value.value.utf8), trusted: entry.trusted, source: entry.source))
            if dictation && !entry.trusted { addDictated(entry.value.value, source: entry.source) }
        }
        return true
    }

    /// Trusted wins: a value any trusted source names is trusted, whatever untrusted content also holds it. A
    /// `.text` reading of at least 12 characters also counts as named by a source whose `.text` value holds it
    /// as a whole phrase (free strings the task spells out inside a longer sentence).
    public func provenance(of readings: [TaggedValue]) -> ValueProvenance {
        for reading in readings {
            if let source = firstTrusted[reading] { return .trusted(source: source) }
        }
        let phraseReadings = readings.filter {
            $0.kind == .text && $0.value.count >= Self.minimumPhraseLength
        }.map { Array($0.value.utf8) }
        for needle in phraseReadings {
            if let phrase = phrases.first(where: { $0.trusted && Self.contains($0.bytes, phrase: needle) }) {
                return .trusted(source: phrase.source)
            }
        }
        var sources = Set<String>()
        for reading in readings { sources.formUnion(untrustedSources[reading] ?? []) }
        for needle in phraseReadings {
            for phrase in phrases where !phrase.trusted && Self.contains(phrase.bytes, phrase: needle) {
                sources.insert(phrase.source)
            }
        }
        return sources.isEmpty ? .unknown : .untrusted(sources: Array(sources.sorted().prefix(5)))
    }

    /// The provenance of `readings` across several indexes (the tenant's directory, tool descriptions, the run):
    /// trusted by the first index that trusts it, else untrusted with every index's sources merged.
    public static func provenance(of readings: [TaggedValue], in indexes: [ProvenanceIndex]) -> ValueProvenance {
        var sources = Set<String>()
        for index in indexes {
            switch index.provenance(of: readings) {
            case .trusted(let source): return .trusted(source: source)
            case .untrusted(let found): sources.formUnion(found)
            case .unknown: continue
            }
        }
        return sources.isEmpty ? .unknown : .untrusted(sources: Array(sources.sorted().prefix(5)))
    }

    // MARK: Dictation

    private mutating func addDictated(_ text: String, source: String) {
        let sentences = ActionDirectives.sentences(text)
        var index = 0
        while index < sentences.count {
            guard ActionDirectives.dictates(sentences[index]) else {
                index += 1
                continue
            }
            // The dictating sentence and the next `dictatedReach` words, as one stream: a payload may span short
            // sentences.
            var region = ContainmentJudge.passageWords(sentences[index])
            var after = 0
            for next in sentences.dropFirst(index + 1) where after < Self.dictatedReach {
                let words = ContainmentJudge.passageWords(next)
                region += words.prefix(Self.dictatedReach - after)
                after += words.count
            }
            for run in ContainmentJudge.runs(of: region, length: ContainmentJudge.passageLength) {
                if dictatedRuns[run] == nil && dictatedRuns.count >= Self.dictatedRunLimit {
                    dictationOverflowed = true
                    continue
                }
                if dictatedRuns[run]?.contains(source) != true { dictatedRuns[run, default: []].append(source) }
            }
            index += 1
        }
    }

    // MARK: Phrases

    /// Characters that join the parts of one value (`bob.x@evil.example`, `/archive/q3.pdf`): a phrase next to one
    /// is a piece of a longer value, not a whole phrase. This is stricter than "any non-alphanumeric".
    private static let joiners: Set<Unicode.Scalar> = [
        ".", "-", "_", "/", "@", ":", "+", "#", "&", "=", "%", "~", "\\", "'",
    ]

    /// Whether `phrase` occurs in `text` bounded on both sides by the start or end, whitespace, or punctuation
    /// that does not join the parts of a value (a joiner after the phrase counts when whitespace or the end
    /// follows it, like a full stop).
    static func contains(_ text: [UInt8], phrase: [UInt8]) -> Bool {
        guard let first = phrase.first, phrase.count <= text.count else { return false }
        var start = 0
        let lastStart = text.count - phrase.count
        while start <= lastStart {
            if text[start] == first && text[start..<(start + phrase.count)].elementsEqual(phrase)
                && boundedBefore(text, start) && boundedAfter(text, start + phrase.count)
            {
                return true
            }
            start += 1
        }
        return false
    }

    private static func boundedBefore(_ text: [UInt8], _ index: Int) -> Bool {
        guard let scalar = scalar(before: index, in: text) else { return true }
        return !TextForm.isAlphanumeric(scalar) && !joiners.contains(scalar)
    }

    private static func boundedAfter(_ text: [UInt8], _ index: Int) -> Bool {
        guard let (scalar, length) = scalar(at: index, in: text) else { return true }
        if TextForm.isAlphanumeric(scalar) { return false }
        guard joiners.contains(scalar) else { return true }
        guard let (next, _) = Self.scalar(at: index + length, in: text) else { return true }
        return TextForm.isWhitespace(next)
    }

    private static func scalar(at index: Int, in text: [UInt8]) -> (Unicode.Scalar, Int)? {
        guard index < text.count else { return nil }
        let lead = text[index]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        guard index + length <= text.count else { return nil }
        let decoded = String(decoding: text[index..<(index + length)], as: UTF8.self).unicodeScalars
        return decoded.first.map { ($0, length) }
    }

    private static func scalar(before index: Int, in text: [UInt8]) -> Unicode.Scalar? {
        guard index > 0 else { return nil }
        var start = index - 1
        while start > 0 && text[start] & 0xC0 == 0x80 { start -= 1 }
        return String(decoding: text[start..<index], as: UTF8.self).unicodeScalars.first
    }
}
