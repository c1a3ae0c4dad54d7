// CCSDS 131.0-B-4 §3 convolutional code, k=7, r=1/2 (G1=0x79, G2=0x5B, G2 output inverted),
// punctured rates 2/3, 3/4, 5/6, 7/8 (§3.5), and its soft-decision Viterbi decoder.
//
// API contract (implementation in viterbi*.cc):
//  - ConvEncoder: bits (one per byte, 0/1) -> channel symbols (one per byte, 0/1), punctured.
//  - ViterbiDecoder streaming: process() takes punctured soft symbols (dsp::soft_t) in any chunk
//    size and writes decoded bits (one per byte) as soon as they are past the traceback depth;
//    flush() emits the rest at end of input (best-state traceback), so nothing stays inside.
//  - decode_block(): a terminated block (encoder starts in state 0, 6 zero tail bits appended):
//    exact maximum-likelihood decode of the whole block.
//  - Kernels: scalar reference, AVX2, AVX-512 (BW + VBMI) behind runtime dispatch; all
//    bit-exact (decisions and metrics), see detail::kViterbiRenormPeriod for the metric rules.
//    Depuncturing has a scalar and an AVX-512 VBMI kernel (same output).
//
// Decoder structure: soft symbols are depunctured (punctured slots = erasure 0) into pairs,
// quantised to q = (s + 2) >> 2 in [-32, 32] and fed to the add-compare-select (ACS) kernel,
// which keeps 64 uint8 path metrics (branch distance = correlation turned non-negative,
// saturating adds, renormalisation every 16 steps by a recorded lowest metric) and writes one 64-bit decision word
// per step. Streaming releases chunk_bits bits at a time with one traceback from the best
// state over chunk_bits + traceback decisions; that traceback runs interleaved with the ACS
// of the next chunk (double-buffered decisions), also across process() calls, so its cost
// hides behind the ACS; its bits are released when it is done (in a later call if the input
// of this one ends first).
// Input scale: the decoder is insensitive to a common scale as long as the noise-free symbol
// level sits around +-32..+-64 (see viterbi_quantise for measured losses at other scales).
//
// Conventions shared by encoder, decoder and tests
// ------------------------------------------------
// Shift register: reg = (reg << 1 | u_t) & 0x7F, so bit 0 is the newest input bit u_t and bit 6
// is u_{t-6}. The connection vectors of §3.3 are written input-side first (G1 = 1111001 taps
// u_t, u_{t-1}, u_{t-2}, u_{t-3}, u_{t-6}), hence in this register they read bit-reversed:
// G1 -> 0x4F, G2 -> 0x6D (the same masks libfec calls V27POLYB / V27POLYA).
// Decoder state = the 6 newest bits (reg & 0x3F); from state s the input b leads to
// (s << 1 | b) & 0x3F, so state ns has the predecessors ns >> 1 and (ns >> 1) | 32.
// Both polynomials have taps at u_t and u_{t-6}, which gives every butterfly the symmetry
// used by all kernels: flipping either end bit of reg complements both output symbols.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dsp/cpu_features.h"
#include "dsp/soft.h"

