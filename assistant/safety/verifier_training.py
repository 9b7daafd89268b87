"""Fine-tune the safety verifier on the labelled corpus (torch, CPU; training only).

``python -m assistant.safety.verifier_training`` (run by ``make safety-model`` after the part
classifier) writes ``data/verifier.safetensors`` and ``data/verifier.json``. Two runs of the same
recipe: one on 80 % of the corpus, scored on the held-out 20 % to fit the temperature and choose
the thresholds, then one on all of it, which is shipped. Deterministic for the same corpus, torch
version and thread count; its cost (minutes on this machine's cores) is recorded in the file.

Besides the corpus's own messages it learns from mixed ones made from them: a short disclosure
set among the sentences of an ordinary message keeps the disclosure's label (a disclosure inside
a request is still one), and two ordinary messages joined stay ordinary (length and a change of
subject are not signs of harm).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import random
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from assistant.models import ESCALATING
from assistant.safety.classifier import softmax
from assistant.safety.corpus import CORPUS_DIR, corpus_digest, load_corpus
from assistant.safety.parts import sentences
from assistant.safety.training import CATEGORIES, fit_temperature
from assistant.safety.verifier import VERIFIER_FILE, WEIGHTS_FILE, VerifierModel

log = logging.getLogger(__name__)

SEED = 0
HELD_OUT = 0.2
EPOCHS = 4
BATCH = 32
# The transformer layers learn slowly from the packaged weights; the new head fast.
ENCODER_RATE = 5e-5
HEAD_RATE = 2e-3
WARMUP = 0.1
LABEL_SMOOTHING = 0.05
MAX_TOKENS = 256
# A disclosure this short (words) is set inside ordinary messages to make mixed examples.
SHORT_DISCLOSURE = 30
# A flagged message escalates when harm is at least as likely as not (probabilities are
# calibrated on the held-out messages), and is answered with a pointer to help first from one in
# ten. Chosen, not tuned: the held-out figures at these values are recorded with the model.
ESCALATE = 0.5
CAUTION = 0.1
# ... and a message most likely off-topic is refused only on a confident verdict.
REFUSE = 0.8
ESCALATING_COLUMNS = [CATEGORIES.index(c) for c in ESCALATING]
ORDINARY = CATEGORIES.index("in_scope")


class Example(NamedTuple):
    text: str
    label: int


def mixed_examples(examples: list[Example], seed: int = SEED) -> list[Example]:
    """Each short disclosure set at a random sentence boundary of a random ordinary message,
    and as many pairs of ordinary messages joined."""
    draw = random.Random(seed)
    hosts = [e.text for e in examples if e.label == ORDINARY]
    short = [
        e
        for e in examples
        if e.label in ESCALATING_COLUMNS and len(e.text.split()) <= SHORT_DISCLOSURE
    ]
    made = []
    for disclosure in short:
        host = sentences(draw.choice(hosts))
        at = draw.randint(0, len(host))
        made.append(Example(" ".join([*host[:at], disclosure.text, *host[at:]]), disclosure.label))
    for _ in short:
        first, second = draw.sample(hosts, 2)
        made.append(Example(f"{first} {second}", ORDINARY))
    return made


def held_out_split(labels: np.ndarray, seed: int = SEED) -> np.ndarray:
    """A stratified mask of the held-out share of each category."""
    draw = np.random.default_rng(seed)
    held = np.zeros(len(labels), dtype=bool)
    for label in np.unique(labels):
        at = np.flatnonzero(labels == label)
        draw.shuffle(at)
        held[at[: int(len(at) * HELD_OUT)]] = True
    return held


class Trainer:
    """Fine-tunes the packaged MiniLM (transformer layers and a linear head; the word
    embeddings stay frozen) as a classifier of the corpus's categories."""

    def __init__(self, epochs: int = EPOCHS) -> None:
        from transformers import AutoTokenizer

        from assistant.index.embeddings import model_dir

        self.folder = str(model_dir())
        self.tokenizer = AutoTokenizer.from_pretrained(self.folder)
        self.epochs = epochs

    def _batches(self, examples: list[Example], shuffle: bool, draw: random.Random):
        order = sorted(range(len(examples)), key=lambda i: len(examples[i].text))
        runs = [order[i : i + BATCH] for i in range(0, len(order), BATCH)]
        if shuffle:
            draw.shuffle(runs)
        for run in runs:
            encoded = self.tokenizer(
                [examples[i].text for i in run],
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="pt",
            )
            yield run, encoded

    def fit(self, examples: list[Example]):
        """The trained network (``Network``), deterministic for the same examples."""
        import torch

        torch.manual_seed(SEED)
        draw = random.Random(SEED)
        network = _network(self.folder)
        steps = self.epochs * -(-len(examples) // BATCH)
        encoder = [p for p in network.bert.encoder.parameters()]
        optimiser = torch.optim.AdamW(
            [
                {"params": encoder, "lr": ENCODER_RATE},
                {"params": list(network.head.parameters()), "lr": HEAD_RATE},
            ],
            weight_decay=0.01,
        )
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser,
            lambda step: min(1.0, (step + 1) / (WARMUP * steps)) * max(0.0, 1 - step / steps),
        )
        labels = torch.tensor([e.label for e in examples])
        network.train()
        for epoch in range(self.epochs):
            started, total = time.perf_counter(), 0.0
            for run, encoded in self._batches(examples, True, draw):
                loss = torch.nn.functional.cross_entropy(
                    network(encoded), labels[run], label_smoothing=LABEL_SMOOTHING
                )
                loss.backward()
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
                total += loss.item() * len(run)
            log.info(
                "epoch %d: loss %.4f (%.0f s)",
                epoch + 1,
                total / len(examples),
                time.perf_counter() - started,
            )
        return network.eval()

    def logits(self, network, texts: list[str]) -> np.ndarray:
        import torch

        examples = [Example(text, 0) for text in texts]
        found = np.zeros((len(texts), len(CATEGORIES)), dtype=np.float32)
        with torch.no_grad():
            for run, encoded in self._batches(examples, False, random.Random(SEED)):
                found[run] = network(encoded).numpy()
        return found


