#include "framing/frame_sync.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace groundlink::framing {

const char* to_string(SyncState s) {
  switch (s) {
    case SyncState::search: return "search";
    case SyncState::check: return "check";
    case SyncState::lock: return "lock";
    default: return "flywheel";
  }
}

namespace {

// Eight soft bits (first = MSB) -> one byte, bit = (soft > 0), without branches: per byte,
// (low 7 bits + 127) carries into bit 7 exactly when the low bits are nonzero (no carry crosses
// bytes: 127 + 127 < 256); with the sign bit clear that means soft >= 1. The multiply gathers
// bit 0 of each byte (little-endian: byte 0 is the first bit) into the top byte, byte 0 highest.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "pack8 assumes a little-endian load");
inline unsigned pack8(const dsp::soft_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  const uint64_t m = ((v & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL) & ~v & 0x8080808080808080ULL;
  return static_cast<unsigned>(((m >> 7) * 0x8040201008040201ULL) >> 56);
}

[[noreturn]] void bad(const std::string& field, const std::string& range, long long v) {
  throw std::invalid_argument("frame_sync." + field + " must be in " + range + ", got " +
                              std::to_string(v));
}
}  // namespace

void FrameSyncConfig::validate() const {
  sync_marker.validate();
  const int L = sync_marker.length_bits;
  if (block_bytes < 1 || block_bytes > 65536) bad("block_bytes", "1..65536", static_cast<long long>(block_bytes));
  if (search_max_errors < 0 || search_max_errors > L / 4)
    bad("search_max_errors", "0.." + std::to_string(L / 4), search_max_errors);
  if (lock_max_errors < search_max_errors || lock_max_errors > L / 2 - 1)
    bad("lock_max_errors", std::to_string(search_max_errors) + ".." + std::to_string(L / 2 - 1),
        lock_max_errors);
  if (confirm_frames < 0 || confirm_frames > 16) bad("confirm_frames", "0..16", confirm_frames);
  if (flywheel_frames < 0 || flywheel_frames > 64) bad("flywheel_frames", "0..64", flywheel_frames);
  if (bit_slip < 0 || bit_slip > 8) bad("bit_slip", "0..8", bit_slip);
}

FrameSynchronizer::FrameSynchronizer(const FrameSyncConfig& cfg)
    : cfg_(cfg), corr_((cfg.validate(), cfg.sync_marker)) {
  L_ = static_cast<size_t>(cfg_.sync_marker.length_bits);
  block_bits_ = cfg_.block_bytes * 8;
  period_ = L_ + block_bits_;
  // Enough to hold everything from a candidate ASM through confirm_frames periods and the next
  // ASM window, so a failed check can rescan from just after the candidate.
  const size_t cap = (static_cast<size_t>(cfg_.confirm_frames) + 2) * period_ +
                     2 * static_cast<size_t>(cfg_.bit_slip) + 2 * L_ + 64;
  buf_.resize(cap);
  scratch_.resize(4096);
  out_.resize(cfg_.block_bytes);
  reset();
}

void FrameSynchronizer::reset() {
  len_ = 0;
  base_ = 0;
  inverted_ = false;
  stats_ = {};
  start_search(0);
}

void FrameSynchronizer::start_search(uint64_t from) {
  state_ = SyncState::search;
  pending_ = false;
  scan_ = from;
  sr_ = 0;
  sr_fill_ = 0;
  confirmed_ = 0;
  misses_ = 0;
  alt_ = false;
}

void FrameSynchronizer::process(const dsp::soft_t* soft, size_t n, const BlockCallback& cb) {
  stats_.bits += n;
  while (n > 0) {
    const size_t take = std::min(n, buf_.size() - len_);
    std::memcpy(buf_.data() + len_, soft, take);
    len_ += take;
    soft += take;
    n -= take;
    run(cb);
    compact();
  }
}

void FrameSynchronizer::process_bits(const uint8_t* bits, size_t n, const BlockCallback& cb) {
  stats_.bits += n;
  while (n > 0) {
    const size_t take = std::min(n, buf_.size() - len_);
    // Straight into the window as +-127, branch-free (random bits defeat branch prediction).
    dsp::soft_t* __restrict dst = buf_.data() + len_;
    const uint8_t* __restrict src = bits;
    for (size_t i = 0; i < take; ++i)
      dst[i] = static_cast<dsp::soft_t>(static_cast<int>(src[i] & 1) * 254 - 127);
    len_ += take;
    bits += take;
    n -= take;
    run(cb);
    compact();
  }
}

void FrameSynchronizer::process_packed(const uint8_t* bytes, size_t n, const BlockCallback& cb) {
  const size_t per = scratch_.size() / 8;
  while (n > 0) {
    const size_t m = std::min(n, per);
    for (size_t i = 0; i < m; ++i)
      for (int b = 0; b < 8; ++b)
        scratch_[i * 8 + b] = (bytes[i] >> (7 - b) & 1) ? dsp::kSoftOne : dsp::kSoftZero;
    process(scratch_.data(), m * 8, cb);
    bytes += m;
    n -= m;
  }
}

void FrameSynchronizer::flush(const BlockCallback& cb) {
  run(cb);
  // A block whose ASM was found but whose end the input never reached: hand over what arrived.
  const uint64_t end = base_ + len_;
  // Only behind an ASM actually seen: a flywheel prediction past the end of a transmission is
  // not a frame.
  if (state_ == SyncState::search || !pending_ || block_start_ >= end || block_state_ == SyncState::flywheel)
    return;
  const size_t bytes = static_cast<size_t>((end - block_start_) / 8);
  if (bytes == 0) return;
  const dsp::soft_t* p = at(block_start_);
  const uint8_t flip = inverted_ ? 0xFF : 0x00;
  for (size_t i = 0; i < cfg_.block_bytes; ++i, p += 8)
    out_[i] = i < bytes ? static_cast<uint8_t>(pack8(p) ^ flip) : 0;
  SyncedBlock blk;
  blk.data = out_.data();
  blk.size = out_.size();
  blk.symbol_index = block_start_ - 1;
  blk.asm_errors = block_match_.errors;
  blk.correlation = block_match_.correlation;
  blk.inverted = inverted_;
  blk.state = block_state_;
  blk.slip = block_slip_;
  blk.truncated = true;
  blk.valid_bytes = bytes;
  pending_ = false;
  ++stats_.blocks;
  if (cb) cb(blk);
}

void FrameSynchronizer::run(const BlockCallback& cb) {
  const uint64_t end = base_ + len_;
  for (;;) {
    if (state_ == SyncState::search) {
      search(cb);
      if (state_ == SyncState::search) return;  // needs more bits
      continue;
    }
    if (pending_) {
      if (!emit_pending(cb)) return;
      continue;
    }
    const uint64_t expect = block_start_ + block_bits_;
    if (expect + static_cast<uint64_t>(cfg_.bit_slip) + L_ > end) return;
    check_next();
  }
}

void FrameSynchronizer::search(const BlockCallback&) {
  const uint64_t end = base_ + len_;
  const int tol = cfg_.search_max_errors;
  const dsp::soft_t* p = at(scan_);
  uint64_t sr = sr_;
  size_t fill = sr_fill_;
  uint64_t pos = scan_;
  while (pos < end) {
    sr = sr << 1 | (*p++ > 0 ? 1u : 0u);
    ++pos;
    if (fill < L_) {
      if (++fill < L_) continue;
    }
    int e = corr_.word_errors(sr, false);
    bool inv = false;
    if (e > tol) {
      // Errors against the complemented marker are the complement count: one popcount per bit.
      if (!cfg_.detect_inverted || static_cast<int>(L_) - e > tol) continue;
      e = static_cast<int>(L_) - e;
      inv = true;
    }
    // Candidate ASM occupying [pos - L, pos).
    const uint64_t asm_start = pos - L_;
    const int c = corr_.correlate(at(asm_start));
    inverted_ = inv;
    block_match_ = {inv ? -c : c, e, inv};
    block_start_ = pos;
    cand_asm_start_ = asm_start;
    block_slip_ = 0;
    pending_ = true;
    confirmed_ = 0;
    misses_ = 0;
    ++stats_.acquisitions;
    if (inv) ++stats_.inverted_acquisitions;
    if (cfg_.confirm_frames == 0) {
      state_ = SyncState::lock;
      block_state_ = SyncState::lock;
      ++stats_.locks;
    } else {
      state_ = SyncState::check;
      block_state_ = SyncState::search;
    }
    scan_ = pos;
    return;
  }
  scan_ = pos;
  sr_ = sr;
  sr_fill_ = fill;
}

void FrameSynchronizer::check_next() {
  const uint64_t expect = block_start_ + block_bits_;
  const int slip = cfg_.bit_slip;
  const int tol = state_ == SyncState::check ? cfg_.search_max_errors : cfg_.lock_max_errors;
  // The expected position is tried first with the full tolerance. A slipped position must match
  // with the search tolerance: at low SNR a Viterbi error burst on the ASM can make a position
  // one bit off look slightly better than the true one, and a wrong slip costs the frame, while
  // a real slip leaves ~16 errors at the old position (the ASM's autocorrelation sidelobes).
  int best_d = 0;
  int best_e = corr_.bit_errors(at(expect), inverted_);
  if (best_e > tol) {
    int se = INT_MAX;
    for (int d = -slip; d <= slip; ++d) {
      if (d == 0) continue;
      const uint64_t s = expect + static_cast<uint64_t>(static_cast<int64_t>(d));
      if (s < base_) continue;
      const int e = corr_.bit_errors(at(s), inverted_);
      if (e < se || (e == se && std::abs(d) < std::abs(best_d))) {
        se = e;
        best_d = d;
      }
    }
    if (se <= cfg_.search_max_errors) best_e = se;
    else best_d = 0;
  }
  if (best_e <= tol) {
    const uint64_t s = expect + static_cast<uint64_t>(static_cast<int64_t>(best_d));
    const int c = corr_.correlate(at(s));
    block_match_ = {inverted_ ? -c : c, best_e, inverted_};
    block_start_ = s + L_;
    block_slip_ = best_d;
    if (best_d != 0) ++stats_.slips;
    if (state_ == SyncState::check) {
      if (++confirmed_ >= cfg_.confirm_frames) {
        state_ = SyncState::lock;
        ++stats_.locks;
      }
    } else {
      state_ = SyncState::lock;
    }
    misses_ = 0;
    alt_ = false;
    block_state_ = state_;
    pending_ = true;
    return;
  }
  if (state_ != SyncState::check && alt_) {
    // The old grid missed again: is the grid found at the last miss confirmed one period on?
    alt_ = false;
    const uint64_t next = alt_end_ + block_bits_;
    if (alt_end_ >= base_ && next + L_ <= base_ + len_ && corr_.bit_errors(at(next), inverted_) <= cfg_.search_max_errors) {
      // Move there: the block behind the alternative ASM now, the confirmed ASM next.
      block_match_ = alt_match_;
      block_start_ = alt_end_;
      // Against where the old grid put the ASM of the last period (flywheeled there).
      block_slip_ = static_cast<int>(static_cast<int64_t>(alt_end_) - static_cast<int64_t>(expect - period_ + L_));
      state_ = SyncState::lock;
      block_state_ = SyncState::check;
      misses_ = 0;
      pending_ = true;
      ++stats_.regrids;
      return;
    }
  }
  if (state_ == SyncState::check) {
    // CCSDS 130.1-G: a candidate not confirmed was a false sync; rescan from just after it.
    ++stats_.false_starts;
    start_search(cand_asm_start_ + 1);
    return;
  }
  if (++misses_ > cfg_.flywheel_frames) {
    ++stats_.sync_losses;
    const uint64_t from = expect >= static_cast<uint64_t>(slip) ? expect - slip : 0;
    start_search(std::max(from, base_));
    return;
  }
  find_alternative(expect);
  // Flywheel: trust the frame length, cut the block where the ASM should have been.
  const int c = corr_.correlate(at(expect));
  block_match_ = {inverted_ ? -c : c, corr_.bit_errors(at(expect), inverted_), inverted_};
  block_start_ = expect + L_;
  block_slip_ = 0;
  state_ = SyncState::flywheel;
  block_state_ = state_;
  pending_ = true;
  ++stats_.flywheel_blocks;
}

void FrameSynchronizer::find_alternative(uint64_t expect) {
  // ASMs starting after the last accepted one and before the expected one (outside the
  // +-bit_slip window already tried): the grid after samples were lost.
  const uint64_t slip = static_cast<uint64_t>(cfg_.bit_slip);
  const uint64_t from = std::max(base_, block_start_ + 1);
  const uint64_t to = expect > slip ? expect - slip : 0;
  int best = cfg_.search_max_errors + 1;
  for (uint64_t s = from; s < to; ++s) {
    const int e = corr_.bit_errors(at(s), inverted_);
    if (e < best) {
      best = e;
      alt_end_ = s + L_;
    }
  }
  if (best > cfg_.search_max_errors) return;
  const int c = corr_.correlate(at(alt_end_ - L_));
  alt_match_ = {inverted_ ? -c : c, best, inverted_};
  alt_ = true;
}

bool FrameSynchronizer::emit_pending(const BlockCallback& cb) {
  if (block_start_ + block_bits_ > base_ + len_) return false;
  const dsp::soft_t* p = at(block_start_);
  const uint8_t flip = inverted_ ? 0xFF : 0x00;
  for (size_t i = 0; i < cfg_.block_bytes; ++i, p += 8) out_[i] = static_cast<uint8_t>(pack8(p) ^ flip);
  SyncedBlock blk;
  blk.data = out_.data();
  blk.size = out_.size();
  blk.symbol_index = block_start_ - 1;
  blk.asm_errors = block_match_.errors;
  blk.correlation = block_match_.correlation;
  blk.inverted = inverted_;
  blk.state = block_state_;
  blk.slip = block_slip_;
  blk.valid_bytes = out_.size();
  pending_ = false;
  ++stats_.blocks;
  if (cb) cb(blk);
  return true;
}

void FrameSynchronizer::compact() {
  const uint64_t end = base_ + len_;
  uint64_t keep;
  if (state_ == SyncState::search) {
    keep = scan_ >= L_ ? scan_ - L_ : 0;
  } else {
    // In lock the bits since the last ASM stay: a miss searches them for an off-grid ASM, and
    // an alternative found there is delivered from them once confirmed.
    keep = block_start_ - L_ - static_cast<uint64_t>(cfg_.bit_slip);
    if (state_ == SyncState::check) keep = std::min(keep, cand_asm_start_ + 1);
    if (alt_) keep = std::min(keep, alt_end_ - L_);
  }
  keep = std::min(std::max(keep, base_), end);
  const size_t drop = static_cast<size_t>(keep - base_);
  if (drop == 0) return;
  std::memmove(buf_.data(), buf_.data() + drop, len_ - drop);
  len_ -= drop;
  base_ = keep;
}

}  // namespace groundlink::framing
