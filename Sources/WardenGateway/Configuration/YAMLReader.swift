import Yams

/// A strict, position-aware reader over a composed YAML tree.
///
/// Every accessor records which keys it consumed so that `finish()` can refuse unknown keys; every error
/// carries the file, line, column and dotted key path. Aliases and anchors are refused (they make a file
/// mean something other than what it shows, and enable expansion bombs).
struct YAMLReader {
    let file: String
    let node: Node
    let path: String

    init(file: String, node: Node, path: String = "") {
        self.file = file
        self.node = node
        self.path = path
    }

    static func parse(_ text: String, file: String) throws(ConfigurationError) -> YAMLReader {
        try refuseAnchorsAndAliases(text, file: file)
        do {
            guard let root = try Yams.compose(yaml: text) else {
                return YAMLReader(file: file, node: Node([(Node, Node)]()))
            }
            return YAMLReader(file: file, node: root)
        } catch let error as YamlError {
            throw ConfigurationError(file: file, line: 0, column: 0, key: "", message: "not valid YAML: \(error)")
        } catch {
            throw ConfigurationError(file: file, line: 0, column: 0, key: "", message: "not valid YAML: \(error)")
        }
    }

    /// Anchors and aliases let one part of a file silently redefine another (and enable expansion bombs);
    /// a configuration never needs them. Yams resolves aliases while composing, so they are found in the
    /// text: an `&` or `*` outside quotes where a node can start.
    static func refuseAnchorsAndAliases(_ text: String, file: String) throws(ConfigurationError) {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var quote: Character?
            var previous: Character = " "
            var sawContent = false
            for (column, character) in line.enumerated() {
                if let open = quote {
                    if character == open { quote = nil }
                    previous = character
                    continue
                }
                if character == "#" && (previous == " " || !sawContent) { break }
                if character == "\"" || character == "'" {
                    quote = character
                } else if character == "&" || character == "*" {
                    let nodeStart = !sawContent || [":", "-", "[", "{", ",", "?"].contains(previous)
                    if nodeStart {
                        throw ConfigurationError(
                            file: file,
                            line: number + 1,
                            column: column + 1,
                            key: "",
                            message: "YAML anchors and aliases are not allowed"
                        )
                    }
                }
                if character != " " && character != "\t" {
                    sawContent = true
                    previous = character
                }
            }
        }
    }

    /// Runs the secret detectors over every scalar in the file (keys named for key-aware rules such as
    /// `password:`); secret references are only the `secret://` parts, so their literal remainder is checked.
    func refuseLiteralSecrets(_ detector: ConfigurationLoader.LiteralSecretDetector) throws(ConfigurationError) {
        switch node {
        case .scalar(let scalar):
            let literal = (try? SecretTemplate(parsing: scalar.string))?.literalText ?? scalar.string
            let leaf = path.split(separator: ".").last.map(String.init) ?? path
            if let kind = detector(leaf, literal) {
                throw error(
                    "looks like a literal secret (\(kind)); store it in the secret store and write secret://name")
            }
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else { continue }
                try child(value, keyScalar.string).refuseLiteralSecrets(detector)
            }
        case .sequence(let sequence):
            for (index, element) in sequence.enumerated() {
                try self.element(element, index).refuseLiteralSecrets(detector)
            }
        case .alias:
            throw error("YAML aliases are not allowed")
        }
    }

    func error(_ message: String, at node: Node? = nil, key: String? = nil) -> ConfigurationError {
        let mark = (node ?? self.node).mark
        return ConfigurationError(
            file: file,
            line: mark?.line ?? 0,
            column: mark?.column ?? 0,
            key: key ?? path,
            message: message
        )
    }

    func child(_ node: Node, _ component: String) -> YAMLReader {
        YAMLReader(file: file, node: node, path: path.isEmpty ? component : "\(path).\(component)")
    }

    func element(_ node: Node, _ index: Int) -> YAMLReader {
        YAMLReader(file: file, node: node, path: "\(path)[\(index)]")
    }

    // MARK: Mappings

    /// The members of a mapping, in file order, with unknown-key checking left to `MappingReader`.
    func mapping() throws(ConfigurationError) -> MappingReader {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping") }
        var members: [(String, Node, Node)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else { throw error("mapping keys must be plain strings", at: key) }
            if case .alias = value { throw error("YAML aliases are not allowed", at: value) }
            members.append((scalar.string, key, value))
        }
        return MappingReader(reader: self, members: members)
    }

    func sequence() throws(ConfigurationError) -> [YAMLReader] {
        guard case .sequence(let sequence) = node else { throw error("expected a list") }
        return sequence.enumerated().map { element($1, $0) }
    }

    // MARK: Scalars

    func string() throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a string") }
        return scalar.string
    }

    func nonEmptyString() throws(ConfigurationError) -> String {
        let value = try string()
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { throw error("must not be empty") }
        return value
    }

    func integer(in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) else {
            throw error("expected a whole number")
        }
        guard range.contains(value) else {
            throw error("must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    func bool() throws(ConfigurationError) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { throw error("expected true or false") }
        switch scalar.string {
        case "true": return true
        case "false": return false
        default: throw error("expected true or false, got '\(scalar.string)'")
        }
    }

    /// A `secret://name` reference or a string with `${secret://name}` parts.
    func secretTemplate() throws(ConfigurationError) -> SecretTemplate {
        let text = try string()
        do {
            return try SecretTemplate(parsing: text)
        } catch {
            throw self.error(error.description)
        }
    }

    /// `host:port` (IPv6 hosts in brackets), with the port in `ports`.
    func hostAndPort(ports: ClosedRange<Int>, example: String) throws(ConfigurationError) -> (host: String, port: Int) {
        let text = try nonEmptyString()
        guard let separator = text.lastIndex(of: ":"), let port = Int(text[text.index(after: separator)...]),
            ports.contains(port)
        else { throw error("expected host:port, e.g. \(example)") }
        var host = String(text[..<separator])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw error("expected host:port, e.g. \(example)") }
        return (host, port)
    }

    func stringList() throws(ConfigurationError) -> [String] {
        var result: [String] = []
        for element in try sequence() { result.append(try element.nonEmptyString()) }
        return result
    }
}

