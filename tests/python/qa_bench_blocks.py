#!/usr/bin/env python3
"""QA for the test-bench blocks (frame source, channel model), the front-end and IQ file source
blocks, and psk_demod's lock/Eb/N0 messages: real flowgraphs, checked against references written
here independently (an RRC matched filter and slicer, CRC-16 per CCSDS 132.0-B-3 §4.1.6, channel
theory) and against the frames the source sent."""
import os
import tempfile
import unittest

import numpy as np
import pmt
from gnuradio import blocks, gr, groundlink

from ccsds_reference import crc16_ccitt

ASM = np.unpackbits(np.frombuffer(bytes.fromhex("1ACFFC1D"), dtype=np.uint8))


def rrc(alpha, sps, span):
    """Root-raised-cosine impulse response (unit energy), span symbols long."""
    t = (np.arange(span * sps + 1) - span * sps / 2) / sps
    h = np.empty_like(t)
    for i, x in enumerate(t):
        if abs(x) < 1e-9:
            h[i] = 1 - alpha + 4 * alpha / np.pi
        elif abs(abs(x) - 1 / (4 * alpha)) < 1e-9:
            h[i] = alpha / np.sqrt(2) * ((1 + 2 / np.pi) * np.sin(np.pi / (4 * alpha)) +
                                         (1 - 2 / np.pi) * np.cos(np.pi / (4 * alpha)))
        else:
            h[i] = (np.sin(np.pi * x * (1 - alpha)) + 4 * alpha * x * np.cos(np.pi * x * (1 + alpha))) / \
                   (np.pi * x * (1 - (4 * alpha * x) ** 2))
    return h / np.sqrt(np.sum(h ** 2))


def pdus(store):
    return [pmt.to_python(pmt.cdr(store.get_message(i))).tobytes() for i in range(store.num_messages())]


def good_frames(store):
    out = []
    for i in range(store.num_messages()):
        msg = store.get_message(i)
        if pmt.symbol_to_string(pmt.dict_ref(pmt.car(msg), pmt.intern("quality"), pmt.PMT_NIL)) == "good":
            out.append(pmt.to_python(pmt.cdr(msg)).tobytes())
    return out


def run_source(**fields):
    tb = gr.top_block()
    src = groundlink.frame_source(groundlink.make_frame_source_config(**fields))
    sink = blocks.vector_sink_c()
    truth = blocks.message_debug()
    tb.connect(src, sink)
    tb.msg_connect(src, "frames", truth, "store")
    tb.run()
    return src, np.array(sink.data()), pdus(truth), sink.tags()


class qa_frame_source(unittest.TestCase):
    def check_against_own_receiver(self, modulation, bits_per_symbol):
        """Uncoded frames through the block's modulator, received by an RRC matched filter and a
        slicer written here: every frame behind an ASM, byte for byte, valid FECF and counts."""
        sps, n = 4, 6
        src, x, sent, tags = run_source(modulation=modulation, samples_per_symbol=sps, rolloff=0.35,
                                        conv_rate="none", rs_e=0, randomizer=False, frame_length=64,
                                        scid=0x155, vcid=5, frames=n, lead_in_symbols=0, tail_symbols=64)
        self.assertEqual(src.frames_sent(), n)
        self.assertEqual(len(sent), n)
        # Mean power 1 per sample (dsp/psk_modulator.h), measured away from the pulse tails.
        self.assertAlmostEqual(float(np.mean(np.abs(x[200:-200]) ** 2)), 1.0, delta=0.05)
        # The last sample carries the end-of-stream tag.
        eos = [t for t in tags if pmt.symbol_to_string(t.key) == groundlink.END_OF_STREAM_TAG]
        self.assertEqual([t.offset for t in eos], [len(x) - 1])
        y = np.convolve(x, rrc(0.35, sps, 12))
        best = None
        for phase in range(sps):
            s = y[phase::sps]
            if bits_per_symbol == 1:
                bits = (s.real > 0).astype(np.uint8)
            else:  # Gray QPSK, first bit of a pair on I (CCSDS 131.0-B-4 §3 output pairs)
                bits = np.empty(2 * len(s), dtype=np.uint8)
                bits[0::2] = s.real > 0
                bits[1::2] = s.imag > 0
            for skip in range(bits_per_symbol):
                b = bits[skip:]
                w = np.lib.stride_tricks.sliding_window_view(b, 32)
                hits = np.flatnonzero(np.all(w == ASM, axis=1))
                if best is None or len(hits) > len(best[1]):
                    best = (b, hits)
        bits, hits = best
        self.assertEqual(len(hits), n)
        got = [np.packbits(bits[h + 32:h + 32 + 64 * 8]).tobytes() for h in hits]
        self.assertEqual(got, sent)
        for i, f in enumerate(got):
            self.assertEqual(crc16_ccitt(f[:-2]), int.from_bytes(f[-2:], "big"), f"FECF of frame {i}")
            w0 = int.from_bytes(f[0:2], "big")
            self.assertEqual(w0 >> 14, 0)                   # TM version 1 (132.0-B-3 §4.1.2.2)
            self.assertEqual((w0 >> 4) & 0x3FF, 0x155)       # spacecraft id
            self.assertEqual((w0 >> 1) & 7, 5)               # virtual channel
            self.assertEqual(f[3], i)                        # VC frame count counts from 0

    def test_bpsk_frames_recovered_by_independent_receiver(self):
        self.check_against_own_receiver("bpsk", 1)

    def test_qpsk_frames_recovered_by_independent_receiver(self):
        self.check_against_own_receiver("qpsk", 2)

    def test_bad_parameters_are_refused_with_the_field(self):
        for fields, msg in [({"modulation": "8psk"}, "modulation"), ({"samples_per_symbol": 1}, "samples_per_symbol"),
                            ({"vcid": 9}, "vcid"), ({"frames": -1}, "frames"), ({"rs_interleave": 9}, "interleave"),
                            ({"asm_hex": "XYZ"}, "asm_hex")]:
            with self.assertRaisesRegex(Exception, msg):
                groundlink.frame_source(groundlink.make_frame_source_config(**fields))


