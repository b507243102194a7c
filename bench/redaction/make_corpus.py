#!/usr/bin/env python3
"""Generate a labelled, log-like corpus for the redaction benchmark.

Writes OUT/corpus.txt (about --size bytes of log lines) and OUT/labels.jsonl (one JSON object per planted
value: type, rule, start, end as UTF-8 byte offsets into corpus.txt). Deterministic for a given --seed.

Planted types use the redactor's type names: email, phone, iban, card, ipv4, ipv6, us_ssn, uk_nino, api_key.
Everything else on a line is unlabelled noise chosen to look like things detectors confuse: timestamps, dates,
UUIDs, hex digests, version strings, durations, order numbers, prices.
"""

import argparse
import json
import os
import random
import string

from faker import Faker

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR"]
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64URL = ALNUM + "-_"
BASE32 = string.ascii_uppercase + "234567"


def rand(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def provider_keys(rng):
    """(rule id, key) pairs in each provider's documented token format."""
    return [
        ("aws-access-token", "AKIA" + rand(rng, BASE32, 16)),
        ("github-pat", "ghp_" + rand(rng, ALNUM, 36)),
        ("github-oauth", "gho_" + rand(rng, ALNUM, 36)),
        ("github-app-token", "ghs_" + rand(rng, ALNUM, 36)),
        ("github-fine-grained-pat", "github_pat_" + rand(rng, ALNUM + "_", 82)),
        ("gitlab-pat", "glpat-" + rand(rng, B64URL, 20)),
        ("slack-bot-token", "xoxb-" + rand(rng, string.digits, 12) + "-" + rand(rng, string.digits, 13) + "-"
         + rand(rng, ALNUM, 24)),
        ("stripe-access-token", "sk_live_" + rand(rng, ALNUM, 24)),
        ("stripe-access-token", "rk_live_" + rand(rng, ALNUM, 24)),
        ("gcp-api-key", "AIza" + rand(rng, B64URL, 35)),
        ("openai-api-key", "sk-proj-" + rand(rng, B64URL, 74) + "T3BlbkFJ" + rand(rng, B64URL, 74)),
        ("anthropic-api-key", "sk-ant-api03-" + rand(rng, B64URL, 93) + "AA"),
        ("twilio-api-key", "SK" + rand(rng, HEX, 32)),
        ("sendgrid-api-token", "SG." + rand(rng, B64URL, 22) + "." + rand(rng, B64URL, 43)),
        ("npm-access-token", "npm_" + rand(rng, ALNUM, 36)),
        ("pypi-upload-token", "pypi-AgEIcHlwaS5vcmc" + rand(rng, B64URL, 70)),
        ("shopify-access-token", "shpat_" + rand(rng, HEX, 32)),
        ("digitalocean-pat", "dop_v1_" + rand(rng, HEX, 64)),
        ("huggingface-access-token", "hf_" + rand(rng, string.ascii_letters, 34)),
        ("new-relic-user-api-key", "NRAK-" + rand(rng, string.ascii_uppercase + string.digits, 27)),
        ("linear-api-key", "lin_api_" + rand(rng, ALNUM, 40)),
        ("databricks-api-token", "dapi" + rand(rng, HEX, 32)),
    ]


def nino(rng):
    first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
    if first + second in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
        first, second = "A", "B"
    digits = rand(rng, string.digits, 6)
    spaced = rng.random() < 0.5
    body = " ".join([digits[0:2], digits[2:4], digits[4:6]]) if spaced else digits
    return f"{first}{second}{' ' if spaced else ''}{body}{' ' if spaced else ''}{rng.choice('ABCD')}"


def group4(value):
    return " ".join(value[i:i + 4] for i in range(0, len(value), 4))


class Line:
    """Builds one line from text pieces and labelled values, tracking UTF-8 byte offsets."""

    def __init__(self, base):
        self.parts = []
        self.length = 0
        self.base = base
        self.labels = []

    def text(self, s):
        self.parts.append(s)
        self.length += len(s.encode("utf-8"))

    def value(self, kind, s, rule=None):
        start = self.base + self.length
        self.text(s)
        label = {"type": kind, "start": start, "end": self.base + self.length}
        if rule:
            label["rule"] = rule
        self.labels.append(label)

    def render(self):
        return "".join(self.parts) + "\n"


def noise(fake, rng):
    choices = [
        lambda: f"request_id={fake.uuid4()}",
        lambda: f"trace={rand(rng, HEX, 32)}",
        lambda: f"sha1={fake.sha1()}",
        lambda: f"latency_ms={rng.randint(1, 99999)}",
        lambda: f"order={rng.randint(1000000000, 9999999999)}",
        lambda: f"version=v{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
        lambda: f"amount={rng.randint(1, 99999)}.{rng.randint(0, 99):02d} EUR",
        lambda: f"due={fake.date()}",
        lambda: f"at={fake.date()} {fake.time()}",
        lambda: f"de_date={fake.date(pattern='%d.%m.%Y')}",
        lambda: f"path={fake.uri_path()}",
        lambda: f"ts={rng.randint(1600000000000, 1800000000000)}",
        lambda: f"bytes={rng.randint(0, 10**9)}",
        lambda: f'ua="{fake.user_agent()}"',
        lambda: f"token_type=Bearer scope=read",
        lambda: f"msg=\"{fake.sentence()}\"",
    ]
    return rng.choice(choices)()


def plant(line, fakes, rng):
    kind = rng.choice(["email", "phone", "iban", "card", "ipv4", "ipv6", "us_ssn", "uk_nino", "api_key",
                       "api_key", "email", "phone"])
    fake = rng.choice(fakes)
    if kind == "email":
        line.text(rng.choice(["user=", "to=", "from: ", "contact <", "notify "]))
        line.value("email", rng.choice([fake.email(), fake.free_email(), fake.company_email()]))
    elif kind == "phone":
        line.text(rng.choice(["phone=", "callback ", "tel: ", "sms to "]))
        line.value("phone", fake.phone_number())
    elif kind == "iban":
        iban = fake.iban()
        line.text(rng.choice(["iban=", "payee account ", "IBAN: "]))
        line.value("iban", group4(iban) if rng.random() < 0.3 else iban)
    elif kind == "card":
        number = fake.credit_card_number()
        if rng.random() < 0.25 and len(number) == 16:
            number = group4(number) if rng.random() < 0.5 else group4(number).replace(" ", "-")
        line.text(rng.choice(["card=", "pan ", "charged card "]))
        line.value("card", number)
    elif kind == "ipv4":
        line.text(rng.choice(["client=", "remote_addr=", "from ", "peer "]))
        line.value("ipv4", rng.choice([fake.ipv4_public(), fake.ipv4_private()]))
    elif kind == "ipv6":
        line.text(rng.choice(["client=", "remote_addr=", "from "]))
        line.value("ipv6", fake.ipv6())
    elif kind == "us_ssn":
        line.text(rng.choice(["ssn=", "SSN ", "tax_id: "]))
        line.value("us_ssn", fakes[0].ssn())
    elif kind == "uk_nino":
        line.text(rng.choice(["nino=", "NI number ", "ni: "]))
        line.value("uk_nino", nino(rng))
    else:
        rule, key = rng.choice(provider_keys(rng))
        context = rng.choice(["api_key=", "token: ", "key ", "env GH_TOKEN=", '"secret":"', "using "])
        line.text(context)
        line.value("api_key", key, rule)
        if context.endswith('"'):
            line.text('"')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="output directory (created if missing)")
    parser.add_argument("--size", type=int, default=1_000_000, help="approximate corpus size in bytes")
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    fakes = []
    for index, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(args.seed + index)
        fakes.append(fake)
    levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"]
    services = ["gateway", "billing", "mailer", "scheduler", "crm-sync", "payments"]

    os.makedirs(args.out, exist_ok=True)
    offset = 0
    count = 0
    with open(os.path.join(args.out, "corpus.txt"), "w", encoding="utf-8", newline="\n") as corpus, \
            open(os.path.join(args.out, "labels.jsonl"), "w", encoding="utf-8") as labels:
        while offset < args.size:
            fake = rng.choice(fakes)
            line = Line(offset)
            line.text(f"{fake.date_time_this_decade().strftime('%Y-%m-%dT%H:%M:%S')}.{rng.randint(0, 999):03d}Z "
                      f"{rng.choice(levels)} [{rng.choice(services)}] ")
            for index in range(rng.randint(1, 4)):
                if index:
                    line.text(" ")
                if rng.random() < 0.45:
                    plant(line, fakes, rng)
                else:
                    line.text(noise(fake, rng))
            rendered = line.render()
            corpus.write(rendered)
            for label in line.labels:
                labels.write(json.dumps(label) + "\n")
                count += 1
            offset += len(rendered.encode("utf-8"))
    print(json.dumps({"bytes": offset, "labels": count, "out": args.out}))


if __name__ == "__main__":
    main()
