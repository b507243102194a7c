/// Payment card numbers: 12–19 digits, optionally grouped with single spaces or dashes (one kind per number),
/// with a known issuer prefix for that length and a valid Luhn check digit.
///
/// Requiring both the issuer range and Luhn keeps timestamps, order numbers and UUID fragments out.
struct PaymentCardDetector: Detector {
    func scan(_ text: [UInt8], into findings: inout [Finding]) {
        var i = 0
        var digits: [UInt8] = []
        digits.reserveCapacity(24)
        while i < text.count {
            guard ByteClass.isDigit(text[i]), canStart(text, at: i) else {
                i += 1
                continue
            }
            if let range = match(text, at: i, digits: &digits) {
                findings.append(Finding(type: .card, rule: "luhn", byteRange: range))
                i = range.upperBound
            } else {
                i += 1
                while i < text.count, ByteClass.isDigit(text[i]) { i += 1 }
            }
        }
    }

    private func canStart(_ text: [UInt8], at i: Int) -> Bool {
        let previous = text.byte(at: i - 1)
        if ByteClass.isWord(previous) || previous == UInt8(ascii: "-") || previous == UInt8(ascii: ".") {
            return false
        }
        return !(previous == UInt8(ascii: " ") && ByteClass.isDigit(text.byte(at: i - 2)))
    }

    private func match(_ text: [UInt8], at start: Int, digits: inout [UInt8]) -> Range<Int>? {
        digits.removeAll(keepingCapacity: true)
        var separator: UInt8 = 0
        var index = start
        while index < text.count {
            let b = text[index]
            if ByteClass.isDigit(b) {
                digits.append(b)
                if digits.count > 19 { return nil }
                index += 1
            } else if b == UInt8(ascii: " ") || b == UInt8(ascii: "-"), separator == 0 || separator == b,
                ByteClass.isDigit(text.byte(at: index + 1)), ByteClass.isDigit(text.byte(at: index - 1))
            {
                separator = b
                index += 1
            } else {
                break
            }
        }
        let after = text.byte(at: index)
        if ByteClass.isWord(after) || (after == UInt8(ascii: ".") && ByteClass.isDigit(text.byte(at: index + 1))) {
            return nil
        }
        guard CardIssuer.accepts(digits), Luhn.isValid(digits) else { return nil }
        return start..<index
    }
}

/// The Luhn (mod 10) check digit algorithm.
enum Luhn {
    static func isValid(_ digits: [UInt8]) -> Bool {
        guard digits.count >= 2 else { return false }
        var sum = 0
        for (position, b) in digits.reversed().enumerated() {
            var value = ByteClass.digitValue(b)
            if position % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }
}

/// Issuer identification number ranges and the lengths each network issues.
enum CardIssuer {
    static func accepts(_ digits: [UInt8]) -> Bool {
        let length = digits.count
        guard (12...19).contains(length) else { return false }
        func prefix(_ count: Int) -> Int {
            var value = 0
            for offset in 0..<count { value = value * 10 + ByteClass.digitValue(digits[offset]) }
            return value
        }
        let two = prefix(2)
        let three = prefix(3)
        let four = prefix(4)
        let six = prefix(6)
        let networks: [(matches: Bool, lengths: ClosedRange<Int>)] = [
            (digits[0] == UInt8(ascii: "4") && [13, 16, 19].contains(length), 13...19),  // Visa
            ((51...55).contains(two) || (2221...2720).contains(four), 16...16),  // Mastercard
            (two == 34 || two == 37, 15...15),  // American Express
            // Discover
            (four == 6011 || (644...649).contains(three) || two == 65 || (622126...622925).contains(six), 16...19),
            (two == 35, 16...19),  // JCB
            (four == 2131 || four == 1800, 15...15),  // JCB, legacy 15-digit
            ((300...305).contains(three) || two == 36 || two == 38 || two == 39, 14...19),  // Diners Club
            (two == 62, 16...19),  // UnionPay
            ((2200...2204).contains(four), 16...19),  // Mir
            (two == 50 || (56...69).contains(two), 12...19),  // Maestro
        ]
        return networks.contains { $0.matches && $0.lengths.contains(length) }
    }
}
