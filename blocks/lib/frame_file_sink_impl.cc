#include <gnuradio/io_signature.h>
#include <groundlink/frame_file_sink.h>
#include <groundlink/frame_pdu.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace gr::groundlink {

class frame_file_sink_impl : public frame_file_sink {
 public:
  frame_file_sink_impl(const std::string& path, bool skip_erred)
      : gr::block("frame_file_sink", gr::io_signature::make(0, 0, 0), gr::io_signature::make(0, 0, 0)),
        d_skip_erred(skip_erred) {
    d_file = std::fopen(path.c_str(), "wb");
    if (!d_file) throw std::runtime_error("cannot create frame file '" + path + "': " + std::strerror(errno));
    message_port_register_in(pmt::intern("frames"));
    set_msg_handler(pmt::intern("frames"), [this](const pmt::pmt_t& msg) { handle(msg); });
  }
  ~frame_file_sink_impl() override {
    if (d_file) std::fclose(d_file);
  }
  bool stop() override {
    if (d_file) std::fflush(d_file);
    return true;
  }
  uint64_t frames_written() const override { return d_written; }
  uint64_t frames_skipped() const override { return d_skipped; }

 private:
  void handle(const pmt::pmt_t& msg) {
    if (!pmt::is_pair(msg) || !pmt::is_u8vector(pmt::cdr(msg))) {
      d_logger->warn("frames port: message is not a PDU of bytes; ignored");
      ++d_skipped;
      return;
    }
    if (d_skip_erred && pdu_quality(msg) == ::groundlink::framing::FrameQuality::erred) {
      ++d_skipped;
      return;
    }
    size_t len = 0;
    const uint8_t* p = pmt::u8vector_elements(pmt::cdr(msg), len);
    if (std::fwrite(p, 1, len, d_file) != len) throw std::runtime_error("frame file write failed");
    ++d_written;
  }
  std::FILE* d_file = nullptr;
  bool d_skip_erred;
  std::atomic<uint64_t> d_written{0}, d_skipped{0};
};

frame_file_sink::sptr frame_file_sink::make(const std::string& path, bool skip_erred) {
  return gnuradio::make_block_sptr<frame_file_sink_impl>(path, skip_erred);
}

}  // namespace gr::groundlink
