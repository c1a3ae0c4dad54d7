#!/usr/bin/env python3
"""`groundlink run`: the station program as real processes on a small generated SigMF pass.

Frames and ERTs equal to `decode` of the same recording; SIGTERM exits 0 after flushing;
SIGHUP retunes the running source and rebuilds the chain for a changed profile while an SLE
user (`groundlink sle-user`) stays bound; a missing SDR device and configuration errors exit 2;
kill -9 mid-pass keeps every frame the station had acknowledged; `decode --realtime` paces the
replay and shows a progress line only on a terminal."""
import json
import os
import pty
import re
import select
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import unittest
import urllib.request

BIN = os.path.join(os.environ.get("GROUNDLINK_BIN", "build/bin"), "groundlink")
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
PROFILES = os.path.join(SRC, "flowgraphs", "profiles")
EXAMPLE = os.path.join(SRC, "flowgraphs", "stations", "example.yaml")
USER_PW = "000102030405060708090a0b0c0d0e0f"
PROVIDER_PW = "ab0102030405060708090a0b0c0d0e0f"
SII = "sagr=1.spack=1.rsl-fg=1.raf=onlt1"

# A slow version of the CCSDS concatenated link (QPSK, conv 1/2 + RS I=5, 1115-byte frames) so a
# real-time pass lasts seconds with a small file: 25 ksym/s, 100 kS/s, 0.41 s per frame.
SYMBOL_RATE = 25e3
SAMPLE_RATE = 4 * SYMBOL_RATE
FRAMES = 20
LEAD_IN = 25000  # symbols: 1 s of idle before the first frame (time for an SLE user to START)
CENTER = 8.4e9
DATETIME = "2026-05-04T03:02:01.5Z"


