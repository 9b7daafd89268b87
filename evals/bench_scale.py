"""Benchmark: how ingest, adding a file, `Coach.open`, ask latency and memory grow with the index.

Synthetic corpora (10k, 30k and 100k chunks by default) are made by recombining the knowledge
base's sentences into documents of eight one-chunk sections. A synthetic text's vector is the mean
of its sentences' real vectors (each sentence is encoded once and cached), so growing to 100k
chunks costs the Chroma, BM25 and catalog work of a real ingest, not hours of encoding. Questions,
the added file and the built-in knowledge use the real model. Every size is compared with the
built-in knowledge alone (the baseline), measured in the same run. ``--chroma-server`` runs the
same through a local `chroma run` server (COACH_CHROMA_URL).

Usage: python -m evals.bench_scale [--sizes 10000 30000 100000] [--chroma-server] [--json FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

import numpy as np
import yaml

from assistant.coach import Coach
from assistant.config import Settings
from assistant.generation.composer import Composer
from assistant.index.embeddings import PackagedEmbeddings, onnx_encoder
from assistant.index.live import LiveIndex
from assistant.index.sentences import SentenceStore, plain, split_units
from assistant.ingest import chunk_document, load_file
from evals.bench_ask import DEV_SET
from evals.metrics import sample_percentile as percentile

SECTIONS_PER_DOC = 8
SENTENCES_PER_SECTION = 5


class SyntheticEmbeddings(PackagedEmbeddings):
    """Known sentences get their real (cached) vector; a text made of known sentences gets
    their normalised mean; anything else goes to the real model."""

    def __init__(self, known: dict[str, np.ndarray], **kwargs) -> None:
        super().__init__(**kwargs)
        self.known = known

    def encode(self, texts: list[str]) -> np.ndarray:
        rows: list[np.ndarray | None] = [self._compose(text) for text in texts]
        unknown = [i for i, row in enumerate(rows) if row is None]
        vectors = super().encode([texts[i] for i in unknown])
        for i, vector in zip(unknown, vectors, strict=True):
            rows[i] = vector
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)

    def _compose(self, text: str) -> np.ndarray | None:
        if text in self.known:
            return self.known[text]
        parts = [self.known.get(plain(u)) for u in split_units(text.split("\n\n", 1)[-1])]
        found = [p for p in parts if p is not None]
        if not found:
            return None
        mean = np.mean(found, axis=0)
        return mean / np.linalg.norm(mean)


def sentence_vectors(settings: Settings) -> dict[str, np.ndarray]:
    """Every built-in sentence's real vector, encoded once and cached in the cache folder."""
    sentences = sorted(
        {
            plain(unit)
            for path in sorted(settings.knowledge_dir.glob("*.md"))
            for unit in split_units(path.read_text(encoding="utf-8").split("---", 2)[-1])
        }
    )
    digest = hashlib.sha256("\n".join(sentences).encode()).hexdigest()[:16]
    cache = settings.cache_dir / f"bench-scale-{digest}.npy"
    if cache.is_file():
        vectors = np.load(cache)
    else:
        vectors = PackagedEmbeddings(cache_dir=settings.cache_dir).encode(sentences)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, vectors)
    return dict(zip(sentences, vectors, strict=True))


def whole_sentences(known: dict[str, np.ndarray]) -> list[str]:
    """Sentences that split back into themselves when joined with others, so every unit of a
    synthetic section is a known sentence."""
    return [
        s
        for s in sorted(known)
        if s[:1].isupper() and s[-1:] in ".!?" and split_units(f"{s} {s}") == [s, s]
    ]


