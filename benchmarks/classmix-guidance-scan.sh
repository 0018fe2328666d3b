#!/usr/bin/env bash
# guided (w = 3) vs unguided (w = 1) ART closed form on analytic:classmix-SEED at N = 10; prints one line per
# (solver, seed): ref-rmse of both grids under w = 3 and under w = 1 (5000 samples, eval seed 1)
set -euo pipefail
A=${ART:-./art}
classes=(3 3 5 2 3 5 4 3)   # C of classmix-0..7
for solver in heun euler; do
  for seed in 0 1 2 3 4 5 6 7; do
    c=${classes[$seed]}
    echo "{\"class_labels\": [$(seq -s, 0 $((c - 1)))]}" > labels-$seed.json
    echo "{\"class_labels\": [$c]}" > null-$seed.json
    m=analytic:classmix-$seed
    $A train --denoiser $m --method closed-form --solver $solver --steps 10 --no-guard --quiet \
        --cond labels-$seed.json --uncond null-$seed.json --guidance 3 --out g-$solver-$seed.json >/dev/null
    $A train --denoiser $m --method closed-form --solver $solver --steps 10 --no-guard --quiet \
        --cond labels-$seed.json --out p-$solver-$seed.json >/dev/null
    line="$solver $m"
    for w in 3 1; do
      u=""; [ $w = 1 ] || u="--uncond null-$seed.json"
      line="$line | w=$w: $($A eval --denoiser $m --cond labels-$seed.json $u --guidance $w --solver $solver \
          --schedule art:path=g-$solver-$seed.json --schedule art:path=p-$solver-$seed.json --steps 10 \
          --samples 5000 --seed 1 --json --quiet | python3 -c 'import json,sys; r=json.load(sys.stdin)["rows"]; print("guided %.4f plain %.4f" % (r[0]["value"], r[1]["value"]))')"
    done
    echo "$line"
  done
done
