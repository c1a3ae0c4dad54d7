// Demodulator sensitivity against theory: modulator -> channel simulator -> PskDemodulator,
// bit error rate compared with Q(sqrt(2 Eb/N0)) evaluated at Eb/N0 +/- a tolerance in dB.
#include <gtest/gtest.h>

#include <cstdio>

#include "demod_common.h"

namespace groundlink::dsp::test {
namespace {

void expect_ber_near_theory(const LinkResult& r, double ebn0_db, double tol_db, const char* what) {
  const double lo = ber_theory(ebn0_db + tol_db), hi = ber_theory(ebn0_db - tol_db);
  std::printf("[%s] Eb/N0 %.1f dB: BER %.3e (%zu/%zu), theory %.3e, band [%.3e, %.3e], "
              "est Eb/N0 %.2f dB, f %.5f, lock@%llu\n",
              what, ebn0_db, r.ber(), r.errors, r.bits, ber_theory(ebn0_db), lo, hi,
              r.status.ebn0_db, r.status.freq_offset,
              static_cast<unsigned long long>(r.status.lock_symbol));
  EXPECT_GT(r.bits, 10000u) << what;
  EXPECT_LE(r.ber(), hi) << what;
  EXPECT_GE(r.ber(), lo) << what;
}

TEST(DemodLink, BpskAwgnMatchesTheory) {
  for (double eb : {6.0, 8.0}) {
    LinkSetup s;
    s.modulation = PskModulation::bpsk;
    s.ebn0_db = eb;
    s.nbits = eb < 7 ? 200000 : 1000000;
    s.seed = 11;
    expect_ber_near_theory(run_link(s), eb, 0.3, "bpsk awgn");
  }
}

TEST(DemodLink, QpskAwgnMatchesTheory) {
  for (double eb : {6.0, 8.0}) {
    LinkSetup s;
    s.modulation = PskModulation::qpsk;
    s.ebn0_db = eb;
    s.nbits = eb < 7 ? 200000 : 1000000;
    s.seed = 12;
    expect_ber_near_theory(run_link(s), eb, 0.3, "qpsk awgn");
  }
}

LinkSetup impaired(PskModulation m, double eb) {
  LinkSetup s;
  s.modulation = m;
  s.ebn0_db = eb;
  s.freq_offset_rs = 0.01;
  // 10 kHz/s at 700 ksym/s, 4 sps: 1e4 / (2.8e6)^2 cycles/sample^2.
  s.doppler_rate = 1e4 / (2.8e6 * 2.8e6);
  s.phase = 0.5;
  s.timing_offset = 1.3;
  s.clock_ppm = 50.0;
  return s;
}

TEST(DemodLink, QpskImpairedWithinHalfDb) {
  for (double eb : {6.0, 8.0}) {
    LinkSetup s = impaired(PskModulation::qpsk, eb);
    s.nbits = eb < 7 ? 300000 : 1000000;
    s.seed = 21;
    const LinkResult r = run_link(s);
    EXPECT_TRUE(r.status.carrier_lock);
    EXPECT_TRUE(r.status.timing_lock);
    expect_ber_near_theory(r, eb, 0.5, "qpsk impaired");
  }
}

TEST(DemodLink, BpskImpairedWithinHalfDb) {
  LinkSetup s = impaired(PskModulation::bpsk, 6.0);
  s.nbits = 300000;
  s.seed = 22;
  const LinkResult r = run_link(s);
  EXPECT_TRUE(r.status.carrier_lock);
  expect_ber_near_theory(r, 6.0, 0.5, "bpsk impaired");
}

TEST(DemodLink, QpskImpairedLowSnrNoSlipsNearTheory) {
  // Es/N0 = 2 dB: the operating point of r=1/2 coded QPSK at Eb/N0 = 2 dB per information bit.
  LinkSetup s = impaired(PskModulation::qpsk, -1.0);
  s.nbits = 400000;
  s.seed = 3;
  const LinkResult r = run_link(s);
  EXPECT_TRUE(r.status.carrier_lock);
  expect_ber_near_theory(r, -1.0, 0.3, "qpsk impaired Es/N0 2 dB");
}

TEST(DemodLink, TinyProcessBlocksStream) {
  // 37-sample calls: chunking, buffer compaction and hand-over across many call boundaries.
  LinkSetup s = impaired(PskModulation::qpsk, 6.0);
  s.nbits = 100000;
  s.block = 37;
  s.seed = 25;
  const LinkResult r = run_link(s);
  EXPECT_TRUE(r.status.carrier_lock);
  expect_ber_near_theory(r, 6.0, 0.5, "qpsk 37-sample blocks");
}

TEST(DemodLink, OqpskWorks) {
  LinkSetup s = impaired(PskModulation::oqpsk, 6.0);
  s.nbits = 300000;
  s.seed = 23;
  const LinkResult r = run_link(s);
  EXPECT_TRUE(r.status.carrier_lock);
  expect_ber_near_theory(r, 6.0, 0.5, "oqpsk impaired");
}

}  // namespace
}  // namespace groundlink::dsp::test

