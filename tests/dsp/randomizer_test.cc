// CCSDS 131.0-B-4 §10.4 randomizer against the published 255-byte sequence (tests/data/ccsds).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "dsp/randomizer.h"
#include "test_data.h"

using namespace groundlink;

TEST(Randomizer, SequenceMatchesReferenceFile) {
  const auto ref = test::read_bytes("ccsds/ccsds_randomizer_255.bin");
  ASSERT_EQ(ref.size(), 255u);
  const auto& seq = dsp::ccsds_randomizer_sequence();
  EXPECT_TRUE(std::equal(seq.begin(), seq.end(), ref.begin()));
  // Applying it to zeros yields the sequence, periodic with 255 bytes.
  std::vector<uint8_t> z(1275, 0);
  dsp::ccsds_randomize(z.data(), z.size());
  for (size_t i = 0; i < z.size(); ++i) ASSERT_EQ(z[i], ref[i % 255]) << i;
}

TEST(Randomizer, HexFileAgrees) {
  const auto txt = test::read_bytes("ccsds/ccsds_randomizer_255.hex");
  const auto hex = test::parse_hex(std::string(txt.begin(), txt.end()));
  ASSERT_GE(hex.size(), 255u);
  const auto& seq = dsp::ccsds_randomizer_sequence();
  EXPECT_TRUE(std::equal(seq.begin(), seq.end(), hex.begin()));
}

TEST(Randomizer, InvolutionAndOffset) {
  std::mt19937 rng(7);
  std::vector<uint8_t> d(3000);
  for (auto& b : d) b = static_cast<uint8_t>(rng());
  auto r = d;
  dsp::ccsds_randomize(r.data(), r.size());
  EXPECT_NE(r, d);
  // Streaming in odd pieces with the running offset equals one call.
  auto s = d;
  size_t pos = 0;
  for (size_t piece : {1u, 254u, 300u, 7u, 1000u}) {
    dsp::ccsds_randomize(s.data() + pos, piece, pos);
    pos += piece;
  }
  dsp::ccsds_randomize(s.data() + pos, s.size() - pos, pos);
  EXPECT_EQ(s, r);
  dsp::ccsds_randomize(r.data(), r.size());
  EXPECT_EQ(r, d);
}
