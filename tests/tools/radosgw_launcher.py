"""Start a throwaway Ceph cluster (one monitor, one memstore OSD) and radosgw on 127.0.0.1.

Test-harness and benchmark only: nothing here ships in the module. Debian 12 packages:
`apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd`.

    python3 tests/tools/radosgw_launcher.py --port 8123 [--access-key K --secret-key S]

Prints one JSON line on stdout when S3 answers:
    {"endpoint": "http://127.0.0.1:8123", "access_key": ..., "secret_key": ...,
     "pids": {"mon": .., "osd": .., "rgw": ..}, "dir": ...}
then runs until SIGTERM/SIGINT (or stdin closes with --exit-on-stdin-close), stops every daemon it
started by PID and removes its directory. Everything lives in one temp dir with its own fsid:
nothing under /etc/ceph, /var/lib/ceph or /var/run/ceph is read or written.

The facts that make it run on one loopback machine (issue 16): memstore OSD, pool size 1,
`auth ... required = none` and every `ms ... mode = crc` (otherwise radosgw hangs at
AUTH_CONNECTING), beast bound to 127.0.0.1 only.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

CONF = """[global]
fsid = {fsid}
mon host = v2:127.0.0.1:{mon_port}
mon initial members = a
ms bind msgr1 = false
ms bind ipv6 = false
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
ms cluster mode = crc
ms service mode = crc
ms client mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
ms mon client mode = crc
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon allow pool delete = true
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
mon warn on pool no redundancy = false
run dir = {dir}/run
admin socket = {dir}/run/$name.asok
pid file = {dir}/run/$name.pid
log file = {dir}/log/$name.log
crash dir = {dir}/crash
keyring = {dir}/keyring
exporter sock dir = {dir}/run
log to stderr = false
err to stderr = true

[mon]
mon data = {dir}/mon/$id
mon data avail crit = 0
mon data avail warn = 0

