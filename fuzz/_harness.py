"""Shared runner for the fuzz targets: atheris (coverage-guided) when it is installed, else a
plain-Python random mutation loop over the same seeds, so the targets run anywhere.

    python fuzz/fuzz_document.py -max_total_time=600        # atheris, libFuzzer flags
    python fuzz/fuzz_document.py --plain -max_total_time=60  # no atheris: random mutations

Both stop at the first failure (an exception other than the expected error type, or a broken
invariant) and print the input that caused it; atheris also writes it to crash-<sha1>.
"""
from __future__ import annotations

import contextlib
import os
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def have_atheris() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def instrumented():
    """Instrument apolint's modules for coverage when atheris drives the run."""
    if "--plain" not in sys.argv and have_atheris():
        import atheris

        return atheris.instrument_imports(include=["apolint"])
    return contextlib.nullcontext()


def seeds(patterns: list[str]) -> list[bytes]:
    found = []
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file():
                found.append(path.read_bytes()[:20000])
    return found or [b""]


def _flag(name: str, default: float) -> float:
    for arg in sys.argv[1:]:
        if arg.startswith(f"-{name}="):
            return float(arg.split("=", 1)[1])
    return default


# bytes a mutation likes to insert: encodings' lead bytes, BOMs, line ends, Markdown and YAML syntax
_DICTIONARY = [b"\r\n", b"\r", b"\n", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x81\x30\x81\x30",
               b"\xa4\x40", b"\xb0\xa1", b"\xc3\x28", b"\xe2\x80\x8b", b"\xe2\x80\xae", b"\xef\xbc\x91",
               b"---\n", b"```", b"`", b"<!--", b"-->", b"](", b"[x]: ", b"<a ", b">", b"# ", b"- ", b"> ",
               b"apolint-disable ", b"apolint-disable-next-line", b"&a ", b"*a", b"!!python/object:os.system ",
               b": ", b"- ", b"{", b"}", b"[", b"]", b"'", b'"', b"regex: ['(a|aa)+$']", b"phrases: [x]",
               b"\xe9\x83\xa8\xe5\x88\x86\xe7\x94\xa8\xe6\x88\xb7", b"some users", b"\t", b"    "]


def mutate(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    buf = bytearray(data)
    if buf and rng.random() < 0.5:  # targets read their mode from the first byte
        buf[0] = rng.randrange(256)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(7)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:  # flip a byte
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:  # insert a dictionary token
            buf[pos:pos] = rng.choice(_DICTIONARY)
        elif op == 2 and buf:  # delete a range
            del buf[pos:pos + rng.randint(1, 64)]
        elif op == 3 and buf:  # duplicate a range
            start = rng.randrange(len(buf))
            buf[pos:pos] = buf[start:start + rng.randint(1, 256)]
        elif op == 4:  # splice in part of another seed
            other = rng.choice(pool)
            if other:
                start = rng.randrange(len(other))
                buf[pos:pos] = other[start:start + rng.randint(1, 512)]
        elif op == 5 and buf:  # repeat a token many times (slow paths, deep nesting)
            token = rng.choice(_DICTIONARY)
            buf[pos:pos] = token * rng.randint(2, 300)
        elif op == 6:  # random bytes
            buf[pos:pos] = os.urandom(rng.randint(1, 16))
    return bytes(buf[:65536])


def plain_loop(test_one_input, seed_data: list[bytes], max_total_time: float) -> int:
    rng = random.Random(int(_flag("seed", time.time())))
    pool = list(seed_data)
    deadline = time.monotonic() + max_total_time
    runs = 0
    for data in seed_data:
        _run_one(test_one_input, data)
        runs += 1
    while time.monotonic() < deadline:
        data = mutate(rng.choice(pool), rng, pool)
        _run_one(test_one_input, data)
        runs += 1
        if rng.random() < 0.01 and len(pool) < 5000:
            pool.append(data)
    print(f"plain fuzzing: {runs} inputs in {max_total_time:.0f} s, no failure", file=sys.stderr)
    return 0


def _run_one(test_one_input, data: bytes) -> None:
    try:
        test_one_input(data)
    except BaseException:
        traceback.print_exc()
        path = ROOT / "fuzz" / f"plain-crash-{abs(hash(data)):x}"
        path.write_bytes(data)
        print(f"failing input ({len(data)} bytes) written to {path}: {data[:300]!r}", file=sys.stderr)
        sys.exit(1)


def main(test_one_input, seed_patterns: list[str]) -> None:
    if "--plain" in sys.argv or not have_atheris():
        sys.exit(plain_loop(test_one_input, seeds(seed_patterns), _flag("max_total_time", 60)))
    import atheris

    args = [a for a in sys.argv if a != "--plain"]
    if not any(not a.startswith("-") for a in args[1:]):  # no corpus folder given: seed one
        corpus = Path(os.environ.get("FUZZ_CORPUS", "")) if os.environ.get("FUZZ_CORPUS") else None
        if corpus is None:
            import tempfile

            corpus = Path(tempfile.mkdtemp(prefix="apolint-fuzz-"))
        corpus.mkdir(parents=True, exist_ok=True)
        for i, data in enumerate(seeds(seed_patterns)):
            (corpus / f"seed-{i:04d}").write_bytes(data)
        args.append(str(corpus))
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()
