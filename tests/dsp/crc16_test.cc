// CRC-16-CCITT (FECF, CCSDS 132.0-B-3 §4.1.6) against published vectors and real frames.
#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "dsp/crc16.h"
#include "test_data.h"

using namespace groundlink;

TEST(Crc16, PublishedVectors) {
  const auto raw = test::read_bytes("ccsds/crc/crc16_ccitt_vectors.txt");
  std::istringstream in(std::string(raw.begin(), raw.end()));
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string data_hex, crc_hex;
    ls >> data_hex >> crc_hex;
    const auto data = test::parse_hex(data_hex);
    const auto expect = static_cast<uint16_t>(std::stoul(crc_hex, nullptr, 16));
    EXPECT_EQ(dsp::crc16_ccitt(data.data(), data.size()), expect) << line;
    EXPECT_EQ(dsp::crc16_ccitt_bitwise(data.data(), data.size()), expect) << line;
    ++n;
  }
  EXPECT_EQ(n, 2);
}

TEST(Crc16, SlicingEqualsBitwiseAndChains) {
  std::mt19937 rng(3);
  for (size_t len : {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 223u, 1113u}) {
    std::vector<uint8_t> d(len);
    for (auto& b : d) b = static_cast<uint8_t>(rng());
    const uint16_t a = dsp::crc16_ccitt(d.data(), d.size());
    EXPECT_EQ(a, dsp::crc16_ccitt_bitwise(d.data(), d.size())) << len;
    const size_t h = len / 3;
    EXPECT_EQ(a, dsp::crc16_ccitt(d.data() + h, len - h, dsp::crc16_ccitt(d.data(), h))) << len;
  }
}

TEST(Crc16, RealAosFramesFecf) {
  struct Case { const char* file; size_t len; size_t frames; size_t ok; };
  for (const Case& c : {Case{"ccsds/real_aos_frames_fecf/mars2020_frames_1115B.u8", 1115, 950, 946},
                        Case{"ccsds/real_aos_frames_fecf/emm_hope_frames_223B.u8", 223, 553, 553},
                        Case{"ccsds/real_aos_frames_fecf/mars2020_safemode_frames_223B.u8", 223, 4, 3}}) {
    const auto d = test::read_bytes(c.file);
    ASSERT_EQ(d.size(), c.len * c.frames) << c.file;
    size_t ok = 0;
    for (size_t i = 0; i < c.frames; ++i) ok += dsp::fecf_ok(d.data() + i * c.len, c.len);
    EXPECT_EQ(ok, c.ok) << c.file;
  }
}
