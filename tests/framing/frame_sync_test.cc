// Frame synchroniser: real SNPP CADUs on hard bits, and synthesized noisy soft streams with a
// corrupted ASM (flywheel), bit slips, polarity inversion, arbitrary chunking and end of input.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "dsp/randomizer.h"
#include "framing/frame_sync.h"
#include "framing_test_util.h"
#include "test_data.h"

using namespace groundlink;
using framing::FrameSyncConfig;
using framing::FrameSynchronizer;
using framing::SyncedBlock;
using framing::SyncState;

namespace {

struct Got {
  std::vector<uint8_t> data;
  uint64_t index;
  int errors;
  bool inverted;
  SyncState state;
  int slip;
};

framing::BlockCallback collect(std::vector<Got>& out) {
  return [&out](const SyncedBlock& b) {
    out.push_back({std::vector<uint8_t>(b.data, b.data + b.size), b.symbol_index, b.asm_errors,
                   b.inverted, b.state, b.slip});
  };
}

const uint8_t kAsm[4] = {0x1A, 0xCF, 0xFC, 0x1D};

}  // namespace

TEST(FrameSync, SnppCadusHardBitsAnyChunking) {
  const auto d = test::read_bytes("snpp/snpp_synchronized_cadus.dat");
  ASSERT_EQ(d.size(), 65u * 1024);
  FrameSyncConfig cfg;
  cfg.block_bytes = 1020;
  for (int mode = 0; mode < 3; ++mode) {
    FrameSynchronizer sync(cfg);
    std::vector<Got> got;
    auto cb = collect(got);
    if (mode == 0) {
      sync.process_packed(d.data(), d.size(), cb);
    } else if (mode == 1) {
      const auto bits = test::unpack_bits(d.data(), d.size());
      std::mt19937 rng(5);
      for (size_t pos = 0; pos < bits.size();) {
        const size_t m = std::min<size_t>(bits.size() - pos, 1 + rng() % 20000);
        sync.process_bits(bits.data() + pos, m, cb);
        pos += m;
      }
    } else {
      for (size_t i = 0; i < d.size(); ++i) sync.process_packed(d.data() + i, 1, cb);
    }
    sync.flush(cb);
    ASSERT_EQ(got.size(), 65u) << mode;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].index, i * 1024 * 8 + 31) << i;
      EXPECT_EQ(got[i].errors, 0);
      EXPECT_FALSE(got[i].inverted);
      EXPECT_TRUE(std::equal(got[i].data.begin(), got[i].data.end(), d.begin() + i * 1024 + 4)) << i;
    }
    EXPECT_EQ(got[0].state, SyncState::search);
    EXPECT_EQ(got[1].state, SyncState::lock);  // confirm_frames = 1
    EXPECT_EQ(got.back().state, SyncState::lock);
    EXPECT_EQ(sync.stats().locks, 1u);
    EXPECT_EQ(sync.stats().sync_losses, 0u);
  }
}

namespace {

// A randomized CADU stream: garbage, then n CADUs of (ASM + randomized TM frame).
struct Stream {
  std::vector<std::vector<uint8_t>> frames;
  std::vector<uint8_t> bits;
  std::vector<size_t> asm_start;  ///< bit index of each ASM in bits
};

Stream make_stream(std::mt19937& rng, size_t n, size_t len, size_t lead_bits) {
  Stream s;
  for (size_t i = 0; i < lead_bits; ++i) s.bits.push_back(rng() & 1);
  for (size_t i = 0; i < n; ++i) {
    auto f = test::make_tm_frame(rng, len, 0x2A5, 1, static_cast<uint8_t>(i), static_cast<uint8_t>(i), true);
    s.frames.push_back(f);
    dsp::ccsds_randomize(f.data(), f.size());
    s.asm_start.push_back(s.bits.size());
    test::append_bits(s.bits, kAsm, 4);
    test::append_bits(s.bits, f.data(), f.size());
  }
  return s;
}

std::vector<uint8_t> derand(std::vector<uint8_t> v) {
  dsp::ccsds_randomize(v.data(), v.size());
  return v;
}

}  // namespace