def run_channel(x, **fields):
    tb = gr.top_block()
    src = blocks.vector_source_c(x.tolist() if isinstance(x, list) else x, False)
    ch = groundlink.channel_model(groundlink.make_channel_model_config(**fields))
    sink = blocks.vector_sink_c()
    tb.connect(src, ch, sink)
    tb.run()
    return ch, np.array(sink.data())


class qa_channel_model(unittest.TestCase):
    N = 200000

    def test_awgn_power_matches_ebn0(self):
        """Noise variance per sample = sps / (Eb/N0 x bits/symbol x rate) for unit signal power."""
        x = np.ones(self.N, dtype=np.complex64)
        for ebn0, rate in [(3.0, 0.5), (8.0, 0.4359)]:
            ch, y = run_channel(x, sample_rate=1e6, samples_per_symbol=4, bits_per_symbol=2, code_rate=rate,
                                ebn0_db=ebn0, seed=7)
            theory = 4 / (10 ** (ebn0 / 10) * 2 * rate)
            self.assertAlmostEqual(ch.noise_variance(), theory, places=9)
            e = y[100:-100] - 1
            self.assertAlmostEqual(float(np.var(e)) / theory, 1.0, delta=0.02)
            # Circular noise: equal power in I and Q, uncorrelated.
            self.assertAlmostEqual(float(np.var(e.real) / np.var(e.imag)), 1.0, delta=0.03)

    def test_carrier_offset_doppler_rate_and_phase(self):
        fs, f0, rate, ph = 1e5, 1000.0, 4000.0, 0.5
        x = np.ones(self.N, dtype=np.complex64)
        _, y = run_channel(x, sample_rate=fs, freq_offset_hz=f0, doppler_rate_hz_s=rate, phase_offset=ph)
        inst = np.angle(y[1:] * np.conj(y[:-1])) / (2 * np.pi) * fs  # Hz at each sample
        for k in (1000, 100000, 190000):
            expect = f0 + rate * k / fs
            self.assertAlmostEqual(float(np.mean(inst[k - 500:k + 500])), expect, delta=0.5)
        # Phase at the start is the configured offset (the output starts at input time 0).
        self.assertAlmostEqual(float(np.angle(y[20] * np.exp(-2j * np.pi * (f0 * 20 / fs + rate * 200 / fs ** 2)))),
                               ph, delta=0.02)

    def test_clock_offset_changes_the_sample_count(self):
        for ppm in (1000.0, -500.0):
            _, y = run_channel(np.ones(self.N, dtype=np.complex64), sample_rate=1e6, clock_ppm=ppm)
            # A receiver clock fast by ppm takes N (1 + ppm 1e-6) samples of the same signal (the
            # interpolator keeps its last 17 inputs).
            self.assertLess(abs(len(y) - self.N * (1 + ppm * 1e-6)), 40, f"{ppm} ppm")

    def test_timing_offset_moves_the_sampling_instants(self):
        """Output sample k is the input at time k + timing_offset: a band-limited pulse comes out
        earlier by the offset, fractional part included."""
        t = np.arange(4096) - 2000.0
        pulse = np.sinc(t / 8) * np.exp(-(t / 200) ** 2)
        _, y0 = run_channel(pulse.astype(np.complex64), sample_rate=1e6)
        _, y1 = run_channel(pulse.astype(np.complex64), sample_rate=1e6, timing_offset=2.25)
        centroid = lambda v: np.sum(np.arange(len(v)) * np.abs(v) ** 2) / np.sum(np.abs(v) ** 2)
        self.assertAlmostEqual(float(centroid(y0) - centroid(y1)), 2.25, delta=0.02)

    def test_seeded_noise_repeats_and_phase_noise_spreads(self):
        x = np.ones(50000, dtype=np.complex64)
        a = run_channel(x, ebn0_db=5.0, seed=11)[1]
        b = run_channel(x, ebn0_db=5.0, seed=11)[1]
        c = run_channel(x, ebn0_db=5.0, seed=12)[1]
        np.testing.assert_array_equal(a, b)
        self.assertFalse(np.array_equal(a, c))
        # Wiener phase noise: independent increments, variance n * std^2 over n samples.
        p = np.unwrap(np.angle(run_channel(x, phase_noise_std=0.01, seed=3)[1]))
        d = np.diff(p[::100])
        self.assertAlmostEqual(float(np.var(d)) / (100 * 0.01 ** 2), 1.0, delta=0.15)

    def test_bad_parameters_are_refused(self):
        for fields, msg in [({"freq_offset_hz": 6e5, "sample_rate": 1e6}, "freq_offset"),
                            ({"timing_offset": 70}, "timing_offset"), ({"sample_rate": 0}, "sample_rate"),
                            ({"code_rate": 1.5}, "code_rate")]:
            with self.assertRaisesRegex(Exception, msg):
                groundlink.channel_model(groundlink.make_channel_model_config(**fields))


