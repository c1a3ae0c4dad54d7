// CCSDS 131.0-B-4 §4 Reed-Solomon codec against independent references: published codeblocks
// (dariol83/ccsds), real SNPP CADUs, the CCSDS randomizer sequence, libfec (Phil Karn's encoder and
// decoder, a second implementation run in the same test) and the scalar reference for the SIMD
// syndrome kernels.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
#include <fec.h>
}

#include "dsp/reed_solomon.h"
#include "test_data.h"

namespace groundlink::dsp {
namespace {

using test::data_path;
using test::parse_hex;
using test::read_bytes;

std::vector<SimdLevel> levels() {
  std::vector<SimdLevel> v{SimdLevel::scalar};
  if (cpu_simd_level() >= SimdLevel::avx2) v.push_back(SimdLevel::avx2);
  if (cpu_simd_level() >= SimdLevel::avx512) v.push_back(SimdLevel::avx512);
  return v;
}

RsConfig cfg(int e, int depth, bool dual, int fill = 0, SimdLevel simd = default_simd_level()) {
  RsConfig c;
  c.e = e;
  c.interleave = depth;
  c.dual_basis = dual;
  c.virtual_fill = fill;
  c.simd = simd;
  return c;
}

std::vector<uint8_t> random_bytes(std::mt19937& rng, size_t n) {
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

// Adds `count` symbol errors (distinct positions, non-zero values) to codeword `cw` of a block.
void add_errors(std::mt19937& rng, std::vector<uint8_t>& block, int depth, int n, int cw,
                int count) {
  std::vector<int> pos(n);
  for (int i = 0; i < n; ++i) pos[i] = i;
  std::shuffle(pos.begin(), pos.end(), rng);
  for (int i = 0; i < count; ++i)
    block[static_cast<size_t>(pos[i]) * depth + cw] ^= static_cast<uint8_t>(1 + rng() % 255);
}

TEST(ReedSolomon, ConfigValidationNamesFieldAndRange) {
  auto msg = [](const RsConfig& c) {
    try {
      ReedSolomon rs(c);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(msg(cfg(10, 1, true)).find("RsConfig.e must be 8"), std::string::npos);
  EXPECT_NE(msg(cfg(16, 0, true)).find("RsConfig.interleave must be in 1..8"), std::string::npos);
  EXPECT_NE(msg(cfg(16, 9, true)).find("interleave"), std::string::npos);
  EXPECT_NE(msg(cfg(16, 1, true, -1)).find("RsConfig.virtual_fill must be in 0..222"),
            std::string::npos);
  EXPECT_NE(msg(cfg(8, 1, true, 239)).find("virtual_fill must be in 0..238"), std::string::npos);
  EXPECT_EQ(msg(cfg(8, 8, false, 238)), "");
  ReedSolomon rs(cfg(16, 5, true, 10));
  EXPECT_EQ(rs.codeword_len(), 245u);
  EXPECT_EQ(rs.info_len(), 5u * 213u);
  EXPECT_EQ(rs.codeblock_len(), 5u * 245u);
}

TEST(ReedSolomon, DualBasisTransformIsLinearBijection) {
  std::vector<bool> seen(256, false);
  for (int u = 0; u < 256; ++u) {
    const uint8_t d = ReedSolomon::to_dual(static_cast<uint8_t>(u));
    EXPECT_FALSE(seen[d]);
    seen[d] = true;
    EXPECT_EQ(ReedSolomon::to_conventional(d), u);
    for (int v = 0; v < 256; v += 37)
      EXPECT_EQ(ReedSolomon::to_dual(static_cast<uint8_t>(u ^ v)),
                d ^ ReedSolomon::to_dual(static_cast<uint8_t>(v)));
  }
}

// dariol83/ccsds ReedSolomonAlgorithmTest: one 1115-byte TM frame, RS(255,223) I=5 dual basis.
TEST(ReedSolomon, Dariol83Interleave5Codeblock) {
  const auto info = read_bytes("ccsds/rs/rs255_223_i5_dariol83_info.bin");
  const auto block = read_bytes("ccsds/rs/rs255_223_i5_dariol83_codeblock.bin");
  ASSERT_EQ(info.size(), 1115u);
  ASSERT_EQ(block.size(), 1275u);
  for (SimdLevel lv : levels()) {
    ReedSolomon rs(cfg(16, 5, true, 0, lv));
    std::vector<uint8_t> enc(rs.codeblock_len());
    rs.encode(info.data(), enc.data());
    EXPECT_EQ(enc, block);

    auto rx = block;
    RsResult r = rs.decode(rx.data());
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.corrected, 0);
    EXPECT_TRUE(rs.check(block.data()));

    // Upstream asserts failure after zeroing byte 1200; a single error is well within E.
    rx = block;
    rx[1200] = 0;
    ASSERT_NE(block[1200], 0);
    EXPECT_FALSE(rs.check(rx.data()));
    r = rs.decode(rx.data());
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.corrected, 1);
    EXPECT_EQ(rx, block);

    // 17 errors in codeword 2: that codeword fails and is left as received, the others decode.
    std::mt19937 rng(5);
    rx = block;
    add_errors(rng, rx, 5, 255, 2, 17);
    add_errors(rng, rx, 5, 255, 4, 16);
    auto received = rx;
    r = rs.decode(rx.data());
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.failed_codewords, 1);
    EXPECT_EQ(r.corrected, 16);
    for (size_t j = 0; j < rx.size(); ++j)
      EXPECT_EQ(rx[j], j % 5 == 2 ? received[j] : block[j]) << j;
  }
  // The same bytes are not a conventional-basis codeblock.
  ReedSolomon conv(cfg(16, 5, false));
  EXPECT_FALSE(conv.check(block.data()));
  auto rx = block;
  RsResult r = conv.decode(rx.data());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(rx, block);
}

// Real Suomi-NPP CADUs: 4-byte ASM + 1020-byte randomized RS(255,223) I=4 dual-basis codeblock.
// The CCSDS randomizer sequence is itself a codeword (see RandomizerIsACodeword), so the
// randomized blocks must check without derandomizing.
void check_cadus(const std::string& file, size_t expect) {
  const auto d = read_bytes(file);
  ASSERT_EQ(d.size() % 1024, 0u);
  ASSERT_EQ(d.size() / 1024, expect);
  ReedSolomon rs(cfg(16, 4, true));
  size_t valid = 0;
  int corrected = 0;
  for (size_t f = 0; f < d.size() / 1024; ++f) {
    const uint8_t* cadu = &d[f * 1024];
    ASSERT_EQ(cadu[0], 0x1A);
    ASSERT_EQ(cadu[3], 0x1D);
    std::vector<uint8_t> blk(cadu + 4, cadu + 1024);
    EXPECT_TRUE(rs.check(blk.data()));
    RsResult r = rs.decode(blk.data());
    valid += r.ok;
    corrected += r.corrected;
  }
  EXPECT_EQ(valid, expect);
  EXPECT_EQ(corrected, 0);
}

TEST(ReedSolomon, SnppCadusAllValid) {
  check_cadus("snpp/snpp_synchronized_cadus.dat", 65);
  check_cadus("snpp/snpp_7cadus_2vcids.dat", 7);
}

TEST(ReedSolomon, Dariol83AosDumpAllValid) {
  std::ifstream f(data_path("ccsds/synthetic_frame_dumps/dariol83_dumpFile_aos_1.hex"));
  ASSERT_TRUE(f.good());
  ReedSolomon rs(cfg(16, 4, true));
  std::string line;
  int lines = 0, valid = 0;
  while (std::getline(f, line)) {
    const auto b = parse_hex(line);
    if (b.empty()) continue;
    ASSERT_EQ(b.size(), 1024u);
    ASSERT_EQ(b[0], 0x1A);
    std::vector<uint8_t> blk(b.begin() + 4, b.end());
    ++lines;
    RsResult r = rs.decode(blk.data());
    valid += r.ok && r.corrected == 0;
  }
  EXPECT_EQ(lines, 30);
  EXPECT_EQ(valid, 30);
}

// Pitfall (CCSDS 131.0-B-4 §10.4 / TARGETS.md): the 255-byte pseudo-randomizer sequence is a valid
// RS(255,223) codeword (dual and conventional basis alike: consecutive bytes of the m-sequence are
// successive states of the same linear map, i.e. a geometric sequence b_0 * mu^j, and sum_j
// (mu / c)^j over a full period vanishes unless mu = c). A randomized all-zero transmission
// therefore checks as valid: RS success alone never proves that a frame is present (a sync word,
// frame header or FECF check must follow). Interleaved, codeword i is the decimation
// b_(I*j + i) with ratio mu^I: valid for I = 1, 2, 4, 8 (SNPP's I=4 CADUs check without
// derandomizing), invalid for I = 3, 5, 6, 7 where mu^I hits a generator root. libfec agrees
// codeword by codeword.
TEST(ReedSolomon, RandomizerIsACodeword) {
  const auto pn = read_bytes("ccsds/ccsds_randomizer_255.bin");
  ASSERT_EQ(pn.size(), 255u);
  ASSERT_EQ(pn[0], 0xFF);
  ASSERT_EQ(pn[1], 0x48);
  EXPECT_TRUE(ReedSolomon(cfg(16, 1, true)).check(pn.data()));
  for (bool dual : {true, false}) {
    for (int depth = 1; depth <= 8; ++depth) {
      ReedSolomon rs(cfg(16, depth, dual));
      std::vector<uint8_t> blk(rs.codeblock_len());
      for (size_t j = 0; j < blk.size(); ++j) blk[j] = pn[j % 255];
      std::vector<uint8_t> syn(depth * 32);
      rs.syndromes(blk.data(), syn.data());
      bool all_valid = true;
      for (int i = 0; i < depth; ++i) {
        std::vector<uint8_t> cw(255);
        for (int j = 0; j < 255; ++j) cw[j] = blk[j * depth + i];
        const int lib = dual ? decode_rs_ccsds(cw.data(), nullptr, 0, 0)
                             : decode_rs_8(cw.data(), nullptr, 0, 0);
        const bool ours = std::all_of(syn.begin() + i * 32, syn.begin() + (i + 1) * 32,
                                      [](uint8_t v) { return v == 0; });
        EXPECT_EQ(ours, lib == 0) << "I=" << depth << " codeword " << i;
        all_valid = all_valid && ours;
      }
      const bool expect_valid = depth == 1 || depth == 2 || depth == 4 || depth == 8;
      EXPECT_EQ(rs.check(blk.data()), expect_valid) << "I=" << depth;
      EXPECT_EQ(all_valid, expect_valid);
    }
  }
  // RS(255,239)'s generator roots (j = 120..135) are a subset of RS(255,223)'s, so every
  // RS(255,223) codeword, the randomizer included, is also an RS(255,239) codeword.
  ReedSolomon e8(cfg(8, 1, true));
  EXPECT_TRUE(e8.check(pn.data()));
}

// libfec as second implementation: RS(255,223) dual basis (encode_rs_ccsds / decode_rs_ccsds)
// and conventional (encode_rs_8 / decode_rs_8), full length and shortened (libfec's pad).
TEST(ReedSolomon, MatchesLibfecRs255_223) {
  std::mt19937 rng(1234);
  for (bool dual : {true, false}) {
    for (int fill : {0, 1, 33, 100, 222}) {
      ReedSolomon rs(cfg(16, 1, dual, fill));
      const int n = 255 - fill, k = n - 32;
      for (int trial = 0; trial < 40; ++trial) {
        auto msg = random_bytes(rng, k);
        std::vector<uint8_t> ours(n), ref(n);
        rs.encode(msg.data(), ours.data());
        std::memcpy(ref.data(), msg.data(), k);
        if (dual)
          encode_rs_ccsds(ref.data(), ref.data() + k, fill);
        else
          encode_rs_8(ref.data(), ref.data() + k, fill);
        ASSERT_EQ(ours, ref) << "dual=" << dual << " fill=" << fill;

        const int nerr = trial % 17;
        auto rx = ours;
        add_errors(rng, rx, 1, n, 0, nerr);
        auto rx_ref = rx;
        RsResult r = rs.decode(rx.data());
        const int lib = dual ? decode_rs_ccsds(rx_ref.data(), nullptr, 0, fill)
                             : decode_rs_8(rx_ref.data(), nullptr, 0, fill);
        EXPECT_TRUE(r.ok);
        EXPECT_EQ(r.corrected, nerr);
        EXPECT_EQ(lib, nerr);
        EXPECT_EQ(rx, ours);
        EXPECT_EQ(rx_ref, ours);
      }
    }
  }
}

// RS(255,239): libfec's generic codec with the CCSDS parameters (symsize 8, F = 0x187,
// first root 128-E = 120, primitive element alpha^11, 2E = 16 roots); libfec has no dual-basis
// variant for E=8, so the dual case is mapped with the (separately verified) basis transform.
TEST(ReedSolomon, MatchesLibfecRs255_239) {
  std::mt19937 rng(239);
  for (int fill : {0, 50}) {
    void* lib = init_rs_char(8, 0x187, 120, 11, 16, fill);
    ASSERT_NE(lib, nullptr);
    for (bool dual : {false, true}) {
      ReedSolomon rs(cfg(8, 1, dual, fill));
      const int n = 255 - fill, k = n - 16;
      for (int trial = 0; trial < 40; ++trial) {
        auto msg = random_bytes(rng, k);
        std::vector<uint8_t> ours(n), ref(n);
        rs.encode(msg.data(), ours.data());
        for (int t = 0; t < k; ++t) ref[t] = dual ? ReedSolomon::to_conventional(msg[t]) : msg[t];
        encode_rs_char(lib, ref.data(), ref.data() + k);
        if (dual)
          for (auto& b : ref) b = ReedSolomon::to_dual(b);
        ASSERT_EQ(ours, ref);

        const int nerr = trial % 9;
        auto rx = ours;
        add_errors(rng, rx, 1, n, 0, nerr);
        std::vector<uint8_t> rx_ref(rx);
        if (dual)
          for (auto& b : rx_ref) b = ReedSolomon::to_conventional(b);
        RsResult r = rs.decode(rx.data());
        EXPECT_EQ(decode_rs_char(lib, rx_ref.data(), nullptr, 0), nerr);
        if (dual)
          for (auto& b : rx_ref) b = ReedSolomon::to_dual(b);
        EXPECT_TRUE(r.ok);
        EXPECT_EQ(r.corrected, nerr);
        EXPECT_EQ(rx, ours);
        EXPECT_EQ(rx_ref, ours);
      }
    }
    free_rs_char(lib);
  }
}

// Interleaved codeblocks: each codeword gets its own error count; I = 1..8.
TEST(ReedSolomon, InterleavedCorrectionUpToE) {
  std::mt19937 rng(77);
  for (int e : {8, 16}) {
    for (int depth = 1; depth <= 8; ++depth) {
      ReedSolomon rs(cfg(e, depth, true, depth == 3 ? 17 : 0));
      const int n = static_cast<int>(rs.codeword_len());
      auto info = random_bytes(rng, rs.info_len());
      std::vector<uint8_t> blk(rs.codeblock_len());
      rs.encode(info.data(), blk.data());
      ASSERT_TRUE(rs.check(blk.data()));
      ASSERT_TRUE(std::equal(info.begin(), info.end(), blk.begin()));
      std::vector<uint8_t> inplace(info);  // encode() may run in place
      inplace.resize(blk.size());
      rs.encode(inplace.data(), inplace.data());
      ASSERT_EQ(inplace, blk);
      auto rx = blk;
      int total = 0;
      for (int i = 0; i < depth; ++i) {
        const int c = static_cast<int>(rng() % (e + 1));
        add_errors(rng, rx, depth, n, i, c);
        total += c;
      }
      RsResult r = rs.decode(rx.data());
      EXPECT_TRUE(r.ok);
      EXPECT_EQ(r.corrected, total);
      EXPECT_EQ(rx, blk);
    }
  }
}

// Beyond capacity: a reported success must be a codeword within E of the received word (then
// necessarily a miscorrection, since the sent word is farther). Miscorrection probability is
// about 1/E! per failed word (McEliece & Swanson 1986): ~5e-14 for E=16, ~2.5e-5 for E=8.
struct BeyondStats {
  int trials = 0, failures = 0, miscorrections = 0, libfec_disagree = 0;
};

BeyondStats beyond_capacity(int e, int lo, int hi, int trials, uint32_t seed) {
  std::mt19937 rng(seed);
  BeyondStats st;
  ReedSolomon rs(cfg(e, 1, true));
  void* lib = e == 8 ? init_rs_char(8, 0x187, 120, 11, 16, 0) : nullptr;
  for (int t = 0; t < trials; ++t) {
    auto info = random_bytes(rng, rs.info_len());
    std::vector<uint8_t> cw(255);
    rs.encode(info.data(), cw.data());
    auto rx = cw;
    add_errors(rng, rx, 1, 255, 0, lo + static_cast<int>(rng() % (hi - lo + 1)));
    const auto received = rx;
    RsResult r = rs.decode(rx.data());
    ++st.trials;
    // libfec on the same word (conventional-basis view for E=8).
    auto ref = received;
    int lr;
    if (e == 16) {
      lr = decode_rs_ccsds(ref.data(), nullptr, 0, 0);
    } else {
      for (auto& b : ref) b = ReedSolomon::to_conventional(b);
      lr = decode_rs_char(lib, ref.data(), nullptr, 0);
      for (auto& b : ref) b = ReedSolomon::to_dual(b);
    }
    if (!r.ok) {
      ++st.failures;
      EXPECT_EQ(rx, received) << "failed codeword must be left as received";
      st.libfec_disagree += lr >= 0;
    } else {
      EXPECT_TRUE(rs.check(rx.data())) << "reported success on a non-codeword";
      int dist = 0;
      for (int j = 0; j < 255; ++j) dist += rx[j] != received[j];
      EXPECT_LE(dist, e);
      EXPECT_EQ(dist, r.corrected);
      st.miscorrections += rx != cw;
      st.libfec_disagree += lr < 0 || ref != rx;
    }
  }
  if (lib) free_rs_char(lib);
  const RsStats& s = rs.stats();
  EXPECT_EQ(s.codewords, static_cast<uint64_t>(trials));
  EXPECT_EQ(s.fail_degree + s.fail_roots + s.fail_magnitude + s.fail_verify,
            static_cast<uint64_t>(st.failures));
  EXPECT_EQ(s.fail_verify, 0u) << "the locator checks should catch every non-codeword";
  return st;
}

TEST(ReedSolomon, BeyondCapacityRs255_223) {
  BeyondStats a = beyond_capacity(16, 17, 40, 3000, 17);
  EXPECT_EQ(a.miscorrections, 0);
  EXPECT_EQ(a.failures, a.trials);
  EXPECT_EQ(a.libfec_disagree, 0);
  BeyondStats b = beyond_capacity(16, 17, 17, 1000, 18);  // E+1: all must fail
  EXPECT_EQ(b.failures, b.trials);
  EXPECT_EQ(b.libfec_disagree, 0);
  RecordProperty("miscorrections_e16", a.miscorrections + b.miscorrections);
}

TEST(ReedSolomon, BeyondCapacityRs255_239) {
  BeyondStats a = beyond_capacity(8, 9, 40, 4000, 9);
  // Expected miscorrections ~0.1 in 4000 at rate ~2.5e-5; allow a few, never a non-codeword.
  EXPECT_LE(a.miscorrections, 3);
  EXPECT_GE(a.failures, a.trials - 3);
  EXPECT_EQ(a.libfec_disagree, 0);
  RecordProperty("miscorrections_e8", a.miscorrections);
}

// A shortened word whose nearest full-length codeword differs from it only in a virtual-fill
// position: Berlekamp-Massey returns a degree-1 locator whose only root lies in the untransmitted
// part, so the Chien search over transmitted positions finds 0 roots != degree 1 -> failure.
TEST(ReedSolomon, RejectsLocatorDegreeNotEqualToRootCount) {
  const int fill = 100;
  ReedSolomon full(cfg(16, 1, true));
  std::mt19937 rng(100);
  std::vector<uint8_t> info(223, 0);
  for (int t = fill; t < 223; ++t) info[t] = static_cast<uint8_t>(rng());
  info[50] = 0x5A;  // inside the virtual fill
  std::vector<uint8_t> cw(255);
  full.encode(info.data(), cw.data());
  std::vector<uint8_t> rx(cw.begin() + fill, cw.end());
  const auto received = rx;

  ReedSolomon rs(cfg(16, 1, true, fill));
  RsResult r = rs.decode(rx.data());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(rs.stats().fail_roots, 1u);
  EXPECT_EQ(rs.stats().fail_degree, 0u);
  EXPECT_EQ(rx, received);
  auto ref = received;
  EXPECT_LT(decode_rs_ccsds(ref.data(), nullptr, 0, fill), 0);  // libfec rejects it too
  rs.reset();
  EXPECT_EQ(rs.stats().fail_roots, 0u);
}

// Errors on the first and last transmitted symbols (locator X = alpha^(11 (n-1)) and X = 1),
// full length and shortened, every SIMD level.
TEST(ReedSolomon, CorrectsFirstAndLastSymbol) {
  std::mt19937 rng(3);
  for (SimdLevel lv : levels())
    for (int e : {8, 16})
      for (int fill : {0, 100}) {
        ReedSolomon rs(cfg(e, 2, true, fill, lv));
        const size_t n = rs.codeword_len();
        auto info = random_bytes(rng, rs.info_len());
        std::vector<uint8_t> blk(rs.codeblock_len());
        rs.encode(info.data(), blk.data());
        for (const auto& where : std::vector<std::vector<size_t>>{{0}, {n - 1}, {0, n - 1}}) {
          auto rx = blk;
          for (size_t t : where) rx[t * 2 + 1] ^= 0xA5;
          RsResult r = rs.decode(rx.data());
          EXPECT_TRUE(r.ok) << to_string(lv);
          EXPECT_EQ(r.corrected, static_cast<int>(where.size()));
          EXPECT_EQ(rx, blk);
        }
      }
}

// SIMD syndrome kernels against the scalar reference, clean and corrupted blocks, every
// configuration shape; and whole decodes identical across levels.
TEST(ReedSolomon, SimdSyndromesMatchScalar) {
  std::mt19937 rng(4242);
  const auto lv = levels();
  for (int e : {8, 16})
    for (int depth : {1, 2, 4, 5, 8})
      for (int fill : {0, 7, 100}) {
        for (bool dual : {true, false}) {
          std::vector<ReedSolomon*> rs;
          for (SimdLevel l : lv) rs.push_back(new ReedSolomon(cfg(e, depth, dual, fill, l)));
          const int n = static_cast<int>(rs[0]->codeword_len());
          const int nerrs[] = {0, 1, e / 2, e, e + 1, e + 5, 3 * e};
          for (int trial = 0; trial < 9; ++trial) {
            std::vector<uint8_t> blk(rs[0]->codeblock_len());
            if (trial < 7) {
              auto info = random_bytes(rng, rs[0]->info_len());
              rs[0]->encode(info.data(), blk.data());
              for (int i = 0; i < depth; ++i) add_errors(rng, blk, depth, n, i, nerrs[trial]);
            } else {
              blk = random_bytes(rng, blk.size());
            }
            std::vector<uint8_t> ref(depth * 2 * e);
            rs[0]->syndromes(blk.data(), ref.data());
            RsResult rref;
            auto dref = blk;
            rref = rs[0]->decode(dref.data());
            for (size_t l = 1; l < rs.size(); ++l) {
              std::vector<uint8_t> s(ref.size(), 0xEE);
              rs[l]->syndromes(blk.data(), s.data());
              ASSERT_EQ(s, ref) << to_string(lv[l]) << " e=" << e << " I=" << depth
                                << " fill=" << fill;
              auto d = blk;
              RsResult r = rs[l]->decode(d.data());
              EXPECT_EQ(d, dref);
              EXPECT_EQ(r.ok, rref.ok);
              EXPECT_EQ(r.corrected, rref.corrected);
              EXPECT_EQ(r.failed_codewords, rref.failed_codewords);
            }
          }
          for (size_t l = 1; l < rs.size(); ++l) {
            const RsStats &a = rs[0]->stats(), &b = rs[l]->stats();
            EXPECT_EQ(a.codewords, b.codewords);
            EXPECT_EQ(a.clean, b.clean);
            EXPECT_EQ(a.fail_degree, b.fail_degree);
            EXPECT_EQ(a.fail_roots, b.fail_roots);
            EXPECT_EQ(a.fail_magnitude, b.fail_magnitude);
            EXPECT_EQ(a.fail_verify, b.fail_verify);
          }
          for (auto* p : rs) delete p;
        }
      }
  // All-zero and all-0xFF patterns (extreme nibble indices).
  for (SimdLevel l : lv) {
    ReedSolomon rs(cfg(16, 1, false, 0, l));
    ReedSolomon sc(cfg(16, 1, false, 0, SimdLevel::scalar));
    for (uint8_t v : {0x00, 0xFF, 0x80, 0x01}) {
      std::vector<uint8_t> blk(255, v), a(32), b(32);
      rs.syndromes(blk.data(), a.data());
      sc.syndromes(blk.data(), b.data());
      EXPECT_EQ(a, b);
    }
  }
}

}  // namespace
}  // namespace groundlink::dsp
