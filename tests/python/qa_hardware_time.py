#!/usr/bin/env python3
"""Earth-receive time from an SDR's hardware timestamps: "rx_time" tags (UHD / gr-soapy form,
(uint64 seconds, double fraction)) on the first sample and after an overflow time the frames,
through hardware_time_probe -> sample_clock -> frame_decoder. Real GNU Radio flowgraphs; the
IQ is a CCSDS concatenated QPSK pass from the frame source, with samples dropped as an SDR
overflow drops them."""
import unittest

import numpy as np
import pmt
from gnuradio import blocks, gr

from gnuradio import groundlink

FS = 4e6          # 1 Msym/s at 4 samples/symbol (the frame source's defaults)
T0 = 1767225600   # 2026-01-01T00:00:00Z
FRAC0 = 0.25
INFO_RATE = 0.5 * 223 / 255


def rx_time(offset, seconds):
    whole = int(np.floor(seconds))
    return gr.tag_utils.python_to_tag((offset, pmt.intern("rx_time"),
                                       pmt.make_tuple(pmt.from_uint64(T0 + whole), pmt.from_double(seconds - whole)),
                                       pmt.intern("sdr")))


def source_pass(frames=16, seed=21):
    tb = gr.top_block()
    src = groundlink.frame_source(groundlink.make_frame_source_config(frames=frames, lead_in_symbols=8192, seed=seed))
    sink = blocks.vector_sink_c()
    tb.connect(src, sink)
    tb.run()
    return np.array(sink.data(), dtype=np.complex64)


def decode(x, tags, with_clock=True):
    """Returns [(vc_frame_count, ert seconds after T0)] of the good frames."""
    tb = gr.top_block()
    src = blocks.vector_source_c(x.tolist(), False, 1, tags)
    clock = groundlink.sample_clock()
    probe = groundlink.hardware_time_probe(clock)
    demod = groundlink.psk_demod(groundlink.make_psk_demod_config(
        modulation="qpsk", samples_per_symbol=4, code_rate=INFO_RATE, sample_rate=FS))
    dec = groundlink.frame_decoder(groundlink.make_frame_decoder_config(
        iq_pairs=True, sample_period=1 / FS, soft_per_sample=0.5, start_seconds=100))
    if with_clock:
        dec.set_sample_clock(clock)
    store = blocks.message_debug()
    tb.connect(src, probe, demod, dec)
    tb.msg_connect(dec, "frames", store, "store")
    tb.run()
    out = []
    for i in range(store.num_messages()):
        meta = pmt.car(store.get_message(i))
        ref = lambda k: pmt.dict_ref(meta, pmt.intern(k), pmt.PMT_NIL)
        if pmt.symbol_to_string(ref("quality")) != "good":
            continue
        out.append((pmt.to_long(ref("vc_frame_count")),
                    (pmt.to_long(ref("ert_s")) - T0) + pmt.to_long(ref("ert_ps")) * 1e-12))
    return out, probe.tags_seen(), clock.points()


class qa_hardware_time(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.x = source_pass()

    def test_rx_time_sets_the_pass_start(self):
        got, seen, points = decode(self.x, [rx_time(0, FRAC0)])
        self.assertEqual((seen, points), (1, 1))
        self.assertGreaterEqual(len(got), 15)
        # Not the configured start (100 s after 1970): the device's time, to the sample.
        for vc, ert in got:
            self.assertGreater(ert, FRAC0)
            self.assertLess(ert, FRAC0 + len(self.x) / FS)
        ref, _, _ = decode(self.x, [rx_time(0, 0.0)])
        self.assertEqual([v for v, _ in got], [v for v, _ in ref])
        for (_, a), (_, b) in zip(got, ref):
            self.assertAlmostEqual(a - b, FRAC0, delta=0.5 / FS)

    def test_overflow_gap_does_not_shift_later_frames(self):
        ref, _, _ = decode(self.x, [rx_time(0, FRAC0)])
        # An overflow: 50000 samples (12.5 ms, most of a frame) lost in the middle of the pass;
        # the device tags the first sample after the gap with its true time.
        cut, lost = len(self.x) // 4, 50000
        y = np.concatenate([self.x[:cut], self.x[cut + lost:]])
        got, seen, _ = decode(y, [rx_time(0, FRAC0), rx_time(cut, FRAC0 + (cut + lost) / FS)])
        self.assertEqual(seen, 2)
        by_vc = dict(ref)
        # Only the frames the gap cut through (12.5 ms: two of 10.2 ms) are lost: the
        # synchroniser finds the new grid at its first miss and confirms it one frame later.
        self.assertGreaterEqual(len(got), len(ref) - 2)
        after = [(vc, e) for vc, e in got if e > FRAC0 + (cut + lost) / FS]
        self.assertGreaterEqual(len(after), 8)
        for vc, ert in got:
            self.assertAlmostEqual(ert, by_vc[vc], delta=1.0 / FS, msg=f"frame {vc}")
        # Without the hardware clock the same frames after the gap come out 12.5 ms early.
        plain, _, _ = decode(y, [rx_time(0, FRAC0), rx_time(cut, FRAC0 + (cut + lost) / FS)], with_clock=False)
        late = [(vc, e) for vc, e in plain if vc in dict(after)]
        self.assertTrue(late)
        for vc, ert in late:
            # ERT from the configured start (100 s after 1970) and the sample count alone.
            self.assertAlmostEqual((by_vc[vc] - FRAC0) - (ert + T0 - 100), lost / FS, delta=1.0 / FS)

    def test_malformed_rx_time_tags_are_ignored(self):
        bad = gr.tag_utils.python_to_tag((0, pmt.intern("rx_time"), pmt.from_double(5.0), pmt.intern("sdr")))
        got, seen, points = decode(self.x, [bad])
        self.assertEqual((seen, points), (0, 0))
        # ERT from the configured start instead (100 s after 1970).
        self.assertTrue(got)
        for _, ert in got:
            self.assertLess(ert + T0, 200)


if __name__ == "__main__":
    unittest.main()
