// ASM correlator (CCSDS 131.0-B-4 §9.3): correlation, hard errors, polarity, lengths.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "framing/asm_correlator.h"

using namespace groundlink;
using framing::AsmCorrelator;
using framing::AsmConfig;

namespace {
std::vector<dsp::soft_t> marker_soft(uint64_t m, int len, bool invert) {
  std::vector<dsp::soft_t> s(static_cast<size_t>(len));
  for (int i = 0; i < len; ++i) {
    const bool bit = (m >> (len - 1 - i) & 1) != invert;
    s[static_cast<size_t>(i)] = bit ? dsp::kSoftOne : dsp::kSoftZero;
  }
  return s;
}
}  // namespace

TEST(AsmCorrelator, DefaultMarkerPolarityAndErrors) {
  AsmCorrelator c;
  EXPECT_EQ(c.length(), 32);
  auto s = marker_soft(0x1ACFFC1D, 32, false);
  auto m = c.match(s.data());
  EXPECT_EQ(m.correlation, 32 * 127);
  EXPECT_EQ(m.errors, 0);
  EXPECT_FALSE(m.inverted);
  s[0] = -s[0];
  s[9] = -s[9];
  s[31] = 5;  // weak but still right: 0x1D ends in 1
  m = c.match(s.data());
  EXPECT_EQ(m.errors, 2);
  EXPECT_EQ(m.correlation, 32 * 127 - 4 * 127 - 122);
  auto inv = marker_soft(0x1ACFFC1D, 32, true);
  m = c.match(inv.data());
  EXPECT_TRUE(m.inverted);
  EXPECT_EQ(m.errors, 0);
  EXPECT_EQ(m.correlation, -32 * 127);
  EXPECT_EQ(c.bit_errors(inv.data(), false), 32);
  EXPECT_EQ(c.word_errors(0x1ACFFC1D), 0);
  EXPECT_EQ(c.word_errors(~uint64_t{0x1ACFFC1D}, true), 0);
  // Erasures (0) count as hard zeros and contribute nothing to the correlation.
  std::vector<dsp::soft_t> z(32, 0);
  EXPECT_EQ(c.correlate(z.data()), 0);
}

TEST(AsmCorrelator, LongMarkerAndValidation) {
  // The 64-bit ASM of CCSDS 131.0-B-4 §9.3.3 (rate-1/2 turbo): 034776C7272895B0.
  AsmConfig cfg{0x034776C7272895B0ULL, 64};
  AsmCorrelator c(cfg);
  auto s = marker_soft(cfg.marker, 64, false);
  EXPECT_EQ(c.match(s.data()).errors, 0);
  EXPECT_EQ(c.correlate(s.data()), 64 * 127);
  EXPECT_THROW(AsmCorrelator(AsmConfig{0x1ACFFC1D, 4}), std::invalid_argument);
  EXPECT_THROW(AsmCorrelator(AsmConfig{0x1ACFFC1D, 16}), std::invalid_argument);
}
