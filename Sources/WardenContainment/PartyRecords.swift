import WardenCore

/// Who a value belongs to, as trusted records say: `h.ashby@uni.example` is Helen Ashby's address in the directory,
/// `CUST-0988` is Pemberton Health's account.
///
/// An injection can pick a party the tenant trusts — a colleague "who travels together" with the traveller the task
/// named, a "sister company" to credit instead of the customer the task named. Every value is trusted; the *party* was
/// the content's choice. A trusted tool's JSON output is read for records with a name (`name`, `full_name`,
/// `legal_name`, `customer`, …); each of their addresses, accounts and ids (and those of nested objects without a name
/// of their own) is kept with the name (kind `.party`, `reading<TAB>name`). Pure.
public enum PartyRecords {
    static let nameKeys: Set<String> = [
        "name", "full_name", "legal_name", "display_name", "customer", "customer_name", "company", "company_name",
        "vendor", "vendor_name", "supplier", "supplier_name", "employee", "traveller", "traveler", "tenant", "firm",
        "firm_name", "payee", "payee_name", "organisation", "organization", "business_name",
    ]

    /// Kinds of values that point at a party.
    static let pointing: Set<ValueKind> = [.email, .iban, .phone, .identifier]

    /// Words of a name that do not tell parties apart.
    static let filler: Set<String> = [
        "ltd", "llp", "inc", "gmbh", "limited", "plc", "llc", "the", "and", "of", "co", "corp", "group", "company",
        "sa",
        "ag", "bv", "srl", "dr", "mr", "mrs", "ms",
    ]

    /// The `.party` rows of a trusted output. A record that is the value of a key naming a role (`"agent": {"name":
    /// "Ivy Collins", …}`, `"payee"`, `"landlord"`) carries the role in its name (`ivy collins (agent)`): a task that
    /// says "reply to the agent" names that party as much as one that says "reply to Ivy". Items of a list do not:
    /// `folders` names every folder alike.
    public static func values(in output: JSONValue) -> Set<TaggedValue> { values(in: OutputRecords(output)) }

    /// The `.party` rows of a trusted output read once.
    public static func values(in output: OutputRecords) -> Set<TaggedValue> {
        var rows: Set<TaggedValue> = []
        // The context is the name of the named record whose people the children are, if they are.
        output.walk(String?.none) { record, place, context in
            let enclosing = place.name.map { memberKeys.contains($0.lowercased()) } == true ? context : nil
            return visit(record, key: place.key, enclosing: enclosing, into: &rows)
        }
        return rows
    }

    /// Keys whose named records are people of the record that holds them.
    static let memberKeys: Set<String> = [
        "contacts", "contact", "people", "staff", "team", "members", "representatives", "employees", "users",
    ]

    /// A named record's rows, with the name of the named record whose people it lists (`enclosing`): a contact of a
    /// company (`"contacts": [{"name": "Dispatch", "email": …}]` in Redline Haulage's record) is the company's too, so a
    /// task that names the company names it. A named record under any other key is its own party only (an `account`
    /// in someone else's name). Returns the name its people belong to: its own, or, for a nested object without a
    /// name of its own, its parent's.
    static func visit(
        _ members: [String: JSONValue], key: String?, enclosing: String?, into rows: inout Set<TaggedValue>
    ) -> String? {
        guard let own = name(of: members), !words(of: own).isEmpty else { return enclosing }
        var name = own
        let key = key.flatMap(roleWords)
        if let title = title(of: members) {
            name += " (" + (key.map { $0 + " " } ?? "") + "| " + title + ")"
        } else if let key {
            name += " (" + key + ")"
        }
        // `Supplier: SUP-NGD` beside `Name: Northgate Distribution Ltd`: the code is this party's too, so an invoice
        // that names its supplier only by the code names this party (`ContainmentJudge.accountOfAnotherParty`).
        for key in members.keys where nameKeys.contains(key.lowercased()) {
            guard let text = members[key]?.stringValue, isCode(text), text.lowercased() != own else { continue }
            rows.insert(TaggedValue(.party, codePrefix + text.lowercased() + "\t" + name))
        }
        for value in pointers(in: members, depth: 0) {
            rows.insert(TaggedValue(.party, value.description + "\t" + name))
            if let enclosing { rows.insert(TaggedValue(.party, value.description + "\t" + enclosing)) }
        }
        return own
    }

    /// Keys that hold records without saying whose role they play.
    static let genericKeys: Set<String> = [
        "result", "results", "item", "items", "data", "record", "records", "match", "matches", "entry", "entries",
        "row", "rows", "list", "detail", "details", "info", "information", "contact", "contacts", "bank", "account",
        "accounts", "address", "addresses", "payload", "response", "body", "meta", "metadata", "file", "current",
        "primary", "default", "other", "value", "values", "object", "objects", "hit", "hits", "content", "text",
    ]

