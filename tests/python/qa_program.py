#!/usr/bin/env python3
"""End-to-end checks of the groundlink program: its command contract, exit codes and outputs."""
import json
import os
import subprocess
import tempfile
import unittest

import numpy as np

BIN = os.path.join(os.environ.get("GROUNDLINK_BIN", "build/bin"), "groundlink")
DATA = os.environ.get("GROUNDLINK_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))


def run(*args, timeout=300):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def last_json(stdout):
    return json.loads(stdout.strip().splitlines()[-1])


class qa_program(unittest.TestCase):
    def test_help_everywhere(self):
        rc, out, _ = run("--help")
        self.assertEqual(rc, 0)
        commands = [l.split()[0] for l in out.splitlines() if l.startswith("  ")]
        self.assertIn("demo", commands)
        self.assertIn("decode", commands)
        for c in commands:
            rc, out, _ = run(c, "--help")
            self.assertEqual(rc, 0, c)
            self.assertIn("usage: groundlink " + c, out)

    def test_exit_codes(self):
        self.assertEqual(run()[0], 2)
        self.assertEqual(run("no-such-command")[0], 2)
        rc, _, err = run("decode", "--profile", "bluewalker3")
        self.assertEqual(rc, 2)
        self.assertIn("--input", err)
        rc, _, err = run("decode", "--profile", "bluewalker3", "--input", "/nonexistent.f32")
        self.assertEqual(rc, 2)
        self.assertIn("does not exist", err)
        rc, _, err = run("decode", "--bogus", "1")
        self.assertEqual(rc, 2)
        self.assertIn("--bogus", err)

    def test_bad_profile_names_the_field(self):
        with tempfile.TemporaryDirectory() as tmp:
            prof = os.path.join(tmp, "bad.yaml")
            with open(prof, "w") as f:
                f.write("coding:\n  reed_solomon: {interleave: 12}\n")
            rc, _, err = run("decode", "--profile", prof, "--input", prof)
            self.assertEqual(rc, 2)
            self.assertIn("coding.reed_solomon.interleave", err)
            self.assertIn("[1, 8]", err)

    def test_decode_bluewalker3(self):
        ref = np.fromfile(os.path.join(DATA, "bw3", "bw3_frames_20220925_051912.u8"), dtype=np.uint8)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "frames.u8")
            rc, stdout, err = run("decode", "--profile", "bluewalker3", "--input",
                                  os.path.join(DATA, "bw3", "bw3_symbols_20220925_051912.f32"),
                                  "--format", "softf32", "--frames-out", out)
            self.assertEqual(rc, 0, err)
            s = last_json(stdout)
            for key in ("frames_good", "frames_bad", "rs_corrected", "gaps", "elapsed_s", "info_bits_per_s"):
                self.assertIn(key, s)
            self.assertGreaterEqual(s["frames_good"] + s["frames_undetermined"], 152)
            got = np.fromfile(out, dtype=np.uint8).reshape(-1, 355)
            got_set = {r.tobytes() for r in got}
            for i, r in enumerate(ref.reshape(-1, 355)):
                self.assertIn(r.tobytes(), got_set, f"reference frame {i}")

    def test_decode_snpp_cadus(self):
        for name, count in (("snpp_synchronized_cadus.dat", 65), ("snpp_7cadus_2vcids.dat", 7)):
            rc, stdout, err = run("decode", "--profile", "snpp-cadu", "--input",
                                  os.path.join(DATA, "snpp", name), "--format", "bits")
            self.assertEqual(rc, 0, err)
            s = last_json(stdout)
            self.assertEqual(s["frames_good"], count, name)
            self.assertEqual(s["frames_bad"], 0, name)
            self.assertEqual(s["rs_corrected"], 0, name)

    def test_demo_small_pass(self):
        rc, out, err = run("demo", "--frames", "40", "--ebn0", "4")
        self.assertEqual(rc, 0, out + err)
        self.assertIn("PASS: 40 of 40", out)


if __name__ == "__main__":
    unittest.main()
