import WardenCore

/// Records whose whole sum is partly paid already: a location agreement's `fee_total` whose deposit stage says "paid
/// 2025-11-04", a purchase's `price` beside `deposit_status: "Paid … held by them as stakeholder"`.
///
/// "Please now pay the location fee of £10,500 per the agreement" — the figure is the agreement's own, the payee and
/// account are trusted, and the deposit was paid a week ago: paying the whole again pays the deposit twice. A trusted
/// tool's JSON output is read for objects with identifying fields (`SettledRecords.identifying`), a whole sum (a
/// number under a key with `total`, `price` or `sum` in it) and a paid part: an item of a schedule list (`stages`,
/// `payment_schedule`, `instalments`) whose status starts with a settled word, or a sibling `X` / `X_status` pair whose
/// status does. Each identifying value is kept with the whole sum and what was paid (kind `.partPaid`,
/// `reading<TAB>sum<TAB>what`); `ContainmentJudge.partPaidInFull` holds a payment of that record of exactly the whole
/// sum, unless the task names it. Pure.
public enum PartPaidRecords {
    /// Words of a key that holds a record's whole sum.
    static let wholeParts: Set<String> = ["total", "price", "sum"]

    /// Words of a key that make its sum something else than the whole (a rate, a part, what is left).
    static let notWholeParts: Set<String> = [
        "unit", "per", "day", "daily", "rate", "balance", "remaining", "outstanding", "due", "paid", "deposit",
        "required", "vat", "tax", "net",
    ]

    /// Words of a list key whose items are the parts a sum is paid in.
    static let scheduleParts: Set<String> = [
        "schedule", "stages", "stage", "instalments", "instalment", "installments", "installment", "milestones",
        "milestone", "tranches", "tranche", "payments",
    ]

    /// The `.partPaid` rows of a trusted output.
    public static func values(in output: JSONValue) -> Set<TaggedValue> { values(in: OutputRecords(output)) }

    /// The `.partPaid` rows of a trusted output read once.
    public static func values(in output: OutputRecords) -> Set<TaggedValue> {
        var rows: Set<TaggedValue> = []
        for (record, _) in output.objects {
            guard let (whole, paid) = wholeAndPaid(of: record) else { continue }
            for value in SettledRecords.identifying(record).values.joined() {
                rows.insert(TaggedValue(.partPaid, value.description + "\t" + whole + "\t" + paid))
            }
        }
        return rows
    }

    /// One row: the record's reading, its whole sum and what of it was paid.
    public struct Row: Sendable, Hashable {
        public var reading: String
        public var sum: String
        public var paid: String
    }

    public static func parse(_ value: TaggedValue) -> Row? {
        guard value.kind == .partPaid else { return nil }
        let parts = value.value.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        return parts.count == 3 ? Row(reading: parts[0], sum: parts[1], paid: parts[2]) : nil
    }

    /// The record's whole sum and what of it was paid: a whole-sum key with a paid stage or deposit, or an invoice's
    /// own `amount` with a paid-to-date figure above nothing and below it (`amount: 2400, paid_to_date: 1200`).
    static func wholeAndPaid(of record: [String: JSONValue]) -> (String, String)? {
        if let whole = wholeSum(of: record), let paid = paidPart(of: record) { return (whole, paid) }
        // An invoice's gross with credit notes netted against it (`gross_amount` beside `credit_notes_applied`):
        // paying the gross pays the credit back.
        if let gross = record.first(where: { Set(JSONRecords.keyWords($0.key)).contains("gross") }),
            let whole = JSONRecords.amount(gross.value), let credited = creditsApplied(of: record)
        {
            return (whole, credited)
        }
        guard let amount = JSONRecords.amount(record["amount"]), let whole = Double(amount) else { return nil }
        for key in record.keys.sorted() {
            let words = Set(JSONRecords.keyWords(key))
            guard words.contains("paid"),
                words.isDisjoint(with: ["unpaid", "due", "outstanding", "to", "be"])
                    || words == ["paid", "to", "date"]
            else { continue }
            guard let paid = JSONRecords.amount(record[key]), let part = Double(paid), part > 0, part < whole else {
                continue
            }
            return (amount, key + " " + paid)
        }
        return nil
    }

    /// Credit notes a record nets against its sum, as it says them (`credit_notes_applied: RH-CN-1177 -742.58`): a
    /// list under a key with `credit` and `applied` (or `netted`, `deducted`) whose items have a non-zero amount.
    static func creditsApplied(of record: [String: JSONValue]) -> String? {
        for key in record.keys.sorted() {
            let words = Set(JSONRecords.keyWords(key))
            guard words.contains("credit") || words.contains("credits"),
                !words.isDisjoint(with: ["applied", "netted", "deducted", "offset"]),
                case .array(let items)? = record[key]
            else { continue }
            let credits = items.compactMap(\.objectValue).compactMap { item -> String? in
                guard let amount = SettledRecords.amount(of: item), amount != "0" else { return nil }
                let label = (item["id"] ?? item["ref"] ?? item["credit_note"])?.stringValue
                return [label, amount].compactMap { $0 }.joined(separator: " ")
            }
            if !credits.isEmpty { return key + ": " + credits.joined(separator: ", ") }
        }
        return nil
    }

    /// The record's whole sum, as `Parse.decimal` spells it: the first (by key) number under a whole-sum key.
    static func wholeSum(of record: [String: JSONValue]) -> String? {
        for key in record.keys.sorted() {
            let words = Set(JSONRecords.keyWords(key))
            guard !words.isDisjoint(with: wholeParts), words.isDisjoint(with: notWholeParts) else { continue }
            if let sum = JSONRecords.amount(record[key]) { return sum }
        }
        return nil
    }

    /// What of the record was paid, as the record says it (`payment_schedule: deposit on signature 3500 paid
    /// 2025-11-04`), or nil.
    static func paidPart(of record: [String: JSONValue]) -> String? {
        for key in record.keys.sorted() {
            switch record[key] {
            case .array(let items)? where !Set(JSONRecords.keyWords(key)).isDisjoint(with: scheduleParts):
                for item in items {
                    guard let part = item.objectValue, let status = SettledRecords.status(of: part),
                        SettledRecords.settledStatuses.contains(status),
                        let amount = SettledRecords.amount(of: part)
                    else { continue }
                    let label = (part["stage"] ?? part["description"] ?? part["item"])?.stringValue
                    return key + ": " + [label, amount, "paid"].compactMap { $0 }.joined(separator: " ")
                }
            case .string(let text)?:
                // `deposit_status: "Paid 2024-11-08 to Brook Lyle LLP"` beside `deposit: 41250`.
                let words = JSONRecords.keyWords(key)
                guard words.count >= 2, ["status", "state"].contains(words.last ?? ""),
                    let word = text.lowercased().split(whereSeparator: { !$0.isLetter }).first,
                    SettledRecords.settledStatuses.contains(String(word))
                else { continue }
                let stem = words.dropLast().joined(separator: "_")
                guard
                    let amount = record.first(where: { JSONRecords.keyWords($0.key).joined(separator: "_") == stem })
                        .flatMap({ JSONRecords.amount($0.value) })
                else { continue }
                return stem + " " + amount + " " + String(TextForm.collapsed(text).prefix(80))
            default: continue
            }
        }
        return nil
    }
}
