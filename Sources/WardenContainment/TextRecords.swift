import WardenCore

/// A trusted tool's plain-text record read as JSON objects, so that every record reader (settled, warned, parties,
/// recorded amounts) reads a ledger line or a CRM card printed as text as it reads the same record in JSON.
///
/// Systems of record often answer in text: `PB-6171 | PMC-1184 | gross 6900.00 | PART-APPROVED` with `Approved for
/// payment: 4140.00` indented under it, or a supplier card of `Key: value` lines. A line is an object; its `|`
/// segments are its fields (`Key: value`, `net 5750.00`, a bare amount, a status in capitals, a leading id). A line
/// indented under another, or any line after the first at the top, belongs to that one: a line of plain fields merges
/// into it, and any other (a row of its own, a line holding an address or an account) is an item of it, so that a
/// warning on one line ("Previous bank: GB40… – CLOSED. Do not use.") stays with the values of that line. Bounded
/// (4,000 lines of at most 2,000 characters each; deeper lines than 12 levels join the twelfth). Pure.
enum TextRecords {
    /// The records of a text, or nil when no line of it has a field (prose is not a record).
    static func records(inText text: String) -> JSONValue? {
        if let log = keyValueLog(text) { return log }
        if let table = csvTable(text) { return table }
        var stack: [(indent: Int, node: Node)] = []
        var roots: [Node] = []
        var sawField = false
        for raw in keyedTableRows(blockScalars(text.split(whereSeparator: \.isNewline).prefix(4_000))) {
            let indent = raw.prefix { $0 == " " || $0 == "\t" }.count
            let trimmed = TextForm.trimmed(String(raw.prefix(2_000)))
            let line = strippedBullet(trimmed)
            guard !line.isEmpty else { continue }
            // `> 12-month cooling-off … No thaw.` under a register's rows: a quoted remark on the record the text is
            // about, not a row of it (its "12-month" is no id), so what it rules out covers the whole record.
            if trimmed.hasPrefix("> "), indent == 0, !stack.isEmpty {
                let remark = TextForm.trimmed(String(trimmed.dropFirst(2)))
                if !remark.isEmpty { stack[0].node.add("note", .string(remark)) }
                continue
            }
            var node = Node(line: line)
            if ["- ", "* ", "• ", "– "].contains(where: trimmed.hasPrefix) { node.takeOwnAddress() }
            sawField = sawField || node.hasFields
            var dedented = false
            while let last = stack.last, last.indent >= indent, stack.count > 1 {
                let closed = stack.removeLast()
                dedented = dedented || closed.indent > indent
                attach(closed.node, to: &stack, roots: &roots)
            }
            if dedented { stack[stack.count - 1].node.closeLastRow() }
            // The first line is the record the whole text is about; it stays at the bottom of the stack, so any later
            // line at the top belongs to it.
            if stack.isEmpty {
                node.isRoot = true
                // `Quote        Q-4471` opening a text: the id of the record the text is about.
                if !node.identifies, node.fields.count == 1, !node.fields[0].key.hasSuffix("status"),
                    let value = node.fields[0].value.stringValue, Node.isId(value)
                {
                    node.add("id", .string(value))
                } else if !node.identifies, node.fields.count == 1, node.fields[0].key == "title",
                    let title = node.fields[0].value.stringValue,
                    let id = title.split(separator: " ").prefix(4).map(String.init).first(where: Node.isId)
                {
                    // `Disbursements - FN-24146 Nora Fitzgerald`: a title that names its record by id.
                    node.add("id", .string(id.trimmingTrailing(",;.):")))
                }
            }
            if stack.count >= 12 {
                stack[stack.count - 1].node.absorb(node)
            } else {
                stack.append((indent, node))
            }
        }
        while !stack.isEmpty {
            let closed = stack.removeLast()
            attach(closed.node, to: &stack, roots: &roots)
        }
        guard sawField, let root = roots.first else { return nil }
        return root.json
    }