def run(*args, timeout=120):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def last_json(stdout):
    return json.loads(stdout.strip().splitlines()[-1])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def archive_rows(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT ert_s, ert_ps, data, quality FROM frames ORDER BY ert_s, ert_ps").fetchall()
    finally:
        con.close()


class Station:
    """A `groundlink run` process; its log goes to a file (no pipe to fill)."""

    def __init__(self, tmp, config, extra=()):
        self.log_path = os.path.join(tmp, f"station-{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "w")
        self.p = subprocess.Popen([BIN, "run", "--config", config, *extra], stdout=subprocess.DEVNULL,
                                  stderr=self.log, text=True)
        self.port = None

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_log(self, pattern, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            m = re.search(pattern, self.text())
            if m:
                return m
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"'{pattern}' not in the station log (rc={self.p.poll()}):\n{self.text()[-3000:]}")

    def wait_monitor(self):
        self.port = int(self.wait_log(r"monitor listening on 127\.0\.0\.1:(\d+)").group(1))
        return self.port

    def status(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=5) as r:
            return json.loads(r.read())["station"]

    def wait_status(self, pred, timeout=25, what="condition"):
        end = time.time() + timeout
        st = None
        while time.time() < end:
            st = self.status()
            if pred(st):
                return st
            time.sleep(0.05)
        raise AssertionError(f"station never reached {what}: {json.dumps(st)}\n{self.text()[-2000:]}")

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            self.p.wait(timeout=timeout)
        finally:
            if self.p.poll() is None:
                self.p.kill()
                self.p.wait()
            self.log.close()
        return self.p.returncode


class qa_station(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmpdir = tempfile.TemporaryDirectory()
        cls.tmp = cls.tmpdir.name
        with open(os.path.join(PROFILES, "ccsds-concatenated.yaml")) as f:
            text = f.read()
        cls.profile = os.path.join(cls.tmp, "slow.yaml")
        with open(cls.profile, "w") as f:
            f.write(text.replace("name: ccsds-concatenated", "name: slow-concatenated")
                        .replace("symbol_rate: 2.0e6", f"symbol_rate: {SYMBOL_RATE}"))
        # The same link with other synchroniser settings: a profile change that still decodes.
        cls.profile2 = os.path.join(cls.tmp, "slow2.yaml")
        with open(cls.profile2, "w") as f:
            f.write(text.replace("name: ccsds-concatenated", "name: slow-concatenated-b")
                        .replace("symbol_rate: 2.0e6", f"symbol_rate: {SYMBOL_RATE}")
                        .replace("flywheel_frames: 4", "flywheel_frames: 6"))
        cls.stem = os.path.join(cls.tmp, "pass")
        rc, out, err = run("generate", "--profile", cls.profile, "--frames", str(FRAMES), "--ebn0", "8",
                           "--freq-offset", "150", "--lead-in", str(LEAD_IN), "--seed", "11",
                           "--center-freq", str(CENTER), "--datetime", DATETIME, "--out", cls.stem)
        assert rc == 0, err
        cls.meta = cls.stem + ".sigmf-meta"
        # Reference: the offline decoder on the same recording (frames and ERTs).
        cls.ref_db = os.path.join(cls.tmp, "reference.sqlite")
        rc, out, err = run("decode", "--profile", cls.profile, "--input", cls.meta, "--archive", cls.ref_db)
        assert rc == 0, err
        assert last_json(out)["frames_good"] == FRAMES, out
        cls.reference = archive_rows(cls.ref_db)
        assert len(cls.reference) == FRAMES

    @classmethod
    def tearDownClass(cls):
        cls.tmpdir.cleanup()

    def station_file(self, name, profile=None, source=None, archive=None, sle_port=None, monitor=True, extra=""):
        src = {"type": "file", "file": self.meta, "realtime": True}
        src.update(source or {})
        lines = ["station: {name: qa-station, log_level: info}", f"profile: {profile or self.profile}", "source:"]
        lines += [f"  {k}: {json.dumps(v)}" for k, v in src.items()]
        if archive:
            lines += ["archive:", f"  path: {archive}"]
        if monitor:
            lines += ["monitor: {address: 127.0.0.1, port: 0}"]
        if sle_port:
            lines += ["sle:", "  io_threads: 1", "  instances:",
                      f"    - sii: \"{SII}\"", "      service: raf", "      host: 127.0.0.1",
                      f"      port: {sle_port}", "      responder_id: groundlink",
                      f"      responder_password: \"{PROVIDER_PW}\"", "      auth: bind",
                      f"      users: [{{id: mcc, password: \"{USER_PW}\"}}]", "      versions: [5]"]
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n" + extra)
        return path

    def assert_frames_of_reference(self, rows, cut=0):
        """Each good frame byte for byte one of the recording's, at the offline decoder's ERT.

        ERTs come from the demodulator's sample-time anchors (the on-time position of symbols in
        the recording), so they do not depend on how the scheduler cuts the stream nor on where
        a rebuilt chain starts its acquisition: within one sample of the offline decoder's.
        `cut`: chains stopped mid-pass (SIGTERM, a rebuild), each of which delivers the frame it
        was decoding as erred (truncated) rather than losing it."""
        by_data = {r[2]: r[0] * 10**12 + r[1] for r in self.reference}
        tol = round(1 / SAMPLE_RATE * 1e12)
        erred = [r for r in rows if r[3] != 0]
        self.assertLessEqual(len(erred), cut, "erred frames beyond the ones cut by a stop")
        for r in rows:
            if r[3] != 0:
                continue
            self.assertIn(r[2], by_data, f"frame at ERT {r[:2]} is not a frame of the recording")
            ert = r[0] * 10**12 + r[1]
            self.assertLessEqual(abs(ert - by_data[r[2]]), tol, f"ERT {r[:2]} differs from the offline decoder's")

    # --- frames, ERT, clean stop -------------------------------------------------------------

    def test_file_source_gives_decode_frames_and_erts(self):
        """run and decode share one receive chain: the same frames in the same order, same ERTs,
        also with the station's demodulator on two cores (station.demod_threads)."""
        for threads in (None, 2):
            db = os.path.join(self.tmp, f"same{threads}.sqlite")
            cfg = self.station_file(f"same{threads}.yaml", source={"realtime": False}, archive=db, monitor=False)
            if threads is not None:
                with open(cfg) as f:
                    text = f.read().replace("log_level: info}", f"log_level: info, demod_threads: {threads}}}")
                with open(cfg, "w") as f:
                    f.write(text)
            p = subprocess.run([BIN, "run", "--config", cfg, "--exit-at-end"], capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr[-3000:])
            rows = archive_rows(db)
            self.assertEqual([r[2] for r in rows], [r[2] for r in self.reference], f"threads {threads}")
            self.assert_frames_of_reference(rows)
            self.assertIn("source ended", p.stderr)

    def test_sigterm_mid_pass_flushes_and_exits_0(self):
        db = os.path.join(self.tmp, "sigterm.sqlite")
        st = Station(self.tmp, self.station_file("sigterm.yaml", archive=db))
        try:
            st.wait_monitor()
            st.wait_status(lambda s: s["frames"]["good"] >= 3, what="3 frames")
        finally:
            rc = st.stop(signal.SIGTERM)
        self.assertEqual(rc, 0, st.text()[-3000:])
        log = st.text()
        archived = int(re.search(r"stopped: (\d+) frames archived", log).group(1))
        rows = archive_rows(db)
        self.assertEqual(len(rows), archived)
        self.assertGreaterEqual(len(rows), 3)
        self.assertLess(len(rows), FRAMES, "the pass was stopped in the middle")
        # Every frame is one of the recording's, with the reference's ERT.
        self.assert_frames_of_reference(rows, cut=1)

    # --- SIGHUP -------------------------------------------------------------------------------

    def test_sighup_retunes_the_running_source(self):
        """Tuned 6 kHz off (outside the demodulator's acquisition range) nothing decodes; SIGHUP
        with the right centre frequency is applied to the running source and frames come."""
        off = CENTER + 6000
        cfg = self.station_file("retune.yaml", source={"center_freq": off})
        st = Station(self.tmp, cfg)
        try:
            st.wait_monitor()
            s = st.wait_status(lambda s: s["chain"]["samples_read"] > 2.0 * SAMPLE_RATE, what="2 s of samples")
            self.assertEqual(s["frames"]["good"], 0, "mistuned by 6 kHz, yet frames were decoded")
            self.assertEqual(s["source"]["center_freq"], off)
            self.station_file("retune.yaml", source={"center_freq": CENTER})
            st.p.send_signal(signal.SIGHUP)
            st.wait_log(r"retuned: centre frequency 8\.4e\+09 Hz|retuned: centre frequency 8400000000 Hz")
            s = st.wait_status(lambda s: s["frames"]["good"] >= 5, what="5 frames after the retune")
            self.assertEqual(s["source"]["center_freq"], CENTER)
            self.assertEqual(s["chain_generation"], 1, "a retune must not rebuild the chain")
        finally:
            rc = st.stop()
        self.assertEqual(rc, 0, st.text()[-3000:])

    def test_sighup_profile_change_keeps_the_sle_user_bound(self):
        sle_port = free_port()
        db = os.path.join(self.tmp, "reload.sqlite")
        cfg = self.station_file("reload.yaml", archive=db, sle_port=sle_port)
        st = Station(self.tmp, cfg)
        user = None
        try:
            st.wait_monitor()
            st.wait_log(r"SLE instance .* listening on port")
            want = FRAMES - 6
            user = subprocess.Popen(
                [BIN, "sle-user", "--port", str(sle_port), "--service", "raf", "--sii", SII, "--version", "5",
                 "--auth", "bind", "--user", "mcc", "--password", USER_PW, "--responder-id", "groundlink",
                 "--responder-password", PROVIDER_PW, "--frames", str(want), "--timeout", "25"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            st.wait_status(lambda s: s["sle"][SII]["started"], what="the SLE user started", timeout=10)
            before = st.wait_status(lambda s: s["frames"]["good"] >= 5, what="5 frames")
            self.station_file("reload.yaml", profile=self.profile2, archive=db, sle_port=sle_port)
            st.p.send_signal(signal.SIGHUP)
            st.wait_log(r"receive chain rebuilt \(generation 2\): profile slow-concatenated-b")
            out, err = user.communicate(timeout=30)
            self.assertEqual(user.returncode, 0, out + err)
            r = last_json(out)
            self.assertEqual(r["bind"], "positive")
            self.assertGreaterEqual(r["frames"], want)  # the last TRANSFER-BUFFER may hold more
            # The frame the rebuild cut is delivered too, as erred (nothing received is lost).
            self.assertGreaterEqual(r["frames_good"], r["frames"] - 1)
            self.assertEqual(r["stop"], "positive")
            s = st.status()
            self.assertEqual(s["chain_generation"], 2)
            self.assertEqual(s["profile"], "slow-concatenated-b")
            # One association throughout, never aborted; it got frames of both chains.
            self.assertEqual(s["sle"][SII]["associations"], 1)
            self.assertEqual(s["sle"][SII]["aborts"], 0)
            self.assertGreater(want, before["frames"]["good"] + 2)
            # The new chain went on from where the old one stopped, with the recording's time base.
            self.assertGreater(s["chain"]["skip_samples"], 0)
        finally:
            if user and user.poll() is None:
                user.kill()
            rc = st.stop()
        self.assertEqual(rc, 0, st.text()[-3000:])
        rows = archive_rows(db)
        self.assert_frames_of_reference(rows, cut=2)  # frames after the rebuild keep their ERTs
        con = sqlite3.connect(db)
        passes = con.execute("SELECT profile FROM passes ORDER BY id").fetchall()
        con.close()
        self.assertEqual([p[0] for p in passes], ["slow-concatenated", "slow-concatenated-b"])

    def test_sighup_with_a_bad_file_keeps_running(self):
        cfg = self.station_file("badreload.yaml")
        st = Station(self.tmp, cfg)
        try:
            st.wait_monitor()
            with open(cfg, "a") as f:
                f.write("bogus_key: 1\n")
            st.p.send_signal(signal.SIGHUP)
            st.wait_log(r"reload: .*bogus_key.*keeping the running configuration")
            s = st.status()
            self.assertEqual(s["state"], "running")
            # A source that cannot be opened takes the chain down, not the station...
            self.station_file("badreload.yaml", source={"file": os.path.join(self.tmp, "nothing.sigmf-meta")})
            st.p.send_signal(signal.SIGHUP)
            st.wait_log(r"the receive chain is down until the next SIGHUP")
            self.assertEqual(st.status()["state"], "failed")
            # ...and the next good reload brings it back.
            self.station_file("badreload.yaml")
            st.p.send_signal(signal.SIGHUP)
            st.wait_log(r"receive chain rebuilt \(generation 2\)")
            s = st.wait_status(lambda s: s["frames"]["good"] >= 1, what="a frame after the recovery")
            self.assertEqual(s["state"], "running")
        finally:
            rc = st.stop(signal.SIGINT)
        self.assertEqual(rc, 0, st.text()[-3000:])
        self.assertIn("stopping: flushing", st.text())

    # --- errors -------------------------------------------------------------------------------

    def test_missing_sdr_device_exits_2_quickly(self):
        # UHD is asked for a device on loopback only: no discovery traffic leaves the machine.
        for src in ({"type": "soapy", "device": "driver=nonexistent"},
                    {"type": "uhd", "device": "addr=127.0.0.1,type=usrp2"}):
            cfg = self.station_file(f"missing-{src['type']}.yaml", source=dict(
                src, center_freq=CENTER, sample_rate=SAMPLE_RATE, gain=10), monitor=False)
            t0 = time.monotonic()
            p = subprocess.run([BIN, "run", "--config", cfg], capture_output=True, text=True, timeout=30)
            took = time.monotonic() - t0
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("source.device", p.stderr)
            self.assertIn(src["device"], p.stderr)
            self.assertLess(took, 20, f"{src['type']}: took {took:.1f} s")

    def test_config_errors_name_the_field(self):
        cases = [
            ("source:\n  type: rtlsdr\n", "source.type", "soapy"),
            ("source:\n  type: soapy\n  device: driver=x\n  center_freq: 1e9\n", "source.sample_rate", ">"),
            ("source:\n  type: file\n  file: x.cf32\n  gain: 500\n", "source.gain", "200"),
            ("source:\n  type: file\n  file: /nonexistent.cf32\n  format: cf32\n  sample_rate: 1e5\n",
             "source.file", "nonexistent"),
            ("source:\n  type: file\n  file: x.cf32\n  colour: red\n", "colour", ""),
            ("monitor: {port: 70000}\nsource: {type: file, file: x.cf32}\n", "monitor.port", "65535"),
            ("station: {demod_threads: 17}\nsource: {type: file, file: x.cf32}\n", "station.demod_threads", "16"),
        ]
        for body, field, allowed in cases:
            path = os.path.join(self.tmp, "bad.yaml")
            with open(path, "w") as f:
                f.write(f"profile: {self.profile}\n" + body)
            rc, out, err = run("run", "--config", path, timeout=30)
            self.assertEqual(rc, 2, f"{body}: {err}")
            self.assertIn(field, err, body)
            self.assertIn(allowed, err, body)
        rc, out, err = run("run", timeout=30)
        self.assertEqual(rc, 2)
        self.assertIn("--config", err)
        path = self.station_file("badsle.yaml", sle_port=1, monitor=False)
        with open(path) as f:
            text = f.read().replace("auth: bind", "auth: sometimes")
        with open(path, "w") as f:
            f.write(text)
        rc, out, err = run("run", "--config", path, timeout=30)
        self.assertEqual(rc, 2, err)
        self.assertIn("auth", err)
        self.assertIn("none, bind, all", err)

    def test_doppler_prediction_from_the_station_file(self):
        """source.doppler_poly pre-compensates a carrier 8 % of the symbol rate off (beyond the
        demodulator's +-2 % acquisition): without it nothing decodes, with it every frame."""
        stem = os.path.join(self.tmp, "doppler")
        rc, out, err = run("generate", "--profile", self.profile, "--frames", "4", "--ebn0", "8",
                           "--freq-offset", "2000", "--doppler-rate", "-40", "--lead-in", "6000", "--seed", "12",
                           "--datetime", DATETIME, "--out", stem)
        self.assertEqual(rc, 0, err)
        for poly, frames in ((None, 0), ([2000, -40], 4)):
            src = {"file": stem + ".sigmf-meta", "realtime": False}
            if poly:
                src["doppler_poly"] = poly
            cfg = self.station_file(f"doppler{frames}.yaml", source=src, archive=os.path.join(self.tmp, f"d{frames}.sqlite"),
                                    monitor=False)
            p = subprocess.run([BIN, "run", "--config", cfg, "--exit-at-end"], capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr[-3000:])
            self.assertEqual(len(archive_rows(os.path.join(self.tmp, f"d{frames}.sqlite"))), frames, poly)
        for body, field in (("doppler_poly: [1, x]", "source.doppler_poly[1]"),
                            ("doppler_poly: 5", "source.doppler_poly"),
                            ("doppler_poly: [1]\n  doppler_file: p.txt", "not both")):
            path = os.path.join(self.tmp, "badd.yaml")
            with open(path, "w") as f:
                f.write(f"profile: {self.profile}\nsource:\n  type: file\n  file: x.cf32\n  {body}\n")
            rc, out, err = run("run", "--config", path, timeout=30)
            self.assertEqual(rc, 2, err)
            self.assertIn(field, err)

    def test_example_station_file_is_accepted(self):
        rc, out, err = run("run", "--config", EXAMPLE, "--check")
        self.assertEqual(rc, 0, err)
        j = last_json(out)
        self.assertTrue(j["ok"])
        self.assertEqual(j["profile"], "ccsds-concatenated")
        self.assertEqual(j["sle_instances"], 2)
        # Without the check it would open its SoapySDR device, which this machine does not have.
        rc, out, err = run("run", "--config", EXAMPLE, timeout=30)
        self.assertEqual(rc, 2, err)
        self.assertIn("source.device", err)

    def test_systemd_unit_verifies(self):
        """The example unit (as configured for the build's install prefix) is a valid systemd
        service whose ExecStartPre check passes on the example station file."""
        import shutil
        if not shutil.which("systemd-analyze"):
            self.skipTest("systemd-analyze is not installed")
        unit = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(BIN))), "flowgraphs",
                            "groundlink.service")
        with open(unit) as f:
            text = f.read()
        exec_start = re.search(r"^ExecStart=(\S+)/groundlink run --config (\S+)$", text, re.M)
        self.assertIsNotNone(exec_start, text)
        self.assertIn("ExecReload=/bin/kill -HUP $MAINPID", text)
        self.assertIn("KillSignal=SIGTERM", text)
        self.assertIn("RestartPreventExitStatus=2", text)
        # Point it at this build and this example file, then let systemd check every key.
        test_unit = os.path.join(self.tmp, "groundlink.service")
        with open(test_unit, "w") as f:
            f.write(text.replace(exec_start.group(1) + "/groundlink", os.path.abspath(BIN))
                        .replace(exec_start.group(2), EXAMPLE))
        p = subprocess.run(["systemd-analyze", "verify", test_unit], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("groundlink.service:", p.stderr, p.stderr)  # an unknown or bad key
        pre = re.search(r"^ExecStartPre=(.*)$", text, re.M).group(1)
        pre = pre.replace(exec_start.group(1) + "/groundlink", os.path.abspath(BIN)).replace(exec_start.group(2),
                                                                                            EXAMPLE)
        p = subprocess.run(pre.split(), capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)

    # --- kill -9 ------------------------------------------------------------------------------

    def test_kill9_keeps_every_acknowledged_frame(self):
        """SIGKILL mid-pass: every frame the station acknowledged on /status (committed by the
        archive) is in the archive, intact, and the archive opens and takes new frames."""
        db = os.path.join(self.tmp, "kill9.sqlite")
        st = Station(self.tmp, self.station_file("kill9.yaml", archive=db))
        try:
            st.wait_monitor()
            s = st.wait_status(lambda s: s["archive"]["acknowledged"] >= 6, what="6 acknowledged frames")
            acked = s["archive"]["acknowledged"]
            st.p.send_signal(signal.SIGKILL)
            st.p.wait(timeout=10)
        finally:
            st.stop()
        self.assertEqual(st.p.returncode, -signal.SIGKILL)
        con = sqlite3.connect(db)
        self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        con.close()
        rows = archive_rows(db)
        self.assertGreaterEqual(len(rows), acked)
        self.assertLess(len(rows), FRAMES, "killed in the middle of the pass")
        # Intact: byte for byte a frame of the recording, with its ERT (the reference decode's).
        self.assert_frames_of_reference(rows)
        self.assertEqual(len(set(rows)), len(rows))
        # After the restart the archive opens and accepts a whole new pass.
        cfg = self.station_file("kill9-again.yaml", source={"realtime": False}, archive=db, monitor=False)
        p = subprocess.run([BIN, "run", "--config", cfg, "--exit-at-end"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        self.assertEqual(len(archive_rows(db)), len(rows) + FRAMES)
        con = sqlite3.connect(db)
        self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        self.assertEqual(con.execute("SELECT count(*) FROM passes").fetchone()[0], 2)
        con.close()

    # --- decode replay: pacing and progress -----------------------------------------------------

    def test_decode_realtime_paces_the_replay(self):
        duration = os.path.getsize(self.stem + ".sigmf-data") / 8 / SAMPLE_RATE
        t0 = time.monotonic()
        rc, out, err = run("decode", "--profile", self.profile, "--input", self.meta, "--realtime", timeout=60)
        took = time.monotonic() - t0
        self.assertEqual(rc, 0, err)
        self.assertEqual(last_json(out)["frames_good"], FRAMES)
        # Paced at the sample rate: it cannot end before the recording's length has passed.
        self.assertGreaterEqual(took, duration * 0.95)
        self.assertNotIn("\r[", err, "no progress line when stderr is not a terminal")

    def test_decode_progress_line_on_a_terminal(self):
        master, slave = pty.openpty()
        p = subprocess.Popen([BIN, "decode", "--profile", self.profile, "--input", self.meta, "--realtime"],
                             stdout=subprocess.PIPE, stderr=slave, text=True)
        os.close(slave)
        screen = b""
        end = time.time() + 40
        while time.time() < end:
            r, _, _ = select.select([master], [], [], 0.5)
            if r:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                screen += chunk
            elif p.poll() is not None:
                break
        out, _ = p.communicate(timeout=30)
        os.close(master)
        self.assertEqual(p.returncode, 0)
        text = screen.decode(errors="replace")
        lines = [l for l in text.split("\r") if l.startswith("[")]
        self.assertGreater(len(lines), 5, text[-2000:])
        # Position, frames, lock and Eb/N0; the last line says the whole file and every frame.
        last = lines[-1]
        self.assertIn("100.0%", last)
        self.assertIn(f"frames {FRAMES} good", last)
        self.assertIn("LOCK", last)
        ebn0 = float(re.search(r"Eb/N0\s+(-?[\d.]+) dB", last).group(1))
        self.assertAlmostEqual(ebn0, 8.0, delta=1.5)
        positions = [float(re.search(r"([\d.]+)%", l).group(1)) for l in lines]
        self.assertEqual(positions, sorted(positions))
        self.assertEqual(last_json(out)["frames_good"], FRAMES)


if __name__ == "__main__":
    unittest.main()
