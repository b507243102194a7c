/// A Content-Type's media type without parameters, lower-cased and trimmed (`Application/JSON; charset=utf-8` →
/// `application/json`).
public enum MediaType {
    public static func essence(of header: String) -> String {
        var type = header.utf8.prefix { $0 != UInt8(ascii: ";") }
        while let first = type.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            type = type.dropFirst()
        }
        while let last = type.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { type = type.dropLast() }
        return String(decoding: type, as: UTF8.self).lowercased()
    }
}
