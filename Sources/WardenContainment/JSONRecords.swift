import WardenCore

/// What every record reader shares: where an object sits, how a key splits into words, a number as the index spells
/// it, and how a text is parsed; `OutputRecords` below walks an output once for all of them.
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

    /// A tool's text that is a JSON object or array (up to 1 MiB), parsed.
    /// A text that is not JSON is read as a text record (`TextRecords`).
    static func json(inText text: String) -> JSONValue? {
        guard text.utf8.count <= 1 << 20, let first = text.unicodeScalars.first(where: { !TextForm.isWhitespace($0) })
        else { return nil }
        guard first == "{" || first == "[" else { return TextRecords.records(inText: text) }
        return try? StrictJSONParser().parse(Array(text.utf8))
    }
}

/// A trusted output read once: its objects in walk order (a parent before its children), each with where it sits and
/// which object holds it, its texts parsed (as JSON or as `TextRecords`) a single time. The pipeline reads an output
/// with this and hands it to every record reader; each of them parsing a long text again cost more than the rest of
/// the call. Pure.
public struct OutputRecords: Sendable {
    struct Node: Sendable {
        var object: [String: JSONValue]
        var place: JSONRecords.Place
        /// The index of the nearest object that holds it (its children's context comes from there), nil at the top.
        var holder: Int?
    }

    let nodes: [Node]
    /// Texts of the output that hold no record at all (a paragraph of prose, up to 4,000 characters each).
    let prose: [String]

    public init(_ output: JSONValue) {
        var nodes: [Node] = []
        var prose: [String] = []
        Self.collect(output, place: JSONRecords.Place(), holder: nil, depth: 0, into: &nodes, prose: &prose)
        self.nodes = nodes
        self.prose = prose
    }

    /// Calls `visit` for every object, a parent before its children; what `visit` returns is the context the object's
    /// children get (a list passes its own context to its items; JSON read from a text block gets the block's).
    func walk<Context>(
        _ context: Context,
        visit: (_ object: [String: JSONValue], _ place: JSONRecords.Place, _ context: Context) -> Context
    ) {
        var contexts: [Context] = []
        contexts.reserveCapacity(nodes.count)
        for node in nodes {
            contexts.append(visit(node.object, node.place, node.holder.map { contexts[$0] } ?? context))
        }
    }

    /// Every object, with where it sits.
    var objects: [(object: [String: JSONValue], place: JSONRecords.Place)] { nodes.map { ($0.object, $0.place) } }

    /// Depth is bounded (16 levels, JSON read from a text starting at 8) so a hostile output cannot exhaust the stack.
    private static func collect(
        _ value: JSONValue, place: JSONRecords.Place, holder: Int?, depth: Int, into nodes: inout [Node],
        prose: inout [String]
    ) {
        guard depth < 16 else { return }
        switch value {
        case .object(let members):
            if depth < 8, members["type"]?.stringValue == "text", let text = members["text"]?.stringValue {
                if let json = JSONRecords.json(inText: text) {
                    collect(json, place: JSONRecords.Place(), holder: holder, depth: 8, into: &nodes, prose: &prose)
                } else if text.count <= 4_000 {
                    prose.append(text)
                }
                return
            }
            nodes.append(Node(object: members, place: place, holder: holder))
            let this = nodes.count - 1
            for key in members.keys.sorted() {
                collect(
                    members[key] ?? .null, place: JSONRecords.Place(key: key), holder: this, depth: depth + 1,
                    into: &nodes, prose: &prose)
            }
        case .array(let items):
            for item in items {
                collect(
                    item, place: JSONRecords.Place(list: place.name), holder: holder, depth: depth + 1, into: &nodes,
                    prose: &prose)
            }
        case .string(let text) where depth == 0:
            if let json = JSONRecords.json(inText: text) {
                collect(json, place: JSONRecords.Place(), holder: holder, depth: 8, into: &nodes, prose: &prose)
            } else if text.count <= 4_000 {
                prose.append(text)
            }
        default:
            return
        }
    }
}