/// Reads named members of one mapping and refuses any member nobody asked for.
struct MappingReader {
    let reader: YAMLReader
    let members: [(String, Node, Node)]
    private var consumed: Set<String> = []

    init(reader: YAMLReader, members: [(String, Node, Node)]) {
        self.reader = reader
        self.members = members
    }

    var keys: [String] { members.map(\.0) }

    mutating func optional(_ key: String) -> YAMLReader? {
        consumed.insert(key)
        guard let member = members.first(where: { $0.0 == key }) else { return nil }
        if case .scalar(let scalar) = member.2,
            scalar.tag.description == "tag:yaml.org,2002:null" || scalar.string == "~"
        {
            return nil
        }
        return reader.child(member.2, key)
    }

    mutating func required(_ key: String) throws(ConfigurationError) -> YAMLReader {
        guard let value = optional(key) else {
            throw reader.error("missing required key '\(key)'")
        }
        return value
    }

    /// Every member as a child reader (for maps keyed by user-chosen names).
    mutating func all() -> [(String, YAMLReader)] {
        members.map { member in
            consumed.insert(member.0)
            return (member.0, reader.child(member.2, member.0))
        }
    }

    /// Refuses members that were never read: a typo must not silently drop a control.
    func finish() throws(ConfigurationError) {
        for (key, keyNode, _) in members where !consumed.contains(key) {
            let place = reader.path.isEmpty ? key : "\(reader.path).\(key)"
            throw reader.error("unknown key '\(key)'", at: keyNode, key: place)
        }
    }
}
