// Resolution of the carrier-phase ambiguity a suppressed-carrier demodulator leaves (CCSDS
// 130.1-G: BPSK 180 deg, QPSK/OQPSK multiples of 90 deg, plus an I/Q swap from spectral inversion
// or the OQPSK channel order).
//
// For soft symbols in (I, Q) pairs, a rotation or swap maps each pair (a, b) to one of
//   (a, b)  identity            (b, -a)  rotation by -90 deg (and, negated, +90 deg)
//   (a, -b) spectral inversion  (b, a)   I/Q swap
// and the remaining four are these negated, which the ASM correlator already detects as an
// inverted marker. So four pair transforms cover all eight ambiguities: one DecoderChain per
// transform searches (each also over its symbol alignments) until one locks; then only that one
// runs, until it loses lock and all search again.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "framing/decoder_chain.h"

namespace groundlink::framing {

enum class PairTransform : uint8_t { identity = 0, conjugate = 1, swap = 2, rotate = 3 };

/// Applies t to n soft values forming pairs; `parity` is the position of in[0] in its pair
/// (0 or 1), so a stream cut at any point keeps its pairing.
void apply_pair_transform(PairTransform t, const dsp::soft_t* in, size_t n, int parity, dsp::soft_t* out);

struct AmbiguityResolverConfig {
  DecoderChainConfig chain;
  /// false (BPSK, soft-symbol files): a single chain, the ASM handles the 180 deg ambiguity.
  bool iq_pairs = false;
  /// With iq_pairs, also try the spectrally inverted transforms (conjugate, swap).
  bool spectral_inversion = true;
};

class AmbiguityResolvingDecoder {
 public:
  explicit AmbiguityResolvingDecoder(const AmbiguityResolverConfig& cfg);
  ~AmbiguityResolvingDecoder();

  void reset();
  void process(const dsp::soft_t* symbols, size_t n, const FrameCallback& cb);
  void flush(const FrameCallback& cb);

  /// Statistics of the chain that is (or was last) locked, plus the symbols seen.
  DecoderChainStats stats() const;
  /// Transform in use, or -1 while every transform searches.
  int locked_transform() const { return active_; }
  size_t transforms() const { return chains_.size(); }

 private:
  struct Branch;
  static constexpr size_t kChunk = 16384;
  void activate_all();
  void feed(const dsp::soft_t* symbols, size_t take, const FrameCallback& cb);

  AmbiguityResolverConfig cfg_;
  std::vector<std::unique_ptr<Branch>> chains_;
  std::vector<dsp::soft_t> scratch_;
  int active_ = -1;
  int last_locked_ = 0;
  uint64_t pos_ = 0;  ///< absolute index of the next input soft value
  dsp::soft_t pending_ = 0;  ///< an unpaired last value held until its partner arrives
  bool has_pending_ = false;
  Frame frame_;       ///< reused for the re-based copy handed to the callback
};

}  // namespace groundlink::framing
