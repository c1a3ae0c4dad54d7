// One ISP1 association's TCP connection: TML message framing, context message, heartbeat and
// dead-factor supervision, ordered writes and PEER-ABORT (CCSDS 913.1-B-2 §3.2). The provider's
// session and the user's connection derive from it and handle the PDUs. Every member runs on the
// socket's strand; the public send/kick/abort/close calls are thread-safe (they post to it).
#pragma once

#include <boost/asio.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "sle/pdu.h"
#include "sle/tml.h"

namespace groundlink::sle {

struct TmlSettings {
  uint16_t heartbeat_s = 30;      ///< initiator: proposed in the context message; 0 = none
  uint16_t dead_factor = 3;
  uint16_t min_heartbeat_s = 0;   ///< responder: accepted range of the initiator's proposal
  uint16_t max_heartbeat_s = 3600;
  uint16_t min_dead_factor = 2;
  uint16_t max_dead_factor = 60;
  uint32_t max_pdu = 1u << 22;    ///< longest PDU accepted (anything longer is a protocol error)
  int context_timeout_s = 30;     ///< responder: the context message must arrive within this time
};

class TmlEndpoint : public std::enable_shared_from_this<TmlEndpoint> {
 public:
  enum class Role { initiator, responder };
  using Socket = boost::asio::ip::tcp::socket;

  TmlEndpoint(Socket socket, Role role, TmlSettings settings);
  virtual ~TmlEndpoint();

  /// Starts reading (and, as initiator, sends the context message).
  void start();
  /// Queues one whole TML message (header included).
  void send(std::vector<uint8_t> message);
  /// Queues a PDU (adds the TML header).
  void send_pdu(const std::vector<uint8_t>& pdu);
  /// New data is available from pull(): start a write if none is in progress.
  void kick();
  /// PEER-ABORT: queued messages are dropped, the diagnostic goes out as one urgent octet after the
  /// message being written, then the connection is closed.
  void abort(PeerAbortDiagnostic diag);
  /// Closes after everything queued has been written (after UNBIND or a negative BIND return).
  void close_after_writes();
  void close();
  bool closed() const { return closed_.load(); }
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }

 protected:
  virtual void on_pdu(const uint8_t* p, size_t n) = 0;
  /// Called once when the connection ends. `abort_diag` >= 0 when the peer sent PEER-ABORT.
  virtual void on_closed(const std::string& reason, int abort_diag) = 0;
  /// Moves messages ready to go out into `out` (provider data path). Called on the strand.
  virtual void pull(std::vector<std::vector<uint8_t>>& out) {}
  /// Called on the strand after each completed write (space freed in the queues).
  virtual void on_written() {}
  /// Gives a written message's buffer back for reuse (keeps large buffers warm: no page faults).
  virtual void recycle(std::vector<uint8_t>&& buf) {}

  const TmlContext& context() const { return context_; }
  /// PEER-ABORT requested or the connection finished (strand only).
  bool ending() const { return finished_ || aborting_ || pending_abort_ >= 0; }
  /// Octets and messages handed to the socket by the write in progress (any thread).
  uint64_t bytes_in_flight() const { return inflight_bytes_.load(std::memory_order_relaxed); }
  uint64_t messages_in_flight() const { return inflight_msgs_.load(std::memory_order_relaxed); }

 private:
  void read_header();
  void read_body(TmlHeader h);
  void handle_message(const TmlHeader& h);
  void do_write();
  void send_urgent();
  void arm_heartbeat();
  void arm_dead_timer();
  void finish(const std::string& reason, int abort_diag);

  Socket socket_;
  Role role_;
  TmlSettings settings_;
  TmlContext context_;
  bool context_seen_ = false;
  boost::asio::steady_timer hb_timer_, dead_timer_, linger_timer_;
  uint8_t header_[kTmlHeaderSize];
  std::vector<uint8_t> body_;
  std::deque<std::vector<uint8_t>> queue_;
  std::vector<std::vector<uint8_t>> batch_;
  std::vector<boost::asio::const_buffer> buffers_;
  bool writing_ = false;
  bool close_after_writes_ = false;
  int pending_abort_ = -1;
  bool aborting_ = false;
  std::chrono::steady_clock::time_point last_send_;
  std::atomic<bool> closed_{false};
  std::atomic<bool> kick_pending_{false};
  std::atomic<uint64_t> inflight_bytes_{0}, inflight_msgs_{0};
  bool finished_ = false;
};

}  // namespace groundlink::sle