INFO_RATE = 0.5 * 1115 / 1279  # conv r=1/2, RS(255,223) I=5 with 1115-byte frames, 4-byte ASM


def loopback(ebn0, frames=20, seed=5, threads=1, segment_samples=1 << 20, demod_out=None):
    """frame source -> channel -> psk_demod -> frame_decoder, CCSDS concatenated QPSK at 1 Msym/s."""
    sps, fs = 4, 4e6
    tb = gr.top_block()
    src = groundlink.frame_source(groundlink.make_frame_source_config(frames=frames, lead_in_symbols=8192, seed=seed))
    ch = groundlink.channel_model(groundlink.make_channel_model_config(
        sample_rate=fs, samples_per_symbol=sps, bits_per_symbol=2, code_rate=INFO_RATE, ebn0_db=ebn0,
        freq_offset_hz=10e3, doppler_rate_hz_s=2e3, phase_offset=0.7, phase_noise_std=0.002,
        timing_offset=0.37, clock_ppm=20, seed=seed))
    demod = groundlink.psk_demod(groundlink.make_psk_demod_config(
        modulation="qpsk", samples_per_symbol=sps, code_rate=INFO_RATE, sample_rate=fs,
        status_period_symbols=20000, threads=threads, segment_samples=segment_samples))
    if demod_out is not None:
        demod_out.append(demod)
    dec = groundlink.frame_decoder(groundlink.make_frame_decoder_config(iq_pairs=True))
    truth, got, lock, ebn0_msgs, status = (blocks.message_debug() for _ in range(5))
    tb.connect(src, ch, demod, dec)
    tb.msg_connect(src, "frames", truth, "store")
    tb.msg_connect(dec, "frames", got, "store")
    tb.msg_connect(demod, "lock", lock, "store")
    tb.msg_connect(demod, "ebn0", ebn0_msgs, "store")
    tb.msg_connect(demod, "status", status, "store")
    tb.run()
    return pdus(truth), good_frames(got), lock, ebn0_msgs, status


