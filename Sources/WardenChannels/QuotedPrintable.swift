/// RFC 2045 quoted-printable encoding of text whose line breaks are already CRLF.
public enum QuotedPrintable {
    /// Encodes each CRLF-separated line, escaping `=`, non-ASCII and control bytes, escaping trailing
    /// whitespace, and inserting soft line breaks so no encoded line exceeds 76 characters.
    public static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var outputLines: [String] = []
        for line in text.components(separatedBy: "\r\n") {
            let bytes = Array(line.utf8)
            var encodedLine: [UInt8] = []
            var width = 0
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal =
                    (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == 0x20 || byte == 0x09) && !isLast)
                let token: [UInt8] = literal ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                // Leave room for the "=" of a soft break (76 including it).
                if width + token.count > 75 {
                    encodedLine += Array("=\r\n".utf8)
                    width = 0
                }
                encodedLine += token
                width += token.count
            }
            outputLines.append(String(decoding: encodedLine, as: UTF8.self))
        }
        return outputLines.joined(separator: "\r\n")
    }
}
