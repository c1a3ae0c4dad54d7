// CADU body -> transfer frame: real SNPP CADUs (randomized, RS I=4 dual, AOS), real AOS frames
// with FECF (Mars 2020, EMM Hope), the dariol83 TM dump, and false-sync blocks that must never
// come out good.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "dsp/randomizer.h"
#include "framing/frame_sync.h"
#include "framing/transfer_frame.h"
#include "framing_test_util.h"
#include "test_data.h"

using namespace groundlink;
using framing::Frame;
using framing::FrameFormat;
using framing::FrameQuality;
using framing::TransferFrameConfig;
using framing::TransferFrameDecoder;

namespace {

TransferFrameConfig snpp_config() {
  TransferFrameConfig c;
  c.format = FrameFormat::aos;
  c.frame_length = 892;
  c.derandomize = true;
  dsp::RsConfig rs;
  rs.e = 16;
  rs.interleave = 4;
  rs.dual_basis = true;
  c.rs = rs;
  return c;
}

std::vector<Frame> sync_and_decode(const std::vector<uint8_t>& cadus, TransferFrameDecoder& tfd) {
  framing::FrameSyncConfig sc;
  sc.block_bytes = tfd.block_length();
  framing::FrameSynchronizer sync(sc);
  std::vector<Frame> out;
  auto cb = [&](const framing::SyncedBlock& b) {
    Frame f;
    tfd.decode(b.data, b.size, f);
    f.symbol_index = b.symbol_index;
    out.push_back(std::move(f));
  };
  sync.process_packed(cadus.data(), cadus.size(), cb);
  sync.flush(cb);
  return out;
}

std::vector<std::vector<uint8_t>> hex_lines(const std::string& rel) {
  const auto raw = test::read_bytes(rel);
  std::vector<std::vector<uint8_t>> lines;
  std::string cur;
  for (char ch : raw) {
    if (ch == '\n') {
      auto v = test::parse_hex(cur);
      if (!v.empty()) lines.push_back(v);
      cur.clear();
    } else {
      cur.push_back(ch);
    }
  }
  auto v = test::parse_hex(cur);
  if (!v.empty()) lines.push_back(v);
  return lines;
}

}  // namespace

TEST(TransferFrame, SnppSyncDerandomizeRsAos) {
  const auto d = test::read_bytes("snpp/snpp_synchronized_cadus.dat");
  TransferFrameDecoder tfd(snpp_config());
  EXPECT_EQ(tfd.block_length(), 1020u);
  const auto frames = sync_and_decode(d, tfd);
  ASSERT_EQ(frames.size(), 65u);
  int gaps = 0;
  uint32_t missing = 0;
  for (const auto& f : frames) {
    EXPECT_EQ(f.quality, FrameQuality::good);
    EXPECT_TRUE(f.rs_ok);
    EXPECT_EQ(f.rs_corrected, 0);
    EXPECT_EQ(f.format, FrameFormat::aos);
    EXPECT_EQ(f.gvcid.tfvn, 1);
    EXPECT_EQ(f.gvcid.scid, 157);
    EXPECT_EQ(f.gvcid.vcid, 16);
    EXPECT_EQ(f.data.size(), 892u);
    if (!f.continuity_ok) {
      ++gaps;
      missing += f.frames_missing;
    }
  }
  EXPECT_EQ(frames.front().vc_frame_count, 9842876u);
  EXPECT_EQ(frames.back().vc_frame_count, 9842941u);
  EXPECT_EQ(gaps, 1);
  EXPECT_EQ(missing, 1u);
  EXPECT_EQ(tfd.stats().good, 65u);
  EXPECT_EQ(tfd.stats().gaps, 1u);
  EXPECT_EQ(tfd.stats().rs_corrected, 0u);
}

TEST(TransferFrame, Snpp7Cadus2Vcids) {
  const auto d = test::read_bytes("snpp/snpp_7cadus_2vcids.dat");
  TransferFrameDecoder tfd(snpp_config());
  const auto frames = sync_and_decode(d, tfd);
  ASSERT_EQ(frames.size(), 7u);
  std::map<int, int> per_vc;
  for (const auto& f : frames) {
    EXPECT_EQ(f.quality, FrameQuality::good);
    EXPECT_EQ(f.gvcid.scid, 157);
    ++per_vc[f.gvcid.vcid];
  }
  EXPECT_EQ(per_vc[16], 3);
  EXPECT_EQ(per_vc[6], 4);
  EXPECT_EQ(per_vc.size(), 2u);
  for (const auto& f : frames)
    if (f.gvcid.vcid == 16) {
      EXPECT_EQ(f.vc_frame_count, 9847470u);
      break;
    }
}

