#!/usr/bin/env python3
"""Re-judge a replay's findings under other ratchet tolerances and fail levels.

    scripts/rejudge-tolerances.py REPLAY.json LEVELS TOLERANCES...

REPLAY.json is `scripts/replay-history.py … --json` of a ratchet replay with no complexity
tolerance (`cyclomatic_tolerance: 0`, `cognitive_tolerance: 0`). LEVELS is a JSON object of fail
levels, e.g. '{"cyclomatic":30,"cognitive":50,"max_nesting":6,"length":300,"params":10}', at or
above the replay's own. Each TOLERANCES is `CYC/COG` (`5/20%`, `2/5`). For each it prints how many
commits would fail: a finding fails when its value is above the level and it is new, crossed the
level (base at or below it), or grew past the metric's tolerance (length: `--length`, default
10%; max_nesting and params: any increase), as `RatchetSettings::grew` decides. The replay's
findings are a superset of those under looser settings (a function not flagged at the replay's
levels cannot be flagged at higher ones with more tolerance), so the numbers are exact up to the
rounding of percentages. Not part of the test suite.
"""
import argparse
import json


def allowed(tol, base):
    if tol.endswith("%"):
        return int(base * int(tol[:-1]) / 100)
    return int(tol)


def fails(commit, levels, cyc, cog, length):
    for f in commit["findings"]:
        if f["suppressed"] or f.get("baseline"):
            continue
        rule, value, base = f["rule"], f["value"], f["base_value"]
        if rule not in levels:
            if f["level"] == "fail":
                return True
            continue
        level = levels[rule]
        if value <= level:
            continue
        if base is None or f["reason"] in ("new", "changed") or base <= level:
            return True
        tol = {"cyclomatic": cyc, "cognitive": cog, "length": length}.get(rule, "0")
        if value - base > allowed(tol, base):
            return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("replay")
    ap.add_argument("levels")
    ap.add_argument("tolerances", nargs="+")
    ap.add_argument("--length", default="10%")
    args = ap.parse_args()
    commits = json.load(open(args.replay))
    levels = json.loads(args.levels)
    for t in args.tolerances:
        cyc, cog = t.split("/")
        n = sum(fails(c, levels, cyc, cog, args.length) for c in commits)
        print(f"{t:>10}  {n} of {len(commits)} ({100 * n / len(commits):.1f} %)")


if __name__ == "__main__":
    main()