    /// The lines of a text with each YAML block scalar (`flags: |` or `memo: >` and the lines indented under it)
    /// written as one line (`flags: CD 14/01 - … Simon is under a prohibited steps order: he's not to be told …`): a
    /// note wrapped over lines is one text, and a wrapped line that looks like a field (`steps order: he's …`) is not
    /// one.
    static func blockScalars(_ lines: ArraySlice<Substring>) -> ArraySlice<Substring> {
        let lines = Array(lines)
        var out: [Substring] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = TextForm.trimmed(String(line))
            guard ["|", ">", "|-", ">-", "|+", ">+"].contains(where: { trimmed.hasSuffix(": " + $0) }) else {
                // `instruction: hold ALL post … no collection without` over a deeper `compliance sign-off (…)`: a
                // plain YAML value wrapped over lines is one value.
                let indent = line.prefix { $0 == " " || $0 == "\t" }.count
                var joined = String(line)
                index += 1
                if isYAMLField(trimmed) {
                    while index < lines.count {
                        let next = lines[index]
                        let inner = TextForm.trimmed(String(next))
                        guard !inner.isEmpty, next.prefix(while: { $0 == " " || $0 == "\t" }).count > indent,
                            !isYAMLField(inner), !["- ", "* ", "|", "#"].contains(where: inner.hasPrefix)
                        else { break }
                        joined += " " + inner
                        index += 1
                    }
                }
                out.append(Substring(joined))
                continue
            }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            let key = trimmed[..<(trimmed.lastIndex(of: ":") ?? trimmed.endIndex)]
            var body: [String] = []
            var raw: [Substring] = [line]
            index += 1
            while index < lines.count {
                let next = lines[index]
                let inner = TextForm.trimmed(String(next))
                guard inner.isEmpty || next.prefix(while: { $0 == " " || $0 == "\t" }).count > indent else { break }
                if !inner.isEmpty { body.append(inner) }
                raw.append(next)
                index += 1
            }
            // A block that writes a status as a field (`status: SUSPENDED`) keeps its lines: the status is read as one.
            let statusField = body.contains { text in
                guard let colon = text.firstIndex(of: ":") else { return false }
                let head = text[..<colon].lowercased()
                return head.count <= 30 && (head.hasSuffix("status") || head == "state")
            }
            if statusField {
                out += raw
                continue
            }
            out.append(Substring(String(repeating: " ", count: indent) + key + ": " + body.joined(separator: " ")))
        }
        return ArraySlice(out)
    }

    /// Whether a line is a YAML field with a value on it (`instruction: hold ALL post`): a key of letters, digits,
    /// `_` or `-` (no spaces), a colon and a space, and a value that opens no block.
    static func isYAMLField(_ trimmed: String) -> Bool {
        guard let colon = trimmed.firstIndex(of: ":") else { return false }
        let key = trimmed[..<colon]
        let value = trimmed[colon...].dropFirst()
        return !key.isEmpty && key.count <= 40 && key.first?.isLetter == true
            && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            && value.first == " " && value.contains { !$0.isWhitespace }
    }

    /// A log of `key=value` lines (two or more such lines of two or more fields each, or a text that is one such line):
    /// each is an entry of its own
    /// (`… RUN-0522 line=14 inv=PF-7781 GBP 3960.00 status=SETTLED` is `{inv_ref: PF-7781, status: SETTLED, amount:
    /// 3960, …}`), and a line of prose under one is a note on it. Nil for any other text: one such line among prose
    /// stays prose, read as a whole.
    static func keyValueLog(_ text: String) -> JSONValue? {
        // Every text output of a trusted tool comes here first: one without an "=" is no such log.
        guard text.utf8.contains(0x3D) else { return nil }
        let lines = text.split(whereSeparator: \.isNewline).prefix(4_000).filter {
            $0.contains { !$0.isWhitespace }
        }
        let parsed = lines.map(keyValueFields)
        // A text that is one such line is one entry too.
        guard parsed.count(where: { $0 != nil }) >= (lines.count == 1 ? 1 : 2) else { return nil }
        var head: [String: JSONValue] = [:]
        var entries: [[String: JSONValue]] = []
        for (line, fields) in zip(lines, parsed) {
            let text = TextForm.trimmed(String(line.prefix(2_000)))
            guard !text.isEmpty else { continue }
            if let fields {
                entries.append(fields)
            } else if entries.isEmpty {
                head[head.isEmpty ? "title" : "note_\(head.count + 1)"] = .string(text)
            } else {
                // "2024-06-11 NOTE user=TE PF-7781 traced: …" under a run's line is a note on that line.
                let count = entries[entries.count - 1].keys.count { $0.hasPrefix("note") }
                entries[entries.count - 1][count == 0 ? "note" : "note_\(count + 1)"] = .string(text)
            }
        }
        // `trip_id=… provider=SUP-0144` / `cost_total=… balance=8460.00` / `status=CANCELLED …`: lines that share no
        // key and carry no time are one record's fields wrapped over lines, not a log of entries.
        let keySets = entries.map { Set($0.keys.filter { !$0.hasPrefix("note") }) }
        if entries.count > 1, !keySets.contains(where: { $0.contains("time") }),
            keySets.reduce(0, { $0 + $1.count }) == keySets.reduce(Set<String>(), { $0.union($1) }).count
        {
            var merged: [String: JSONValue] = [:]
            for entry in entries {
                for (key, value) in entry.sorted(by: { $0.key < $1.key }) {
                    var name = key
                    var suffix = 1
                    while merged[name] != nil {
                        suffix += 1
                        name = key + "_\(suffix)"
                    }
                    merged[name] = value
                }
            }
            entries = [merged]
        }
        head["entries"] = .array(entries.map { .object($0) })
        return .object(head)
    }

    /// A line's tokens split at whitespace, a double-quoted value kept whole and unquoted (`note="no fobs, no
    /// reactivations"` is one token `note=no fobs, no reactivations`). An unclosed quote runs to the line's end.
    static func quotedTokens(_ line: Substring) -> [Substring] {
        var tokens: [Substring] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" {
                quoted.toggle()
            } else if character.isWhitespace && !quoted {
                if !current.isEmpty { tokens.append(Substring(current)) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(Substring(current)) }
        return tokens
    }

    /// A CSV export (at most three lines of title, a header, its rows, at most three lines of footer): each row is an
    /// entry of its own, read under its header's names (`Craig Mellor,Dunmore,BARRED,,"Trespass letter …"` under
    /// `name,company,status,valid_to,notes`), so that a row's status is that row's and not the export's. Nil for any
    /// other text, or when no row has a digit (sentences with commas under a line of names are no table).
    static func csvTable(_ text: String) -> JSONValue? {
        guard text.utf8.contains(0x2C) else { return nil }
        let lines = text.split(whereSeparator: \.isNewline).prefix(4_000).map {
            TextForm.trimmed(String($0.prefix(2_000)))
        }
        .filter { !$0.isEmpty }
        guard let start = lines.prefix(4).firstIndex(where: { csvHeader($0) != nil }),
            let keys = csvHeader(lines[start])
        else { return nil }
        var rows: [[String]] = []
        while start + 1 + rows.count < lines.count, let cells = csvCells(lines[start + 1 + rows.count]),
            cells.count == keys.count
        {
            rows.append(cells)
        }
        let footer = lines.dropFirst(start + 1 + rows.count)
        guard rows.contains(where: { $0.joined().contains(where: \.isNumber) }), footer.count <= 3 else { return nil }
        // "Do not pay any of these until the audit closes" above or under the rows is about every row: such a text is
        // read whole, as one record, as it was before exports were read row by row.
        guard
            !(lines[..<start] + footer).contains(where: {
                WarnedRecords.prohibits(WarnedRecords.words($0))
                    || WarnedRecords.warning(in: ["status": .string($0)]) != nil
            })
        else { return nil }
        var head: [String: JSONValue] = [:]
        for line in lines[..<start] + footer {
            head[head.isEmpty ? "title" : "note_\(head.count + 1)"] = .string(line)
        }
        head["entries"] = .array(
            rows.map { cells in
                let fields = zip(keys, cells).filter { !$0.1.isEmpty && $0.1 != "-" }
                return Node(line: fields.map { $0.0 + ": " + $0.1 }.joined(separator: " | ")).json
            })
        return .object(head)
    }

    /// A line's `key=value` fields, its other words as a note (an amount among them as `amount`, a leading
    /// timestamp as `time`); nil for a line with fewer than two fields (a URL's query is one token, not a field).
    static func keyValueFields(_ line: Substring) -> [String: JSONValue]? {
        func field(_ token: Substring) -> (key: String, value: String)? {
            guard let equals = token.firstIndex(of: "="), equals != token.startIndex else { return nil }
            let key = token[..<equals]
            let value = token[token.index(after: equals)...]
            guard !value.isEmpty, key.first?.isLetter == true,
                key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }),
                !value.contains("=")
            else { return nil }
            return (key.lowercased(), String(value))
        }
        let tokens = quotedTokens(line.prefix(2_000))
        guard tokens.count(where: { field($0) != nil }) >= 2 else { return nil }
        var fields: [String: JSONValue] = [:]
        var loose: [String] = []
        for (position, token) in tokens.enumerated() {
            guard let (key, value) = field(token) else {
                if position == 0, token.first?.isNumber == true, token.contains("-") || token.contains(":") {
                    fields["time"] = .string(String(token))
                } else if fields["amount"] == nil, let amount = Node.amount(String(token)), token.contains(".") {
                    fields["amount"] = amount
                } else {
                    loose.append(String(token))
                }
                continue
            }
            // `inv=PF-7790` names the entry's record, as `invoice_ref` would.
            let names = ["inv", "invoice", "order", "claim", "bill", "po"].contains(
                JSONRecords.keyWords(key).last ?? "")
            let name = names ? key + "_ref" : key
            guard fields[name] == nil else { continue }
            // `amt=3905.50` is a sum; `line=14` stays as written (a count or an id, not an amount).
            if value.contains("."), let amount = Node.amount(value) {
                fields[name] = amount
            } else {
                fields[name] = .string(value)
            }
        }
        if !loose.isEmpty { fields["note"] = .string(loose.joined(separator: " ")) }
        return fields
    }

    /// The lines of a text with each row of a Markdown table written as its header's fields (`| CT-2301 | a@x |` under
    /// `| contact | email |` and `|---|---|` is `contact: CT-2301 | email: a@x`), so that a cell is read under the
    /// name its column gives it. Empty cells and `-` are left out; a header with a digit in it is no header.
    static func keyedTableRows(_ lines: ArraySlice<Substring>) -> [Substring] {
        let lines = Array(lines)
        var out: [Substring] = []
        var header: [String]?
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = TextForm.trimmed(String(line))
            if let keys = header, trimmed.hasPrefix("|") {
                let indentation = line.prefix { $0 == " " || $0 == "\t" }
                let cells = tableCells(trimmed)
                if isFieldValueHeader(keys) {
                    // `| Status | ON HOLD |` under `| field | value |`: the row is the record's field. A row whose
                    // first cell is empty, an id or not a name is kept as its text, so nothing in it is lost.
                    var name = Substring(cells.first ?? "")
                    while name.last == ":" || name.last == " " { name = name.dropLast() }
                    let rest = cells.dropFirst().filter { !$0.isEmpty }.joined(separator: " ")
                    if !name.isEmpty, !rest.isEmpty, !name.contains(":"), !Node.isId(String(name)),
                        Node.keyed(name + ": x") != nil
                    {
                        out.append(Substring(String(indentation) + name + ": " + rest))
                    } else {
                        let text: String = cells.filter { !$0.isEmpty }.joined(separator: " | ")
                        if !text.isEmpty { out.append(Substring(String(indentation) + text)) }
                    }
                    index += 1
                    continue
                }
                let fields = zip(keys, cells).filter { !$0.0.isEmpty && !$0.1.isEmpty && $0.1 != "-" }
                out.append(Substring(indentation + fields.map { $0.0 + ": " + $0.1 }.joined(separator: " | ")))
                index += 1
                continue
            }
            header = nil
            // `invoice,amount,state` over `CS-INV-22817,11342.75,SETTLED`: each row is written as its header's fields,
            // as a Markdown table's is. A row of another count of cells is kept as its text.
            // The rows are data: one of them has a digit (an id, an amount, a date), so "Do not, under any
            // circumstances, pay this account" under "Finance, Accounts, Treasury" stays a sentence; a row of names
            // among dated rows (`Helen Marsh,Northbank,ACTIVE,,`) is a row all the same.
            if let keys = csvHeader(trimmed) {
                var rows: [[String]] = []
                while index + 1 + rows.count < lines.count,
                    let cells = csvCells(TextForm.trimmed(String(lines[index + 1 + rows.count]))),
                    cells.count == keys.count
                {
                    rows.append(cells)
                }
                if rows.contains(where: { $0.joined().contains(where: \.isNumber) }) {
                    out.append(line)
                    for cells in rows {
                        let fields = zip(keys, cells).filter { !$0.1.isEmpty && $0.1 != "-" }
                        out.append(Substring(fields.map { $0.0 + ": " + $0.1 }.joined(separator: " | ")))
                    }
                    index += 1 + rows.count
                    continue
                }
            }
            if trimmed.hasPrefix("|"), index + 1 < lines.count, isTableRule(TextForm.trimmed(String(lines[index + 1])))
            {
                let keys = tableCells(trimmed)
                if keys.allSatisfy({ $0.count <= 40 && !$0.contains(where: \.isNumber) && !$0.contains(":") }) {
                    header = keys
                    index += 2
                    continue
                }
            }
            out.append(line)
            index += 1
        }
        return out
    }

    /// The names of a CSV header line: three or more cells, each a short name of letters, spaces, `_`, `-` or `/`.
    static func csvHeader(_ line: String) -> [String]? {
        guard let cells = csvCells(line), cells.count >= 3,
            cells.allSatisfy({ cell in
                !cell.isEmpty && cell.count <= 40 && cell.first?.isLetter == true
                    && cell.allSatisfy { $0.isLetter || " _-/".contains($0) }
            })
        else { return nil }
        return cells
    }

    /// The trimmed cells of a CSV line (`"11,342.75"` in quotes is one cell), or nil when it is no such line (fewer
    /// than three cells, an open quote, or a Markdown row).
    static func csvCells(_ line: String) -> [String]? {
        guard !line.hasPrefix("|"), line.contains(",") else { return nil }
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        cell.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    cell.append(character)
                }
            } else if character == "\"" && TextForm.trimmed(cell).isEmpty {
                quoted = true
                cell = ""
            } else if character == "," {
                cells.append(TextForm.trimmed(cell))
                cell = ""
            } else {
                cell.append(character)
            }
        }
        guard !quoted else { return nil }
        cells.append(TextForm.trimmed(cell))
        return cells.count >= 3 ? cells : nil
    }

    /// The trimmed cells of a `| a | b |` row, without Markdown's bold marks (`**ON HOLD**` is `ON HOLD`).
    private static func tableCells(_ row: String) -> [String] {
        var body = Substring(row)
        if body.hasPrefix("|") { body = body.dropFirst() }
        if body.hasSuffix("|") { body = body.dropLast() }
        return body.split(separator: "|", omittingEmptySubsequences: false).map {
            TextForm.trimmed(String($0).replacingOccurrences(of: "**", with: ""))
        }
    }

    /// Whether a table's header is `| Field | Value |`: each row below is one field of the record, named by its
    /// first cell.
    static func isFieldValueHeader(_ keys: [String]) -> Bool {
        keys.count == 2 && fieldHeaders.contains(keys[0].lowercased()) && valueHeaders.contains(keys[1].lowercased())
    }
    static let fieldHeaders: Set<String> = ["field", "key", "attribute", "property", ""]
    static let valueHeaders: Set<String> = ["value", "values", "setting"]

    /// `|---|:---:|`: the rule under a Markdown table's header.
    private static func isTableRule(_ line: String) -> Bool {
        line.contains("-") && line.allSatisfy { "|-: ".contains($0) }
    }

    private static func attach(_ node: Node, to stack: inout [(indent: Int, node: Node)], roots: inout [Node]) {
        if stack.isEmpty {
            roots.append(node)
        } else {
            stack[stack.count - 1].node.absorb(node)
        }
    }

    /// A line without its list bullet or its Markdown heading marks (`## Contract CON-1002 - …` is the line
    /// `Contract CON-1002 - …`).
    private static func strippedBullet(_ line: String) -> String {
        // `**Statements to:** office@…`: Markdown's bold marks say nothing of the record.
        var line = line.contains("**") ? TextForm.trimmed(line.replacingOccurrences(of: "**", with: "")) : line
        // `~~ON HOLD - for-cause audit~~ Hold lifted 03/07`: what Markdown strikes through is no longer so.
        while let open = line.range(of: "~~"), let close = line.range(of: "~~", range: open.upperBound..<line.endIndex)
        {
            line = TextForm.trimmed(String(line[..<open.lowerBound]) + " " + String(line[close.upperBound...]))
        }
        let hashes = line.prefix { $0 == "#" }.count
        if hashes > 0, hashes <= 6, line.dropFirst(hashes).first == " " {
            return TextForm.trimmed(String(line.dropFirst(hashes)))
        }
        for bullet in ["- ", "* ", "• ", "– "] where line.hasPrefix(bullet) {
            return TextForm.trimmed(String(line.dropFirst(bullet.count)))
        }
        return line
    }

    /// One line and what belongs to it.
    struct Node {
        var fields: [(key: String, value: JSONValue)] = []
        /// The keys of `fields`, and the last suffix given to each repeated key (`note_3`).
        var keys: Set<String> = []
        var suffixes: [String: Int] = [:]
        var items: [Node] = []
        /// The list of its parent the line is a row of (`Refunds: RF-0093 | …` → `refunds`).
        var listName: String?
        /// Rows of lists (`refunds`), by list.
        var lists: [(name: String, rows: [Node])] = []
        /// Whether the line heads the lines under it and is nothing itself (`Variations:`).
        var isHeader = false
        /// The status of a payment a line of one amount states (`Fee 578.00 PAID 2025-02-20`): the payment status of
        /// the line it is indented under when that one names a record (an application), never of the whole text's
        /// record (a job is not paid because one of its fees is).
        var paymentStatus: String?
        /// Whether the node is the first line of the text, the record the whole text is about.
        var isRoot = false
        /// Whether the line is a row of a table: an id first, then other columns (`GA-50213 | 15/09/2025 | 9870.00`).
        var isRow = false
        /// Whether a line back at an outer indent followed this row (`closeLastRow`).
        var closedByDedent = false
        /// Whether a field holds an address or an account.
        var holdsAddress = false
        var hasFields: Bool { fields.contains { !["title", "note"].contains($0.key) } }

        /// The longest note lines are joined into (in UTF-8 bytes).
        static let longestNote = 4_000

        /// The text of a line that is only prose (one column, no field, nothing under it).
        var proseLine: String? {
            guard fields.count == 1, fields[0].key == "title", items.isEmpty, lists.isEmpty, !isHeader else {
                return nil
            }
            return fields[0].value.stringValue
        }

        /// Whether its `status` was written as `Status: …`, not guessed from capitals.
        var keyedStatus = false

        /// Whether the line is one `Key: <id>` field (`Loan ref: CMT/LO/2026/017`) and nothing else.
        var isKeyedId = false

        /// Whether the line names a record of its own: an id, an address or an account.
        var identifies: Bool {
            holdsAddress
                || fields.contains { field in
                    field.key == "id" || field.key.hasPrefix("id_") || field.key.hasSuffix("_ref")
                        || field.key.contains("_ref_")
                }
        }

        init(line: String) {
            let segments = Self.columns(line)
            for (position, segment) in segments.enumerated() {
                if position == 0, segments.count > 1, let (key, value) = Self.keyed(segment),
                    let id = value.split(separator: " ").first.map(String.init), Self.isId(id),
                    // `Bank on file: GB53 BARC 7453 …  (verified …)` is an account, not a row of a list.
                    !ValueExtractor.values(inText: value).contains(where: { [.iban, .email].contains($0.kind) })
                {
                    // `Refunds: RF-0093 | 2025-02-04 | 1250.00 | …`: a row of the record's refunds.
                    listName = key
                    add("id", .string(id.trimmingTrailing(",;.)")))
                    if value.contains(" ") { add("note", .string(value)) }
                    continue
                }
                if let (key, value) = Self.keyed(segment) ?? Self.labelledAddress(segment) {
                    if value.isEmpty {
                        // `Variations:` heads the lines under it.
                        isHeader = segments.count == 1
                        continue
                    }
                    addKeyed(key, value)
                    keyedStatus = keyedStatus || key == "status"
                    isKeyedId =
                        segments.count == 1 && !holdsAddress && identifies && Self.isId(value)
                        && !key.hasSuffix("status")
                    continue
                }
                if let (key, amount) = Self.namedAmount(segment) {
                    add(key, amount)
                } else if let amount = Self.amount(segment) {
                    add("amount", amount)
                } else if Self.isDate(segment) {
                    add("date", .string(segment))
                } else if let (key, amount, status) = Self.amountWithStatus(segment) {
                    // `Fee 578.00 PAID 2025-02-20 by company card`.
                    add(key, amount)
                    add(key + "_status", .string(status))
                    // `Fee 578.00 PAID 2025-02-20`: the record's payment.
                    // Not one of several (`Inst 1 PAID … | Inst 3 1165.00 DUE`): those are parts of the record.
                    if segments.count == 1 { paymentStatus = status }
                } else if let (words, id) = Self.namedId(segment) {
                    add(words.isEmpty ? "id" : words + "_ref", .string(id))
                    if position == 0 && !words.isEmpty { add("name", .string(segment)) }
                    if position == 0 { isRow = segments.count > 1 }
                } else if position == 0, let id = Self.leadingId(segment) {
                    add("id", .string(id))
                    add("name", .string(segment))
                    addFieldsInside(segment)
                    isRow = segments.count > 1
                } else if segments.count == 1, let id = Self.headingId(segment) {
                    // `INSTRUCTOR RECORD - INS-09`: a heading that names its record, not a status.
                    add("id", .string(id))
                    add("name", .string(segment))
                } else if Self.isStatus(segment) {
                    // `CAE-4471  INV  …  742.80  ON HOLD`: a short code before a status is the row's type.
                    if let at = fields.firstIndex(where: { $0.key == "status" }),
                        let code = fields[at].value.stringValue, code.count <= 3, !code.contains(" ")
                    {
                        fields[at].key = "type"
                        keys.insert("type")
                        fields.append(("status", .string(segment)))
                    } else {
                        add("status", .string(segment))
                    }
                } else {
                    add(position == 0 ? "title" : "note", .string(segment))
                    addFieldsInside(segment)
                }
            }
            // `SUBCONSULTANT APPOINTMENTS`: a heading in capitals, with nothing of a record.
            // `Status: POSTPONED` is a field, not a heading.
            if segments.count == 1, fields.count == 1, fields[0].key == "status", Self.keyed(line) == nil,
                !line.contains(where: { $0.isNumber || ".,;()".contains($0) })
            {
                isHeader = true
                fields = []
                keys = []
            }
        }

        /// Fields inside a sentence: "Restocking fee 15% applied. APPROVED CREDIT: 212.40." (an amount), "Invoice
        /// CS-40877 received 13/04/2026: £3,480.00 - STATUS: ON HOLD - QUERY RAISED." (a status).
        mutating func addFieldsInside(_ segment: String) {
            for sentence in segment.split(separator: ". ").dropFirst() {
                if let (key, value) = Self.keyed(String(sentence).trimmingTrailing(".")),
                    let amount = Self.amount(value)
                {
                    add(key, amount)
                }
            }
            for part in segment.components(separatedBy: " - ").dropFirst() {
                if let (key, value) = Self.keyed(part), key.hasSuffix("status"), Self.isStatus(value),
                    !keys.contains(key)
                {
                    let rest = segment.components(separatedBy: part).last ?? ""
                    add(key, .string(TextForm.trimmed(value + rest)))
                    // The first status is the line's (and one such search per line keeps the reading linear).
                    break
                }
            }
        }

        /// A line's columns: split at `|`, or, in a line without one, at runs of two or more spaces (a ledger printed
        /// in aligned columns: `HG-88213   17/01/2025   14,276.40  PAID 28/02/2025`). A column that ends in `:` keeps
        /// the next as its value (`Balance due now:        0.00`).
        static func columns(_ line: String) -> [String] {
            // `STATUS ......... ENDED 31/12/2024`: a key with dot leaders is `Key: value`.
            if let leader = line.range(of: " ..."), !line.contains("|") {
                let key = TextForm.trimmed(String(line[..<leader.lowerBound]))
                let value = TextForm.trimmed(String(line[leader.upperBound...].drop { $0 == "." || $0 == " " }))
                if !key.isEmpty, !value.isEmpty, keyed(key + ": " + value) != nil { return [key + ": " + value] }
            }
            var parts: [String] = []
            if line.contains("|") {
                parts = line.split(separator: "|").map { String($0) }
            } else {
                var current = ""
                var spaces = 0
                for character in line {
                    if character == " " || character == "\t" {
                        spaces += character == "\t" ? 2 : 1
                        continue
                    }
                    if spaces >= 2 {
                        parts.append(current)
                        current = ""
                    } else if spaces == 1 {
                        current.append(" ")
                    }
                    spaces = 0
                    current.append(character)
                }
                parts.append(current)
            }
            var columns: [String] = []
            let trimmed = parts.map { TextForm.trimmed($0) }.filter { !$0.isEmpty }
            // `Customer     C-2041 Marlow & Finch Bakery Ltd`: a label in words and its value, aligned.
            if trimmed.count == 2, !line.contains("|"), !trimmed[0].hasSuffix(":"), isLabel(trimmed[0]) {
                return [trimmed[0] + ": " + trimmed[1]]
            }
            for part in trimmed {
                if let last = columns.last, last.hasSuffix(":"), line.contains("|") == false {
                    columns[columns.count - 1] = last + " " + part
                } else {
                    columns.append(part)
                }
            }
            return columns
        }

        /// One or two words of letters, not all capitals (`Customer`, `Balance`; not `OBJECT`, a status or heading).
        static func isLabel(_ text: String) -> Bool {
            let words = text.split(separator: " ")
            return (1...2).contains(words.count) && words.allSatisfy { $0.allSatisfy(\.isLetter) }
                && text.contains(where: \.isLowercase)
        }

        /// A `Key: value` field. A value that opens with an amount, or holds an address or an account, is that value
        /// (`Approved for payment: 4140.00 (O. Fairlie)`, `Previous bank: GB40… – CLOSED`), with the whole text beside
        /// it as the key's note.
        mutating func addKeyed(_ key: String, _ value: String) {
            let tokens = value.split(whereSeparator: \.isWhitespace).map {
                String($0).trimmingTrailing(",;.):").trimmingLeading("(<")
            }
            var addresses = tokens.filter { token in
                ValueExtractor.argumentValues(.string(token)).joined().contains { [.email, .iban].contains($0.kind) }
            }
            // `GB65 BARC 2000 0083 3102 64 (Barclays) - CLOSED`: an account printed in groups is one address.
            if value.count <= Self.longestNote {
                let grouped = ValueExtractor.values(inText: value).filter { $0.kind == .iban }.map(\.value)
                addresses.append(contentsOf: grouped.filter { !addresses.contains($0) }.sorted())
            }
            if let amount = Self.amount(value) {
                add(key, amount)
            } else if let first = tokens.first, first.contains(".") || first.hasPrefix("£") || first.hasPrefix("€"),
                // `1,110.00 (6 sessions)` is an amount and a note; `12.50 3` is not one amount.
                value.split(whereSeparator: \.isWhitespace).dropFirst().first?.allSatisfy(\.isNumber) != true,
                let amount = Self.amount(first)
            {
                add(key, amount)
                add(key + "_note", .string(value))
            } else if addresses.count > 1,
                sentences(value).filter({ sentence in
                    addresses.contains { sentence.contains($0) }
                }).count > 1
            {
                // "Gail Ferrow, gail@… – DO NOT CONTACT. All correspondence goes to the administrators, at admin@…":
                // each sentence is an item with its own addresses, so a prohibition stays with the address it is about.
                for sentence in sentences(value) {
                    var item = Node(line: "")
                    item.addKeyed(key, sentence)
                    if item.holdsAddress { items.append(item) } else { add(key, .string(sentence)) }
                }
            } else if !addresses.isEmpty {
                for address in addresses { add(key, .string(address)) }
                holdsAddress = true
                if addresses.count < tokens.count, value.filter({ !$0.isWhitespace }) != addresses.joined() {
                    add(key + "_note", .string(value))
                }
            } else {
                add(key, .string(value))
            }
            // `Planning: application 25/0214/FUL submitted …`: the record the line is about.
            if tokens.count >= 2, tokens[0].allSatisfy(\.isLetter), Self.isId(tokens[1]) {
                add(tokens[0].lowercased() + "_ref", .string(tokens[1]))
            }
            // `Customer: C-2041 Marlow & Finch Bakery Ltd`: the id of what the key names.
            if tokens.count >= 2, addresses.isEmpty, Self.isId(tokens[0]),
                Set(key.split(separator: "_").map(String.init)).isDisjoint(with: [
                    "id", "ref", "no", "number", "reference",
                ])
            {
                add(key + "_id", .string(tokens[0]))
            }
            // `PAYMENT: PAID IN FULL 2025-02-24`: a status of what the key names.
            if !key.hasSuffix("status"), Self.isStatus(value) { add(key + "_status", .string(value)) }
        }

        /// A text's sentences, split at a full stop, `;` or `!` followed by a space (an address's dots stay).
        func sentences(_ text: String) -> [String] {
            var found: [String] = []
            var current = ""
            var previous: Character?
            for character in text {
                if character == " ", let previous, ".;!".contains(previous) {
                    found.append(TextForm.trimmed(current))
                    current = ""
                } else {
                    current.append(character)
                }
                previous = character
            }
            found.append(TextForm.trimmed(current))
            return found.filter { !$0.isEmpty }
        }

        /// A date alone (`2025-02-04`, `04/02/2025`).
        static func isDate(_ segment: String) -> Bool {
            let parts = segment.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
            return parts.count == 3 && segment.count <= 10 && parts.allSatisfy { $0.allSatisfy(\.isNumber) }
        }

        /// One to three words, an amount and a status in capitals.
        static func amountWithStatus(_ segment: String) -> (String, JSONValue, String)? {
            let parts = segment.split(separator: " ").map(String.init)
            guard let position = parts.firstIndex(where: { amount($0) != nil }), (1...3).contains(position),
                position + 1 < parts.count, parts[..<position].allSatisfy({ $0.allSatisfy(\.isLetter) }),
                let number = amount(parts[position])
            else { return nil }
            let status = parts[(position + 1)...].joined(separator: " ")
            guard isStatus(status) else { return nil }
            return (parts[..<position].joined(separator: "_").lowercased(), number, status)
        }

        mutating func add(_ key: String, _ value: JSONValue) {
            var name = key
            while keys.contains(name) {
                let suffix = (suffixes[key] ?? 1) + 1
                suffixes[key] = suffix
                name = key + "_" + String(suffix)
            }
            keys.insert(name)
            fields.append((name, value))
        }

        /// Marks the last row as closed by a line back at an outer indent: a note after it is read as the record's
        /// as well as the row's.
        mutating func closeLastRow() {
            if let last = items.indices.last { items[last].closedByDedent = true }
        }

        /// A line that belongs to this one: a heading's lines are this one's items, a line that names nothing of its
        /// own adds its fields to this one (its warning is this record's), and a line that does is an item of it.
        mutating func absorb(_ other: Node) {
            if let name = other.listName {
                var row = other
                row.listName = nil
                // Rows indented under the first (`Invoices: INV-1 | …` and `INV-2 | …` under it) are rows of the list.
                let more = row.items.filter(\.identifies)
                row.items.removeAll(where: \.identifies)
                if let at = lists.firstIndex(where: { $0.name == name }) {
                    lists[at].rows += [row] + more
                } else {
                    lists.append((name, [row] + more))
                }
            } else if other.isHeader {
                // `Notes:` heads lines of this record: their fields (a note's warning) are this one's.
                for field in other.fields { add(field.key == "title" ? "note" : field.key, field.value) }
                // A heading's rows are its own: a later line of this record is not a note on the last of them.
                items += other.items.map { item in
                    var item = item
                    item.isRow = false
                    return item
                }
            } else if other.isKeyedId, !identifies, items.isEmpty, lists.isEmpty {
                // `Loan ref: CMT/LO/2026/017` under a heading (`LOANS REGISTER - OUTGOING LOAN`): the id of the record
                // the text is about, not an item of it.
                for field in other.fields { add(field.key, field.value) }
            } else if !other.identifies, let last = items.indices.last, items[last].isRow {
                // A note after a row of a table is about that row ("Approver note: … Do not pay the held balance").
                items[last].absorb(other)
                // `  - HF-2425-0214 £600.00 paid` under `prior_awards:`, then `assessor_note: … reject at panel` back
                // at the outer indent: the record's too (read as the last row's only, the case went unwarned).
                if items[last].closedByDedent {
                    for field in other.fields { add(field.key == "title" ? "note" : field.key, field.value) }
                }
            } else if !other.identifies, let text = other.proseLine, let last = fields.indices.last,
                fields[last].key.hasPrefix("note") || fields[last].key.hasPrefix("title"),
                case .string(let previous) = fields[last].value, previous.last.map({ !".!?:".contains($0) }) == true,
                // Bounded, so that joining stays linear in the text: a longer note goes on as the next one.
                previous.utf8.count + text.utf8.count < Self.longestNote
            {
                // A note wrapped over several lines is one note: "HB-118 is on hold. … and" / "… Please don't pay
                // the 1,650.00" says what it says of HB-118 in one text.
                fields[last].value = .string(previous + " " + text)
            } else if !other.identifies {
                for field in other.fields {
                    // `STATUS: ENDED` is the record's status; a capitals heading read as one (`ROOF LICENCE — …`) is
                    // its title.
                    if field.key == "status", other.keyedStatus, !keyedStatus,
                        let at = fields.firstIndex(where: { $0.key == "status" })
                    {
                        fields[at].key = "heading"
                        keys.insert("heading")
                        fields.append(field)
                        keyedStatus = true
                        continue
                    }
                    add(field.key == "title" ? "note" : field.key, field.value)
                }
                items += other.items
                if let status = other.paymentStatus, !isRoot, identifies, !keys.contains("payment_status") {
                    add("payment_status", .string(status))
                }
            } else if other.isBareAddress || (other.isAddressWithNote && !WarnedRecords.warns(other.json)) {
                // `IBAN GB60 LOYD …`, `Email: a@b.example` on a line of its own: the record's own address, which its
                // status and warnings cover as they cover its id.
                // Its parent's standing is unchanged: a subsection that takes an address stays part of its record.
                for field in other.fields { add(field.key, field.value) }
            } else {
                items.append(other)
            }
        }

        /// "- Helen Greene, Trainee — h.greene@… — LEFT FIRM. … do not send any matter documents to her": an item of a
        /// list that opens with a person's name (two or more words in capitals) and then their address is that
        /// person's record, which its words are about. Any other line that mentions an address ("Remittance to ap@…
        /// queried - do not pay", "Per ap@… this one is disputed") stays a note of its record.
        mutating func takeOwnAddress() {
            guard fields.count == 1, fields[0].key == "title", items.isEmpty, let text = fields[0].value.stringValue,
                text.count <= Self.longestNote
            else { return }
            let tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
            guard
                let at = tokens.prefix(6).firstIndex(where: { token in
                    ValueExtractor.values(inText: token).contains { [.email, .iban].contains($0.kind) }
                })
            else { return }
            let before = tokens[..<at].filter { $0.contains(where: \.isLetter) }
            guard before.count >= 2, before.allSatisfy({ $0.first?.isUppercase == true }) else { return }
            for value in ValueExtractor.values(inText: tokens[at]) where [.email, .iban].contains(value.kind) {
                add(value.kind == .email ? "email" : "iban", .string(value.value))
                holdsAddress = true
            }
        }

        /// Whether the line is one address or account under its label and nothing else.
        var isBareAddress: Bool {
            holdsAddress && fields.count == 1 && items.isEmpty && lists.isEmpty && listName == nil
        }

        /// Whether the line is one address or account and the text it was written in (`Payee ….. Ashby Road Primary
        /// School — GB70 PUBK …`): the record's own, unless that text warns of it (`Previous bank: GB40… – CLOSED`).
        var isAddressWithNote: Bool {
            holdsAddress && fields.count == 2 && fields[1].key == fields[0].key + "_note" && items.isEmpty
                && lists.isEmpty && listName == nil
        }

        var json: JSONValue {
            var members: [String: JSONValue] = [:]
            for field in fields { members[field.key] = field.value }
            if !items.isEmpty { members["items"] = .array(items.map(\.json)) }
            // A list named as a field is (`| id | candidate | … |` rows under a first row whose `id` is a field)
            // keeps its rows under another name: a row dropped is a warning never read.
            for list in lists {
                var name = list.name
                while members[name] != nil { name += "_rows" }
                members[name] = .array(list.rows.map(\.json))
            }
            return .object(members)
        }

        /// `Key: value` with a key of one to six words that starts with a letter (`Approved for payment: 4140.00`,
        /// `Bank (current): GB47…`); a time (`14:11`) or a URL is not one.
        static func keyed(_ segment: String) -> (key: String, value: String)? {
            guard let colon = segment.firstIndex(of: ":") else { return nil }
            let head = segment[..<colon]
            let rest = segment[segment.index(after: colon)...]
            guard let first = head.first, first.isLetter, rest.isEmpty || rest.first?.isWhitespace == true,
                head.count <= 48, head.allSatisfy({ $0.isLetter || $0.isNumber || " ()&'/-_.".contains($0) })
            else { return nil }
            let words = JSONRecords.keyWords(String(head))
            guard (1...6).contains(words.count), !words.contains(where: { $0.allSatisfy(\.isNumber) }) else {
                return nil
            }
            return (words.joined(separator: "_"), TextForm.trimmed(String(rest)))
        }

        /// `IBAN GB60 LOYD 3882 3384 6878 85`, `Email a@b.example`: one or two words of letters, then an address or an
        /// account and nothing else, read as `Key: value`.
        static func labelledAddress(_ segment: String) -> (key: String, value: String)? {
            let words = segment.split(separator: " ", maxSplits: 2).map(String.init)
            for count in 1...2 where words.count > count && words[..<count].allSatisfy({ $0.allSatisfy(\.isLetter) }) {
                let rest = words[count...].joined(separator: " ")
                let compact = rest.filter { !$0.isWhitespace }.lowercased()
                let found = ValueExtractor.values(inText: rest).filter { [.email, .iban].contains($0.kind) }
                if found.count == 1, let address = found.first, address.value.lowercased() == compact {
                    return (words[..<count].joined(separator: "_").lowercased(), rest)
                }
            }
            return nil
        }

        /// A value as a number when it is only an amount (`4140.00`, `£6,900.00`), else as text.
        static func value(_ text: String) -> JSONValue { amount(text) ?? .string(text) }

        /// A segment that is only an amount, with an optional currency sign or code.
        static func amount(_ text: String) -> JSONValue? {
            var body = Substring(text)
            // `-245.00` in a ledger's row: a sum out (a refund), written with its sign. Only with pence, so a
            // range's or a code's dash (`-12`) is no amount.
            let negative = body.hasPrefix("-") && body.contains(".")
            if negative { body = body.dropFirst() }
            for sign in ["£", "€", "$", "GBP ", "EUR ", "USD "] where body.hasPrefix(sign) {
                body = body.dropFirst(sign.count)
            }
            let digits = body.filter { $0 != "," }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isNumber || $0 == "." }),
                digits.filter({ $0 == "." }).count <= 1, digits.first?.isNumber == true,
                let number = Double(String(digits))
            else { return nil }
            if negative { return .double(-number) }
            return digits.contains(".")
                ? .double(number) : (Int64(String(digits)).map { .integer($0) } ?? .double(number))
        }

        /// `net 5750.00`, `VAT 1150.00`, `gross 6900.00`: one to three words and an amount.
        static func namedAmount(_ segment: String) -> (String, JSONValue)? {
            let parts = segment.split(separator: " ")
            guard parts.count >= 2, parts.count <= 4, let last = parts.last, let number = amount(String(last)),
                parts.dropLast().allSatisfy({ $0.allSatisfy(\.isLetter) })
            else { return nil }
            return (
                parts.dropLast().joined(separator: " ").lowercased().replacingOccurrences(of: " ", with: "_"), number
            )
        }

        /// `Counter sale CS-884213`, `Your ref J2432`, or a segment that is only an id: words and the id they name.
        static func namedId(_ segment: String) -> (String, String)? {
            let parts = segment.split(separator: " ").map(String.init)
            guard parts.count <= 4, let last = parts.last, isId(last),
                parts.dropLast().allSatisfy({ $0.allSatisfy(\.isLetter) })
            else { return nil }
            return (parts.dropLast().map { $0.lowercased() }.joined(separator: "_"), last)
        }

        /// The id in the first two words of a line's first segment (`CT-22018 Petr Halloran – …`, `JOB J2411`).
        static func leadingId(_ segment: String) -> String? {
            let words = segment.split(separator: " ").prefix(2).map(String.init)
            // `Less CBCN-1187 (…) -3,940.00` is an adjustment of the record above, not a record.
            guard let first = words.first, !adjustmentWords.contains(first.lowercased()) else { return nil }
            return words.first(where: isId)
        }

        static let adjustmentWords: Set<String> = ["less", "plus", "minus", "add", "deduct", "deducted", "incl", "ex"]

        /// A token that reads as a record's id: letters and digits, both present, with at most dashes, slashes and
        /// dots between (`PB-6171`, `J2432`, `RMA-55810`); not a date, an amount or a word.
        static func isId(_ token: String) -> Bool {
            let token = token.trimmingTrailing(",;.)")
            guard token.count >= 3, token.count <= 40, token.contains(where: \.isNumber),
                token.contains(where: \.isLetter),
                token.allSatisfy({ $0.isLetter || $0.isNumber || "-/_.".contains($0) })
            else { return false }
            // `25/0214/FUL` opens with digits; `18mm` and `3.0m` are measures.
            return token.first?.isLetter == true
                || (token.contains(where: { "-/".contains($0) }) && token.filter(\.isLetter).count >= 2)
        }

        /// The id of a heading in capitals that says what kind of record follows (`INSTRUCTOR RECORD - INS-09`,
        /// `OWNER ACCOUNT OWN-1150 - Dr Helen Marsh`): words in capitals, one of them a kind of record, then the id.
        static func headingId(_ segment: String) -> String? {
            let tokens = segment.split(separator: " ").map(String.init).filter { !["-", "–", "—", ":"].contains($0) }
            guard let at = tokens.firstIndex(where: { isId($0) }), at > 0, at <= 4 else { return nil }
            let before = tokens[..<at]
            guard before.allSatisfy({ $0.count >= 2 && $0.filter(\.isLetter).allSatisfy(\.isUppercase) }),
                before.contains(where: { recordKinds.contains($0.lowercased().trimmingTrailing(":")) })
            else { return nil }
            return tokens[at].trimmingTrailing(",;.):")
        }

        /// Words of a heading that name a kind of record.
        static let recordKinds: Set<String> = [
            "record", "account", "file", "register", "log", "report", "statement", "profile", "card", "sheet",
            "summary", "details", "entry", "dossier",
        ]

        /// A segment that opens with a word in capitals (`PAID 2025-01-24`, `NOT APPROVED (…)`, `PART-APPROVED`).
        static func isStatus(_ segment: String) -> Bool {
            guard let word = segment.split(separator: " ").first else { return false }
            let letters = word.filter(\.isLetter)
            // `CMT/LO/2026/017` is an id in capitals, not a status.
            return letters.count >= 2 && letters.allSatisfy(\.isUppercase) && !isId(String(word))
        }
    }
}

extension String {
    fileprivate func trimmingLeading(_ characters: String) -> String {
        String(drop { characters.contains($0) })
    }

    fileprivate func trimmingTrailing(_ characters: String) -> String {
        var text = Substring(self)
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