[osd]
osd data = {dir}/osd/$id
osd objectstore = memstore
memstore device bytes = {memstore_bytes}
osd max object size = 4294967296
osd mon heartbeat interval = 5

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:{port}
rgw data = {dir}/rgw
rgw dns name = 127.0.0.1
rgw enable usage log = false
rgw thread pool size = 128
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, port, access_key, secret_key, memstore_bytes):
        self.port = port
        self.access_key = access_key
        self.secret_key = secret_key
        self.dir = tempfile.mkdtemp(prefix="mediaops-rgw-")
        self.conf = os.path.join(self.dir, "ceph.conf")
        self.procs = {}
        for sub in ("run", "log", "crash", "mon/a", "osd/0", "rgw"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        self.fsid = str(uuid.uuid4())
        self.mon_port = free_port()
        with open(self.conf, "w") as f:
            f.write(CONF.format(fsid=self.fsid, mon_port=self.mon_port, dir=self.dir, port=port,
                                memstore_bytes=memstore_bytes))
        self.env = dict(os.environ, CEPH_CONF=self.conf)

    def run(self, *args, timeout=60):
        result = subprocess.run(list(args) + ["-c", self.conf], env=self.env, capture_output=True,
                                text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
        return result.stdout

    def daemon(self, name, *args):
        log = open(os.path.join(self.dir, "log", f"{name}.stderr"), "wb")
        self.procs[name] = subprocess.Popen(list(args) + ["-c", self.conf, "-f"], env=self.env,
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                            start_new_session=True)

    def start(self, timeout):
        deadline = time.monotonic() + timeout
        # Monitor: a keyring file must exist even with auth none.
        self.run("ceph-authtool", "--create-keyring", os.path.join(self.dir, "keyring"),
                 "--gen-key", "-n", "mon.", "--cap", "mon", "allow *")
        # An explicit monmap: the monitor binds where the map says (not the default 3300/6789,
        # so two clusters can run side by side) and clients find it there.
        monmap = os.path.join(self.dir, "monmap")
        self.run("monmaptool", "--create", "--fsid", self.fsid, "--addv", "a", f"[v2:127.0.0.1:{self.mon_port}]", monmap)
        self.run("ceph-mon", "--mkfs", "-i", "a", "--monmap", monmap)
        self.daemon("mon", "ceph-mon", "-i", "a")
        osd_uuid = str(uuid.uuid4())
        osd_id = self.run("ceph", "osd", "new", osd_uuid, timeout=max(5, deadline - time.monotonic())).strip()
        if osd_id != "0":
            raise RuntimeError(f"expected OSD id 0, got {osd_id!r}")
        self.run("ceph-osd", "-i", "0", "--mkfs", "--osd-uuid", osd_uuid)
        self.daemon("osd", "ceph-osd", "-i", "0")
        self.wait(deadline, "the OSD to come up", self.osd_up)
        self.daemon("rgw", "radosgw", "-n", "client.rgw")
        self.wait(deadline, "radosgw to answer S3", self.s3_answers)
        self.run("radosgw-admin", "user", "create", "--uid", "mediaops", "--display-name", "MediaOps tests",
                 "--access-key", self.access_key, "--secret", self.secret_key, timeout=60)

    def osd_up(self):
        out = self.run("ceph", "osd", "dump", "--format", "json", timeout=10)
        return any(o.get("up") == 1 for o in json.loads(out).get("osds", []))

    def s3_answers(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2) as response:
                return response.status == 200
        except Exception:
            return False

    def wait(self, deadline, what, probe):
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"ceph {name} exited with {proc.returncode} while waiting for {what}: {self.tail(name)}")
            try:
                if probe():
                    return
            except (RuntimeError, subprocess.TimeoutExpired, ValueError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"timed out waiting for {what}")

    def tail(self, name):
        for suffix in (".stderr",):
            try:
                with open(os.path.join(self.dir, "log", name + suffix), errors="replace") as f:
                    return f.read()[-1500:]
            except OSError:
                pass
        return ""

    def stop(self):
        # Reverse order of start: radosgw, OSD, monitor. Each by its own PID.
        for name in ("rgw", "osd", "mon"):
            proc = self.procs.get(name)
            if proc is None or proc.poll() is not None:
                continue
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0, help="S3 port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--access-key", default="MEDIAOPSRGWTEST00001")
    parser.add_argument("--secret-key", default="mediaops-rgw-test-secret-not-real")
    parser.add_argument("--memstore-gib", type=int, default=6, help="OSD memory store size (1 GiB bench file needs room)")
    parser.add_argument("--timeout", type=float, default=90)
    parser.add_argument("--exit-on-stdin-close", action="store_true",
                        help="stop when the parent closes stdin (so a killed parent leaves nothing behind)")
    args = parser.parse_args()
    port = args.port or free_port()
    cluster = Cluster(port, args.access_key, args.secret_key, args.memstore_gib << 30)
    stopping = threading.Event()
    ready = threading.Event()

    def on_signal(*_):
        if not stopping.is_set() and ready.is_set():
            stopping.set()
        else:
            raise KeyboardInterrupt  # still starting: abandon the start, the finally stops what runs

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        cluster.start(args.timeout)
        ready.set()
        print(json.dumps({"endpoint": f"http://127.0.0.1:{port}", "access_key": args.access_key,
                          "secret_key": args.secret_key, "dir": cluster.dir,
                          "pids": {name: p.pid for name, p in cluster.procs.items()}}), flush=True)
        if args.exit_on_stdin_close:
            threading.Thread(target=lambda: (sys.stdin.read(), stopping.set()), daemon=True).start()
        while not stopping.wait(0.5):
            for name, proc in cluster.procs.items():
                if proc.poll() is not None:
                    print(f"ceph {name} exited with {proc.returncode}: {cluster.tail(name)}", file=sys.stderr)
                    stopping.set()
        return 0
    except KeyboardInterrupt:
        return 1
    except Exception as error:
        print(f"radosgw_launcher: {error}", file=sys.stderr)
        for name in cluster.procs:
            print(f"--- {name}: {cluster.tail(name)}", file=sys.stderr)
        return 1
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