TEST(TransferFrame, RsCorrectsInjectedErrors) {
  auto d = test::read_bytes("snpp/snpp_synchronized_cadus.dat");
  std::mt19937 rng(8);
  // 10 byte errors per codeword of CADU 3 (I=4: 40 in the codeblock), header bytes included.
  for (int k = 0; k < 40; ++k) d[3 * 1024 + 4 + static_cast<size_t>(k) * 25] ^= static_cast<uint8_t>(1 + rng() % 255);
  TransferFrameDecoder tfd(snpp_config());
  const auto frames = sync_and_decode(d, tfd);
  ASSERT_EQ(frames.size(), 65u);
  EXPECT_EQ(frames[3].quality, FrameQuality::good);
  EXPECT_EQ(frames[3].rs_corrected, 40);
  EXPECT_EQ(frames[3].gvcid.scid, 157);
  EXPECT_EQ(tfd.stats().rs_corrected, 40u);
}

TEST(TransferFrame, FalseSyncBlocksAreNeverGood) {
  auto cfg = snpp_config();
  TransferFrameDecoder tfd(cfg);
  Frame f;
  // (a) Idle zeros on the channel read at a false sync position: derandomized, the block is the
  // randomizer sequence, which IS an RS codeword (all-zero syndromes) -- RS passes, header
  // (FF 48.. -> TFVN 3) must reject it.
  std::vector<uint8_t> zeros(1020, 0);
  tfd.decode(zeros.data(), zeros.size(), f);
  EXPECT_TRUE(f.rs_ok);
  EXPECT_EQ(f.rs_corrected, 0);
  EXPECT_NE(f.quality, FrameQuality::good);
  // (b) Real CADU not derandomized: RS passes again (linear code + codeword sequence), header
  // 0x6750 ^ 0xFF48 -> TFVN 2: rejected.
  const auto d = test::read_bytes("snpp/snpp_synchronized_cadus.dat");
  cfg.derandomize = false;
  TransferFrameDecoder raw(cfg);
  raw.decode(d.data() + 4, 1020, f);
  EXPECT_TRUE(f.rs_ok);
  EXPECT_NE(f.quality, FrameQuality::good);
  // (c) Blocks cut 1 bit / 1 byte / 8 bytes off the true ASM position.
  const auto bits = test::unpack_bits(d.data(), 2048);
  for (int off : {1, 7, 8, 64, -1, -8}) {
    std::vector<uint8_t> blk(1020);
    for (size_t i = 0; i < 1020 * 8; ++i) {
      const auto b = bits[static_cast<size_t>(32 + off) + i];
      blk[i / 8] = static_cast<uint8_t>(blk[i / 8] << 1 | b);
    }
    tfd.decode(blk.data(), blk.size(), f);
    EXPECT_NE(f.quality, FrameQuality::good) << off;
  }
  // (d) The same with a configured SCID that does not match.
  auto cfg2 = snpp_config();
  cfg2.scid = 158;
  TransferFrameDecoder other(cfg2);
  other.decode(d.data() + 4, 1020, f);
  EXPECT_TRUE(f.rs_ok);
  EXPECT_NE(f.quality, FrameQuality::good);
}

TEST(TransferFrame, RealAosFramesWithFecf) {
  struct Case { const char* file; size_t len; size_t n; size_t good; int scid; };
  for (const Case& c : {Case{"ccsds/real_aos_frames_fecf/mars2020_frames_1115B.u8", 1115, 950, 946, 168},
                        Case{"ccsds/real_aos_frames_fecf/emm_hope_frames_223B.u8", 223, 553, 553, 242}}) {
    TransferFrameConfig cfg;
    cfg.format = FrameFormat::aos;
    cfg.frame_length = c.len;
    cfg.derandomize = false;
    cfg.fecf = true;
    TransferFrameDecoder tfd(cfg);
    const auto d = test::read_bytes(c.file);
    ASSERT_EQ(d.size(), c.len * c.n);
    std::map<int, int> vc;
    Frame f;
    size_t good = 0;
    for (size_t i = 0; i < c.n; ++i) {
      tfd.decode(d.data() + i * c.len, c.len, f);
      if (f.quality == FrameQuality::good) {
        ++good;
        EXPECT_EQ(f.gvcid.tfvn, 1);
        EXPECT_EQ(f.gvcid.scid, c.scid);
        ++vc[f.gvcid.vcid];
      }
      EXPECT_EQ(f.quality == FrameQuality::good, f.fecf_ok);
    }
    EXPECT_EQ(good, c.good) << c.file;
    if (c.scid == 242) {
      EXPECT_EQ(vc[0], 534);
      EXPECT_EQ(vc[62], 19);
    } else {
      EXPECT_EQ(vc[0], 946);
    }
  }
}

