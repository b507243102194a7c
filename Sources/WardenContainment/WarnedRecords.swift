import WardenCore

/// Records a trusted source warns against acting on: a parent contact marked "RESTRICTED – prohibited steps order. Do
/// not share information", an invoice `on hold – possible duplicate`, a supplier `blocked`.
///
/// An injection can pick, among values the tenant trusts, the one the tenant's own record says not to use: the
/// estranged father's address from the parent account, the disputed invoice on the supplier's statement. Every value
/// is trusted; the record itself says no. A trusted tool's JSON output is read for objects with a warning — a status
/// that says disputed, on hold, restricted, blocked, frozen or fraud, a flag such as `"on_hold": true`, or a field
/// that says not to pay, send, share, contact, … — and the values that identify the object (its addresses, accounts
/// and phone numbers, and the ids of its identifying fields) are kept with the warning (kind `.warned`,
/// `reading<TAB>warning`), except addresses and accounts an object of the same output without a warning also holds
/// (the supplier's account on its other, open invoice). A status warns against paying only; a prohibition against what
/// it names ("do not share" against any message, "do not pay" against a payment); a marking ("classification:
/// internal-confidential") against messages and shares (`covers`, `ContainmentJudge.warned`). Pure.
public enum WarnedRecords {
    /// First words of a status that warn against paying or sending (`"on hold – possible duplicate"`).
    static let warningStatuses: Set<String> = [
        "disputed", "restricted", "blocked", "frozen", "fraud", "fraudulent", "quarantined", "suspended", "postponed",
        "stop", "recall", "recalled", "queried", "forfeit", "forfeited",
    ]

    /// Words that say a warned matter was settled ("resolved 29/05 … APPROVED").
    static let settlingWords: Set<String> = ["resolved", "approved", "lifted", "released", "cleared", "agreed"]

    /// Words that say a hold or a bar is over ("hold lifted", "released 03/07").
    static let liftingWords: Set<String> = [
        "lifted", "released", "removed", "cleared", "ended", "off", "expired", "closed", "resolved", "withdrawn",
    ]

    /// Words of a status that stop a record where it is (on hold, suspended, postponed, cancelled, lost): it is not to
    /// be paid, and not to be taken further (`stoppedActs`): a job on hold is not released to press, a quote lost is
    /// not ordered for, a postponed loan is not shipped.
    static let stoppingWords: Set<String> = [
        "hold", "suspended", "postponed", "frozen", "blocked", "cancelled", "canceled", "lost", "withdrawn", "rejected",
        "superseded", "stop", "failed", "quarantined", "recall", "recalled", "unfit",
    ]

    /// Acts that undo what was done (a refund of a cancelled booking is what the cancellation is for).
    static let undoingActs: Set<String> = ["refund", "credit", "cancel", "void", "reverse", "withdraw"]

    /// Acts that take a record further, which a stopping status rules out (a message about it, a refund of it, or a
    /// note on it does not take it further): a suspended driver is not assigned a route, an account on stop has no
    /// uplift authorised, and no credit limit set (`set_limit`: more credit is what a stop withholds).
    static let stoppedActs: Set<String> = [
        "confirm", "release", "dispatch", "despatch", "ship", "deliver", "approve", "print", "publish", "book",
        "submit",
        "activate", "renew", "reinstate", "order", "raise", "buy", "assign", "authorise", "authorize", "schedule",
        "sell", "limit", "extend",
    ]

    /// Statuses of a record's own standing (not of a payment made for it: a `payment_status: rejected` is a bounced
    /// payment, paid again on purpose) that end it: a claim rejected, a booking cancelled, an invoice withdrawn or
    /// superseded, a licence ended, a membership ceased is not to be paid.
    static let endedStatuses: Set<String> = [
        "rejected", "cancelled", "canceled", "withdrawn", "superseded", "lost", "ended", "terminated", "surrendered",
        "ceased", "closed", "lapsed",
    ]

    /// Statuses of a person who is no longer the record's (`status: removed 2023-11-17 (assignment)`, `former`,
    /// `left`): nothing of the record goes to them and they are given no access (`covers`); what they are owed is
    /// still paid.
    static let departedStatuses: Set<String> = [
        "removed", "former", "left", "leaver", "revoked", "departed", "barred", "banned", "bar", "ban",
    ]
    static let ownStatusKeys: Set<String> = [
        "status", "state", "invoice_status", "claim_status", "order_status", "booking_status", "approval_status",
    ]

    /// Words of a status that say the record failed its match against the order and receipt (`match_exception`,
    /// `price mismatch`): it is not to be paid until someone resolves it.
    static let matchFailures: Set<String> = ["exception", "mismatch", "unmatched"]

    /// Flags that warn when true (`"on_hold": true`, `"do_not_contact": true`).
    static let warningFlags: Set<String> = [
        "on_hold", "hold", "blocked", "restricted", "frozen", "disputed", "do_not_contact", "do_not_pay",
        "do_not_share", "do_not_send", "do_not_email", "fraud_suspected", "suspected_fraud",
    ]

    /// Verbs a prohibition in a record names ("do not share information", "must not be paid", "never contact").
    static let prohibitedVerbs: Set<String> = [
        "pay", "paid", "send", "sent", "share", "shared", "contact", "contacted", "disclose", "disclosed", "release",
        "released", "give", "given", "grant", "granted", "use", "used", "email", "mail", "emailed", "call", "refund",
        "refunded", "process", "processed", "provide", "provided", "discuss", "forward", "forwarded", "transfer",
        "approve", "approved", "issue", "issued", "book", "booked", "allow", "allowed", "admit", "admitted", "submit",
        "submitted", "introduce", "introduced", "invite", "invited", "accept", "accepted", "destroy", "destroyed",
        "delete", "deleted", "dispose", "disposed", "erase", "erased", "file", "filed", "lodge", "lodged", "sign",
        "signed", "correspond", "invoice", "invoiced", "bill", "billed", "charge", "charged", "provision",
        "provisioned", "activate", "activated", "enrol", "enroll", "enrolled", "assign", "assigned", "raise", "raised",
        "dispatch", "dispatched", "despatch", "despatched", "ship", "shipped", "deliver", "delivered", "print",
        "printed", "publish", "published", "order", "ordered", "renew", "renewed", "reinstate", "reinstated", "supply",
        "supplied", "lend", "lent", "loan", "loaned", "vote", "voted", "appoint", "appointed", "confirm", "confirmed",
        "instruct", "instructed", "roster", "rostered", "waive", "waived", "extend", "extended", "amend", "amended",
        "alter", "altered", "modify", "modified", "schedule", "scheduled", "sell", "sold", "abandon", "abandoned",
        "move", "moved", "switch", "switched", "revert", "reverted", "change", "changed", "update", "updated", "claim",
        "claimed", "block", "take", "license", "licensed", "licence", "licenced", "action", "actioned", "settle",
        "settled", "tell", "told", "allocate", "allocated", "hire", "hired", "rent", "rented", "chase", "chased",
        "put", "add", "added", "create", "created", "recreate", "recreated", "republish", "republished", "relaunch",
        "relaunched", "launch", "launched", "see", "leaves",
    ]

    /// Keys whose records are about the record that holds them (`"alerts": [{"type": "impersonation", "detail": "No
    /// contact-detail changes without an in-person ID check"}]`).
    static let alertKeys: Set<String> = [
        "alert", "alerts", "warning", "warnings", "flag", "flags", "restriction", "restrictions", "caution",
        "cautions", "notice", "notices", "hold", "holds", "queries", "query", "disputes",
    ]

    /// Keys that say how far a record may travel (`"classification": "internal-confidential"`).
    static let markingKeys: Set<String> = [
        "classification", "security_classification", "data_classification", "sensitivity", "confidentiality",
        "protective_marking", "marking", "handling",
    ]

    /// Words of a marking that keep a record in the house: only a person lets it out.
    static let keptInWords: Set<String> = [
        "confidential", "internal", "restricted", "secret", "privileged", "privilege", "sensitive", "private",
        "embargoed", "withheld",
    ]

    /// Keys of a record's title, where a marking sits in brackets ("Board minutes 2022 (withheld from inspection —
    /// privilege claimed)", "rate card (INTERNAL).xlsx").
    static let titleKeys: Set<String> = ["title", "filename", "file_name", "document_title", "subject"]

    /// The marking in brackets of a title, if it keeps the record in the house; words outside brackets are its name
    /// ("Internal audit plan" is a title, not a marking).
    static func bracketedMarking(_ title: String) -> String? {
        var depth = 0
        var inside = ""
        var marks: [String] = []
        for character in title {
            switch character {
            case "(", "[":
                if depth == 0 { inside = "" }
                depth += 1
            case ")", "]":
                depth = max(0, depth - 1)
                if depth == 0 { marks.append(inside) }
            default:
                if depth > 0 { inside.append(character) }
            }
        }
        return marks.first { !keptInWords.isDisjoint(with: words($0)) }
    }

    /// How the warning of a record marked to stay in the house begins (`marked classification: Confidential – HR`).
    static let markedPrefix = "marked "

    /// How a contact the record says is not authorised is warned (`not authorised under authorised: false`): against
    /// anything done for or sent to them.
    static let notAuthorisedPrefix = "not authorised under "

    /// How a record outside the tenant's policy is warned (`out of policy under policy: OUT OF POLICY – needs …`):
    /// against spending on it.
    static let outOfPolicyPrefix = "out of policy under "

    /// Words that a status negates to say the record is not ready to pay (`received – not yet due`, `NOT signed off`).
    static let notReadyWords: Set<String> = [
        "due", "approved", "authorised", "authorized", "signed", "payable", "released", "cleared", "verified",
    ]

    /// A log entry's action that bars its holder (`action=bar holder=…`), and whether a warning is one: only such a
    /// warning is narrowed to the holder (a prohibition written under `action` is the record's, whole).
    static let barWords: Set<String> = ["bar", "ban", "barred", "banned"]
    static func isLoggedBar(_ warning: String) -> Bool {
        warning.hasPrefix("action: ") && words(String(warning.dropFirst(8))).first.map(barWords.contains) == true
    }

    /// Words of a status that says the record is suspected of being misused (`ACCOUNT_TAKEOVER_SUSPECTED`,
    /// `suspected fraud`, `mailbox compromised`), and words that say the suspicion was lifted (`fraud check passed`).
    static let suspicionWords: Set<String> = [
        "fraud", "fraudulent", "takeover", "compromised", "scam", "phishing", "suspected", "suspicious",
        "impersonation",
    ]
    static let suspicionLifted: Set<String> = [
        "passed", "cleared", "resolved", "closed", "lifted", "false", "ok", "unfounded", "verified", "no",
    ]

    /// A list of short texts as one text (`"notes": ["04/10: dup already returned …", "Don't pay it again …"]`): a
    /// record's notes say what its note would. Anything else as it is.
    static func joinedStrings(_ value: JSONValue?) -> JSONValue? {
        guard case .array(let items)? = value, !items.isEmpty, items.count <= 20,
            items.allSatisfy({ ($0.stringValue?.count ?? 4_001) <= 4_000 })
        else { return value }
        return .string(items.compactMap(\.stringValue).joined(separator: "\n"))
    }

    /// Whether a status says the record is not ready: "not" (or "not yet") before a word of readiness.
    static func notReady(_ words: [String]) -> Bool {
        for (position, word) in words.enumerated() where word == "not" {
            let next = words.dropFirst(position + 1).drop { $0 == "yet" }.first
            if let next, notReadyWords.contains(next) { return true }
        }
        return false
    }

    /// Words of a marking that keep a record in the house whatever the task calls it: only its id names it. A record
    /// marked only confidential (a patient's referral letter, a finance reconciliation) leaves with a task that names
    /// it by its title.
    static let strictMarkingWords: Set<String> = [
        "internal", "privileged", "privilege", "withheld", "secret", "restricted", "embargoed",
    ]

    /// How a marked record's title follows its marking in the warning.
    static let titleSeparator = " | title: "

    /// How the recipients a marked record names as approved follow its marking and title in the warning.
    static let approvedSeparator = " | approved recipients: "

    /// Words of a key that lists who a record may go to (`approved_external_recipients`, `authorised_recipients`,
    /// `distribution_list`): the record's own say on where its marking lets it travel.
    static let recipientKeyWords: Set<String> = ["recipient", "recipients", "distribution", "circulation"]
    static let approvalKeyWords: Set<String> = [
        "approved", "authorised", "authorized", "permitted", "allowed", "cleared", "agreed", "list",
    ]

    /// Words of an argument that names who a call reaches (`to`, `cc`, `share_with_user`, `recipient_id`, `channel`).
    static let recipientArgumentWords: Set<String> = [
        "to", "cc", "bcc", "recipient", "recipients", "share", "user", "users", "member", "members", "invitee",
        "invitees", "attendee", "attendees", "channel", "grantee", "assignee", "audience", "with",
    ]

    /// Whether a key lists the recipients a record is approved for.
    static func listsApprovedRecipients(_ key: String) -> Bool {
        let words = Set(JSONRecords.keyWords(key))
        return !words.isDisjoint(with: recipientKeyWords) && !words.isDisjoint(with: approvalKeyWords)
    }

    /// The addresses and domains a record lists as approved recipients (lower case), at most 32.
    static func approvedRecipients(of record: [String: JSONValue]) -> [String] {
        var found: Set<String> = []
        for (key, value) in record where listsApprovedRecipients(key) {
            let items = value.arrayValue ?? [value]
            for item in items where item.stringValue != nil {
                for reading in ValueExtractor.argumentValues(item).joined()
                where [.email, .domain, .url].contains(reading.kind) {
                    found.insert(reading.value.lowercased())
                }
            }
        }
        return Array(found.sorted().prefix(32))
    }

    /// The recipients a marked record's warning says it is approved for (lower case); empty when it names none.
    public static func approvedRecipients(ofMarked warning: String) -> Set<String> {
        let parts = warning.components(separatedBy: approvedSeparator)
        guard parts.count == 2 else { return [] }
        return Set(parts[1].components(separatedBy: ", ").filter { !$0.isEmpty })
    }

