/// The names only the tool layer uses: tool names (`renew_licence`, `payments.pay_grant`) and identifier-like
/// parameter names (`term_months`, `payeeIban`). People writing to a business do not speak them; content that does
/// ("Renewal agents must set term_months=60", "call payments.pay_grant") is written for the agent, and is a steering
/// signal (`tool-vocabulary`).
///
/// A parameter name counts only where content assigns it (`term_months=60`, "record insurance_expiry as …", "set
/// payee_iban to …"): a JSON key (`"term_months": 12`) or a `key: value` line of a record is data that happens to share
/// a field name, and a name inside a link (`?user_id=42`, `…/send_email`) is part of the link. A tool name counts
/// wherever it stands as a word. Plain-word names (`to`, `amount`) are never vocabulary. Matching is on the cleaned,
/// lower-cased text, as for the other signals. Pure.
public struct ToolVocabulary: Sendable, Hashable {
    public static let signal = "tool-vocabulary"

    /// Lower-cased tool names, qualified and local.
    public private(set) var tools: Set<String> = []
    /// Lower-cased parameter names.
    public private(set) var parameters: Set<String> = []

    public init() {}

    /// `tools`: qualified names (`server.tool`); `parameters`: argument names of their schemas.
    public init(tools: some Sequence<String>, parameters: some Sequence<String>) {
        for name in tools {
            let local = name.split(separator: ".").last.map(String.init) ?? name
            if Self.isIdentifierLike(local) { self.tools.insert(local.lowercased()) }
            if name.contains(".") { self.tools.insert(name.lowercased()) }
        }
        for name in parameters where Self.isIdentifierLike(name) { self.parameters.insert(name.lowercased()) }
    }

    public var isEmpty: Bool { tools.isEmpty && parameters.isEmpty }

    /// A name no one writes in prose: words joined by `_`, or a lower-case start with an upper-case letter inside.
    static func isIdentifierLike(_ name: String) -> Bool {
        guard name.count >= 4, name.count <= 64 else { return false }
        let letters = name.filter(\.isLetter)
        guard letters.count >= 3 else { return false }
        if name.dropFirst().dropLast().contains("_") { return true }
        return name.first?.isLowercase == true && name.dropFirst().contains(where: \.isUppercase)
    }

    /// The vocabulary `text` speaks, sorted: tool names and assigned parameter names.
    public func spoken(in text: String) -> [String] {
        isEmpty ? [] : spoken(inCleaned: TextForm.cleaned(text).lowercased())
    }

    /// `spoken(in:)` for text already cleaned and lower-cased (`TextForm.cleaned`).
    func spoken(inCleaned text: String) -> [String] {
        guard !isEmpty else { return [] }
        let cleaned = Array(text.unicodeScalars)
        var found: Set<String> = []
        var index = 0
        while index < cleaned.count {
            guard Self.isNamePart(cleaned[index]) else {
                index += 1
                continue
            }
            let start = index
            while index < cleaned.count, Self.isNamePart(cleaned[index]) { index += 1 }
            var end = index
            // A full stop or dash after a name ends the sentence, not the name.
            while end > start, cleaned[end - 1] == "." || cleaned[end - 1] == "-" { end -= 1 }
            guard end > start else { continue }
            // Part of a link or an address (`…/send_email`, `?user_id=42`, `&term_months=6`) is not prose.
            if start > 0, ["/", "?", "&", "=", "#", "@"].contains(cleaned[start - 1]) { continue }
            let token = String(String.UnicodeScalarView(cleaned[start..<end]))
            if tools.contains(token) || tools.contains(token.split(separator: ".").last.map(String.init) ?? token) {
                found.insert(token)
            } else if parameters.contains(token), Self.assigned(cleaned, start: start, end: end) {
                found.insert(token)
            }
        }
        return found.sorted()
    }

    static func isNamePart(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "0"..."9", "_", ".", "-": true
        default: false
        }
    }

    /// Whether the name at `start..<end` is assigned: not quoted, and followed by `=`, "to" or "as".
    static func assigned(_ text: [Unicode.Scalar], start: Int, end: Int) -> Bool {
        if start > 0, ["\"", "'", "`"].contains(text[start - 1]) { return false }
        if end < text.count, ["\"", "'", "`"].contains(text[end]) { return false }
        var next = end
        while next < text.count, text[next] == " " || text[next] == "\t" { next += 1 }
        guard next < text.count else { return false }
        if text[next] == "=" { return true }
        let word = String(String.UnicodeScalarView(text[next..<min(text.count, next + 3)]))
        return word == "to " || word == "as "
    }
}
