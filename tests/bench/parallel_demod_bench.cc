// End-to-end decode from IQ with the demodulator split over cores (ParallelPskDemodulator,
// state.range(1) worker threads: 2, and 1 to show the cost of segmenting alone): the calling thread push()es the pass in blocks and after each push feeds
// whatever pull() returns to the AmbiguityResolvingDecoder (phase ambiguity, Viterbi, ASM sync,
// derandomizer, RS(255,223) I=5, TM checks), then finish()es and drains with pull_wait(). Same
// pass as iq_chain_bench.cc (iq_pass.h: QPSK, RRC 0.35, Eb/N0 5 dB, 0.5% of Rs, 20 ppm, 200
// frames of 1115 bytes), at state.range(0) samples per symbol, default segments (2^20 samples).
// The demodulator object lives across passes (reset() per iteration, as a station keeps it); each
// pass starts cold (acquisition included).
// Reported: decoded information bits and channel symbols per wall-clock second (UseRealTime), and,
// because the machine may be shared, CPU-time figures: cpu_s (process CPU per pass, all threads),
// caller_cpu_s (the calling thread: stitching, copies and the decoder), info_Mbit_s_per_cpu_s, and
// info_Mbit_s_2core / Msym_s_2core = work / max(process CPU / 2, caller CPU): the pace on two
// dedicated cores, unless the serial decoder thread alone is slower. Compare with
// BM_groundlink_iq_to_frames_qpsk_rs5_2threads (one demodulator thread + one decoder thread).
#include <benchmark/benchmark.h>

#include <time.h>

#include <algorithm>
#include <complex>
#include <vector>

#include "concatenated_link.h"
#include "dsp/parallel_psk_demod.h"
#include "framing/phase_ambiguity.h"
#include "iq_pass.h"

using namespace groundlink;

namespace {

constexpr size_t kFrames = 600;

const test::IqPass& parallel_bench_pass(unsigned sps) {
  static test::IqPass cache[9];
  test::IqPass& p = cache[sps];
  if (p.iq.empty()) {
    test::IqPassConfig pc;
    pc.sps = sps;
    pc.frames = kFrames;
    p = test::make_concatenated_pass(pc);
  }
  return p;
}

double cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void BM_groundlink_iq_to_frames_qpsk_rs5_parallel(benchmark::State& state) {
  const unsigned sps = static_cast<unsigned>(state.range(0));
  const test::IqPass& p = parallel_bench_pass(sps);
  dsp::PskDemodConfig dc;
  dc.modulation = dsp::PskModulation::qpsk;
  dc.samples_per_symbol = sps;
  dsp::ParallelDemodConfig pc;
  pc.threads = static_cast<unsigned>(state.range(1));
  dsp::ParallelPskDemodulator demod(dc, pc);
  constexpr size_t kBlock = 32768;  // samples per push()
  std::vector<dsp::soft_t> soft(1 << 16);
  uint64_t good = 0, frames = 0, failed_joins = 0;
  double cpu = 0, caller_cpu = 0;
  for (auto _ : state) {
    demod.reset();
    framing::AmbiguityResolvingDecoder dec(test::concatenated_decoder_config(true));
    uint64_t pass_good = 0;
    const framing::FrameCallback count = [&pass_good](const framing::Frame& f) {
      pass_good += f.quality == framing::FrameQuality::good;
    };
    const double c0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID), t0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    for (size_t pos = 0; pos < p.iq.size(); pos += kBlock) {
      demod.push(p.iq.data() + pos, std::min(kBlock, p.iq.size() - pos));
      for (size_t n; (n = demod.pull(soft.data(), soft.size())) > 0;) dec.process(soft.data(), n, count);
    }
    demod.finish();
    for (size_t n; (n = demod.pull_wait(soft.data(), soft.size())) > 0;) dec.process(soft.data(), n, count);
    dec.flush(count);
    cpu += cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    caller_cpu += cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - t0;
    good += pass_good;
    frames += kFrames;
    failed_joins += demod.failed_joins();
  }
  const double it = static_cast<double>(state.iterations());
  const double bits = static_cast<double>(good) * test::kConcatFrameLength * 8;
  const double syms = it * static_cast<double>(p.symbols);
  state.counters["info_Mbit_s"] = benchmark::Counter(bits / 1e6, benchmark::Counter::kIsRate);
  state.counters["Msym_s"] = benchmark::Counter(syms / 1e6, benchmark::Counter::kIsRate);
  state.counters["good_frac"] = static_cast<double>(good) / static_cast<double>(frames);
  state.counters["failed_joins"] = static_cast<double>(failed_joins) / it;
  state.counters["cpu_s"] = cpu / it;
  state.counters["caller_cpu_s"] = caller_cpu / it;
  state.counters["info_Mbit_s_per_cpu_s"] = bits / 1e6 / cpu;
  if (pc.threads >= 2) {
    const double two_core = std::max(cpu / 2.0, caller_cpu);
    state.counters["info_Mbit_s_2core"] = bits / 1e6 / two_core;
    state.counters["Msym_s_2core"] = syms / 1e6 / two_core;
  }
}
BENCHMARK(BM_groundlink_iq_to_frames_qpsk_rs5_parallel)
    ->ArgNames({"sps", "threads"})->Args({4, 2})->Args({2, 2})->Args({4, 1})
    ->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
