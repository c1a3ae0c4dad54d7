// Frame synchroniser (CCSDS 131.0-B-4 §9, 130.1-G §3): finds the ASM in a stream of soft (or
// hard) bits and cuts the fixed-length block that follows it (the CADU body: a randomized
// transfer frame or RS codeblock).
//
// State machine:
//   search   -- every bit position is tested; an ASM with <= search_max_errors hard errors (either
//               polarity when detect_inverted) starts a candidate: the block after it is emitted
//               with state `search` (unconfirmed) and the next ASM is expected one period later.
//   check    -- confirm_frames consecutive ASMs (<= search_max_errors) at the expected position
//               (+-bit_slip) lead to lock; a miss returns to search, resuming one bit after the
//               candidate ASM (so a false sync cannot hide the true one).
//   lock     -- an ASM is accepted with <= lock_max_errors at the expected position; failing
//               that, at the best position within +-bit_slip with <= search_max_errors (a bit
//               slip moves the frame grid).
//   flywheel -- a missed ASM in lock: the block is still cut at the position the frame length
//               predicts (the ASM was corrupted, not the grid); flywheel_frames consecutive
//               misses lose lock (counted in sync_losses) and return to search. Meanwhile the
//               bits since the last ASM are searched for an ASM off the grid (<= search_max_errors):
//               if the next ASM of that grid is there one period later while the old grid still
//               misses, lock moves to it at once and its first block is delivered (a slip of
//               many bits, as samples lost in an SDR overflow make, costs one frame, not the
//               flywheel and a new search).
// Polarity is decided per acquisition and applied to the blocks (bytes come out corrected).
// Blocks are emitted as soon as their last bit arrives; nothing complete stays buffered.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "dsp/soft.h"
#include "framing/asm_correlator.h"

namespace groundlink::framing {

enum class SyncState : uint8_t { search = 0, check = 1, lock = 2, flywheel = 3 };
const char* to_string(SyncState s);

struct FrameSyncConfig {
  AsmConfig sync_marker;
  size_t block_bytes = 1275;   ///< bytes after the ASM (CADU length - ASM), 1..65536
  int search_max_errors = 3;   ///< ASM hard-bit errors accepted in search and check, 0..length/4
  int lock_max_errors = 8;     ///< ... in lock and flywheel, search_max_errors..length/2-1
  int confirm_frames = 1;      ///< ASMs confirmed in check before lock, 0..16 (0: lock at once)
  int flywheel_frames = 4;     ///< consecutive missed ASMs bridged in lock, 0..64
  int bit_slip = 1;            ///< +-bits searched around the expected ASM in lock, 0..8
  bool detect_inverted = true; ///< accept the complemented ASM (and invert the blocks)
  /// Throws std::invalid_argument naming the field and its allowed range.
  void validate() const;
};

/// One block cut from the stream; data is valid only during the callback.
struct SyncedBlock {
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint64_t symbol_index = 0;  ///< stream index (since reset) of the last ASM bit
  int asm_errors = 0;         ///< hard-bit errors of the ASM (flywheel: of the best position)
  int correlation = 0;        ///< soft correlation, polarity-corrected (positive = matching)
  bool inverted = false;
  SyncState state = SyncState::search;  ///< search = unconfirmed first block after search
  int slip = 0;               ///< grid correction applied at this ASM, bits
  /// The input ended inside this block (flush): only valid_bytes were received, the rest is
  /// zero fill. Delivered so nothing received is silently lost; never a good frame.
  bool truncated = false;
  size_t valid_bytes = 0;
};

using BlockCallback = std::function<void(const SyncedBlock&)>;

struct FrameSyncStats {
  uint64_t bits = 0;
  uint64_t blocks = 0;
  uint64_t acquisitions = 0;   ///< search -> candidate
  uint64_t false_starts = 0;   ///< check failed, back to search
  uint64_t locks = 0;          ///< -> lock (from check)
  uint64_t sync_losses = 0;    ///< lock/flywheel -> search
  uint64_t flywheel_blocks = 0;
  uint64_t slips = 0;
  uint64_t inverted_acquisitions = 0;
  uint64_t regrids = 0;        ///< lock moved to a new grid found while flywheeling (large slip)
};

class FrameSynchronizer {
 public:
  explicit FrameSynchronizer(const FrameSyncConfig& cfg);

  void reset();
  /// Soft bits (positive = 1), any chunk size.
  void process(const dsp::soft_t* soft, size_t n, const BlockCallback& cb);
  /// Hard bits, one per byte (0/1).
  void process_bits(const uint8_t* bits, size_t n, const BlockCallback& cb);
  /// Packed bytes, MSB first.
  void process_packed(const uint8_t* bytes, size_t n, const BlockCallback& cb);
  /// End of input: emits any block whose bits are all in (none can remain, since blocks are
  /// emitted as soon as complete; kept so callers need not know that) and leaves the state.
  void flush(const BlockCallback& cb);

  SyncState state() const { return state_; }
  bool inverted() const { return inverted_; }
  const FrameSyncStats& stats() const { return stats_; }
  const FrameSyncConfig& config() const { return cfg_; }
  size_t period_bits() const { return period_; }

 private:
  void run(const BlockCallback& cb);
  void search(const BlockCallback& cb);
  bool emit_pending(const BlockCallback& cb);
  void check_next();
  void start_search(uint64_t from);
  void compact();
  const dsp::soft_t* at(uint64_t abs) const { return buf_.data() + (abs - base_); }

  FrameSyncConfig cfg_;
  AsmCorrelator corr_;
  size_t L_;
  size_t block_bits_;
  size_t period_;

  std::vector<dsp::soft_t> buf_;  ///< bits [base_, base_ + len_)
  size_t len_ = 0;
  uint64_t base_ = 0;
  std::vector<dsp::soft_t> scratch_;
  std::vector<uint8_t> out_;

  SyncState state_ = SyncState::search;
  bool inverted_ = false;
  // search
  uint64_t scan_ = 0;      ///< next bit to shift into sr_
  uint64_t sr_ = 0;
  size_t sr_fill_ = 0;
  // pending block / next ASM
  bool pending_ = false;
  uint64_t block_start_ = 0;  ///< first bit after the accepted ASM
  uint64_t cand_asm_start_ = 0;  ///< start of the ASM of the last search hit (resume point)
  SyncState block_state_ = SyncState::search;
  AsmMatch block_match_;
  int block_slip_ = 0;
  int confirmed_ = 0;
  int misses_ = 0;
  // Re-acquisition while flywheeling: an ASM found off the grid after a miss, to be confirmed
  // one period later (a slip larger than bit_slip: samples lost in an SDR overflow).
  bool alt_ = false;
  uint64_t alt_end_ = 0;  ///< first bit after the alternative ASM
  AsmMatch alt_match_;
  void find_alternative(uint64_t expect);

  FrameSyncStats stats_;
};

}  // namespace groundlink::framing
