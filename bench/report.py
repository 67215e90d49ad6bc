#!/usr/bin/env python3
"""Turns bench/run.sh's results.tsv into Markdown: the machine, one table of measurements per
tool and step (median of the runs, with min–max), the ratios the issue's targets are about, cost
per milestone across steps, and a verdict on each target for the largest step.

    python3 bench/report.py target/bench/results.tsv
"""

import statistics
import sys
from collections import defaultdict

TOOLS = ["check", "build", "build-1", "baseline", "floor", "floor+sha256", "floor+sha256-par",
         "floor-flat", "peer", "generate"]


def fmt_bytes(n):
    for unit in ["B", "KB", "MB", "GB"]:
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def main(path):
    meta, rows = [], []
    with open(path, encoding="utf-8") as f:
        header = None
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                meta.append(line[1:].strip().split("\t"))
                continue
            if header is None:
                header = line.split("\t")
                continue
            rows.append(dict(zip(header, line.split("\t"))))

    runs = defaultdict(list)
    sizes = {}
    for r in rows:
        plans = int(r["plans"])
        sizes[plans] = (int(r["commitments"]), int(r["milestones"]), int(r["in_bytes"] or 0))
        runs[(plans, r["tool"])].append(r)

    def agg(plans, tool):
        rs = runs.get((plans, tool), [])
        ok = [r for r in rs if r["exit"] == "0"]
        if not ok:
            return None if not rs else {"failed": rs[0]["exit"], "n": len(rs)}
        wall = [float(r["wall_s"]) for r in ok]
        cpu = [float(r["user_s"]) + float(r["sys_s"]) for r in ok]
        rss = [int(r["maxrss_kb"]) * 1024 for r in ok]
        return {
            "n": len(ok), "wall": statistics.median(wall), "wmin": min(wall), "wmax": max(wall),
            "cpu": statistics.median(cpu), "rss": max(rss),
            "out": int(ok[-1]["out_bytes"] or 0), "files": int(ok[-1]["out_files"] or 0),
            "failed": None if len(ok) == len(rs) else rs[-1]["exit"],
        }

    out = []
    w = out.append
    w("### Machine and software\n")
    for m in meta:
        w("- " + " · ".join(m[1:]))
    steps = sorted(sizes)
    w("")
    w("### Measurements (median of the runs; wall min–max; peak RSS = max over runs)\n")
    w("| plans | milestones | tool | runs | wall s (min–max) | CPU s (user+sys) | peak RSS | output |")
    w("|---:|---:|---|---:|---|---:|---:|---:|")
    for s in steps:
        for tool in TOOLS:
            a = agg(s, tool)
            if a is None:
                continue
            if "wall" not in a:
                w(f"| {s} | {sizes[s][1]:,} | {tool} | {a['n']} | exit {a['failed']} "
                  f"{'(timeout)' if a['failed'] == '124' else ''} | | | |")
                continue
            note = f" (1 run exit {a['failed']})" if a["failed"] else ""
            output = f"{fmt_bytes(a['out'])}, {a['files']} files" if a["out"] else "—"
            w(f"| {s} | {sizes[s][1]:,} | {tool} | {a['n']} | {a['wall']:.2f} "
              f"({a['wmin']:.2f}–{a['wmax']:.2f}){note} | {a['cpu']:.2f} | {fmt_bytes(a['rss'])} "
              f"| {output} |")
    w("")
    w("### Ratios (wall time, medians)\n")
    w("| plans | milestones | build s | peer s | peer ÷ build (target ≥ 10) | floor s | "
      "build ÷ floor (target ≤ 3) | build ÷ (floor+sha256) | (floor+sha256-par) ÷ floor | "
      "build ÷ flat floor | build peak RSS (target < 512 MB) | check s | check peak RSS |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in steps:
        b, p, fl, fh, fp, ff, c = (agg(s, t) for t in
                                   ["build", "peer", "floor", "floor+sha256", "floor+sha256-par",
                                    "floor-flat", "check"])
        if not b or "wall" not in b:
            continue
        ps = f"{p['wall']:.2f}" if p and "wall" in p else "timeout" if p else "—"
        ratio_p = f"{p['wall'] / b['wall']:.2f}×" if p and "wall" in p else "—"
        ratio_f = f"{b['wall'] / fl['wall']:.1f}×" if fl and "wall" in fl else "—"
        ratio_h = f"{b['wall'] / fh['wall']:.1f}×" if fh and "wall" in fh else "—"
        ratio_ff = f"{b['wall'] / ff['wall']:.1f}×" if ff and "wall" in ff else "—"
        both = fl and "wall" in fl and fp and "wall" in fp
        ratio_pf = f"{fp['wall'] / fl['wall']:.1f}×" if both else "—"
        w(f"| {s} | {sizes[s][1]:,} | {b['wall']:.2f} | {ps} | {ratio_p} | "
          f"{fl['wall']:.2f} | {ratio_f} | {ratio_h} | {ratio_pf} | {ratio_ff} | "
          f"{fmt_bytes(b['rss'])} | "
          f"{c['wall']:.2f} | {fmt_bytes(c['rss'])} |")
    w("")
    w("### Both cores against one (`build --jobs 1`, wall time, medians)\n")
    w("| plans | milestones | build s (one per core) | build s (one worker) | speed-up | "
      "CPU s (one per core) | CPU s (one worker) | peak RSS (one worker) |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|")
    def beside(tool):
        """The steps where both `build` and `tool` ran to the end, with both aggregates."""
        for s in steps:
            b, o = agg(s, "build"), agg(s, tool)
            if b and "wall" in b and o and "wall" in o:
                yield s, b, o

    for s, b, one in beside("build-1"):
        w(f"| {s} | {sizes[s][1]:,} | {b['wall']:.2f} | {one['wall']:.2f} | "
          f"{one['wall'] / b['wall']:.2f}× | {b['cpu']:.2f} | {one['cpu']:.2f} | "
          f"{fmt_bytes(one['rss'])} |")
    w("")
    base_commit = next((m[1].removeprefix("commit=") for m in meta if m[0] == "baseline"), None)
    if base_commit:
        w(f"### This build against the baseline ({base_commit}, `BENCH_BASELINE`), same run\n")
        w("| plans | milestones | build s | baseline s | baseline ÷ build (wall) | build CPU s | "
          "baseline CPU s | baseline ÷ build (CPU) | build peak RSS | baseline peak RSS |")
        w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s, b, base in beside("baseline"):
            w(f"| {s} | {sizes[s][1]:,} | {b['wall']:.2f} | {base['wall']:.2f} | "
              f"{base['wall'] / b['wall']:.2f}× | {b['cpu']:.2f} | {base['cpu']:.2f} | "
              f"{base['cpu'] / b['cpu']:.2f}× | {fmt_bytes(b['rss'])} | {fmt_bytes(base['rss'])} |")
        w("")
    w("### Cost per milestone\n")
    w("Per milestone = the step's figure divided by its milestones; marginal = the difference "
      "with the previous step divided by the difference in milestones (removes fixed costs). "
      "Time growth = how many times longer than the previous step, for 10× the milestones "
      "(linear: ≈ 10).\n")
    w("| plans | milestones | build µs/milestone | build CPU µs/milestone | build time growth | "
      "build RSS B/milestone (marginal) | check µs/milestone | check RSS B/milestone (marginal) "
      "| peer µs/milestone | peer time growth |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    prev = None
    for s in steps:
        b, c, p = agg(s, "build"), agg(s, "check"), agg(s, "peer")
        if not b or "wall" not in b or not c or "wall" not in c:
            continue
        m = sizes[s][1]
        pv = p if p and "wall" in p else None

        def marginal(cur, key, tool):
            if prev is None:
                return ""
            pa = agg(prev, tool)
            dm = m - sizes[prev][1]
            return f" ({(cur[key] - pa[key]) / dm:,.0f})" if pa and key in pa and dm else ""

        growth = f"{b['wall'] / agg(prev, 'build')['wall']:.1f}×" if prev else "—"
        pgrowth = "—"
        if prev and pv and agg(prev, "peer") and "wall" in agg(prev, "peer"):
            pgrowth = f"{pv['wall'] / agg(prev, 'peer')['wall']:.1f}×"
        w(f"| {s} | {m:,} | {b['wall'] / m * 1e6:.1f} | {b['cpu'] / m * 1e6:.1f} | {growth} | "
          f"{b['rss'] / m:,.0f}{marginal(b, 'rss', 'build')} | {c['wall'] / m * 1e6:.1f} | "
          f"{c['rss'] / m:,.0f}{marginal(c, 'rss', 'check')} | "
          f"{(pv['wall'] / m * 1e6) if pv else float('nan'):.1f} | {pgrowth} |")
        prev = s
    w("")
    big = steps[-1] if steps else None
    if big is not None:
        b, p, fl = agg(big, "build"), agg(big, "peer"), agg(big, "floor")
        w(f"### Targets at the largest step ({big} plans, {sizes[big][1]:,} milestones)\n")
        if b and "wall" in b:
            if p and "wall" in p:
                r = p["wall"] / b["wall"]
                w(f"- ≥ 10× faster than the Python peer: **{'holds' if r >= 10 else 'does not hold'}** "
                  f"({r:.2f}×: {b['wall']:.2f} s vs {p['wall']:.2f} s)")
            else:
                w("- ≥ 10× faster than the Python peer: peer did not finish (see the table)")
            if fl and "wall" in fl:
                r = b["wall"] / fl["wall"]
                w(f"- within 3× of the I/O floor: **{'holds' if r <= 3 else 'does not hold'}** "
                  f"({r:.1f}×: {b['wall']:.2f} s vs {fl['wall']:.2f} s; fastest runs "
                  f"{b['wmin']:.2f} s vs {fl['wmin']:.2f} s = {b['wmin'] / fl['wmin']:.1f}×)")
                fp = agg(big, "floor+sha256-par")
                if fp and "wall" in fp:
                    left = 3 * fl["wall"] - fp["wall"]
                    w(f"  - reading, writing and hashing the same bytes on every core, with nothing "
                      f"computed (floor+sha256-par), takes {fp['wall']:.2f} s = "
                      f"{fp['wall'] / fl['wall']:.1f}× the floor: the 3× budget leaves "
                      f"{left:.2f} s for parsing, checking and formatting, where the build "
                      f"spends {b['wall'] - fp['wall']:.2f} s more than floor+sha256-par")
                ck = agg(big, "check")
                cores = next((int(kv.split("=", 1)[1]) for m in meta for kv in m[1:]
                              if kv.startswith("nproc=")), None)
                if fp and "cpu" in fp and ck and "cpu" in ck and cores and b["out"]:
                    # CPU time adds up across the cores the build keeps busy: the budget in
                    # CPU-seconds, less what I/O with hashing and what loading and checking
                    # cost on their own, is what formatting the output may take.
                    budget = 3 * fl["wall"] * cores
                    left = budget - fp["cpu"] - ck["cpu"]
                    spent = b["cpu"] - fp["cpu"] - ck["cpu"]
                    gb = b["out"] / 1e9
                    need = (f"{gb / left:.1f} GB of output per CPU-second" if left > 0
                            else "nothing is left")
                    did = (f"{gb / spent:.2f} GB per CPU-second" if spent > 0 else "no time")
                    w(f"  - in CPU time on {cores} cores: the budget is {budget:.2f} CPU-s "
                      f"(3 × floor × {cores}); I/O with hashing (floor+sha256-par) takes "
                      f"{fp['cpu']:.2f} and loading and checking the catalogue (check) "
                      f"{ck['cpu']:.2f}, which leaves {left:.2f} CPU-s to format the "
                      f"{gb:.2f} GB of output: {need}. The build formats it in "
                      f"{spent:.2f} CPU-s ({did})")
            mb = b["rss"] / 1024 / 1024
            w(f"- peak memory under 512 MB: **{'holds' if mb < 512 else 'does not hold'}** "
              f"({mb:.0f} MB)")
            if len(steps) >= 2:
                small = steps[-2]
                bs = agg(small, "build")
                k = sizes[big][1] / sizes[small][1]
                g = b["wall"] / bs["wall"]
                lin = 0.75 * k <= g <= 1.25 * k
                w(f"- linear growth ({small} → {big} plans, {k:.0f}× the milestones): "
                  f"**{'holds' if lin else 'does not hold'}** (time ×{g:.1f}, "
                  f"{bs['wall'] / sizes[small][1] * 1e6:.1f} → {b['wall'] / sizes[big][1] * 1e6:.1f} "
                  "µs per milestone; within ±25 % of linear counts as linear)")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/bench/results.tsv")
