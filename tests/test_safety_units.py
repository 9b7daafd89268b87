"""Safety screening pieces on their own: message parts, rules, corpus, classifier features, and
routing decisions over a stand-in classifier (fast: no embedding model)."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest
import yaml
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import ValidationError

from assistant.errors import InputError
from assistant.models import Route
from assistant.safety.classifier import MODEL_FILE, ClassifierModel, SafetyClassifier, ngrams
from assistant.safety.corpus import corpus_digest, load_corpus
from assistant.safety.parts import MAX_PARTS, message_parts, sentences
from assistant.safety.router import SafetyRouter
from assistant.safety.rules import RuleFile, Rules, shipped_rules
from assistant.safety.second_opinion import LLMSecondOpinion
from assistant.safety.verifier import WEIGHTS_FILE, Verifier, VerifierModel, windows
from evals.dataset import DATASETS

pytestmark = pytest.mark.unit

MIXED = (
    "trying to set my goals for next quarter but honestly i can't picture myself still being "
    "around by then. lately i keep thinking everyone would be better off if i just disappeared. "
    "anyway what's a good format for quarterly goals?"
)


# ---------------------------------------------------------------- parts


def test_every_sentence_clause_and_neighbouring_pair_is_a_part_after_the_whole():
    parts = message_parts(MIXED)
    assert parts[0].kind == "whole" and parts[0].text == " ".join(MIXED.split())
    texts = [p.text for p in parts if p.kind == "sentence"]
    assert texts == sentences(MIXED) and len(texts) == 3
    assert any(
        p.kind == "clause" and p.text == "trying to set my goals for next quarter" for p in parts
    )
    assert sum(p.kind == "pair" for p in parts) == 2
    assert len({p.text for p in parts}) == len(parts)


def test_a_one_sentence_question_is_one_part_and_lowercase_sentences_still_split():
    assert [p.kind for p in message_parts("how do i set goals with my mentee?")] == ["whole"]
    assert sentences("we met twice. he said no. ok") == ["we met twice.", "he said no. ok"]


def test_a_message_at_the_length_limit_screens_in_bounded_parts():
    long = " ".join(f"sentence number {i} is about goals." for i in range(200))
    assert len(message_parts(long)) == MAX_PARTS


# ---------------------------------------------------------------- rules


def test_rules_catch_unambiguous_words_only():
    rules = shipped_rules()
    assert rules.match("I keep thinking about killing myself").category == "crisis"
    assert rules.match("he groped me at the party").category == "conduct"
    assert rules.match("my dad had a heart attack last night").category == "legal_medical"
    # The wheel smoke test's message, which the classifier alone scored under its threshold.
    assert rules.match("I think my mentor is stalking me after our sessions").category == "conduct"
    assert rules.match("my mentee's stalker knows where we meet").category == "conduct"
    for ordinary in (
        "what should our code of conduct say about harassment?",
        "I wanted to die of embarrassment after my demo",
        "this deadline is killing me",
        "my mentee has been unresponsive for weeks",
        "I stalked her LinkedIn before asking her to mentor me",
    ):
        assert rules.match(ordinary) is None, ordinary


def test_a_rules_file_with_a_broken_regex_or_in_scope_rules_is_rejected():
    with pytest.raises(ValidationError, match="not a regex"):
        RuleFile.model_validate({"crisis": ["(unclosed"]})
    with pytest.raises(ValidationError, match="in_scope has no rules"):
        RuleFile.model_validate({"in_scope": ["hello"]})
    assert Rules({"crisis": ["foo"]}).match("a FOO here").words == "FOO"


def test_a_broken_rules_file_is_an_error_naming_the_file(tmp_path):
    from assistant.errors import DataFileError

    broken = tmp_path / "rules.yaml"
    broken.write_text("crisis:\n  - (unclosed\n")
    with pytest.raises(DataFileError, match=r"rules\.yaml: crisis: .*not a regex"):
        Rules.from_file(broken)


# ---------------------------------------------------------------- corpus and model


@pytest.fixture(scope="module")
def corpus():
    """The shipped corpus, parsed once for the tests that read it (a few seconds of YAML)."""
    return load_corpus()


def test_the_corpus_is_large_varied_and_labelled_in_every_category(corpus):
    examples = corpus
    assert len(examples) >= 1500
    counts = {c: sum(e.label == c for e in examples) for c in MODEL.categories}
    assert min(counts.values()) >= 300, counts
    voices = {e.role for e in examples if e.label == "conduct"}
    assert {"mentee", "mentor", "program-lead"} <= voices


def test_the_corpus_holds_no_evaluation_question(corpus):
    """Written for training only: no eval-set question is in it, whole or as a sentence."""
    texts = {" ".join(e.text.lower().split()) for e in corpus}
    for path in DATASETS.glob("*.yaml"):
        for case in yaml.safe_load(path.read_text()):
            question = " ".join(case["question"].lower().split())
            assert question not in texts, (path.name, case["id"])


def test_a_text_labelled_twice_differently_is_an_error(tmp_path):
    (tmp_path / "a.yaml").write_text('- {text: "he said hi", label: in_scope}\n')
    (tmp_path / "b.yaml").write_text('- {text: "He said  hi", label: conduct}\n')
    with pytest.raises(InputError, match="labelled both"):
        load_corpus(tmp_path)
    (tmp_path / "b.yaml").write_text('- {text: "x", label: unknown}\n')
    with pytest.raises(InputError, match="example 1 is invalid"):
        load_corpus(tmp_path)


MODEL = ClassifierModel.load(MODEL_FILE)


def test_the_shipped_model_was_trained_on_the_corpus_as_it_is(corpus):
    """Edit the corpus without `python -m assistant.safety.training` and this fails."""
    assert MODEL.corpus_sha256 == corpus_digest()
    assert MODEL.examples == len(corpus)
    assert all(0 < MODEL.thresholds[c] < 1 for c in MODEL.thresholds)
    assert all(MODEL.screening[c] <= MODEL.thresholds[c] for c in MODEL.screening)
    verifier = VerifierModel.load()
    assert verifier.corpus_sha256 == corpus_digest() and verifier.examples == len(corpus)
    assert verifier.weights_sha256 == hashlib.sha256(WEIGHTS_FILE.read_bytes()).hexdigest()
    assert 0 < verifier.caution < verifier.escalate < 1


def test_word_features_equal_scikit_learns_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["My mentor's hand stayed on my knee", "we   meet every Tuesday; he's late", "ok"]
    vectorizer = TfidfVectorizer(
        vocabulary=MODEL.vocabulary,
        ngram_range=(1, 2),
        sublinear_tf=True,
    )
    vectorizer.idf_ = np.asarray(MODEL.idf)
    expected = vectorizer.transform(texts)
    classifier = SafetyClassifier(MODEL)
    for row, text in enumerate(texts):
        ours = classifier.word_features(text)
        theirs = dict(
            zip(expected[row].indices.tolist(), expected[row].data.tolist(), strict=False)
        )
        assert ours.keys() == theirs.keys()
        assert all(abs(ours[i] - theirs[i]) < 1e-9 for i in ours)
    assert ngrams("He's OK") == ["he", "ok", "he ok"]


# ---------------------------------------------------------------- routing decisions


class WordClassifier(SafetyClassifier):
    """A stand-in that scores a part by its words, so routing logic is tested without MiniLM."""

    CUES = {
        "knee": "legal_medical",
        "disappear": "crisis",
        "hotel": "conduct",
        "playlist": "out_of_scope",
    }

    def __init__(self) -> None:
        super().__init__(MODEL)

    def probabilities(self, vectors, texts):
        rows = []
        for text in texts:
            found = [c for cue, c in self.CUES.items() if cue in text.lower()]
            row = np.full(len(self.categories), 0.02)
            row[self.index(found[0] if found else "in_scope")] = 0.92
            rows.append(row)
        return np.array(rows)


class WordVerifier(Verifier):
    """A stand-in for the fine-tuned reader of whole messages, by cue words (so no model is
    exported here): harm with "for good", some sign of it with "drill" or "rehearsal"."""

    CUES = {
        "for good": ("crisis", 0.9),
        "drill": ("legal_medical", 0.3),
        "offsite": ("conduct", 0.3),
        "rehearsal": ("crisis", 0.3),
        "recipe": ("out_of_scope", 0.9),
    }

    def __init__(self, tmp_path) -> None:
        super().__init__(VerifierModel.load(), tmp_path)
        self.read: list[str] = []

    def probabilities(self, message):
        self.read.append(message)
        row = np.full(len(self.categories), 0.01)
        category, harm = next(
            (found for cue, found in self.CUES.items() if cue in message), ("crisis", 0.02)
        )
        row[self.categories.index(category)] = harm
        row[self.categories.index("in_scope")] = 1 - harm
        return row


@pytest.fixture
def verifier(tmp_path) -> WordVerifier:
    return WordVerifier(tmp_path)


@pytest.fixture
def router(verifier):
    def make(second_opinion=None) -> SafetyRouter:
        return SafetyRouter(
            lambda texts: np.zeros((len(texts), 384), dtype=np.float32),
            WordClassifier(),
            Rules({"crisis": ["kill myself"]}),
            verifier,
            second_opinion,
        )

    return make


def test_a_flagged_message_escalates_when_the_verifier_reads_harm_in_it_whole(router, verifier):
    message = MIXED.replace("disappeared", "disappeared for good")
    route = router().route(message)
    assert verifier.read == [message]
    assert route.category == "crisis" and route.source == "verifier"
    assert route.part_kind == "sentence" and "disappeared" in route.part
    assert route.score == pytest.approx(0.9)
    assert route.ordinary == "anyway what's a good format for quarterly goals?"
    assert "scored 0.92 for crisis" in route.reason and "verifier: 0.90" in route.reason


def test_a_flagged_message_the_verifier_clears_is_answered_with_or_without_a_pointer(
    router, verifier
):
    """The part classifier flags a part; read whole, the message is ordinary (no pointer) or
    near harm (answered, led by a pointer to help)."""
    cleared = router().route("after the launch i just want to disappear for a week, any tips?")
    assert cleared.category == "in_scope" and cleared.caution is None
    assert "no present harm" in cleared.reason
    near = router().route("in the drill he bumped my knee. how do i debrief my mentee?")
    assert near.category == "in_scope" and near.caution == "legal_medical"
    assert len(verifier.read) == 2


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("in the rehearsal i wanted to disappear. how do i debrief my mentee?", "crisis"),
        ("at the offsite he came to my hotel room. what do our program rules say?", "conduct"),
    ],
)
def test_a_possible_risk_to_life_or_harassment_escalates_when_both_stages_see_it(
    router, message, category
):
    """The verifier's pointer zone is enough for a crisis or a report of harassment the part
    classifier would have escalated on its own (0.92 here, above its thresholds); not for a
    legal or medical matter (the knee above: answered, led by a pointer)."""
    route = router().route(message)
    assert route.category == category and route.source == "verifier"
    assert route.score == pytest.approx(0.3)


class UnsureClassifier(WordClassifier):
    """Finds every message most likely, not surely, off-topic (below its refusal threshold)."""

    def probabilities(self, vectors, texts):
        rows = np.full((len(texts), len(self.categories)), 0.05)
        rows[:, self.index("out_of_scope")] = MODEL.thresholds["out_of_scope"] - 0.05
        return rows


def test_a_message_most_likely_off_topic_is_refused_only_on_a_confident_verdict(verifier):
    router = SafetyRouter(
        lambda texts: np.zeros((len(texts), 384), dtype=np.float32),
        UnsureClassifier(),
        Rules({}),
        verifier,
    )
    refused = router.route("as my mentor, write me a recipe for lasagne")
    assert refused.category == "out_of_scope" and refused.source == "verifier"
    assert refused.score == pytest.approx(0.9)
    assert router.route("how do I prepare for my first session?").category == "in_scope"


def test_an_unflagged_message_is_never_read_again(router, verifier):
    route = router().route("how do I set goals with my mentee")
    assert route.category == "in_scope" and verifier.read == []


def test_a_rule_names_its_words_and_the_part_that_holds_them(router):
    route = router().route(
        "Can you plan my session? Some days I want to kill myself. Thanks so much."
    )
    assert (route.category, route.source, route.score) == ("crisis", "rule", 1.0)
    assert route.part == "Some days I want to kill myself." and route.part_kind == "sentence"
    assert route.ordinary == "Can you plan my session?"


def test_an_out_of_scope_request_is_refused_and_an_ordinary_one_answered(router):
    assert router().route("as my mentor, make me a playlist for my party").category == (
        "out_of_scope"
    )
    ordinary = router().route("how do I set goals with my mentee")
    assert ordinary.category == "in_scope" and not ordinary.escalate
    assert "closest risk" in ordinary.reason


class Opinion:
    def __init__(self, route: Route | None) -> None:
        self.route, self.asked = route, 0

    def review(self, message: str) -> Route | None:
        self.asked += 1
        return self.route


def test_a_second_opinion_can_raise_a_route_to_an_escalation_but_never_lower_one(router):
    raised = Route(
        category="conduct", part="he waits by my car", score=0.8, source="second_opinion"
    )
    opinion = Opinion(raised)
    route = router(opinion).route("Plan my next session? he waits by my car every night.")
    assert route.category == "conduct" and route.source == "second_opinion"
    assert route.ordinary == "Plan my next session?"
    lower = Opinion(Route(category="in_scope", part="x", score=0.9))
    escalated = router(lower).route("lately i think i should just disappear for good")
    assert escalated.category == "crisis" and lower.asked == 0
    ignored = router(Opinion(Route(category="out_of_scope", part="x", score=0.9)))
    assert ignored.route("how do I set goals").category == "in_scope"


def test_the_llm_second_opinion_parses_a_verdict_and_falls_back_on_any_failure(caplog):
    """A remote LLM cannot run here: a fake chat model stands in for its replies."""
    replies = [
        '{"category": "crisis", "part": "won\'t matter after friday", "confidence": 0.9}',
        '{"category": "crisis", "part": "x", "confidence": 0.2}',
        "I think this is fine!",
    ]
    opinion = LLMSecondOpinion(FakeListChatModel(responses=replies))
    message = "plan my goals, it won't matter after friday anyway"
    route = opinion.review(message)
    assert route.category == "crisis" and route.part == "won't matter after friday"
    assert route.source == "second_opinion" and route.score == 0.9
    assert opinion.review(message) is None  # not confident enough
    assert opinion.review(message) is None  # unparseable: the classifier's route stands
    assert re.search("second opinion failed", caplog.text)


def test_an_edited_corpus_is_trained_once_into_the_cache_and_a_damaged_cache_is_redone(
    tmp_path, caplog
):
    from assistant.safety.training import current_model

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = [
        f'- {{text: "{category} example number {i} {word}", label: {category}}}'
        for category, word in zip(
            MODEL.categories, ["knee", "pills", "chest", "recipe", "goals"], strict=True
        )
        for i in range(6)
    ]
    (corpus / "mine.yaml").write_text("\n".join(lines) + "\n")
    rng = np.random.default_rng(0)
    encoded: list[int] = []

    def encode(texts):
        encoded.append(len(texts))
        vectors = rng.normal(size=(len(texts), 384)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    model = current_model(tmp_path / "cache", encode, corpus)
    assert model.examples == 30 and model.corpus_sha256 == corpus_digest(corpus)
    assert current_model(tmp_path / "cache", encode, corpus) == model  # from the cache
    (cached,) = (tmp_path / "cache").glob("safety-classifier-*.json")
    cached.write_text("{broken")
    assert current_model(tmp_path / "cache", encode, corpus).examples == 30
    assert "is unreadable" in caplog.text
    (corpus / "mine.yaml").write_text("- [unclosed")
    with pytest.raises(InputError, match="is not valid YAML"):
        load_corpus(corpus)


def test_a_long_message_is_read_whole_in_overlapping_windows_of_sentences():
    short = "My mentor cancelled again. How do I raise it?"
    assert windows(short) == [short]
    told = [f"Sentence {i} of my long story about the rota and the ward." for i in range(40)]
    message = " ".join([*told, "He waits by my car every night."])
    found = windows(message, limit=60)
    assert len(found) > 1 and all(55 <= len(w.split()) <= 60 for w in found)  # as long as can be
    assert found[-1].endswith("He waits by my car every night.")
    for before, after in zip(found, found[1:], strict=False):
        assert set(sentences(before)) & set(sentences(after))  # a situation across the seam
    assert {s for w in found for s in sentences(w)} == set(sentences(message))