def raw_encode_seconds(settings: Settings) -> float:
    """Encoding, in one call to the model itself (no memo), exactly the texts a first build of
    the built-in knowledge embeds (passages, their sentence units, example questions)."""
    texts: list[str] = []
    for path in sorted(settings.knowledge_dir.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        document = load_file(path, max_bytes=10**8)
        chunks = chunk_document(document, max_chars=settings.chunk_chars)
        texts += [chunk.indexed_text for chunk in chunks]
        texts += [plain(unit) for chunk in chunks for unit in split_units(chunk.text)]
        texts += document.questions
    distinct = list(dict.fromkeys(texts))
    return seconds(lambda: onnx_encoder(settings.cache_dir)(distinct, 64))


def write_documents(folder: Path, first: int, count: int, sentences: list[str]) -> None:
    """``count`` synthetic Markdown documents, numbered from ``first``."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(first, first + count):
        rng = random.Random(number)
        sections = [
            f"## Section {s + 1}\n\n" + " ".join(rng.sample(sentences, SENTENCES_PER_SECTION))
            for s in range(SECTIONS_PER_DOC)
        ]
        (folder / f"handbook-{number:06d}.md").write_text(
            f"# Programme handbook {number}\n\n" + "\n\n".join(sections) + "\n", encoding="utf-8"
        )


def seconds(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


@contextmanager
def timed_compose(samples: list[float]) -> Iterator[None]:
    """Record the time of every `Composer.compose` call."""
    original = Composer.compose

    def compose(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            samples.append((time.perf_counter() - started) * 1000)

    with patch.object(Composer, "compose", compose):
        yield


_PROBE = """
import json, time
started = time.perf_counter()
from assistant.coach import Coach
coach = Coach.open()
opened = time.perf_counter() - started
coach.ask("My mentor keeps cancelling our meetings. What should I do?")
peak = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(json.dumps({"open_s": opened, "peak_rss_mb": int(peak) / 1024}))
"""


def cold_process(env: dict[str, str]) -> dict[str, float]:
    """In new processes: `Coach.open` (imports included) and a first answer with its peak
    memory (VmHWM: after a fork, rusage would count the parent's pages), and `coach ask` from
    process start to the printed answer."""
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True
    )
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("coach")), "ask", "My mentor keeps cancelling."],
        env=env,
        capture_output=True,
        check=True,
    )
    return {
        **json.loads(probe.stdout.splitlines()[-1]),
        "cold_ask_s": time.perf_counter() - started,
    }


def warm_asks(coach: Coach, questions: list[str]) -> dict[str, float]:
    """Ask latency and compose time over the questions, after a warm-up pass."""
    for question in questions[:5]:
        coach.ask(question)
    asks: list[float] = []
    composes: list[float] = []
    with timed_compose(composes):
        for question in questions:
            started = time.perf_counter()
            coach.ask(question)
            asks.append((time.perf_counter() - started) * 1000)
    return {
        "ask_p50_ms": percentile(asks, 50),
        "ask_p95_ms": percentile(asks, 95),
        "ask_p99_ms": percentile(asks, 99),
        "compose_p50_ms": percentile(composes, 50),
    }


def unit_lookup_ms(coach: Coach, trials: int = 60, chunks: int = 16) -> float:
    """p50 of reading the sentence units of ``chunks`` random chunks with nothing in memory (a
    new store each time): what a composer's lookup costs when its caches miss."""
    ids = [cid for document in coach.documents() for cid in document.chunk_ids]
    rng = random.Random(0)
    samples = []
    for _ in range(trials):
        store = SentenceStore(coach.index.vectors, coach.embeddings, lambda doc_id: [])
        wanted = rng.sample(ids, chunks)
        started = time.perf_counter()
        store.units_for(wanted)
        samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 50)


def measure(home: Path, env: dict[str, str], questions: list[str], extra: Path) -> dict:
    """Everything measured at one size."""
    row = cold_process(env)
    coach = Coach.open(home=home)
    row["chunks"] = coach.index.vectors.count()
    row.update(warm_asks(coach, questions))
    row["unit_lookup_p50_ms"] = unit_lookup_ms(coach)
    row["add_file_s"] = seconds(lambda: coach.ingest([extra]))
    row["remove_file_s"] = seconds(lambda: coach.remove(str(extra)))
    return row


@contextmanager
def chroma_server(folder: Path) -> Iterator[str]:
    """A local `chroma run` server on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("chroma")), "run", "--path", str(folder),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def run(sizes: list[int], work: Path, chroma_url: str | None) -> list[dict]:
    home = work / "home"
    env = {**os.environ, "COACH_HOME": str(home)}
    if chroma_url:
        env["COACH_CHROMA_URL"] = chroma_url
        os.environ["COACH_CHROMA_URL"] = chroma_url
    settings = Settings(home=home)
    questions = [case["question"] for case in yaml.safe_load(DEV_SET.read_text())]
    extra = work / "added" / "new-programme-notes.md"
    extra.parent.mkdir(parents=True)
    extra.write_text(
        "# New programme notes\n\n## Kick-off\n\nPairs meet within two weeks of matching. "
        "Each pair writes down three goals for the first quarter. The coordinator checks in "
        "after the third meeting.\n",
        encoding="utf-8",
    )
    onnx_encoder(settings.cache_dir)(["Load the model before timing."], 64)
    raw_before = raw_encode_seconds(settings)
    build = seconds(lambda: Coach.open(home=home))
    raw = (raw_before + raw_encode_seconds(settings)) / 2  # before and after: same conditions
    rows = [
        {
            "size": "built-in",
            "ingest_s": build,
            "raw_encode_s": raw,
            "build_vs_raw_encode": build / raw,
            **measure(home, env, questions, extra),
        }
    ]
    print(json.dumps(rows[0]), flush=True)
    known = sentence_vectors(settings)
    sentences = whole_sentences(known)
    live = LiveIndex(settings, SyntheticEmbeddings(known, cache_dir=settings.cache_dir))
    corpus = work / "corpus"

    def ingest_corpus() -> None:  # the write path of `coach ingest`: under the writer lock
        with live.writing("ingest") as index:
            index.ingest([corpus])

    per_doc, made = SECTIONS_PER_DOC, 0
    for size in sizes:
        docs = max(0, size // per_doc - made)
        write_documents(corpus, made, docs, sentences)
        made += docs
        ingest = seconds(ingest_corpus)
        again = seconds(ingest_corpus)
        row = {"size": size, "ingest_s": ingest, "new_chunks": docs * per_doc}
        row["ingest_chunks_per_s"] = docs * per_doc / ingest
        row["unchanged_reingest_s"] = again
        row.update(measure(home, env, questions, extra))
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--chroma-server", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    parser.add_argument("--work", type=Path, default=None, help="folder for the data (temp)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="coach-scale-"))
    if args.chroma_server:
        with chroma_server(work / "chroma-server") as url:
            rows = run(args.sizes, work, url)
    else:
        rows = run(args.sizes, work, None)
    base = rows[0]
    print(f"\n{'chunks':>8} {'ingest/s':>9} {'add s':>6} {'open s':>7} {'ask p50':>8} "
          f"{'p95':>6} {'p99':>6} {'compose':>8} {'x base':>7} {'RSS MB':>7}")  # fmt: skip
    for row in rows:
        print(
            f"{row['chunks']:>8} {row.get('ingest_chunks_per_s', 0):>9.0f} "
            f"{row['add_file_s']:>6.2f} {row['open_s']:>7.2f} {row['ask_p50_ms']:>8.1f} "
            f"{row['ask_p95_ms']:>6.1f} {row['ask_p99_ms']:>6.1f} {row['compose_p50_ms']:>8.1f} "
            f"{row['compose_p50_ms'] / base['compose_p50_ms']:>7.2f} {row['peak_rss_mb']:>7.0f}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the benchmark process itself: {peak:.0f} MB")


if __name__ == "__main__":
    main()
