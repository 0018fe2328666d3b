#!/usr/bin/env bash
# The class-conditional Fashion-MNIST model under classifier-free guidance w = 1, 2, 4: FID of EDM, the closed
# form learned at that w, ART-RL learned at that w, and the closed form learned without guidance (w = 1)
# transferred, for Heun N = 3, 5, 7, 10 (NFE 5, 9, 13, 19) and Euler N = 5, 10. Every class equally often
# (labels 0-9), null class 10 as the unconditional row. Run from an empty folder:
#   ART=<repo>/art MODELS=<repo>/models SAMPLES=5000 fashion-guidance-fid.sh
# SOLVERS (default "heun euler") and WS (default "1 2 4") pick a part of the table, so two parts can run on two
# cores at once; TRAIN_ONLY=1 stops after the trainings. Learned grids already in the folder are reused.
set -euo pipefail
A=${ART:-./art}
M=${MODELS:-models}/fashion-edm
N=${SAMPLES:-5000}
SOLVERS=${SOLVERS:-heun euler}
WS=${WS:-1 2 4}
RL_ITERATIONS=${RL_ITERATIONS:-800}
echo '{"class_labels": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}' > labels.json
echo '{"class_labels": [10]}' > null.json
for solver in $SOLVERS; do
  for w in 1 $WS; do
    u=""; [ $w = 1 ] || u="--uncond null.json"
    common="--denoiser $M/denoiser.onnx --jvp $M/denoiser_jvp.onnx --cond labels.json $u --guidance $w \
        --solver $solver --steps 10 --rollouts 32 --fine-steps 100 --quiet"
    [ -s cf-$solver-w$w.json ] || $A train $common --method closed-form --no-guard \
        --out cf-$solver-w$w.json >/dev/null
    # ART-RL keeps its gate: the grid it returns never loses to its closed-form prior on held-out rollouts.
    [ -s rl-$solver-w$w.json ] || $A train $common --method art-rl --batch 8 --iterations $RL_ITERATIONS \
        --distill 3200 --seed 0 --checkpoint rl-$solver-w$w.ckpt --resume --out rl-$solver-w$w.json >/dev/null
  done
done
[ "${TRAIN_ONLY:-0}" = 1 ] && exit 0
for solver in $SOLVERS; do
  steps=3,5,7,10; [ $solver = heun ] || steps=5,10
  for w in $WS; do
    u=""; [ $w = 1 ] || u="--uncond null.json"
    transfer=""; [ $w = 1 ] || transfer="--schedule art:path=cf-$solver-w1.json"
    # ART-RL's gate may return the closed form itself (grids equal to 1e-9): then its column is the closed form's.
    rl="--schedule art:path=rl-$solver-w$w.json"
    if /usr/bin/python3 -c 'import json, sys; a, b = (json.load(open(f))["sigmas"] for f in sys.argv[1:]); \
        sys.exit(0 if max(abs(x - y) for x, y in zip(a, b)) < 1e-9 else 1)' cf-$solver-w$w.json rl-$solver-w$w.json; then
      rl=""; echo "== $solver w=$w: ART-RL returned the closed form (its column is the closed form's)"
    fi
    echo "== $solver w=$w"
    $A eval --denoiser $M/denoiser.onnx --cond labels.json $u --guidance $w --solver $solver --steps $steps \
        --schedule edm --schedule art:path=cf-$solver-w$w.json $rl $transfer \
        --metric fid --features $M/features.onnx --ref-stats $M/features_ref.json --samples $N --seed 1000003 \
        --batch 100 --quiet
  done
done
