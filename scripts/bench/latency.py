#!/usr/bin/env python3
"""The service's latency and per-file overhead, against nginx on loopback (sink.nginx.conf, with an
access log of when each request arrived): `openlayer-drop watch` runs on a fresh inbox, and

- 100 files of 10 rows are dropped by rename, one at a time: drop -> first request, p50 and p95;
- then BENCH_SMALL_FILES (default 10,000) files of 10 rows are renamed in at once: seconds from the
  first rename until every one is archived with its receipt.

Run by scripts/bench.sh after bench.py. Loopback only.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import BIN, KEY, start_sink  # noqa: E402

def rows(file):
    """Ten rows, different in every file (the same content twice is archived as a duplicate)."""
    return "amount,merchant,hour,card_age_days,country,prediction,scores\n" + "".join(
        f"{file}.{index},fuel,{index},{100 + index},US,{index % 2},\"[0.4, 0.6]\"\n" for index in range(10))


def write_config(directory, url):
    path = os.path.join(directory, "config-watch.yaml")
    with open(path, "w") as out:
        out.write(f"baseURL: {url}\ndirectories:\n  root: {directory}/watch\npipelines:\n  bench:\n"
                  "    project: Bench\n    taskType: tabular-classification\n    inferencePipeline: stream\n    mode: stream\n"
                  "    dataConfig: {classNames: [legit, fraud], featureNames: [amount, merchant, hour, card_age_days, country],"
                  " categoricalFeatureNames: [merchant, country], predictionsColumnName: prediction, predictionScoresColumnName: scores}\n")
    return path


def request_starts(log_path):
    """When each data-stream request arrived: nginx logs its end ($msec) and duration."""
    starts = []
    with open(log_path) as log:
        for line in log:
            end, duration, uri = line.split()
            if uri.endswith("/data-stream"):
                starts.append(float(end) - float(duration))
    return starts


def receipts(archive):
    return sum(1 for _, _, files in os.walk(archive) for name in files if name.endswith(".receipt.json"))


def main():
    small_files = int(os.environ.get("BENCH_SMALL_FILES", "10000"))
    with tempfile.TemporaryDirectory() as directory:
        log_path = os.path.join(directory, "access.log")
        sink, port = start_sink(directory, access_log=log_path)
        url = f"http://127.0.0.1:{port}/v1"
        inbox = os.path.join(directory, "watch", "inbox", "bench")
        os.makedirs(inbox)
        service_log = open(os.path.join(directory, "watch.log"), "w")
        service = subprocess.Popen([os.path.join(BIN, "openlayer-drop"), "watch", "--config", write_config(directory, url)],
                                   env=dict(os.environ, OPENLAYER_API_KEY=KEY), stdout=service_log, stderr=service_log)
        try:
            deadline = time.monotonic() + 30
            while "watching the inbox" not in open(service_log.name).read():
                if time.monotonic() > deadline:
                    sys.exit("the service did not start:\n" + open(service_log.name).read())
                time.sleep(0.05)

            latencies = []
            for index in range(100):
                seen = len(request_starts(log_path))
                temporary = os.path.join(inbox, f".latency-{index}.csv.tmp")
                with open(temporary, "w") as out:
                    out.write(rows(index))
                dropped = time.time()
                os.rename(temporary, os.path.join(inbox, f"latency-{index}.csv"))
                wait_until = time.monotonic() + 10
                while len(request_starts(log_path)) <= seen:
                    if time.monotonic() > wait_until:
                        sys.exit("no request for a dropped file within 10 s:\n" + open(service_log.name).read()[-3000:])
                    time.sleep(0.001)
                # nginx logs times to the millisecond: a request under that may seem to come first.
                latencies.append(max(0.0, (request_starts(log_path)[seen] - dropped) * 1000))
            latencies.sort()
            print(f"drop (rename) -> first request, 100 drops: p50 {statistics.median(latencies):.1f} ms, "
                  f"p95 {latencies[94]:.1f} ms, max {latencies[-1]:.1f} ms (nginx logs to the millisecond)")

            archive = os.path.join(directory, "watch", "archive", "bench")
            before = receipts(archive)
            staging = os.path.join(directory, "staging")  # same file system, outside the inbox
            os.makedirs(staging)
            for index in range(small_files):
                with open(os.path.join(staging, f"small-{index}.csv"), "w") as out:
                    out.write(rows(1000 + index))
            started = time.monotonic()
            for index in range(small_files):
                os.rename(os.path.join(staging, f"small-{index}.csv"), os.path.join(inbox, f"small-{index}.csv"))
            renamed = time.monotonic() - started
            deadline = time.monotonic() + 600
            while receipts(archive) < before + small_files:
                if time.monotonic() > deadline:
                    sys.exit(f"only {receipts(archive) - before} of {small_files} small files archived in 10 minutes")
                time.sleep(0.1)
            seconds = time.monotonic() - started
            print(f"{small_files} files of 10 rows renamed in ({renamed:.1f} s to rename them): all archived "
                  f"{seconds:.1f} s after the first rename, {small_files / seconds:.0f} files/s")
        finally:
            service.terminate()
            service.wait()
            sink.terminate()
            sink.wait()


if __name__ == "__main__":
    main()
