#!/usr/bin/env python3
"""Extracts the tests' WordNet fixture from a WordNet 3.0 dictionary directory (Debian: wordnet-base).

Usage: python3 make_fixture.py /usr/share/wordnet .
Keeps the synsets of the words below (their first three senses per part of speech), the index lines of every one-word lemma in them
(offsets limited to kept synsets) and their cntlist.rev lines. Lines are copied unchanged, so the
fixture is WordNet 3.0 data under the WordNet 3.0 licence (see LICENSES.md of data/suite).
"""
import os
import sys

WORDS = """dog cat animal pet bird fish food meal fruit apple tree oak plant flower house building home
car vehicle truck boat ship big large small little hot cold warm good bad happy sad new old young
run walk move eat drink water red color blue green day night man woman child person friend book word
letter write read speak talk open close begin end early late fast slow high low long short light dark
fire earth stone wood paper school teacher student city town road river sea""".split()

src, dst = sys.argv[1], sys.argv[2]
POS = ["noun", "verb", "adj", "adv"]
offsets = {p: set() for p in POS}
index = {p: {} for p in POS}
for p in POS:
    for line in open(os.path.join(src, "index." + p), encoding="utf-8"):
        if line.startswith("  "):
            continue
        f = line.split()
        index[p][f[0]] = line
        if f[0] in WORDS:
            offsets[p].update(f[-int(f[2]):][:3])

data = {p: [] for p in POS}
lemmas = set()
for p in POS:
    for line in open(os.path.join(src, "data." + p), encoding="utf-8"):
        if line.startswith("  "):
            continue
        f = line.split()
        if f[0] in offsets[p]:
            data[p].append(line)
            for i in range(int(f[3], 16)):
                lemmas.add(f[4 + 2 * i].split("(")[0].lower())

for p in POS:
    with open(os.path.join(dst, "data." + p), "w", encoding="utf-8") as out:
        out.writelines(data[p])
    with open(os.path.join(dst, "index." + p), "w", encoding="utf-8") as out:
        for lemma in sorted(lemmas):
            line = index[p].get(lemma)
            if line:
                f = line.split()
                n = int(f[2])
                kept = [o for o in f[-n:] if o in offsets[p]]
                if kept:
                    out.write(" ".join(f[:2] + [str(len(kept))] + f[3:-n] + kept) + "  \n")
with open(os.path.join(dst, "cntlist.rev"), "w", encoding="utf-8") as out:
    for line in open(os.path.join(src, "cntlist.rev"), encoding="utf-8"):
        if line.split("%")[0] in lemmas:
            out.write(line)
