/// Phone numbers: international (`+CC …`, `00CC …`) and common national formats (NANP, UK, DE, FR).
///
/// A candidate is a run of digits with single separators (space, `-`, `.`) and parentheses. National numbers
/// need 10–11 digits *and* visible grouping, so plain integers, identifiers and timestamps are not phones;
/// date shapes (`2024-01-15 12`, `15.01.2024 10`), dotted quads and a value followed by `:NN` (a clock time)
/// are rejected. An ungrouped 10–15 digit string counts only after a phone keyword (`phone=`, `tel:`, `call`) as a
/// whole word.
struct PhoneDetector: Detector {
    private static let maxCandidateLength = 40

    func scan(_ text: [UInt8], into findings: inout [Finding]) {
        var i = 0
        while i < text.count {
            let b = text[i]
            guard ByteClass.isDigit(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "(") else {
                i += 1
                continue
            }
            if canStart(text, at: i), let range = match(text, at: i) {
                findings.append(Finding(type: .phone, rule: "phone", byteRange: range))
                i = range.upperBound
            } else {
                i += 1
            }
        }
    }

    private func canStart(_ text: [UInt8], at i: Int) -> Bool {
        let previous = text.byte(at: i - 1)
        if ByteClass.isAlnum(previous) { return false }
        switch previous {
        case UInt8(ascii: "("):
            // "(+44 20 …)" starts at the plus; "(0161) …" was already tried from the parenthesis.
            return text[i] == UInt8(ascii: "+")
        case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "_"), UInt8(ascii: "/"),
            UInt8(ascii: "#"), UInt8(ascii: ","):
            return false
        case UInt8(ascii: " "):
            // The middle of a longer digit run ("1234 5678 9012") is not a start.
            return !ByteClass.isDigit(text.byte(at: i - 2))
        default:
            return true
        }
    }

    /// The digit-group structure of a candidate, kept allocation-free: only the first three group sizes matter.
    private struct Shape {
        var digits = 0
        var groupCount = 0
        var leadingGroups = (0, 0, 0)
        var largestGroup = 0
        var currentGroup = 0
        var dotOnly = true
        var hasParenthesis = false

        mutating func startGroup() {
            groupCount += 1
            currentGroup = 0
        }

        mutating func addDigit() {
            digits += 1
            currentGroup += 1
            largestGroup = max(largestGroup, currentGroup)
            switch groupCount {
            case 1: leadingGroups.0 = currentGroup
            case 2: leadingGroups.1 = currentGroup
            case 3: leadingGroups.2 = currentGroup
            default: break
            }
        }
    }

    private func match(_ text: [UInt8], at start: Int) -> Range<Int>? {
        var index = start
        let international = text[start] == UInt8(ascii: "+")
        if international {
            index += 1
            guard ByteClass.isDigit(text.byte(at: index)), text.byte(at: index) != UInt8(ascii: "0") else { return nil }
        }
        var shape = Shape()
        var openParenthesis = false
        var end = start
        var previousWasDigit = false
        while index < text.count, index - start < Self.maxCandidateLength {
            let b = text[index]
            if ByteClass.isDigit(b) {
                if !previousWasDigit { shape.startGroup() }
                shape.addDigit()
                previousWasDigit = true
                index += 1
                if !openParenthesis { end = index }
                continue
            }
            previousWasDigit = false
            let next = text.byte(at: index + 1)
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") {
                let previous = text.byte(at: index - 1)
                guard ByteClass.isDigit(previous) || previous == UInt8(ascii: ")"),
                    ByteClass.isDigit(next) || next == UInt8(ascii: "(")
                else { break }
                if b != UInt8(ascii: ".") { shape.dotOnly = false }
            } else if b == UInt8(ascii: "(") {
                guard !openParenthesis, ByteClass.isDigit(next) else { break }
                openParenthesis = true
            } else if b == UInt8(ascii: ")") {
                guard openParenthesis, ByteClass.isDigit(text.byte(at: index - 1)) else { break }
                openParenthesis = false
                shape.hasParenthesis = true
                shape.dotOnly = false
            } else {
                break
            }
            index += 1
        }
        guard end > start, accepts(shape, text: text, start: start, international: international) else { return nil }
        let after = text.byte(at: end)
        if after == UInt8(ascii: ":"), ByteClass.isDigit(text.byte(at: end + 1)) { return nil }
        if let extended = extensionEnd(text, from: end) { return start..<extended }
        if ByteClass.isAlnum(after) || after == UInt8(ascii: "_") { return nil }
        if after == UInt8(ascii: "."), ByteClass.isDigit(text.byte(at: end + 1)) { return nil }
        return start..<end
    }

    private func accepts(_ shape: Shape, text: [UInt8], start: Int, international: Bool) -> Bool {
        if international { return (8...15).contains(shape.digits) }
        guard shape.groupCount > 0 else { return false }
        if shape.groupCount == 4, shape.dotOnly, shape.largestGroup <= 3 { return false }
        if isDateShaped(shape, text: text, start: start) { return false }
        if shape.groupCount == 1, !shape.hasParenthesis {
            // An ungrouped digit string is a phone number only when the text says so.
            return (10...15).contains(shape.digits) && hasPhoneContext(text, before: start)
        }
        let leadingZeros = text.byte(at: start) == UInt8(ascii: "0") && text.byte(at: start + 1) == UInt8(ascii: "0")
        if leadingZeros, text.byte(at: start + 2) != UInt8(ascii: "0") {
            return (10...15).contains(shape.digits) && shape.groupCount >= 2
        }
        guard (10...11).contains(shape.digits), shape.groupCount >= 2 || shape.hasParenthesis else { return false }
        if shape.dotOnly, shape.groupCount < 3 { return false }
        return shape.leadingGroups.0 <= 5 || shape.hasParenthesis
    }

    private static let contextWords: Set<[UInt8]> = Set(
        ["phone", "telephone", "tel", "mobile", "cell", "fax", "sms", "call", "callback", "whatsapp", "dial"].map {
            Array($0.utf8)
        })
    private static let connectorWords: Set<[UInt8]> = Set(
        ["to", "at", "on", "me", "us", "number", "no", "nr", "num", "is"].map { Array($0.utf8) })
    private static let contextWindow = 32

    /// Whether the number is labelled as a phone: reading backwards over punctuation and at most two connector
    /// words (`sms to`, `call me at`), the next word is a phone keyword (`phone=`, `tel:`, `callback`).
    private func hasPhoneContext(_ text: [UInt8], before start: Int) -> Bool {
        let windowStart = max(0, start - Self.contextWindow)
        var index = start - 1
        var word: [UInt8] = []
        var connectors = 0
        while index >= windowStart {
            let b = text[index]
            if ByteClass.isDigit(b) { return false }
            guard ByteClass.isAlpha(b) else {
                index -= 1
                continue
            }
            let end = index + 1
            while index >= 0, ByteClass.isAlpha(text[index]) { index -= 1 }
            word.removeAll(keepingCapacity: true)
            for b in text[(index + 1)..<end] { word.append(ByteClass.lower(b)) }
            if Self.contextWords.contains(word) { return true }
            guard Self.connectorWords.contains(word), connectors < 2 else { return false }
            connectors += 1
        }
        return false
    }

    /// `yyyy-mm-dd …` or `dd.mm.yyyy …` at the start of the candidate.
    private func isDateShaped(_ shape: Shape, text: [UInt8], start: Int) -> Bool {
        guard shape.groupCount >= 3 else { return false }
        let groups = shape.leadingGroups
        var offset = start
        while offset < text.count, !ByteClass.isDigit(text[offset]) { offset += 1 }
        let century = text.byte(at: offset) == UInt8(ascii: "1") || text.byte(at: offset) == UInt8(ascii: "2")
        if groups.0 == 4, century, groups.1 <= 2, groups.2 <= 2 { return true }
        if groups.0 <= 2, groups.1 <= 2, groups.2 == 4 { return true }
        return false
    }

    private static let extensionWord = Array("ext".utf8)

    /// `x123`, ` x123`, ` ext 123`, ` ext. 123` directly after the number.
    private func extensionEnd(_ text: [UInt8], from end: Int) -> Int? {
        var index = end
        if text.byte(at: index) == UInt8(ascii: " ") { index += 1 }
        if text.byte(at: index) == UInt8(ascii: "x") {
            index += 1
        } else if text.matches(Self.extensionWord, at: index, caseInsensitive: true) {
            index += 3
            if text.byte(at: index) == UInt8(ascii: ".") { index += 1 }
            if text.byte(at: index) == UInt8(ascii: " ") { index += 1 }
        } else {
            return nil
        }
        let digitsStart = index
        while ByteClass.isDigit(text.byte(at: index)), index - digitsStart < 6 { index += 1 }
        guard index > digitsStart, !ByteClass.isAlnum(text.byte(at: index)) else { return nil }
        return index
    }
}
