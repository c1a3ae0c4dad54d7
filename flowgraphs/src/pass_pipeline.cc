#include "pass_pipeline.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace groundlink::app {

PassPipeline::PassPipeline(const PipelineConfig& cfg)
    : cfg_(cfg), collector_(cfg.frames_out, cfg.all_frames, cfg.keep_frames) {
  if (!cfg.archive_path.empty()) {
    ArchiveConfig ac;
    ac.path = cfg.archive_path;
    ac.retention_days = cfg.retention_days;
    archive_ = std::make_unique<FrameArchive>(ac);
    if (cfg.open_pass) begin_pass(cfg.pass);
  }
  collector_sub_ = bus_.subscribe("frames", framing::DeliveryPolicy::block, 8192);
  collector_thread_ = std::thread([this] {
    framing::FramePtr f;
    while (collector_sub_->pop(f, std::chrono::milliseconds(200)) != framing::PopStatus::closed)
      if (f) {
        collector_.add(*f);
        f.reset();
      }
  });
}

PassPipeline::~PassPipeline() { finish(); }

void PassPipeline::begin_pass(const PassRecord& pass) {
  if (!archive_) return;
  if (writer_) writer_->stop();  // stores everything queued for the current pass first
  writer_.reset();
  pass_id_ = archive_->begin_pass(pass);
  const int64_t id = pass_id_;
  writer_ = std::make_unique<ArchiveWriter>(*archive_, bus_, id, ArchiveWriterConfig{},
                                            [this, id](uint64_t, std::size_t batch) {
                                              const uint64_t total = acked_.fetch_add(batch) + batch;
                                              spdlog::debug("archive: committed {} frames of pass {} ({} acknowledged)",
                                                            batch, id, total);
                                            });
}

void PassPipeline::attach_sle(sle::SleProvider& provider) {
  sle_ = &provider;
  sle_sub_ = bus_.subscribe("sle", framing::DeliveryPolicy::block, 8192);
  sle_thread_ = std::thread([this] {
    framing::FramePtr f;
    while (sle_sub_->pop(f, std::chrono::milliseconds(200)) != framing::PopStatus::closed)
      if (f) {
        sle_->deliver(*f);
        f.reset();
      }
    sle_->end_of_data();
  });
}

void PassPipeline::on_frame(const framing::Frame& f) { bus_.publish(f); }

void PassPipeline::finish() {
  if (finished_) return;
  finished_ = true;
  bus_.close();
  if (collector_thread_.joinable()) collector_thread_.join();
  if (sle_thread_.joinable()) sle_thread_.join();
  if (writer_) writer_->stop();
  collector_.close();
}

framing::Timestamp to_timestamp(const sle::SleTime& t) {
  const int64_t s = t.ns >= 0 ? t.ns / 1000000000 : -((-t.ns + 999999999) / 1000000000);
  const int64_t rem_ns = t.ns - s * 1000000000;
  return framing::Timestamp{s, rem_ns * 1000 + t.ps};
}

sle::SleTime to_sle_time(const framing::Timestamp& t) {
  sle::SleTime s;
  s.ns = t.seconds * 1000000000 + t.picoseconds / 1000;
  s.ps = static_cast<int32_t>(t.picoseconds % 1000);
  s.pico = true;
  return s;
}

void ArchiveFrameStore::query(const sle::SleTime& from, const sle::SleTime& to,
                              const std::function<bool(const framing::Frame&, const sle::SleTime& ert)>& sink) {
  // SLE asks for [from, to]; the archive answers [from, to): one picosecond past `to` closes it.
  archive_.query(to_timestamp(from), to_timestamp(to).plus_ps(1), std::nullopt,
                 [&sink](const StoredFrame& sf) { return sink(sf.frame, to_sle_time(sf.frame.ert)); });
}

}  // namespace groundlink::app
