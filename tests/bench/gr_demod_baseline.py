#!/usr/bin/python3
"""GNU Radio baseline for the PSK demodulator benchmark (TARGETS.md, "demod, 4 samples/symbol").

Times agc2_cc -> symbol_sync_cc (Gardner TED, polyphase matched-filter interpolator with 32
filters) -> costas_loop_cc on the input recipe of tests/bench/demod_bench.cc: QPSK, 4 samples per
symbol, RRC roll-off 0.35, Eb/N0 8 dB, carrier offset 0.5% of the symbol rate. Prints input
Msamples/s per wall-clock second and per CPU-second (the latter matches Google Benchmark's
rate counters). Pinned to one core by default (--cores 2 for the two-core figure).

Run with GNU Radio's Python: /usr/bin/python3 tests/bench/gr_demod_baseline.py [--input f.cf32]
The ratio the README reports comes from one run of the C++ benchmark program instead, which
runs the same chain as a C++ top_block on the very samples of the groundlink entry:
build/bin/groundlink-bench --benchmark_filter='psk_demod_qpsk_4sps|gnuradio_agc2' (this
script's default Costas order 4 is the entry's order:4 variant; TARGETS.md's baseline is order 2).
"""
import argparse
import math
import os
import time

import numpy as np
from gnuradio import blocks, digital, filter, gr


def make_input(nsym, sps, rolloff, ebn0_db, foff_rs, seed=1):
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, size=(nsym, 2))
    sym = ((2 * bits[:, 0] - 1) + 1j * (2 * bits[:, 1] - 1)) / math.sqrt(2)
    up = np.zeros(nsym * sps, dtype=np.complex64)
    up[::sps] = sym
    taps = np.array(filter.firdes.root_raised_cosine(1.0, sps, 1.0, rolloff, 10 * sps + 1))
    taps *= math.sqrt(sps) / math.sqrt(np.sum(taps ** 2))
    x = np.convolve(up, taps)[: nsym * sps]
    esn0 = 10 ** (ebn0_db / 10) * 2
    n0 = sps / esn0  # unit power per sample -> Es = sps
    noise = (rng.standard_normal(x.size) + 1j * rng.standard_normal(x.size)) * math.sqrt(n0 / 2)
    n = np.arange(x.size)
    x = x * np.exp(2j * math.pi * foff_rs / sps * n) + noise
    return x.astype(np.complex64)


def run(samples, total, sps, rolloff, nfilts=32):
    tb = gr.top_block()
    src = blocks.vector_source_c(samples, True)
    head = blocks.head(gr.sizeof_gr_complex, total)
    agc = digital.agc2_cc if hasattr(digital, "agc2_cc") else None
    if agc is None:
        from gnuradio import analog
        agc = analog.agc2_cc
    a = agc(1e-1, 1e-2, 1.0, 1.0)
    taps = filter.firdes.root_raised_cosine(nfilts, nfilts * sps, 1.0, rolloff, 11 * sps * nfilts)
    sync = digital.symbol_sync_cc(digital.TED_GARDNER, sps, 2 * math.pi * 0.005, 1.0, 1.0, 0.005,
                                  1, digital.constellation_qpsk().base(), digital.IR_PFB_MF,
                                  nfilts, taps)
    costas = digital.costas_loop_cc(2 * math.pi * 0.005, 4, False)
    sink = blocks.null_sink(gr.sizeof_gr_complex)
    tb.connect(src, head, a, sync, costas, sink)
    t0, c0 = time.perf_counter(), time.process_time()
    tb.run()
    return time.perf_counter() - t0, time.process_time() - c0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", help="complex64 (.cf32) file instead of the built-in recipe")
    ap.add_argument("--symbols", type=int, default=1 << 18)
    ap.add_argument("--cores", type=int, default=1)
    ap.add_argument("--total", type=int, default=1 << 24, help="samples timed per run")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if args.cores > 0:
        os.sched_setaffinity(0, set(range(args.cores)))  # GR threads inherit the mask
    sps, rolloff = 4, 0.35
    if args.input:
        x = np.fromfile(args.input, dtype=np.complex64)
    else:
        x = make_input(args.symbols, sps, rolloff, 8.0, 0.005)
    runs = [run(x, args.total, sps, rolloff) for _ in range(args.repeat)]
    wall = min(r[0] for r in runs)
    cpu = min(r[1] for r in runs)
    # Msps per CPU-second (all threads of the process) is comparable with Google Benchmark's
    # Msps counter, which is also per CPU-second, when other jobs share the machine.
    print(f"gnuradio_agc2_symbol_sync_pfb32_costas4 cores={args.cores} samples={args.total} "
          f"Msps_wall={args.total / wall / 1e6:.2f} Msps_cpu={args.total / cpu / 1e6:.2f}")


if __name__ == "__main__":
    main()