TEST(FrameSync, NoisySoftStreamFlywheelSlipAndFlush) {
  std::mt19937 rng(1234);
  const size_t len = 1115;
  Stream s = make_stream(rng, 60, len, 12345);
  // Corrupt the whole ASM of frame 10: only the flywheel can recover that frame.
  for (size_t k = 0; k < 32; k += 2) s.bits[s.asm_start[10] + k] ^= 1;
  // Bit slips: drop one bit inside frame 20, insert one inside frame 40 (grid moves -1, +1).
  s.bits.erase(s.bits.begin() + static_cast<long>(s.asm_start[20] + 32 + 5000));
  s.bits.insert(s.bits.begin() + static_cast<long>(s.asm_start[40] - 1 + 32 + 7000), 1);
  // Soft symbols with AWGN (sigma 0.27 -> hard BER ~1e-4: about one error per frame).
  auto soft = test::to_soft(s.bits, 0.27, 60.0, rng);

  FrameSyncConfig cfg;
  cfg.block_bytes = len;
  FrameSynchronizer sync(cfg);
  std::vector<Got> got;
  auto cb = collect(got);
  for (size_t pos = 0; pos < soft.size();) {
    const size_t m = std::min<size_t>(soft.size() - pos, 1 + rng() % 30000);
    sync.process(soft.data() + pos, m, cb);
    pos += m;
  }
  sync.flush(cb);
  ASSERT_EQ(got.size(), 60u);  // incl. the last frame, complete at the very end of input
  EXPECT_EQ(got[10].state, SyncState::flywheel);
  EXPECT_EQ(sync.stats().flywheel_blocks, 1u);
  EXPECT_EQ(sync.stats().slips, 2u);
  EXPECT_EQ(got[21].slip, -1);
  EXPECT_EQ(got[41].slip, 1);
  EXPECT_EQ(sync.stats().sync_losses, 0u);
  size_t clean = 0;
  for (size_t i = 0; i < 60; ++i) {
    if (i == 20 || i == 40) continue;  // the slipped frames themselves are damaged
    // Count bit differences: only the AWGN errors remain.
    const auto f = derand(got[i].data);
    int diff = 0;
    for (size_t k = 0; k < len; ++k) diff += __builtin_popcount(f[k] ^ s.frames[i][k]);
    EXPECT_LT(diff, 20) << i;
    clean += diff == 0;
  }
  EXPECT_GT(clean, 5u);
  EXPECT_EQ(got[0].index, 12345u + 31);
}

TEST(FrameSync, LargeSlipMovesLockToTheNewGridWithinOneFrame) {
  // Samples lost in an SDR overflow: 3001 bits vanish inside frame 15 (far beyond bit_slip).
  // Flywheel alone would cut flywheel_frames blocks on the old grid and then search again;
  // the synchroniser must find the new grid at the first miss, confirm it one period later,
  // and deliver every frame after the one the gap cut.
  std::mt19937 rng(77);
  const size_t len = 1115;
  Stream s = make_stream(rng, 30, len, 0);
  const size_t cut = s.asm_start[15] + 32 + 4000;
  s.bits.erase(s.bits.begin() + static_cast<long>(cut), s.bits.begin() + static_cast<long>(cut + 3001));
  auto soft = test::to_soft(s.bits, 0.27, 60.0, rng);
  for (size_t block : {size_t{1000000}, size_t{4096}, size_t{333}}) {
    FrameSyncConfig cfg;
    cfg.block_bytes = len;
    FrameSynchronizer sync(cfg);
    std::vector<Got> got;
    auto cb = collect(got);
    for (size_t pos = 0; pos < soft.size(); pos += block)
      sync.process(soft.data() + pos, std::min(block, soft.size() - pos), cb);
    sync.flush(cb);
    EXPECT_EQ(sync.stats().regrids, 1u) << block;
    EXPECT_EQ(sync.stats().sync_losses, 0u) << block;
    // Every frame except the cut one (15) arrives intact, in order, exactly once.
    std::vector<int> found;
    for (const auto& g : got) {
      const auto f = derand(g.data);
      for (size_t i = 0; i < 30; ++i) {
        int diff = 0;
        for (size_t k = 0; k < len; ++k) diff += __builtin_popcount(f[k] ^ s.frames[i][k]);
        if (diff < 20) found.push_back(static_cast<int>(i));
      }
    }
    std::vector<int> want;
    for (int i = 0; i < 30; ++i)
      if (i != 15) want.push_back(i);
    EXPECT_EQ(found, want) << block;
  }
}

TEST(FrameSync, OffGridFalseAsmDoesNotMoveALockedGrid) {
  // One corrupted ASM (a flywheel frame) while the data after it holds an ASM-like pattern:
  // the old grid's next ASM is there again, so lock stays where it was.
  std::mt19937 rng(78);
  const size_t len = 1115;
  Stream s = make_stream(rng, 12, len, 0);
  for (size_t k = 0; k < 32; k += 2) s.bits[s.asm_start[6] + k] ^= 1;
  static const uint8_t kAsm[4] = {0x1A, 0xCF, 0xFC, 0x1D};
  const size_t fake = s.asm_start[5] + 32 + 3000;
  for (size_t k = 0; k < 32; ++k) s.bits[fake + k] = kAsm[k / 8] >> (7 - k % 8) & 1;
  auto soft = test::to_soft(s.bits, 0.0, 60.0, rng);
  FrameSyncConfig cfg;
  cfg.block_bytes = len;
  FrameSynchronizer sync(cfg);
  std::vector<Got> got;
  sync.process(soft.data(), soft.size(), collect(got));
  sync.flush(collect(got));
  ASSERT_EQ(got.size(), 12u);
  EXPECT_EQ(sync.stats().regrids, 0u);
  EXPECT_EQ(got[6].state, SyncState::flywheel);
  for (size_t i = 7; i < 12; ++i) EXPECT_EQ(got[i].index, s.asm_start[i] + 31) << i;
}

