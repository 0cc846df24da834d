"""Build interviewer/grading/data/english_frequency.tsv.gz: how common each English word family is.

    .venv/bin/pip install -e '.[data]' && .venv/bin/python scripts/build_english_frequency.py

jieba's IDF table, which weighs the terms the offline grader matches, has no Latin words at all, so "pointer",
"elements" and "time" all weighed as a rare term (lexical.UNKNOWN_IDF). This table gives each family of English
words (the Snowball stem the grader matches on, `lexical.stem`) its Zipf frequency in general English, from
the wordfreq package's "large" English list (Speer et al., data under CC BY-SA 4.0: see the README beside the
table). A family's frequency is the sum of its words' frequencies. Only families common enough to weigh less
than an unknown word are kept (Zipf >= MIN_ZIPF; rarer ones weigh UNKNOWN_IDF anyway). Run once; the output is
committed and read at run time (wordfreq is not a run-time dependency).
"""

from __future__ import annotations

import gzip
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from interviewer.grading.lexical import ENGLISH_FREQUENCY, MIN_ZIPF, stem  # noqa: E402

WORD = re.compile(r"[a-z]+")


def main() -> int:
    from wordfreq import top_n_list, word_frequency

    families: dict[str, float] = defaultdict(float)
    for word in top_n_list("en", 400_000, wordlist="large"):
        if WORD.fullmatch(word):
            families[stem(word)] += word_frequency(word, "en", wordlist="large")
    rows = sorted((round(math.log10(f * 1e9), 2), s) for s, f in families.items() if f > 0)
    kept = [(s, z) for z, s in rows if z >= MIN_ZIPF]
    with gzip.open(ENGLISH_FREQUENCY, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("".join(f"{s}\t{z}\n" for s, z in sorted(kept)))
    print(f"{len(kept)} English word families (Zipf >= {MIN_ZIPF}) -> {ENGLISH_FREQUENCY.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
