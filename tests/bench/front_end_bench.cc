// Receiver front-end throughput (input Msamples/s per CPU-second): groundlink's FrontEnd (DC
// removal, Doppler pre-compensation from a pass-prediction table, rational resampling 5 -> 8 Msps)
// against the GNU Radio blocks a flowgraph would use for the same job, in the same run on the
// same samples: dc_blocker_cc -> rotator_cc (a fixed shift: GNU Radio has no prediction-table
// rotator) -> rational_resampler_ccc(8, 5) with its default taps. GNU Radio runs each block on its
// own thread, so both entries measure the CPU time of the whole process: "Msps" is per core.
#include <benchmark/benchmark.h>

#include <cmath>
#include <complex>
#include <vector>

#ifdef GROUNDLINK_BENCH_GNURADIO
#include <gnuradio/blocks/head.h>
#include <gnuradio/blocks/null_sink.h>
#include <gnuradio/blocks/rotator_cc.h>
#include <gnuradio/blocks/vector_source.h>
#include <gnuradio/filter/dc_blocker_cc.h>
#include <gnuradio/filter/rational_resampler.h>
#include <gnuradio/top_block.h>
#endif

#include "dsp/frontend.h"

namespace {

constexpr double kFs = 5e6;
constexpr size_t kSamples = size_t{1} << 21;

// A carrier on a pass-like Doppler S-curve plus a DC offset: 2^21 samples at 5 Msps.
const std::vector<std::complex<float>>& bench_input() {
  static std::vector<std::complex<float>> x;
  if (!x.empty()) return x;
  x.resize(kSamples);
  double ph = 0.0;
  for (size_t i = 0; i < kSamples; ++i) {
    const double t = static_cast<double>(i) / kFs;
    x[i] = std::complex<float>(std::polar(1.0, 2.0 * M_PI * ph)) + std::complex<float>(0.05f, -0.03f);
    ph += 40e3 * std::tanh((t - 0.2) / 0.1) / kFs;
  }
  return x;
}

groundlink::dsp::FrontEndConfig front_end_config() {
  groundlink::dsp::FrontEndConfig c;
  c.sample_rate_hz = kFs;
  c.resample_interp = 8;
  c.resample_decim = 5;
  for (double t = 0.0; t <= 1.0; t += 0.01) c.doppler_table.emplace_back(t, 40e3 * std::tanh((t - 0.2) / 0.1));
  return c;
}

void BM_groundlink_front_end_doppler_resample_5to8(benchmark::State& state) {
  const auto& x = bench_input();
  groundlink::dsp::FrontEnd fe(front_end_config());
  constexpr size_t kBlock = 65536;
  std::vector<std::complex<float>> out(fe.max_output(kBlock));
  size_t produced = 0;
  for (auto _ : state) {
    fe.reset();
    for (size_t i = 0; i < x.size(); i += kBlock) produced += fe.process(x.data() + i, kBlock, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  const double n = static_cast<double>(state.iterations()) * static_cast<double>(x.size());
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["Msps"] = benchmark::Counter(n / 1e6, benchmark::Counter::kIsRate);
  state.counters["out_per_in"] = static_cast<double>(produced) / n;  // 1.6 when resampling
}
BENCHMARK(BM_groundlink_front_end_doppler_resample_5to8)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);

#ifdef GROUNDLINK_BENCH_GNURADIO
void BM_gnuradio_dcblock_rotator_rational_resampler_5to8(benchmark::State& state) {
  const auto& x = bench_input();
  const std::vector<gr_complex> samples(x.begin(), x.end());
  uint64_t out_items = 0;
  for (auto _ : state) {
    auto tb = gr::make_top_block("gr_front_end_baseline");
    auto src = gr::blocks::vector_source_c::make(samples, false);
    auto dc = gr::filter::dc_blocker_cc::make(32, true);
    auto rot = gr::blocks::rotator_cc::make(-2.0 * M_PI * 40e3 / kFs);
    auto rs = gr::filter::rational_resampler_ccc::make(8, 5);
    auto sink = gr::blocks::null_sink::make(sizeof(gr_complex));
    tb->connect(src, 0, dc, 0);
    tb->connect(dc, 0, rot, 0);
    tb->connect(rot, 0, rs, 0);
    tb->connect(rs, 0, sink, 0);
    tb->run();
    out_items += sink->nitems_read(0);
  }
  const double n = static_cast<double>(state.iterations()) * static_cast<double>(samples.size());
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["Msps"] = benchmark::Counter(n / 1e6, benchmark::Counter::kIsRate);
  state.counters["out_per_in"] = static_cast<double>(out_items) / n;
}
BENCHMARK(BM_gnuradio_dcblock_rotator_rational_resampler_5to8)->MeasureProcessCPUTime()->Unit(benchmark::kMillisecond);
#endif

}  // namespace
