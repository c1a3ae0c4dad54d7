#include "frame_collector.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace groundlink::app {

FrameCollector::FrameCollector(const std::string& path, bool all_frames, bool keep)
    : path_(path), all_frames_(all_frames), keep_(keep) {
  if (!path.empty()) {
    file_ = std::fopen(path.c_str(), "wb");
    if (!file_) throw std::runtime_error("cannot create '" + path + "': " + std::strerror(errno));
  }
}

FrameCollector::~FrameCollector() { close(); }

void FrameCollector::close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_) {
    std::fclose(file_);
    file_ = nullptr;
  }
}

void FrameCollector::add(const framing::Frame& f) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool good = f.quality == framing::FrameQuality::good;
  const bool erred = f.quality == framing::FrameQuality::erred;
  if (good) ++good_;
  else if (erred) ++bad_;
  else ++undetermined_;
  gaps_ += f.frames_missing;
  rs_corrected_ += static_cast<uint64_t>(f.rs_corrected);
  if (file_ && (!erred || all_frames_)) {
    if (std::fwrite(f.data.data(), 1, f.data.size(), file_) != f.data.size())
      throw std::runtime_error("write to '" + path_ + "' failed");
    ++written_;
  }
  if (keep_) frames_.push_back(f);
}

uint64_t FrameCollector::good() const { std::lock_guard<std::mutex> l(mu_); return good_; }
uint64_t FrameCollector::bad() const { std::lock_guard<std::mutex> l(mu_); return bad_; }
uint64_t FrameCollector::undetermined() const { std::lock_guard<std::mutex> l(mu_); return undetermined_; }
uint64_t FrameCollector::written() const { std::lock_guard<std::mutex> l(mu_); return written_; }
uint64_t FrameCollector::gaps() const { std::lock_guard<std::mutex> l(mu_); return gaps_; }
uint64_t FrameCollector::rs_corrected() const { std::lock_guard<std::mutex> l(mu_); return rs_corrected_; }
std::vector<framing::Frame> FrameCollector::frames() const { std::lock_guard<std::mutex> l(mu_); return frames_; }

}  // namespace groundlink::app
