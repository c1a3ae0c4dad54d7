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
PROFILE_CONCAT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "flowgraphs", "profiles",
                              "ccsds-concatenated.yaml")


def run(*args, timeout=300):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def last_json(stdout):
    return json.loads(stdout.strip().splitlines()[-1])


def decode_to_archive(test, recording, db, query, *args):
    """Decodes `recording` (ccsds-concatenated) into the SQLite archive `db`; returns the JSON
    summary and the rows of `query` on the archive."""
    import sqlite3
    rc, out, err = run("decode", "--profile", "ccsds-concatenated", "--input", recording, *args, "--archive", db)
    test.assertEqual(rc, 0, err)
    con = sqlite3.connect(db)
    rows = con.execute(query).fetchall()
    con.close()
    return last_json(out), rows


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
            self.assertGreaterEqual(s["frames_good"] + s["frames_undetermined"] + s["frames_bad"], 152)
            self.assertEqual(s["frames_undetermined"], 151)  # complete frames; no check exists for them
            self.assertEqual(s["frames_bad"], 1)  # the last one, truncated by the end of the file
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



class qa_program_iq(unittest.TestCase):
    """generate -> SigMF -> decode: the IQ path, its truth, determinism and bad recordings."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.stem = os.path.join(cls.tmp.name, "pass")
        rc, out, err = run("generate", "--profile", "ccsds-concatenated", "--frames", "30", "--ebn0", "6",
                           "--freq-offset", "15000", "--doppler-rate", "3000", "--clock-ppm", "30",
                           "--phase", "1.0", "--lead-in", "6000", "--seed", "5", "--out", cls.stem,
                           "--datetime", "2026-03-01T12:00:00.25Z")
        assert rc == 0, err
        cls.gen = last_json(out)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_sigmf_metadata_holds_the_truth(self):
        with open(self.stem + ".sigmf-meta") as f:
            meta = json.load(f)
        self.assertEqual(meta["global"]["core:datatype"], "cf32_le")
        self.assertEqual(meta["global"]["core:sample_rate"], 8e6)
        self.assertEqual(meta["captures"][0]["core:datetime"], "2026-03-01T12:00:00.25Z")
        truth = meta["global"]["groundlink:truth"]
        self.assertEqual(truth["frames"], 30)
        self.assertEqual(truth["seed"], 5)
        self.assertEqual(truth["freq_offset_hz"], 15000)
        size = os.path.getsize(self.stem + ".sigmf-data")
        self.assertEqual(size, 8 * truth["samples"])

    def test_decode_sigmf_recovers_every_frame(self):
        rc, out, err = run("decode", "--profile", "ccsds-concatenated", "--input", self.stem + ".sigmf-meta")
        self.assertEqual(rc, 0, err)
        s = last_json(out)
        self.assertEqual(s["frames_good"], 30)
        self.assertEqual(s["frames_bad"], 0)
        self.assertTrue(s["carrier_lock"])
        self.assertAlmostEqual(s["ebn0_db_estimate"], 6.0, delta=0.7)

    def test_recordings_at_other_sample_rates(self):
        # A station's SDR rarely samples at exactly symbol_rate x samples_per_symbol: the same pass
        # recorded at 1.75, 2.5, 5 and 2.56 samples/symbol must give the same frames, the last one too
        # (the front-end's and demodulator's filters are flushed at the end of the recording).
        got = {}
        for fs in ("3.5e6", "5e6", "10e6", "5.123457e6"):
            stem = os.path.join(self.tmp.name, "rate" + fs)
            rc, _, err = run("generate", "--profile", "ccsds-concatenated", "--frames", "8", "--ebn0", "6",
                             "--freq-offset", "12000", "--clock-ppm", "-20", "--lead-in", "6000", "--seed", "9",
                             "--sample-rate", fs, "--out", stem)
            self.assertEqual(rc, 0, err)
            frames = stem + ".u8"
            rc, out, err = run("decode", "--profile", "ccsds-concatenated", "--input", stem + ".sigmf-meta",
                               "--frames-out", frames)
            self.assertEqual(rc, 0, err)
            s = last_json(out)
            self.assertEqual(s["frames_good"], 8, f"{fs}: {s}")
            got[fs] = np.fromfile(frames, dtype=np.uint8)
        self.assertTrue(np.array_equal(got["3.5e6"], got["5e6"]))
        self.assertTrue(np.array_equal(got["3.5e6"], got["10e6"]))
        # A rate with no small exact ratio (648/415 within 0.04 ppm, tracked as clock offset).
        self.assertTrue(np.array_equal(got["3.5e6"], got["5.123457e6"]))
        rc, _, err = run("generate", "--frames", "1", "--sample-rate", "2e6", "--out",
                         os.path.join(self.tmp.name, "x"))
        self.assertEqual(rc, 2)
        self.assertIn("--sample-rate", err)

    def test_ert_is_the_physical_arrival_time(self):
        # Earth-receive time of each frame against the physics of the generated pass: the last
        # ASM bit of frame k rides QPSK symbol lead_in + k * 10232 + 31 (conv r=1/2: one symbol per
        # CADU bit; CADU = 4 + 5 x 255 bytes), whose pulse peaks at modulator sample s * sps + 20
        # (RRC span 10 symbols x 4 samples / 2); the receiver clock, fast by 30 ppm, samples that
        # instant at recording sample (s * sps + 20) * fs / 8e6 * (1 + 30e-6). The demodulator
        # consumes its acquisition window without output and resamples 5 Msps to 8: the ERT must
        # still land on the sample (within half of one), not on a count of soft symbols.
        for fs in (8e6, 5e6):
            stem = os.path.join(self.tmp.name, f"ert{int(fs)}")
            rc, _, err = run("generate", "--frames", "5", "--ebn0", "8", "--lead-in", "30000", "--clock-ppm", "30",
                             "--sample-rate", str(fs), "--datetime", "2026-01-01T00:00:00Z", "--seed", "3",
                             "--out", stem)
            self.assertEqual(rc, 0, err)
            _, rows = decode_to_archive(self, stem + ".sigmf-meta", stem + ".sqlite",
                                        "SELECT ert_s, ert_ps, data FROM frames ORDER BY ert_s, ert_ps")
            self.assertEqual(len(rows), 5)
            t0 = 1767225600  # 2026-01-01T00:00:00Z
            for k, (ert_s, ert_ps, data) in enumerate(rows):
                self.assertEqual(data[2], k, "frames in order, by master channel frame count")
                sym = 30000 + k * 10232 + 31
                want = (sym * 4 + 20) * (1 + 30e-6) / 8e6  # seconds after the start
                got = (ert_s - t0) + ert_ps * 1e-12
                self.assertLess(abs(got - want) * fs, 0.5, f"fs {fs} frame {k}: ERT {got:.9f} s, arrival {want:.9f} s")

    def test_doppler_prediction(self):
        # 150 kHz of Doppler (7.5 % of the symbol rate, beyond the demodulator's +-2 % acquisition
        # range) falling at 20 kHz/s: only the front-end's pre-compensation from the pass
        # prediction brings it in, as a table (ISO 8601 times) or a polynomial.
        stem = os.path.join(self.tmp.name, "doppler")
        rc, _, err = run("generate", "--frames", "10", "--ebn0", "6", "--lead-in", "6000", "--freq-offset", "150000",
                         "--doppler-rate", "-20000", "--datetime", "2026-01-01T00:00:00Z", "--out", stem)
        self.assertEqual(rc, 0, err)
        rc, out, err = run("decode", "--profile", "ccsds-concatenated", "--input", stem + ".sigmf-meta")
        self.assertEqual(rc, 0, err)
        self.assertEqual(last_json(out)["frames_good"], 0, "150 kHz off must be out of the acquisition range")
        pred = os.path.join(self.tmp.name, "pass.txt")
        with open(pred, "w") as f:
            f.write("# time (UTC), predicted downlink offset (Hz)\n"
                    "2026-01-01T00:00:00Z, 150000\n2026-01-01T00:00:00.5Z, 140000\n2026-01-01T00:00:01Z, 130000\n")
        rc, out, err = run("decode", "--profile", "ccsds-concatenated", "--input", stem + ".sigmf-meta",
                           "--doppler", pred)
        self.assertEqual(rc, 0, err)
        s = last_json(out)
        self.assertEqual(s["frames_good"], 10)
        self.assertLess(abs(s["freq_offset_hz"]), 2000, "the demodulator sees only the prediction's residual")
        rc, out, err = run("decode", "--profile", "ccsds-concatenated", "--input", stem + ".sigmf-meta",
                           "--doppler-poly", "150000,-20000")
        self.assertEqual(rc, 0, err)
        self.assertEqual(last_json(out)["frames_good"], 10)
        with open(pred, "w") as f:
            f.write("0 150000\n0 140000\n")
        rc, _, err = run("decode", "--profile", "ccsds-concatenated", "--input", stem + ".sigmf-meta",
                         "--doppler", pred)
        self.assertEqual(rc, 2)
        self.assertIn("pass.txt:2", err)
        self.assertIn("increase", err)
        rc, _, err = run("decode", "--profile", "ccsds-concatenated", "--input", stem + ".sigmf-meta",
                         "--doppler-poly", "150000,fast")
        self.assertEqual(rc, 2)
        self.assertIn("'fast'", err)

    def test_integer_iq_formats(self):
        # The same pass as ci16 SigMF, raw cs8 and RTL-SDR-style cu8 (offset binary): every frame.
        iq = np.fromfile(self.stem + ".sigmf-data", dtype=np.complex64)
        peak = float(np.max(np.abs(np.concatenate([iq.real, iq.imag]))))
        x = np.empty(2 * len(iq), dtype=np.float64)
        x[0::2], x[1::2] = iq.real / peak, iq.imag / peak
        with open(self.stem + ".sigmf-meta") as f:
            meta = json.load(f)
        meta["global"]["core:datatype"] = "ci16_le"
        s16 = os.path.join(self.tmp.name, "i16")
        np.round(x * 30000).astype(np.int16).tofile(s16 + ".sigmf-data")
        with open(s16 + ".sigmf-meta", "w") as f:
            json.dump(meta, f)
        raw8 = os.path.join(self.tmp.name, "i8.cs8")
        np.round(x * 100).astype(np.int8).tofile(raw8)
        meta["global"]["core:datatype"] = "cu8"
        u8 = os.path.join(self.tmp.name, "u8")
        np.round(x * 100 + 127.5).astype(np.uint8).tofile(u8 + ".sigmf-data")
        with open(u8 + ".sigmf-meta", "w") as f:
            json.dump(meta, f)
        for args in (["--input", s16 + ".sigmf-meta"], ["--input", raw8, "--format", "cs8", "--sample-rate", "8e6"],
                     ["--input", u8 + ".sigmf-meta"]):
            rc, out, err = run("decode", "--profile", "ccsds-concatenated", *args)
            self.assertEqual(rc, 0, err)
            self.assertEqual(last_json(out)["frames_good"], 30, args)
        meta["global"]["core:datatype"] = "cu16_be"
        with open(u8 + ".sigmf-meta", "w") as f:
            json.dump(meta, f)
        rc, _, err = run("decode", "--profile", "ccsds-concatenated", "--input", u8 + ".sigmf-meta")
        self.assertEqual(rc, 2)
        self.assertIn("cu16_be", err)
        self.assertIn("cu8", err)

    def test_sigmf_capture_segments_time_the_frames_after_a_gap(self):
        # A recording with a gap (an SDR overflow lost 60000 samples, 7.5 ms): SigMF starts a new
        # capture segment at the first sample after it, with its own core:datetime. The frames
        # after the gap must keep the ERTs they have in the unbroken recording.

        def erts(stem):
            _, rows = decode_to_archive(self, stem + ".sigmf-meta", stem + ".sqlite",
                                        "SELECT vc_count, ert_s, ert_ps FROM frames WHERE quality = 0")
            return {vc: s * 10**12 + ps for vc, s, ps in rows}

        ref = erts(self.stem)
        iq = np.fromfile(self.stem + ".sigmf-data", dtype=np.complex64)
        cut, lost = len(iq) // 3, 60000
        stem = os.path.join(self.tmp.name, "gap")
        np.concatenate([iq[:cut], iq[cut + lost:]]).tofile(stem + ".sigmf-data")
        with open(self.stem + ".sigmf-meta") as f:
            meta = json.load(f)
        c0 = meta["captures"][0]
        c1 = dict(c0)
        c1["core:sample_start"] = cut
        # 2026-03-01T12:00:00.25Z + (cut + lost) / 8 Msps
        t = 0.25 + (cut + lost) / 8e6
        c1["core:datetime"] = f"2026-03-01T12:00:{t:015.12f}Z"
        meta["captures"] = [c0, c1]
        with open(stem + ".sigmf-meta", "w") as f:
            json.dump(meta, f)
        got = erts(stem)
        after = [vc for vc in got if got[vc] > ref[min(got)] + (cut + lost) / 8e6 * 1e12]
        self.assertGreaterEqual(len(after), 5)
        for vc, ert in got.items():
            self.assertLess(abs(ert - ref[vc]), 1e12 / 8e6, f"frame {vc}: {ert - ref[vc]} ps off")
        # Bad segments are named.
        meta["captures"][1]["core:sample_start"] = 0
        with open(stem + ".sigmf-meta", "w") as f:
            json.dump(meta, f)
        rc, _, err = run("decode", "--profile", "ccsds-concatenated", "--input", stem + ".sigmf-meta")
        self.assertEqual(rc, 2)
        self.assertIn("captures[1].core:sample_start", err)

    def test_replay_is_deterministic_with_ert(self):
        rows = []
        for k in range(2):
            summary, r = decode_to_archive(self, self.stem + ".sigmf-data",
                                           os.path.join(self.tmp.name, f"replay{k}.sqlite"),
                                           "SELECT ert_s, ert_ps, data FROM frames ORDER BY ert_s, ert_ps")
            self.assertEqual(summary["frames_archived"], 30)
            rows.append(r)
        self.assertEqual(len(rows[0]), 30)
        self.assertEqual(rows[0], rows[1])
        # ERTs follow the recording's start (2026-03-01T12:00:00.25Z = 1772366400.25 s) and increase.
        first = rows[0][0]
        self.assertEqual(first[0], 1772366400 + int(first[0] - 1772366400))
        self.assertGreaterEqual(first[0], 1772366400)
        self.assertLess(first[0], 1772366400 + 60)
        erts = [r[0] * 10**12 + r[1] for r in rows[0]]
        self.assertEqual(erts, sorted(erts))

    def test_decode_on_two_cores_matches_one(self):
        # --threads 2: the recording is demodulated in overlapping 2^20-sample segments on two
        # cores and stitched; the frames (contents, quality, order) and their ERTs are those of
        # the one-core decode, also for the frames that straddle a join (segments of 0.13 s here).
        stem = os.path.join(self.tmp.name, "cores")
        rc, _, err = run("generate", "--profile", "ccsds-concatenated", "--frames", "60", "--ebn0", "5",
                         "--freq-offset", "9000", "--clock-ppm", "25", "--lead-in", "8000", "--seed", "21",
                         "--out", stem)
        self.assertEqual(rc, 0, err)
        rows, summary = {}, {}
        for threads in ("1", "2"):
            summary[threads], rows[threads] = decode_to_archive(
                self, stem + ".sigmf-meta", os.path.join(self.tmp.name, f"cores{threads}.sqlite"),
                "SELECT ert_s, ert_ps, quality, data FROM frames ORDER BY ert_s, ert_ps", "--threads", threads)
        self.assertEqual(summary["1"]["frames_good"], 60)
        self.assertEqual(summary["2"]["frames_good"], 60)
        self.assertEqual(summary["2"]["demod_threads"], 2)
        self.assertGreaterEqual(summary["2"]["demod_joins"], 2)
        self.assertEqual(summary["2"]["demod_failed_joins"], 0)
        self.assertNotIn("demod_joins", summary["1"])
        self.assertEqual([r[2:] for r in rows["1"]], [r[2:] for r in rows["2"]])
        for a, b in zip(rows["1"], rows["2"]):
            dt = abs((a[0] - b[0]) + (a[1] - b[1]) * 1e-12)
            self.assertLess(dt * 8e6, 0.5, f"ERT {a[:2]} vs {b[:2]}")
        rc, _, err = run("decode", "--profile", "ccsds-concatenated", "--input", stem + ".sigmf-meta",
                         "--threads", "17")
        self.assertEqual(rc, 2)
        self.assertIn("--threads", err)

    def test_bad_recordings_are_reported(self):
        # Truncated: a partial last sample is reported and the rest decodes.
        trunc = os.path.join(self.tmp.name, "trunc.cf32")
        with open(self.stem + ".sigmf-data", "rb") as f:
            data = f.read()
        with open(trunc, "wb") as f:
            f.write(data[: (len(data) // 16) * 8 + 3])
        rc, out, err = run("decode", "--profile", "ccsds-concatenated", "--input", trunc, "--format", "cf32",
                           "--sample-rate", "8e6")
        self.assertEqual(rc, 0, err)
        self.assertIn("truncated", err)
        self.assertEqual(last_json(out)["truncated_bytes"], 3)
        self.assertGreater(last_json(out)["frames_good"], 5)
        # Not IQ at all (random bytes read as cf32: NaN, Inf, values near FLT_MAX, denormals):
        # reported and survived, no frames, for every modulation's demodulator.
        # (Seed 6 once threw the timing loop's sampling instant backwards and past its buffer.)
        junk = os.path.join(self.tmp.name, "junk.cf32")
        for seed, mod in ((6, "qpsk"), (6, "bpsk"), (6, "oqpsk"), (7, "qpsk")):
            np.random.default_rng(seed).integers(0, 256, 3_000_000, dtype=np.uint8).tofile(junk)
            prof = os.path.join(self.tmp.name, f"junk-{mod}.yaml")
            with open(PROFILE_CONCAT) as f:
                text = f.read()
            with open(prof, "w") as f:
                f.write(text.replace("type: qpsk", f"type: {mod}"))
            rc, out, err = run("decode", "--profile", prof, "--input", junk, "--format", "cf32", "--sample-rate", "8e6")
            self.assertEqual(rc, 0, f"{mod}: rc {rc}: {err[-2000:]}")
            s = last_json(out)
            self.assertEqual(s["frames_good"], 0)
            self.assertGreater(s["nonfinite_samples"], 0)
        # NaN and Inf samples: counted, replaced, decoding continues.
        nan = os.path.join(self.tmp.name, "nan.cf32")
        iq = np.fromfile(self.stem + ".sigmf-data", dtype=np.complex64).copy()
        iq[200000:200100] = np.nan
        iq[300000] = np.inf
        iq.tofile(nan)
        rc, out, err = run("decode", "--profile", "ccsds-concatenated", "--input", nan, "--format", "cf32",
                           "--sample-rate", "8e6")
        self.assertEqual(rc, 0, err)
        s = last_json(out)
        self.assertEqual(s["nonfinite_samples"], 101)
        self.assertGreaterEqual(s["frames_good"], 28)
        # Raw IQ without a sample rate, and SigMF metadata missing its sample rate: exit 2, named.
        rc, _, err = run("decode", "--profile", "ccsds-concatenated", "--input", nan, "--format", "cf32")
        self.assertEqual(rc, 2)
        self.assertIn("--sample-rate", err)
        bad = os.path.join(self.tmp.name, "bad")
        with open(bad + ".sigmf-data", "wb") as f:
            f.write(data[:800])
        with open(bad + ".sigmf-meta", "w") as f:
            json.dump({"global": {"core:datatype": "cf32_le"}, "captures": []}, f)
        rc, _, err = run("decode", "--profile", "ccsds-concatenated", "--input", bad + ".sigmf-meta")
        self.assertEqual(rc, 2)
        self.assertIn("core:sample_rate", err)
        # Wrong sample format for the datatype.
        with open(bad + ".sigmf-meta", "w") as f:
            json.dump({"global": {"core:datatype": "cu64", "core:sample_rate": 8e6}, "captures": []}, f)
        rc, _, err = run("decode", "--profile", "ccsds-concatenated", "--input", bad + ".sigmf-meta")
        self.assertEqual(rc, 2)
        self.assertIn("core:datatype", err)
        # An empty file.
        empty = os.path.join(self.tmp.name, "empty.cf32")
        open(empty, "wb").close()
        rc, _, err = run("decode", "--profile", "ccsds-concatenated", "--input", empty, "--format", "cf32",
                         "--sample-rate", "8e6")
        self.assertEqual(rc, 2)
        self.assertIn("no whole", err)


if __name__ == "__main__":
    unittest.main()
