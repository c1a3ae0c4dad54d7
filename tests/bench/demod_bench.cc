// PSK demodulator throughput (input Msamples/s per CPU-second) against the GNU Radio baseline of
// TARGETS.md, in the same run on the same input samples: agc2_cc -> symbol_sync_cc (Gardner TED,
// polyphase matched-filter interpolator with 32 filters) -> costas_loop_cc (order 2) at 4
// samples/symbol, as a C++ top_block (vector source -> head -> the chain -> null sink).
// GNU Radio runs each block on its own thread, so every entry here measures the CPU time of the
// whole process (MeasureProcessCPUTime): "Msps" is then samples per CPU-second, i.e. per core,
// whatever the number of threads. Read BM_groundlink_psk_demod_qpsk_4sps /
// BM_gnuradio_agc2_symsync_pfb32_costas2_qpsk_4sps. (tests/bench/gr_demod_baseline.py times the
// same GNU Radio chain from Python on the same recipe, for a second opinion.)
#include <benchmark/benchmark.h>

#include <cmath>
#include <complex>
#include <cstdlib>
#include <vector>

#ifdef GROUNDLINK_BENCH_GNURADIO
#include <gnuradio/analog/agc2_cc.h>
#include <gnuradio/blocks/head.h>
#include <gnuradio/blocks/null_sink.h>
#include <gnuradio/blocks/vector_source.h>
#include <gnuradio/digital/constellation.h>
#include <gnuradio/digital/costas_loop_cc.h>
#include <gnuradio/digital/symbol_sync_cc.h>
#include <gnuradio/filter/firdes.h>
#include <gnuradio/top_block.h>
#endif

#include "dsp/channel.h"
#include "dsp/psk_demod.h"
#include "dsp/psk_modulator.h"

namespace {

using groundlink::dsp::Channel;
using groundlink::dsp::ChannelConfig;
using groundlink::dsp::PskDemodConfig;
using groundlink::dsp::PskDemodulator;
using groundlink::dsp::PskModulation;
using groundlink::dsp::PskModulator;
using groundlink::dsp::PskModulatorConfig;

// QPSK, 4 sps, RRC 0.35, Eb/N0 8 dB, offset 0.5% of Rs, 20 ppm clock: 2^20 samples.
const std::vector<std::complex<float>>& bench_input(PskModulation m) {
  static std::vector<std::complex<float>> cache[3];
  auto& rx = cache[static_cast<int>(m)];
  if (!rx.empty()) return rx;
  PskModulatorConfig mc;
  mc.modulation = m;
  PskModulator mod(mc);
  std::vector<uint8_t> bits(1 << 19);
  uint64_t s = 0x9E3779B97F4A7C15ull;
  for (auto& b : bits) {
    s ^= s << 13; s ^= s >> 7; s ^= s << 17;
    b = s & 1;
  }
  std::vector<std::complex<float>> tx;
  mod.modulate_bits(bits.data(), bits.size(), tx);
  ChannelConfig cc;
  cc.ebn0_db = 8.0;
  cc.freq_offset = 0.005 / 4;
  cc.clock_ppm = 20.0;
  Channel ch(cc);
  ch.process(tx.data(), tx.size(), rx);
  return rx;
}

void run_demod(benchmark::State& state, PskModulation m) {
  const auto& rx = bench_input(m);
  PskDemodConfig dc;
  dc.modulation = m;
  PskDemodulator demod(dc);
  std::vector<groundlink::dsp::soft_t> out(demod.max_output(rx.size()));
  // Warm up past acquisition so the timed loop measures tracking.
  demod.process(rx.data(), rx.size(), out.data());
  const size_t block = 8192;
  size_t pos = 0, total = 0;
  for (auto _ : state) {
    if (pos + block > rx.size()) pos = 0;
    total += demod.process(rx.data() + pos, block, out.data());
    pos += block;
  }
  benchmark::DoNotOptimize(total);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * block);
  state.counters["Msps"] = benchmark::Counter(static_cast<double>(state.iterations()) * block / 1e6,
                                              benchmark::Counter::kIsRate);
  state.counters["locked"] = demod.status().carrier_lock ? 1 : 0;
}

