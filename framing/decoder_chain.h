// The receive chain from soft channel symbols to checked transfer frames:
//   soft symbols -> [Viterbi, every symbol alignment until one locks] -> hard bits
//   -> FrameSynchronizer -> TransferFrameDecoder (derandomize, RS, header, FECF, OCF, VCs)
//   -> framing::Frame.
// For a convolutional code the decoder does not know where a symbol pair starts (CCSDS
// 131.0-B-4 §3; punctured codes: where the puncturing period starts, §3.5): one Viterbi decoder
// and synchroniser per alignment run until one of them locks, then only that one runs. When
// the locked one misses an ASM (flywheel) the other alignments start searching beside it (a
// symbol slip moves the pair boundary); whichever is in lock next carries on alone.
// A block from an unconfirmed sync (the first ASM after search) is held until the next ASM
// confirms it; if the check fails it is dropped as a false sync (counted), so noise that looks
// like an ASM does not reach the users. flush() at end of input releases everything inside
// (Viterbi traceback, synchroniser, held block).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "dsp/nrz.h"
#include "dsp/soft.h"
#include "dsp/viterbi.h"
#include "framing/frame.h"
#include "framing/frame_sync.h"
#include "framing/transfer_frame.h"

namespace groundlink::framing {

enum class ChannelCoding : uint8_t { none = 0, conv = 1 };

struct DecoderChainConfig {
  ChannelCoding coding = ChannelCoding::conv;
  /// Rate and G2 inversion (coding == conv). The default is the rate-1/2 code of 131.0-B-4 §3.3
  /// (G2 inverted); for punctured rates use dsp::ccsds_conv_code(rate) (§3.5: no inverter).
  dsp::ConvCodeConfig conv;
  size_t viterbi_traceback = 96;
  /// The bit stream is NRZ-M (CCSDS 401.0-B §2.4.6): differentially decoded after the Viterbi
  /// decoder (or on the soft input when uncoded), before frame sync.
  bool nrzm = false;
  /// ERT stamping: Frame::ert = start_time + symbol_index / symbol_rate_hz (symbol_index:
  /// channel symbols since reset, last ASM symbol). 0 = no ERT. Demodulator delays are the
  /// caller's to fold into start_time.
  double symbol_rate_hz = 0.0;
  Timestamp start_time;
  /// ASM and synchroniser tolerances; sync.block_bytes is derived from frame (ignored here).
  FrameSyncConfig sync;
  TransferFrameConfig frame;
  /// Throws std::invalid_argument naming the field and its allowed range.
  void validate() const;
};

struct DecoderChainStats {
  uint64_t symbols = 0;
  uint64_t frames = 0;           ///< frames delivered
  uint64_t frames_good = 0;
  uint64_t frames_erred = 0;
  uint64_t frames_undetermined = 0;
  uint64_t rs_corrected = 0;     ///< symbols corrected in delivered frames
  uint64_t rs_failed = 0;        ///< delivered frames with an uncorrectable codeword
  uint64_t fecf_failed = 0;
  uint64_t gaps = 0;             ///< VC frame-count discontinuities
  uint64_t frames_missing = 0;
  uint64_t sync_losses = 0;      ///< lock lost (all alignments search again)
  uint64_t false_syncs = 0;      ///< unconfirmed blocks dropped
  uint64_t flywheel_frames = 0;  ///< frames cut without a matching ASM
  int locked_alignment = -1;     ///< symbol alignment in use, -1 while searching
};

using FrameCallback = std::function<void(const Frame&)>;

class DecoderChain {
 public:
  explicit DecoderChain(const DecoderChainConfig& cfg);
  ~DecoderChain();
  DecoderChain(const DecoderChain&) = delete;
  DecoderChain& operator=(const DecoderChain&) = delete;

  void reset();
  /// Soft channel symbols (dsp::soft_t, positive = 1), any chunk size.
  void process(const dsp::soft_t* symbols, size_t n, const FrameCallback& cb);
  void process(const dsp::soft_t* symbols, size_t n, std::vector<Frame>& out);
  /// End of input: Viterbi flush, synchroniser flush, held block. Call reset() before reuse.
  void flush(const FrameCallback& cb);
  void flush(std::vector<Frame>& out);

  const DecoderChainStats& stats() const { return stats_; }
  const DecoderChainConfig& config() const { return cfg_; }
  /// Number of symbol alignments searched (1 uncoded, 2 for r=1/2, up to 8 for r=7/8).
  size_t alignments() const { return branches_.size(); }

 private:
  struct Branch;
  void feed_branch(Branch& b, const dsp::soft_t* sym, size_t n);
  void bits_to_sync(Branch& b, uint8_t* bits, size_t n);
  void on_block(Branch& b, const SyncedBlock& blk);
  void deliver(Frame& f);
  void after_sync(Branch& b);
  void activate_all(uint64_t at_symbol);
  void update_alignment();
  void stop_branch(Branch& b);

  DecoderChainConfig cfg_;
  size_t period_syms_ = 1;   ///< symbols per puncturing period
  size_t period_bits_ = 1;   ///< information bits per puncturing period
  std::vector<std::unique_ptr<Branch>> branches_;
  std::unique_ptr<TransferFrameDecoder> tfd_;
  int active_ = -1;
  uint64_t sym_pos_ = 0;     ///< absolute index of the next input symbol
  uint64_t sequence_ = 0;
  std::vector<uint8_t> bits_;
  std::vector<dsp::soft_t> soft_scratch_;
  const FrameCallback* cb_ = nullptr;  ///< the caller's callback during process()/flush()
  Frame scratch_;
  DecoderChainStats stats_;
};

}  // namespace groundlink::framing