namespace groundlink::dsp {

enum class ConvRate { r1_2, r2_3, r3_4, r5_6, r7_8 };

/// "1/2", "2/3", "3/4", "5/6", "7/8"; throws std::invalid_argument naming the allowed values.
ConvRate conv_rate_from_string(const std::string& s);
const char* to_string(ConvRate r);
/// Information bits per channel symbol (0.5 for r1_2, 0.875 for r7_8).
double code_rate(ConvRate r);

/// CCSDS 131.0-B-4 §3.5 puncturing pattern of one rate: `period` encoder steps; for step j,
/// bit j of c1_mask / c2_mask says whether C1(j) / C2(j) is transmitted. Within a step C1 goes
/// before C2 (§3.3.2), e.g. rate 3/4 (C1: 1 0 1, C2: 1 1 0) sends C1(1) C2(1) C2(2) C1(3).
struct PuncturePattern {
  unsigned period;
  uint32_t c1_mask;
  uint32_t c2_mask;
  unsigned symbols_per_period() const;
};
PuncturePattern puncture_pattern(ConvRate r);

/// Register masks of the two generators in the shift-register convention above.
constexpr uint32_t kConvPolyG1 = 0x4F;  ///< G1 = 1111001 (171 octal), §3.3
constexpr uint32_t kConvPolyG2 = 0x6D;  ///< G2 = 1011011 (133 octal), §3.3
constexpr unsigned kConvTailBits = 6;   ///< K-1 zero bits return the encoder to state 0

struct ConvCodeConfig {
  ConvRate rate = ConvRate::r1_2;
  bool invert_g2 = true;  ///< CCSDS inverts the G2 output (131.0-B-4 §3.3 Note). false = NASA-standard.
};

/// The configuration the standard prescribes for a rate: the rate 1/2 code of §3.3 inverts G2;
/// the punctured encoder of §3.5 (figure 3-2 there, 130.1-G figure 4-2) has no inverter.
ConvCodeConfig ccsds_conv_code(ConvRate rate);

class ConvEncoder {
 public:
  explicit ConvEncoder(const ConvCodeConfig& cfg = {});
  void reset();
  /// Encodes n bits; returns the number of channel symbols written (<= 2n).
  size_t encode(const uint8_t* bits, size_t n, uint8_t* symbols);
  /// Appends the 6 zero tail bits that terminate a block.
  size_t terminate(uint8_t* symbols);
  const ConvCodeConfig& config() const { return cfg_; }