def _network(folder: str):
    """The packaged transformer with a linear head over its unit-length mean-pooled vector
    (the vector the ONNX encoder gives), word embeddings frozen."""
    import torch
    from transformers import AutoModel

    class Network(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(folder)
            self.bert.embeddings.requires_grad_(False)
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.bert.config.hidden_size, len(CATEGORIES))

        def forward(self, encoded):
            hidden = self.bert(**encoded).last_hidden_state
            mask = encoded["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
            return self.head(self.dropout(torch.nn.functional.normalize(pooled, dim=1)))

    return Network()


def held_out_figures(probabilities: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """How the held-out messages fare at the thresholds, each read whole (harm: the highest
    escalating probability)."""
    harm = probabilities[:, ESCALATING_COLUMNS].max(axis=1)
    ordinary, risky = harm[labels == ORDINARY], harm[np.isin(labels, ESCALATING_COLUMNS)]
    return {
        "accuracy": round(float(np.mean(probabilities.argmax(1) == labels)), 4),
        "escalation_recall": round(float(np.mean(risky >= ESCALATE)), 4),
        "escalation_recall_with_pointer": round(float(np.mean(risky >= CAUTION)), 4),
        "false_escalations": round(float(np.mean(ordinary >= ESCALATE)), 4),
        "ordinary_with_pointer": round(float(np.mean(ordinary >= CAUTION)), 4),
    }


def _save_weights(network, path: Path) -> str:
    """The fine-tuned transformer layers as float16 safetensors; their sha256."""
    from safetensors.torch import save_file

    layers = {
        name: tensor.detach().half().contiguous()
        for name, tensor in network.bert.state_dict().items()
        if name.startswith("encoder.")
    }
    tmp = path.with_suffix(".tmp")
    save_file(layers, str(tmp))
    tmp.replace(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(folder: Path, weights: Path, out: Path, epochs: int = EPOCHS) -> VerifierModel:
    import torch

    started = time.perf_counter()
    corpus = [Example(e.text, CATEGORIES.index(e.label)) for e in load_corpus(folder)]
    labels = np.array([e.label for e in corpus])
    held = held_out_split(labels)
    trainer = Trainer(epochs)
    training = [e for e, h in zip(corpus, held, strict=True) if not h]
    log.info("Held-out run: %d examples (+ mixed), %d held out", len(training), held.sum())
    network = trainer.fit(training + mixed_examples(training))
    logits = trainer.logits(network, [e.text for e, h in zip(corpus, held, strict=True) if h])
    temperature = fit_temperature(logits, labels[held])
    figures = held_out_figures(softmax(logits / temperature), labels[held])
    log.info("Held out: %s", figures)
    log.info("Final run: %d examples (+ mixed)", len(corpus))
    network = trainer.fit(corpus + mixed_examples(corpus))
    head = network.head
    model = VerifierModel(
        categories=CATEGORIES,
        head=np.round(head.weight.detach().numpy(), 6).tolist(),
        bias=np.round(head.bias.detach().numpy(), 6).tolist(),
        temperature=round(temperature, 6),
        escalate=ESCALATE,
        caution=CAUTION,
        refuse=REFUSE,
        weights_sha256=_save_weights(network, weights),
        corpus_sha256=corpus_digest(folder),
        examples=len(corpus),
        holdout=figures,
        training={
            "minutes": round((time.perf_counter() - started) / 60, 1),
            "threads": torch.get_num_threads(),
            "epochs": epochs,
        },
    )
    model.save(out)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--weights", type=Path, default=WEIGHTS_FILE)
    parser.add_argument("--out", type=Path, default=VERIFIER_FILE)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from assistant.config import enforce_offline

    enforce_offline()
    model = train(args.corpus, args.weights, args.out)
    print(f"{model.examples} examples -> {args.out}, {args.weights}")
    print(f"escalate {model.escalate}, caution {model.caution}; held out {model.holdout}")
    print(f"training {model.training}")


if __name__ == "__main__":
    main()
