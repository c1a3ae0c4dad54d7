// The program's end of the frame hand-off: counts frames and writes them to a file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "framing/frame.h"

namespace groundlink::app {

class FrameCollector {
 public:
  /// path empty: count only. Good and undetermined frames are written; erred ones only with all_frames.
  explicit FrameCollector(const std::string& path = "", bool all_frames = false, bool keep = false);
  ~FrameCollector();
  void add(const framing::Frame& f);
  void close();

  uint64_t good() const;
  uint64_t bad() const;           ///< erred
  uint64_t undetermined() const;  ///< nothing to check them against (no RS, FECF or header)
  uint64_t written() const;
  uint64_t gaps() const;
  uint64_t rs_corrected() const;
  /// The frames themselves, when constructed with keep = true.
  std::vector<framing::Frame> frames() const;

 private:
  mutable std::mutex mu_;
  std::FILE* file_ = nullptr;
  std::string path_;
  bool all_frames_, keep_;
  uint64_t good_ = 0, bad_ = 0, undetermined_ = 0, written_ = 0, gaps_ = 0, rs_corrected_ = 0;
  std::vector<framing::Frame> frames_;
};

}  // namespace groundlink::app
