"""Runs ONNX graphs through ONNX Runtime (Java, via ``OrtRun.java``) from Python and returns numpy arrays.

Debian ships no Python ``onnxruntime`` and onnx 1.12 has no reference evaluator, so the sanity checks
call the same runtime the Java project uses: ``java -cp <onnxruntime jar> OrtRun.java ...``. The jar is
looked up in the local Maven repository (``~/.m2``) or given by ``$ORT_JAR``.
"""
import glob
import os
import subprocess
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def ort_jar():
    jar = os.environ.get("ORT_JAR")
    if jar:
        return jar
    found = sorted(glob.glob(os.path.expanduser(
        "~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/*/onnxruntime-*.jar")))
    found = [f for f in found if not f.endswith(("-sources.jar", "-javadoc.jar"))]
    if not found:
        raise FileNotFoundError("expected onnxruntime-*.jar under ~/.m2 (run ./mvnw once) or $ORT_JAR, found none")
    return found[-1]


def run(model_path, inputs):
    """Runs ``model_path`` on ``inputs`` (dict name -> float32 or integer (sent as int64) array); returns dict name -> float32 array."""
    with tempfile.TemporaryDirectory() as tmp:
        args = ["java", "-cp", ort_jar(), os.path.join(HERE, "OrtRun.java"), model_path, tmp]
        for name, value in inputs.items():
            if np.issubdtype(value.dtype, np.integer):
                path = os.path.join(tmp, f"in_{name}.i64")
                np.ascontiguousarray(value, dtype="<i8").tofile(path)
            else:
                path = os.path.join(tmp, f"in_{name}.bin")
                np.ascontiguousarray(value, dtype="<f4").tofile(path)
            args.append(f"{name}:{','.join(str(d) for d in value.shape)}:{path}")
        out = subprocess.run(args, check=True, stdout=subprocess.PIPE, text=True).stdout
        result = {}
        for line in out.strip().splitlines():
            name, shape = line.split(" ")
            dims = tuple(int(d) for d in shape.split(","))
            result[name] = np.fromfile(os.path.join(tmp, f"{name}.f32"), dtype="<f4").reshape(dims)
        return result
