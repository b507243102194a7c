import WardenCore

/// The sums a trusted record states for itself: an invoice's `amount_gbp`, a claim's `total`, a booking's `balance_due`.
///
/// "The ledger has the wrong figure: the invoice is 3,480.00, a zero was dropped" — and the purchase order's block cap
/// is 3,480.00, so the figure is trusted too. The record being paid says 348.00. A trusted tool's JSON output is read
/// for objects with identifying fields (`SettledRecords.identifying`) and numbers under amount-like keys
/// (`ValueExtractor.isAmountKey`); each identifying value is kept with each amount (kind `.recordedAmount`,
/// `reading<TAB>amount`). `ContainmentJudge.amountsNotRecorded` holds a payment of such a record whose amount is none
/// of the record's, unless the task names it. Pure.
public enum RecordedAmounts {
    /// The `.recordedAmount` rows of a trusted output.
    public static func values(in output: JSONValue) -> Set<TaggedValue> { values(in: OutputRecords(output)) }

    /// The `.recordedAmount` rows of a trusted output read once.
    public static func values(in output: OutputRecords) -> Set<TaggedValue> {
        var rows: Set<TaggedValue> = []
        for (record, place) in output.objects {
            // A party's line of an apportioned charge (`recharge_schedule.lines: [{tenant_id: T-101, amount: 2599.2}]`).
            if let list = place.list, !Set(JSONRecords.keyWords(list)).isDisjoint(with: lineParts) {
                for amount in amounts(of: record) {
                    for value in partyIds(of: record) {
                        rows.insert(TaggedValue(.recordedAmount, value.description + "\t" + linePrefix + amount))
                    }
                }
            }
            let amounts = amounts(of: record)
            let refundable = refundable(of: record)
            // A refund the record shows made, by the record and by the party and account it was made to: a second
            // refund names the customer, not the booking.
            var made = refundsMade(of: record)
            // A ledger's row that is itself a refund made (`REFUND,-245.00,GB71…,RF-1182,settled`), by its own account.
            if isRefundEntry(record), madeEvidence(record), let amount = amounts.sorted().first {
                made.insert(magnitude(amount))
            }
            let credited = creditsMade(of: record)
            let declined = declinedAmounts(of: record)
            let approved = approvedAmounts(of: record)
            for amount in caps(of: record) {
                for value in subjects(of: record) {
                    rows.insert(TaggedValue(.recordedAmount, value.description + "\t" + capPrefix + amount))
                }
            }
            if !approved.isEmpty {
                for value in subjects(of: record) {
                    for amount in approved {
                        rows.insert(TaggedValue(.recordedAmount, value.description + "\t" + approvedPrefix + amount))
                    }
                }
            }
            if !made.isEmpty || !declined.isEmpty || !credited.isEmpty {
                for value in subjects(of: record) {
                    for amount in made {
                        rows.insert(TaggedValue(.recordedAmount, value.description + "\t" + refundedPrefix + amount))
                    }
                    for amount in credited {
                        rows.insert(TaggedValue(.recordedAmount, value.description + "\t" + creditedPrefix + amount))
                    }
                    for amount in declined {
                        rows.insert(TaggedValue(.recordedAmount, value.description + "\t" + declinedPrefix + amount))
                    }
                }
            }
            guard !amounts.isEmpty || !refundable.isEmpty else { continue }
            for (key, values) in SettledRecords.identifying(record) where isPayable(key) {
                for value in values {
                    for amount in amounts {
                        rows.insert(TaggedValue(.recordedAmount, value.description + "\t" + amount))
                    }
                }
            }
            // What a record says may be refunded (`refund_eligible: 0.0`, `refund_due`), by every identifying value
            // and by its party and account: a refund is of a registration, an order or a booking, and names the
            // customer.
            if !refundable.isEmpty {
                for value in subjects(of: record).union(SettledRecords.identifying(record).values.joined()) {
                    for amount in refundable {
                        rows.insert(TaggedValue(.recordedAmount, value.description + "\t" + refundablePrefix + amount))
                    }
                }
            }
        }
        return rows
    }

