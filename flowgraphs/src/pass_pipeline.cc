#include "pass_pipeline.h"

#include <chrono>

namespace groundlink::app {

PassPipeline::PassPipeline(const PipelineConfig& cfg)
    : cfg_(cfg), collector_(cfg.frames_out, cfg.all_frames, cfg.keep_frames) {
  if (!cfg.archive_path.empty()) {
    ArchiveConfig ac;
    ac.path = cfg.archive_path;
    ac.retention_days = cfg.retention_days;
    archive_ = std::make_unique<FrameArchive>(ac);
    pass_id_ = archive_->begin_pass(cfg.pass);
    writer_ = std::make_unique<ArchiveWriter>(*archive_, bus_, pass_id_);
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

void PassPipeline::on_frame(const framing::Frame& f) { bus_.publish(f); }

void PassPipeline::finish() {
  if (finished_) return;
  finished_ = true;
  bus_.close();
  if (collector_thread_.joinable()) collector_thread_.join();
  if (writer_) writer_->stop();
  collector_.close();
}

}  // namespace groundlink::app