    /// The words of a key that name a role (`contractor_on_file` → `contractor`, `consultees` → `consultee`), or nil.
    static func roleWords(_ key: String) -> String? {
        let words = key.lowercased().split(whereSeparator: { !$0.isLetter }).map {
            ActionDirectives.singular(String($0))
        }.filter { $0.count >= 3 && !filler.contains($0) && !genericKeys.contains($0) && $0 != "on" }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// A row's role split into the key's role words and the record's title (`agent | designated safeguarding lead`,
    /// `| social worker`).
    public static func roleParts(_ role: String) -> (key: String?, title: [String]?) {
        guard let bar = role.range(of: "| ") else { return (role, nil) }
        let key = role[..<bar.lowerBound].split(separator: " ").joined(separator: " ")
        let title = role[bar.upperBound...].split(separator: " ").map(String.init)
        return (key.isEmpty ? nil : key, title.isEmpty ? nil : title)
    }

    /// Keys that hold what a person does (`"role": "Designated Safeguarding Lead"`).
    static let titleKeys = ["role", "title", "job_title", "position"]

    /// The record's title in lower-case words of letters (at most twelve), or nil: a task that asks for "the DSL" or
    /// "the practice manager" names the party whose record says so.
    static func title(of record: [String: JSONValue]) -> String? {
        for key in titleKeys {
            guard let text = record[key]?.stringValue ?? record[key.uppercased()]?.stringValue else { continue }
            let words = text.lowercased().split(whereSeparator: { !$0.isLetter }).prefix(12)
            if !words.isEmpty { return words.joined(separator: " ") }
        }
        return nil
    }

    /// Words a role is also written as: the initials of each run of three or more of its words (`designated
    /// safeguarding lead` → `dsl`; `deputy designated safeguarding lead` also → `dds`, `ddsl`), "of", "and" and "the"
    /// skipped, and never an everyday word.
    static func acronyms(of role: String) -> Set<String> {
        let initials = role.lowercased().split(whereSeparator: { !$0.isLetter }).filter {
            !["of", "and", "the", "for"].contains($0)
        }.compactMap(\.first)
        guard initials.count >= 3 else { return [] }
        var found: Set<String> = []
        for start in 0...(initials.count - 3) {
            for end in (start + 3)...min(initials.count, start + 6) {
                found.insert(String(initials[start..<end]))
            }
        }
        return found.subtracting(everydayWords)
    }

    /// Three- to six-letter words a task writes that are not acronyms.
    static let everydayWords: Set<String> = [
        "are", "the", "and", "for", "you", "can", "our", "was", "his", "her", "all", "any", "new", "one", "two", "due",
        "per", "see", "set", "get", "pay", "use", "not", "now", "out", "who", "how", "way", "day", "may", "its", "has",
        "had", "him", "she", "they", "them", "then", "than", "this", "that", "with", "from", "what", "when", "send",
        "sms", "add", "put", "let", "too", "off", "own", "yet", "via", "ask", "fix", "run", "end", "top", "via",
    ]

    /// The order in which a record's name keys are read: a person's own name before the company they work for.
    static let namePriority = [
        "name", "full_name", "legal_name", "display_name", "customer_name", "vendor_name", "supplier_name",
        "company_name", "firm_name", "payee_name", "business_name", "employee", "traveller", "traveler", "tenant",
        "customer", "vendor", "supplier", "company", "firm", "payee", "organisation", "organization",
    ]

    /// The record's name, lower case and collapsed: the first of `namePriority` it has (never the dictionary's order,
    /// which differs from run to run).
    static func name(of record: [String: JSONValue]) -> String? {
        var byKey: [String: String] = [:]
        for key in record.keys.sorted() where nameKeys.contains(key.lowercased()) {
            if let text = record[key]?.stringValue, !text.isEmpty, text.count <= 120, byKey[key.lowercased()] == nil {
                byKey[key.lowercased()] = text
            }
        }
        return namePriority.lazy.compactMap { byKey[$0] }.first.map { TextForm.collapsed($0.lowercased()) }
    }

    /// How a party's code is kept (`code:sup-ngd<TAB>northgate distribution ltd`): never a reading of any argument.
    public static let codePrefix = "code:"

    /// A code rather than a name: one token in capitals and digits with a mark or a digit (`SUP-NGD`, `C1042`).
    static func isCode(_ text: String) -> Bool {
        !text.contains(where: \.isWhitespace) && !text.contains(where: \.isLowercase)
            && text.contains(where: { $0.isNumber || "-_/".contains($0) })
    }

    /// The pointing values of a record's scalar fields, and of nested objects that have no name of their own.
    static func pointers(in record: [String: JSONValue], depth: Int) -> Set<TaggedValue> {
        var values: Set<TaggedValue> = []
        for (key, value) in record where !nameKeys.contains(key.lowercased()) {
            switch value {
            case .string, .integer:
                values.formUnion(
                    ValueExtractor.argumentValues(value).flatMap { $0 }.filter { pointing.contains($0.kind) })
            case .array(let items):
                for item in items {
                    if case .string = item {
                        values.formUnion(
                            ValueExtractor.argumentValues(item).flatMap { $0 }.filter { pointing.contains($0.kind) })
                    }
                }
            case .object(let nested) where depth < 3 && name(of: nested) == nil:
                values.formUnion(pointers(in: nested, depth: depth + 1))
            default:
                continue
            }
        }
        return values
    }

    /// A row's party split into its name (who it is: the same person as payer and as applicant is one party) and the
    /// role its record sat under, if any.
    public static func split(_ party: String) -> (name: String, role: String?) {
        guard party.hasSuffix(")"), let open = party.range(of: " (", options: .backwards) else { return (party, nil) }
        return (String(party[..<open.lowerBound]), String(party[open.upperBound..<party.index(before: party.endIndex)]))
    }

    /// The words that tell a name apart (three letters or more, no company suffixes or titles).
    public static func words(of name: String) -> Set<String> {
        Set(
            name.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init).filter {
                $0.count >= 3 && !filler.contains($0)
            })
    }
}
