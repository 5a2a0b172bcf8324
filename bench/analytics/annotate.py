"""Hot instructions of one JIT-compiled method: perf samples mapped onto the runtime's own disassembly.

usage: annotate.py PERF_DATA PERF_MAP CODE_ASM METHOD [TOP]
PERF_MAP gives the method's optimised (Tier1) code address and size; CODE_ASM is the JitDisasm output with code bytes,
from which each instruction's offset is rebuilt (block offsets are printed; instruction lengths come from the bytes).
"""
import bisect
import collections
import re
import subprocess
import sys


def method_code(perf_map, method):
    for line in open(perf_map):
        address, size, name = line.rstrip("\n").split(" ", 2)
        if f"::{method}(" in name and "[OptimizedTier1]" in name:
            return int(address, 16), int(size, 16)
    sys.exit(f"{method}: no optimised code in the perf map")


def instructions(code_asm, method):
    lines = open(code_asm).read().split("\n")
    starts = [i for i, l in enumerate(lines)
              if l.startswith("; Assembly listing for method") and f":{method}(" in l and "(Tier1)" in l]
    if not starts:
        sys.exit(f"{method}: no Tier1 listing in the disassembly")
    result, offset, block = [], 0, ""
    for line in lines[starts[-1] + 1:]:
        if line.startswith("; Assembly listing for method"):
            break
        label = re.match(r"^(G_M\d+_IG\d+):\s+;; offset=0x([0-9A-F]+)", line)
        if label:
            block, offset = label.group(1), int(label.group(2), 16)
            continue
        code = re.match(r"^\s{7}([0-9A-F]+)\s+(\S.*)$", line)
        if not code:
            continue
        text = code.group(2).strip()
        if text.startswith("align"):
            padding = re.search(r"\[(\d+) bytes", text)
            offset += int(padding.group(1)) if padding else 0
            continue
        result.append((offset, block, text))
        offset += len(code.group(1)) // 2
    return result


def main():
    perf_data, perf_map, code_asm, method = sys.argv[1:5]
    top = int(sys.argv[5]) if len(sys.argv) > 5 else 12
    start, size = method_code(perf_map, method)
    code = instructions(code_asm, method)
    offsets = [o for o, _, _ in code]
    ips = subprocess.run(["perf", "script", "-i", perf_data, "-F", "ip"], capture_output=True, text=True, check=True).stdout.split()
    hits = collections.Counter()
    for ip in ips:
        address = int(ip, 16)
        if start <= address < start + size:
            hits[bisect.bisect_right(offsets, address - start) - 1] += 1
    total = sum(hits.values())
    print(f"{total} of {len(ips)} samples ({100 * total / max(len(ips), 1):.1f} %) in {method}; hottest instructions "
          "(after a load that missed the cache, the sample lands on the next one):")
    for index, count in hits.most_common(top):
        offset, block, text = code[index]
        before = code[index - 1][2] if index > 0 else ""
        print(f"{count:6d} {100 * count / total:5.1f} %  {offset:#06x} {block:14s} {text:45s} after: {before}")


main()
