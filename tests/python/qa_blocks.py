#!/usr/bin/env python3
"""QA for the groundlink GNU Radio blocks: real flowgraphs on the real BlueWalker-3 soft symbols."""
import os
import tempfile
import unittest

import numpy as np
import pmt
from gnuradio import blocks, gr, groundlink

DATA = os.environ.get("GROUNDLINK_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
BW3_SYMBOLS = os.path.join(DATA, "bw3", "bw3_symbols_20220925_051912.f32")
BW3_FRAMES = os.path.join(DATA, "bw3", "bw3_frames_20220925_051912.u8")
ASM = np.unpackbits(np.frombuffer(bytes.fromhex("1ACFFC1D"), dtype=np.uint8))


def bw3_config():
    return groundlink.make_frame_decoder_config(
        conv_rate="1/2", randomizer=True, rs_e=0, format="none", frame_length=355,
        asm_hex="1ACFFC1D", fecf=False)


def count_asm(bits):
    """Exact ASM occurrences in an unpacked bit stream (either polarity)."""
    n = len(bits) - len(ASM) + 1
    if n <= 0:
        return 0
    windows = np.lib.stride_tricks.sliding_window_view(bits, len(ASM))
    errors = np.count_nonzero(windows != ASM, axis=1)
    return int(np.count_nonzero(errors == 0) + np.count_nonzero(errors == len(ASM)))


class qa_blocks(unittest.TestCase):
    def test_viterbi_block_finds_every_asm(self):
        """Viterbi block on the delayed symbol alignment: the 152 ASMs the reference decoder found."""
        tb = gr.top_block()
        src = groundlink.soft_file_source(BW3_SYMBOLS, "softf32", 0.0)
        skip = blocks.skiphead(gr.sizeof_char, 1)
        vit = groundlink.viterbi_decoder("1/2", True, 96)
        sink = blocks.vector_sink_b()
        tb.connect(src, skip, vit, sink)
        tb.run()
        bits = np.array(sink.data(), dtype=np.uint8)
        self.assertGreater(len(bits), 400000)
        self.assertEqual(count_asm(bits), 152)

    def test_frame_decoder_bw3(self):
        """Soft symbols -> frames: >= 152 frames, the 149 reference frames byte for byte."""
        ref = np.fromfile(BW3_FRAMES, dtype=np.uint8).reshape(-1, 355)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "frames.u8")
            tb = gr.top_block()
            src = groundlink.soft_file_source(BW3_SYMBOLS, "softf32", 0.0)
            dec = groundlink.frame_decoder(bw3_config())
            store = blocks.message_debug()
            fsink = groundlink.frame_file_sink(out, True)
            tb.connect(src, dec)
            tb.msg_connect(dec, "frames", store, "store")
            tb.msg_connect(dec, "frames", fsink, "frames")
            tb.run()
            self.assertTrue(dec.finished())
            n = store.num_messages()
            self.assertGreaterEqual(n, 152)
            frames = [bytes(pmt.u8vector_elements(pmt.cdr(store.get_message(i)))) for i in range(n)]
            got = {f for f in frames}
            for i, r in enumerate(ref):
                self.assertIn(r.tobytes(), got, f"reference frame {i} missing")
            meta = pmt.car(store.get_message(0))
            # No RS, no FECF, no header to check: SLE quality "undetermined" (911.1-B §3.6.2.2).
            self.assertEqual(pmt.symbol_to_string(pmt.dict_ref(meta, pmt.intern("quality"), pmt.PMT_NIL)),
                             "undetermined")
            # The 152nd frame's ASM is in the file but the recording ends 126 bytes into its data:
            # it is delivered (nothing received is lost), zero-filled, erred and marked truncated.
            last = pmt.car(store.get_message(n - 1))
            self.assertTrue(pmt.to_bool(pmt.dict_ref(last, pmt.intern("truncated"), pmt.PMT_F)))
            self.assertEqual(pmt.symbol_to_string(pmt.dict_ref(last, pmt.intern("quality"), pmt.PMT_NIL)), "erred")
            written = np.fromfile(out, dtype=np.uint8)
            self.assertEqual(len(written), 355 * fsink.frames_written())
            self.assertEqual(fsink.frames_written(), 151)  # the erred, truncated one is skipped

    def test_end_of_pass_without_end_of_stream_tag(self):
        """A pass that stops without the end-of-stream tag (a standard source, a stopped SDR
        flowgraph): end_of_pass() brings out what the decoder still holds, as EOS would."""
        soft = np.nan_to_num(np.fromfile(BW3_SYMBOLS, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        scale = 127.0 / max(1e-9, float(np.percentile(np.abs(soft), 99)))
        q = np.clip(np.round(soft * scale), -127, 127).astype(np.int8)

        def decode(end):
            tb = gr.top_block()
            src = blocks.vector_source_b(q.view(np.uint8).tolist(), False)  # no gl_eos tag
            dec = groundlink.frame_decoder(bw3_config())
            store = blocks.message_debug()
            tb.connect(src, dec)
            tb.msg_connect(dec, "frames", store, "store")
            tb.run()
            if end:
                dec.end_of_pass()
                dec.end_of_pass()  # idempotent
            return dec, store

        without_dec, without = decode(False)
        self.assertFalse(without_dec.finished())
        dec, store = decode(True)
        self.assertTrue(dec.finished())
        # The frame cut by the end of the recording comes out (truncated, so erred) to the
        # frame handler (a C++ program's path; the message port's subscribers have stopped with
        # the flowgraph), counted like any other.
        a, b = without_dec.counters(), dec.counters()
        self.assertEqual(a.frames_undetermined + a.frames_bad, without.num_messages())
        self.assertEqual(b.frames_bad, a.frames_bad + 1)
        self.assertGreaterEqual(b.frames_undetermined, a.frames_undetermined)
        # All of the recording's frames: the 151 whole ones and the cut 152nd.
        self.assertEqual(b.frames_undetermined + b.frames_bad, 152)

    def test_bad_inputs_are_refused_with_a_reason(self):
        with self.assertRaisesRegex(Exception, "does not exist"):
            groundlink.soft_file_source("/nonexistent/file.f32", "softf32", 0.0)
        with self.assertRaisesRegex(Exception, "allowed softf32"):
            groundlink.soft_file_source(BW3_SYMBOLS, "cf64", 0.0)
        with self.assertRaisesRegex(Exception, "traceback"):
            groundlink.viterbi_decoder("1/2", True, 5)

    def test_nan_samples_become_erasures(self):
        """NaN/Inf in a recording are counted and decoded through, not crashed on."""
        sym = np.fromfile(BW3_SYMBOLS, dtype=np.float32).copy()
        sym[1000:1100] = np.nan
        sym[5000] = np.inf
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "nan.f32")
            sym.tofile(path)
            with open(path, "ab") as f:
                f.write(b"\x00\x01")  # a truncated last sample
            tb = gr.top_block()
            src = groundlink.soft_file_source(path, "softf32", 0.0)
            dec = groundlink.frame_decoder(bw3_config())
            tb.connect(src, dec)
            tb.run()
            self.assertEqual(src.nonfinite_count(), 101)
            self.assertEqual(src.items_total(), len(sym))
            c = dec.counters()
            self.assertGreaterEqual(c.frames_good + c.frames_undetermined, 150)


if __name__ == "__main__":
    unittest.main()
