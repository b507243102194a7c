import Foundation
import WardenCore

/// A held action in plain words, so a person understands it at a glance: "pay EUR 12,400.00 to DE89 3704 0044 …
/// (Northwind Traders)", "send to a@b.example, c@d.example", otherwise "call billing.pay_invoice".
///
/// Every piece of agent-written text goes through `ApprovalDisplay.escaped`, so look-alike letters and invisible
/// characters show as `\uXXXX` here as on the CLI. The words summarise; the detail page shows every argument.
enum ActionInWords {
    static func describe(tool: String, action: JSONValue?) -> String {
        guard let action else { return "call \(ApprovalDisplay.escaped(tool)) (the action cannot be read)" }
        if case .array(let recipients)? = action["recipients"], !recipients.isEmpty {
            return "send to "
                + recipients.map { recipient(ApprovalDisplay.escaped($0.stringValue ?? "?")) }
                .joined(separator: ", ")
        }
        let arguments = action["arguments"]?.objectValue ?? [:]
        // The headline names one destination only when the arguments name exactly one: with several account-like
        // or payee-like arguments it could show the wrong one, so the person reads every argument instead.
        let accounts = ["iban", "account", "to_iban", "payee_iban"].filter { arguments[$0] != nil }
        let payees = ["payee", "beneficiary", "creditor", "vendor", "payee_name"].filter { arguments[$0] != nil }
        if accounts.count > 1 || payees.count > 1 {
            return "call " + ApprovalDisplay.escaped(tool) + " (several accounts or payees: read every argument)"
        }
        if let amount = arguments["amount"], let shown = Self.amount(amount), isPayment(tool: tool, arguments) {
            var words = "pay"
            if let currency = arguments["currency"]?.stringValue { words += " " + ApprovalDisplay.escaped(currency) }
            words += " " + shown
            if let account = ["iban", "account", "to_iban", "payee_iban"].lazy.compactMap({ arguments[$0]?.stringValue }
            )
            .first {
                words += " to " + grouped(ApprovalDisplay.escaped(account))
            }
            if let payee = ["payee", "beneficiary", "creditor", "vendor", "payee_name"].lazy.compactMap({
                arguments[$0]?.stringValue
            }).first {
                words += " (\(ApprovalDisplay.escaped(payee)), as the agent wrote it)"
            }
            if let invoice = arguments["invoice_id"]?.stringValue {
                words += " for invoice " + ApprovalDisplay.escaped(invoice)
            }
            return words
        }
        return "call " + ApprovalDisplay.escaped(tool)
    }

    /// A payment: a spend-like tool name, or an amount beside an account or a currency.
    static func isPayment(tool: String, _ arguments: [String: JSONValue]) -> Bool {
        let name = tool.lowercased()
        return ["pay", "spend", "transfer", "purchase"].contains(where: name.contains) || arguments["iban"] != nil
            || arguments["currency"] != nil
    }

    /// `12400` → `12,400.00`; `"12400.5"` → `12,400.50`. Nil for anything that is not a plain decimal (then the
    /// words say "call …" and the person reads the argument itself).
    static func amount(_ value: JSONValue) -> String? {
        let text: String
        switch value {
        case .integer(let n): text = String(n)
        case .double(let d) where d.isFinite: text = String(d)
        case .string(let s): text = s.trimmingCharacters(in: .whitespaces)
        default: return nil
        }
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let pieces = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count <= 2, let whole = pieces.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit),
            pieces.count == 1 || pieces[1].allSatisfy(\.isASCIIDigit)
        else { return nil }
        var fraction = pieces.count == 2 ? String(pieces[1]) : ""
        while fraction.count < 2 { fraction += "0" }
        var groups: [Substring] = []
        var rest = Substring(whole)
        while rest.count > 3 {
            groups.insert(rest.suffix(3), at: 0)
            rest = rest.dropLast(3)
        }
        groups.insert(rest, at: 0)
        return (negative ? "-" : "") + groups.joined(separator: ",") + "." + fraction
    }

    /// An IBAN-like account in groups of four, as people read them off an invoice.
    static func grouped(_ account: String) -> String {
        let compact = account.replacingOccurrences(of: " ", with: "")
        guard compact.count > 8, compact.allSatisfy({ $0.isASCIIDigit || ($0.isASCII && $0.isLetter) }) else {
            return account
        }
        var out: [String] = []
        var rest = Substring(compact)
        while !rest.isEmpty {
            out.append(String(rest.prefix(4)))
            rest = rest.dropFirst(4)
        }
        return out.joined(separator: " ")
    }

    private static func recipient(_ canonical: String) -> String {
        canonical.hasPrefix("mailto:") ? String(canonical.dropFirst("mailto:".count)) : canonical
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
