"""The verifier's training recipe and its ONNX reader: a small corpus, one epoch (the shipped
model is trained on the whole corpus by `make safety-model`, about 25 minutes on 2 cores)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from assistant.index.embeddings import model_dir
from assistant.safety.classifier import softmax
from assistant.safety.corpus import corpus_digest, load_corpus
from assistant.safety.verifier import Verifier, VerifierModel, windows
from assistant.safety.verifier_training import mixed_examples, train

pytestmark = pytest.mark.integration

TEXTS = [
    "my mentor has been ghosting me for like 6 weeks",
    "he grabbed my arm after the meeting and said nobody would believe me",
    " ".join(f"On day {day} we talked about the rota, the ward and my exams." for day in range(30)),
]


def torch_probabilities(model: VerifierModel, weights, texts: list[str]) -> np.ndarray:
    """The trained network's probabilities, computed with torch and transformers."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModel, AutoTokenizer

    bert = AutoModel.from_pretrained(str(model_dir())).eval()
    bert.load_state_dict({k: t.float() for k, t in load_file(weights).items()}, strict=False)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir()))
    with torch.no_grad():
        encoded = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
        hidden = bert(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1)
    logits = pooled.numpy() @ np.asarray(model.head).T + np.asarray(model.bias)
    return softmax(logits / model.temperature)


def test_training_makes_a_verifier_whose_onnx_reader_agrees_with_the_network(tmp_path):
    by_label: dict[str, list[str]] = {}
    for example in load_corpus():
        by_label.setdefault(example.label, []).append(example.text)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    picked = [
        {"text": text, "label": label} for label, texts in by_label.items() for text in texts[:10]
    ]
    (corpus / "small.yaml").write_text(yaml.safe_dump(picked))
    weights, out = tmp_path / "verifier.safetensors", tmp_path / "verifier.json"

    model = train(corpus, weights, out, epochs=1)

    assert VerifierModel.load(out) == model
    assert model.corpus_sha256 == corpus_digest(corpus) and model.examples == 50
    assert {"accuracy", "escalation_recall", "false_escalations"} <= set(model.holdout)
    verifier = Verifier(model, tmp_path / "cache", weights)
    ours = np.stack([verifier.probabilities(text) for text in TEXTS[:2]])
    assert np.abs(ours - torch_probabilities(model, weights, TEXTS[:2])).max() < 1e-4
    # A long message is read in windows: each category's highest probability over them.
    read = windows(TEXTS[2])
    assert len(read) > 1
    by_window = torch_probabilities(model, weights, read)
    assert verifier.probabilities(TEXTS[2]) == pytest.approx(by_window.max(axis=0), abs=1e-4)
    assert len(list((tmp_path / "cache").glob("*-tuned-*.onnx"))) == 2  # export + optimised


def test_mixed_examples_keep_a_disclosures_label_and_joined_ordinary_messages_ordinary():
    from assistant.safety.verifier_training import ORDINARY, Example

    examples = [
        Example("How do I set goals? We meet on Tuesdays.", ORDINARY),
        Example("What should our first session cover?", ORDINARY),
        Example("he follows me home after every session", 0),
    ]
    made = mixed_examples(examples)
    assert made == mixed_examples(examples)  # deterministic
    (disclosure,) = [e for e in made if e.label == 0]
    assert "he follows me home after every session" in disclosure.text
    assert len(disclosure.text) > len("he follows me home after every session")
    assert [e.label for e in made].count(ORDINARY) == 1
