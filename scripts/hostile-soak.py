#!/usr/bin/env python3
"""A soak of the hostile inbox: for SECONDS (default 300), `openlayer-drop watch` takes a stream of
drops mixing valid files with what an attacker or a clumsy job leaves in an inbox, while it is now
and then stopped (SIGTERM), killed (SIGKILL) and restarted, and its inbox removed and made again.

    scripts/hostile-soak.sh [SECONDS] [SEED]

Everything runs on loopback against `openlayer-sandbox`, in a temporary folder. At the end it checks
what the service promises, and exits 1 if any of it does not hold:

- every row of every valid file was published, and only a kill -9 may have sent one twice;
- no row of a file outside the inbox was published, and those files are unchanged;
- every hostile entry is in rejected/ with a report (links and FIFOs moved themselves, never followed);
- the service never exited by itself, and after each restart it went on.
"""
import gzip
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release")
KEY = "sk-soak"
HEADER = "amount,merchant,hour,prediction,scores\n"


def rows(tag, count):
    return "".join(f"{index}.5,{tag}-{index},{index % 24},{index % 2},\"[0.5, 0.5]\"\n" for index in range(count))


class Soak:
    def __init__(self, directory, seed):
        self.random = random.Random(seed)
        self.directory = directory
        self.inbox = os.path.join(directory, "inbox", "fraud")
        self.outside = os.path.join(directory, "outside")
        os.makedirs(self.inbox)
        os.makedirs(self.outside)
        self.secret = os.path.join(self.outside, "secret.csv")
        with open(self.secret, "w") as out:
            out.write(HEADER + rows("secret", 5))
        self.expected = {}  # merchant tag -> rows published
        self.hostile = []  # names that must end in rejected/
        self.kills = 0
        self.stops = 0
        self.counter = 0
        self.log = open(os.path.join(directory, "watch.log"), "ab")
        self.sandbox = subprocess.Popen(
            [os.path.join(BIN, "openlayer-sandbox"), "--port", "0", "--api-key", KEY], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.sandbox.stdout.readline().decode()
        self.base = line[line.index("http://"):].strip()
        self.config = os.path.join(directory, "config.yaml")
        with open(self.config, "w") as out:
            out.write(
                f"baseURL: {self.base}\ndirectories:\n  root: {directory}\nservice:\n  settleSeconds: 0.3\n  shutdownTimeoutSeconds: 5\n"
                "  retry: {initialBackoffSeconds: 0.05, maxBackoffSeconds: 0.5}\n  http: {listen: '127.0.0.1:0'}\npipelines:\n  fraud:\n    project: Soak\n"
                "    taskType: tabular-classification\n    inferencePipeline: production\n    batchRows: 50\n    maxLineBytes: 65536\n"
                "    dataConfig: {classNames: [legit, fraud], featureNames: [amount, merchant, hour], categoricalFeatureNames: [merchant],"
                " predictionsColumnName: prediction, predictionScoresColumnName: scores}\n")
        self.watcher = None
        self.start()

    def start(self):
        self.started = time.monotonic()
        environment = dict(os.environ, OPENLAYER_API_KEY=KEY)
        self.watcher = subprocess.Popen(
            [os.path.join(BIN, "openlayer-drop"), "watch", "--config", self.config], stdout=self.log, stderr=self.log, env=environment)

    def name(self, stem, extension=".csv"):
        """A new file name, and the tag its rows carry as their merchant: names may hold
        anything, tags are plain."""
        self.counter += 1
        return f"{stem}-{self.counter}{extension}", f"r{self.counter}"

    def drop(self, name, data):
        """Written under a hidden name, then renamed in: the way a job should drop."""
        temporary = os.path.join(self.inbox, "." + name + ".part")
        with open(temporary, "wb") as out:
            out.write(data)
        os.rename(temporary, os.path.join(self.inbox, name))

    # What is dropped, each returning what it was.

    def expect(self, tag, count):
        self.expected.update({f"{tag}-{index}": 1 for index in range(count)})

    def valid(self):
        name, tag = self.name("valid")
        count = self.random.randint(1, 400)
        self.drop(name, (HEADER + rows(tag, count)).encode())
        self.expect(tag, count)
        return name

    def valid_in_place(self):
        name, tag = self.name("slow")
        count = self.random.randint(1, 50)
        with open(os.path.join(self.inbox, name), "w") as out:
            out.write(HEADER)
            out.flush()
            time.sleep(0.1)
            out.write(rows(tag, count))
        self.expect(tag, count)
        return name

    def valid_gzip(self):
        name, tag = self.name("packed", ".csv.gz")
        count = self.random.randint(1, 400)
        self.drop(name, gzip.compress((HEADER + rows(tag, count)).encode(), mtime=0))
        self.expect(tag, count)
        return name

    def odd_name(self):
        stem = self.random.choice(["with\nnewline", "-leading-dash", "spaces  and\ttab", "émoji 🛒", "x" * 200, "quote\"d'"])
        name, tag = self.name(stem)
        self.drop(name, (HEADER + rows(tag, 3)).encode())
        self.expect(tag, 3)
        return name

    def invalid_utf8_row(self):
        name, tag = self.name("latin1")
        self.drop(name, (HEADER + rows(tag, 10)).encode() + b"1.5,caf\xe9,1,0,\"[0.5, 0.5]\"\n")
        self.expect(tag, 10)
        return name

    def symlink(self):
        name, _ = self.name("link")
        target = self.random.choice([self.secret, self.outside, "/etc/passwd", "/nonexistent"])
        os.symlink(target, os.path.join(self.inbox, name))
        self.hostile.append(name)
        return name

    def fifo(self):
        name, _ = self.name("fifo")
        os.mkfifo(os.path.join(self.inbox, name))
        self.hostile.append(name)
        return name

    def hard_link(self):
        name, _ = self.name("hard")
        temporary = os.path.join(self.inbox, "." + name)
        os.link(self.secret, temporary)
        os.rename(temporary, os.path.join(self.inbox, name))
        self.hostile.append(name)
        return name

    def huge_line(self):
        name, _ = self.name("huge")
        self.drop(name, (HEADER + "1.5," + "m" * 200_000 + ",1,0,\"[0.5, 0.5]\"\n").encode())
        self.hostile.append(name)
        return name

    def gzip_named_csv(self):
        name, _ = self.name("gzipped")
        self.drop(name, gzip.compress((HEADER + rows("gzipped", 3)).encode()))
        self.hostile.append(name)
        return name

    def gzip_bomb(self):
        name, _ = self.name("bomb", ".csv.gz")
        self.drop(name, gzip.compress(b"amount\n" + b"1\n" * (20 << 20), compresslevel=9))
        self.hostile.append(name)
        return name

    def binary(self):
        name, _ = self.name("noise")
        self.drop(name, bytes(self.random.getrandbits(8) for _ in range(5000)))
        self.hostile.append(name)
        return name

    def inbox_recreated(self):
        """The pipeline's folder, or the whole inbox, moved away and made again; what was
        still in it is put back, as a cleanup script that restores files would."""
        self.counter += 1
        folder = self.inbox if self.random.random() < 0.5 else os.path.dirname(self.inbox)
        moved = os.path.join(self.directory, f"away-{self.counter}")
        os.rename(folder, moved)
        time.sleep(0.3)
        os.makedirs(self.inbox)
        away = moved if folder == self.inbox else os.path.join(moved, "fraud")
        for entry in os.listdir(away):
            os.rename(os.path.join(away, entry), os.path.join(self.inbox, entry))
        return "inbox removed and made again"

    def stop_and_start(self):
        # In its first moments the service has no signal handlers yet: SIGTERM ends it by the signal.
        time.sleep(max(0, 1 - (time.monotonic() - self.started)))
        if self.random.random() < 0.5:
            self.watcher.send_signal(signal.SIGTERM)
            status = self.watcher.wait(timeout=10)
            if status != 0:
                raise SystemExit(f"SIGTERM: exit {status}")
            self.stops += 1
        else:
            self.watcher.kill()
            self.watcher.wait()
            self.kills += 1
        self.start()
        return "restarted"

    def step(self):
        if self.watcher.poll() is not None:
            raise SystemExit(f"the service exited by itself: {self.watcher.returncode}")
        actions = [
            (self.valid, 30), (self.valid_in_place, 5), (self.valid_gzip, 8), (self.odd_name, 5), (self.invalid_utf8_row, 4),
            (self.symlink, 6), (self.fifo, 4), (self.hard_link, 4), (self.huge_line, 3), (self.gzip_named_csv, 3),
            (self.gzip_bomb, 1), (self.binary, 3), (self.inbox_recreated, 1), (self.stop_and_start, 2),
        ]
        action = self.random.choices([a for a, _ in actions], weights=[w for _, w in actions])[0]
        action()

    # Checks.

    def get(self, path):
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {KEY}"})
        with urllib.request.urlopen(request) as answer:
            return json.load(answer)

    def published(self):
        counts = {}
        pipeline_ids = {item.get("pipelineId") for item in self.get("/sandbox/requests")["items"] if item.get("pipelineId")}
        for pipeline_id in pipeline_ids:
            page = 1
            while True:
                items = self.get(f"/inference-pipelines/{pipeline_id}/rows?page={page}&perPage=10000")["items"]
                for item in items:
                    merchant = item["row"].get("merchant")
                    counts[merchant] = counts.get(merchant, 0) + 1
                if len(items) < 10000:
                    break
                page += 1
        return counts

    def settled(self):
        processing = os.path.join(self.directory, "state", "processing", "fraud")
        def waiting(folder):
            return [name for name in os.listdir(folder) if not name.startswith(".") and name not in ("ground-truths", "reference")] \
                if os.path.isdir(folder) else []
        return not waiting(self.inbox) and not waiting(processing)

    def rejected(self):
        folder = os.path.join(self.directory, "rejected", "fraud")
        return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 300
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else int(time.time())
    print(f"hostile soak: {seconds:.0f} s, seed {seed}")
    directory = tempfile.mkdtemp(prefix="openlayer-drop-soak-")
    soak = Soak(directory, seed)
    try:
        time.sleep(1)
        deadline = time.monotonic() + seconds
        steps = 0
        while time.monotonic() < deadline:
            soak.step()
            steps += 1
            time.sleep(soak.random.uniform(0, 0.2))
        settle_deadline = time.monotonic() + 120
        while not soak.settled() and time.monotonic() < settle_deadline:
            time.sleep(0.5)
        if soak.watcher.poll() is not None:
            raise SystemExit(f"the service exited by itself: {soak.watcher.returncode}")
        problems = []
        if not soak.settled():
            problems.append("files still waiting after 120 s")
        counts = soak.published()
        missing = [tag for tag in soak.expected if counts.get(tag, 0) == 0]
        twice = {tag: n for tag, n in counts.items() if tag in soak.expected and n > 1}
        foreign = {tag: n for tag, n in counts.items() if tag not in soak.expected}
        if missing:
            problems.append(f"{len(missing)} rows never published, e.g. {missing[:5]}")
        if twice and soak.kills == 0:
            problems.append(f"{len(twice)} rows published twice without a kill -9, e.g. {list(twice)[:5]}")
        if foreign:
            problems.append(f"rows that no valid file holds were published: {list(foreign)[:5]}")
        with open(soak.secret) as secret:
            if secret.read() != HEADER + rows("secret", 5):
                problems.append("a file outside the inbox changed")
        rejected = soak.rejected()
        unreported = [name for name in soak.hostile if name not in rejected or name + ".rejection.txt" not in rejected]
        if unreported:
            problems.append(f"hostile entries not in rejected/ with a report: {unreported[:5]!r}")
        print(f"{steps} drops, {len(soak.expected)} valid rows, {len(soak.hostile)} hostile entries, "
              f"{soak.stops} SIGTERMs, {soak.kills} kill -9s; rows published twice (kill -9 only): {len(twice)}")
        for problem in problems:
            print("FAILED:", problem)
        if problems:
            print("kept for a look:", directory, "(the service log is watch.log)")
            raise SystemExit(1)
        print("ok: every valid row published, every hostile entry rejected with a report, nothing outside touched")
        subprocess.run(["rm", "-rf", directory])
    finally:
        if soak.watcher.poll() is None:
            soak.watcher.send_signal(signal.SIGTERM)
            soak.watcher.wait(timeout=15)
        soak.sandbox.terminate()
        soak.sandbox.wait()


if __name__ == "__main__":
    main()
