// CCSDS 131.0-B-4 §4 Reed-Solomon codes RS(255,223) (E=16) and RS(255,239) (E=8) over GF(2^8)
// (field polynomial x^8+x^7+x^2+x+1, generator roots alpha^(11*j), j = 128-E .. 127+E),
// interleave depth I = 1..8, dual (Berlekamp, CCSDS) or conventional basis, shortened codewords
// (virtual fill).
//
// API contract (implementation in reed_solomon*.cc):
//  - A codeblock is I interleaved codewords: symbol j of codeword i is byte j*I + i.
//  - decode() corrects in place; error-free codewords take a SIMD syndrome-only fast path.
//  - A codeword beyond capacity is reported as a failure and left as received; a decode that
//    would exceed E corrections or lands on a non-codeword is a failure, never a "success"
//    (stats() says which check rejected it).
//  - Pitfall: the CCSDS pseudo-randomizer sequence is itself a codeword (for I = 1, 2, 4, 8), so
//    RS success alone does not prove that a frame was received; check sync/header/FECF too.
//  - const members may be called concurrently; decode() updates stats() and is not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "dsp/cpu_features.h"

namespace groundlink::dsp {

struct RsConfig {
  int e = 16;               ///< E, symbols correctable per codeword: 16 -> RS(255,223), 8 -> RS(255,239)
  int interleave = 1;       ///< 1..8
  bool dual_basis = true;   ///< CCSDS dual-basis symbol representation
  int virtual_fill = 0;     ///< leading zero symbols per codeword not transmitted (shortening)
  SimdLevel simd = default_simd_level();
};

struct RsResult {
  bool ok = true;           ///< every codeword decoded
  int corrected = 0;        ///< symbols corrected, all codewords
  int failed_codewords = 0; ///< codewords beyond capacity
};

/// Why codewords were rejected, cumulative since construction or reset().
struct RsStats {
  uint64_t codewords = 0;       ///< codewords decoded
  uint64_t clean = 0;           ///< all-zero syndromes (fast path)
  uint64_t fail_degree = 0;     ///< Berlekamp-Massey locator length > E, or degree != length
  uint64_t fail_roots = 0;      ///< locator degree != number of roots at transmitted positions
  uint64_t fail_magnitude = 0;  ///< Forney gave a zero error value or a zero derivative
  uint64_t fail_verify = 0;     ///< corrected word still has non-zero syndromes
};

class ReedSolomon {
 public:
  /// Throws std::invalid_argument naming the field and its allowed range.
  explicit ReedSolomon(const RsConfig& cfg);
  ~ReedSolomon();
  ReedSolomon(const ReedSolomon&) = delete;
  ReedSolomon& operator=(const ReedSolomon&) = delete;

  size_t codeword_len() const;   ///< 255 - virtual_fill
  size_t info_len() const;       ///< I * (255 - 2E - virtual_fill)
  size_t codeblock_len() const;  ///< I * codeword_len()

  /// info: info_len() bytes -> codeblock: codeblock_len() bytes (info followed by check symbols,
  /// interleaved as transmitted). info may equal codeblock (in-place encoding).
  void encode(const uint8_t* info, uint8_t* codeblock) const;
  /// In-place decode of one codeblock of codeblock_len() bytes.
  RsResult decode(uint8_t* codeblock);
  /// True when every codeword has all-zero syndromes (no correction attempted).
  bool check(const uint8_t* codeblock) const;
  /// Syndromes of every codeword, conventional-basis field elements: out[i * 2E + j] is
  /// S_j = r_i(alpha^(11 * (128 - E + j))) of codeword i (I * 2E bytes). Uses config().simd;
  /// every level gives identical bytes (the SIMD kernels are tested against the scalar path).
  void syndromes(const uint8_t* codeblock, uint8_t* out) const;

  /// Conventional <-> dual-basis (Berlekamp) symbol transform, CCSDS 131.0-B-4 §4.4.2 / Annex F.
  static uint8_t to_dual(uint8_t conventional);
  static uint8_t to_conventional(uint8_t dual);

  /// Clears stats().
  void reset();
  const RsStats& stats() const { return stats_; }

  const RsConfig& config() const { return cfg_; }

 private:
  struct Impl;
  RsConfig cfg_;
  RsStats stats_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace groundlink::dsp