void BM_groundlink_psk_demod_qpsk_4sps(benchmark::State& state) {
  run_demod(state, PskModulation::qpsk);
}
void BM_groundlink_psk_demod_bpsk_4sps(benchmark::State& state) {
  run_demod(state, PskModulation::bpsk);
}
void BM_groundlink_psk_demod_oqpsk_4sps(benchmark::State& state) {
  run_demod(state, PskModulation::oqpsk);
}

BENCHMARK(BM_groundlink_psk_demod_qpsk_4sps)->MeasureProcessCPUTime();
BENCHMARK(BM_groundlink_psk_demod_bpsk_4sps)->MeasureProcessCPUTime();
BENCHMARK(BM_groundlink_psk_demod_oqpsk_4sps)->MeasureProcessCPUTime();

#ifdef GROUNDLINK_BENCH_GNURADIO
// The GNU Radio chain of TARGETS.md with the parameters of gr_demod_baseline.py: AGC attack 0.1,
// decay 0.01; Gardner TED, loop bandwidth 2*pi*0.005, damping 1, max deviation 0.005 samples;
// 32-filter PFB matched-filter interpolator with RRC(0.35) prototype taps (11 symbols per arm);
// Costas loop bandwidth 2*pi*0.005 of order state.range(0) (2 is the TARGETS baseline; 4 is
// the order a QPSK receiver would lock with, shown for reference). One iteration streams
// kGrSamples samples (the input repeated) through a fresh top_block.
constexpr uint64_t kGrSamples = 1u << 22;

// Debian's GNU Radio logs at debug level by default (TOOLCHAIN.md pitfall 8): the logs would
// dominate the timing. Set before the first block reads the preferences; the user's value wins.
const int kGrQuietLogs = setenv("GR_CONF_LOG_LOG_LEVEL", "info", 0);

void BM_gnuradio_agc2_symsync_pfb32_costas_qpsk_4sps(benchmark::State& state) {
  const auto& rx = bench_input(PskModulation::qpsk);
  const int sps = 4, nfilts = 32;
  const double rolloff = 0.35;
  const unsigned order = static_cast<unsigned>(state.range(0));
  const std::vector<float> taps =
      gr::filter::firdes::root_raised_cosine(nfilts, nfilts * sps, 1.0, rolloff, 11 * sps * nfilts);
  const std::vector<gr_complex> samples(rx.begin(), rx.end());
  uint64_t out_items = 0;
  for (auto _ : state) {
    auto tb = gr::make_top_block("gr_demod_baseline");
    auto src = gr::blocks::vector_source_c::make(samples, true);
    auto head = gr::blocks::head::make(sizeof(gr_complex), kGrSamples);
    auto agc = gr::analog::agc2_cc::make(1e-1f, 1e-2f, 1.0f, 1.0f);
    auto sync = gr::digital::symbol_sync_cc::make(
        gr::digital::TED_GARDNER, sps, static_cast<float>(2 * M_PI * 0.005), 1.0f, 1.0f, 0.005f, 1,
        gr::digital::constellation_qpsk::make(), gr::digital::IR_PFB_MF, nfilts, taps);
    auto costas = gr::digital::costas_loop_cc::make(static_cast<float>(2 * M_PI * 0.005), order, false);
    auto sink = gr::blocks::null_sink::make(sizeof(gr_complex));
    tb->connect(src, 0, head, 0);
    tb->connect(head, 0, agc, 0);
    tb->connect(agc, 0, sync, 0);
    tb->connect(sync, 0, costas, 0);
    tb->connect(costas, 0, sink, 0);
    tb->run();
    out_items += sink->nitems_read(0);
  }
  const double n = static_cast<double>(state.iterations()) * kGrSamples;
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["Msps"] = benchmark::Counter(n / 1e6, benchmark::Counter::kIsRate);
  // Symbols out per sample in: 1/sps when the timing loop tracks (a sanity check of the setup).
  state.counters["sym_per_sample"] = static_cast<double>(out_items) / n;
}
BENCHMARK(BM_gnuradio_agc2_symsync_pfb32_costas_qpsk_4sps)
    ->ArgName("order")->Arg(2)->Arg(4)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
#endif

}  // namespace
