#!/usr/bin/env python3
"""Checks that tests/examples compiles the headers' examples AS WRITTEN.

Each block in tests/examples/*_examples_test.cc between `// --- <header path> ---` and `// ---`
must equal one "Example" paragraph of that header, compared as code: comments, `...` placeholders
and whitespace are ignored, and so are test lines ending in `// test` (what a test runs where the
header says `...`). So an example edited in a header without its test (or the reverse) fails here, and every
public header with an example must have a block (exceptions below, each with its reason).
"""
import os
import re
import sys

# Examples that a test cannot run as written, and why.
NOT_COMPILED = {
    "framing/internal/copy.h": "internal (framekit's own code only); a sketch of one call",
    "framing/internal/ascii_digits.h": "internal; tests/framing/ascii_digits_test.cc pins it",
    "framing/internal/frame_writer.h": "internal; a sketch of the CRTP hooks a framer defines",
    "framing/internal/too_long_skipper.h": "internal; tests/framing/too_long_skip_test.cc",
    "transport/testing/faulty_stream.h": "test-only; the transport tests use it as shown",
    "asio/error.h": "Boost-only package; tests/asio/errors_test.cc",
    "asio/framed_stream.h": "Boost-only package; tests/asio/header_example_test.cc runs it",
}
EXAMPLE_DIRS = ["framing", "spec", "codecs", "coding", "transport", "server", "transforms", "asio"]


def normalize(lines):
    code = []
    for line in lines:
        if re.search(r"// test$", line):  # a test's stand-in for a header's "..."
            continue
        line = re.sub(r"(^|\s)//.*$", "", line)
        line = re.sub(r"\.\.\.;?", "", line).strip()
        if line:
            code.append(line)
    return re.sub(r"\s+", " ", " ".join(code)).replace("( ", "(").replace(" )", ")").strip()


def header_examples(path):
    """Each "// Example..." paragraph of `path`, without the comment markers."""
    examples, current = [], None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if re.match(r"^// Example\b.*:$", line):
            current = []
            examples.append(current)
        elif current is not None:
            if not line.startswith("//") or line.strip() == "//":
                current = None
            else:
                current.append(line[2:])
    return [normalize(e) for e in examples]


def test_blocks(path):
    blocks, current, name = [], None, None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^\s*// --- (\S+\.h)\b.*---$", line)
        if m:
            name, current = m.group(1), []
        elif current is not None and re.match(r"^\s*// ---$", line):
            blocks.append((name, normalize(current)))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def main():
    # The argument: the source root, or a file at its top (Bazel passes //:MODULE.bazel, whose
    # runfiles link leads back to the tree; the test is tagged "local" to read the real tree).
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../..")
    if os.path.isfile(root):
        root = os.path.dirname(os.path.realpath(root))
    tests_dir = os.path.join(root, "tests/examples")
    blocks = []
    for f in sorted(os.listdir(tests_dir)):
        if f.endswith("_examples_test.cc"):
            blocks += test_blocks(os.path.join(tests_dir, f))
    failures = []
    covered = set()
    for header, code in blocks:
        covered.add(header)
        path = os.path.join(root, header)
        if not os.path.exists(path):
            failures.append(f"{header}: no such header (block names must be repository paths)")
            continue
        examples = header_examples(path)
        if code not in examples:
            failures.append(f"{header}: the test's block differs from every example in the "
                            f"header.\n  test:   {code}\n" +
                            "".join(f"  header: {e}\n" for e in examples))
    for d in EXAMPLE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for f in files:
                rel = os.path.relpath(os.path.join(dirpath, f), root)
                if not f.endswith(".h") or rel in covered or rel in NOT_COMPILED:
                    continue
                if header_examples(os.path.join(root, rel)):
                    failures.append(f"{rel}: has an example that no test block compiles")
    for f in failures:
        print("FAIL", f)
    print(f"{len(covered)} headers' examples checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
