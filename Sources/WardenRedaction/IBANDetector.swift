/// International Bank Account Numbers, compact or printed in groups of four, validated by the country's length
/// (ISO 13616 registry) and the mod-97 check digits.
struct IBANDetector: Detector {
    func scan(_ text: [UInt8], into findings: inout [Finding]) {
        var i = 0
        let limit = text.count - 4
        while i < limit {
            if ByteClass.isUpper(text[i]), ByteClass.isUpper(text[i + 1]), ByteClass.isDigit(text[i + 2]),
                ByteClass.isDigit(text[i + 3]), !ByteClass.isAlnum(text.byte(at: i - 1)),
                let range = match(text, at: i)
            {
                findings.append(Finding(type: .iban, rule: "iban-mod97", byteRange: range))
                i = range.upperBound
            } else {
                i += 1
            }
        }
    }

    private func match(_ text: [UInt8], at start: Int) -> Range<Int>? {
        guard let length = IBANRegistry.length(text[start], text[start + 1]) else { return nil }
        var characters: [UInt8] = Array(text[start..<start + 4])
        characters.reserveCapacity(length)
        var index = start + 4
        while characters.count < length, index < text.count {
            let b = text[index]
            if ByteClass.isUpper(b) || ByteClass.isDigit(b) {
                characters.append(b)
                index += 1
            } else if b == UInt8(ascii: " "), characters.count % 4 == 0,
                ByteClass.isAlnum(text.byte(at: index + 1))
            {
                index += 1
            } else {
                return nil
            }
        }
        guard characters.count == length, !ByteClass.isAlnum(text.byte(at: index)) else { return nil }
        return IBANRegistry.isValidChecksum(characters) ? start..<index : nil
    }
}

/// IBAN lengths by country and the ISO 7064 mod-97-10 check.
enum IBANRegistry {
    private static let lengths: [UInt16: Int] = {
        let table =
            "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 "
            + "EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 "
            + "IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 "
            + "NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 "
            + "SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
        var lengths: [UInt16: Int] = [:]
        for entry in table.split(separator: " ") {
            let bytes = Array(entry.utf8)
            lengths[UInt16(bytes[0]) << 8 | UInt16(bytes[1])] = Int(bytes[2] - 48) * 10 + Int(bytes[3] - 48)
        }
        return lengths
    }()

    static func length(_ first: UInt8, _ second: UInt8) -> Int? {
        lengths[UInt16(first) << 8 | UInt16(second)]
    }

    /// Moves the first four characters to the end, maps letters to 10…35 and checks the number mod 97 is 1.
    static func isValidChecksum(_ characters: [UInt8]) -> Bool {
        guard characters.count > 4 else { return false }
        var remainder = 0
        for offset in 0..<characters.count {
            let b = characters[(offset + 4) % characters.count]
            if ByteClass.isDigit(b) {
                remainder = (remainder * 10 + ByteClass.digitValue(b)) % 97
            } else if ByteClass.isUpper(b) {
                remainder = (remainder * 100 + Int(b - UInt8(ascii: "A")) + 10) % 97
            } else {
                return false
            }
        }
        return remainder == 1
    }
}