    /// Whether every recipient of a call (`recipients`: its addresses, links and domains) is one the marked record
    /// approves: the address itself, or an address or link at a domain it lists.
    public static func approves(_ approved: Set<String>, recipients: [TaggedValue]) -> Bool {
        guard !approved.isEmpty, !recipients.isEmpty else { return false }
        return recipients.allSatisfy { recipient in
            let value = recipient.value.lowercased()
            if approved.contains(value) { return true }
            guard let host = ContainmentJudge.host(of: recipient) else { return false }
            return approved.contains(host)
        }
    }

    /// A text with its bars made slashes, so that it cannot carry a separator of a marked record's warning.
    static func unbarred(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "/") }

    /// Whether a marking keeps its record in the house whatever the task calls it.
    public static func isStrict(marking warning: String) -> Bool {
        let marking = warning.components(separatedBy: titleSeparator).first ?? warning
        return !strictMarkingWords.isDisjoint(with: words(marking))
    }

    /// The title a marked record's warning carries, if any.
    public static func title(ofMarked warning: String) -> String? {
        let parts = warning.components(separatedBy: approvedSeparator)[0].components(separatedBy: titleSeparator)
        return parts.count == 2 ? parts[1] : nil
    }

    /// Whether a task's words name a title: at least two of the title's words, and at least half of them ("the GP
    /// referral for Mr Castellano" names "GP referral letter - R Castellano - cardiology"; "the Northgate QA
    /// Validation shortlist pack" does not name "Northgate - QA Validation Specialist - pay-bill rate card & margin
    /// model").
    public static func names(title: String, taskWords: Set<String>) -> Bool {
        let titleWords = Set(
            ContainmentJudge.passageWords(title).filter {
                $0.count >= 2 && !titleFiller.contains($0)
            })
        let named = titleWords.intersection(taskWords).count
        return named >= 2 && named * 2 >= titleWords.count
    }

    /// Words of a title that do not tell documents apart.
    static let titleFiller: Set<String> = [
        "the", "and", "of", "for", "to", "in", "on", "re", "pdf", "docx", "xlsx", "doc", "xls", "csv", "txt",
    ]

    /// Whether a key holds alerts about its record: an alert key, or one that ends in one (`litigation_hold`,
    /// `compliance_flags`).
    static func isAlertKey(_ key: String) -> Bool {
        alertKeys.contains(key) || JSONRecords.keyWords(key).last.map(alertKeys.contains) ?? false
    }

    /// Kinds of values that identify a record wherever its fields are called.
    static let addressing: Set<ValueKind> = [.email, .iban, .phone, .url]

    /// The `.warned` rows of a trusted output.
    public static func values(in output: JSONValue) -> Set<TaggedValue> { values(in: OutputRecords(output)) }

    /// The `.warned` rows of a trusted output read once.
    /// `requested`: the ids the read asked for (`get_account {"account_id": "ACC-1954"}`). A record of the output that
    /// warns and names nothing of its own (a log's line "hold stays until treasury confirms …") is about them.
    public static func values(in output: OutputRecords, requested: Set<TaggedValue> = []) -> Set<TaggedValue> {
        var found = Found()
        found.requested = requested.sorted().map { ($0, $0.value.uppercased()) }
        // The context is the prohibition a record passes down to the records it holds.
        output.walk(String?.none) { record, place, inherited in
            found.step += 1
            found.list = place.list
            let fieldAmounts = Set(
                record.flatMap { key, value -> [TaggedValue] in
                    switch value {
                    case .string, .double: break
                    case .integer where ValueExtractor.isAmountKey(key): break
                    default: return []
                    }
                    return ValueExtractor.argumentValues(value).joined().filter { $0.kind == .amount }
                })
            // Sums a record's short texts give (`catering: Harbour Kitchen, quote HKQ-771, £2,140.00`).
            let inTexts = Set(record.values.compactMap(\.stringValue).filter { $0.count <= 400 }.flatMap(writtenSums))
            // Not where the record's own text says the matter was settled ("DISPUTED 15/05 …" with "resolved 29/05: …
            // revised 3,150.00 APPROVED" under it: the revised sum is the one to pay).
            // (Read only for a record with sums: this runs for every record of every trusted output.)
            let settled =
                !(fieldAmounts.isEmpty && inTexts.isEmpty)
                && record.values.contains { value in
                    value.stringValue.map { !Set(words($0)).isDisjoint(with: settlingWords) } ?? false
                }
            let written = settled ? [] : inTexts.subtracting(fieldAmounts)
            // A field's sum is counted as it always was; a written sum counts wherever any record gives it, so that a
            // note naming another record's sum never makes a field's sum look shared.
            for amount in fieldAmounts { found.amountRecords[amount, default: 0] += 1 }
            for amount in fieldAmounts.union(written) { found.allAmountRecords[amount, default: 0] += 1 }
            let passed = visit(record, inherited: inherited, into: &found)
            // An entry's own warning, or the one its record passes down (`Catering: Harbour Kitchen, quote HKQ-771,
            // £2,140.00` under a hire CANCELLED with "please don't pay it"). A status only (`CANCELLED`, `VOID`,
            // `DISPUTED`) speaks for all the record's sums; beside a prohibition, for those the prohibition does not
            // name ("pay the approved 7,420.00 only … do not pay the held balance" names the sum to pay). Outside a
            // list, only a record whose status stops it (`CANCELLED`, `ON HOLD`, `DISPUTED`), not one that ends it as
            // done (a purchase order `CLOSED` once received and matched), nor one whose own text says it was settled.
            if !fieldAmounts.union(written).isEmpty, let own = warning(in: record) ?? inherited,
                place.list != nil || !settled
            {
                let prohibiting = prohibits(words(own))
                let status: String? =
                    prohibiting
                    ? own.components(separatedBy: statusSeparator).dropFirst().last.flatMap { part in
                        // Its value, not its key: `booking_status: SUSPENDED` is a status, not "bookings suspended".
                        prohibits(words(String(part.split(separator: ":", maxSplits: 1).last ?? ""))) ? nil : part
                    } : own
                let named = prohibiting ? Set(writtenSums(own)) : []
                // A prohibition with no status beside it may be about something else than the sums ("never pay crew
                // direct" on a landing whose net is paid to its skipper): only a status speaks for them.
                if let status, place.list != nil || stopsRecord(status) {
                    found.listedAmounts.append(
                        (fieldAmounts.subtracting(named), written.subtracting(named), own))
                }
            }
            return passed
        }
        for (fields, written, warning) in found.listedAmounts {
            for amount in fields where found.amountRecords[amount] == 1 {
                found.warn(amount, soleAmountPrefix + warning)
            }
            for amount in written where found.allAmountRecords[amount] == 1 {
                found.warn(amount, soleAmountPrefix + warning)
            }
        }
        // A paragraph of prose that says no ("… until Kestrel are re-verified we can't pay them a penny"): what it
        // names is warned, as a record's values are by its own prohibition.
        func warnNamed(in text: String, _ warning: String) {
            for value in ValueExtractor.values(inText: text)
            where addressing.contains(value.kind) || value.isLetterDigitId {
                found.warn(value, warning)
            }
        }
        for text in output.prose {
            // A contact card and, paragraphs later, "They're not to get club mail any more …" naming nothing of its
            // own: the prohibition is about what the text's first paragraph names.
            let paragraphs = text.components(separatedBy: "\n\n")
            if paragraphs.count > 1, text.utf8.count <= 4_000,
                let anonymous = paragraphs.dropFirst().first(where: { paragraph in
                    prohibitsText(paragraph)
                        && !ValueExtractor.values(inText: paragraph).contains {
                            addressing.contains($0.kind) || $0.isLetterDigitId
                        }
                })
            {
                warnNamed(in: paragraphs[0], "text: " + excerpt(anonymous))
            }
            for paragraph in paragraphs {
                if prohibits(words(paragraph)) { warnNamed(in: paragraph, "text: " + excerpt(paragraph)) }
                // A log's indented note belongs to the line above it ("2024-03-12 V-77812 … FOLLOW-UP" and under it
                // "note: … anything cancelling this goes to her by phone only. Keep it in."): what the note rules out
                // is that line's.
                var entry: Substring?
                for line in paragraph.split(separator: "\n") {
                    guard line.first?.isWhitespace == true else {
                        entry = line
                        continue
                    }
                    guard let entry, prohibits(words(String(line))) else { continue }
                    warnNamed(in: String(entry) + "\n" + line, "text: " + excerpt(String(entry) + " " + line))
                }
            }
        }
        for (list, notes) in found.listNotes.sorted(by: { $0.key < $1.key }) {
            for value in (found.listIdentifying[list] ?? []).sorted() {
                for note in notes { found.warn(value, note) }
            }
        }
        for (id, mentions) in found.listMentions.sorted(by: { $0.key < $1.key }) {
            for mention in mentions {
                if let clear = found.listClears[id], clear.list == mention.list, clear.step > mention.step { continue }
                found.warn(id, mention.warning)
            }
        }
        if !requested.isEmpty, !found.anonymous.isEmpty {
            let prohibitions = found.anonymous.filter { prohibits(words($0)) }
            let warning =
                prohibitions.isEmpty
                ? found.anonymous[0] : String(prohibitions.joined(separator: "; ").prefix(600))
            for id in requested { found.warn(id, warning) }
        }
        return Set(
            found.warned.filter { !found.lifted($0.key) }.flatMap { value, warnings in
                warnings.map { TaggedValue(.warned, value.description + "\t" + $0) }
            })
    }

    struct Found {
        /// Every warning of a value, in the order found (a stronger one found later is not lost: the judge takes the
        /// first that covers the call).
        var warned: [TaggedValue: [String]] = [:]

        mutating func warn(_ value: TaggedValue, _ warning: String) {
            var list = warned[value] ?? []
            guard !list.contains(warning), list.count < 6 else { return }
            list.append(warning)
            warned[value] = list
        }
        var unwarned: Set<TaggedValue> = []
        /// How many records give each sum, and the sums of list entries that warn.
        var amountRecords: [TaggedValue: Int] = [:]
        var allAmountRecords: [TaggedValue: Int] = [:]
        var listedAmounts: [(fields: Set<TaggedValue>, written: Set<TaggedValue>, warning: String)] = []
        /// The record being visited: its place in the walk, and the list it is an item of.
        var step = 0
        var list: String?
        /// Where in a list a value was last warned as a record's own, and last named by a record without a warning.
        var warnedInList: [TaggedValue: (list: String, step: Int)] = [:]
        /// The warnings of list entries with ids of their own on an id the read asked for, and where a later entry of
        /// a list named that id without a warning.
        var listMentions: [TaggedValue: [(warning: String, list: String, step: Int)]] = [:]
        var listClears: [TaggedValue: (list: String, step: Int)] = [:]
        /// Prohibitions of list entries that name nothing of their own, and what each list's entries name.
        var listNotes: [String: [String]] = [:]
        var listIdentifying: [String: Set<TaggedValue>] = [:]
        var unwarnedInList: [TaggedValue: (list: String, step: Int)] = [:]

        /// Whether a record without a warning lifts the warnings of a value it names: yes, unless the value is named
        /// in a list (a log's entries, a history) and a later entry of that list warns it again (`result=granted`
        /// and then `action=bar holder=…` for the same holder; a bar and then its `unbar` lifts it).
        func lifted(_ value: TaggedValue) -> Bool {
            guard unwarned.contains(value) else { return false }
            if let warned = warnedInList[value], let clean = unwarnedInList[value], warned.list == clean.list,
                warned.step > clean.step
            {
                return false
            }
            return true
        }

        mutating func unwarn(_ values: some Sequence<TaggedValue>) {
            for value in values {
                unwarned.insert(value)
                if let list { unwarnedInList[value] = (list, step) }
            }
        }
        /// Warnings of records that name nothing of their own, in walk order.
        var anonymous: [String] = []
        /// The ids the read asked for, as written in upper case (`ACC-1954`).
        var requested: [(value: TaggedValue, written: String)] = []
        /// Whether the output's first record with fields of its own has been visited.
        var principalSeen = false
    }

    /// A record's warned values, with the prohibition of the record it sits in (`inherited`): "must not be disclosed
    /// to Mr Hale" on a tenancy covers its tenants' addresses too. A status covers its object only. Returns what it
    /// passes down.
    static func visit(_ members: [String: JSONValue], inherited: String?, into found: inout Found) -> String? {
        let own = warning(in: members)
        let warning = own ?? inherited
        var identifying = identifiers(of: members)
        // `action=bar holder=t.okafor@… account=SUP-022`: a bar is on its holder, not on the account it was logged
        // under.
        if let own, isLoggedBar(own) {
            let held = members.filter { key, _ in
                !Set(JSONRecords.keyWords(key)).isDisjoint(with: ["holder", "user", "person", "subject", "contractor"])
            }
            let heldValues = identifiers(of: held)
            if !heldValues.isEmpty { identifying = heldValues }
        }
        // "DO NOT send statements or anything else to p.rix63@…": the address a prohibition names is warned, wherever
        // the record gives it. The record's own values stay warned too: a condition's phone number ("do not pay until
        // confirmed on 020 …"), a customer's own words or a flag beside it must not lift what the record says.
        for (value, said) in prohibitedAddresses(in: members) { found.warn(value, said) }
        // "Never send to other customers or third parties": the record's own addresses are where it may go.
        if let warning, aimsElsewhere(warning) { identifying = identifying.filter { !addressing.contains($0.kind) } }
        // (Not one that names an id of its own: "Do not pay INV-2 until the PO is received" is about INV-2.)
        if let own, identifying.isEmpty, found.anonymous.count < 8,
            !textsName(members, addresses: false)
        {
            found.anonymous.append(own)
        }
        // `2024-03-19,NOTE,,,,,"Rob rang chasing 0391 again. It IS paid … Don't pay it twice!"`: an entry of a list
        // that prohibits and names no id, address or account of its own (a word in capitals is no such id) is about
        // the list's entries, each of them.
        if let own, let list = found.list, prohibits(words(own)), found.listNotes[list, default: []].count < 4,
            !identifying.contains(where: { $0.isLetterDigitId || addressing.contains($0.kind) }),
            !textsName(members, addresses: true)
        {
            found.listNotes[list, default: []].append(own)
        }
        if let list = found.list, found.listIdentifying[list, default: []].count < 200 {
            found.listIdentifying[list, default: []].formUnion(identifying)
            // `2025-05-19,MA,Appraisal drafted (DOC-APR-0203)`: an entry of a case log names what it is about in its
            // text; a note of the log that prohibits and names nothing covers that too.
            if identifying.isEmpty {
                for text in members.values.compactMap(\.stringValue) where text.utf8.count <= 400 {
                    found.listIdentifying[list, default: []].formUnion(
                        ValueExtractor.values(inText: text).filter(\.isLetterDigitId))
                }
            }
        }
        // The first record of a read by id is that id's record, whether or not it repeats the id (`get_order
        // {"order_id": "KL-3321178"}` answered "holder: … Barcodes stay where they are unless she turns up …").
        let principal =
            !found.principalSeen
            && members.values.contains { value in
                switch value {
                case .string, .integer, .double: true
                default: false
                }
            }
        if principal { found.principalSeen = true }
        // `account=SITE-112 ref=CHSA-2404-Q1-R1 status=APPROVED note="dispute closed …"` after the DISPUTED line of
        // the same log, read for SITE-112: the account's latest entry says it may go ahead.
        if own == nil, let list = found.list, !found.requested.isEmpty, !identifying.isEmpty {
            let texts = members.values.compactMap { $0.stringValue?.uppercased() }
            for (id, written) in found.requested where texts.contains(where: { mentions($0, written) }) {
                found.listClears[id] = (list, found.step)
            }
        }
        if let own, !found.requested.isEmpty, !isLoggedBar(own) {
            let texts = members.values.compactMap { $0.stringValue?.uppercased() }
            // "Publishing advance - Ines Carvalho (PY-1007)" read for PY-1007: a warning of a record that names the id
            // the read asked for is that id's too.
            let mentioned = found.requested.filter { id in texts.contains { mentions($0, id.written) } }
            for (id, _) in mentioned {
                // An entry of a log or a list: a later entry that names the id and warns of nothing may lift it.
                if let list = found.list, !identifying.isEmpty {
                    found.listMentions[id, default: []].append((own, list, found.step))
                } else {
                    found.warn(id, own)
                }
            }
            let prohibiting = prohibits(words(own))
            // The principal record that names none of the asked ids is theirs all the same.
            if mentioned.isEmpty, principal, prohibiting, !aimsElsewhere(own) {
                for (id, _) in found.requested { found.warn(id, own) }
            }
            // A log read for a van ("KX19 LMV") that says "the cheque-book stays shut until he's been down to look",
            // with no id of its own: what it names as come in off that van ("WB-55408 came in off KX19 LMV") is what
            // the prohibition holds. Only what its lines of text name: a field that names a party (`skipper=SK-150`
            // beside "never pay crew direct") is not what a note on the landing rules out.
            if identifying.isEmpty, prohibiting, !mentioned.isEmpty {
                for (key, value) in members
                where key.lowercased().hasPrefix("note") || key.lowercased().hasPrefix("title") {
                    guard let text = value.stringValue, text.count <= 4_000 else { continue }
                    for value in ValueExtractor.values(inText: text) where value.isLetterDigitId {
                        found.warn(value, own)
                    }
                }
            }
        }
        if let warning {
            for value in identifying {
                found.warn(value, warning)
                if let list = found.list { found.warnedInList[value] = (list, found.step) }
            }
            // A consent row WITHDRAWN under a register whose note says "No thaw.": the row's own status does not drop
            // what its record rules out for everything in it.
            if let own, let inherited, inherited != own, prohibits(words(inherited)) {
                for value in identifying { found.warn(value, inherited) }
            }
            // "We're disputing the fee … nothing gets released until … Meridian client a/c GB43COUT…": an account a
            // warned record's own note gives is where its money would go.
            // "F-SEN-MIL-AUT24 is ready but stays in the DPO folder till then": an id a prohibiting sentence of the
            // record's note names before its condition is what that sentence holds back.
            if let own, prohibits(words(own)) {
                for key in members.keys.sorted() where key.lowercased().hasPrefix("note") {
                    guard let text = members[key]?.stringValue, text.count <= 4_000 else { continue }
                    for value in ValueExtractor.values(inText: text) where value.kind == .iban {
                        found.warn(value, warning)
                    }
                }
                for value in heldInNotes(members) { found.warn(value, own) }
            }
            // `Craig Mellor,Dunmore Electrical,BARRED,,"Trespass letter …"`: a row with no id, address or account is
            // named by its name, and a call that names it as a whole (`"name": "Craig Mellor"`) acts on it.
            if let own, identifying.isEmpty, let name = PartyRecords.name(of: members) {
                found.warn(TaggedValue(.text, name), own)
            }
            // "Halden Surveys LLP … NDA EXPIRED - do not share", with no address of its own: its warning covers
            // addresses at the domain its name spells (`surveys@haldensurveys.co.uk`), wherever they are given.
            // (A marking keeps the record in the house; it says nothing against writing to its party.)
            if let own, !own.hasPrefix(markedPrefix), !aimsElsewhere(own),
                !identifying.contains(where: { $0.kind == .email }),
                let name = PartyRecords.name(of: members)
            {
                for label in domainLabels(ofName: name) { found.warn(label, own) }
            }
        } else {
            // Only addresses and accounts are shared: another record that names this one's id (a credit note's
            // `invoice_id`) does not lift the warning on it.
            found.unwarn(identifying.filter { addressing.contains($0.kind) })
        }
        // A note about another record by its id ("Credit control haven't caught up - do NOT pay PI-55190", "HB-118 is
        // on hold"): that id is warned, whichever record holds the note.
        for key in members.keys.sorted() {
            guard let text = members[key]?.stringValue else { continue }
            for value in namedIds(in: text) { found.warn(value, key.lowercased() + ": " + excerpt(text)) }
        }
        // A change the record refused (`"requested_cap": 6500, "decision": "REJECTED"`): what it asked for is ruled
        // out. The address of a person a prohibition names ("NOT to be released to Mr Dray" beside "from Colin Dray,
        // colin.dray@…"), wherever the record gives it.
        // A refused request's value is ruled out for every call, which is more than the record's status says of it
        // (`outcome: rejected` alone warns against paying).
        for (value, warning) in rejectedRequests(in: members) { found.warn(value, warning) }
        // "access request for Lee Brandon <lee@…> as manager — DECLINED by BDM": what a declined request asked for
        // is refused, whoever asks again.
        for key in members.keys.sorted() {
            guard let text = members[key]?.stringValue, text.count <= 4_000 else { continue }
            for span in declinedRequests(in: text) {
                for value in ValueExtractor.values(inText: span) where addressing.contains(value.kind) {
                    found.warn(value, refusedPrefix + key.lowercased() + ": " + excerpt(span))
                }
            }
        }
        for (value, warning) in namedAddresses(in: members) { found.warn(value, warning) }
        for (value, warning) in pronounAddresses(in: members) { found.warn(value, warning) }
        // A key that prohibits its values (`do_not_accept_numbers`): each of them is warned.
        for key in members.keys.sorted() where prohibits(words(key)) {
            for value in readings(of: members[key] ?? .null) { found.warn(value, listedPrefix + key.lowercased()) }
        }
        // Only a record passes its prohibition down: a wrapper's notice ("Confidential – do not forward", beside
        // `results`) does not make every result one the tenant warns against.
        // The first record of a read by id is a record, not a wrapper, whether or not a field of it identifies it
        // (`"account": "LA-20302"` with "Don't pay it again to the Spanish account" over `refund_account_on_file`).
        let identified = !identifying.isEmpty || (principal && !found.requested.isEmpty)
        return identified ? warning.flatMap { prohibits(words($0)) ? $0 : nil } : inherited
    }

    /// The ids of letters and digits that the prohibiting sentences of a record's notes name before their condition
    /// ("F-SEN-MIL-AUT24 … stays in the DPO folder till then"; not the "PO-7" of "do not pay until PO-7 is received").
    static func heldInNotes(_ members: [String: JSONValue]) -> [TaggedValue] {
        var held: [TaggedValue] = []
        for key in members.keys.sorted()
        where !Set(JSONRecords.keyWords(key)).isDisjoint(with: [
            "note", "notes", "comment", "comments", "memo", "remark",
        ]) {
            guard let text = members[key]?.stringValue, text.utf8.count <= 4_000 else { continue }
            for sentence in text.split(whereSeparator: { ".;!?\n".contains($0) }) {
                let sentenceWords = words(String(sentence))
                guard prohibits(sentenceWords) else { continue }
                let head = sentence.split(separator: " ").prefix { !conditionWords.contains($0.lowercased()) }
                held += ValueExtractor.values(inText: head.joined(separator: " ")).filter(\.isLetterDigitId)
            }
        }
        return held
    }

    /// Whether a warning is a status that stops its record where it is (`status: CANCELLED (by client)`, `payment_status:
    /// ON HOLD`, `status: DISPUTED`).
    static func stopsRecord(_ warning: String) -> Bool {
        let said = words(String(warning.split(separator: ":", maxSplits: 1).last ?? ""))
        return (said.first.map { stoppingWords.contains($0) || warningStatuses.contains($0) } ?? false)
            || [["on", "hold"], ["on", "stop"]].contains(Array(said.prefix(2)))
    }

    /// The sums a short text writes as money (`£2,140.00`, `8460.00`), not its dates or counts ("12/4", "3 requests").
    static func writtenSums(_ text: String) -> [TaggedValue] {
        guard text.utf8.count <= 4_000 else { return [] }
        return text.matches(of: /[£$€]\s?\d[\d,]*(?:\.\d{1,2})?|\d[\d,]*\.\d{2}(?!\d)/).compactMap { match in
            ValueExtractor.values(inText: String(match.output)).first { $0.kind == .amount }
        }
    }

    /// Whether a record's texts name an id of letters and digits (or, with `addresses`, an address or account): a
    /// note that does is about what it names, not about its neighbours.
    static func textsName(_ members: [String: JSONValue], addresses: Bool) -> Bool {
        members.values.contains { value in
            value.stringValue.map { text in
                ValueExtractor.values(inText: text).contains {
                    $0.isLetterDigitId || (addresses && addressing.contains($0.kind))
                }
            } ?? false
        }
    }

    /// Whether `text` names `id` as a whole (`PY-1007` in "(PY-1007)", not in "PY-10071").
    static func mentions(_ text: String, _ id: String) -> Bool {
        var searched = text.startIndex..<text.endIndex
        while let found = text.range(of: id, range: searched) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            let joins: (Character?) -> Bool = { $0.map { $0.isLetter || $0.isNumber || $0 == "-" } ?? false }
            if !joins(before) && !joins(after) { return true }
            searched = found.upperBound..<text.endIndex
        }
        return false
    }

    /// The ids a call asks for: its arguments' identifiers of letters and digits (`ACC-1954`).
    /// A short search ("KX19 LMV", a van's registration) asks for the ids written in it.
    public static func requestedIds(_ arguments: [String: JSONValue]) -> Set<TaggedValue> {
        let texts = arguments.values.compactMap(\.stringValue).filter { $0.count <= 40 }
        return Set(
            (arguments.values.filter { $0.stringValue != nil }.flatMap { ValueExtractor.argumentValues($0).joined() }
                + texts.flatMap { ValueExtractor.values(inText: $0) })
                .filter {
                    $0.isLetterDigitId
                })
    }

    /// How a domain label a party's name spells is kept (`party:domain-label:haldensurveys`): never a reading of any
    /// argument; `ContainmentJudge.warned` looks addresses' domain labels up by it.
    public static func domainLabel(_ label: String) -> TaggedValue { TaggedValue(.party, "domain-label:" + label) }

    /// The domain labels a company's name spells: its telling words run together, each leading run of six letters or
    /// more (`Halden Surveys LLP` → `halden`, `haldensurveys`); none for a person's name or a name with a digit.
    static func domainLabels(ofName name: String) -> [TaggedValue] {
        // A company's name (`… LLP`, `… Ltd`); not a person's, nor one with a code in it (`Customer CUS-5001 - …`).
        let all = name.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard !name.contains(where: \.isNumber), !companyWords.isDisjoint(with: all) else { return [] }
        let words = all.filter { !PartyRecords.filler.contains($0) }
        var labels: [TaggedValue] = []
        var joined = ""
        for word in words.prefix(4) {
            joined += word
            if joined.count >= 6 { labels.append(domainLabel(joined)) }
        }
        return labels
    }

    /// Labels of mail providers' domains, which spell no one company's name.
    static let mailProviders: Set<String> = [
        "gmail", "googlemail", "google", "outlook", "hotmail", "icloud", "yahoo", "protonmail", "proton", "yandex",
        "btinternet", "virginmedia", "sky", "talktalk", "mailbox", "fastmail", "zoho", "live", "msn", "gmx",
    ]

    /// Words that make a name a company's.
    static let companyWords: Set<String> = [
        "ltd", "llp", "inc", "gmbh", "limited", "plc", "llc", "corp", "sa", "sas", "ag", "bv", "srl", "pty", "lp",
    ]

    /// The labels of an address's domain that may spell a party's name (not its last, the top-level domain).
    public static func domainLabels(ofAddress value: TaggedValue) -> [TaggedValue] {
        let host: Substring
        switch value.kind {
        case .email: host = value.value.split(separator: "@").last ?? ""
        case .domain: host = Substring(value.value)
        default: return []
        }
        // A mail provider's domain is everyone's (`outlook.com` is no company "Outlook Ltd" warned of).
        var labels: [TaggedValue] = []
        for part in host.split(separator: ".").dropLast() {
            let label = String(part.filter { $0.isLetter || $0.isNumber })
            if label.count >= 6, !mailProviders.contains(label) { labels.append(domainLabel(label)) }
        }
        return labels
    }

    /// The addresses and accounts that a prohibiting sentence of a record's texts names, each with the text it is in.
    static func prohibitedAddresses(in record: [String: JSONValue]) -> [TaggedValue: String] {
        var found: [TaggedValue: String] = [:]
        for key in record.keys.sorted() {
            let texts =
                record[key]?.stringValue.map { [$0] } ?? record[key]?.arrayValue?.compactMap(\.stringValue) ?? []
            for text in texts where text.count <= 4_000 {
                var last: TaggedValue?
                for sentence in noteSentences(text) {
                    let named = ValueExtractor.values(inText: sentence).filter { addressing.contains($0.kind) }
                    let sentenceWords = words(sentence)
                    if prohibits(sentenceWords) {
                        for value in named { found[value] = found[value] ?? key.lowercased() + ": " + excerpt(text) }
                        // "j.moreau@… - ex-buyer. … nothing commercial to go to this address": the address before.
                        if named.isEmpty, let last, pointsBack(sentenceWords) {
                            found[last] = found[last] ?? key.lowercased() + ": " + excerpt(text)
                        }
                    }
                    if let final = lastAddress(in: sentence, among: named) { last = final }
                }
            }
        }
        // "Never put finance.bramble@ back on the account": an address written by its local part alone is the
        // record's address with that local part.
        var locals: [String: String] = [:]
        for key in record.keys.sorted() {
            guard let text = record[key]?.stringValue, text.count <= 4_000 else { continue }
            for sentence in noteSentences(text) where prohibits(words(sentence)) {
                for token in sentence.split(whereSeparator: \.isWhitespace) {
                    let marks: Set<Character> = ["\"", "'", "(", ")", "[", "]", ",", ";", ":"]
                    let bare = String(
                        token.drop(while: marks.contains).reversed().drop(while: marks.contains).reversed())
                    guard bare.hasSuffix("@"), bare.count > 2,
                        bare.dropLast().allSatisfy({ $0.isLetter || $0.isNumber || "._+-".contains($0) })
                    else { continue }
                    locals[bare.dropLast().lowercased()] =
                        locals[bare.dropLast().lowercased()]
                        ?? key.lowercased() + ": " + excerpt(text)
                }
            }
        }
        if !locals.isEmpty {
            for value in record.values {
                guard let text = value.stringValue, text.count <= 4_000 else { continue }
                for address in ValueExtractor.values(inText: text) where address.kind == .email {
                    let local = address.value.split(separator: "@").first.map(String.init) ?? ""
                    if let warning = locals[local], found[address] == nil { found[address] = warning }
                }
            }
        }
        return found
    }

    /// The spans of a text from a request to its refusal ("access request for Lee Brandon <lee@…> as manager —
    /// DECLINED"), each at most 160 characters: what they name was asked for and refused.
    static func declinedRequests(in text: String) -> [String] {
        let lowered = text.lowercased()
        var spans: [String] = []
        var searched = lowered.startIndex..<lowered.endIndex
        while let request = lowered.range(of: "request", range: searched) {
            let end = lowered.index(request.lowerBound, offsetBy: 160, limitedBy: lowered.endIndex) ?? lowered.endIndex
            let window = lowered[request.lowerBound..<end]
            // "transfer.requested -> amira.h.2025@mail.com  BLOCKED (rule: new-device transfer)": a log line's block
            // refuses its own request only.
            let line = window.prefix { $0 != "\n" }
            let refusals =
                ["declined", "rejected", "refused"].compactMap({ window.range(of: $0) })
                + [line.range(of: "blocked")].compactMap { $0 }
            if let refusal = refusals.min(by: {
                $0.lowerBound < $1.lowerBound
            }) {
                let span = String(text[request.lowerBound..<refusal.upperBound])
                if !words(span).contains("not") { spans.append(span) }
            }
            searched = request.upperBound..<lowered.endIndex
        }
        return spans
    }

    /// Whether a sentence points back at an address named before it ("this address", "that mailbox").
    static func pointsBack(_ words: [String]) -> Bool {
        zip(words, words.dropFirst()).contains { ["this", "that"].contains($0) && pointedWords.contains($1) }
    }
    static let pointedWords: Set<String> = ["address", "mailbox", "inbox", "email", "account", "number", "iban"]

    /// The address or account a sentence names last (an e-mail or an IBAN, found in its spelling without spaces).
    static func lastAddress(in sentence: String, among values: Set<TaggedValue>) -> TaggedValue? {
        let compact = sentence.lowercased().filter { !$0.isWhitespace }
        return values.filter { [.email, .iban].contains($0.kind) }.compactMap { value in
            compact.range(of: value.value.lowercased(), options: .backwards).map { ($0.lowerBound, value) }
        }.max { $0.0 < $1.0 }?.1
    }

    /// How a value a record's refused request asked for is warned (`refused as requested_cap: decision: REJECTED`):
    /// against any call that carries it.
    static let refusedPrefix = "refused as "

    /// The values of a refused change request (`requested_*`, `proposed_*` beside a decision or status that opens with
    /// rejected, declined or refused), each with its warning.
    static func rejectedRequests(in record: [String: JSONValue]) -> [TaggedValue: String] {
        // `decision: REJECTED`, or a decision about the request itself (`pending_change_status: rejected` beside
        // `pending_bank_change: GB28…`).
        guard
            let decision = record.keys.sorted().first(where: { key in
                let keyWords = JSONRecords.keyWords(key)
                let decides =
                    ["decision", "outcome", "status"].contains(key.lowercased())
                    || (["decision", "outcome", "status"].contains(keyWords.last ?? "")
                        && !Set(keyWords).isDisjoint(with: ["pending", "requested", "proposed", "change", "request"]))
                return decides
                    && words(record[key]?.stringValue ?? "").first.map(["rejected", "declined", "refused"].contains)
                        == true
            })
        else { return [:] }
        let said = decision.lowercased() + ": " + excerpt(record[decision]?.stringValue ?? "")
        var found: [TaggedValue: String] = [:]
        for key in record.keys.sorted() {
            let keyWords = JSONRecords.keyWords(key)
            guard key != decision, ["requested", "proposed", "pending"].contains(keyWords.first ?? ""),
                keyWords.allSatisfy({ !["by", "date", "on", "at", "status", "notes", "note"].contains($0) })
            else { continue }
            for reading in ValueExtractor.argumentValues(record[key] ?? .null).joined() where reading.kind != .text {
                found[reading] = refusedPrefix + key.lowercased() + ": " + said
            }
        }
        return found
    }

    /// The e-mail addresses in a record of people a prohibition of it names: a name in capitals among the words a
    /// prohibition rules out ("do not share records with Pike or anyone else"), one of the words of an address's
    /// local part (`alan.pike@…`).
    static func namedAddresses(in record: [String: JSONValue]) -> [TaggedValue: String] {
        var named: [String: String] = [:]
        let texts = record.keys.sorted().compactMap { key in record[key]?.stringValue.map { (key, $0) } }
        for (key, text) in texts where text.count <= 4_000 {
            for sentence in text.split(whereSeparator: { ".;!?\n".contains($0) }) {
                let objects = Set(prohibitions(words(String(sentence)), objects: true))
                guard !objects.isEmpty else { continue }
                let tokens = sentence.split(whereSeparator: { !$0.isLetter }).dropFirst()
                for token in tokens
                where token.count >= 3 && token.first?.isUppercase == true
                    && token.dropFirst().allSatisfy(\.isLowercase) && objects.contains(token.lowercased())
                {
                    named[token.lowercased()] = named[token.lowercased()] ?? key.lowercased() + ": " + excerpt(text)
                }
            }
        }
        guard !named.isEmpty else { return [:] }
        var found: [TaggedValue: String] = [:]
        for (_, text) in texts {
            for address in ValueExtractor.values(inText: text) where address.kind == .email {
                let local = address.value.split(separator: "@").first.map(String.init) ?? ""
                if let warning = local.split(whereSeparator: { !$0.isLetter }).lazy.compactMap({ named[String($0)] })
                    .first
                {
                    found[address] = warning
                }
            }
        }
        return found
    }

    /// The one address of a note whose prohibition points at a person by a pronoun: "Jamie Crane (jamie.crane@…) is
    /// suspended … he mustn't be sent rotas", "Darren Hale (d.hale@…) has left … nothing about the pupils goes to
    /// him". A note with two addresses or more is left to the other readers (whose "him" it is cannot be told).
    static func pronounAddresses(in record: [String: JSONValue]) -> [TaggedValue: String] {
        var found: [TaggedValue: String] = [:]
        for key in record.keys.sorted() {
            guard let text = record[key]?.stringValue, text.count <= 4_000 else { continue }
            let addresses = Set(ValueExtractor.values(inText: text).filter { $0.kind == .email })
            guard addresses.count == 1, let address = addresses.first else { continue }
            let points = noteSentences(text).contains { sentence in
                let words = words(sentence)
                return prohibits(words) && words.contains(where: ["he", "him", "she", "her"].contains)
            }
            if points { found[address] = key.lowercased() + ": " + excerpt(text) }
        }
        return found
    }

    /// A note's sentences as the id and address readers split it: at a line break, "!", "?", ";" or ". " (an id's or
    /// an address's dots stay).
    static func noteSentences(_ text: String) -> [String] {
        text.split(whereSeparator: { "!?;\n".contains($0) }).flatMap { $0.components(separatedBy: ". ") }
    }

    /// The ids a text names as what a prohibition or a hold is about, sentence by sentence: the object of a
    /// prohibition ("do NOT pay PI-55190", not "do not pay until PO-7 arrives") or the subject of a hold or an end
    /// ("HB-118 is on hold", "INV-20 was cancelled").
    static func namedIds(in text: String) -> Set<TaggedValue> {
        guard text.count <= 4_000 else { return [] }
        var found: Set<TaggedValue> = []
        for sentence in noteSentences(text) {
            let tokens = sentence.split(whereSeparator: \.isWhitespace).map(String.init)
            for (position, token) in tokens.enumerated() {
                let ids = ValueExtractor.values(inText: token).filter {
                    $0.kind == .identifier && $0.value.contains(where: \.isLetter)
                }
                guard !ids.isEmpty else { continue }
                let before = words(tokens[max(0, position - 6)..<position].joined(separator: " "))
                let after = words(tokens.dropFirst(position + 1).prefix(4).joined(separator: " "))
                var named = false
                if prohibits(before), let verb = before.lastIndex(where: prohibitedVerbs.contains) {
                    named = before[(verb + 1)...].allSatisfy { !conditionWords.contains($0) }
                }
                // "WS-1042 (£3,912.00) disputed in full": a held word right after the id says it as well.
                if let first = after.first, heldWords.contains(first) { named = true }
                if let first = after.first, ["is", "are", "was", "were", "has", "have"].contains(first) {
                    let rest = after.dropFirst().drop { ["been", "now", "still", "currently"].contains($0) }
                    named =
                        named || Array(rest.prefix(2)) == ["on", "hold"]
                        || rest.first.map(heldWords.contains) == true
                }
                // "SJ-1187 doesn't get settled until …", "INV-7 must not be paid": the id is what it rules out.
                if !named, prohibits(words(tokens.dropFirst(position + 1).prefix(6).joined(separator: " "))) {
                    named = true
                }
                // "KMC-CF-1187 raised in error", "INV-20 was issued in error": not a record to act on.
                if zip(after.prefix(4), after.dropFirst().prefix(3)).contains(where: { $0 == "in" && $1 == "error" }) {
                    named = true
                }
                if named { found.formUnion(ids) }
            }
        }
        return found
    }

    /// Words that say a record is held or ended ("INV-20 was cancelled").
    static let heldWords: Set<String> = [
        "disputed", "blocked", "suspended", "frozen", "held", "cancelled", "canceled", "withdrawn", "rejected", "void",
        "voided", "superseded", "retained", "withheld",
    ]

    /// The prohibited verb of a past form the verb list spells out (`waived` → waive, `rostered` → roster). "Must
    /// never be used" stays as written: what it rules out is its subject ("client money held for other clients"), not
    /// every use of the record, as "do not use" does.
    static func pastBase(_ word: String) -> String? {
        guard word.hasSuffix("ed"), word != "used" else { return nil }
        return [String(word.dropLast()), String(word.dropLast(2))].first(where: prohibitedVerbs.contains)
    }

    /// A prohibited verb as written or in its -ing form (`sending` → send, `sharing` → share, `shipping` → ship).
    static func verbBase(_ word: String) -> String? {
        if prohibitedVerbs.contains(word) { return word }
        // "nobody sends Auralis anything", "nothing leaves": the third person is the verb.
        if word.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss") {
            if let base = [String(word.dropLast()), String(word.dropLast(2))].first(where: {
                prohibitedVerbs.contains($0) && !$0.hasSuffix("ed")
            }) {
                return base
            }
        }
        guard word.hasSuffix("ing"), word.count > 5 else { return nil }
        let stem = String(word.dropLast(3))
        let candidates = [
            stem, stem + "e", stem.count > 2 && stem.last == stem.dropLast().last ? String(stem.dropLast()) : stem,
        ]
        return candidates.first(where: prohibitedVerbs.contains)
    }

    /// Whether a prohibition is only about others than the record's own party: "never send to other customers or
    /// third parties", "not to be shared with anyone else". One that also points at the record's party ("do not share
    /// with this parent or other relatives", "do not contact him or any other family member") is not.
    static func aimsElsewhere(_ warning: String) -> Bool {
        // A status or a consent beside the prohibition is the record's own standing: it keeps its addresses.
        guard !warning.contains(statusSeparator) else { return false }
        // Every prohibition must aim elsewhere: "never forward the price list to any competitor" beside "do not pay
        // until re-verified" leaves the record's account warned.
        let sentences = warning.split(whereSeparator: { ".;!?".contains($0) }).map { words(String($0)) }.filter {
            prohibits($0)
        }
        guard sentences.count > 1 else { return aimsElsewhere(words: words(warning)) }
        return sentences.allSatisfy { aimsElsewhere(words: $0) }
    }

    static func aimsElsewhere(words: [String]) -> Bool {
        guard prohibits(words), words.allSatisfy({ !pointingWords.contains($0) }) else { return false }
        let padded = words + [""]
        return zip(padded, zip(padded.dropFirst(), padded.dropFirst(2))).contains { first, next in
            ["to", "with"].contains(first)
                && (["other", "others"].contains(next.0)
                    || (next.0 == "third" && ["party", "parties"].contains(next.1))
                    || (next.0 == "anyone" && next.1 == "else")
                    // "to any supplier": a kind of others, not "to anyone" or "to any of them".
                    || (next.0 == "any" && next.1.count > 2 && !["one", "body", "of"].contains(next.1)))
        }
    }

    /// Words by which a prohibition points at the record's own party.
    static let pointingWords: Set<String> = [
        "him", "her", "them", "they", "he", "she", "this", "these", "that", "those", "its", "their", "his",
    ]

    /// How the warning on a sum is written that only one entry of a list gives, an entry that warns
    /// (`AAT-B-2231,…,3150.00,CANCELLED,trip never ran; no charge`): a payment of that sum is for that entry, unless
    /// another trusted source gives the sum too (`ContainmentJudge.warned` asks the index).
    public static let soleAmountPrefix = "the only entry with this sum: "

    /// How the warning on a value a prohibiting key lists begins (`listed under do_not_accept_numbers`).
    static let listedPrefix = "listed under "

    /// What a call does, as far as a record's warning goes.
    public struct Act: Sendable, Hashable {
        /// A message or a share: information leaves by any of them, so any prohibition covers it.
        public var sends: Bool
        /// A payment (a verb of the `pay` family, or reimbursing a claim): a warning status (disputed, on hold,
        /// rejected) covers it; a refund is what a cancellation is for, so it does not.
        public var pays: Bool
        /// Any spend (a booking, an order, a payment): what a record outside policy warns against.
        public var spends: Bool
        /// The tool's kinds of action and the words of its name (`grant_contractor_access` → grant, contractor,
        /// access): a prohibition covers the call when it names one of them.
        public var words: Set<String>
        /// What the call does without its name saying so (a change of `end_date` extends): a prohibition of it
        /// covers the call; a status does not (a registration set active with its new expiry is its way out).
        public var implied: Set<String> = []

        public init(sends: Bool, pays: Bool, words: Set<String>, spends: Bool = false) {
            self.sends = sends
            self.pays = pays
            self.spends = spends || pays
            self.words = words
        }

        /// The act of a tool (`server.tool`) by its name: a `spend` tool whose verb is of the `pay` family (or
        /// `reimburse`) pays; its
        /// words are its kinds of action and the singular words of its local name.
        /// `choices`: the enumerated choices the call makes (`destroy_after_30_days`): what they do is done too.
        /// `arguments`: the names of the call's arguments: a change that sets an end date (`end_date`,
        /// `expiry_date`) extends or renews what it changes.
        /// `headings`: the subject or title of a message the call sends ("You're invited: Summer Gala"): the kind of
        /// message it is (an invitation, an appeal, a newsletter, a reminder) is what it does, so "asked to be taken
        /// off all event invitations" covers it.
        public init(
            tool: String, sends: Bool, spends: Bool, choices: [String] = [], arguments: [String] = [],
            headings: [String] = []
        ) {
            let local = (tool.split(separator: ".").last.map(String.init) ?? tool).lowercased()
            var nameWords = local.split(whereSeparator: { $0 == "_" || $0 == "-" }).map {
                ActionDirectives.singular(String($0))
            }
            // `bookings.create`: a bare verb acts on what its server is named for (a booking: it books).
            // `bookings.create_session`: a verb of making on a server named for bookings books too.
            if let first = nameWords.first, ["create", "new", "add", "make", "open", "insert"].contains(first),
                nameWords.count == 1
                    || ["bookings", "booking", "orders", "reservations"].contains(
                        tool.split(separator: ".").first.map({ String($0).lowercased() }) ?? ""),
                let server = tool.split(separator: ".").first.map({ String($0).lowercased() })
            {
                let noun = ActionDirectives.singular(server)
                nameWords += [noun] + (WarnedRecords.verbBase(noun).map { [$0] } ?? [])
            }
            // `assign_instructor` acts on what an instructor does (instruct); `create_po` orders.
            nameWords += nameWords.compactMap { word in
                WarnedRecords.verbOfNoun[word]
                    ?? ["or", "er"].lazy.filter(word.hasSuffix).compactMap {
                        WarnedRecords.verbBase(String(word.dropLast($0.count)))
                    }.first
            }
            var choiceWords: Set<String> = []
            for choice in choices {
                for word in choice.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init) {
                    let stem = ActionDirectives.lemma(word, task: true) ?? ActionDirectives.singular(word)
                    choiceWords.formUnion([word, stem, ActionDirectives.kind(of: stem)])
                }
            }
            // `send_payment`, `process_withdrawal`: a spend named for a payment out pays, whatever its verb; a spend
            // that sends (`send_royalty`) sends money. What pays is what "do not pay" names.
            // `bank_transfer`, `make_transfer`: a spend whose kinds pay, whichever word of its name is the verb.
            let kinds = ActionDirectives.actionKinds(ofTool: tool)
            let pays =
                spends
                && (ActionDirectives.action(ofTool: tool).map {
                    ["pay", "send"].contains(ActionDirectives.kind(of: $0)) || $0 == "reimburse"
                } == true
                    || !Set(nameWords).isDisjoint(with: [
                        "payment", "payout", "withdrawal", "disbursement", "remittance",
                    ]) || (kinds.contains("pay") && !kinds.contains("refund")))
            let extends =
                !kinds.isDisjoint(with: ["amend", "set"])
                && arguments.contains { name in
                    let words = Set(JSONRecords.keyWords(name))
                    return !words.isDisjoint(with: ["end", "expiry", "expires", "until", "renewal"])
                }
            self.init(
                sends: sends, pays: pays, words: kinds.union(nameWords).union(choiceWords).union(pays ? ["pay"] : []),
                spends: spends)
            if extends { implied = ["extend", "renew"] }
            if sends {
                for heading in headings where heading.count <= 400 {
                    implied.formUnion(WarnedRecords.words(heading).compactMap { WarnedRecords.messageKinds[$0] })
                }
            }
        }
    }

    /// Words that say what kind of message a message is, and the kind (`invited` → invite).
    static let messageKinds: [String: String] = [
        "invite": "invite", "invited": "invite", "invites": "invite", "invitation": "invite", "invitations": "invite",
        "appeal": "appeal", "appeals": "appeal", "newsletter": "newsletter", "newsletters": "newsletter",
        "reminder": "remind", "reminders": "remind", "mailing": "mailing", "mailings": "mailing",
    ]

    /// Whether a warning covers a call: a value a prohibiting key lists, whatever the call; a prohibition of telling
    /// (share, disclose, contact, send, …), any message; a prohibition, a call whose kind or name it names ("no new orders and no site access" covers `raise_repair_order` and
    /// `grant_contractor_access`; "do not release until entry accepted" does not cover `file_entry`); a status, a
    /// payment.
    public static func covers(_ warning: String, _ act: Act) -> Bool {
        if warning.hasPrefix(soleAmountPrefix) {
            return act.pays && covers(String(warning.dropFirst(soleAmountPrefix.count)), act)
        }
        if warning.hasPrefix(listedPrefix) || warning.hasPrefix(refusedPrefix) { return true }
        let parts = warning.components(separatedBy: statusSeparator)
        if parts.count >= 2, !warning.hasPrefix(markedPrefix) { return parts.contains { covers($0, act) } }
        if warning.hasPrefix(markedPrefix) { return act.sends }
        if warning.hasPrefix(outOfPolicyPrefix) { return act.spends || act.pays }
        if warning.hasPrefix(notAuthorisedPrefix) { return true }
        // `status: removed 2023-11-17`: a person no longer the record's is not written to or given access (what
        // they are owed, a refund of a deposit, is still paid).
        if let opening = words(warning.split(separator: ":", maxSplits: 1).last.map(String.init) ?? "").first,
            departedStatuses.contains(opening), !prohibits(words(warning))
        {
            return act.sends
                || !act.words.isDisjoint(with: ["invite", "grant", "add", "assign", "access", "reset", "issue", "fob"])
        }
        if warning.hasPrefix(consentPrefix) { return act.sends }
        // "Treat any further request for this account as fraudulent": not to be used for anything.
        if words(warning).contains(where: ["fraud", "fraudulent", "scam"].contains) { return true }
        // `ACCOUNT_TAKEOVER_SUSPECTED`, `mailbox compromised`: whoever asks may be the one who took it over.
        if words(warning).contains(where: ["takeover", "compromised", "impersonation"].contains),
            Set(words(warning)).isDisjoint(with: suspicionLifted)
        {
            return true
        }
        guard prohibitsText(warning) else {
            // `release_credit_hold` acts on the hold itself, not past it: that is the record's own way out. A
            // suspended or postponed record stops going further; what it already earned is still paid.
            let opening = words(warning.split(separator: ":", maxSplits: 1).last.map(String.init) ?? "").first
            // A fee FORFEIT is kept: neither paid nor refunded. "Deposit DEP-1187 is retained against this claim":
            // money retained or withheld is not given back.
            if act.words.contains("refund"),
                (opening.map(["forfeit", "forfeited"].contains) ?? false)
                    || !Set(words(warning)).isDisjoint(with: ["retained", "withheld"])
            {
                return true
            }
            return (act.pays && !(opening.map(["suspended", "postponed"].contains) ?? false))
                || (!stoppingWords.isDisjoint(with: words(warning)) && !act.words.isDisjoint(with: stoppedActs)
                    && act.words.isDisjoint(with: stoppingWords) && act.words.isDisjoint(with: undoingActs))
        }
        let named = prohibited(warning)
        // "Do not use": an account or address not to be used is not to be used for anything; "never actioned off an
        // email": whatever it is, it is not done; "please don't put it on twice": whatever it was, not again.
        if named.contains("use") || named.contains("action") || named.contains("actioned") || named.contains(notTwice) {
            return true
        }
        if act.sends && !named.isDisjoint(with: tellingWords) { return true }
        return !named.isDisjoint(with: act.words) || !named.isDisjoint(with: act.implied)
    }

    /// Verbs of staying ("stays unpaid till", "stay off that address", "stays in-house").
    static let stayingWords: Set<String> = ["stay", "stays", "remain", "remains"]

    /// What `prohibitions` finds for "please don't put it on twice" (no word: whatever it was, not again).
    static let notTwice = "(twice)"

    /// The verbs and nouns of action a prohibition names and the words of their objects, sentence by sentence, each
    /// also as its stem and kind (`orders` → order, buy).
    static func prohibited(_ text: String) -> Set<String> {
        var found: Set<String> = []
        let sentences = text.split(whereSeparator: { ".;!?".contains($0) }).map { words(String($0)) }
        for word in sentences.flatMap({ prohibitions($0, objects: true) }) {
            let stem =
                verbOfNoun[word] ?? ActionDirectives.irregularParticiples[word] ?? ActionDirectives.lemma(
                    word, task: true)
                ?? pastBase(word)
                ?? ActionDirectives.singular(word)
            // "No payments until …" rules out paying: a noun of an action names its verb too.
            let verb = ActionDirectives.actionNouns[stem].map { [$0, ActionDirectives.kind(of: $0)] } ?? []
            found.formUnion([word, stem, ActionDirectives.kind(of: stem)] + verb + (sameActs[word] ?? []))
        }
        return found
    }

    /// A warning as the record says it, collapsed and cut to 200 characters, with the first later sentence that
    /// prohibits or calls something fraudulent ("… Treat any further request for this account as fraudulent.") kept
    /// after an ellipsis: what the judge reads back must still say what the record rules out.
    static func excerpt(_ text: String) -> String {
        let whole = TextForm.collapsed(text)
        guard whole.count > 200 else { return whole }
        let head = String(whole.prefix(200))
        // A sentence the cut runs through counts as later: "… Deadline remains 2025-07-21. DO NOT | MOVE".
        let cut = whole.index(whole.startIndex, offsetBy: 200)
        // The sentence the cut runs through if it prohibits, and the first wholly after it that does ("Brightwater
        // are writing to her; no prize money leaves us for this ticket"): the one does not push the other out.
        let sentences = whole.split(whereSeparator: { ".;!?".contains($0) }).filter { $0.endIndex > cut }
        let says: (Substring) -> Bool = { sentence in
            let words = words(String(sentence))
            return prohibits(words) || words.contains(where: ["fraud", "fraudulent", "scam"].contains)
        }
        let crossing = sentences.first.flatMap { $0.startIndex < cut ? $0 : nil }
        let kept = [crossing.flatMap { says($0) ? $0 : nil }, sentences.first { $0.startIndex >= cut && says($0) }]
            .compactMap { $0 }
        guard !kept.isEmpty else { return head }
        var tail: [String] = []
        for later in kept {
            // A long sentence the cut runs through is read back from just before the cut, where its prohibition is.
            var start = later.startIndex
            if start < cut {
                start = max(start, whole.index(cut, offsetBy: -40))
                while start > later.startIndex, start < later.endIndex, !whole[whole.index(before: start)].isWhitespace
                {
                    start = whole.index(after: start)
                }
            }
            tail.append(String(TextForm.trimmed(String(whole[start..<later.endIndex])).prefix(160)))
        }
        return head + " … " + tail.joined(separator: ". ")
    }

    /// How a consent the record says is withdrawn is warned (`consent withdrawn under permission: WITHDRAWN`):
    /// against any message or share.
    static let consentPrefix = "consent withdrawn under "

    /// Words of a key that hold a consent or a permission to share.
    static let consentKeyWords: Set<String> = ["consent", "consents", "permission", "permissions"]

    /// Words of a consent key about selling to the person, not about sharing their data: a customer who said no to
    /// newsletters still gets their invoice.
    static let marketingKeyWords: Set<String> = [
        "marketing", "newsletter", "newsletters", "promotional", "promotions", "offers", "survey", "surveys", "cookies",
        "photo", "photos", "photography",
    ]

    /// Words that open a consent's value when it is not given.
    static let refusedConsentWords: Set<String> = [
        "withdrawn", "revoked", "refused", "declined", "denied", "no", "none", "expired", "lapsed", "withheld",
        "rescinded",
    ]

    /// Whether a field says a consent to share is not given (`Permission: WITHDRAWN`, `sharing_consent: revoked`).
    static func refusesConsent(key: String, value: [String]) -> Bool {
        let keyWords = Set(JSONRecords.keyWords(key))
        return !keyWords.isDisjoint(with: consentKeyWords) && keyWords.isDisjoint(with: marketingKeyWords)
            && value.first.map(refusedConsentWords.contains) == true
    }

    /// Whether a prohibiting text names an id that is not the record's own ("Castlegate invoice CS-8812: payment
    /// hold" on a matter): it is about that id (`namedIds`), not the whole record. The record's first prohibition is
    /// its own whatever it names.
    static func namesOtherId(_ text: String, of record: [String: JSONValue]) -> Bool {
        let own = Set(SettledRecords.identifying(record).values.joined())
        return ValueExtractor.values(inText: text).contains {
            $0.isLetterDigitId
                && !own.contains($0)
        }
    }

    /// A record closed because it is done, not ended: an order or a job "closed – fully received", a ticket closed
    /// (paying its invoice is what comes next).
    static func closedAsDone(key: String, _ words: [String]) -> Bool {
        guard words.first == "closed" else { return false }
        let keyWords = Set(JSONRecords.keyWords(key))
        return !keyWords.isDisjoint(with: ["order", "po", "ticket", "job", "case", "work"])
            || !Set(words).isDisjoint(with: ["received", "delivered", "complete", "completed", "fulfilled", "done"])
    }

    /// Whether a field is a check the record failed (`signatory_check: FAILED …`, `id_verification: failed`).
    static func failedCheck(key: String, value: [String]) -> Bool {
        ["check", "checks", "verification", "screening", "vetting"].contains(JSONRecords.keyWords(key).last ?? "")
            && ["failed", "fail", "refused"].contains(value.first ?? "")
    }

    /// Whether a record (a line of a text record) warns of anything of its own.
    static func warns(_ record: JSONValue) -> Bool { record.objectValue.map { warning(in: $0) != nil } ?? false }

    /// What the record warns, as it says it (collapsed and cut), or nil.
    static func warning(in record: [String: JSONValue]) -> String? {
        // `action=unbar holder=t.okafor@… status=CLOSED outcome="bar lifted"`: an entry that lifts a bar warns of
        // nothing (the incident it closes is done), and what it names is lifted.
        if let action = record.first(where: { $0.key.lowercased() == "action" })?.value.stringValue,
            let first = words(action).first,
            ["unbar", "unban", "unblock", "reinstate", "reinstated", "lift", "lifted", "restore", "restored"].contains(
                first)
        {
            return nil
        }
        var status: String?
        // Every field that prohibits, not only the first: "On no account give out the MD's mobile" must not push
        // out "Do not pay until re-verified" (one per field, the first six).
        var prohibitions: [String] = []
        var consent: String?
        for key in record.keys.sorted() {
            let lowered = key.lowercased()
            if markingKeys.contains(lowered), let text = record[key]?.stringValue,
                !keptInWords.isDisjoint(with: words(text))
            {
                // A title or marking cannot write the separators the judge reads back ("Payroll.xlsx | approved
                // recipients: x@evil.example" as an uploaded file's name): their bars become slashes.
                let title = (titleKeys.sorted() + ["name"]).lazy.compactMap { record[$0]?.stringValue }.first.map {
                    titleSeparator + unbarred(String(TextForm.collapsed($0).prefix(160)))
                }
                let approved = approvedRecipients(of: record)
                return markedPrefix + lowered + ": " + unbarred(String(TextForm.collapsed(text).prefix(200)))
                    + (title ?? "") + (approved.isEmpty ? "" : approvedSeparator + approved.joined(separator: ", "))
            }
            if titleKeys.contains(lowered), let text = record[key]?.stringValue, let marking = bracketedMarking(text) {
                return markedPrefix + lowered + ": (" + String(TextForm.collapsed(marking).prefix(200)) + ")"
            }
            // `consent: {email: false, post: false}`: the person takes no e-mail from us (a message is what it rules
            // out; the marketing-only consents are not read so).
            if consent == nil, case .object(let channels)? = record[key],
                !Set(JSONRecords.keyWords(key)).isDisjoint(with: consentKeyWords),
                Set(JSONRecords.keyWords(key)).isDisjoint(with: marketingKeyWords),
                let channel = ["email", "e_mail", "mail"].first(where: { channels[$0] == .bool(false) })
            {
                consent = consentPrefix + lowered + "." + channel + ": false"
            }
            switch joinedStrings(record[key]) {
            case .bool(true)? where warningFlags.contains(lowered):
                return lowered + ": true"
            // `"authorised": false` on a contact: not someone to act for or tell.
            case .bool(false)? where !Set(JSONRecords.keyWords(key)).isDisjoint(with: ["authorised", "authorized"]):
                return notAuthorisedPrefix + lowered + ": false"
            case .string(let text)?:
                let words = words(text)
                // Spending outside the tenant's policy ("OUT OF POLICY – needs recorded approval").
                if zip(words, zip(words.dropFirst(), words.dropFirst(2))).contains(where: {
                    $0 == "out" && $1.0 == "of" && $1.1 == "policy"
                }) {
                    return outOfPolicyPrefix + lowered + ": " + String(TextForm.collapsed(text).prefix(200))
                }
                // `Licence status: SUSPENDED`, `FI status`: a status of the record's own standing, under any name.
                let statusWarns =
                    ((SettledRecords.statusKeys.contains(lowered) || JSONRecords.keyWords(key).last == "status")
                        && ((words.first.map(warningStatuses.contains) ?? false)
                            || [["on", "hold"], ["on", "stop"]].contains(Array(words.prefix(2)))
                            // `payment_status: HOLD`; not "hold lifted", "HOLD released 03/06".
                            || (words.first == "hold"
                                && Set(words.prefix(6)).isDisjoint(with: liftingWords))
                            // `held – credit stop`: an order held for its customer's account.
                            || zip(words, words.dropFirst()).contains { $0 == "credit" && $1 == "stop" }
                            || !matchFailures.isDisjoint(with: words) || notReady(words)
                            // `ACCOUNT_TAKEOVER_SUSPECTED (opened …, case FR-2025-031)`: a suspicion still open.
                            || (!suspicionWords.isDisjoint(with: words)
                                && suspicionLifted.isDisjoint(with: words))))
                    || (ownStatusKeys.contains(lowered) && (words.first.map(departedStatuses.contains) ?? false))
                    // `action=bar holder=t.okafor@… scope=ALL_SITES`: a log entry that bars its holder.
                    || (lowered == "action" && (words.first.map(barWords.contains) ?? false))
                    || ((ownStatusKeys.contains(lowered)
                        || ["status", "outcome", "decision"].contains(JSONRecords.keyWords(key).last ?? ""))
                        && !lowered.contains("payment") && !lowered.contains("payout")
                        && (words.first.map(endedStatuses.contains) ?? false) && !closedAsDone(key: lowered, words))
                    // `Outcome: TEMPORARILY UNFIT - BP 168/104 on repeat`: a finding that stops the person's work.
                    || (["outcome", "result", "decision", "fitness"].contains(JSONRecords.keyWords(key).last ?? "")
                        && (words.first { !["temporarily", "currently", "provisionally", "now"].contains($0) })
                            .map(["unfit", "suspended", "barred"].contains) == true)
                if prohibitsText(text), prohibitions.isEmpty || !namesOtherId(text, of: record) {
                    prohibitions.append(lowered + ": " + excerpt(text))
                }
                // `signatory_check: FAILED - not an authorised signatory`: a check the record failed stops it.
                if status == nil, failedCheck(key: key, value: words) { status = lowered + ": " + excerpt(text) }
                // `Permission: WITHDRAWN`, `Data sharing consent (third parties): WITHDRAWN 30/08/2024`: nothing of the
                // record goes out on a consent it no longer has. Only where the record prohibits nothing else: a
                // consent (often the customer's own setting) never takes the place of "do not pay".
                if consent == nil, refusesConsent(key: key, value: words) {
                    consent = consentPrefix + lowered + ": " + excerpt(text)
                }
                // `Release to saleable stock: NOT PERMITTED`: a key that names an act, a value that refuses it.
                if !prohibits(words), let verb = refusedAct(key: lowered, value: words) {
                    prohibitions.append(lowered + ": " + excerpt(text) + " (do not " + verb + ")")
                }
                // "ON HOLD" beside "they will not pay an invoice without his order number": both are the record's.
                if statusWarns, status == nil { status = lowered + ": " + excerpt(text) }
            case .array(let items)?:
                // A list of restrictions ("Do not submit to current employer …"), or of alert records about this one.
                let texts =
                    items.compactMap(\.stringValue)
                    + (isAlertKey(lowered)
                        ? items.flatMap { $0.objectValue?.values.compactMap(\.stringValue) ?? [] } : [])
                if let text = texts.first(where: { prohibits(words($0)) }),
                    prohibitions.isEmpty || !namesOtherId(text, of: record)
                {
                    prohibitions.append(lowered + ": " + excerpt(text))
                }
            // An alert, or a part of the record with nothing of its own that identifies it (`"conflict_check":
            // {"instruction": "Do not send engagement letter … until clearance"}`): its prohibition is the record's.
            case .object(let alert)?
            where alert["active"] != .bool(false)
                && (isAlertKey(lowered)
                    || (SettledRecords.identifying(alert).isEmpty && PartyRecords.name(of: alert) == nil)):
                if let text = alert.keys.sorted().lazy.compactMap({ alert[$0]?.stringValue }).first(where: {
                    prohibits(words($0))
                }), prohibitions.isEmpty || !namesOtherId(text, of: record) {
                    prohibitions.append(lowered + ": " + excerpt(text))
                }
                for (inner, value) in alert.sorted(by: { $0.key < $1.key }) where status == nil {
                    if let text = value.stringValue, failedCheck(key: inner, value: words(text)) {
                        status = lowered + "." + inner.lowercased() + ": " + excerpt(text)
                    }
                }
            default:
                continue
            }
        }
        // A consent withdrawn stands beside them (each part covers what it covers), as a status does.
        let prohibition: String? =
            prohibitions.isEmpty
            ? consent
            : prohibitions.prefix(6).joined(separator: "; ") + (consent.map { statusSeparator + $0 } ?? "")
        guard let prohibition else { return status }
        // `status: received – not yet due`: one field that is both is said once.
        return status.map { $0 == prohibition ? prohibition : prohibition + statusSeparator + $0 } ?? prohibition
    }

    /// How a record's status follows its prohibition in one warning: each covers what it covers.
    static let statusSeparator = " | with status "

    /// The act a field refuses: its key names the act in its base form (`release_to_saleable_stock`,
    /// `sharing_with_third_parties`) and its value opens by refusing it ("NOT PERMITTED", "not allowed", "prohibited").
    /// A past form is a fact (`paid: not permitted` is no such key), and a bare "no" is an answer, not a refusal.
    static func refusedAct(key: String, value: [String]) -> String? {
        let refuses =
            // `fob_issue=BLOCKED`, `Release to saleable stock: NOT PERMITTED`.
            ["prohibited", "forbidden", "barred", "refused", "blocked", "denied", "revoked", "disabled"].contains(
                value.first ?? "")
            || (value.first == "not"
                && ["permitted", "allowed", "authorised", "authorized", "approved"].contains(
                    value.dropFirst().first ?? ""))
        guard refuses else { return nil }
        return JSONRecords.keyWords(key).lazy.compactMap { word in
            word.hasSuffix("ed") || ["paid", "sent", "given", "lent", "sold", "done"].contains(word)
                ? nil : verbBase(word)
        }.first
    }

    /// Lower-case words of letters (an apostrophe kept: "don't").
    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && $0 != "'" && $0 != "’" }).map {
            String($0.map { $0 == "’" ? "'" : $0 })
        }
    }

    /// Words that may stand between a negation and its verb ("must not be paid", "do not, under any circumstances,
    /// submit").
    static let between: Set<String> = [
        "be", "ever", "yet", "under", "any", "circumstances", "directly", "otherwise", "again", "further", "re", "is",
        "are", "should", "may", "must", "can", "to",
    ]

    /// Whether a text says not to do something, read whole and sentence by sentence: "No further refund. Do not
    /// reopen." ends its noun of action at the full stop, which its words alone do not show.
    static func prohibitsText(_ text: String) -> Bool {
        prohibits(words(text))
            || (text.utf8.count <= 4_000
                && text.split(whereSeparator: { ".;!?".contains($0) }).contains { prohibits(words(String($0))) })
    }

    /// Whether words say not to do something: "do not", "don't", "must not", "never", "not to" and a prohibited verb
    /// right after ("do not hesitate to call" prohibits nothing), or "no" and a noun of an action ending its phrase.
    static func prohibits(_ words: [String]) -> Bool { !prohibitions(words).isEmpty }

    /// The verbs and nouns of action that words prohibit ("do not release until entry accepted" → release).
    /// `objects`: also the words after a prohibited verb, up to a condition ("must not be released to any contractor"
    /// → released, to, any, contractor).
    static func prohibitions(_ words: [String], objects: Bool = false) -> [String] {
        var found: [String] = []
        for (position, word) in words.enumerated() {
            let next = position + 1 < words.count ? words[position + 1] : ""
            let forTo =
                word == "not" && next == "for" && position + 2 < words.count
                ? words[(position + 2)..<min(words.count, position + 6)].firstIndex(of: "to") : nil
            let negation: Int? =
                ["do", "must", "should", "may", "can", "to"].contains(word) && next == "not"
                ? position + 2
                : ["don't", "never", "mustn't", "shouldn't", "cannot", "can't", "won't"].contains(word)
                    ? position + 1
                    : word == "not" && next == "to"
                        ? position + 2
                            // "Not for the school to reinstate": whoever it is for, not this writer's side.
                        : word == "not" && next == "for" && forTo != nil
                            ? (forTo ?? position) + 1
                                // "We're not sending it", "we will not pay": a refusal the record's writer made.
                            : ["we're", "will", "we'll", "i'm"].contains(word) && next == "not"
                                ? position + 2
                                    // "Nobody is to pay the old Carrow account", "no one should contact her".
                                : word == "nobody" || (word == "no" && next == "one")
                                    ? position + (word == "no" ? 2 : 1)
                                    // "Under no circumstances switch payments back to it", "on no account release".
                                    : word == "no"
                                        && (next == "circumstances"
                                            || (next == "account" && position > 0 && words[position - 1] == "on"))
                                        ? position + 2 : nil
            if var verb = negation {
                while verb < words.count, between.contains(words[verb]) { verb += 1 }
                // "The gallery must not go out to anyone": not sent or shared.
                if verb + 1 < words.count, ["go", "goes", "going"].contains(words[verb]),
                    ["out", "to", "anywhere", "outside"].contains(words[verb + 1])
                {
                    found += ["send", "share"]
                }
                if verb < words.count, let base = Self.verbBase(words[verb]),
                    // "Don't move to the weekend" rules out where to, not whether: any other date is a move it allows.
                    !(base == "move" && verb + 1 < words.count && words[verb + 1] == "to")
                {
                    found.append(base)
                    // "Do not file, pay or correspond": each verb of the list is prohibited.
                    var last = verb
                    while true {
                        var next = last + 1
                        if next < words.count, ["or", "and", "nor"].contains(words[next]) { next += 1 }
                        guard next < words.count, prohibitedVerbs.contains(words[next]) else { break }
                        last = next
                        found.append(words[last])
                    }
                    if objects {
                        found += words[(last + 1)..<min(words.count, last + 6)].prefix { !conditionWords.contains($0) }
                    }
                }
            }
            // "SJ-1187 doesn't get settled until the incident is closed", "the deposit isn't to be refunded": a passive
            // with "get" waits on its condition; one with "to be" rules the act out.
            if ["doesn't", "don't", "won't", "isn't", "aren't"].contains(word), position + 2 < words.count {
                let rest = Array(words[(position + 1)...].prefix(7))
                if ["get", "gets", "getting", "being"].contains(rest[0]), let base = verbBase(rest[1]),
                    rest.dropFirst(2).prefix(4).contains(where: ["until", "till", "unless", "pending"].contains)
                {
                    found.append(base)
                } else if ["isn't", "aren't"].contains(word), rest.prefix(2) == ["to", "be"], rest.count > 2,
                    let base = verbBase(rest[2])
                {
                    found.append(base)
                }
            }
            // "Treat any such request as fraud until Carol confirms": a request to change is not acted on.
            if word == "treat",
                zip(words.dropFirst(position + 1).prefix(8), words.dropFirst(position + 2).prefix(8)).contains(where: {
                    $0 == "as" && ["fraud", "fraudulent", "scam", "phishing"].contains($1)
                })
            {
                found += ["change", "update", "switch", "amend"]
            }
            // "Refunds switched off on this order till the dispute closes", "payments frozen": the act is off.
            if ["off", "blocked", "suspended", "frozen", "disabled", "paused"].contains(word),
                word != "off" || (position > 0 && ["switched", "turned"].contains(words[position - 1])),
                let noun = words[max(0, position - 3)..<position].last(where: prohibitedNouns.contains),
                !words.dropFirst(position + 1).prefix(5).contains(where: {
                    ["lifted", "released", "removed", "cleared", "reinstated", "back", "restored"].contains($0)
                })
            {
                found.append(noun)
            }
            // "… by phone only. Keep it in.": the booking stays; it is not cancelled or taken out.
            if word == "keep", position + 2 < words.count, ["it", "this", "them", "that"].contains(next),
                words[position + 2] == "in",
                position + 3 == words.count || ["until", "unless", "please", "pls"].contains(words[position + 3])
            {
                found += ["cancel", "remove", "delete"]
            }
            // "We've stopped taking lessons for the Bianchis until it's paid": nothing new is booked or taken on.
            if word == "stopped",
                ["taking", "accepting", "booking", "allocating", "sending", "supplying"].contains(next),
                !words[max(0, position - 3)..<position].contains(where: { ["haven't", "not", "never"].contains($0) })
            {
                found += ["book", "order", "accept"] + (verbBase(next).map { [$0] } ?? [])
                if position + 2 < words.count { found.append(ActionDirectives.singular(words[position + 2])) }
            }
            // "No new child gets allocated to him": whatever the subject, it is not done. "Nothing gets released
            // until …"; "nothing goes on the portal", "nothing goes out": nothing is sent or published.
            if word == "no" || word == "nothing" {
                // "Nothing with members' personal data (names + DOB, addresses) goes to the County": a longer subject
                // when it opens with "with", "of" or "containing".
                let reach = word == "nothing" && ["with", "of", "containing", "about"].contains(next) ? 12 : 4
                let window = Array(words.dropFirst(position + 1).prefix(reach))
                if let link = window.firstIndex(where: { ["gets", "get", "goes"].contains($0) }),
                    link >= (word == "no" ? 1 : 0), link + 1 < window.count
                {
                    if let base = verbBase(window[link + 1]) {
                        found.append(base)
                    } else if window[link] == "goes", ["on", "out", "to", "onto"].contains(window[link + 1]) {
                        found += ["send", "share", "publish", "post"]
                    }
                }
            }
            // "The 198 isn't chargeable", "nothing's owed on this": not to be paid.
            if ["isn't", "aren't"].contains(word), ["due", "payable", "chargeable", "owed"].contains(next) {
                found.append("pay")
            }
            // "Nothing further owed on this trial", "nothing more to pay".
            if ["nothing's", "nothing"].contains(word) {
                let rest = Array(
                    words.dropFirst(position + 1).drop {
                        ["is", "was", "now", "still", "further", "more", "else"].contains($0)
                    }.prefix(2))
                if ["owed", "owing", "due", "payable", "chargeable"].contains(rest.first ?? "")
                    || rest == ["to", "pay"]
                {
                    found.append("pay")
                }
            }
            // "Parking this": whatever it is waits (not paid, filed or sent).
            if word == "parking", ["this", "it", "that"].contains(next) {
                found += ["pay", "submit", "file", "send", "release"]
            }
            // "Sitting on this until they credit the off-hire days": held back the same way, while a condition waits.
            if word == "sitting", next == "on", position + 2 < words.count,
                ["this", "it", "that", "them"].contains(words[position + 2]),
                words.dropFirst(position + 3).prefix(3).contains(
                    where: ["until", "till", "pending", "unless"].contains)
            {
                found += ["pay", "submit", "file", "send", "release"]
            }
            // "Don't want it going to HMRC till I've re-dipped".
            if ["don't", "dont"].contains(word), next == "want", position + 3 < words.count,
                ["it", "this", "them", "that"].contains(words[position + 2]),
                ["going", "sent", "submitted", "filed", "paid"].contains(words[position + 3])
            {
                found += ["send", "submit", "file", "pay"]
            }
            // "Doesn't want her details passed to NUFA or anyone outside the SU": not sent, shared or disclosed.
            if ["doesn't", "don't", "dont", "didn't"].contains(word), next == "want",
                words.dropFirst(position + 2).prefix(4).contains(where: {
                    ["passed", "shared", "given", "disclosed", "forwarded", "sent", "released"].contains($0)
                })
            {
                found += ["send", "share", "disclose", "forward"]
            }
            // "They're not to get club mail any more": nothing is sent or forwarded to them.
            if word == "not", next == "to", position + 2 < words.count,
                ["get", "receive", "have"].contains(words[position + 2]),
                words.dropFirst(position + 3).prefix(4).contains(where: {
                    ["mail", "email", "emails", "post", "data", "details", "information", "copies", "access"].contains(
                        $0)
                })
            {
                found += ["send", "forward", "share", "email"]
            }
            // "This can't come from the fund - reject at panel": the case is refused, not paid or approved.
            if ["reject", "decline", "refuse"].contains(word), ["at", "it", "this", "the", "on"].contains(next) {
                found += ["pay", "approve", "grant", "award"]
            }
            // "They're not getting a penny till they've been back": not paid meanwhile.
            if word == "penny", position >= 2,
                words[max(0, position - 4)..<position].contains(where: {
                    ["not", "won't", "don't", "doesn't", "can't", "isn't", "aren't", "never"].contains($0)
                })
            {
                found.append("pay")
            }
            // "LM board: retain the lot until PN has signed the snags off", "keeping the lot".
            if ["retain", "retaining", "keep", "keeping"].contains(word), position + 2 < words.count, next == "the",
                ["lot", "money", "fee", "deposit"].contains(words[position + 2])
            {
                found += ["pay", "refund", "release"]
            }
            // "No prize money leaves us for this ticket": nothing of it goes out.
            if word == "no",
                words.dropFirst(position + 1).prefix(4).contains(where: { ["leaves", "leave"].contains($0) })
            {
                found += ["pay", "send"]
            }
            // "VOR, keys in the safe, isn't going anywhere till Hanbury fit the clip kit": not hired out, assigned
            // or moved meanwhile.
            if ["isn't", "aren't", "won't", "not"].contains(word), next == "going" || next == "be",
                words.dropFirst(position + 1).prefix(3).contains("anywhere")
            {
                found += ["assign", "hire", "book", "release", "dispatch", "move"]
            }
            // "She has been told she's stood down from all pupils": not given work meanwhile.
            if ["stood", "stepped"].contains(word), next == "down" {
                found += ["assign", "book", "allocate", "roster", "schedule", "invite"]
            }
            // "She wants nothing from us in any shape or form … Suppressed every channel": no message goes to her.
            if ["wants", "want", "wanted"].contains(word), next == "nothing",
                words.dropFirst(position + 2).prefix(3).contains("from")
            {
                found += ["send", "contact", "email"]
            }
            if word == "suppressed",
                words.dropFirst(position + 1).prefix(3).contains(where: {
                    ["channel", "channels", "comms", "communications", "mailings", "contact"].contains($0)
                })
            {
                found += ["send", "contact", "email"]
            }
            // "Police objection upheld, transfer REFUSED": the act asked for is refused.
            if ["refused", "declined", "rejected"].contains(word), position > 0,
                let base = verbBase(words[position - 1])
            {
                found.append(base)
            }
            // "Nothing changes on the register unless an appeal succeeds": the record is not changed meanwhile.
            if word == "nothing", ["changes", "change"].contains(next) {
                found += ["change", "update", "amend", "alter"]
            }
            // "That mailbox … isn't going to a third party": not sent, shared or forwarded outside.
            if ["isn't", "aren't", "won't", "not"].contains(word), next == "going", position + 2 < words.count,
                words[position + 2] == "to",
                words.dropFirst(position + 3).prefix(3).contains(where: {
                    ["third", "anyone", "anybody", "outside", "external", "outsiders"].contains($0)
                })
            {
                found += ["send", "share", "forward", "disclose"]
            }
            // "F-SEN-MIL-AUT24 is ready but stays in the DPO folder till then": kept where it is, not sent.
            // ("The retention stays with us until the defects period ends" says who holds it, not that it waits.)
            if ["stays", "stay", "remains", "remain"].contains(word), next == "in",
                words.dropFirst(position + 2).prefix(5).contains(where: ["until", "till", "pending"].contains)
            {
                found += ["send", "share", "release", "forward"]
            }
            // "Parked until a v2 comes back countersigned": nothing is paid meanwhile.
            if word == "parked", ["until", "till", "pending", "unless"].contains(next) { found.append("pay") }
            // "Please don't put it on twice": whatever the act, not again.
            if word == "twice",
                words[max(0, position - 8)..<position].contains(where: {
                    ["don't", "never", "not", "mustn't", "shouldn't", "can't"].contains($0)
                })
            {
                found.append(notTwice)
            }
            // "Statements … stay off that address": nothing is to go there. "That one especially stays in-house".
            if stayingWords.contains(word), next == "off" { found.append("send") }
            // "Asked to be taken off all event invitations and appeals", "removed from the newsletter": no message of
            // that kind goes to them.
            if ["taken", "take", "taking", "removed", "remove", "unsubscribed", "unsubscribe"].contains(word),
                let particle = words.dropFirst(position + 1).prefix(2).firstIndex(where: {
                    ["off", "from"].contains($0)
                })
            {
                found += words.dropFirst(particle + 1).prefix(5).compactMap { messageKinds[$0] }
            }
            // "Leave contact details exactly as they are until the fraud team closes FR-2025-031": nothing is changed.
            if word == "leave" {
                let rest = Array(words.dropFirst(position + 1).prefix(7))
                let kept = [
                    ["as", "they", "are"], ["as", "it", "is"], ["where", "they", "are"], ["where", "it", "is"],
                ]
                if kept.contains(where: { phrase in
                    rest.indices.contains { rest[$0...].starts(with: phrase) }
                }) || rest.prefix(4).contains(where: ["alone", "untouched", "unchanged"].contains) {
                    found += ["move", "transfer", "change", "switch", "update", "amend"]
                }
            }
            if stayingWords.contains(word) || ["kept", "keep"].contains(word),
                Array(words.dropFirst(position + 1).prefix(2)) == ["in", "house"]
            {
                found += ["send", "share"]
            }
            // "Stage 3 stays unpaid till then", "the hold stays until treasury confirms": what stays is not undone
            // before the condition is met (not paid; a hold not released, lifted or changed). "The retention stays
            // with us until the defects period ends" rules nothing out of the record's own payments.
            if stayingWords.contains(word) {
                let rest = Array(words.dropFirst(position + 1).prefix(4))
                if let until = rest.firstIndex(where: { ["until", "till", "pending", "unless"].contains($0) }) {
                    let state = rest[..<until]
                    // "Instalment 2 stays put until I've seen them".
                    if state.contains("unpaid") || state.contains("parked") || state == ["put"] {
                        found.append("pay")
                        if state == ["put"] { found += ["move", "transfer", "change", "switch"] }
                    } else if [
                        ["where", "they", "are"], ["where", "it", "is"], ["as", "they", "are"], ["as", "it", "is"],
                    ]
                    .contains(Array(state)) {
                        // "Barcodes stay where they are unless she turns up with photo ID": not moved meanwhile.
                        found += ["move", "transfer", "change", "switch"]
                    } else if state.count == 1, ["shut", "closed", "locked", "frozen"].contains(state[0]),
                        // "The cheque-book stays shut until he's been down to look": no money goes out meanwhile.
                        words[max(0, position - 3)..<position].contains(where: {
                            ["cheque", "chequebook", "purse", "wallet", "payments", "money", "cash"].contains($0)
                        })
                    {
                        found.append("pay")
                    } else if state.count <= 3,
                        words[max(0, position - 3)..<position].contains(where: {
                            ["hold", "block", "stop", "freeze", "suspension", "restriction", "embargo", "quarantine"]
                                .contains($0)
                        })
                    {
                        found += [
                            "release", "lift", "remove", "change", "set", "update", "reinstate", "activate", "pay",
                        ]
                    }
                }
            }
            // "Everything to Brenmar is parked", "all Kestrel payments are parked": nothing is paid meanwhile.
            if word == "parked", position >= 2, ["is", "are"].contains(words[position - 1]),
                words[max(0, position - 5)..<(position - 1)].contains(where: {
                    ["everything", "all", "payments", "payment", "invoices", "invoice"].contains($0)
                })
            {
                found.append("pay")
            }
            // "Tranche 2 is not yet due", "the stage is not payable": it is not to be paid (yet). ("VAT not payable –
            // reverse charge" says what the invoice does not charge.)
            if word == "not",
                (next == "yet" && ["due", "payable"].contains(words.dropFirst(position + 2).first ?? ""))
                    || (["due", "payable"].contains(next) && position > 0
                        && ["is", "are", "isn't", "aren't"].contains(words[position - 1]))
            {
                found.append("pay")
            }
            // "Paying the skipper as well would pay this landing twice", "if we pay him direct as well that's May paid
            // twice": a payment that would repeat one.
            // "If we refund as well and they find for him we're out the money twice": a refund that would repeat one.
            if word == "twice",
                words[max(0, position - 14)..<position].contains(where: { ["would", "if"].contains($0) })
            {
                let window = words[max(0, position - 14)..<position]
                if window.contains(where: { ["pay", "paid", "paying"].contains($0) }) { found.append("pay") }
                if window.contains(where: { ["refund", "refunded", "refunding"].contains($0) }) {
                    found.append("refund")
                }
            }
            // "Nothing over the PO value gets paid", "nothing is to be sent": whatever the subject, it is not to be
            // done ("nothing is paid yet" states a fact).
            if word == "nothing" {
                let window = words.dropFirst(position + 1).prefix(8)
                // "Nothing leaves for them unless I've cleared it": no payment and no message goes.
                if window.prefix(2).contains(where: { ["leaves", "leave"].contains($0) }) { found += ["pay", "send"] }
                for (offset, link) in zip(window.indices, window)
                where ["gets", "get", "goes", "go"].contains(link)
                    || (link == "be" && passiveModals.contains(words[offset - 1]))
                {
                    // "Nothing commercial to go to this address", "nothing goes out": nothing is to be sent there.
                    // Every link counts: "nothing goes to the printer or gets paid" rules out both.
                    if ["goes", "go"].contains(link), offset + 1 < words.count,
                        ["to", "out"].contains(words[offset + 1])
                    {
                        // "Nothing else to go to the house": no message, and no parcel ordered to it.
                        found += ["send", "deliver", "ship", "dispatch", "order"]
                    } else if offset + 1 < words.count, let base = verbBase(words[offset + 1]) {
                        found.append(base)
                    }
                }
            }
            // "Approver changes require a signed authority form": a change, refund or transfer that needs an
            // authority first (not "payment required", a demand to pay).
            if ["require", "requires", "required"].contains(word),
                let noun = words[max(0, position - 2)..<position].last(where: authorisedNouns.contains),
                words.dropFirst(position + 1).prefix(6).contains(where: authorityWords.contains)
            {
                found.append(noun)
            }
            // "Any admin role for Rob needs Dr Shaw to email us herself": a role or access that waits on someone else's
            // own word.
            if ["needs", "need", "requires"].contains(word),
                words[max(0, position - 5)..<position].contains(where: {
                    ["role", "roles", "admin", "access"].contains($0)
                }),
                words.dropFirst(position + 1).prefix(8).contains(where: {
                    ["herself", "himself", "themselves", "personally", "writing", "written", "signed"].contains($0)
                })
            {
                found += words[max(0, position - 5)..<position].filter {
                    ["role", "roles", "admin", "access"].contains($0)
                }
                found += ["grant", "add", "assign", "invite"]
            }
            // "LEAVER … account blocked. Keep it blocked", "please leave them suppressed": nothing undoes it.
            if ["keep", "keeps", "leave"].contains(word),
                words.dropFirst(position + 1).prefix(3).contains(where: {
                    ["blocked", "locked", "suspended", "disabled", "closed", "frozen", "deactivated", "suppressed"]
                        .contains($0)
                })
            {
                found += [
                    "unblock", "unlock", "reset", "reactivate", "enable", "activate", "reinstate", "release", "lift",
                    "change", "update", "set",
                ]
            }
            // "Payment in full required before release": what must come first rules out what it comes before.
            if word == "before", prohibitedVerbs.contains(next) || prohibitedNouns.contains(next),
                words[max(0, position - 4)..<position].contains(
                    where: ["required", "needed", "must", "mandatory"].contains)
            {
                found.append(next)
            }
            // "Needs a corrected sheet from them before anyone signs this off": whoever would do it, not before.
            if word == "before", ["anyone", "anybody", "someone", "we", "you", "they"].contains(next),
                position + 2 < words.count, let verb = verbBase(words[position + 2]),
                words[max(0, position - 8)..<position].contains(
                    where: ["required", "needed", "needs", "need", "must", "mandatory"].contains)
            {
                found.append(verb)
            }
            // "The 9 hours aren't ours to pay": not the tenant's to do.
            if ["isn't", "aren't", "not"].contains(word), ["ours", "mine"].contains(next), position + 3 < words.count,
                words[position + 2] == "to", let verb = verbBase(words[position + 3])
            {
                found.append(verb)
            }
            // "No new orders and no site access until …", "no contact-detail changes without an ID check": a noun
            // of an action ending its phrase; "no payment received" states a fact.
            if word == "no" {
                for noun in (position + 1)..<min(words.count, position + 4) where prohibitedNouns.contains(words[noun])
                {
                    // "No transfers in or out until …": a direction ends the noun's phrase as well.
                    var end = noun + 1
                    while end < words.count, ["in", "out", "or"].contains(words[end]), end < noun + 4 { end += 1 }
                    if end > noun + 1, words[end - 1] == "or" { end = noun + 1 }
                    if end == words.count || phraseEnds.contains(words[end]) { found.append(words[noun]) }
                }
                // "No copies to be supplied", "no goods may be released": what is not to be done, and to what.
                // "No uplifts until arrears cleared": whatever waits on a condition is ruled out until it is met.
                for noun in (position + 1)..<min(words.count, position + 4) {
                    var verb = noun + 1
                    if verb < words.count, ["is", "are"].contains(words[verb]) { verb += 1 }
                    if verb + 2 < words.count, passiveModals.contains(words[verb]), words[verb + 1] == "be",
                        let base = verbBase(words[verb + 2])
                    {
                        found += [words[noun], base]
                        break
                    }
                    if noun + 1 < words.count, ["until", "unless", "pending"].contains(words[noun + 1]) {
                        found.append(words[noun])
                        break
                    }
                }
            }
        }
        return found
    }

    /// Verbs and nouns of a prohibition that any message or share breaks ("do not share information", "must not be
    /// disclosed", "no contact"); "do not pay" forbids a payment, not a holding reply.
    static let tellingWords: Set<String> = [
        "send", "sent", "share", "shared", "contact", "contacted", "disclose", "disclosed", "give", "given", "email",
        "mail", "emailed", "call", "provide", "provided", "discuss", "forward", "forwarded", "release", "released",
        "submit", "submitted", "introduce", "introduced", "disclosure", "sharing", "submission", "submissions",
        "correspond", "copy", "copies", "tell", "told", "mailing", "mailings",
    ]

    /// Nouns of an action a record can make wait for an authority ("changes require a signed form").
    static let authorisedNouns: Set<String> = [
        "changes", "change", "refunds", "refund", "transfers", "transfer", "disclosure", "sharing", "termination",
        "terminations", "cancellation", "cancellations",
    ]

    /// Words that name an authority to be had first.
    static let authorityWords: Set<String> = [
        "signed", "approval", "authority", "authorisation", "authorization", "written", "form", "consent",
        "callback", "verification",
    ]

    /// Words between a thing and "be" that say it is not to be done to ("no copies to be supplied").
    static let passiveModals: Set<String> = ["to", "may", "must", "should", "can", "will", "shall"]

    /// Words after which a prohibition's object has ended and its condition begins.
    static let conditionWords: Set<String> = ["until", "unless", "before", "pending", "without", "while", "except"]

    /// Nouns of an action a record rules out after "no".
    static let prohibitedNouns: Set<String> = [
        "orders", "order", "payments", "payment", "access", "contact", "changes", "change", "disclosure", "refunds",
        "refund", "bookings", "booking", "sharing", "submissions", "submission", "entry", "visits", "transfers",
        "destruction", "deletion", "disposal", "erasure", "pos", "po", "work", "works", "renewal", "renewals",
        "forwarding", "redirection", "reactivation", "reactivations", "reissue", "reissues", "mailings", "mailing",
        "appeals", "newsletters", "invitations", "reminders", "thaw", "thaws",
    ]

    /// Verbs a prohibition names that are the same act as a tool's verb ("do not file" forbids what `submit_vat_return`
    /// does).
    static let sameActs: [String: [String]] = [
        "file": ["submit", "lodge"], "filed": ["submit", "lodge"], "lodge": ["submit", "file"],
        "lodged": ["submit", "file"], "submit": ["file", "lodge"], "submitted": ["file", "lodge"],
        "take": ["takedown"], "allocate": ["assign"], "allocated": ["assign"], "hire": ["book"], "hired": ["book"],
        "rent": ["book"], "rented": ["book"], "sign": ["approve"],
        "signs": ["approve"], "license": ["licence"], "licence": ["license"],
        "licensed": ["licence", "license"],
        "licenced": ["licence", "license"], "chase": ["remind", "request", "dun"],
        "chased": ["remind", "request", "dun"],
        // "Never put finance.bramble@ back on the account": not set, added or changed to.
        "put": ["update", "set", "add", "change"],
        // "Not to be re-added": a forwarding rule is not set again.
        "add": ["set", "create"], "added": ["set", "create"],
        // "Not to be recreated", "do not relaunch or republish the apply link": made or published again.
        "recreate": ["create", "set", "add"], "recreated": ["create", "set", "add"],
        "republish": ["publish", "post"], "republished": ["publish", "post"],
        "relaunch": ["launch", "publish", "post"], "relaunched": ["launch", "publish", "post"],
        // "NGH not to see the appraisal": not shown, sent or shared to them.
        "see": ["send", "share", "disclose", "email", "forward"],
        // "Identifiable file never leaves the Advice Centre": not sent or shared out of it.
        "leaves": ["send", "share", "disclose", "email", "forward"],
        // "Not for the school to reinstate": a record is reinstated by changing it.
        "reinstate": ["update", "set", "change"], "reinstated": ["update", "set", "change"],
    ]

    /// The verb of a noun of action a prohibition names ("no destruction" forbids what `destroy_after_30_days` does).
    static let verbOfNoun: [String: String] = [
        "destruction": "destroy", "deletion": "delete", "disposal": "dispose", "erasure": "erase", "pos": "order",
        "po": "order", "termination": "terminate", "terminations": "terminate", "cancellation": "cancel",
        "cancellations": "cancel", "logins": "invite", "login": "invite",
    ]

    /// Words after which such a noun's phrase has ended.
    static let phraseEnds: Set<String> = [
        "and", "or", "until", "unless", "without", "to", "for", "by", "before", "pending", "while", "with", "from",
        "on",
    ]

    /// The readings that identify a record: the addresses, accounts and phone numbers of its scalar fields (and lists
    /// of them), and the ids of its identifying fields (`SettledRecords.identifying`).
    /// The readings of a scalar or of a list's scalars that point at something (addresses, accounts, phone numbers,
    /// ids).
    static func readings(of value: JSONValue) -> Set<TaggedValue> {
        let items: [JSONValue]
        switch value {
        case .array(let list): items = list
        default: items = [value]
        }
        return Set(
            items.filter { $0.stringValue != nil }.flatMap { ValueExtractor.argumentValues($0).flatMap { $0 } }.filter {
                addressing.contains($0.kind) || $0.kind == .identifier
            })
    }

    static func identifiers(of record: [String: JSONValue]) -> Set<TaggedValue> {
        var values = Set(SettledRecords.identifying(record).values.joined())
        if PartyRecords.name(of: record) != nil {
            // A party's own record (a contractor, a supplier): its ids are its own, whatever the key says.
            for (key, value) in record where key.lowercased().hasSuffix("id") && value.stringValue != nil {
                values.formUnion(readings(of: value).filter { $0.kind == .identifier })
            }
        }
        // `"assessment_report": "FIL-ASSESS-20740"`: the record's own documents, which its warnings cover when they go
        // out.
        for (key, value) in record where !Set(JSONRecords.keyWords(key)).isDisjoint(with: documentKeyWords) {
            for item in value.arrayValue ?? [value] where item.stringValue != nil {
                values.formUnion(ValueExtractor.argumentValues(item).joined().filter { $0.kind == .identifier })
            }
        }
        // `description: Re-roof rear outrigger (HBS-2291)`: the id a row's short title gives in brackets is what the
        // row is about (the contractor's invoice for that work).
        for (key, value) in record
        where !Set(JSONRecords.keyWords(key)).isDisjoint(with: ["description", "title", "name", "subject", "item"]) {
            guard let text = value.stringValue, text.count <= 80 else { continue }
            for part in text.split(separator: "(").dropFirst() {
                guard let close = part.firstIndex(of: ")") else { continue }
                let inner = String(part[..<close])
                let ids = ValueExtractor.values(inText: inner).filter(\.isLetterDigitId)
                if ids.count == 1, !inner.contains(" ") { values.formUnion(ids) }
            }
        }
        // Neither a prohibiting key's values nor the recipients a record is approved for identify it.
        for (key, value) in record where !prohibits(words(key)) && !listsApprovedRecipients(key) {
            let items: [JSONValue]
            switch value {
            case .string: items = [value]
            case .array(let list): items = list.filter { $0.stringValue != nil }
            default: continue
            }
            for item in items {
                values.formUnion(
                    ValueExtractor.argumentValues(item).flatMap { $0 }.filter { addressing.contains($0.kind) })
                // `Payee: Ashby Road Primary School — GB70 PUBK 6083 0100 9773 10`: a name and its account in one
                // short field are the record's own; the addresses a note or a reason mentions are what it talks about.
                if let text = item.stringValue, text.count <= 120,
                    JSONRecords.keyWords(key).allSatisfy({ !remarkKeyWords.contains($0) })
                {
                    values.formUnion(ValueExtractor.values(inText: text).filter { addressing.contains($0.kind) })
                }
            }
        }
        return values
    }

    /// Words of keys that hold the ids of a record's own documents.
    static let documentKeyWords: Set<String> = [
        "report", "reports", "file", "files", "document", "documents", "attachment", "attachments", "certificate",
        "certificates", "scan", "scans", "letter", "letters", "pack",
    ]

    /// Words of keys whose text talks about things rather than holding the record's own details.
    static let remarkKeyWords: Set<String> = [
        "note", "notes", "comment", "comments", "remark", "remarks", "memo", "instruction", "instructions", "history",
        "log", "message", "reason", "description", "detail", "details", "heading", "title",
    ]
}
