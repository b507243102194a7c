#!/usr/bin/env python3
"""Run Microsoft Presidio (presidio-analyzer, offline no_op NLP engine) over a corpus made by make_corpus.py.

Prints one JSON summary: throughput in bytes per second (time spent in AnalyzerEngine.analyze only, one call
per log line, single thread) and per-type recall and precision scored exactly like
RedactionBenchmark.evaluate in WardenRedaction:

- a label is recalled when a result of the same type covers all of it;
- a result is correct when it overlaps a label of its type; results where nothing is labelled are false
  positives;
- a label is leaked when no result of any entity type covers all of it.

Presidio entities are mapped to the corpus types; entities with no counterpart (URL, DATE_TIME, ...) are not
scored for precision but do count as covering a label. Presidio has no API-key recognizer, so api_key labels
can only be covered by accident.
"""

import argparse
import json
import os
import time
from collections import defaultdict

import tldextract
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider

# Presidio's email recognizer calls tldextract, which would fetch the public suffix list over the network.
# Use the snapshot bundled with tldextract so the run is offline and its timing has no network in it.
_OFFLINE_TLD = tldextract.TLDExtract(suffix_list_urls=())
tldextract.extract = lambda *args, **kwargs: _OFFLINE_TLD(*args, **kwargs)

ENTITY_TYPES = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "IBAN_CODE": "iban",
    "CREDIT_CARD": "card",
    "US_SSN": "us_ssn",
    "UK_NINO": "uk_nino",
}


def corpus_type(entity, text):
    if entity == "IP_ADDRESS":
        return "ipv6" if ":" in text else "ipv4"
    return ENTITY_TYPES.get(entity)


def make_analyzer():
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "no_op",
        "models": [{"lang_code": "en", "model_name": "no_op"}],
    })
    return AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus_dir", help="directory holding corpus.txt and labels.jsonl")
    parser.add_argument("--entities", choices=["all", "scored"], default="all",
                        help="all: every default recognizer (default); scored: only the entities scored here")
    args = parser.parse_args()
    entities = None if args.entities == "all" else sorted(list(ENTITY_TYPES) + ["IP_ADDRESS"])

    with open(os.path.join(args.corpus_dir, "corpus.txt"), encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    with open(os.path.join(args.corpus_dir, "labels.jsonl"), encoding="utf-8") as f:
        labels = [json.loads(line) for line in f if line.strip()]

    analyzer = make_analyzer()
    analyzer.analyze(text="warm up bob@example.com", language="en")

    findings = []  # (type or None, start byte, end byte)
    elapsed = 0.0
    cpu = 0.0
    offset = 0
    for line in lines:
        started = time.perf_counter()
        started_cpu = time.process_time()
        results = analyzer.analyze(text=line, language="en", entities=entities)
        elapsed += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
        for result in results:
            start = offset + len(line[:result.start].encode("utf-8"))
            end = offset + len(line[:result.end].encode("utf-8"))
            findings.append((corpus_type(result.entity_type, line[result.start:result.end]), start, end))
        offset += len(line.encode("utf-8"))
    total_bytes = offset

    scores = defaultdict(lambda: {"labels": 0, "findings": 0, "recalled": 0, "correct": 0, "leaked": 0})
    for label in labels:
        score = scores[label["type"]]
        score["labels"] += 1
        covering = [f for f in findings if f[1] <= label["start"] and f[2] >= label["end"]]
        if any(f[0] == label["type"] for f in covering):
            score["recalled"] += 1
        if not covering:
            score["leaked"] += 1
    labels_by_type = defaultdict(list)
    for label in labels:
        labels_by_type[label["type"]].append((label["start"], label["end"]))
    for kind, start, end in sorted(set(findings), key=lambda f: (f[1], f[2], f[0] or "")):
        if kind is None:
            continue
        score = scores[kind]
        score["findings"] += 1
        if any(s < end and start < e for s, e in labels_by_type[kind]):
            score["correct"] += 1

    total = {"labels": 0, "findings": 0, "recalled": 0, "correct": 0, "leaked": 0}
    for score in scores.values():
        for key in total:
            total[key] += score[key]
    for score in list(scores.values()) + [total]:
        score["recall"] = score["recalled"] / score["labels"] if score["labels"] else 1.0
        score["precision"] = score["correct"] / score["findings"] if score["findings"] else 1.0

    print(json.dumps({
        "engine": "presidio-analyzer (no_op NLP engine, default recognizers)",
        "entities": args.entities,
        "bytes": total_bytes,
        "lines": len(lines),
        "seconds": elapsed,
        "cpuSeconds": cpu,
        "bytesPerSecond": total_bytes / elapsed if elapsed else 0.0,
        "bytesPerCPUSecond": total_bytes / cpu if cpu else 0.0,
        "byType": dict(sorted(scores.items())),
        "total": total,
    }, indent=2))


if __name__ == "__main__":
    main()
