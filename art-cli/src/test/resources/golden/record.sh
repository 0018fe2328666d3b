#!/usr/bin/env bash
# Records the golden CLI transcripts that GoldenTranscriptTest compares against: runs every case of cases.txt
# through a given build of the art CLI and writes one CASE.json per case (args, exit code, masked stdout, the
# "art..." lines of stderr and the masked contents of the files listed for the case: a .json file as a JSON
# value, a .png file as its sha256, any other file as text) next to this script.
#
# The transcripts describe the behaviour of whichever build you point this script at, so re-record only on
# purpose (after a deliberate change of output) and review the diff.
#
# Usage: CLASSPATH=<classpath of the build> record.sh WORKDIR MAIN_CLASS [CASE...]
#   WORKDIR     a module folder of that build (cases use ../models/... paths, as the tests do), e.g. <repo>/art-cli
#   MAIN_CLASS  the CLI main class of that build, e.g. dev.artsched.cli.ArtCli
#   CASE        record only these case names (default: all)
# Example, current build (./art writes art-cli/target/art-cli.classpath on its first run):
#   ./art --help >/dev/null
#   CLASSPATH="$PWD/art-cli/target/art-cli-0.1.0-SNAPSHOT.jar:$(cat art-cli/target/art-cli.classpath)" \
#       art-cli/src/test/resources/golden/record.sh "$PWD/art-cli" dev.artsched.cli.ArtCli
# Any classpath holding the CLI and its runtime dependencies works (an older build: its modules' target/classes
# and the jars of its runtime classpath; the pre-split CLI's main class is dev.artsched.training.cli.ArtCli and
# its module folder art-training). Needs java and python3 on the PATH.
set -euo pipefail
if [ $# -lt 2 ] || [ -z "${CLASSPATH:-}" ]; then
    sed -n '2,/^set /p' "$0" | grep '^#' >&2
    exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec python3 - "$here" "$@" <<'PY'
import hashlib, json, os, re, shutil, subprocess, sys, tempfile

here, workdir, main = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
only = set(sys.argv[4:])
java = ["java", "-Xss16m", "-Dai.djl.offline=true", "-Djava.awt.headless=true", main]

masks = []
for line in open(os.path.join(here, "masks.tsv"), encoding="utf-8"):
    line = line.rstrip("\n")
    if line and not line.startswith("#"):
        regex, repl = line.split("\t")
        # Java replacement syntax ($1) to Python's (\g<1>)
        masks.append((re.compile(regex), re.sub(r"\$(\d)", r"\\g<\1>", repl)))

def mask(text, tmp):
    text = text.replace(tmp, "${TMP}")
    for regex, repl in masks:
        text = regex.sub(repl, text)
    return text

def art_lines(err, tmp):
    lines = [l for l in re.split(r"[\r\n]+", err) if re.match(r"^(art\b|Try 'art)", l)]
    return [mask(l, tmp) for l in lines]

for line in open(os.path.join(here, "cases.txt"), encoding="utf-8"):
    if not line.strip() or line.startswith("#"):
        continue
    name, files, args = [p.strip() for p in line.split("|", 2)]
    if only and name not in only:
        continue
    tmp = tempfile.mkdtemp(prefix="art-golden-")
    try:
        argv = [a.replace("${TMP}", tmp) for a in args.split()]
        p = subprocess.run(java + argv, cwd=workdir, capture_output=True, text=True, timeout=300)
        recorded = {}
        for f in ([] if files == "-" else files.split(",")):
            path = os.path.join(tmp, f)
            if not os.path.exists(path):
                recorded[f] = None
            elif f.endswith(".png"):
                recorded[f] = "sha256:" + hashlib.sha256(open(path, "rb").read()).hexdigest()
            elif f.endswith(".json"):
                # compared as JSON: the order of keys in a written file is not part of its contents
                recorded[f] = json.loads(mask(open(path, encoding="utf-8").read(), tmp))
            else:
                recorded[f] = mask(open(path, encoding="utf-8").read(), tmp)
        case = {"name": name, "args": args.split(), "exitCode": p.returncode,
                "stdout": mask(p.stdout, tmp), "stderr": art_lines(p.stderr, tmp), "files": recorded}
        with open(os.path.join(here, name + ".json"), "w", encoding="utf-8") as out:
            json.dump(case, out, indent=2, ensure_ascii=False)
            out.write("\n")
        print(f"{name}: exit {p.returncode}", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
PY
