#!/usr/bin/env python3
"""openlayer-drop next to the official Python SDK, publishing the same predictions file to the same
sink: nginx on loopback answering every Openlayer endpoint with a fixed body (sink.nginx.conf), so
that what is measured is the publisher, not the server. Prints, for each publisher, wall seconds,
rows/s, MiB/s of CSV, CPU seconds and peak memory, and the ratios; then parse -> type -> JSON on one
core, the sink alone under wrk, and openlayer-drop's peak memory by file size (it must not grow
with the file).

Run by scripts/bench.sh, which builds and installs what this needs. BENCH_ROWS sets the file size
(default 1,000,000); BENCH_REPEAT how many times each publisher runs, the run of median wall time
being the one shown (default 3; this machine's speed drifts by a tenth from minute to minute, and
the runs of all four publishers take turns, so none gets the quiet minute alone); BENCH_BIG_MIB the
size of the largest file of the memory runs (default 1024, with and without an inference id
column; 0 skips them). Loopback only.
"""
import csv
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.join(ROOT, ".build", "release")
KEY = "sk-bench"
CONFIG = {
    "class_names": ["legit", "fraud"],
    "feature_names": ["amount", "merchant", "hour", "card_age_days", "country"],
    "categorical_feature_names": ["merchant", "country"],
    "predictions_column_name": "prediction",
    "prediction_scores_column_name": "scores",
}


def make_csv(path, rows, ids=False):
    """Predictions as a batch scorer writes them: numeric and categorical features, a
    prediction and its scores; no inference id (unless `ids`) or timestamp (both are filled in)."""
    random.seed(rows)
    merchants = ["fuel", "grocery", "electronics, online", "travel", "restaurant"]
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow((["inference_id"] if ids else []) + ["amount", "merchant", "hour", "card_age_days", "country", "prediction", "scores"])
        for row in range(rows):
            p = round(random.random(), 3)
            writer.writerow(([f"pred-{row:09d}"] if ids else []) + [
                round(random.uniform(1, 2000), 2), random.choice(merchants), random.randint(0, 23),
                random.randint(0, 3000), random.choice(["US", "FR", "DE"]), 1 if p > 0.5 else 0, f"[{round(1 - p, 3)}, {p}]"])


