/// The kinds of token in Cedar policy and schema texts.
enum TokenKind: Equatable, Sendable {
    case identifier(String)
    /// A string literal's raw body (between the quotes, escapes not yet applied).
    case string(String)
    /// An unsigned integer literal's digits (the sign is a separate operator).
    case integer(String)
    case punct(String)
    /// `?principal` / `?resource` template slots.
    case slot(String)
    case eof
}

struct Token: Sendable {
    let kind: TokenKind
    let location: SourceLocation
}

/// Splits Cedar text into tokens. Comments (`// …`) and whitespace are skipped.
struct Lexer {
    let source: [Unicode.Scalar]
    let fileName: String

    init(_ text: String, fileName: String) {
        self.source = Array(text.unicodeScalars)
        self.fileName = fileName
    }

    func error(_ message: String, at location: SourceLocation) -> PolicyParseError {
        PolicyParseError(fileName: fileName, source: source, location: location, message: message)
    }

    private static let punctuators: [String] = [
        "::", "==", "!=", "<=", ">=", "&&", "||", "(", ")", "{", "}", "[", "]", ",", ";", ":", ".", "<", ">", "!",
        "-", "+", "*", "@", "=", "?", "%", "/",
    ]

    func tokenize() throws(PolicyParseError) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        var line = 1
        var column = 1
        func advance(_ n: Int = 1) {
            for _ in 0..<n {
                if source[i] == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                i += 1
            }
        }
        while i < source.count {
            let c = source[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                advance()
                continue
            }
            if c == "/", i + 1 < source.count, source[i + 1] == "/" {
                while i < source.count, source[i] != "\n" { advance() }
                continue
            }
            let loc = SourceLocation(line: line, column: column, offset: i)
            if isIdentStart(c) {
                var s = String.UnicodeScalarView()
                while i < source.count, isIdentContinue(source[i]) {
                    s.append(source[i])
                    advance()
                }
                tokens.append(Token(kind: .identifier(String(s)), location: loc))
            } else if c >= "0" && c <= "9" {
                var s = ""
                while i < source.count, source[i] >= "0" && source[i] <= "9" {
                    s.unicodeScalars.append(source[i])
                    advance()
                }
                if i < source.count, isIdentStart(source[i]) {
                    throw error(
                        "unexpected character after number", at: SourceLocation(line: line, column: column, offset: i))
                }
                tokens.append(Token(kind: .integer(s), location: loc))
            } else if c == "\"" {
                advance()
                var s = String.UnicodeScalarView()
                var closed = false
                while i < source.count {
                    let d = source[i]
                    if d == "\\" {
                        s.append(d)
                        advance()
                        if i < source.count {
                            s.append(source[i])
                            advance()
                        }
                        continue
                    }
                    if d == "\"" {
                        advance()
                        closed = true
                        break
                    }
                    s.append(d)
                    advance()
                }
                if !closed { throw error("unterminated string literal", at: loc) }
                tokens.append(Token(kind: .string(String(s)), location: loc))
            } else if c == "?", i + 1 < source.count, isIdentStart(source[i + 1]) {
                advance()
                var s = String.UnicodeScalarView()
                while i < source.count, isIdentContinue(source[i]) {
                    s.append(source[i])
                    advance()
                }
                tokens.append(Token(kind: .slot(String(s)), location: loc))
            } else {
                var matched: String?
                for p in Lexer.punctuators {
                    let ps = Array(p.unicodeScalars)
                    if i + ps.count <= source.count, Array(source[i..<(i + ps.count)]) == ps {
                        matched = p
                        break
                    }
                }
                guard let p = matched else {
                    throw error("unexpected character `\(Character(c))`", at: loc)
                }
                advance(p.unicodeScalars.count)
                tokens.append(Token(kind: .punct(p), location: loc))
            }
        }
        tokens.append(Token(kind: .eof, location: SourceLocation(line: line, column: column, offset: i)))
        return tokens
    }
}

@inline(__always)
func isIdentStart(_ c: Unicode.Scalar) -> Bool {
    (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
}

@inline(__always)
func isIdentContinue(_ c: Unicode.Scalar) -> Bool {
    isIdentStart(c) || (c >= "0" && c <= "9")
}

/// Applies Cedar's string escapes (`\n \r \t \\ \0 \' \" \xHH \u{H…}`); with `pattern`, `\*` becomes a literal
/// star marker. Returns nil with a message on a bad escape.
enum StringUnescaper {
    struct Failure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    enum PatternElement: Hashable, Sendable {
        case literal(Unicode.Scalar)
        case wildcard
    }

    static func unescape(_ raw: String) -> Result<String, Failure> {
        switch elements(raw, pattern: false) {
        case .success(let els):
            var out = String.UnicodeScalarView()
            for case .literal(let c) in els { out.append(c) }
            return .success(String(out))
        case .failure(let e): return .failure(e)
        }
    }

    static func pattern(_ raw: String) -> Result<[PatternElement], Failure> {
        elements(raw, pattern: true)
    }

    private static func elements(_ raw: String, pattern: Bool) -> Result<[PatternElement], Failure> {
        let s = Array(raw.unicodeScalars)
        var out: [PatternElement] = []
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == "*", pattern {
                out.append(.wildcard)
                i += 1
                continue
            }
            guard c == "\\" else {
                out.append(.literal(c))
                i += 1
                continue
            }
            guard i + 1 < s.count else { return .failure(Failure("unterminated escape sequence")) }
            let e = s[i + 1]
            i += 2
            switch e {
            case "n": out.append(.literal("\n"))
            case "r": out.append(.literal("\r"))
            case "t": out.append(.literal("\t"))
            case "\\": out.append(.literal("\\"))
            case "0": out.append(.literal("\0"))
            case "'": out.append(.literal("'"))
            case "\"": out.append(.literal("\""))
            case "*" where pattern: out.append(.literal("*"))
            case "x":
                guard i + 2 <= s.count, let v = UInt32(String(String.UnicodeScalarView(s[i..<(i + 2)])), radix: 16),
                    v <= 0x7F, let u = Unicode.Scalar(v)
                else { return .failure(Failure("invalid `\\x` escape")) }
                out.append(.literal(u))
                i += 2
            case "u":
                guard i < s.count, s[i] == "{" else { return .failure(Failure("invalid `\\u` escape")) }
                var j = i + 1
                var hex = ""
                while j < s.count, s[j] != "}" {
                    hex.unicodeScalars.append(s[j])
                    j += 1
                }
                guard j < s.count, !hex.isEmpty, hex.count <= 6, let v = UInt32(hex, radix: 16),
                    let u = Unicode.Scalar(v)
                else { return .failure(Failure("invalid `\\u{…}` escape")) }
                out.append(.literal(u))
                i = j + 1
            default:
                return .failure(Failure("invalid escape `\\\(Character(e))`"))
            }
        }
        return .success(out)
    }
}