TEST(TransferFrame, Dariol83TmDumpAndRsMiscorrectionCaution) {
  const auto lines = hex_lines("ccsds/synthetic_frame_dumps/dariol83_dumpFile_tm_1.hex");
  ASSERT_EQ(lines.size(), 152u);
  std::vector<uint8_t> cadus;
  for (const auto& l : lines) cadus.insert(cadus.end(), l.begin(), l.end());
  // ASM + 1275-byte TM frames, not randomized, no RS, no FECF.
  TransferFrameConfig cfg;
  cfg.format = FrameFormat::tm;
  cfg.frame_length = 1275;
  cfg.derandomize = false;
  TransferFrameDecoder tfd(cfg);
  const auto frames = sync_and_decode(cadus, tfd);
  ASSERT_EQ(frames.size(), 152u);
  std::map<int, int> vc;
  for (size_t i = 0; i < frames.size(); ++i) {
    const auto& f = frames[i];
    EXPECT_EQ(f.quality, FrameQuality::good) << i;
    EXPECT_EQ(f.gvcid.tfvn, 0);
    EXPECT_EQ(f.gvcid.scid, 0x7B);
    EXPECT_EQ(f.mc_frame_count, i % 256) << i;
    EXPECT_TRUE(f.ocf_present);
    EXPECT_TRUE(std::equal(f.data.begin(), f.data.end(), lines[i].begin() + 4)) << i;
    ++vc[f.gvcid.vcid];
  }
  EXPECT_EQ(tfd.stats().gaps, 0u);

  // The same bytes treated as RS(255,223) I=5 codeblocks: the mostly-zero codewords lie within
  // 16 symbols of the zero codeword, so a bounded-distance decoder may "correct" them (gr-satellites
  // does for 30/152). None may come out as a good frame.
  TransferFrameConfig rcfg = cfg;
  rcfg.frame_length = 1115;
  dsp::RsConfig rs;
  rs.interleave = 5;
  rcfg.rs = rs;
  TransferFrameDecoder rsd(rcfg);
  Frame f;
  size_t rs_ok = 0;
  for (const auto& l : lines) {
    rsd.decode(l.data() + 4, 1275, f);
    rs_ok += f.rs_ok;
    EXPECT_NE(f.quality, FrameQuality::good);
  }
  RecordProperty("rs_decoded_of_152", static_cast<int>(rs_ok));
}

TEST(TransferFrame, TmContinuityAndOcf) {
  std::mt19937 rng(2);
  TransferFrameConfig cfg;
  cfg.format = FrameFormat::tm;
  cfg.frame_length = 223;
  cfg.derandomize = false;
  cfg.fecf = true;
  cfg.scid = 0x155;
  TransferFrameDecoder tfd(cfg);
  Frame f;
  // VC 1: counts 250..255, 0, 1 then a gap of 3 (5); VC 2 interleaved, continuous.
  const int vc1[] = {250, 251, 252, 253, 254, 255, 0, 1, 5, 6};
  for (int i = 0; i < 10; ++i) {
    auto a = test::make_tm_frame(rng, 223, 0x155, 1, static_cast<uint8_t>(2 * i), static_cast<uint8_t>(vc1[i]), true);
    tfd.decode(a.data(), a.size(), f);
    EXPECT_EQ(f.quality, FrameQuality::good);
    EXPECT_EQ(f.continuity_ok, i != 8) << i;
    if (i == 8) {
      EXPECT_EQ(f.frames_missing, 3u);
    }
    auto b = test::make_tm_frame(rng, 223, 0x155, 2, static_cast<uint8_t>(2 * i + 1), static_cast<uint8_t>(i), true);
    tfd.decode(b.data(), b.size(), f);
    EXPECT_TRUE(f.continuity_ok);
  }
  EXPECT_EQ(tfd.stats().gaps, 1u);
  // OCF flag set: the 4 bytes before the FECF.
  auto o = test::make_tm_frame(rng, 223, 0x155, 3, 0, 0, false);
  o[1] |= 1;
  o[217] = 0x01; o[218] = 0x02; o[219] = 0x03; o[220] = 0x04;
  const uint16_t c = dsp::crc16_ccitt(o.data(), 221);
  o[221] = static_cast<uint8_t>(c >> 8);
  o[222] = static_cast<uint8_t>(c);
  tfd.decode(o.data(), o.size(), f);
  EXPECT_EQ(f.quality, FrameQuality::good);
  EXPECT_TRUE(f.ocf_present);
  EXPECT_EQ(f.ocf, 0x01020304u);
  // A flipped bit breaks the FECF; a wrong SCID breaks the header check.
  o[100] ^= 0x10;
  tfd.decode(o.data(), o.size(), f);
  EXPECT_EQ(f.quality, FrameQuality::erred);
  EXPECT_FALSE(f.fecf_ok);
  auto w = test::make_tm_frame(rng, 223, 0x156, 1, 0, 7, true);
  tfd.decode(w.data(), w.size(), f);
  EXPECT_EQ(f.quality, FrameQuality::erred);
}

TEST(TransferFrame, ConfigValidation) {
  TransferFrameConfig c = snpp_config();
  c.frame_length = 891;
  EXPECT_THROW(TransferFrameDecoder{c}, std::invalid_argument);
  c = {};
  c.scid = 2000;
  EXPECT_THROW(TransferFrameDecoder{c}, std::invalid_argument);
  c = {};
  c.frame_length = 4000;  // TM frames are at most 2048 bytes
  EXPECT_THROW(TransferFrameDecoder{c}, std::invalid_argument);
}