class qa_loopback(unittest.TestCase):
    def test_frames_recovered_byte_for_byte_and_lock_and_ebn0_reported(self):
        sent, got, lock, ebn0, status = loopback(5.0)
        self.assertEqual(len(sent), 20)
        self.assertEqual(got, sent)  # every frame, in order, byte for byte, nothing else
        # Lock: messages come as (lock . bool) pairs; locked by the end of the pass.
        self.assertGreater(lock.num_messages(), 3)
        last = lock.get_message(lock.num_messages() - 1)
        self.assertEqual(pmt.symbol_to_string(pmt.car(last)), "lock")
        self.assertTrue(pmt.to_bool(pmt.cdr(last)))
        # Eb/N0 estimate within 1 dB of the channel's Eb/N0 once locked.
        est = [pmt.to_double(pmt.cdr(ebn0.get_message(i))) for i in range(ebn0.num_messages())]
        self.assertEqual(pmt.symbol_to_string(pmt.car(ebn0.get_message(0))), "ebn0_db")
        self.assertAlmostEqual(est[-1], 5.0, delta=1.0)
        d = status.get_message(status.num_messages() - 1)
        self.assertTrue(pmt.to_bool(pmt.dict_ref(d, pmt.intern("carrier_lock"), pmt.PMT_F)))
        # The carrier estimate follows the channel: 10 kHz + 2 kHz/s over the pass (< 0.3 s).
        f = pmt.to_double(pmt.dict_ref(d, pmt.intern("freq_offset_hz"), pmt.PMT_NIL))
        self.assertAlmostEqual(f, 10.4e3, delta=500)

    def test_far_below_threshold_frames_are_lost(self):
        """At Eb/N0 = 0 dB the concatenated code cannot work (CCSDS 130.1-G): the channel's noise
        is really at the configured level, and nothing false comes out."""
        sent, got, *_ = loopback(0.0, frames=10)
        self.assertLess(len(got), len(sent) // 2)
        for f in got:
            self.assertIn(f, sent)

    def test_two_threads_give_the_same_frames(self):
        # The segment-parallel demodulator inside the block: 2^18-sample segments put several
        # joins into this pass (inside frames); the decoder downstream sees one seamless stream.
        blk = []
        sent, got, lock, _, status = loopback(5.0, threads=2, segment_samples=1 << 18, demod_out=blk)
        self.assertEqual(len(sent), 20)
        self.assertEqual(got, sent)
        st = blk[0].status()
        self.assertGreaterEqual(st.joins, 3)
        self.assertEqual(st.failed_joins, 0)
        self.assertTrue(st.carrier_lock)
        with self.assertRaisesRegex(Exception, "threads"):
            groundlink.psk_demod(groundlink.make_psk_demod_config(threads=0))
        with self.assertRaisesRegex(Exception, "segment_samples"):
            groundlink.psk_demod(groundlink.make_psk_demod_config(threads=2, segment_samples=1000))

    def test_status_period_is_validated(self):
        with self.assertRaisesRegex(Exception, "status_period_symbols"):
            groundlink.psk_demod(groundlink.make_psk_demod_config(status_period_symbols=-1))


class qa_front_end_and_iq_source(unittest.TestCase):
    def test_front_end_shifts_and_resamples(self):
        """A 150 kHz tone, 100 kHz removed, decimated by 2: 50 kHz at 500 kS/s (0.1 cycle/sample)."""
        fs, n = 1e6, 100000
        x = np.exp(2j * np.pi * 150e3 / fs * np.arange(n)).astype(np.complex64)
        tb = gr.top_block()
        fe = groundlink.front_end(fs, 1, 2, [100e3], False)
        sink = blocks.vector_sink_c()
        tb.connect(blocks.vector_source_c(x, False), fe, sink)
        tb.run()
        y = np.array(sink.data())
        self.assertLess(abs(len(y) - n / 2), 64)
        inst = np.angle(y[1001:-1000] * np.conj(y[1000:-1001])) / (2 * np.pi)
        self.assertAlmostEqual(float(np.mean(inst)), 0.1, delta=1e-4)

    def test_iq_file_source_formats(self):
        rng = np.random.default_rng(1)
        iq = rng.integers(-32768, 32767, size=2 * 5000, dtype=np.int16)
        with tempfile.TemporaryDirectory() as tmp:
            for fmt, data, scale in [("cs16", iq, 1 / 32768), ("cs8", (iq >> 8).astype(np.int8), 1 / 128),
                                     ("cf32", iq.astype(np.float32) / 1000, 1.0)]:
                path = os.path.join(tmp, "rec." + fmt)
                data.tofile(path)
                src = groundlink.iq_file_source(path, fmt)
                sink = blocks.vector_sink_c()
                tb = gr.top_block()
                tb.connect(src, sink)
                tb.run()
                expect = (data[0::2].astype(np.float64) + 1j * data[1::2].astype(np.float64)) * scale
                np.testing.assert_allclose(np.array(sink.data()), expect, rtol=1e-6, atol=1e-7)
                eos = [t.offset for t in sink.tags() if pmt.symbol_to_string(t.key) == groundlink.END_OF_STREAM_TAG]
                self.assertEqual(eos, [len(expect) - 1], fmt)
                self.assertEqual(src.samples_total(), len(expect))


if __name__ == "__main__":
    unittest.main()
