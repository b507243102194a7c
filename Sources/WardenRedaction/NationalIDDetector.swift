/// US Social Security numbers (`123-45-6789`, or with spaces) without the never-issued areas 000, 666 and
/// 900–999, group 00 or serial 0000; and UK National Insurance numbers (`AB 12 34 56 C`) with the prefixes
/// HMRC never allocates.
struct NationalIDDetector: Detector {
    func scan(_ text: [UInt8], into findings: inout [Finding]) {
        var i = 0
        while i < text.count {
            let b = text[i]
            let previous = text.byte(at: i - 1)
            if ByteClass.isAlnum(previous) || previous == UInt8(ascii: "-") || previous == UInt8(ascii: ".") {
                i += 1
                continue
            }
            if ByteClass.isDigit(b), let range = matchSSN(text, at: i) {
                findings.append(Finding(type: .usSSN, rule: "us-ssn", byteRange: range))
                i = range.upperBound
            } else if ByteClass.isUpper(b), let range = matchNINO(text, at: i) {
                findings.append(Finding(type: .ukNINO, rule: "uk-nino", byteRange: range))
                i = range.upperBound
            } else {
                i += 1
            }
        }
    }

    private func matchSSN(_ text: [UInt8], at start: Int) -> Range<Int>? {
        let separator = text.byte(at: start + 3)
        guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: " "),
            text.byte(at: start + 6) == separator
        else { return nil }
        for offset in [0, 1, 2, 4, 5, 7, 8, 9, 10] where !ByteClass.isDigit(text.byte(at: start + offset)) {
            return nil
        }
        let end = start + 11
        let after = text.byte(at: end)
        if ByteClass.isAlnum(after)
            || ((after == UInt8(ascii: "-") || after == UInt8(ascii: "."))
                && ByteClass.isDigit(text.byte(at: end + 1)))
        {
            return nil
        }
        func number(_ offset: Int, _ count: Int) -> Int {
            var value = 0
            for index in start + offset..<start + offset + count {
                value = value * 10 + ByteClass.digitValue(text[index])
            }
            return value
        }
        let area = number(0, 3)
        guard area != 0, area != 666, area < 900, number(4, 2) != 0, number(7, 4) != 0 else { return nil }
        return start..<end
    }

    private static let invalidNINOFirst: Set<UInt8> = Set("DFIQUV".utf8)
    private static let invalidNINOSecond: Set<UInt8> = Set("DFIOQUV".utf8)
    private static let invalidNINOPrefixes: Set<String> = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]

    private func matchNINO(_ text: [UInt8], at start: Int) -> Range<Int>? {
        let first = text[start]
        let second = text.byte(at: start + 1)
        guard ByteClass.isUpper(second), !Self.invalidNINOFirst.contains(first),
            !Self.invalidNINOSecond.contains(second),
            !Self.invalidNINOPrefixes.contains(String(decoding: [first, second], as: UTF8.self))
        else { return nil }
        var index = start + 2
        let spaced = text.byte(at: index) == UInt8(ascii: " ")
        for _ in 0..<3 {
            if spaced {
                guard text.byte(at: index) == UInt8(ascii: " ") else { return nil }
                index += 1
            }
            guard ByteClass.isDigit(text.byte(at: index)), ByteClass.isDigit(text.byte(at: index + 1)) else {
                return nil
            }
            index += 2
        }
        if spaced, text.byte(at: index) == UInt8(ascii: " ") { index += 1 }
        let suffix = text.byte(at: index)
        guard suffix >= UInt8(ascii: "A"), suffix <= UInt8(ascii: "D"), !ByteClass.isAlnum(text.byte(at: index + 1))
        else { return nil }
        return start..<index + 1
    }
}
