// NRZ-M <-> NRZ-L (differential) coding: known sequence, round trips, streaming, soft.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "dsp/nrz.h"

using namespace groundlink;

TEST(Nrz, KnownSequence) {
  // NRZ-M: a "1" toggles the level, a "0" keeps it; the level starts at 0.
  const std::vector<uint8_t> bits = {1, 0, 1, 1, 0, 0, 1, 0, 1, 1};
  const std::vector<uint8_t> levels = {1, 1, 0, 1, 1, 1, 0, 0, 1, 0};
  std::vector<uint8_t> l(bits.size()), b(bits.size());
  dsp::NrzmEncoder enc;
  enc.process(bits.data(), bits.size(), l.data());
  EXPECT_EQ(l, levels);
  dsp::NrzmDecoder dec;
  dec.process(levels.data(), levels.size(), b.data());
  EXPECT_EQ(b, bits);
}

TEST(Nrz, RoundTripStreamingPackedSoftAndInversion) {
  std::mt19937 rng(11);
  std::vector<uint8_t> bits(4000);
  for (auto& x : bits) x = rng() & 1;
  std::vector<uint8_t> lev(bits.size()), back(bits.size());
  dsp::NrzmEncoder enc;
  enc.process(bits.data(), 1234, lev.data());
  enc.process(bits.data() + 1234, bits.size() - 1234, lev.data() + 1234);
  dsp::NrzmDecoder dec;
  dec.process(lev.data(), 17, back.data());
  dec.process(lev.data() + 17, lev.size() - 17, back.data() + 17);
  EXPECT_EQ(back, bits);

  // Inverted levels (180-degree ambiguity) decode to the same bits except the first.
  std::vector<uint8_t> inv(lev.size()), back2(bits.size());
  for (size_t i = 0; i < lev.size(); ++i) inv[i] = lev[i] ^ 1;
  dsp::NrzmDecoder dec2;
  dec2.process(inv.data(), inv.size(), back2.data());
  EXPECT_NE(back2[0], bits[0]);
  EXPECT_TRUE(std::equal(back2.begin() + 1, back2.end(), bits.begin() + 1));

  // Packed bytes, MSB first.
  std::vector<uint8_t> lp(bits.size() / 8), bp(bits.size() / 8);
  for (size_t i = 0; i < lp.size(); ++i)
    for (int k = 0; k < 8; ++k) lp[i] = static_cast<uint8_t>(lp[i] << 1 | lev[i * 8 + k]);
  dsp::NrzmDecoder dec3;
  dec3.process_packed(lp.data(), 100, bp.data());
  dec3.process_packed(lp.data() + 100, lp.size() - 100, bp.data() + 100);
  for (size_t i = 0; i < bits.size(); ++i) ASSERT_EQ(bp[i / 8] >> (7 - i % 8) & 1, bits[i]) << i;

  // Soft: signs follow the hard decisions, magnitude = the weaker of the two levels.
  std::vector<dsp::soft_t> sl(bits.size()), sb(bits.size());
  for (size_t i = 0; i < bits.size(); ++i)
    sl[i] = static_cast<dsp::soft_t>((lev[i] ? 1 : -1) * static_cast<int>(1 + rng() % 127));
  dsp::NrzmDecoder dec4;
  dec4.process_soft(sl.data(), sl.size(), sb.data());
  for (size_t i = 0; i < bits.size(); ++i) {
    ASSERT_EQ(dsp::hard_bit(sb[i]), bits[i]) << i;
    if (i > 0) {
      ASSERT_EQ(std::abs(sb[i]), std::min(std::abs(sl[i]), std::abs(sl[i - 1]))) << i;
    }
  }
}
