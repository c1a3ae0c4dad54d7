// ParallelPskDemodulator against the single PskDemodulator on the same samples (the second
// implementation): frames recovered by the concatenated decoder at low Eb/N0, soft counts (no
// slip), hard decisions and sample anchors around every join at high Eb/N0, determinism under
// any push() cutting and thread count, a segment without signal, configuration errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "concatenated_link.h"
#include "dsp/parallel_psk_demod.h"
#include "framing/phase_ambiguity.h"
#include "iq_pass.h"

using namespace groundlink;
using dsp::PskModulation;

namespace {

constexpr unsigned kSps = 4;
constexpr double kFs = 8e6;  // 2 Msym/s at 4 samples/symbol (the ccsds-concatenated profile)

struct Demodulated {
  std::vector<dsp::soft_t> soft;
  std::vector<dsp::PskDemodulator::SampleAnchor> anchors;  // indices into soft
  dsp::PskDemodStatus status;
  uint64_t joins = 0, failed_joins = 0;
};

dsp::PskDemodConfig demod_config(PskModulation m) {
  dsp::PskDemodConfig dc;
  dc.modulation = m;
  dc.samples_per_symbol = kSps;
  dc.code_rate = test::kConcatInfoPerChannelBit;
  return dc;
}

// The reference: one PskDemodulator over the whole pass.
Demodulated run_single(const std::vector<std::complex<float>>& iq, const dsp::PskDemodConfig& dc) {
  dsp::PskDemodulator demod(dc);
  Demodulated r;
  constexpr size_t kBlock = 65536;
  std::vector<dsp::soft_t> buf(demod.max_output(kBlock) + demod.max_flush_output());
  auto take = [&](size_t n) {
    for (const auto& a : demod.anchors()) r.anchors.push_back({r.soft.size() + a.soft_index, a.sample});
    r.soft.insert(r.soft.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  };
  for (size_t i = 0; i < iq.size(); i += kBlock)
    take(demod.process(iq.data() + i, std::min(kBlock, iq.size() - i), buf.data()));
  take(demod.flush(buf.data()));
  r.status = demod.status();
  return r;
}

// The parallel demodulator, pushed in blocks of `block` samples (or random sizes up to
// -block when negative), pulled after every push in pieces of at most `pull_max`.
Demodulated run_parallel(const std::vector<std::complex<float>>& iq, const dsp::PskDemodConfig& dc,
                         const dsp::ParallelDemodConfig& pc, long block = 65536, size_t pull_max = 1 << 20) {
  dsp::ParallelPskDemodulator demod(dc, pc);
  Demodulated r;
  std::vector<dsp::soft_t> buf(pull_max);
  auto take = [&](size_t n) {
    for (const auto& a : demod.anchors()) r.anchors.push_back({r.soft.size() + a.soft_index, a.sample});
    r.soft.insert(r.soft.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  };
  std::mt19937_64 rng(static_cast<uint64_t>(-block));
  for (size_t i = 0; i < iq.size();) {
    const size_t want = block > 0 ? static_cast<size_t>(block) : 1 + rng() % static_cast<size_t>(-block);
    const size_t m = std::min(want, iq.size() - i);
    demod.push(iq.data() + i, m);
    i += m;
    for (size_t n; (n = demod.pull(buf.data(), buf.size())) > 0;) take(n);
  }
  demod.finish();
  for (size_t n; (n = demod.pull_wait(buf.data(), buf.size())) > 0;) take(n);
  EXPECT_TRUE(demod.done());
  r.status = demod.status();
  r.joins = demod.joins();
  r.failed_joins = demod.failed_joins();
  return r;
}

struct Frames {
  std::vector<bool> good;  // per sent frame
  size_t count = 0, wrong = 0;
};

Frames decode(const std::vector<dsp::soft_t>& soft, const test::IqPass& pass, bool iq_pairs) {
  framing::AmbiguityResolvingDecoder dec(test::concatenated_decoder_config(iq_pairs));
  std::map<std::vector<uint8_t>, size_t> index;
  for (size_t i = 0; i < pass.frames.size(); ++i) index.emplace(pass.frames[i], i);
  Frames f;
  f.good.assign(pass.frames.size(), false);
  const framing::FrameCallback cb = [&](const framing::Frame& fr) {
    if (fr.quality != framing::FrameQuality::good) return;
    auto it = index.find(fr.data);
    if (it == index.end()) {
      ++f.wrong;
      return;
    }
    if (!f.good[it->second]) ++f.count;
    f.good[it->second] = true;
  };
  dec.process(soft.data(), soft.size(), cb);
  dec.flush(cb);
  return f;
}

// The impairments of the sensitivity tests: 1% of Rs, -10 kHz/s, 0.5 rad, 50 ppm.
test::IqPassConfig impaired_pass(PskModulation m, double ebn0, size_t frames, uint64_t seed) {
  test::IqPassConfig pc;
  pc.modulation = m;
  pc.sps = kSps;
  pc.frames = frames;
  pc.ebn0_db = ebn0;
  pc.freq_offset_rs = 0.01;
  pc.doppler_rate = -10e3 / (kFs * kFs);
  pc.phase = 0.5;
  pc.clock_ppm = 50.0;
  pc.lead_bits = 16384 * dsp::bits_per_symbol(m);
  pc.frame_seed = seed;
  pc.channel_seed = seed * 7919 + 3;
  return pc;
}

// Small segments: many joins in a short pass. The carrier (1% of Rs, 0.0025 cycles/sample)
// turns by 0.64 cycles per BPSK segment and 0.16 per QPSK one, so the segments' demodulators
// lock on varying phase ambiguities.
dsp::ParallelDemodConfig small_segments(const dsp::PskDemodConfig& dc, unsigned threads = 2) {
  dsp::ParallelDemodConfig pc;
  pc.threads = threads;
  pc.segment_samples = 4 * dsp::ParallelPskDemodulator::automatic_overlap(dc) + 10001;
  return pc;
}

// Frames of ~40960 (QPSK) or ~81920 (BPSK) samples: the pass holds ~9 segments.
size_t frames_for(PskModulation m, size_t segment) {
  const double frame_samples = 20464.0 / dsp::bits_per_symbol(m) * kSps;
  return static_cast<size_t>(std::ceil(9.3 * static_cast<double>(segment) / frame_samples));
}

void expect_link_as_good_as_single(PskModulation m, double ebn0, uint64_t seed) {
  const dsp::PskDemodConfig dc = demod_config(m);
  const dsp::ParallelDemodConfig pc = small_segments(dc);
  const test::IqPass pass = test::make_concatenated_pass(impaired_pass(m, ebn0, frames_for(m, pc.segment_samples), seed));
  const Demodulated single = run_single(pass.iq, dc);
  const Demodulated par = run_parallel(pass.iq, dc, pc);
  const bool pairs = m != PskModulation::bpsk;
  const Frames fs = decode(single.soft, pass, pairs), fp = decode(par.soft, pass, pairs);
  size_t lost_by_join = 0, joins_in_frames = 0;
  for (size_t i = 0; i < pass.frames.size(); ++i) lost_by_join += fs.good[i] && !fp.good[i];
  // Joins inside a frame that was recovered (the switch happened between its ASM and its end).
  const double samples_per_bit = static_cast<double>(kSps) / dsp::bits_per_symbol(m);
  for (uint64_t j = 1; j <= par.joins; ++j) {
    const double s = static_cast<double>(j * pc.segment_samples);
    for (size_t i = 0; i + 1 < pass.frames.size(); ++i)
      if (fp.good[i] && s > pass.frame_first_bit[i] * samples_per_bit + 200 &&
          s < pass.frame_first_bit[i + 1] * samples_per_bit - 200)
        ++joins_in_frames;
  }
  std::printf("[%s %.1f dB] %zu frames: single %zu good, parallel %zu good (%llu joins, %llu failed, "
              "%zu inside recovered frames); softs %zu vs %zu\n",
              dsp::to_string(m), ebn0, pass.frames.size(), fs.count, fp.count,
              static_cast<unsigned long long>(par.joins), static_cast<unsigned long long>(par.failed_joins),
              joins_in_frames, single.soft.size(), par.soft.size());
  EXPECT_GE(par.joins, 8u);
  EXPECT_EQ(par.failed_joins, 0u);
  EXPECT_GE(joins_in_frames, 3u);
  EXPECT_GE(fp.count, fs.count);
  EXPECT_EQ(lost_by_join, 0u) << "frames the single demodulator recovered but the parallel one lost";
  EXPECT_GE(fs.count + 3, pass.frames.size()) << "reference point too hard to mean anything";
  EXPECT_EQ(fp.wrong, 0u);
  const long diff = static_cast<long>(par.soft.size()) - static_cast<long>(single.soft.size());
  EXPECT_LE(std::labs(diff), 4L * static_cast<long>(dsp::bits_per_symbol(m))) << "symbols slipped at joins";
  // (Not carrier_lock: that is the last segment's detector, which a fresh PskDemodulator may
  // declare late on a short stretch, as at the start of any pass.)
  EXPECT_FALSE(par.status.acquiring);
  EXPECT_EQ(par.status.symbols, par.soft.size() / dsp::bits_per_symbol(m));
  EXPECT_EQ(par.status.lock_symbol, single.status.lock_symbol);
}

}  // namespace

TEST(ParallelPskDemod, QpskLinkAsGoodAsSingleDemodulator) {
  expect_link_as_good_as_single(PskModulation::qpsk, 3.5, 501);
}

TEST(ParallelPskDemod, BpskLinkAsGoodAsSingleDemodulator) {
  expect_link_as_good_as_single(PskModulation::bpsk, 3.5, 502);
}

TEST(ParallelPskDemod, OqpskLinkAsGoodAsSingleDemodulator) {
  expect_link_as_good_as_single(PskModulation::oqpsk, 4.0, 503);
}

namespace {

// Single demodulator's input sample of soft index i, interpolated between its anchors.
double single_sample_at(const Demodulated& d, size_t i, unsigned bits) {
  size_t k = 0;
  while (k + 1 < d.anchors.size() && d.anchors[k + 1].soft_index <= i) ++k;
  const auto& a = d.anchors[k];
  const auto& b = d.anchors[std::min(k + 1, d.anchors.size() - 1)];
  const double period = b.soft_index > a.soft_index
                            ? (b.sample - a.sample) / (static_cast<double>(b.soft_index - a.soft_index) / bits)
                            : kSps;
  return a.sample + (static_cast<double>(i) - static_cast<double>(a.soft_index)) / bits * period;
}

// Soft index of the single demodulator's first symbol at or after input sample s.
size_t single_index_at(const Demodulated& d, double s, unsigned bits) {
  size_t k = 0;
  while (k + 1 < d.anchors.size() && d.anchors[k + 1].sample <= s) ++k;
  return d.anchors[k].soft_index + static_cast<size_t>(std::ceil((s - d.anchors[k].sample) / kSps)) * bits;
}

}  // namespace

TEST(ParallelPskDemod, JoinsAgreeWithSingleDemodulatorAndAnchorsMatch) {
  for (PskModulation m : {PskModulation::qpsk, PskModulation::bpsk, PskModulation::oqpsk}) {
    const unsigned bits = dsp::bits_per_symbol(m);
    const dsp::PskDemodConfig dc = demod_config(m);
    const dsp::ParallelDemodConfig pc = small_segments(dc);
    const test::IqPass pass = test::make_concatenated_pass(impaired_pass(m, 10.0, frames_for(m, pc.segment_samples), 600 + static_cast<uint64_t>(m)));
    const Demodulated single = run_single(pass.iq, dc);
    const Demodulated par = run_parallel(pass.iq, dc, pc);
    ASSERT_GE(par.joins, 8u) << dsp::to_string(m);
    EXPECT_EQ(par.failed_joins, 0u) << dsp::to_string(m);
    // The same length, but for the stream's last half symbol: an OQPSK segment whose rail
    // pairing is one soft off segment 0's ends one soft earlier or later at the flush.
    ASSERT_LE(std::max(par.soft.size(), single.soft.size()) - std::min(par.soft.size(), single.soft.size()),
              m == PskModulation::oqpsk ? 1u : 0u) << dsp::to_string(m);
    // Hard decisions in +/- 4096 softs around every join, aligned index for index (segment 0
    // is the single demodulator's own output, so the phase ambiguity is the same).
    double worst = 1.0;
    for (uint64_t j = 1; j <= par.joins; ++j) {
      const size_t c = single_index_at(single, static_cast<double>(j * pc.segment_samples), bits);
      size_t agree = 0, n = 0;
      for (size_t i = c - std::min<size_t>(c, 4096); i < std::min(c + 4096, par.soft.size()); ++i, ++n)
        agree += (par.soft[i] > 0) == (single.soft[i] > 0);
      worst = std::min(worst, static_cast<double>(agree) / static_cast<double>(n));
    }
    // Every stitched anchor (including the one that starts each piece at a join) names the
    // same input sample as the single demodulator's anchors for that soft index.
    double worst_anchor = 0.0;
    for (const auto& a : par.anchors)
      worst_anchor = std::max(worst_anchor, std::fabs(a.sample - single_sample_at(single, a.soft_index, bits)));
    std::printf("[%s 10 dB] %llu joins: worst hard-decision agreement around a join %.5f, worst anchor "
                "difference %.3f samples over %zu anchors\n",
                dsp::to_string(m), static_cast<unsigned long long>(par.joins), worst, worst_anchor,
                par.anchors.size());
    EXPECT_GT(worst, 0.99) << dsp::to_string(m);
    EXPECT_LT(worst_anchor, 0.5) << dsp::to_string(m);
    EXPECT_GE(par.anchors.size(), single.anchors.size()) << dsp::to_string(m);
  }
}

TEST(ParallelPskDemod, OutputIndependentOfPushCuttingAndThreads) {
  const dsp::PskDemodConfig dc = demod_config(PskModulation::qpsk);
  const test::IqPass pass = test::make_concatenated_pass(impaired_pass(PskModulation::qpsk, 4.0, 20, 700));
  const Demodulated ref = run_parallel(pass.iq, dc, small_segments(dc, 2), 1 << 30);
  ASSERT_GT(ref.soft.size(), 300000u);
  ASSERT_GE(ref.joins, 4u);
  struct Run {
    unsigned threads;
    long block;
    size_t pull_max;
  };
  for (const Run& run : {Run{2, 4093, 1000}, Run{1, -50000, 777}, Run{3, 65536, 1 << 20}, Run{3, -300, 4096}}) {
    const Demodulated r = run_parallel(pass.iq, dc, small_segments(dc, run.threads), run.block, run.pull_max);
    const std::string what = "threads " + std::to_string(run.threads) + " block " + std::to_string(run.block);
    EXPECT_EQ(r.soft, ref.soft) << what;
    ASSERT_EQ(r.anchors.size(), ref.anchors.size()) << what;
    for (size_t i = 0; i < r.anchors.size(); ++i) {
      EXPECT_EQ(r.anchors[i].soft_index, ref.anchors[i].soft_index) << what;
      EXPECT_EQ(r.anchors[i].sample, ref.anchors[i].sample) << what;
    }
    EXPECT_EQ(r.joins, ref.joins) << what;
  }
}

TEST(ParallelPskDemod, StreamEndingOnASegmentBoundaryAndEmptyStream) {
  // The segment in progress is handed over only when a sample past its end arrives, so a stream
  // that ends exactly on a boundary (pushed in whole segments or not) ends with that segment.
  const dsp::PskDemodConfig dc = demod_config(PskModulation::qpsk);
  const dsp::ParallelDemodConfig pc = small_segments(dc, 2);
  test::IqPass pass = test::make_concatenated_pass(impaired_pass(PskModulation::qpsk, 6.0, 16, 740));
  pass.iq.resize(3 * pc.segment_samples);
  const Demodulated single = run_single(pass.iq, dc);
  const Demodulated a = run_parallel(pass.iq, dc, pc, static_cast<long>(pc.segment_samples));
  const Demodulated b = run_parallel(pass.iq, dc, pc, 4093);
  EXPECT_EQ(a.joins, 2u);
  EXPECT_EQ(a.failed_joins, 0u);
  EXPECT_EQ(a.soft, b.soft);
  EXPECT_LE(std::labs(static_cast<long>(a.soft.size()) - static_cast<long>(single.soft.size())), 8L);

  dsp::ParallelPskDemodulator demod(dc, pc);
  EXPECT_FALSE(demod.done());
  demod.push(pass.iq.data(), 0);
  demod.finish();
  dsp::soft_t buf[16];
  EXPECT_EQ(demod.pull_wait(buf, 16), 0u);
  EXPECT_TRUE(demod.done());
  EXPECT_EQ(demod.status().symbols, 0u);
}

TEST(ParallelPskDemod, ProducerAndConsumerThreadsAndReset) {
  // push() on one thread, pull_wait() on another; then reset() and a second pass on the same
  // object: both identical to a fresh single-threaded run.
  const dsp::PskDemodConfig dc = demod_config(PskModulation::bpsk);
  const dsp::ParallelDemodConfig pc = small_segments(dc, 3);
  const test::IqPass pass = test::make_concatenated_pass(impaired_pass(PskModulation::bpsk, 5.0, 8, 710));
  const Demodulated ref = run_parallel(pass.iq, dc, pc);
  ASSERT_GE(ref.joins, 2u);
  dsp::ParallelPskDemodulator demod(dc, pc);
  // Half a pass, abandoned.
  demod.push(pass.iq.data(), pass.iq.size() / 2);
  demod.reset();
  EXPECT_EQ(demod.joins(), 0u);
  EXPECT_FALSE(demod.done());
  std::vector<dsp::soft_t> got;
  std::thread consumer([&] {
    std::vector<dsp::soft_t> buf(5000);
    for (size_t n; (n = demod.pull_wait(buf.data(), buf.size())) > 0;) got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  });
  for (size_t i = 0; i < pass.iq.size(); i += 30000) demod.push(pass.iq.data() + i, std::min<size_t>(30000, pass.iq.size() - i));
  demod.finish();
  consumer.join();
  EXPECT_TRUE(demod.done());
  EXPECT_EQ(got, ref.soft);
  EXPECT_THROW(demod.push(pass.iq.data(), 1), std::logic_error);
}

TEST(ParallelPskDemod, SegmentWithoutSignalIsAFailedJoinAndLaterFramesDecode) {
  // A fade in mid-pass: more than a whole segment (with its overlap) of noise only. The joins
  // into and out of it find no agreement; the next segment acquires anew and the decoder
  // re-locks on its phase.
  const PskModulation m = PskModulation::qpsk;
  const dsp::PskDemodConfig dc = demod_config(m);
  const dsp::ParallelDemodConfig pc = small_segments(dc);
  test::IqPass pass = test::make_concatenated_pass(impaired_pass(m, 4.0, frames_for(m, pc.segment_samples), 720));
  const size_t seg = pc.segment_samples, ov = dsp::ParallelPskDemodulator::automatic_overlap(dc);
  const size_t gap0 = 3 * seg - ov - 1000, gap1 = 4 * seg + 1000;  // segment 3 sees no signal
  // Noise of the channel's power at this Eb/N0.
  dsp::ChannelConfig cc;
  cc.samples_per_symbol = kSps;
  cc.bits_per_symbol = 2;
  cc.code_rate = test::kConcatInfoPerChannelBit;
  cc.ebn0_db = 4.0;
  std::normal_distribution<float> g(0.0f, static_cast<float>(std::sqrt(cc.noise_variance() / 2.0)));
  std::mt19937_64 rng(9);
  for (size_t i = gap0; i < gap1; ++i) pass.iq[i] = {g(rng), g(rng)};
  const Demodulated par = run_parallel(pass.iq, dc, pc);
  const Frames f = decode(par.soft, pass, true);
  // The reference: a single demodulator loses lock in the fade and re-acquires; after either,
  // the decoder keeps its old phase ambiguity until its frame sync declares loss of lock.
  const Frames fs = decode(run_single(pass.iq, dc).soft, pass, true);
  const double samples_per_bit = kSps / 2.0;
  size_t after = 0, after_good = 0, after_single = 0, before = 0, before_good = 0, tail_good = 0;
  for (size_t i = 0; i + 1 < pass.frames.size(); ++i) {
    const double first = pass.frame_first_bit[i] * samples_per_bit, end = pass.frame_first_bit[i + 1] * samples_per_bit;
    if (first > static_cast<double>(gap1)) {
      ++after;
      after_good += f.good[i];
      after_single += fs.good[i];
      tail_good += i + 12 >= pass.frames.size() && f.good[i];
    } else if (end < static_cast<double>(gap0) && first > 20000.0 * kSps) {
      ++before;
      before_good += f.good[i];
    }
  }
  std::printf("[noise segment] %llu joins, %llu failed; frames before the fade %zu/%zu, after %zu/%zu "
              "(single demodulator %zu/%zu)\n",
              static_cast<unsigned long long>(par.joins), static_cast<unsigned long long>(par.failed_joins),
              before_good, before, after_good, after, after_single, after);
  EXPECT_GE(par.failed_joins, 1u);
  EXPECT_LE(par.failed_joins, 2u);
  EXPECT_EQ(before_good, before);
  EXPECT_GE(after, 15u);
  EXPECT_GE(after_good, after_single);
  EXPECT_EQ(tail_good, 11u) << "the last frames, well after the fade";
  EXPECT_EQ(f.wrong, 0u);
}

TEST(ParallelPskDemod, NonFiniteSamplesCountedOnce) {
  // NaN/Inf in the overlaps are seen by two segments' demodulators but are one input sample each.
  const dsp::PskDemodConfig dc = demod_config(PskModulation::qpsk);
  const dsp::ParallelDemodConfig pc = small_segments(dc);
  test::IqPass pass = test::make_concatenated_pass(impaired_pass(PskModulation::qpsk, 6.0, 12, 730));
  const size_t seg = pc.segment_samples;
  size_t injected = 0;
  for (size_t j = 1; (j + 1) * seg < pass.iq.size(); ++j)
    for (size_t k = 1; k <= 3; ++k) {
      pass.iq[j * seg - 5000 * k] = {std::nanf(""), 0.0f};
      pass.iq[j * seg + 7 * k] = {0.0f, INFINITY};
      injected += 2;
    }
  const Demodulated par = run_parallel(pass.iq, dc, pc);
  const Demodulated single = run_single(pass.iq, dc);
  ASSERT_GE(par.joins, 2u);
  EXPECT_EQ(single.status.nonfinite_samples, injected);
  EXPECT_EQ(par.status.nonfinite_samples, injected);
  EXPECT_EQ(par.failed_joins, 0u);
  EXPECT_EQ(par.status.acquisitions, single.status.acquisitions);
}

TEST(ParallelPskDemod, RejectsBadConfigurationNamingTheField) {
  const dsp::PskDemodConfig dc = demod_config(PskModulation::qpsk);
  const size_t ov = dsp::ParallelPskDemodulator::automatic_overlap(dc);
  auto message = [&](const dsp::ParallelDemodConfig& pc, const dsp::PskDemodConfig& d) -> std::string {
    try {
      dsp::ParallelPskDemodulator demod(d, pc);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  dsp::ParallelDemodConfig pc;
  pc.threads = 0;
  EXPECT_NE(message(pc, dc).find("ParallelDemodConfig.threads must be in [1, 16]"), std::string::npos);
  pc.threads = 17;
  EXPECT_NE(message(pc, dc).find("ParallelDemodConfig.threads"), std::string::npos);
  pc = {};
  pc.segment_samples = 4 * ov - 1;
  EXPECT_NE(message(pc, dc).find("ParallelDemodConfig.segment_samples must be in [4 * overlap = " + std::to_string(4 * ov)),
            std::string::npos);
  pc.segment_samples = (size_t{1} << 28) + 1;
  EXPECT_NE(message(pc, dc).find("ParallelDemodConfig.segment_samples"), std::string::npos);
  pc = {};
  pc.overlap_samples = dsp::ParallelPskDemodulator::minimum_overlap(dc) - 1;
  EXPECT_NE(message(pc, dc).find("ParallelDemodConfig.overlap_samples must be 0 (automatic) or >= " +
                                 std::to_string(dsp::ParallelPskDemodulator::minimum_overlap(dc))),
            std::string::npos);
  pc.overlap_samples = dsp::ParallelPskDemodulator::minimum_overlap(dc);
  EXPECT_EQ(message(pc, dc), "");
  dsp::PskDemodConfig bad = dc;
  bad.samples_per_symbol = 1;
  EXPECT_NE(message({}, bad).find("PskDemodConfig.samples_per_symbol"), std::string::npos);
  // The automatic overlap covers acquisition (4096 symbols, whole chunks: 18432 samples at
  // 4 sps) plus at least 1024 symbols of settling and the join window.
  EXPECT_GE(ov, 18432u + (1024u + 1024u) * kSps);
  EXPECT_LT(ov, 18432u + 8000u * kSps);
  EXPECT_GE(ov, dsp::ParallelPskDemodulator::minimum_overlap(dc));
}
