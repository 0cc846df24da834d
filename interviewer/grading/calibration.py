"""The constants that turn the offline grader's evidence into a 0-10 score, and where each came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Calibration:
    """Constants of the evidence -> 0-10 map.

    Fitted on the sas-ads dev split only (questions 001 003 005 007 009 011 014 019, 597 answers;
    `python -m evals.sas_ads --fit`): score = intercept + slope * coverage ** exponent - conflict_penalty
    * formula_conflict, clipped to 0-10, by least squares of the human score; formula_weight and exponent
    were picked from {24, 48, 96, 192} x {0.35, 0.5, 0.7} by leave-one-question-out Pearson on dev;
    emb_slope/emb_intercept by least squares of per-point lexical coverage on the embedding z-score over
    dev points (the map that lets an English answer earn what its Chinese twin would). Leave-one-question-
    out Pearson on dev: 0.731 (exponent 0.25 ties at 0.730; 0.5: 0.720; formula_weight 24: 0.701).
    Since the learned scorer (scorer.py), intercept/slope/exponent/conflict_penalty no longer score answers:
    they only fix the strengths at which a key point counts as covered or partly covered. The caps are
    rules, not fitted (sas-ads has no such answers).
    """

    formula_weight: float = 48.0
    exponent: float = 0.35
    slope: float = 10.78
    intercept: float = 0.15
    conflict_penalty: float = 2.14
    emb_slope: float = 0.0752
    emb_intercept: float = 0.1232
    # How much a key point weighs in the answer's coverage: its lexical mass (IDF-weighted terms and formulas)
    # to this power. At 1 a long enumerated point ("关注秩 r、插入点（Q/K/V/FFN）、LoRA Alpha/Dropout、正则与合并策略",
    # mass 182) outweighed the two short points it sat beside (~50 each) together, so an answer covering those
    # two fully had coverage 0.34; reviewers and the rubric's completeness count points, not terms. Chosen by the
    # served recipe's cross-validation by question (2026-12-02, sixteenth session; powers 1, 0.5, 0 tried, the
    # model refitted on each): own dev Pearson / Spearman .803 / .789, .805 / .790, .804 / .790; own-en .777 /
    # .751, .779 / .753, .777 / .752; ADS .703, .704, .704; LE .872, .876, .876 — 0.5 the best or tied on each
    # source, a small gain (≤ .004) within what a retrain moves.
    point_weight_power: float = 0.5
    # The old per-point rule: a point counted as covered from the strength at which an answer covering every
    # point that well would score this (7). Derived, not fitted: 0.274 with the constants above. The report
    # now judges points with a learned model (point_model.py; this rule is its baseline in
    # evals/training/points.py: 3-class accuracy on reviewers' test labels .564 against the model's .691);
    # the scorer's covered_share / partly_share features still read these two strengths (features.py).
    covered_score: float = 7.0
    partly_score: float = 5.0  # ...and partly covered from the strength that would earn half marks (0.102)
    on_topic_rank: float = 0.9  # a sentence is on topic when its best point beats 90% of the background
    off_topic_coverage: float = 0.15  # ...and an answer with no such sentence and less coverage is off topic
    # The flag also needs the learned score at or below this: topicality evidence alone flagged complete
    # English answers (their sentences rank Chinese key points of other items first). A rule, not fitted.
    off_topic_score: float = 2.5
    off_topic_cap: float = 1.5  # an answer with no sentence about the reference scores at most this...
    unrelated_score: float = 4.0  # ...when the scorer already rates it at most partial (a rule, not fitted)
    # ...or one where more than `off_topic_item_rank` other bank items match the answer better than the
    # asked one, the best by more than `off_topic_item_margin` cosine, while it covers little. Picked on
    # evals/labelled/dev.jsonl only: rank alone (> 15) also caught thin on-topic answers (4 of 15 partial);
    # margin 0.025-0.035 is a plateau of dev Spearman (.791 against .784 without it) and flags 2 partial;
    # different-question answers have margins of 0.041-0.086. Rank alone at 5 lowered dev Spearman.
    off_topic_item_rank: int = 15
    off_topic_item_coverage: float = 0.2
    off_topic_item_margin: float = 0.03
    # A hedge ("具体不清楚" plus a short clause) covering less than this is a non-answer. Set from dev: its two
    # hedged non-answers cover 0.011 and 0.028 (and were scored 2.4 and 3.2); no dev answer that says
    # something real is a hedge (partial ones that hedge run to 44+ characters besides the phrase).
    hedge_coverage: float = 0.05
    # ...and one that covers more earns at most partial credit (a rule: the labelled set's partial answers
    # average 4.1). English hedges need it most: "Not sure, something about experts" scored 6.4 on the
    # embedding evidence alone, which measures the topic more than the content.
    hedge_cap: float = 4.0
    # A bare list of the right terms names the points without explaining any (a rule: the labelled set's
    # keyword lists average 3.1; enumeration questions are exempt, their answer may be a list).
    term_list_cap: float = 4.0
    verdict_cap: float = 2.0  # a true/false answer with the opposite verdict to the reference

    @property
    def covered_at(self) -> float:
        return self.coverage_for(self.covered_score)

    @property
    def partly_at(self) -> float:
        return self.coverage_for(self.partly_score)

    def coverage_for(self, score: float) -> float:
        """The coverage whose score (before penalties and caps) is `score`."""
        return float((max(score - self.intercept, 0.0) / self.slope) ** (1.0 / self.exponent))


DEFAULT_CALIBRATION = Calibration()
