/// Instruction-like text in content: a signal that content is trying to steer the agent, never the only barrier
/// (an attacker can always phrase an instruction no list of patterns knows).
///
/// Patterns are matched on words of the NFKC-normalised, lower-cased text with invisible characters removed, so
/// full-width letters and zero-width splits do not hide them. Most need a verb and its object together
/// ("ignore previous instructions", "send … to x@evil.example"), so ordinary business text does not trip them.
public enum InstructionSignals {
    /// Names of the patterns found, sorted and unique: `addressed-to-ai`, `chat-template`, `conceal-from-user`,
    /// `hidden-markup`, `ignore-instructions`, `invisible-characters`, `role-override`, `tool-directive`,
    /// `urgent-imperative` (and, from the catalog, `tool-vocabulary`: see `ToolVocabulary`).
    /// Signals no ordinary business text carries: content that addresses the model, overrides its instructions or
    /// hides itself. (`tool-directive` and `urgent-imperative` also fire on invoices — "pay to …" — and are
    /// recorded, never acted on alone.)
    public static let steering: Set<String> = [
        "addressed-to-ai", "chat-template", "conceal-from-user", "hidden-markup", "ignore-instructions",
        "invisible-characters", "role-override", ToolVocabulary.signal,
    ]

    public static func scan(_ text: String) -> [String] {
        scan(text, vocabulary: ToolVocabulary())
    }

    /// The signals of `text`, and `tool-vocabulary` where it speaks `vocabulary` (the text is cleaned once for both).
    public static func scan(_ text: String, vocabulary: ToolVocabulary) -> [String] {
        var found = Set<String>()
        if hasInvisibleCharacters(text) { found.insert("invisible-characters") }
        let cleaned = TextForm.cleaned(text).lowercased()
        scanNormalised(cleaned, depth: 0, into: &found)
        if !vocabulary.spoken(inCleaned: cleaned).isEmpty { found.insert(ToolVocabulary.signal) }
        return found.sorted()
    }

    // MARK: Invisible characters

