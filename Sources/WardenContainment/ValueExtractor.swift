import WardenCore

/// The values in content (what the index records) and the readings of an argument (what must be backed).
///
/// Both sides use the same recognisers, and both match whole values only: a token is one value, an IBAN or phone
/// number written in groups is one value, and the pieces of a value (the groups of an IBAN, the host of an
/// address) are never values of their own, except a URL's host and an address's domain, which are kept as
/// `.domain`.
public enum ValueExtractor {
    /// The longest `.text` value kept (characters, after normalisation).
    public static let maxTextLength = 2000

    /// Every value that appears in free text.
    public static func values(inText text: String) -> Set<TaggedValue> {
        var out = Set<TaggedValue>()
        collect(text: text, depth: 0, into: &out)
        return out
    }

    /// Values in a JSON document (a tool result): string leaves as free text, numbers as amounts (integers also as
    /// identifiers); booleans, nulls and object keys carry none.
    public static func values(in json: JSONValue) -> Set<TaggedValue> {
        var out = Set<TaggedValue>()
        collect(json: json, depth: 0, into: &out)
        return out
    }

    /// The candidate readings of one argument value, one inner array per literal (an array or object argument
    /// holds several). A literal is backed when any of its readings is.
    public static func argumentValues(_ value: JSONValue) -> [[TaggedValue]] {
        literals(value).map(\.readings)
    }

    // MARK: Content

    static func collect(json: JSONValue, depth: Int, into out: inout Set<TaggedValue>) {
        var stack = [json]
        while let value = stack.popLast() {
            switch value {
            case .null, .bool: break
            case .integer(let number):
                // An integer is an id unless it sits under an amount-like key (an invoice id must not back a sum).
                out.insert(TaggedValue(.identifier, String(number)))
            case .double(let number):
                if let canonical = Parse.decimal(number) { out.insert(TaggedValue(.amount, canonical)) }
            case .string(let text): collect(text: text, depth: depth, into: &out)
            case .array(let elements): stack.append(contentsOf: elements)
            case .object(let members):
                for (key, member) in members {
                    if case .integer(let number) = member, isAmountKey(key) {
                        out.insert(TaggedValue(.amount, String(number)))
                    }
                    stack.append(member)
                }
            }
        }
    }

