#!/usr/bin/env python3
"""Regenerates tensor/src/main/resources/dev/basalt/tensor/codec/iq-grids.txt from ggml's ggml-common.h.

The grid and sign tables of ggml's IQ quantization formats are constants of those formats. Basalt keeps them as
data (a resource read by dev.basalt.tensor.codec.IqGrids) rather than Java array initializers, and this script is
how that resource is made, so its provenance can be checked by running it again:

    python3 scripts/extract-iq-grids.py /path/to/llama.cpp/ggml/src/ggml-common.h

By default the resource is written in place; pass --output - to print it instead, or --check to compare the
regenerated text with the committed resource (exit status 1 when they differ). The MIT licence notice is taken from
the LICENSE file of the llama.cpp tree the header belongs to (found by walking up from the header), or from
--license. Standard library only.
"""

import argparse
import hashlib
import pathlib
import re
import sys
import zlib

# (name in ggml-common.h, element type, element count). Order is the order of the sections in the resource.
TABLES = [
    ("kmask_iq2xs", "u8", 8),
    ("ksigns_iq2xs", "u8", 128),
    ("iq2xxs_grid", "u64", 256),
    ("iq2xs_grid", "u64", 512),
    ("iq2s_grid", "u64", 1024),
    ("iq3xxs_grid", "u32", 256),
    ("iq3s_grid", "u32", 512),
    ("iq1s_grid", "u64", 2048),
]

C_TYPES = {"u8": "uint8_t", "u32": "uint32_t", "u64": "uint64_t"}
WIDTH = {"u8": 1, "u32": 4, "u64": 8}
PER_LINE = {"u8": 16, "u32": 8, "u64": 4}

DEFAULT_SOURCE_LABEL = "node-llama-cpp 3.21.1 bundle (llama.cpp release v0.4.0, gitRelease.bundle)"
REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "tensor/src/main/resources/dev/basalt/tensor/codec/iq-grids.txt"


def fail(message):
    print("extract-iq-grids: " + message, file=sys.stderr)
    sys.exit(2)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def extract(text, name, ctype, count):
    """The values of the first GGML_TABLE_BEGIN(ctype, name, size) ... GGML_TABLE_END() block."""
    pattern = re.compile(
        r"GGML_TABLE_BEGIN\(\s*(\w+)\s*,\s*" + re.escape(name) + r"\s*,\s*(\w+)\s*\)(.*?)GGML_TABLE_END\(\)", re.S)
    m = pattern.search(text)
    if m is None:
        fail("table %s not found" % name)
    if m.group(1) != ctype:
        fail("table %s has element type %s, expected %s" % (name, m.group(1), ctype))
    size = m.group(2)
    if not size.isdigit():
        define = re.search(r"#define\s+" + re.escape(size) + r"\s+(\d+)", text)
        if define is None:
            fail("size %s of table %s is not defined" % (size, name))
        size = define.group(1)
    if int(size) != count:
        fail("table %s declares %s entries, expected %d" % (name, size, count))
    tokens = [t for t in re.split(r"[\s,]+", m.group(3)) if t]
    values = []
    for t in tokens:
        if not re.fullmatch(r"0[xX][0-9a-fA-F]+|\d+", t):
            fail("table %s: unexpected token %r" % (name, t))
        values.append(int(t, 0))
    if len(values) != count:
        fail("table %s has %d values, expected %d" % (name, len(values), count))
    return values


def find_license(header_path):
    for directory in header_path.resolve().parents:
        candidate = directory / "LICENSE"
        if candidate.is_file():
            return candidate
    fail("no LICENSE file above %s; pass --license" % header_path)


def render(header_path, license_path, source_label):
    raw = header_path.read_bytes()
    text = strip_comments(raw.decode("utf-8"))
    licence_lines = license_path.read_text(encoding="utf-8").strip().splitlines()
    out = []
    out.append("# Grid and sign tables of ggml's IQ quantization formats (IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S,")
    out.append("# IQ3_XXS, IQ3_S), read by dev.basalt.tensor.codec.IqGrids. Generated; do not edit by hand.")
    out.append("#")
    out.append("# Source file: ggml/src/ggml-common.h, " + source_label)
    out.append("# Source sha256: " + hashlib.sha256(raw).hexdigest())
    out.append("# Regenerate: python3 scripts/extract-iq-grids.py <llama.cpp>/ggml/src/ggml-common.h")
    out.append("#")
    out.append("# Format: '#' lines are comments. '[name type count crc32]' starts a section: type u8, u32 or u64,")
    out.append("# count values, crc32 (8 hex digits) of the values serialized little-endian. Values follow as")
    out.append("# fixed-width lower-case hex (2, 8 or 16 digits), in table order, separated by spaces and newlines.")
    out.append("# A u64/u32 grid entry holds its 8/4 grid values in its bytes, least significant byte first.")
    out.append("#")
    out.append("# These tables are part of ggml, distributed under the MIT licence:")
    out.append("#")
    for line in licence_lines:
        out.append(("# " + line).rstrip())
    for name, etype, count in TABLES:
        values = extract(text, name, C_TYPES[etype], count)
        width = WIDTH[etype]
        blob = b"".join(v.to_bytes(width, "little") for v in values)
        out.append("")
        out.append("[%s %s %d %08x]" % (name, etype, count, zlib.crc32(blob) & 0xFFFFFFFF))
        digits = 2 * width
        per_line = PER_LINE[etype]
        for i in range(0, count, per_line):
            out.append(" ".join("%0*x" % (digits, v) for v in values[i:i + per_line]))
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description="Extract ggml's IQ grid tables into Basalt's resource file.")
    parser.add_argument("header", type=pathlib.Path, help="path to ggml/src/ggml-common.h")
    parser.add_argument("--license", type=pathlib.Path, help="ggml's LICENSE file (default: found above the header)")
    parser.add_argument("--source-label", default=DEFAULT_SOURCE_LABEL,
                        help="which llama.cpp the header comes from (default: %(default)s)")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="where to write ('-' for stdout)")
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing it")
    args = parser.parse_args()
    if not args.header.is_file():
        fail("no such file: %s" % args.header)
    license_path = args.license if args.license else find_license(args.header)
    result = render(args.header, license_path, args.source_label)
    if args.check:
        current = pathlib.Path(args.output).read_text(encoding="utf-8")
        if current != result:
            print("extract-iq-grids: %s differs from the regenerated tables" % args.output, file=sys.stderr)
            sys.exit(1)
        print("extract-iq-grids: %s is up to date" % args.output)
    elif args.output == "-":
        sys.stdout.write(result)
    else:
        out = pathlib.Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(result, encoding="utf-8", newline="\n")
        print("extract-iq-grids: wrote %s (%d bytes)" % (out, len(result.encode("utf-8"))))


if __name__ == "__main__":
    main()
