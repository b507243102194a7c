/// API keys of known providers, found by prefix: a 256-entry table from first byte to candidate rules keeps the
/// per-byte cost to one array lookup.
struct ProviderKeyDetector: Detector {
    private let rules: [ProviderKeyRule]
    private let rulesByFirstByte: [[Int]]
    /// `rulesByFirstByte[b].isEmpty == false`, kept flat so the common case costs no array retain.
    private let isFirstByte: [Bool]

    init(rules: [ProviderKeyRule] = ProviderKeyRule.builtIn) {
        self.rules = rules
        var table = [[Int]](repeating: [], count: 256)
        for (index, rule) in rules.enumerated() {
            if let first = rule.prefix.first { table[Int(first)].append(index) }
        }
        // Longer prefixes first so `sk-proj-` is tried before `sk-`.
        for slot in table.indices {
            table[slot].sort { rules[$0].prefix.count > rules[$1].prefix.count }
        }
        self.rulesByFirstByte = table
        self.isFirstByte = table.map { !$0.isEmpty }
    }

    func scan(_ text: [UInt8], into findings: inout [Finding]) {
        var i = 0
        while i < text.count {
            guard isFirstByte[Int(text[i])] else {
                i += 1
                continue
            }
            let candidates = rulesByFirstByte[Int(text[i])]
            var matched: Int?
            let boundary = !ByteClass.isWord(text.byte(at: i - 1))
            for index in candidates {
                let rule = rules[index]
                guard boundary || !rule.needsLeadingBoundary, text.matches(rule.prefix, at: i) else { continue }
                if let end = bodyEnd(text, rule: rule, from: i + rule.prefix.count) {
                    findings.append(Finding(type: .apiKey, rule: rule.id, byteRange: i..<end))
                    matched = end
                    break
                }
            }
            i = matched ?? i + 1
        }
    }

    /// The end of the key body if its length fits the rule and the key is not part of a longer token.
    private func bodyEnd(_ text: [UInt8], rule: ProviderKeyRule, from start: Int) -> Int? {
        var index = start
        let limit = min(text.count, start + rule.lengths.upperBound + 1)
        while index < limit, rule.body.contains(text[index]) { index += 1 }
        guard rule.lengths.contains(index - start) else { return nil }
        if ByteClass.isWord(text.byte(at: index)) { return nil }
        return index
    }
}