    /// Characters that hide or reorder text: zero-width spaces and joiners inside Latin words, word joiners and
    /// invisible operators, a byte-order mark past the start, bidirectional embeddings, overrides and isolates,
    /// tag characters (ASCII smuggling) and supplementary variation selectors.
    static func hasInvisibleCharacters(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar.value {
            case 0x200B, 0x2060...0x2064, 0x180E, 0x202A...0x202E, 0x2066...0x2069, 0xE0000...0xE007F,
                0xE0100...0xE01EF:
                return true
            case 0xFEFF where index > 0:
                return true
            case 0x200C...0x200F:
                let before = index > 0 && TextForm.isASCIIAlphanumeric(scalars[index - 1])
                let after = index + 1 < scalars.count && TextForm.isASCIIAlphanumeric(scalars[index + 1])
                if before && after { return true }
            default:
                continue
            }
        }
        return false
    }

    // MARK: Words

    struct Word {
        var text: String
        var start: Int
        var end: Int
    }

    static func words(_ scalars: [Unicode.Scalar]) -> [Word] {
        var words: [Word] = []
        var index = 0
        while index < scalars.count {
            guard isWordCharacter(scalars[index]) else {
                index += 1
                continue
            }
            let start = index
            var text = String.UnicodeScalarView()
            while index < scalars.count {
                let scalar = scalars[index]
                if isWordCharacter(scalar) {
                    text.append(scalar)
                } else if (scalar == "'" || scalar == "\u{2019}") && index + 1 < scalars.count
                    && TextForm.isAlphanumeric(scalars[index + 1])
                {
                    text.append("'")
                } else {
                    break
                }
                index += 1
            }
            words.append(Word(text: String(text), start: start, end: index))
        }
        return words
    }

    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || TextForm.isAlphanumeric(scalar)
    }

    // MARK: Patterns

    private static let ignoreVerbs: Set<String> = ["ignore", "disregard", "forget", "override", "bypass", "skip"]
    private static let ignoreFillers: Set<String> = [
        "all", "any", "the", "your", "my", "our", "of", "previous", "previously", "prior", "above", "earlier",
        "preceding", "past", "original", "initial", "old", "existing", "current", "system", "these", "those", "that",
        "this", "every", "other", "given", "aforementioned", "safety", "developer", "and", "or", "former",
    ]
    private static let instructionNouns: Set<String> = [
        "instructions", "instruction", "rules", "guidelines", "guidance", "directions", "directives", "prompt",
        "prompts", "context", "orders", "commands", "constraints", "restrictions", "programming", "messages",
        "policies", "guardrails", "training",
    ]
    private static let concealVerbs: Set<String> = [
        "tell", "inform", "mention", "reveal", "notify", "alert", "show", "disclose", "let", "report", "say", "ask",
        "warn",
    ]
    private static let negations: Set<String> = [
        "not", "never", "don't", "dont", "mustn't", "shouldn't", "cannot", "can't", "won't",
    ]
    private static let people: Set<String> = [
        "user", "users", "human", "humans", "owner", "anyone", "anybody", "operator", "principal", "requester",
    ]
    private static let gerunds: Set<String> = [
        "telling", "informing", "notifying", "alerting", "asking", "mentioning", "letting", "consulting", "warning",
        "showing",
    ]
    private static let callVerbs: Set<String> = ["call", "invoke", "use", "using", "run", "execute", "trigger"]
    private static let sendVerbs: Set<String> = [
        "send", "forward", "transfer", "wire", "pay", "email", "mail", "upload", "post", "share", "export",
        "exfiltrate", "leak", "copy", "bcc", "cc", "remit", "move", "deliver", "submit",
    ]
    private static let hiddenImperatives: Set<String> = [
        "send", "forward", "transfer", "wire", "pay", "invoke", "ignore", "disregard", "delete", "execute", "upload",
        "tell", "assistant", "ai", "instructions", "instruction", "llm", "chatgpt", "claude", "gpt", "gemini",
        "copilot", "exfiltrate",
    ]
    private static let urgentMarkers: Set<String> = ["important", "urgent", "attention"]
    private static let urgentFillers: Set<String> = [
        "please", "you", "must", "should", "now", "immediately", "first", "instead", "also", "kindly", "ai",
        "assistant", "agent", "to", "the", "model",
    ]
    private static let urgentVerbs: Set<String> = [
        "ignore", "disregard", "forget", "send", "forward", "transfer", "wire", "pay", "call", "invoke", "execute",
        "run", "delete", "remove", "email", "upload", "share", "export", "change", "override", "include", "add",
        "append", "grant", "approve", "use", "update", "bcc", "cc", "copy",
    ]
    private static let aiNames: Set<String> = [
        "ai", "assistant", "llm", "agent", "model", "bot", "chatbot", "chatgpt", "claude", "gpt", "gemini", "copilot",
    ]
    private static let chatTemplateTokens = [
        "[inst]", "[/inst]", "<<sys>>", "<</sys>>", "<start_of_turn>", "<end_of_turn>", "### instruction:",
        "### system:", "<system>", "</system>",
    ]

    private static let roleStarts: Set<String> = [
        "you", "you're", "new", "updated", "revised", "real", "true", "actual", "secret", "hidden", "system",
        "developer", "dan", "god", "jailbreak", "jailbroken", "pretend", "your",
    ]
    private static let aiStarts: Set<String> = ["if", "note", "dear", "any", "all", "every"]
    private static let concealStarts: Set<String> = ["without", "from", "user", "human", "owner"]
    /// Words a pattern can start at; every other word is skipped at once.
    private static let triggers: Set<String> = ignoreVerbs.union(concealVerbs).union(concealStarts).union(callVerbs)
        .union(sendVerbs).union(urgentMarkers).union(roleStarts).union(aiStarts)

    private static let wipeWords: Set<String> = ["everything", "all", "anything"]
    private static let earlier: Set<String> = ["above", "before", "previously", "prior", "earlier"]
    private static let secrecy: Set<String> = ["secret", "hidden", "confidential", "quiet"]
    private static let modals: Set<String> = ["must", "should", "shall", "will", "may", "can"]
    private static let negatedModals: Set<String> = ["mustn't", "shouldn't", "won't", "can't"]
    private static let perceive: Set<String> = ["know", "see", "notice", "find", "learn", "be", "suspect", "discover"]
    private static let tools: Set<String> = ["tool", "tools"]
    private static let to: Set<String> = ["to", "into"]
    private static let payees: Set<String> = ["iban", "wallet", "bitcoin", "btc"]
    private static let newness: Set<String> = [
        "new", "updated", "revised", "real", "true", "actual", "secret", "hidden",
    ]
    private static let orders: Set<String> = ["instructions", "instruction", "directives", "directive", "orders"]
    private static let systemWords: Set<String> = ["prompt", "prompts", "override"]
    private static let modes: Set<String> = ["developer", "dan", "god", "jailbreak"]
    private static let roleStates: Set<String> = ["acting", "operating", "dan", "unrestricted", "jailbroken", "free"]
    private static let articles: Set<String> = ["a", "an", "the", "my"]
    private static let roles: Set<String> = [
        "assistant", "ai", "agent", "bot", "chatbot", "model", "persona", "character", "hacker", "admin",
        "administrator", "unrestricted", "evil", "helpful", "dan",
    ]
    private static let primacy: Set<String> = ["real", "true", "actual", "only", "primary", "secret"]
    private static let missions: Set<String> = [
        "task", "goal", "objective", "purpose", "mission", "instructions", "job",
    ]
    private static let everyone: Set<String> = ["any", "all", "every"]
    private static let machines: Set<String> = ["ai", "llm", "llms"]

    static func scanNormalised(_ normal: String, depth: Int, into found: inout Set<String>) {
        let scalars = Array(normal.unicodeScalars)
        let words = words(scalars)
        let w = words.map(\.text)
        func at(_ index: Int) -> String { index >= 0 && index < w.count ? w[index] : "" }
        func any(_ range: ClosedRange<Int>, in set: Set<String>) -> Bool { range.contains { set.contains(at($0)) } }

        for (i, word) in w.enumerated() where triggers.contains(word) {
            if ignoreVerbs.contains(word) {
                var j = i + 1
                while j - i <= 6 && ignoreFillers.contains(at(j)) { j += 1 }
                if instructionNouns.contains(at(j)) { found.insert("ignore-instructions") }
                if wipeWords.contains(at(i + 1)) && earlier.contains(at(i + 2)) { found.insert("ignore-instructions") }
            }
            if roleStarts.contains(word) && roleOverride(i, at) { found.insert("role-override") }
            if concealVerbs.contains(word), any((i - 2)...(i - 1), in: negations), any((i + 1)...(i + 4), in: people) {
                found.insert("conceal-from-user")
            }
            if word == "without", gerunds.contains(at(i + 1)), any((i + 2)...(i + 4), in: people) {
                found.insert("conceal-from-user")
            }
            if word == "from", any((i + 1)...(i + 2), in: people), any((i - 4)...(i - 1), in: secrecy) {
                found.insert("conceal-from-user")
            }
            if people.contains(word) {
                let modal = modals.contains(at(i + 1)) && at(i + 2) == "not"
                let next = modal ? at(i + 3) : at(i + 2)
                if (modal || negatedModals.contains(at(i + 1))) && perceive.contains(next) {
                    found.insert("conceal-from-user")
                }
            }
            if callVerbs.contains(word),
                ((i + 1)...(i + 4)).contains(where: { tools.contains(at($0)) || isToolName(at($0)) })
            {
                found.insert("tool-directive")
            }
            if sendVerbs.contains(word), let j = ((i + 1)...(i + 10)).first(where: { to.contains(at($0)) }) {
                let end = min(scalars.count, words[j].end + 120)
                if any((j + 1)...(j + 3), in: payees) || hasRecipient(TextForm.string(scalars[words[j].end..<end])) {
                    found.insert("tool-directive")
                }
            }
            if urgentMarkers.contains(word), let next = scalars[words[i].end...].first(where: { $0 != " " }),
                next == ":" || next == "!"
            {
                var j = i + 1
                while j - i <= 4 && urgentFillers.contains(at(j)) { j += 1 }
                if urgentVerbs.contains(at(j)) { found.insert("urgent-imperative") }
            }
            if aiStarts.contains(word) && addressedToAI(i, at) { found.insert("addressed-to-ai") }
        }
        if hasChatTemplate(scalars) { found.insert("chat-template") }
        if hasSystemLine(normal) { found.insert("role-override") }
        if hasHiddenInstruction(scalars, depth: depth) { found.insert("hidden-markup") }
    }

    private static func roleOverride(_ i: Int, _ at: (Int) -> String) -> Bool {
        let word = at(i)
        let afterNow: Int? =
            word == "you" && at(i + 1) == "are" && at(i + 2) == "now"
            ? i + 3 : word == "you're" && at(i + 1) == "now" ? i + 2 : nil
        if let next = afterNow {
            if roleStates.contains(at(next)) { return true }
            if articles.contains(at(next)) && ((next + 1)...(next + 3)).contains(where: { roles.contains(at($0)) }) {
                return true
            }
        }
        if newness.contains(word) && orders.contains(at(i + 1)) { return true }
        if word == "system" && systemWords.contains(at(i + 1)) { return true }
        if modes.contains(word) && at(i + 1) == "mode" { return true }
        if word == "jailbreak" || word == "jailbroken" { return true }
        if word == "pretend"
            && ((at(i + 1) == "to" && at(i + 2) == "be") || at(i + 1) == "you" || at(i + 1) == "you're"
                || (at(i + 1) == "that" && at(i + 2) == "you"))
        {
            return true
        }
        return word == "your" && primacy.contains(at(i + 1)) && missions.contains(at(i + 2))
    }

    private static func addressedToAI(_ i: Int, _ at: (Int) -> String) -> Bool {
        let word = at(i)
        if word == "if" && ((at(i + 1) == "you" && at(i + 2) == "are") || at(i + 1) == "you're") {
            let article = at(i + 1) == "you're" ? i + 2 : i + 3
            let name = at(article + 1)
            if (at(article) == "an" || at(article) == "a")
                && (aiNames.contains(name) || (name == "language" && at(article + 2) == "model"))
            {
                return true
            }
        }
        if word == "note" && at(i + 1) == "to" {
            let name = at(i + 2) == "the" || at(i + 2) == "any" ? at(i + 3) : at(i + 2)
            if aiNames.contains(name) { return true }
        }
        if word == "dear" && aiNames.contains(at(i + 1)) { return true }
        return everyone.contains(word) && machines.contains(at(i + 1))
    }

    private static func isToolName(_ word: String) -> Bool {
        let parts = word.split(separator: "_", omittingEmptySubsequences: false)
        return parts.count >= 2
            && parts.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(TextForm.isAlphanumeric) }
            && parts.contains { $0.unicodeScalars.contains(where: TextForm.isASCIILetter) }
    }

    /// Whether text right after "to" names where something would go: an address, URL, IBAN or phone number.
    private static func hasRecipient(_ window: String) -> Bool {
        ValueExtractor.values(inText: window).contains { [.email, .url, .iban, .phone].contains($0.kind) }
    }

    private static let templateTokens = chatTemplateTokens.map { Array($0.unicodeScalars) }

    private static func hasChatTemplate(_ scalars: [Unicode.Scalar]) -> Bool {
        for index in scalars.indices where scalars[index] == "<" || scalars[index] == "[" || scalars[index] == "#" {
            if templateTokens.contains(where: { matches(scalars, $0, at: index) }) { return true }
            guard scalars[index] == "<", index + 1 < scalars.count, scalars[index + 1] == "|" else { continue }
            var end = index + 2
            while end + 1 < scalars.count && end - index <= 42 && !TextForm.isWhitespace(scalars[end]) {
                if scalars[end] == "|" && scalars[end + 1] == ">" && end > index + 2 { return true }
                end += 1
            }
        }
        return false
    }

    /// A line that opens a system turn: `system:`, `[system]`, `### System:`, `system prompt:`.
    private static func hasSystemLine(_ normal: String) -> Bool {
        for line in normal.split(whereSeparator: \.isNewline) {
            let body = line.drop(while: { $0.isWhitespace || "#*>-[(<|=".contains($0) })
            guard body.hasPrefix("system") else { continue }
            let rest = body.dropFirst(6)
            if let next = rest.first, ":]>)|".contains(next) { return true }
            for suffix in [" prompt", " message:", " override", " instruction"] where rest.hasPrefix(suffix) {
                return true
            }
        }
        return false
    }

    private static let hidingStyles = [
        "display:none", "visibility:hidden", "font-size:0", "font-size:1px", "opacity:0", "color:transparent",
        "max-height:0", "height:0", "width:0",
    ]

    /// HTML comments, and elements styled invisible, whose text addresses the agent or gives an order.
    private static func hasHiddenInstruction(_ scalars: [Unicode.Scalar], depth: Int) -> Bool {
        let open = Array("<!--".unicodeScalars)
        let close = Array("-->".unicodeScalars)
        let style = Array("style=".unicodeScalars)
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "<" || scalars[index] == "s" else {
                index += 1
                continue
            }
            if matches(scalars, open, at: index) {
                let bodyStart = index + open.count
                var end = bodyStart
                while end < scalars.count && end - bodyStart < 4000 && !matches(scalars, close, at: end) { end += 1 }
                if isImperative(Array(scalars[bodyStart..<end]), depth: depth) { return true }
                index = end
            } else if matches(scalars, style, at: index) {
                var end = index + style.count
                let quote = end < scalars.count ? scalars[end] : " "
                if quote == "\"" || quote == "'" { end += 1 }
                let valueStart = end
                while end < scalars.count && end - valueStart < 500 && scalars[end] != quote && scalars[end] != ">" {
                    end += 1
                }
                let value = TextForm.string(scalars[valueStart..<end].filter { !TextForm.isWhitespace($0) })
                if hidingStyles.contains(where: { value.contains($0) }),
                    let tagEnd = scalars[end...].firstIndex(of: ">")
                {
                    var textEnd = tagEnd + 1
                    while textEnd < scalars.count && textEnd - tagEnd < 1000 && scalars[textEnd] != "<" { textEnd += 1 }
                    if isImperative(Array(scalars[(tagEnd + 1)..<textEnd]), depth: depth) { return true }
                }
                index = end
            } else {
                index += 1
            }
        }
        return false
    }

    private static func matches(_ scalars: [Unicode.Scalar], _ needle: [Unicode.Scalar], at index: Int) -> Bool {
        index + needle.count <= scalars.count && scalars[index..<(index + needle.count)].elementsEqual(needle)
    }

    private static func isImperative(_ body: [Unicode.Scalar], depth: Int) -> Bool {
        if words(body).contains(where: { hiddenImperatives.contains($0.text) }) { return true }
        guard depth < 2 else { return false }
        var nested = Set<String>()
        scanNormalised(TextForm.string(body), depth: depth + 1, into: &nested)
        return !nested.isEmpty
    }
}