namespace groundlink::dsp::test {
namespace {

TEST(DemodLink, QpskTracksLeoXBandDopplerRateAtLowSymbolRate) {
  // 10 kHz/s at 100 ksym/s (4 sps): 1e4 / (4e5)^2 cycles/sample^2; over the run the carrier walks
  // from 1% to about 11% of Rs, so the Costas loop must hand frequency over to the NCO.
  LinkSetup s = impaired(PskModulation::qpsk, 6.0);
  s.doppler_rate = 1e4 / (4e5 * 4e5);
  s.nbits = 200000;
  s.skip_bits = 20000;
  // The ramp is 6.3e-6 rad/symbol^2: a 3rd-order loop follows it without lag.
  s.demod.carrier_loop_order = 3;
  s.demod.carrier_loop_bw = 0.005;
  s.seed = 24;
  const LinkResult r = run_link(s);
  const double f_end = 0.01 / 4 + s.doppler_rate * (s.nbits / 2 * 4.0);
  std::printf("[qpsk doppler] final f est %.5f, channel %.5f cycles/sample\n", r.status.freq_offset,
              f_end);
  EXPECT_TRUE(r.status.carrier_lock);
  EXPECT_NEAR(r.status.freq_offset, f_end, 0.002);
  // The acquisition measures the ramp and starts the loops on it.
  EXPECT_NEAR(r.status.acq_rate, s.doppler_rate, 0.2 * s.doppler_rate);
  EXPECT_LT(r.status.lock_symbol, 8000u);
  expect_ber_near_theory(r, 6.0, 0.5, "qpsk doppler 10 kHz/s @100 ksym/s");
}

}  // namespace
}  // namespace groundlink::dsp::test

namespace groundlink::dsp::test {
namespace {

TEST(DemodLink, OtherSampleRatesAndRollOffs) {
  struct Case {
    PskModulation m;
    unsigned sps;
    double rolloff;
  };
  for (const Case& c : {Case{PskModulation::qpsk, 2, 0.35}, Case{PskModulation::qpsk, 8, 0.5},
                        Case{PskModulation::bpsk, 3, 0.5}, Case{PskModulation::oqpsk, 2, 0.5},
                        Case{PskModulation::qpsk, 3, 0.35}}) {
    LinkSetup s = impaired(c.m, 6.0);
    s.sps = c.sps;
    s.rolloff = c.rolloff;
    // Same physical Doppler ramp per symbol^2 as at 4 sps.
    s.doppler_rate *= 16.0 / (c.sps * c.sps);
    s.nbits = 200000;
    s.seed = 70 + c.sps;
    const LinkResult r = run_link(s);
    char what[64];
    std::snprintf(what, sizeof what, "%s sps %u alpha %.2f", to_string(c.m), c.sps, c.rolloff);
    EXPECT_TRUE(r.status.carrier_lock) << what;
    expect_ber_near_theory(r, 6.0, 0.5, what);
  }
}

}  // namespace
}  // namespace groundlink::dsp::test

namespace groundlink::dsp::test {
namespace {

TEST(DemodLink, SoftOutputIndependentOfHowTheStreamIsCut) {
  // Replaying a recording must give the same frames with the same ERTs, bit for bit, whatever
  // block sizes the scheduler hands the demodulator (GNU Radio's vary from run to run).
  std::vector<soft_t> ref;
  for (size_t block : {size_t{100000000}, size_t{8192}, size_t{4093}, size_t{1000}, size_t{37}}) {
    LinkSetup s = impaired(PskModulation::qpsk, 5.0);
    s.nbits = 60000;
    s.block = block;
    s.seed = 31;
    const LinkResult r = run_link(s);
    if (ref.empty()) {
      ref = r.soft;
      ASSERT_GT(ref.size(), 50000u);
      continue;
    }
    ASSERT_EQ(r.soft.size(), ref.size()) << "block " << block;
    size_t first_diff = ref.size();
    for (size_t i = 0; i < ref.size(); ++i)
      if (r.soft[i] != ref[i]) {
        first_diff = i;
        break;
      }
    EXPECT_EQ(first_diff, ref.size()) << "block " << block;
  }
}

}  // namespace
}  // namespace groundlink::dsp::test
