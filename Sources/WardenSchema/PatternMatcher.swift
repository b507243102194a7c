/// Evaluates a schema's `pattern` with Swift's regular expressions (unanchored, like JSON Schema).
///
/// A pattern Swift cannot compile is a schema compile error, so a tool never runs with a pattern unchecked.
enum PatternMatcher {
    static func compiles(_ pattern: String) -> Bool {
        (try? Regex(pattern)) != nil
    }

    /// Whether `text` contains a match; a pattern that fails to compile here matches nothing (refuses).
    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return (try? regex.firstMatch(in: text)) != nil
    }
}
