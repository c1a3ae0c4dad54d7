// CLTU BCH(63,56) coding against the dariol83/ccsds vector and an independent polynomial division.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "sle/cltu.h"
#include "sle/credentials.h"
#include "test_data.h"

using namespace groundlink::sle;
namespace gt = groundlink::test;

namespace {
std::vector<uint8_t> vector_cltu() {
  const auto raw = gt::read_bytes("ccsds/cltu/cltu_bch_dariol83.txt");
  std::stringstream in(std::string(raw.begin(), raw.end()));
  std::string line, hex;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') hex = line;
  return hex_decode(hex);
}

// Reference: long division of the 63-bit polynomial m(x)·x^7 by g(x) = 0b11000101, bit by bit on an
// integer, then complement (CCSDS 231.0-B-4 §5.3.2).
uint8_t reference_parity(const uint8_t* info) {
  uint64_t m = 0;
  for (int i = 0; i < 7; ++i) m = (m << 8) | info[i];
  uint64_t v = m << 7;
  for (int bit = 62; bit >= 7; --bit)
    if (v >> bit & 1) v ^= uint64_t{0xC5} << (bit - 7);
  return static_cast<uint8_t>(((~v) & 0x7f) << 1);
}
}  // namespace

TEST(Cltu, PublishedVectorDecodesAndReencodes) {
  const auto cltu = vector_cltu();
  ASSERT_EQ(cltu.size(), 2u + 6 * 8 + 8);
  const auto r = cltu_decode(cltu.data(), cltu.size());
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.blocks, 6);
  EXPECT_EQ(r.corrected, 0);
  // The TC frame inside: length field (10 bits, frame length - 1) = 41.
  EXPECT_EQ(((r.data[2] & 0x03) << 8 | r.data[3]) + 1, 42);
  EXPECT_EQ(cltu_encode(r.data.data(), 42), cltu);
}

TEST(Cltu, ParityMatchesPolynomialDivision) {
  std::mt19937 rng(7);
  for (int t = 0; t < 5000; ++t) {
    uint8_t info[7];
    for (auto& b : info) b = static_cast<uint8_t>(rng());
    ASSERT_EQ(bch_parity(info), reference_parity(info));
  }
}

TEST(Cltu, FillAndSingleErrorCorrection) {
  const std::vector<uint8_t> frame = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  auto c = cltu_encode(frame.data(), frame.size());
  ASSERT_EQ(c.size(), 2u + 2 * 8 + 8);
  EXPECT_EQ(c[2 + 8 + 3], kCltuFill);
  for (int bit = 0; bit < 64; ++bit) {
    auto bad = c;
    bad[2 + 8 + bit / 8] ^= static_cast<uint8_t>(0x80 >> (bit % 8));
    EXPECT_FALSE(cltu_decode(bad.data(), bad.size()).ok) << bit;
    const auto fixed = cltu_decode(bad.data(), bad.size(), true);
    ASSERT_TRUE(fixed.ok) << bit;
    EXPECT_EQ(fixed.corrected, 1);
    EXPECT_EQ(std::vector<uint8_t>(fixed.data.begin(), fixed.data.begin() + 10), frame);
  }
  // Double errors are detected, never miscorrected into a valid block.
  auto dbl = c;
  dbl[2] ^= 0x81;
  EXPECT_FALSE(cltu_decode(dbl.data(), dbl.size(), true).ok);
  // Missing tail / bad start.
  EXPECT_FALSE(cltu_decode(c.data(), c.size() - 1).ok);
  c[0] = 0xEA;
  EXPECT_FALSE(cltu_decode(c.data(), c.size()).ok);
}
