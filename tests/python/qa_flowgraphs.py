#!/usr/bin/env python3
"""QA for the GRC flowgraphs in flowgraphs/grc: each compiles with grcc; the recorded-pass replay
and the loopback test bench run headless (the bench's QT GUI on the offscreen platform) and their
frames are checked against the truth: the recording's SigMF metadata and the groundlink program's
own decode of it (replay), the frames the bench's source sent (loopback)."""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

from ccsds_reference import crc16_ccitt

HERE = os.path.dirname(os.path.abspath(__file__))
GRC_DIR = os.path.join(HERE, "..", "..", "flowgraphs", "grc")
BIN = os.environ.get("GROUNDLINK_BIN", os.path.join(HERE, "..", "..", "build", "bin"))
FLOWGRAPHS = ["groundlink_rx_soapy", "groundlink_rx_uhd", "groundlink_replay", "groundlink_loopback"]
FRAME = 1115


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def grcc(name, out_dir):
    r = subprocess.run(["grcc", "-o", out_dir, os.path.join(GRC_DIR, name + ".grc")],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"grcc {name}: {r.stdout}\n{r.stderr}")
    path = os.path.join(out_dir, name + ".py")
    assert os.path.exists(path), path
    return path


def check_frames(test, data, count):
    test.assertEqual(len(data), count * FRAME)
    frames = [data[i * FRAME:(i + 1) * FRAME] for i in range(count)]
    for i, f in enumerate(frames):
        test.assertEqual(crc16_ccitt(f[:-2]), int.from_bytes(f[-2:], "big"), f"FECF of frame {i}")
        test.assertEqual(f[3], i % 256, "VC frame counts are consecutive from 0")
    return frames


class qa_flowgraphs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = cls.tmp.name

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_all_compile(self):
        for name in FLOWGRAPHS:
            src = read(grcc(name, self.out), "r")
            self.assertIn("from gnuradio import groundlink", src, name)

    def test_replay_recovers_every_frame_of_a_recording(self):
        script = grcc("groundlink_replay", self.out)
        stem = os.path.join(self.out, "pass")
        n = 12
        subprocess.run([os.path.join(BIN, "groundlink"), "generate", "--profile", "ccsds-concatenated",
                        "--out", stem, "--frames", str(n), "--ebn0", "6", "--freq-offset", "15000",
                        "--doppler-rate", "2000", "--clock-ppm", "20", "--timing-offset", "0.4",
                        "--lead-in", "8192", "--seed", "3"], check=True, capture_output=True, timeout=120)
        meta = json.loads(read(stem + ".sigmf-meta", "r"))
        fs = meta["global"]["core:sample_rate"]
        frames_file = os.path.join(self.out, "replay.u8")
        r = subprocess.run([sys.executable, script, "--recording-file", stem + ".sigmf-data",
                            "--output", frames_file, "--samp-rate", str(fs), "--sym-rate", "2e6"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("ebn0_db", r.stdout + r.stderr, "the demodulator status is printed")
        self.assertEqual(meta["global"]["groundlink:truth"]["frames"], n)
        got = check_frames(self, read(frames_file), n)
        # A second receiver of the same recording: the groundlink program's decode.
        ref_file = os.path.join(self.out, "decode.u8")
        subprocess.run([os.path.join(BIN, "groundlink"), "decode", "--profile", "ccsds-concatenated",
                        "--input", stem + ".sigmf-meta", "--frames-out", ref_file],
                       check=True, capture_output=True, timeout=120)
        self.assertEqual(got, check_frames(self, read(ref_file), n))

    def test_loopback_bench_headless(self):
        """The QT GUI bench on the offscreen platform, for a finite pass: the received frame file
        equals the sent one byte for byte."""
        script = grcc("groundlink_loopback", self.out)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        os.environ.setdefault("XDG_RUNTIME_DIR", self.out)
        from PyQt5 import Qt
        app = Qt.QApplication.instance() or Qt.QApplication(["qa"])
        spec = importlib.util.spec_from_file_location("groundlink_loopback", script)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        sent, recv = os.path.join(self.out, "sent.u8"), os.path.join(self.out, "recv.u8")
        tb = mod.groundlink_loopback(ebn0=6, frames=16, output=recv, sent=sent, seed=9)
        tb.start()
        tb.wait()
        tb.stop()
        app.processEvents()
        # The displays: the lock LED is on, the Eb/N0 box shows the estimate (within 1 dB of 6).
        self.assertTrue(tb.lock_led.numberControl.curState)
        texts = [w.text() for w in tb._ebn0_box_win.findChildren(Qt.QLineEdit)]
        values = [float(t) for t in texts if t.replace(".", "", 1).replace("-", "", 1).isdigit()]
        self.assertEqual(len(values), 1, texts)
        self.assertAlmostEqual(values[0], 6.0, delta=1.0)
        sent_frames = check_frames(self, read(sent), 16)
        self.assertEqual(check_frames(self, read(recv), 16), sent_frames)
        del tb


if __name__ == "__main__":
    unittest.main()
