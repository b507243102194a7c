import WardenCore

/// The objects of a trusted tool's output, each with where it sits and what its parent passed down: the one walk that
/// every record reader (settled, parties, warnings, secrets, duplicates) shares.
///
/// A result's JSON may be the whole output, the text of an MCP text block, or a whole text; a text that is not JSON is
/// read as text records (`TextRecords`: a ledger printed as lines). JSON inside a record's own string fields is not
/// read (a record's free-text note cannot add records). Depth is bounded (16 levels, JSON read
/// from a text starting at 8) so a hostile output cannot exhaust the stack. Keys are visited in order, so every
/// process reads the same records the same way. Pure.
enum JSONRecords {
    /// Where an object sits: the key it is the value of (nil at the top, for JSON read from a text, and for a list's
    /// items), and the key of the list it is an item of (nil otherwise).
    struct Place: Sendable, Hashable {
        var key: String?
        var list: String?

        /// The key that names the object, as its own or its list's (`"payments": [{…}]` names each item a payment).
        var name: String? { key ?? list }
    }

    /// Words of a key, lower case, however it is spelled: `key_safe`, `dateOfBirth`, `NI number`, `amount (GBP)` → key
    /// safe, date of birth, ni number, amount gbp. Every reader splits keys here, so they read one key the same way.
    static func keyWords(_ key: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previous: Character?
        for character in key {
            if character.isLetter || character.isNumber {
                if character.isUppercase, let previous, previous.isLowercase, !current.isEmpty {
                    words.append(current)
                    current = ""
                }
                current += character.lowercased()
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
            previous = character
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// A record's number as `Parse.decimal` spells it (the index's spelling of an amount), nil for anything else or a
    /// number it cannot spell.
    static func amount(_ value: JSONValue?) -> String? {
        switch value {
        case .double(let number)?: return Parse.decimal(number)
        case .integer(let number)?: return String(number)
        default: return nil
        }
    }

    /// Calls `visit` for every object, a parent before its children; what `visit` returns is the context the object's
    /// children get (a list passes its own context to its items; JSON read from a text block gets the block's).
    static func walk<Context>(
        _ value: JSONValue, _ context: Context,
        visit: (_ object: [String: JSONValue], _ place: Place, _ context: Context) -> Context
    ) {
        walk(value, place: Place(), context: context, depth: 0, visit: visit)
    }

    private static func walk<Context>(
        _ value: JSONValue, place: Place, context: Context, depth: Int,
        visit: (_ object: [String: JSONValue], _ place: Place, _ context: Context) -> Context
    ) {
        guard depth < 16 else { return }
        switch value {
        case .object(let members):
            if depth < 8, members["type"]?.stringValue == "text", let text = members["text"]?.stringValue {
                if let json = json(inText: text) {
                    walk(json, place: Place(), context: context, depth: 8, visit: visit)
                }
                return
            }
            let inner = visit(members, place, context)
            for key in members.keys.sorted() {
                walk(members[key] ?? .null, place: Place(key: key), context: inner, depth: depth + 1, visit: visit)
            }
        case .array(let items):
            for item in items {
                walk(item, place: Place(list: place.name), context: context, depth: depth + 1, visit: visit)
            }
        case .string(let text) where depth == 0:
            if let json = json(inText: text) { walk(json, place: Place(), context: context, depth: 8, visit: visit) }
        default:
            return
        }
    }

    /// Every object of a value, with where it sits.
    static func objects(in value: JSONValue) -> [(object: [String: JSONValue], place: Place)] {
        var found: [(object: [String: JSONValue], place: Place)] = []
        walk(value, ()) { object, place, _ in found.append((object, place)) }
        return found
    }

    /// A tool's text that is a JSON object or array (up to 1 MiB), parsed.
    /// A text that is not JSON is read as a text record (`TextRecords`).
    static func json(inText text: String) -> JSONValue? {
        guard text.utf8.count <= 1 << 20, let first = text.unicodeScalars.first(where: { !TextForm.isWhitespace($0) })
        else { return nil }
        guard first == "{" || first == "[" else { return TextRecords.records(inText: text) }
        return try? StrictJSONParser().parse(Array(text.utf8))
    }
}