 private:
  ConvCodeConfig cfg_;
  uint32_t state_ = 0;
  size_t punct_pos_ = 0;
};

struct ViterbiConfig {
  ConvCodeConfig code;
  /// Decisions kept before a bit is released in streaming mode. >= 5*K; the default is long
  /// enough that streaming loses no sensitivity against block decoding (see tests).
  /// Allowed 16..65536 (values below 5*K = 35 lose sensitivity; tests use 32 to show it).
  size_t traceback = 96;
  /// Largest number of decoded bits one process() call may produce before output is released
  /// (sizes the internal decision memory, allocated once in the constructor).
  /// Bits are released chunk_bits at a time, each chunk costing one traceback over
  /// chunk_bits + traceback decisions. Allowed 64..2^26.
  size_t chunk_bits = 8192;
  SimdLevel simd = default_simd_level();
};

namespace detail {

/// Branch labels of the 32 butterflies (i, i+32) -> (2i, 2i+1). Butterfly i's branch
/// i -> 2i (reg = 2i) emits (c1, c2) = (parity(2i & G1), parity(2i & G2) ^ invert_g2);
/// label[i] = 2*c1 + c2. By the end-tap symmetry the branches i+32 -> 2i and i -> 2i+1 emit
/// the complement (label 3 - label[i]) and i+32 -> 2i+1 emits label[i] again.
struct ViterbiBranchTable {
  uint8_t label[32];
};

/// Soft symbol as the 8-bit kernels use it: q = (s + 2) >> 2 (arithmetic), in [-32, 32].
/// Measured at Eb/N0 3 dB (1e6 bits, BPSK +-1 scaled to +-A before rounding to int8), block
/// decoding errors vs an unquantised int32 decoder (341-346): A = 64: 325, A = 32: 358,
/// A = 16: 424, A = 127 (hard clipping of the input): 740. Step 8 instead of 4 gave 357 / 401 /
/// 638 / 562. So feed soft symbols with the noise-free level around +-32..+-64.
inline int viterbi_quantise(soft_t s) { return (static_cast<int>(s) + 2) >> 2; }

/// Branch distances of one step for the four labels 2*c1 + c2, packed one per byte:
/// D(c1, c2) = |q0| + |q1| - ((c1 ? q0 : -q0) + (c2 ? q1 : -q1)), in [0, 128]. This is the
/// correlation metric turned into a non-negative distance (the offset |q0| + |q1| is the same
/// for every branch of the step, so it changes no decision); an agreeing symbol costs 0.
/// D(label) + D(3 - label) = 2(|q0| + |q1|), so of the two branches leaving a state one costs
/// at most |q0| + |q1| <= 64.
uint32_t viterbi_branch_distances(soft_t s0, soft_t s1);

/// The same distances for every symbol pair, for one-load look-up in the kernels:
/// table[uint8_t(s0) | uint8_t(s1) << 8] == viterbi_branch_distances(s0, s1) (256 KiB, built
/// once; the pairs of a real signal cluster, so the lines in use stay in L1/L2).
const uint32_t* viterbi_pair_table();

/// Path-metric rules shared bit for bit by every kernel (uint8 metrics, smaller = better):
///  - candidate = min(255, metric + branch distance) (saturating add);
///  - the survivor is the upper predecessor only if its candidate is strictly smaller
///    (a tie keeps the lower predecessor);
///  - renormalisation, steps counted from reset() (the first is step 0): after each step
///    t = 7 (mod 16) the lowest metric is recorded (state byte kAcsRenormByte), and after each
///    step t = 15 (mod 16) that recorded value is subtracted from every metric. The metrics
///    never decrease from step to step (distances are >= 0), so nothing goes below 0, and no
///    branch depends on the metrics: the record is a min-reduction nothing waits for, the
///    subtraction one add every 16 steps. (A data-dependent "all >= 128?" branch after every
///    second step cost ~12% on noisy input through mispredictions: it sits on the loop's
///    critical path.)
/// Hence the best metric is at most what the best path gains in 24 steps (8 before the last
/// subtraction, 16 after); at the advised input scale that is a few units per step (measured
/// ~40-100 at 2 dB), so the best path and every path within ~150 of it never saturate;
/// saturation only merges paths that are already far behind. The tests measure that this costs
/// no errors against an unbounded int64 decoder with the same quantisation (see
/// viterbi_quantise).
constexpr unsigned kViterbiRenormPeriod = 16;
constexpr unsigned kViterbiRenormRecord = 7;   ///< step phase whose lowest metric is recorded
constexpr unsigned kViterbiRenormApply = 15;   ///< step phase after which it is subtracted
/// A kernel's trellis state: 64 path metrics, then the recorded renormalisation amount.
constexpr size_t kAcsRenormByte = 64;
constexpr size_t kAcsStateBytes = 72;

/// A traceback advanced one step per trellis step inside the ACS kernels, so that the scalar,
/// latency-bound traceback of one chunk runs on the integer units while the vector units do
/// the add-compare-select of the next chunk (out-of-order overlap within one loop).
struct TracebackJob {
  const uint64_t* dec = nullptr;
  size_t t = 0;      ///< steps left to trace; the next one is dec[t - 1]; 0 = idle
  size_t n_out = 0;  ///< the decided bits of steps [0, n_out) are written to out
  uint64_t state = 0;
  uint8_t* out = nullptr;