TEST(FrameSync, InvertedPolarityAndPolarityFlipMidStream) {
  std::mt19937 rng(99);
  const size_t len = 223;
  Stream s = make_stream(rng, 40, len, 777);
  // Whole stream inverted from the start, then a 180-degree phase slip before frame 20 makes
  // it upright again: lock is lost after the flywheel and regained with the other polarity.
  for (size_t i = 0; i < s.asm_start[20]; ++i) s.bits[i] ^= 1;
  auto soft = test::to_soft(s.bits, 0.2, 50.0, rng);
  FrameSyncConfig cfg;
  cfg.block_bytes = len;
  cfg.flywheel_frames = 2;
  FrameSynchronizer sync(cfg);
  std::vector<Got> got;
  sync.process(soft.data(), soft.size(), collect(got));
  ASSERT_GE(got.size(), 22u);
  for (size_t i = 0; i < 20; ++i) {
    EXPECT_TRUE(got[i].inverted) << i;
    EXPECT_EQ(derand(got[i].data), s.frames[i]) << i;
  }
  // ASMs 20 and 21 miss (wrong polarity): flywheel blocks; the third miss loses lock and the
  // search, restarting at the expected position of ASM 22, acquires it upright.
  EXPECT_EQ(got[20].state, SyncState::flywheel);
  EXPECT_EQ(got[21].state, SyncState::flywheel);
  EXPECT_EQ(sync.stats().sync_losses, 1u);
  EXPECT_EQ(sync.stats().inverted_acquisitions, 1u);
  ASSERT_EQ(got.size(), 22u + 18u);
  for (size_t i = 22; i < got.size(); ++i) {
    EXPECT_FALSE(got[i].inverted) << i;
    EXPECT_EQ(derand(got[i].data), s.frames[i]) << i;
  }
}

TEST(FrameSync, FalseCandidateIsRescanned) {
  // A stray ASM pattern one block length minus 100 bits before the true first ASM: the
  // candidate fails its check and the search resumes just after it, finding the real stream.
  std::mt19937 rng(4);
  const size_t len = 300;
  Stream s = make_stream(rng, 10, len, 4000);
  std::vector<uint8_t> fake;
  test::append_bits(fake, kAsm, 4);
  std::copy(fake.begin(), fake.end(), s.bits.begin() + 4000 - 2400 - 100);
  FrameSyncConfig cfg;
  cfg.block_bytes = len;
  FrameSynchronizer sync(cfg);
  std::vector<Got> got;
  sync.process_bits(s.bits.data(), s.bits.size(), collect(got));
  ASSERT_EQ(got.size(), 11u);
  EXPECT_EQ(got[0].state, SyncState::search);
  EXPECT_EQ(sync.stats().false_starts, 1u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(derand(got[i + 1].data), s.frames[i]) << i;
}

TEST(FrameSync, ConfigValidation) {
  FrameSyncConfig c;
  c.block_bytes = 0;
  EXPECT_THROW(FrameSynchronizer{c}, std::invalid_argument);
  c = {};
  c.lock_max_errors = 1;  // below search_max_errors
  EXPECT_THROW(FrameSynchronizer{c}, std::invalid_argument);
  c = {};
  c.bit_slip = 9;
  EXPECT_THROW(FrameSynchronizer{c}, std::invalid_argument);
}

TEST(FrameSync, BlockBytesAreHardDecisionsOfAnySoftValue) {
  // Every soft value, erasures and +-1 included, must pack as (soft > 0), polarity applied.
  std::mt19937 rng(21);
  const size_t len = 64;
  for (bool inv : {false, true}) {
    std::vector<dsp::soft_t> soft;
    std::vector<std::vector<uint8_t>> expect;
    for (int f = 0; f < 5; ++f) {
      for (int k = 0; k < 32; ++k) {
        const bool bit = ((0x1ACFFC1Du >> (31 - k)) & 1) != inv;
        soft.push_back(bit ? 90 : -90);
      }
      std::vector<uint8_t> bytes(len, 0);
      for (size_t i = 0; i < len * 8; ++i) {
        const auto v = static_cast<dsp::soft_t>(static_cast<int>(rng() % 255) - 127);
        soft.push_back(v);
        const unsigned bit = (v > 0) != inv;
        bytes[i / 8] = static_cast<uint8_t>(bytes[i / 8] | bit << (7 - i % 8));
      }
      expect.push_back(bytes);
    }
    FrameSyncConfig cfg;
    cfg.block_bytes = len;
    FrameSynchronizer sync(cfg);
    std::vector<Got> got;
    sync.process(soft.data(), soft.size(), collect(got));
    ASSERT_EQ(got.size(), 5u);
    for (size_t f = 0; f < 5; ++f) {
      EXPECT_EQ(got[f].data, expect[f]) << f;
      EXPECT_EQ(got[f].inverted, inv);
    }
  }
}