    /// Keys under which an integer is a sum of money (`amount`, `total_due`, `priceCents` …).
    static func isAmountKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return [
            "amount", "total", "price", "sum", "balance", "cost", "fee", "due", "value", "net", "gross", "paid",
            "deposit",
        ]
        .contains { lower.contains($0) }
    }

    static func collect(text: String, depth: Int, into out: inout Set<TaggedValue>) {
        let clean = TextForm.cleaned(text)
        if let whole = textValue(clean) {
            out.insert(TaggedValue(.text, whole))
        } else {
            // Too long to keep whole: its lines are kept (a long line in pieces), so a passage of it copied into a
            // message is still found.
            for line in clean.split(whereSeparator: \.isNewline) {
                for piece in pieces(of: line, longest: maxTextLength / 2) {
                    if let text = textValue(piece), text.count >= ProvenanceIndex.minimumPhraseLength {
                        out.insert(TaggedValue(.text, text))
                    }
                }
            }
        }
        for leaf in structuredLeaves(clean) { out.insert(TaggedValue(.text, leaf)) }
        scan(clean, into: &out)
        // `carer=CR-252 claim=142.20`, `CL-1162,Claire Neame,daughter`: a value a key=value log or a CSV row glues to
        // its neighbours is read on its own too, part by part (never across parts: two cells are no phone number).
        if clean.utf8.count <= 1 << 20, clean.utf8.contains(0x3D) || clean.utf8.contains(0x2C) {
            var parts = 0
            for token in clean.split(whereSeparator: { $0.isWhitespace }) where parts < 20_000 {
                guard !token.contains("://"),
                    token.contains("=") || (token.contains(",") && token.contains(where: \.isLetter))
                else { continue }
                for part in token.split(whereSeparator: { $0 == "=" || $0 == "," })
                where part.count >= 2 && part.contains(where: { $0.isNumber || $0 == "@" }) {
                    parts += 1
                    var found = Set<TaggedValue>()
                    scan(String(part), into: &found)
                    out.formUnion(found.filter { $0.kind != .text })
                }
            }
        }
        // Line breaks written as escapes (an iCalendar DESCRIPTION, a log line with JSON inside): "IBAN: GB48 SRLG
        // 6083 7177 3019 46\n\nPlease" holds the account as surely as the same text with real line breaks. Read
        // both ways, for addresses, accounts, links and phones only (a Windows path's `\report` is no escape).
        if clean.utf8.count <= 1 << 20, clean.utf8.contains(0x5C),
            clean.contains("\\n") || clean.contains("\\t") || clean.contains("\\r")
        {
            let unescaped = clean.replacingOccurrences(of: "\\n", with: "\n")
                .replacingOccurrences(of: "\\r", with: "\n").replacingOccurrences(of: "\\t", with: " ")
            var found = Set<TaggedValue>()
            scan(unescaped, into: &found)
            out.formUnion(found.filter { keyKinds.contains($0.kind) })
        }
        // Tool results often carry JSON inside a string (MCP text content): its leaves are values too.
        if depth < 2, let opening = clean.unicodeScalars.first(where: { !TextForm.isWhitespace($0) }),
            opening == "{" || opening == "[", clean.utf8.count <= 1 << 20,
            let nested = try? StrictJSONParser().parse(Array(clean.utf8))
        {
            collect(json: nested, depth: depth + 1, into: &out)
        }
    }

    /// The values of structured lines (YAML, Markdown lists, `key: value` listings: what tools print instead of
    /// JSON): `- Amara` and `recipient: CH93…` hold the leaves `amara` and `ch93…`, as a JSON document would.
    /// Lines of prose are not leaves.
    static func structuredLeaves(_ clean: String) -> [String] {
        guard clean.utf8.count <= 1 << 20, clean.utf8.contains(where: { $0 == 0x2D || $0 == 0x3A || $0 == 0x2A }) else {
            return []
        }
        var leaves: [String] = []
        for line in clean.split(whereSeparator: \.isNewline) {
            var value = Substring(TextForm.trimmed(String(line)))
            var structured = false
            for bullet in ["- ", "* ", "\u{2022} "] where value.hasPrefix(bullet) {
                value = value.dropFirst(bullet.count)
                structured = true
                break
            }
            if let colon = value.firstIndex(of: ":"), value[value.index(after: colon)...].first == " ",
                value.distance(from: value.startIndex, to: colon) <= 40,
                value[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "_ .-".contains($0) })
            {
                value = value[value.index(after: colon)...]
                structured = true
            }
            guard structured else { continue }
            var leaf = TextForm.trimmed(String(value))
            if leaf.count >= 2, let first = leaf.first, first == "'" || first == "\"", leaf.last == first {
                leaf = String(leaf.dropFirst().dropLast())
            }
            let normal = TextForm.collapsed(leaf.lowercased())
            if !normal.isEmpty && normal.count <= 500 { leaves.append(normal) }
        }
        return leaves
    }

    /// `line` cut at spaces into pieces of at most `longest` characters (a word longer than that is its own piece),
    /// each starting with the last `overlap` words of the one before, so a passage across a cut is whole in one.
    static func pieces(of line: Substring, longest: Int, overlap: Int = 16) -> [String] {
        guard line.count > longest else { return [String(line)] }
        var pieces: [String] = []
        var current: [Substring] = []
        var length = 0
        for word in line.split(separator: " ", omittingEmptySubsequences: true) {
            if current.count > overlap && length + 1 + word.count > longest {
                pieces.append(current.joined(separator: " "))
                current = Array(current.suffix(overlap))
                length = current.reduce(0) { $0 + $1.count + 1 }
            }
            current.append(word)
            length += word.count + 1
        }
        if !current.isEmpty { pieces.append(current.joined(separator: " ")) }
        return pieces
    }

    /// The `.text` form of already cleaned text, when it is 1…2000 characters.
    static func textValue(_ clean: String) -> String? {
        guard clean.unicodeScalars.count <= maxTextLength * 8 else { return nil }
        let normal = TextForm.collapsed(clean.lowercased())
        return normal.isEmpty || normal.count > maxTextLength ? nil : normal
    }

    /// Token separators besides whitespace: quotes and markup delimiters never belong to a value.
    private static let separators: Set<Unicode.Scalar> = ["\"", "<", ">", "`", "{", "}", "|"]

    static func tokens(_ clean: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in clean.unicodeScalars {
            if TextForm.isWhitespace(scalar) || separators.contains(scalar) {
                if !current.isEmpty { tokens.append(String(current)) }
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        return tokens
    }

    /// One token with its wrapping removed.
    struct Piece {
        /// Without surrounding brackets, quotes, emphasis and sentence punctuation, nor a leading `Label:`.
        var core: String
        /// Only sentence punctuation and quotes removed (brackets kept: phone numbers use them).
        var light: String
        /// Whether sentence punctuation followed the token: a value spread over tokens ends here.
        var closes: Bool
        /// Whether the token was a `#channel` or `@handle`: a name, even when it is letters only.
        var marked = false
    }

    private static let leadingWrap: Set<Unicode.Scalar> = [
        "(", "[", "{", "\"", "'", "*", "_", "#", ":", ";", ",", "=", "`", "\u{AB}", "\u{201C}", "\u{2018}",
        "\u{201E}", "\u{201A}", "\u{A1}", "\u{BF}", "\u{2022}", "\u{B7}",
    ]
    private static let trailingWrap: Set<Unicode.Scalar> = [
        ")", "]", "}", "\"", "'", "*", "_", "`", "\u{BB}", "\u{201D}", "\u{2019}",
    ]
    private static let sentencePunctuation: Set<Unicode.Scalar> = [".", ",", ";", ":", "!", "?", "\u{2026}"]
    private static let quotes: Set<Unicode.Scalar> = [
        "\"", "'", "`", "\u{AB}", "\u{BB}", "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}", "[", "]", "{", "}",
    ]

    static func piece(_ token: String) -> Piece {
        if token.unicodeScalars.allSatisfy(TextForm.isAlphanumeric) {
            return Piece(core: token, light: token, closes: false)
        }
        var scalars = Array(token.unicodeScalars)
        var closes = false
        var trimmedTrailing = true
        while trimmedTrailing, let last = scalars.last {
            trimmedTrailing = false
            if sentencePunctuation.contains(last) {
                closes = true
                scalars.removeLast()
                trimmedTrailing = true
            } else if trailingWrap.contains(last) {
                scalars.removeLast()
                trimmedTrailing = true
            }
        }
        // An English possessive is not part of the value: "V-1001's IBAN" names V-1001.
        if scalars.count > 2, scalars[scalars.count - 1] == "s" || scalars[scalars.count - 1] == "S",
            scalars[scalars.count - 2] == "'" || scalars[scalars.count - 2] == "\u{2019}"
        {
            scalars.removeLast(2)
        }
        var marked = false
        while let first = scalars.first, leadingWrap.contains(first) {
            marked = marked || first == "#"
            scalars.removeFirst()
        }
        if scalars.first == "@" && scalars.count > 1 {
            marked = true
            scalars.removeFirst()
        }
        scalars = withoutLabel(scalars)
        var light = Array(token.unicodeScalars)
        while let last = light.last, sentencePunctuation.contains(last) || quotes.contains(last) {
            light.removeLast()
        }
        while let first = light.first, quotes.contains(first) { light.removeFirst() }
        light = withoutLabel(light)
        return Piece(core: TextForm.string(scalars), light: TextForm.string(light), closes: closes, marked: marked)
    }

    /// `IBAN:DE89…`, `Tel:+49…`, `Re:INV-7` – a short label glued to a value by a colon is not part of it (a
    /// drive letter, `C:\…`, is).
    private static func withoutLabel(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard let colon = scalars.firstIndex(of: ":"), (2...12).contains(colon), colon + 1 < scalars.count,
            scalars[..<colon].allSatisfy(TextForm.isASCIILetter), scalars[colon + 1] != "/", scalars[colon + 1] != "\\"
        else { return scalars }
        return Array(scalars[(colon + 1)...])
    }

    /// The token-level scan: URLs and addresses first (whole tokens), then values written over several tokens
    /// (IBANs in groups, phone numbers, amounts with spaces), then what is left, token by token.
    static func scan(_ clean: String, into out: inout Set<TaggedValue>) {
        let raw = tokens(clean)
        var consumed = [Bool](repeating: false, count: raw.count)
        for (index, token) in raw.enumerated() where token.utf8.contains(where: { $0 == 0x40 || $0 == 0x3A }) {
            let scalars = Array(token.unicodeScalars)
            for found in Parse.urls(in: scalars) {
                out.insert(TaggedValue(.url, found.url))
                out.insert(TaggedValue(.domain, found.host))
                consumed[index] = true
            }
            guard !consumed[index], scalars.contains("@") else { continue }
            for found in Parse.emails(in: scalars) {
                out.insert(TaggedValue(.email, found.address))
                out.insert(TaggedValue(.domain, found.domain))
                consumed[index] = true
            }
        }
        let pieces = raw.map(piece)
        scanIBANs(pieces, &consumed, into: &out)
        scanPhones(pieces, &consumed, into: &out)
        scanGroupedAmounts(pieces, &consumed, into: &out)
        for (index, piece) in pieces.enumerated() where !consumed[index] && !piece.core.isEmpty {
            let core = piece.core
            // Words of letters alone are no value (domains need a dot, identifiers a digit or a mark).
            if core.unicodeScalars.allSatisfy({ TextForm.isASCIILetter($0) || $0.properties.isAlphabetic }) {
                if piece.marked { out.insert(TaggedValue(.identifier, core)) }
                continue
            }
            if let amount = Parse.amount(token: core) {
                out.insert(TaggedValue(.amount, amount.canonical))
                out.insert(TaggedValue(.identifier, amount.numeral))
                continue
            }
            var host = Substring(core)
            if let slash = host.firstIndex(of: "/") { host = host[..<slash] }
            if let domain = Parse.domain(String(host), allowFileExtensions: false) {
                out.insert(TaggedValue(.domain, domain))
                continue
            }
            if piece.marked || Parse.isIdentifier(core) {
                out.insert(TaggedValue(.identifier, Parse.identifierForm(core)))
            }
        }
    }

    private static func scanIBANs(_ pieces: [Piece], _ consumed: inout [Bool], into out: inout Set<TaggedValue>) {
        var index = 0
        while index < pieces.count {
            defer { index += 1 }
            let head = pieces[index].core
            guard !consumed[index], Parse.looksLikeIBANStart(head) else { continue }
            if let iban = Parse.iban(head) {
                out.insert(TaggedValue(.iban, iban))
                consumed[index] = true
                continue
            }
            guard head.count == 4, !pieces[index].closes else { continue }
            let expected = Parse.ibanLength(startingWith: head)
            var compact = head
            var next = index + 1
            while next < pieces.count, !consumed[next] {
                let group = pieces[next].core
                guard (1...4).contains(group.count), group.unicodeScalars.allSatisfy(TextForm.isASCIIAlphanumeric),
                    compact.count + group.count <= (expected ?? 34)
                else { break }
                compact += group
                next += 1
                if group.count < 4 || pieces[next - 1].closes || compact.count == expected { break }
            }
            if next > index + 1, let iban = Parse.iban(compact) {
                out.insert(TaggedValue(.iban, iban))
                for covered in index..<next { consumed[covered] = true }
                index = next - 1
            }
        }
    }

    private static func scanPhones(_ pieces: [Piece], _ consumed: inout [Bool], into out: inout Set<TaggedValue>) {
        var index = 0
        while index < pieces.count {
            defer { index += 1 }
            guard !consumed[index], Parse.isPhonePiece(pieces[index].light, first: true) else { continue }
            var end = index + 1
            if !pieces[index].closes {
                while end < pieces.count, !consumed[end], Parse.isPhonePiece(pieces[end].light, first: false) {
                    end += 1
                    if pieces[end - 1].closes { break }
                }
            }
            while end > index {
                let parts = pieces[index..<end].map(\.light)
                if let phone = Parse.phone(parts) {
                    out.insert(TaggedValue(.phone, phone))
                    for covered in index..<end { consumed[covered] = true }
                    index = end - 1
                    break
                }
                let digits = parts.joined().unicodeScalars.filter(TextForm.isDigit).count
                guard digits > 15 else { break }
                end -= 1
            }
        }
    }

    private static func scanGroupedAmounts(
        _ pieces: [Piece], _ consumed: inout [Bool], into out: inout Set<TaggedValue>
    ) {
        var index = 0
        while index < pieces.count {
            defer { index += 1 }
            guard !consumed[index], !pieces[index].closes,
                pieces[index].core.unicodeScalars.contains(where: TextForm.isDigit)
            else { continue }
            var end = index + 1
            while end < pieces.count, !consumed[end],
                pieces[end].core.unicodeScalars.first.map(TextForm.isDigit) == true
            {
                end += 1
                if pieces[end - 1].closes || pieces[end - 1].core.count != 3 { break }
            }
            guard end - index >= 2 else { continue }
            let parts = pieces[index..<end].map(\.core)
            let before = index > 0 && Parse.isCurrencyToken(pieces[index - 1].core)
            let after = end < pieces.count && Parse.isCurrencyToken(pieces[end].core)
            if let amount = Parse.groupedAmount(parts, standalone: before || after) {
                out.insert(TaggedValue(.amount, amount))
                for covered in index..<end { consumed[covered] = true }
                index = end - 1
            }
        }
    }

    // MARK: Arguments

    /// One literal of an argument: its readings, and its spelling as the agent wrote it (for people).
    struct Literal: Sendable, Hashable {
        var shown: String
        var readings: [TaggedValue]
    }

    static let keyKinds: Set<ValueKind> = [.email, .url, .iban, .phone, .domain]

    /// `1250`, `1250.5`, `12,400.00`, with an optional currency around it: one reading only.
    static func isUnambiguousAmount(_ token: String) -> Bool {
        let number = Parse.strippingCurrency(token).0
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { return false }
        if parts.count == 2, parts[1].isEmpty || !parts[1].allSatisfy(\.isASCII) || !parts[1].allSatisfy(\.isNumber) {
            return false
        }
        let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
        guard let lead = groups.first, (1...3).contains(lead.count) || groups.count == 1 else { return false }
        return groups.enumerated().allSatisfy { index, group in
            group.allSatisfy { $0.isASCII && $0.isNumber } && (index == 0 ? !group.isEmpty : group.count == 3)
        }
    }

    static func literals(_ value: JSONValue) -> [Literal] {
        switch value {
        case .null, .bool: return []
        case .integer(let number):
            let text = String(number)
            return [Literal(shown: text, readings: [TaggedValue(.amount, text), TaggedValue(.identifier, text)])]
        case .double(let number):
            // A number the index cannot spell is a literal nothing backs (never one that is skipped).
            guard let canonical = Parse.decimal(number) else {
                return [Literal(shown: "\(number)", readings: [TaggedValue(.amount, "unreadable \(number)")])]
            }
            return [Literal(shown: "\(number)", readings: [TaggedValue(.amount, canonical)])]
        case .string(let text):
            let readings = readings(ofString: text)
            return readings.isEmpty ? [] : [Literal(shown: text, readings: readings)]
        case .array(let elements): return elements.flatMap(literals)
        case .object(let members):
            // A key that is an address, account or link is data (`{"mallory@evil.example": true}`); other keys are
            // field names (`iban`, `name`), not values.
            return members.keys.sorted().flatMap { key in
                literals(.string(key)).filter { $0.readings.allSatisfy { keyKinds.contains($0.kind) } }
                    + literals(members[key] ?? .null)
            }
        }
    }

    /// A string argument classified whole: the first kind it is, in the order email, IBAN, URL, phone, amount,
    /// domain, single token, text. A single token is also read as text (so it matches a string leaf of a trusted
    /// result whatever its case); structured kinds are not, so their pieces cannot be matched inside longer text.
    static func readings(ofString text: String) -> [TaggedValue] {
        let whole = TextForm.trimmed(TextForm.cleaned(text))
        guard !whole.isEmpty else { return [] }
        if let email = Parse.email(whole: whole) { return [TaggedValue(.email, email)] }
        let words = whole.split(whereSeparator: { $0.unicodeScalars.allSatisfy(TextForm.isWhitespace) }).map(
            String.init)
        if words.joined().count >= 15, let iban = Parse.iban(words.joined()) { return [TaggedValue(.iban, iban)] }
        if let url = Parse.url(whole) {
            // An argument's link keeps its fragment: `…/upload#token=…` is not the trusted `…/upload`.
            if let hash = whole.firstIndex(of: "#") {
                return [TaggedValue(.url, url.url + String(whole[hash...]))]
            }
            return [TaggedValue(.url, url.url)]
        }
        if let first = words.first, Parse.isPhonePiece(first, first: true),
            words.dropFirst().allSatisfy({ Parse.isPhonePiece($0, first: false) }), let phone = Parse.phone(words)
        {
            // `2311-101-012`, a participant's number: digits and dashes alone read as a phone number and as the id
            // they may be (a task writes "2311-101-012's visit", which is read as an id).
            if words.count == 1, whole.contains("-"), whole.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) {
                return [TaggedValue(.phone, phone), TaggedValue(.identifier, Parse.identifierForm(whole))]
            }
            return [TaggedValue(.phone, phone)]
        }
        var numberWords = words[...]
        if let first = numberWords.first, numberWords.count > 1, Parse.isCurrencyToken(first) {
            numberWords = numberWords.dropFirst()
        }
        if let last = numberWords.last, numberWords.count > 1, Parse.isCurrencyToken(last) {
            numberWords = numberWords.dropLast()
        }
        if numberWords.count == 1, let amount = Parse.amount(token: numberWords[numberWords.startIndex]) {
            // An amount an upstream could read two ways (`12,50` as 12.5 or 1250) backs nothing: only a plain
            // decimal or comma-grouped thousands (`12,400.00`) is read as a number here.
            guard Self.isUnambiguousAmount(numberWords[numberWords.startIndex]) else {
                return [TaggedValue(.amount, "ambiguous " + whole)]
            }
            return [TaggedValue(.amount, amount.canonical), TaggedValue(.identifier, amount.numeral)]
        }
        if let amount = Parse.groupedAmount(Array(numberWords), standalone: true) {
            return [TaggedValue(.amount, amount)]
        }
        if words.count == 1, let domain = Parse.domain(whole, allowFileExtensions: false) {
            return [TaggedValue(.domain, domain)]
        }
        let normal = TextForm.collapsed(whole.lowercased())
        if words.count == 1 {
            // An identifier (digits, paths, file names) matches case-sensitively; only a plain word also reads as
            // text, so a name matches a trusted leaf whatever its case.
            if Parse.isIdentifier(whole) { return [TaggedValue(.identifier, Parse.identifierForm(whole))] }
            return [TaggedValue(.identifier, Parse.identifierForm(whole)), TaggedValue(.text, normal)]
        }
        return [TaggedValue(.text, normal)]
    }
}
