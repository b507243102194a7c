/// Recognisers for one kind of value each, shared by the free-text scan and the argument classifier so the two
/// always agree on a spelling.
enum Parse {
    // MARK: Domains

    /// Extensions of file names: `q3.xlsx` is a file, not a host (some are also country domains; files win).
    static let fileExtensions: Set<String> = [
        "7z", "apk", "avi", "bak", "bat", "bin", "bmp", "c", "cfg", "conf", "cpp", "crt", "css", "csv", "dat", "db",
        "deb", "dll", "dmg", "doc", "docm", "docx", "dot", "eml", "eps", "exe", "gif", "gz", "h", "heic", "htm",
        "html", "ics", "ini", "iso", "jar", "java", "jpeg", "jpg", "js", "json", "jsonl", "key", "log", "m4a", "md",
        "mkv", "mov", "mp3", "mp4", "msg", "msi", "numbers", "odp", "ods", "odt", "ogg", "pages", "pdf", "pem", "php",
        "pkg", "png", "ppt", "pptx", "ps", "psd", "py", "rar", "rb", "rpm", "rs", "rtf", "sh", "sql", "sqlite", "svg",
        "swift", "tar", "tgz", "tif", "tiff", "tmp", "ts", "tsv", "txt", "vcf", "wav", "webm", "webp", "xls", "xlsb",
        "xlsm", "xlsx", "xml", "yaml", "yml", "zip",
    ]