  void step() {
    if (t == 0) return;
    --t;
    if (t < n_out) out[t] = static_cast<uint8_t>(state & 1u);
    state = (state >> 1) | (((dec[t] >> state) & 1u) << 5);
  }
  /// step() without the checks, for kernels that bound the count by t themselves: writes
  /// out[t] even for t >= n_out (the owner provides scratch room there, see process()).
  void step_unchecked() {
    --t;
    out[t] = static_cast<uint8_t>(state & 1u);
    state = (state >> 1) | (((dec[t] >> state) & 1u) << 5);
  }
  void finish() {
    while (t > 0) step();
  }
};

/// Add-compare-select over n trellis steps.
///  metrics: kAcsStateBytes in and out: 64 path metrics (natural state order, smaller = more
///           likely), then the recorded renormalisation amount (see kViterbiRenormPeriod).
///  pairs:   2 soft values per step (C1, C2; depunctured, erasure = 0).
///  first_step: index of the first step since reset (its phase selects the renorm steps).
///  dec:     one 64-bit word per step, bit ns set when state ns's survivor comes from the
///           upper predecessor (ns >> 1) | 32.
///  job:     advanced by one step per trellis step (never null; may be idle).
/// Every kernel produces the same decisions and metrics bit for bit.
using AcsKernel = void (*)(const ViterbiBranchTable& bt, uint8_t* metrics, const soft_t* pairs,
                           size_t n, uint64_t first_step, uint64_t* dec, TracebackJob* job);
void acs_scalar(const ViterbiBranchTable& bt, uint8_t* metrics, const soft_t* pairs, size_t n,
                uint64_t first_step, uint64_t* dec, TracebackJob* job);
void acs_avx2(const ViterbiBranchTable& bt, uint8_t* metrics, const soft_t* pairs, size_t n,
              uint64_t first_step, uint64_t* dec, TracebackJob* job);
/// Needs AVX-512 BW + VBMI (byte permutes); acs_kernel() falls back to AVX2 without VBMI.
void acs_avx512(const ViterbiBranchTable& bt, uint8_t* metrics, const soft_t* pairs, size_t n,
                uint64_t first_step, uint64_t* dec, TracebackJob* job);
/// The kernel for a level (clamped to what the CPU runs).
AcsKernel acs_kernel(SimdLevel level);

/// Depunctures `periods` whole puncturing periods (CCSDS 131.0-B-4 §3.5): reads
/// periods * spp transmitted symbols from in and writes periods * 2 * period soft values (C1, C2
/// per step) to out, slot j of a period taking in[slot_src[j]] of that period's symbols, or the
/// erasure 0 where slot_src[j] < 0. slot_src has 2 * period entries; period <= 8.
using DepunctureKernel = void (*)(const int8_t* slot_src, unsigned period, unsigned spp,
                                  const soft_t* in, size_t periods, soft_t* out);
void depuncture_scalar(const int8_t* slot_src, unsigned period, unsigned spp, const soft_t* in,
                       size_t periods, soft_t* out);
/// One vpermb per group of whole periods that fits 64 output bytes (AVX-512 BW + VBMI).
void depuncture_avx512(const int8_t* slot_src, unsigned period, unsigned spp, const soft_t* in,
                       size_t periods, soft_t* out);
DepunctureKernel depuncture_kernel(SimdLevel level);
ViterbiBranchTable make_branch_table(bool invert_g2);

/// Traces back n steps (decision words dec[0..n-1]) from `state` at the end; writes the
/// decided input bits of steps [0, n_out) to out[0..n_out-1]; returns the state before step 0.
uint32_t traceback(const uint64_t* dec, size_t n, uint32_t state, uint8_t* out, size_t n_out);

}  // namespace detail

class ViterbiDecoder {
 public:
  explicit ViterbiDecoder(const ViterbiConfig& cfg = {});
  ~ViterbiDecoder();
  ViterbiDecoder(const ViterbiDecoder&) = delete;
  ViterbiDecoder& operator=(const ViterbiDecoder&) = delete;

  void reset();
  /// Streaming: consumes all n soft symbols, writes decoded bits to out, returns how many.
  /// out must hold at least max_output(n) bytes (bytes past the returned count are scratch).
  size_t process(const soft_t* soft, size_t n, uint8_t* out);
  /// End of stream: releases every bit still inside (traceback from the best state), including
  /// a step whose symbols were only partly received (the missing ones count as erasures);
  /// then resets, so the next process() starts a new stream.
  size_t flush(uint8_t* out);
  /// Upper bound of the bits one process() call with n symbols (or flush(), n = 0) writes:
  /// n + 8 + 2 * chunk_bits + traceback (every rate has at least as many symbols as steps;
  /// a call may also release the chunk whose traceback the previous call left running).
  size_t max_output(size_t n_symbols) const;

  /// Terminated block (start and end state 0): n symbols including the tail; returns info bits.
  /// Resets the streaming state. Blocks longer than chunk_bits + traceback steps grow the
  /// decision memory once (8 bytes per step) so that the whole block is decoded exactly.
  size_t decode_block(const soft_t* soft, size_t n, uint8_t* out);

  const ViterbiConfig& config() const { return cfg_; }
  SimdLevel simd() const { return simd_; }

 private:
  struct Impl;
  ViterbiConfig cfg_;
  SimdLevel simd_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace groundlink::dsp