def measure(command, env=None):
    """Wall seconds, CPU seconds (user + system) and peak MiB of one command (/usr/bin/time)."""
    started = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-f", "%U %S %M"] + command, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    user, system, peak = result.stderr.strip().splitlines()[-1].split()
    return seconds, float(user) + float(system), int(peak) / 1024


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sink(directory, access_log=None):
    """nginx on a free loopback port; with `access_log`, it logs when each request ended, how
    long it took and its path."""
    port = free_port()
    folder = os.path.join(directory, "sink")
    os.makedirs(folder)
    with open(os.path.join(HERE, "sink.nginx.conf")) as source:
        conf = source.read().replace("PORT", str(port))
    if access_log:
        conf = conf.replace("access_log off;", f"log_format timing '$msec $request_time $uri';\n    access_log {access_log} timing;")
    with open(os.path.join(folder, "nginx.conf"), "w") as out:
        out.write(conf)
    sink = subprocess.Popen(["nginx", "-p", folder, "-c", os.path.join(folder, "nginx.conf"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return sink, port
        except OSError:
            time.sleep(0.05)
    sys.exit("nginx did not start; see " + folder + "/error.log")


def write_config(directory, url, mode):
    path = os.path.join(directory, f"config-{mode}.yaml")
    data_config = {"classNames": CONFIG["class_names"], "featureNames": CONFIG["feature_names"],
                   "categoricalFeatureNames": CONFIG["categorical_feature_names"], "predictionsColumnName": "prediction",
                   "predictionScoresColumnName": "scores"}
    with open(path, "w") as out:
        out.write(f"baseURL: {url}\ndirectories:\n  root: {directory}/drop-{mode}\npipelines:\n  bench:\n"
                  f"    project: Bench\n    taskType: tabular-classification\n    inferencePipeline: {mode}\n"
                  f"    mode: {mode}\n    duplicates: publish\n    dataConfig: {json.dumps(data_config)}\n")
    return path


JOURNAL_BYTES = {}


def drop_upload(directory, url, data, mode, env):
    """Measures one `openlayer-drop upload`; notes the size of the journal it left in JOURNAL_BYTES."""
    config = write_config(directory, url, mode)
    root = os.path.join(directory, f"drop-{mode}")
    try:
        result = measure([os.path.join(BIN, "openlayer-drop"), "upload", data, "--pipeline", "bench", "--config", config], env)
        state = os.path.join(root, "state")
        JOURNAL_BYTES[(data, mode)] = sum(os.path.getsize(os.path.join(state, name)) for name in os.listdir(state)
                                          if name.startswith("journal.sqlite"))
        return result
    finally:
        shutil.rmtree(root, ignore_errors=True)


def wrk_sink(port):
    """The sink alone: 1000-row data-stream bodies (about 430 KB) posted as fast as wrk can."""
    script = os.path.join(tempfile.gettempdir(), "bench-wrk.lua")
    with open(script, "w") as out:
        out.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = string.rep("x", 430000)\n')
    result = subprocess.run(["wrk", "-t1", "-c2", "-d3s", "-s", script, f"http://127.0.0.1:{port}/v1/inference-pipelines/p/data-stream"],
                            capture_output=True, text=True)
    for line in result.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            per_second = float(line.split()[1])
            return per_second, per_second * 430000 / 1048576
    return 0.0, 0.0


SDK_STREAM = """
import sys, time, pandas as pd, openlayer
client = openlayer.Openlayer(api_key=sys.argv[2], base_url=sys.argv[3], max_retries=0)
project = client.projects.create(name="SDK " + sys.argv[4], task_type="tabular-classification")
pipeline = client.projects.inference_pipelines.create(project_id=project.id, name="sdk", description=None)
config = {config}
for chunk in pd.read_csv(sys.argv[1], chunksize=1000):
    chunk["scores"] = chunk["scores"].map(lambda text: [float(v) for v in text.strip("[]").split(",")])
    client.inference_pipelines.data.stream(inference_pipeline_id=pipeline.id, config=config, rows=chunk.to_dict(orient="records"))
"""

SDK_BULK = """
import sys, pandas as pd, openlayer
from openlayer.lib.data import upload_batch_inferences
client = openlayer.Openlayer(api_key=sys.argv[2], base_url=sys.argv[3], max_retries=0)
project = client.projects.create(name="SDK bulk " + sys.argv[4], task_type="tabular-classification")
pipeline = client.projects.inference_pipelines.create(project_id=project.id, name="sdk", description=None)
df = pd.read_csv(sys.argv[1])
df["scores"] = df["scores"].map(lambda text: [float(v) for v in text.strip("[]").split(",")])
upload_batch_inferences(client, pipeline.id, {config}, dataset_df=df)
"""


def main():
    rows = int(os.environ.get("BENCH_ROWS", "1000000"))
    python = os.path.join(ROOT, ".venv", "bin", "python3")
    with tempfile.TemporaryDirectory() as directory:
        sink, port = start_sink(directory)
        url = f"http://127.0.0.1:{port}/v1"
        env = dict(os.environ, OPENLAYER_API_KEY=KEY)
        try:
            data = os.path.join(directory, f"bench-{rows}.csv")
            make_csv(data, rows)
            size = os.path.getsize(data) / 1048576
            print(f"{rows} rows, {size:.1f} MiB of CSV; sink: nginx on {url}\n")
            repeat = max(1, int(os.environ.get("BENCH_REPEAT", "3")))
            sdk = {"stream": ("Python SDK data.stream (1000/request)", SDK_STREAM),
                   "bulk": ("Python SDK upload_batch_inferences", SDK_BULK)}
            runs = {}
            for attempt in range(repeat):
                for mode in ["stream", "bulk"]:
                    runs.setdefault(f"openlayer-drop upload ({mode})", []).append(drop_upload(directory, url, data, mode, env))
                for name, script in sdk.values():
                    command = [python, "-c", script.replace("{config}", repr(CONFIG)), data, KEY, url, f"{name} {attempt}"]
                    runs.setdefault(name, []).append(measure(command, env))
            results = {name: sorted(measured)[len(measured) // 2] for name, measured in runs.items()}
            print(f"each publisher's run of median wall time, of {repeat}:")
            print(f"{'publisher':<40}{'seconds':>9}{'rows/s':>11}{'MiB/s':>8}{'CPU s':>8}{'peak MiB':>10}")
            for name, (seconds, cpu, memory) in results.items():
                print(f"{name:<40}{seconds:>9.2f}{rows / seconds:>11.0f}{size / seconds:>8.1f}{cpu:>8.2f}{memory:>10.1f}")
            print()
            for mode in ["stream", "bulk"]:
                ours = results[f"openlayer-drop upload ({mode})"]
                theirs = results[sdk[mode][0]]
                print(f"{mode}: openlayer-drop is {theirs[0] / ours[0]:.1f}x faster than the SDK (wall), "
                      f"{theirs[1] / ours[1]:.1f}x less CPU, {theirs[2] / ours[2]:.1f}x less memory")

            # Parse -> type -> JSON on one core: the publishing pass as the service runs it, with
            # the request bodies thrown away (Benchmarks/EncodeThroughput). And `validate`, the
            # survey alone (reading, the SHA-256, every value checked, no JSON written).
            config = write_config(directory, url, "stream")
            passes = []
            for _ in range(repeat):
                result = subprocess.run([os.path.join(BIN, "encode-throughput"), data, "--config", config, "--pipeline", "bench"],
                                        env=env, capture_output=True, text=True, check=True)
                passes.append(result.stdout.strip())
            # Each line reads "N rows, M MiB: S s, …": the median by seconds.
            passes.sort(key=lambda line: float(line.split(": ")[1].split(" s")[0]))
            print(f"\nparse -> type -> JSON on one core (the publishing pass, nothing sent; median of {repeat}): {passes[len(passes) // 2]}")
            seconds, cpu, memory = measure([os.path.join(BIN, "openlayer-drop"), "validate", data, "--pipeline", "bench",
                                            "--config", config], env)
            print(f"parse -> type on one core (openlayer-drop validate, the survey): {seconds:.2f} s, "
                  f"{size / cpu:.0f} MiB/s of CPU, peak {memory:.1f} MiB")

            per_second, mib = wrk_sink(port)
            print(f"\nthe sink alone (wrk, 430 KB POSTs): {per_second:.0f} requests/s, {mib:.0f} MiB/s")

            for mode in ["stream", "bulk"]:
                print(f"journal after the {mode} upload: {JOURNAL_BYTES[(data, mode)] / 1024:.0f} KiB")

            # Memory must not grow with the file, with or without an inference id column (whose
            # ids are checked for repeats). BENCH_BIG_MIB sizes the largest file (0 skips it).
            big_rows = int(os.environ.get("BENCH_BIG_MIB", "1024")) * 1048576 // 47
            print("\nopenlayer-drop memory by file size (stream):")
            sizes = [(rows // 8, False), (rows // 2, False)] + ([(big_rows, False), (big_rows, True)] if big_rows else [])
            for count, ids in sizes:
                sized = os.path.join(directory, f"size-{count}{'-ids' if ids else ''}.csv")
                make_csv(sized, count, ids=ids)
                seconds, cpu, memory = drop_upload(directory, url, sized, "stream", env)
                print(f"  {count:>9} rows{' with ids' if ids else ''}, {os.path.getsize(sized) / 1048576:7.1f} MiB: "
                      f"{seconds:6.2f} s, peak {memory:6.1f} MiB, journal {JOURNAL_BYTES[(sized, 'stream')] / 1048576:.1f} MiB")
                os.remove(sized)
        finally:
            sink.terminate()
            sink.wait()


if __name__ == "__main__":
    main()