    /// A host name in lowercase when `text` is one: dot-separated labels of letters, digits and hyphens, the last
    /// (the TLD) 2–24 letters (or an `xn--` label).
    static func domain(_ text: String, allowFileExtensions: Bool) -> String? {
        guard text.utf8.contains(0x2E) else { return nil }
        var scalars = text.unicodeScalars.map(TextForm.asciiLowercased)
        if scalars.last == "." { scalars.removeLast() }
        guard scalars.count >= 4, scalars.count <= 253 else { return nil }
        let lower = TextForm.string(scalars).lowercased()
        let labels = lower.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return nil }
        for label in labels {
            let count = label.unicodeScalars.count
            guard count >= 1, count <= 63, label.first != "-", label.last != "-" else { return nil }
            guard label.unicodeScalars.allSatisfy({ $0 == "-" || TextForm.isAlphanumeric($0) }) else { return nil }
        }
        let tld = labels[labels.count - 1]
        if tld.hasPrefix("xn--") { return lower }
        let tldCount = tld.unicodeScalars.count
        guard tldCount >= 2, tldCount <= 24, tld.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic }) else {
            return nil
        }
        if !allowFileExtensions && fileExtensions.contains(String(tld)) { return nil }
        return lower
    }

    // MARK: Emails

    static func isLocalPart(_ scalar: Unicode.Scalar) -> Bool {
        TextForm.isASCIIAlphanumeric(scalar) || "._%+-'".unicodeScalars.contains(scalar)
    }

    static func isHostCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "." || scalar == "-" || TextForm.isAlphanumeric(scalar)
    }

    /// Addresses inside one token, lowercased, with where each starts and ends.
    static func emails(in scalars: [Unicode.Scalar]) -> [(address: String, domain: String, range: Range<Int>)] {
        var found: [(address: String, domain: String, range: Range<Int>)] = []
        for at in scalars.indices where scalars[at] == "@" {
            var start = at
            while start > 0 && isLocalPart(scalars[start - 1]) { start -= 1 }
            while start < at && ".'+-%".unicodeScalars.contains(scalars[start]) { start += 1 }
            var end = at + 1
            while end < scalars.count && isHostCharacter(scalars[end]) { end += 1 }
            while end > at + 1 && (scalars[end - 1] == "." || scalars[end - 1] == "-") { end -= 1 }
            let local = scalars[start..<at]
            guard !local.isEmpty, local.count <= 64, local.last != ".", local.last != "'" else { continue }
            guard !zip(local, local.dropFirst()).contains(where: { $0 == "." && $1 == "." }) else { continue }
            guard let host = domain(TextForm.string(scalars[(at + 1)..<end]), allowFileExtensions: true) else {
                continue
            }
            let address = TextForm.string(local).lowercased() + "@" + host
            found.append((address, host, start..<end))
        }
        return found
    }

    /// `text` as one address: `a@b.example`, `mailto:a@b.example` or `Name <a@b.example>`.
    static func email(whole text: String) -> String? {
        var candidate = Substring(text)
        if candidate.last == ">", let open = candidate.firstIndex(of: "<") {
            // A display name must not hide a second address or list separator.
            guard !candidate[..<open].contains(where: { "@<>,;".contains($0) }) else { return nil }
            candidate = candidate[candidate.index(after: open)..<candidate.index(before: candidate.endIndex)]
        } else if candidate.lowercased().hasPrefix("mailto:") {
            candidate = candidate.dropFirst(7)
        }
        let scalars = Array(candidate.unicodeScalars)
        guard scalars.filter({ $0 == "@" }).count == 1,
            let found = emails(in: scalars).first, found.range == 0..<scalars.count
        else { return nil }
        return found.address
    }

    // MARK: URLs

    /// An http(s) URL in normal form, and its host: scheme and host lowercased, default port and fragment dropped,
    /// an empty path written `/`, path and query kept exactly.
    static func url(_ text: String) -> (url: String, host: String)? {
        let scalars = Array(text.unicodeScalars)
        guard let colon = scalars.firstIndex(of: ":"), colon + 2 < scalars.count,
            scalars[colon + 1] == "/", scalars[colon + 2] == "/"
        else { return nil }
        let scheme = TextForm.string(scalars[..<colon].map(TextForm.asciiLowercased))
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = scalars[(colon + 3)...]
        guard !rest.contains(where: TextForm.isWhitespace) else { return nil }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[rest.startIndex..<authorityEnd]
        var userinfo = ""
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            userinfo = TextForm.string(authority[authority.startIndex..<at])
            hostPort = authority[(at + 1)...]
        }
        var host: String
        var port = ""
        if hostPort.first == "[" {
            guard let close = hostPort.firstIndex(of: "]") else { return nil }
            host = TextForm.string(hostPort[hostPort.startIndex...close]).lowercased()
            let after = hostPort[(close + 1)...]
            if !after.isEmpty {
                guard after.first == ":" else { return nil }
                port = TextForm.string(after.dropFirst())
            }
        } else if let portColon = hostPort.lastIndex(of: ":") {
            host = TextForm.string(hostPort[hostPort.startIndex..<portColon]).lowercased()
            port = TextForm.string(hostPort[(portColon + 1)...])
        } else {
            host = TextForm.string(hostPort).lowercased()
        }
        if host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty,
            host.unicodeScalars.allSatisfy({ isHostCharacter($0) || "_[]:".unicodeScalars.contains($0) })
        else { return nil }
        if !port.isEmpty {
            guard port.unicodeScalars.allSatisfy(TextForm.isDigit), port.count <= 5, let number = Int(port) else {
                return nil
            }
            port = (scheme == "http" && number == 80) || (scheme == "https" && number == 443) ? "" : ":\(number)"
        }
        var tail = rest[authorityEnd...]
        if let hash = tail.firstIndex(of: "#") { tail = tail[tail.startIndex..<hash] }
        var pathQuery = TextForm.string(tail)
        if pathQuery.isEmpty || pathQuery.hasPrefix("?") { pathQuery = "/" + pathQuery }
        let credentials = userinfo.isEmpty ? "" : userinfo + "@"
        return (scheme + "://" + credentials + host + port + pathQuery, host)
    }

    private static let urlStops: Set<Unicode.Scalar> = ["\"", "<", ">", "`", "{", "}", "|", "\\", "^"]
    private static let urlTrailing: Set<Unicode.Scalar> = [".", ",", ";", ":", "!", "?", "*", "'"]

    /// The http(s) URLs inside one token (a URL nested in another's query is part of that URL, not a second one).
    static func urls(in scalars: [Unicode.Scalar]) -> [(url: String, host: String)] {
        var found: [(url: String, host: String)] = []
        var index = 0
        while index + 7 <= scalars.count {
            guard startsURL(scalars, at: index) else {
                index += 1
                continue
            }
            var end = index
            while end < scalars.count && !urlStops.contains(scalars[end]) { end += 1 }
            while end > index {
                let last = scalars[end - 1]
                let slice = scalars[index..<end]
                if urlTrailing.contains(last)
                    || (last == ")" && slice.filter({ $0 == ")" }).count > slice.filter({ $0 == "(" }).count)
                    || (last == "]" && slice.filter({ $0 == "]" }).count > slice.filter({ $0 == "[" }).count)
                {
                    end -= 1
                } else {
                    break
                }
            }
            if let parsed = url(TextForm.string(scalars[index..<end])) { found.append(parsed) }
            index = max(end, index + 1)
        }
        return found
    }

    private static let schemes = [Array("https://".unicodeScalars), Array("http://".unicodeScalars)]

    private static func startsURL(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        guard scalars[index] == "h" || scalars[index] == "H" else { return false }
        for needle in schemes {
            guard index + needle.count <= scalars.count else { continue }
            if zip(scalars[index..<(index + needle.count)], needle).allSatisfy({
                TextForm.asciiLowercased($0) == $1
            }) {
                return true
            }
        }
        return false
    }

    // MARK: IBANs

    /// IBAN lengths by country (SWIFT IBAN registry).
    static let ibanLengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
        "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
        "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
        "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
        "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
        "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
        "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
        "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
        "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    ]

    /// Whether `text` starts like an IBAN: two letters, two digits, then letters and digits.
    static func looksLikeIBANStart(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        return scalars.count >= 4 && TextForm.isASCIILetter(scalars[0]) && TextForm.isASCIILetter(scalars[1])
            && TextForm.isDigit(scalars[2]) && TextForm.isDigit(scalars[3])
            && scalars.allSatisfy(TextForm.isASCIIAlphanumeric)
    }

    /// `compact` (no spaces) as an uppercase IBAN when it is one: the country's length and the ISO 7064
    /// mod-97 check.
    static func iban(_ compact: String) -> String? {
        guard looksLikeIBANStart(compact) else { return nil }
        let upper = TextForm.asciiUppercased(compact)
        let scalars = Array(upper.unicodeScalars)
        guard scalars.count >= 15, scalars.count <= 34 else { return nil }
        if let length = ibanLengths[String(upper.prefix(2))], length != scalars.count { return nil }
        var remainder = 0
        for scalar in scalars[4...] + scalars[..<4] {
            let value = TextForm.isDigit(scalar) ? Int(scalar.value - 0x30) : Int(scalar.value - 0x41 + 10)
            remainder = (value < 10 ? remainder * 10 + value : remainder * 100 + value) % 97
        }
        return remainder == 1 ? upper : nil
    }

    /// The expected length of an IBAN starting with `text`, when its country is known.
    static func ibanLength(startingWith text: String) -> Int? {
        ibanLengths[TextForm.asciiUppercased(String(text.prefix(2)))]
    }

    // MARK: Phones

    static let phoneSeparators: Set<Unicode.Scalar> = ["-", ".", "/", "(", ")"]

    /// A phone number spread over `tokens` (already trimmed of sentence punctuation): `+` and 8–15 digits, or,
    /// without `+`, 8–15 digits in groups that do not read as a date or a grouped number and that start with `0` or
    /// `(` or hold at least ten digits. Returns `+digits`/`digits`.
    static func phone(_ written: [String]) -> String? {
        guard let first = written.first?.unicodeScalars.first else { return nil }
        let plus = first == "+"
        // `+49 (0)30 …`: the trunk prefix in brackets is not dialled from abroad.
        let tokens = plus ? written.map { $0.replacing("(0)", with: "") } : written
        // `01/07/25  864.00`: a date beside an amount is not one number.
        guard written.count == 1 || !written.contains(where: isSlashedDate) else { return nil }
        var digits = ""
        var groups: [Int] = []
        var separated = tokens.count > 1
        for (position, token) in tokens.enumerated() {
            var current = 0
            for (offset, scalar) in token.unicodeScalars.enumerated() {
                if TextForm.isDigit(scalar) {
                    digits.unicodeScalars.append(scalar)
                    current += 1
                } else if scalar == "+" && position == 0 && offset == 0 {
                    continue
                } else if phoneSeparators.contains(scalar) {
                    separated = true
                    if current > 0 { groups.append(current) }
                    current = 0
                } else {
                    return nil
                }
            }
            if current > 0 { groups.append(current) }
        }
        guard digits.count >= 8, digits.count <= 15 else { return nil }
        if plus { return "+" + digits }
        guard separated, groups.count >= 2 else { return nil }
        let startsWithZeroOrParen = first == "(" || digits.hasPrefix("0")
        guard startsWithZeroOrParen || digits.count >= 10 else { return nil }
        let grouped = groups.count >= 2 && groups[0] <= 3 && groups.dropFirst().allSatisfy { $0 == 3 }
        if grouped && !startsWithZeroOrParen { return nil }
        let dateShapes: [[Int]] = [[2, 2, 4], [4, 2, 2], [1, 2, 4], [2, 1, 4], [1, 1, 4]]
        if dateShapes.contains(groups) { return nil }
        return digits
    }

    /// A date written with slashes (`01/07/25`, `1/7/2025`).
    static func isSlashedDate(_ token: String) -> Bool {
        let parts = token.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
            && parts[0].count <= 2 && parts[1].count <= 2 && [2, 4].contains(parts[2].count)
    }

    /// Whether `token` can be part of a phone number.
    static func isPhonePiece(_ token: String, first: Bool) -> Bool {
        guard !token.isEmpty else { return false }
        for (offset, scalar) in token.unicodeScalars.enumerated() {
            if TextForm.isDigit(scalar) || phoneSeparators.contains(scalar) { continue }
            if scalar == "+" && first && offset == 0 { continue }
            return false
        }
        if first {
            let scalars = Array(token.unicodeScalars)
            let lead = scalars[0] == "+" || scalars[0] == "(" ? scalars.dropFirst().first : scalars[0]
            return lead.map(TextForm.isDigit) ?? false
        }
        return true
    }

    // MARK: Amounts

    static let currencyCodes: Set<String> = [
        "AED", "ARS", "AUD", "BGN", "BHD", "BRL", "CAD", "CHF", "CLP", "CNY", "COP", "CZK", "DKK", "EGP", "EUR", "GBP",
        "HKD", "HUF", "IDR", "ILS", "INR", "ISK", "JPY", "KES", "KRW", "KWD", "MXN", "MYR", "NGN", "NOK", "NZD", "OMR",
        "PEN", "PHP", "PLN", "QAR", "RON", "RUB", "SAR", "SEK", "SGD", "THB", "TRY", "TWD", "UAH", "USD", "VND", "ZAR",
        "BTC", "ETH", "USDC", "USDT",
    ]

    /// Currency symbols, longest first so `US$` is read before `$`.
    static let currencySymbols: [String] = [
        "US$", "CA$", "AU$", "NZ$", "HK$", "MX$", "C$", "A$", "S$", "R$", "$", "€", "£", "¥", "₹", "₽", "₩", "₺", "₪",
        "₫", "₴", "₦", "₱", "฿", "₿", "¢", "Rs.", "Rs", "Fr.", "kr.", "kr", "zł", "Kč", "Ft", "lei",
    ]

    static func isCurrencyToken(_ text: String) -> Bool {
        currencySymbols.contains(text) || currencyCodes.contains(TextForm.asciiUppercased(text))
    }

    private static let symbolScalars = currencySymbols.map { Array($0.unicodeScalars) }
    private static let dashSuffixes = [",--", ".--", ",-", ".-"].map { Array($0.unicodeScalars) }

    /// `text` without a currency symbol or code before or after the number.
    static func strippingCurrency(_ text: String) -> (number: String, currency: Bool) {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last else { return (text, false) }
        let signed = first == "-" || first == "+"
        if TextForm.isDigit(last),
            TextForm.isDigit(first) || (signed && scalars.count > 1 && TextForm.isDigit(scalars[1]))
        {
            return (text, false)
        }
        var rest = scalars[...]
        var currency = false
        var sign: [Unicode.Scalar] = []
        if signed { sign = [rest.removeFirst()] }
        if let symbol = symbolScalars.first(where: { rest.starts(with: $0) }) {
            rest = rest.dropFirst(symbol.count)
            currency = true
        } else if let code = currencyCodePrefix(rest) {
            rest = rest.dropFirst(code)
            currency = true
        }
        if sign.isEmpty, currency, let next = rest.first, next == "-" || next == "+" { sign = [rest.removeFirst()] }
        if let dash = dashSuffixes.first(where: { rest.count > $0.count && rest.suffix($0.count).elementsEqual($0) }) {
            rest = rest.dropLast(dash.count)
        }
        if !currency,
            let symbol = symbolScalars.first(where: { rest.count > $0.count && rest.suffix($0.count).elementsEqual($0) }
            )
        {
            rest = rest.dropLast(symbol.count)
            currency = true
        }
        if !currency, rest.count > 3, TextForm.isDigit(rest[rest.endIndex - 4]),
            currencyCodes.contains(TextForm.asciiUppercased(TextForm.string(rest.suffix(3))))
        {
            rest = rest.dropLast(3)
            currency = true
        }
        return (TextForm.string(sign + rest), currency)
    }

    private static func currencyCodePrefix(_ scalars: ArraySlice<Unicode.Scalar>) -> Int? {
        for length in [4, 3] where scalars.count > length {
            let next = scalars[scalars.startIndex + length]
            guard TextForm.isDigit(next) || next == "-" || next == "+" else { continue }
            let head = scalars.prefix(length)
            guard head.allSatisfy(TextForm.isASCIILetter) else { continue }
            if currencyCodes.contains(TextForm.asciiUppercased(TextForm.string(head))) { return length }
        }
        return nil
    }

    /// One token as an amount: canonical decimal, the number as written (without currency), and whether a
    /// currency was attached.
    static func amount(token: String) -> (canonical: String, numeral: String, currency: Bool)? {
        var digits = false
        var letters = 0
        for scalar in token.unicodeScalars {
            if TextForm.isDigit(scalar) {
                digits = true
            } else if TextForm.isASCIILetter(scalar) {
                letters += 1
                if letters > 4 { return nil }
            } else if "@/:_%#=&?()[]<>".unicodeScalars.contains(scalar) {
                return nil
            }
        }
        guard digits else { return nil }
        let (number, currency) = strippingCurrency(token)
        guard let canonical = decimal(number) else { return nil }
        return (canonical, number, currency)
    }

    /// A written number as canonical decimal text: no thousands separators, no leading or trailing zeros,
    /// `.` as the decimal point. `12,400.00`, `12.400,00` and `12400` are all `12400`; a single `.` or `,` followed
    /// by exactly three digits after one to three leading digits is a thousands separator (`1.500` is 1500).
    static func decimal(_ text: String) -> String? {
        var scalars = Array(text.unicodeScalars)
        var negative = false
        if scalars.first == "-" || scalars.first == "+" {
            negative = scalars.first == "-"
            scalars.removeFirst()
        }
        guard let first = scalars.first, let last = scalars.last, TextForm.isDigit(first), TextForm.isDigit(last)
        else { return nil }
        var runs: [String] = [""]
        var separators: [Unicode.Scalar] = []
        for scalar in scalars {
            if TextForm.isDigit(scalar) {
                runs[runs.count - 1].unicodeScalars.append(scalar)
            } else if scalar == "." || scalar == "," || scalar == "'" || scalar == "\u{2019}" {
                guard !runs[runs.count - 1].isEmpty else { return nil }
                separators.append(scalar)
                runs.append("")
            } else {
                return nil
            }
        }
        let dots = separators.filter { $0 == "." }.count
        let commas = separators.filter { $0 == "," }.count
        var decimalAt: Int?  // index into separators
        if dots > 0 && commas > 0 {
            let mark = separators[separators.count - 1]
            guard mark == "." || mark == ",", separators.filter({ $0 == mark }).count == 1 else { return nil }
            decimalAt = separators.count - 1
        } else if dots + commas == 1 {
            let position = separators.firstIndex { $0 == "." || $0 == "," }!
            let isLast = position == separators.count - 1
            let leading = runs[position]
            let thousands =
                isLast && position == 0 && runs[1].count == 3 && (1...3).contains(leading.count) && leading != "0"
            if !thousands {
                guard isLast else { return nil }
                decimalAt = position
            }
        }
        let integerRuns = decimalAt.map { Array(runs[...$0]) } ?? runs
        if integerRuns.count > 1 {
            guard (1...3).contains(integerRuns[0].count), integerRuns.dropFirst().allSatisfy({ $0.count == 3 }) else {
                return nil
            }
        }
        var integer = Substring(integerRuns.joined())
        var fraction = Substring(decimalAt.map { runs[$0 + 1] } ?? "")
        while integer.count > 1 && integer.first == "0" { integer = integer.dropFirst() }
        while fraction.last == "0" { fraction = fraction.dropLast() }
        guard integer.count <= 24, fraction.count <= 12 else { return nil }
        let magnitude = fraction.isEmpty ? String(integer) : integer + "." + fraction
        return negative && magnitude != "0" ? "-" + magnitude : magnitude
    }

    /// A JSON number as canonical decimal text (`12400.0` is `12400`, `1e-05` is `0.00001`).
    static func decimal(_ number: Double) -> String? {
        guard number.isFinite else { return nil }
        if number == number.rounded(), abs(number) < 9e15 { return String(Int64(number)) }
        let text = "\(number)"
        guard let exponentMark = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return decimal(text) }
        guard let exponent = Int(text[text.index(after: exponentMark)...]) else { return nil }
        var mantissa = Substring(text[..<exponentMark])
        let negative = mantissa.first == "-"
        if negative { mantissa = mantissa.dropFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let digits = parts.joined()
        let point = parts[0].count + exponent
        guard point > -30, point < 40 else { return nil }
        let integer: String
        let fraction: String
        if point <= 0 {
            integer = "0"
            fraction = String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            integer = digits + String(repeating: "0", count: point - digits.count)
            fraction = ""
        } else {
            integer = String(digits.prefix(point))
            fraction = String(digits.dropFirst(point))
        }
        let written = (negative ? "-" : "") + integer + (fraction.isEmpty ? "" : "." + fraction)
        return decimal(written)
    }

    /// Numbers written with spaces between thousands (`12 400,00 €`): a 1–3 digit group then groups of three, the
    /// last optionally with decimals. Free text needs a currency or decimals to read them as one amount; `standalone`
    /// (a whole argument) does not.
    static func groupedAmount(_ tokens: [String], standalone: Bool) -> String? {
        guard tokens.count >= 2 else { return nil }
        let head = strippingCurrency(tokens[0])
        let tail = strippingCurrency(tokens[tokens.count - 1])
        var lead = Substring(head.number)
        var sign = ""
        if lead.first == "-" || lead.first == "+" {
            sign = lead.first == "-" ? "-" : ""
            lead = lead.dropFirst()
        }
        guard (1...3).contains(lead.count), lead.unicodeScalars.allSatisfy(TextForm.isDigit) else { return nil }
        var groups = [String(lead)]
        for token in tokens.dropFirst().dropLast() {
            guard token.count == 3, token.unicodeScalars.allSatisfy(TextForm.isDigit) else { return nil }
            groups.append(token)
        }
        let last = Array(tail.number.unicodeScalars)
        guard last.count >= 3, last[0..<3].allSatisfy(TextForm.isDigit) else { return nil }
        var fraction = ""
        if last.count > 3 {
            guard last[3] == "," || last[3] == ".", last.count > 4, last[4...].allSatisfy(TextForm.isDigit) else {
                return nil
            }
            fraction = TextForm.string(last[4...])
        }
        groups.append(TextForm.string(last[0..<3]))
        guard standalone || head.currency || tail.currency || !fraction.isEmpty else { return nil }
        return decimal(sign + groups.joined() + (fraction.isEmpty ? "" : "." + fraction))
    }

    // MARK: Identifiers

    /// Whether a token names something: it holds a digit or an underscore, or is a path, a file name, or a
    /// hyphenated code or slug (`ABC-DEF`, `ap-team`).
    static func isIdentifier(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 256, scalars.contains(where: TextForm.isAlphanumeric) else {
            return false
        }
        if scalars.contains(where: TextForm.isDigit) || scalars.contains("_") { return true }
        for prefix in ["/", "~/", "./", "../"] where text.hasPrefix(prefix) { return true }
        if scalars.count > 3, TextForm.isASCIILetter(scalars[0]), scalars[1] == ":", scalars[2] == "\\" {
            return true
        }
        if let dot = text.lastIndex(of: "."), dot != text.startIndex,
            fileExtensions.contains(text[text.index(after: dot)...].lowercased())
        {
            return true
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count >= 2
            && parts.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(TextForm.isASCIIAlphanumeric) })
    }

    /// Identifiers are case-sensitive (`INV-7` and `inv-7` may be different records), except hexadecimal ones
    /// (UUIDs, and hashes: 32 or more hexadecimal digits), whose case carries no meaning and which are lowercased.
    static func identifierForm(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let isHex: (Unicode.Scalar) -> Bool = { TextForm.isDigit($0) || "abcdefABCDEF".unicodeScalars.contains($0) }
        let groups = text.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
        let uuid = groups == [8, 4, 4, 4, 12] && scalars.allSatisfy { $0 == "-" || isHex($0) }
        let hash =
            scalars.count >= 32 && scalars.allSatisfy(isHex) && scalars.contains(where: TextForm.isDigit)
            && scalars.contains(where: TextForm.isASCIILetter)
        return uuid || hash ? text.lowercased() : text
    }
}
