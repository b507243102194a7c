/// A position in a source text (1-based line and column, counted in Unicode scalars).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    /// Offset in Unicode scalars from the start of the text.
    public let offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public var description: String { "\(line):\(column)" }
}

/// An error in a policy or schema text, rendered like a compiler diagnostic:
///
///     policies.cedar:3:14: error: expected `;` after the policy
///     permit(principal, action, resource) when { true }
///                                                      ^
public struct PolicyParseError: Error, Sendable, CustomStringConvertible {
    public let fileName: String
    public let location: SourceLocation
    public let message: String
    /// The full text of the offending line (without its line break).
    public let sourceLine: String

    public init(fileName: String, location: SourceLocation, message: String, sourceLine: String) {
        self.fileName = fileName
        self.location = location
        self.message = message
        self.sourceLine = sourceLine
    }

    init(fileName: String, source: [Unicode.Scalar], location: SourceLocation, message: String) {
        var start = min(location.offset, source.count)
        while start > 0, source[start - 1] != "\n" { start -= 1 }
        var end = start
        while end < source.count, source[end] != "\n", source[end] != "\r" { end += 1 }
        var line = String.UnicodeScalarView()
        line.append(contentsOf: source[start..<end])
        self.init(fileName: fileName, location: location, message: message, sourceLine: String(line))
    }

    public var description: String {
        let caretPad = String(
            sourceLine.unicodeScalars.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " })
        return "\(fileName):\(location.line):\(location.column): error: \(message)\n\(sourceLine)\n\(caretPad)^"
    }
}
