/// ASCII byte classification used by the hand-written matchers.
///
/// The scanners work on UTF-8 bytes; every anchor and delimiter they use is ASCII, so a match never starts or
/// ends inside a multi-byte character.
enum ByteClass {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b &- 0x41 < 26 }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b &- 0x61 < 26 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) }
    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isAlpha(b) }
    /// `[A-Za-z0-9_]`, the regex `\w` in ASCII.
    @inline(__always) static func isWord(_ b: UInt8) -> Bool { isAlnum(b) || b == UInt8(ascii: "_") }
    @inline(__always) static func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20) &- 0x61 < 6 }
    /// `[A-Za-z0-9_-]`, the base64url alphabet.
    @inline(__always) static func isBase64URL(_ b: UInt8) -> Bool { isWord(b) || b == UInt8(ascii: "-") }
    /// `[A-Za-z0-9+/]`, the standard base64 alphabet without padding.
    @inline(__always) static func isBase64(_ b: UInt8) -> Bool {
        isAlnum(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "/")
    }
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C
    }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { isUpper(b) ? b | 0x20 : b }
    @inline(__always) static func digitValue(_ b: UInt8) -> Int { Int(b &- 0x30) }

    @inline(__always) static func hexValue(_ b: UInt8) -> Int {
        isDigit(b) ? Int(b &- 0x30) : Int((b | 0x20) &- 0x61) + 10
    }
}

extension Array where Element == UInt8 {
    /// The byte at `index`, or 0 outside the array: lets matchers look around without bounds checks of their own.
    @inline(__always) func byte(at index: Int) -> UInt8 {
        index >= 0 && index < count ? self[index] : 0
    }

    /// Whether `literal` occurs at `index`, comparing ASCII letters case-insensitively when `caseInsensitive`.
    func matches(_ literal: [UInt8], at index: Int, caseInsensitive: Bool = false) -> Bool {
        guard index >= 0, index + literal.count <= count else { return false }
        for offset in 0..<literal.count {
            let b = self[index + offset]
            let l = literal[offset]
            if caseInsensitive ? ByteClass.lower(b) != ByteClass.lower(l) : b != l { return false }
        }
        return true
    }
}