    /// A `.recordedAmount` row read back: the record's reading, the mark before its amount (`refundablePrefix`,
    /// `refundedPrefix`, `declinedPrefix`, `linePrefix`; "" for an amount the record asks to be paid) and the amount.
    public static func parse(_ value: TaggedValue) -> (reading: String, mark: String, amount: String)? {
        guard value.kind == .recordedAmount else { return nil }
        let parts = value.value.split(separator: "\t", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        let mark = marks.first(where: parts[1].hasPrefix) ?? ""
        return (parts[0], mark, String(parts[1].dropFirst(mark.count)))
    }

    /// Every mark a row's amount can carry.
    static let marks = [
        refundablePrefix, refundedPrefix, creditedPrefix, declinedPrefix, linePrefix, approvedPrefix, capPrefix,
    ]

    /// How a refundable amount's row marks it (`identifier:REG-1\trefundable 850`).
    public static let refundablePrefix = "refundable "

    /// How a party's line of an apportioned charge is marked (`identifier:T-101\tline 2599.2`).
    public static let linePrefix = "line "

    /// Words of a list whose items are each party's part of a charge.
    static let lineParts: Set<String> = [
        "line", "lines", "split", "splits", "apportionment", "apportionments", "shares", "allocation", "allocations",
    ]

    /// The identifiers of a record's party fields (`tenant_id`, `customer_ref`).
    static func partyIds(of record: [String: JSONValue]) -> Set<TaggedValue> {
        var found: Set<TaggedValue> = []
        for (key, value) in record where !Set(JSONRecords.keyWords(key)).isDisjoint(with: SettledRecords.partyParts) {
            switch value {
            case .string, .integer:
                found.formUnion(ValueExtractor.argumentValues(value).flatMap { $0 }.filter { $0.kind == .identifier })
            default: continue
            }
        }
        return found
    }

    /// How a refund already made is marked (`identifier:CUS-V-7730\trefunded 180`).
    public static let refundedPrefix = "refunded "

    /// How a credit note already issued is marked (`identifier:CL-1088\tcredited 104`): a second credit note of it is
    /// a repeat; a refund that pays the credit out is not.
    public static let creditedPrefix = "credited "

    /// Credit notes a record shows issued: each item of `credit_notes` (or `credits`) with an amount and a date or
    /// status saying it went.
    static func creditsMade(of record: [String: JSONValue]) -> Set<String> {
        var found: Set<String> = []
        for (key, value) in record {
            let words = Set(JSONRecords.keyWords(key))
            guard
                words.contains("credits") || (words.contains("credit") && !words.isDisjoint(with: ["note", "notes"])),
                words.isDisjoint(with: notMade)
            else { continue }
            for part in parts(of: value) {
                guard madeEvidence(part), let amount = amounts(of: part).sorted().first else { continue }
                found.insert(amount)
            }
        }
        return found
    }

    /// Refunds a record shows made: a part under a refund key (`refund: {amount: 180, sent: "2024-11-05"}`, each item
    /// of `refunds`) with an amount and a date or status saying it went, or a positive `amount_refunded`. A refund
    /// due, requested or pending is not made.
    static func refundsMade(of record: [String: JSONValue]) -> Set<String> {
        var found: Set<String> = []
        for (key, value) in record {
            let words = Set(JSONRecords.keyWords(key))
            if words.contains("refunded"), words.isDisjoint(with: ["date", "on", "at", "by", "to", "status"]),
                let amount = JSONRecords.amount(value), amount != "0"
            {
                found.insert(amount)
                continue
            }
            guard !words.isDisjoint(with: ["refund", "refunds"]), words.isDisjoint(with: notMade) else {
                // A ledger's row that is a refund (`27/02/2025 | REFUND | Card refund to Visa ..4417 | 612.00`).
                // A ledger writes a refund out as a negative amount (`REFUND,-245.00,…,settled`): the sum refunded.
                for part in parts(of: value) where isRefundEntry(part) && madeEvidence(part) {
                    if let amount = amounts(of: part).sorted().first {
                        found.insert(magnitude(amount))
                    }
                }
                // A dated note that tells of it ("Gave them the 640 back on their card through the terminal").
                for part in parts(of: value) where madeEvidence(part) {
                    for text in part.values.compactMap(\.stringValue) { found.formUnion(refundsTold(in: text)) }
                }
                continue
            }
            for part in parts(of: value) {
                guard madeEvidence(part), let amount = amounts(of: part).sorted().first else { continue }
                found.insert(amount)
            }
        }
        return found
    }

    /// Amounts a note says were given back, in the past and not denied: "Gave them the 640 back on their card",
    /// "paid back £212.50", "refunded 640 to the card". "We will refund the 640" and "never paid the 640 back" are not.
    static func refundsTold(in text: String) -> Set<String> {
        guard text.utf8.count <= 4_000 else { return [] }
        var found: Set<String> = []
        let tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
        let words = tokens.map { WarnedRecords.words($0).first ?? "" }
        let amount: (Int) -> String? = { index in
            let bare = bareAmount(tokens[index])
            return bare.first?.isNumber == true ? Parse.amount(token: bare)?.canonical : nil
        }
        for (position, word) in words.enumerated() where refundVerbs.contains(word) {
            let before = words[max(0, position - 3)..<position]
            guard before.allSatisfy({ !untoldWords.contains($0) }) else { continue }
            let after = (position + 1)..<min(tokens.count, position + 8)
            if ["refunded", "repaid"].contains(word) {
                if let told = after.prefix(3).lazy.compactMap(amount).first { found.insert(told) }
            } else if let back = after.first(where: { words[$0] == "back" }) {
                let spoken = ((position + 1)..<back).compactMap(amount)
                if let first = spoken.first {
                    found.insert(first)
                } else if back + 1 < tokens.count, let told = amount(back + 1) {
                    found.insert(told)
                }
            }
        }
        return found
    }

    /// A token of text without the brackets, currency signs and punctuation around its number (`(£2,500.00),` →
    /// `2,500.00`).
    static func bareAmount(_ token: String) -> String {
        String(token.drop { "(£$€".contains($0) }.reversed().drop { ",;:.)".contains($0) }.reversed())
    }

    /// A sum as refunded, whatever sign a ledger wrote it with (`-245` → `245`).
    static func magnitude(_ amount: String) -> String {
        amount.hasPrefix("-") ? String(amount.dropFirst()) : amount
    }

    /// Past verbs of giving money back.
    static let refundVerbs: Set<String> = ["gave", "given", "paid", "put", "sent", "refunded", "repaid", "returned"]

    /// Words before such a verb that say it has not happened ("never paid it back", "will be refunded").
    static let untoldWords: Set<String> = [
        "not", "never", "didn't", "haven't", "hasn't", "hadn't", "won't", "will", "be", "to", "should", "must", "if",
        "unless", "once", "when", "until", "need", "needs",
    ]

    /// Whether a row of a list is a refund: its status, or the opening of a note, says refund (`REFUND`, "Card refund
    /// to Visa ..4417"), and nothing in it says it is not made yet (`refund requested`).
    static func isRefundEntry(_ part: [String: JSONValue]) -> Bool {
        var refund = false
        for (key, value) in part {
            guard let text = value.stringValue?.lowercased() else { continue }
            let words = text.split(whereSeparator: { !$0.isLetter }).map(String.init)
            if !notMade.isDisjoint(with: words.prefix(4)) || words.prefix(4).contains("not") { return false }
            let keyWords = Set(JSONRecords.keyWords(key))
            if !keyWords.isDisjoint(with: ["status", "note", "title", "description", "type", "event", "kind"]),
                !Set(words.prefix(2)).isDisjoint(with: ["refund", "refunded"])
            {
                refund = true
            }
        }
        return refund
    }

    /// The parts a field holds: the object it is, or the objects it lists.
    static func parts(of value: JSONValue) -> [[String: JSONValue]] {
        switch value {
        case .object(let members): [members]
        case .array(let items): items.compactMap(\.objectValue)
        default: []
        }
    }

    /// How an amount asked for and refused is marked (`identifier:J-40096\tdeclined 180`).
    public static let declinedPrefix = "declined "

    /// Amounts of a request the record shows refused: a part of it (`goodwill: {requested: 180, decision: "DECLINED by
    /// Rob"}`, a claim line) whose decision, status or outcome starts declined, rejected, refused or denied.
    static func declinedAmounts(of record: [String: JSONValue]) -> Set<String> {
        var found: Set<String> = []
        for value in record.values {
            for part in parts(of: value) {
                let refused = part.contains { key, value in
                    let words = Set(JSONRecords.keyWords(key))
                    guard !words.isDisjoint(with: ["decision", "status", "outcome", "result", "approval"]),
                        let text = value.stringValue?.lowercased()
                    else { return false }
                    let opening = text.split(whereSeparator: { !$0.isLetter }).prefix(2).map(String.init)
                    // "NOT APPROVED (I. Calder) – client has not accepted the cost".
                    return ["declined", "rejected", "refused", "denied", "unapproved"].contains(opening.first ?? "")
                        || (opening.first == "not" && notGranted.contains(opening.last ?? ""))
                        // "CANCELLED – placement ended; not payable".
                        || text.contains("not payable") || text.contains("not to be paid")
                }
                guard refused else { continue }
                for (key, value) in part where ValueExtractor.isAmountKey(key) || key.lowercased() == "requested" {
                    if let amount = JSONRecords.amount(value) { found.insert(amount) }
                }
            }
        }
        return found
    }

    /// How the most a record allows to be paid for it is marked (`identifier:FN-24146\tat most 900`).
    public static let capPrefix = "at most "

    /// The most a record's text allows to be paid for it: "we can't draw more than the 900.00", "budget 900.00 max",
    /// "maximum of 900", "up to 900", "capped at 900", "not to exceed 900". A limit of credit is not one (a balance
    /// and a charge are compared with it, not a payment).
    static func caps(of record: [String: JSONValue]) -> Set<String> {
        var found: Set<String> = []
        for text in record.values.compactMap(\.stringValue) where text.utf8.count <= 4_000 {
            let tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
            for (position, token) in tokens.enumerated() {
                let bare = bareAmount(token)
                // A sum of money, not a count ("up to 60 letters"): written with a currency, pence or thousands.
                guard bare.contains(where: \.isNumber), let amount = Parse.amount(token: bare),
                    amount.currency || token.first.map("£$€".contains) == true || bare.contains(".")
                        || bare.contains(",")
                else { continue }
                let before = WarnedRecords.words(tokens[max(0, position - 6)..<position].joined(separator: " "))
                let next = WarnedRecords.words(tokens.dropFirst(position + 1).first ?? "").first
                let pairs = Array(zip(before, before.dropFirst()))
                let negated = before.contains { capNegations.contains($0) }
                let capped =
                    ["max", "maximum"].contains(next ?? "") || ["max", "maximum"].contains(before.last ?? "")
                    || before.suffix(2) == ["maximum", "of"]
                    || pairs.suffix(2).contains { ($0 == "up" && $1 == "to") || ($0 == "capped" && $1 == "at") }
                    || (negated
                        && (pairs.contains { $0 == "more" && $1 == "than" } || before.contains("exceed")
                            || before.contains("over")))
                if capped { found.insert(amount.canonical) }
            }
        }
        return found
    }

    /// Words that make "more than", "over" or "exceed" a cap ("we can't draw more than", "not to exceed").
    static let capNegations: Set<String> = [
        "can't", "cannot", "not", "never", "no", "don't", "won't", "mustn't", "shouldn't",
    ]

    /// How an amount a record approves to pay or credit is marked (`identifier:RMA-56102\tapproved 212.4`).
    public static let approvedPrefix = "approved "

    /// Amounts a record approves, and so the only ones to pay or credit for it: a number under a key that says
    /// approved (or authorised) and names nothing else than the sum (`approved_credit`, `amount_approved`,
    /// `approved_for_payment`); not a budget, a limit or a cap.
    static func approvedAmounts(of record: [String: JSONValue]) -> Set<String> {
        var found: Set<String> = []
        // A part of the record decides for it (`early_leaving: {refund_decision: "APPROVED 800.00 …"}`).
        for value in record.values {
            for part in parts(of: value) where SettledRecords.identifying(part).isEmpty {
                found.formUnion(approvedAmounts(ofFields: part))
            }
        }
        // `approved_lines: [{timesheet: TS-90433, amount: 2600.0, status: approved}]`: what the record approves to pay
        // is one of its approved lines, or all of them together.
        // Only lines still to pay: one whose status says anything but approved (paid, rejected) is not.
        for (key, value) in record where JSONRecords.keyWords(key).first == "approved" {
            guard case .array(let items) = value else { continue }
            let open = items.compactMap(\.objectValue).filter { line in
                guard let status = line["status"]?.stringValue else { return true }
                let words = status.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
                return words.first == "approved" && !words.contains("paid") && !words.contains("not")
            }
            let amounts = open.compactMap { JSONRecords.amount($0["amount"]) }
            guard !amounts.isEmpty, amounts.count == open.count else { continue }
            found.formUnion(amounts)
            let total = amounts.compactMap(Double.init).reduce(0, +)
            if let sum = Parse.decimal(total) { found.insert(sum) }
        }
        return found.union(approvedAmounts(ofFields: record))
    }

    private static func approvedAmounts(ofFields record: [String: JSONValue]) -> Set<String> {
        var found: Set<String> = []
        for (key, value) in record {
            if let text = value.stringValue {
                found.formUnion(statedCorrect(text))
                // "APPROVED 800.00 on compassionate grounds".
                let opening = text.split(separator: " ", maxSplits: 2).map(String.init)
                if opening.count >= 2, ["approved", "authorised", "authorized"].contains(opening[0].lowercased()),
                    let amount = Parse.amount(token: opening[1]).map(\.canonical)
                {
                    found.insert(amount)
                }
                continue
            }
            let words = Set(JSONRecords.keyWords(key))
            // `Payable: 1,110.00 (6 sessions)`: what the record says is to be paid, as an approval does.
            guard !words.isDisjoint(with: ["approved", "authorised", "authorized", "payable"]),
                words.isSubset(of: payableKeyWords), let amount = JSONRecords.amount(value)
            else { continue }
            found.insert(amount)
        }
        return found
    }

    /// Numbers a record's note says are the correct ones ("Kwame left early Tue and Thu, 37.5 is correct", "the
    /// correct figure is 212.40").
    static func statedCorrect(_ text: String) -> Set<String> {
        let words = text.lowercased().split(whereSeparator: { $0.isWhitespace || ",;:()".contains($0) }).map {
            var word = Substring($0)
            while word.last == "." { word = word.dropLast() }
            return String(word)
        }
        var found: Set<String> = []
        for (position, word) in words.enumerated() {
            let next = Array(words.dropFirst(position + 1).prefix(2))
            let before = Array(words[max(0, position - 4)..<position])
            let says =
                next == ["is", "correct"] || next == ["is", "right"]
                || (before.suffix(2) == ["correct", "figure"] || before.suffix(2) == ["correct", "amount"]
                    || before.suffix(3) == ["correct", "figure", "is"]
                    || before.suffix(3) == ["correct", "amount", "is"])
            guard says, word.first?.isNumber == true, let amount = Parse.decimal(word) else { continue }
            found.insert(amount)
        }
        return found
    }

    /// Words of a key that states the figure to pay (`approved_for_payment`, `payable`, `payable_now`).
    static let payableKeyWords = approvedKeyWords.union(["payable", "now"])

    static let approvedKeyWords: Set<String> = [
        "approved", "authorised", "authorized", "amount", "credit", "payment", "for", "refund", "sum", "total", "value",
        "to", "pay", "gbp", "eur", "usd",
    ]

    /// Words a decision negates to refuse what was asked ("not approved").
    static let notGranted: Set<String> = ["approved", "accepted", "authorised", "authorized", "agreed", "granted"]

    /// Words of a refund key or status that say the refund has not gone.
    static let notMade: Set<String> = [
        "eligible", "refundable", "due", "requested", "request", "pending", "policy", "terms", "failed", "bounced",
        "returned", "rejected", "declined", "cancelled", "canceled", "scheduled", "planned",
    ]

    /// Whether a refund part says it went: a status of going (`sent`, `issued`, `paid`, `processed`, `completed`,
    /// `refunded`) or a date under such a key (`sent: "2024-11-05"`, `issued_on`), and no status of not going.
    static func madeEvidence(_ part: [String: JSONValue]) -> Bool {
        let went: Set<String> = [
            "sent", "issued", "paid", "processed", "completed", "complete", "refunded", "made", "settled",
        ]
        var made = false
        for (key, value) in part {
            let words = Set(JSONRecords.keyWords(key))
            guard let text = value.stringValue?.lowercased(), !text.isEmpty else { continue }
            let first = text.split(whereSeparator: { !$0.isLetter }).first.map(String.init) ?? ""
            if words.contains("status") || words.contains("state") {
                if notMade.contains(first) || first == "not" { return false }
                if went.contains(first) { made = true }
            } else if !words.isDisjoint(with: went) || words == ["date"], text.first?.isNumber == true {
                // A refund listed with the date it went (`refunds: [{date: 2025-02-04, amount: 1250}]`) was made
                // unless its status says otherwise.
                made = true
            }
        }
        return made
    }

    /// The values a refund made names its record by: the record's identifying fields, its party's id and the account
    /// it was paid from or to.
    static func subjects(of record: [String: JSONValue]) -> Set<TaggedValue> {
        var found: Set<TaggedValue> = []
        for (key, value) in record {
            let words = Set(JSONRecords.keyWords(key))
            guard
                !words.isDisjoint(with: SettledRecords.identifyingParts)
                    || !words.isDisjoint(with: SettledRecords.partyParts) || words.contains("iban")
            else { continue }
            switch value {
            case .string, .integer:
                found.formUnion(
                    ValueExtractor.argumentValues(value).flatMap { $0 }.filter {
                        $0.kind == .identifier || $0.kind == .iban
                    })
            default:
                continue
            }
        }
        return found
    }

    /// A record's refundable amounts: numbers under a key that says refund (`refund_eligible`, `refundable_amount`,
    /// `refund_due`), not a refund already made (`refunded`, `refund_paid`).
    static func refundable(of record: [String: JSONValue]) -> Set<String> {
        var found: Set<String> = []
        for (key, value) in record {
            let words = Set(JSONRecords.keyWords(key))
            guard !words.isDisjoint(with: ["refund", "refundable"]),
                words.isDisjoint(with: ["refunded", "paid", "issued", "made", "date", "status", "id", "ref"])
            else { continue }
            if let amount = JSONRecords.amount(value) { found.insert(amount) }
        }
        return found
    }

    /// Words of a key or argument that name what is paid by its own amount (an invoice, a bill, a claim), not where
    /// money comes from (a matter's ledger) or what it is for (a job, a shipment).
    static let payableParts: Set<String> = ["invoice", "inv", "bill", "claim"]

    /// Whether a key (`invoice_id`, `bill_ref`, `claim_number`) names a payable record.
    public static func isPayable(_ key: String) -> Bool {
        !Set(JSONRecords.keyWords(key)).isDisjoint(with: payableParts)
    }

    /// A record's own amounts (its scalar numbers under amount-like keys), as `Parse.decimal` spells them.
    static func amounts(of record: [String: JSONValue]) -> Set<String> {
        var found: Set<String> = []
        for (key, value) in record where ValueExtractor.isAmountKey(key) {
            if let amount = JSONRecords.amount(value) { found.insert(amount) }
        }
        return found
    }
}
