// End-to-end decode from IQ on two cores (TARGETS.md "full chain from IQ, QPSK conv+RS I=5"):
// complex samples -> PskDemodulator (thread 1) -> soft symbols through a bounded single-producer
// single-consumer ring -> AmbiguityResolvingDecoder (thread 2: phase ambiguity, Viterbi, ASM
// sync, derandomizer, RS(255,223) I=5, TM checks) -> frames. Reported: decoded information bits
// (good frames x 1115 x 8) and channel symbols per wall-clock second, with both threads running;
// each iteration is a whole pass from a cold start (acquisition included). On a machine shared
// with other jobs the wall clock says little, so each stage also sums its own CPU time (thread
// CPU clock around its process() calls): a two-stage pipeline on two dedicated cores runs at
// the pace of its slower stage, hence info_Mbit_s_2core = decoded bits / max(demodulator CPU
// time, decoder CPU time).
// The signal is the ccsds-concatenated profile's link (QPSK, RRC 0.35, conv r=1/2 + RS I=5 +
// randomizer, 1115-byte TM frames) at Eb/N0 5 dB with a carrier offset of 0.5% of Rs and a 20 ppm
// clock offset, at state.range(0) samples per symbol.
// SatDump 2.0 (psk demod + CCSDS conv/RS pipeline) decodes 4.8 Msym/s of the same kind of link on
// two cores (TARGETS.md); compare the Msym_s counter with that figure.
#include <benchmark/benchmark.h>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <complex>
#include <thread>
#include <vector>

#include "dsp/psk_demod.h"
#include "framing/phase_ambiguity.h"
#include "concatenated_link.h"
#include "iq_pass.h"

using namespace groundlink;

namespace {

constexpr size_t kFrames = 200;
constexpr size_t kFrameLen = groundlink::test::kConcatFrameLength;

// The pass (iq_pass.h defaults: QPSK, Eb/N0 5 dB, 0.5% of Rs, 20 ppm), one per sps.
const groundlink::test::IqPass& pass(unsigned sps) {
  static groundlink::test::IqPass cache[9];
  groundlink::test::IqPass& p = cache[sps];
  if (p.iq.empty()) {
    groundlink::test::IqPassConfig pc;
    pc.sps = sps;
    pc.frames = kFrames;
    p = groundlink::test::make_concatenated_pass(pc);
  }
  return p;
}

// Bounded SPSC ring of soft-symbol blocks: the demodulator thread fills a slot and publishes it,
// the decoder thread consumes in order. Slots are preallocated; the hot loops only spin/yield.
class SoftRing {
 public:
  SoftRing(size_t slots, size_t slot_capacity)
      : data_(slots, std::vector<dsp::soft_t>(slot_capacity)), len_(slots) {}
  size_t slots() const { return data_.size(); }
  dsp::soft_t* acquire_write() {
    while (head_.load(std::memory_order_relaxed) - tail_.load(std::memory_order_acquire) == slots())
      std::this_thread::yield();
    return data_[head_.load(std::memory_order_relaxed) % slots()].data();
  }
  void publish(size_t n) {
    const size_t h = head_.load(std::memory_order_relaxed);
    len_[h % slots()] = n;
    head_.store(h + 1, std::memory_order_release);
  }
  // Returns false once the producer has finished and everything was consumed.
  bool read(const dsp::soft_t** data, size_t* n) {
    for (;;) {
      const size_t t = tail_.load(std::memory_order_relaxed);
      if (head_.load(std::memory_order_acquire) != t) {
        *data = data_[t % slots()].data();
        *n = len_[t % slots()];
        return true;
      }
      if (done_.load(std::memory_order_acquire) && head_.load(std::memory_order_acquire) == t) return false;
      std::this_thread::yield();
    }
  }
  void release() { tail_.fetch_add(1, std::memory_order_release); }
  void finish() { done_.store(true, std::memory_order_release); }

 private:
  std::vector<std::vector<dsp::soft_t>> data_;
  std::vector<size_t> len_;
  alignas(64) std::atomic<size_t> head_{0};
  alignas(64) std::atomic<size_t> tail_{0};
  alignas(64) std::atomic<bool> done_{false};
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void BM_groundlink_iq_to_frames_qpsk_rs5_2threads(benchmark::State& state) {
  const unsigned sps = static_cast<unsigned>(state.range(0));
  const groundlink::test::IqPass& p = pass(sps);
  dsp::PskDemodConfig dc;
  dc.modulation = dsp::PskModulation::qpsk;
  dc.samples_per_symbol = sps;
  constexpr size_t kBlock = 32768;  // samples per demodulator call
  uint64_t good = 0, frames = 0;
  double cpu_demod = 0, cpu_decode = 0;
  for (auto _ : state) {
    dsp::PskDemodulator demod(dc);
    framing::AmbiguityResolvingDecoder dec(groundlink::test::concatenated_decoder_config(true));
    SoftRing ring(16, demod.max_output(kBlock));
    // CPU time is summed over the process() calls only: the waits at the ring spin.
    std::thread producer([&] {
      for (size_t pos = 0; pos < p.iq.size(); pos += kBlock) {
        dsp::soft_t* out = ring.acquire_write();
        const double c0 = thread_cpu_seconds();
        const size_t m = demod.process(p.iq.data() + pos, std::min(kBlock, p.iq.size() - pos), out);
        cpu_demod += thread_cpu_seconds() - c0;
        ring.publish(m);
      }
      ring.finish();
    });
    uint64_t pass_good = 0;
    const framing::FrameCallback count = [&pass_good](const framing::Frame& f) {
      pass_good += f.quality == framing::FrameQuality::good;
    };
    const dsp::soft_t* d;
    size_t n;
    while (ring.read(&d, &n)) {
      const double c0 = thread_cpu_seconds();
      dec.process(d, n, count);
      cpu_decode += thread_cpu_seconds() - c0;
      ring.release();
    }
    const double c0 = thread_cpu_seconds();
    dec.flush(count);
    cpu_decode += thread_cpu_seconds() - c0;
    producer.join();
    good += pass_good;
    frames += kFrames;
  }
  const double it = static_cast<double>(state.iterations());
  state.counters["info_Mbit_s"] =
      benchmark::Counter(static_cast<double>(good) * kFrameLen * 8 / 1e6, benchmark::Counter::kIsRate);
  state.counters["Msym_s"] = benchmark::Counter(it * static_cast<double>(p.symbols) / 1e6, benchmark::Counter::kIsRate);
  state.counters["good_frac"] = static_cast<double>(good) / static_cast<double>(frames);
  const double bits = static_cast<double>(good) * kFrameLen * 8;
  state.counters["info_Mbit_s_2core"] = bits / 1e6 / std::max(cpu_demod, cpu_decode);
  state.counters["Msym_s_2core"] = it * static_cast<double>(p.symbols) / 1e6 / std::max(cpu_demod, cpu_decode);
  state.counters["demod_cpu_share"] = cpu_demod / (cpu_demod + cpu_decode);
}
BENCHMARK(BM_groundlink_iq_to_frames_qpsk_rs5_2threads)
    ->ArgName("sps")->Arg(4)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
