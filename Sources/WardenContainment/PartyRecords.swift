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
        "vendor", "vendor_name", "supplier", "supplier_name", "employee", "traveller", "traveler", "tenant",
    ]

    /// Kinds of values that point at a party.
    static let pointing: Set<ValueKind> = [.email, .iban, .phone, .identifier]

    /// Words of a name that do not tell parties apart.
    static let filler: Set<String> = [
        "ltd", "llp", "inc", "gmbh", "limited", "plc", "llc", "the", "and", "of", "co", "corp", "group", "company",
        "sa",
        "ag", "bv", "srl", "dr", "mr", "mrs", "ms",
    ]

    /// The `.party` rows of a trusted output.
    public static func values(in output: JSONValue) -> Set<TaggedValue> {
        var rows: Set<TaggedValue> = []
        for record in SettledRecords.objects(in: output, depth: 0) {
            guard let name = name(of: record), !words(of: name).isEmpty else { continue }
            for value in pointers(in: record, depth: 0) {
                rows.insert(TaggedValue(.party, value.description + "\t" + name))
            }
        }
        return rows
    }

    /// The record's name, lower case and collapsed.
    static func name(of record: [String: JSONValue]) -> String? {
        for (key, value) in record where nameKeys.contains(key.lowercased()) {
            if let text = value.stringValue, !text.isEmpty, text.count <= 120 {
                return TextForm.collapsed(text.lowercased())
            }
        }
        return nil
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

    /// The words that tell a name apart (three letters or more, no company suffixes or titles).
    public static func words(of name: String) -> Set<String> {
        Set(
            name.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init).filter {
                $0.count >= 3 && !filler.contains($0)
            })
    }
}
